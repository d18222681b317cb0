"""``airwork org create|list`` and ``airwork serve``'s options (the server itself runs in
tests/service/test_restart.py)."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from airwork.cli.main import app

runner = CliRunner()


def run(*args, env=None):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200", **(env or {})})


def test_org_create_prints_the_org_and_an_owner_token_once(tmp_path):
    r = run("org", "create", "Acme Spraying", "--data-dir", tmp_path, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["org"]["name"] == "Acme Spraying" and out["org"]["id"].startswith("org_")
    assert out["token"].startswith("aw_") and out["user"]["role"] == "owner"
    assert (tmp_path / "airwork.db").is_file()
    assert out["token"] not in (tmp_path / "airwork.db").read_bytes().decode("latin-1")
    listed = run("org", "list", "--data-dir", tmp_path)
    assert listed.exit_code == 0 and out["org"]["id"] in listed.output


def test_org_create_sets_the_owners_password_from_the_environment(tmp_path):
    from airwork.service.auth import sign_in
    from airwork.service.db import Database
    from airwork.service.passwords import Brake

    env = {"AIRWORK_OWNER_PASSWORD": "a password of the owner"}
    r = run("org", "create", "Pw Org", "--data-dir", tmp_path, "--json", env=env)
    assert r.exit_code == 0, r.output
    db = Database(f"sqlite:///{tmp_path / 'airwork.db'}")
    try:
        out = sign_in(db, Brake(), "Pw Org", "owner", "a password of the owner")
    finally:
        db.dispose()
    assert out["org"]["id"] == json.loads(r.output)["org"]["id"]
    short = run("org", "create", "X", "--data-dir", tmp_path, "--owner-password", "short")
    assert short.exit_code != 0 and "10 to 200 characters" in short.output


def test_org_create_takes_the_database_from_airwork_db(tmp_path):
    url = f"sqlite:///{tmp_path / 'other.db'}"
    r = run("org", "create", "B", "--data-dir", tmp_path / "d", env={"AIRWORK_DB": url})
    assert r.exit_code == 0, r.output
    assert "owner token (shown once): aw_" in r.output
    assert (tmp_path / "other.db").is_file() and not (tmp_path / "d" / "airwork.db").exists()


def test_org_create_refuses_a_blank_name_in_one_line(tmp_path):
    r = run("org", "create", "   ", "--data-dir", tmp_path)
    assert r.exit_code == 1
    assert "an organisation's name has 1 to 200 characters" in r.output


def test_serve_help_names_its_options():
    r = run("serve", "--help")
    assert r.exit_code == 0
    for option in ("--host", "--port", "--db", "--data-dir", "--scheduler", "--workers"):
        assert option in r.output
    assert "--basemap-url" in r.output and "AIRWORK_BASEMAP_URL" in r.output


def test_a_basemap_url_that_is_not_http_is_one_line(tmp_path):
    r = run("serve", "--data-dir", tmp_path, "--basemap-url", "file:///etc/passwd")
    assert r.exit_code == 1, r.output
    assert "--basemap-url 'file:///etc/passwd': an http(s) URL template" in r.output
    assert "Traceback" not in r.output


def test_a_database_that_cannot_be_used_is_one_line(tmp_path):
    url = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"
    for args in (("org", "create", "X"), ("serve",)):
        r = run(*args, "--db", url, "--data-dir", tmp_path)
        assert r.exit_code == 1, r.output
        shown = "postgresql+psycopg://nobody:***@127.0.0.1:1/none"
        assert f"cannot use the database {shown}" in r.output
        assert "secret" not in r.output and "Traceback" not in r.output


def test_the_servers_temporary_files_stay_in_the_data_dir(tmp_path, monkeypatch):
    import os
    import tempfile

    from airwork.cli.serve import private_tmp

    monkeypatch.setenv("TMPDIR", os.environ.get("TMPDIR", "/tmp"))
    try:
        folder = private_tmp(tmp_path / "data")
        assert folder == (tmp_path / "data" / "tmp").resolve() and folder.is_dir()
        assert os.environ["TMPDIR"] == str(folder)
        assert tempfile.gettempdir() == str(folder)  # where uploads spool, jobs unpack
        with tempfile.NamedTemporaryFile() as fh:
            assert Path(fh.name).parent == folder
    finally:
        tempfile.tempdir = None


def test_a_second_server_on_the_same_database_is_refused_in_one_line(tmp_path):
    from airwork.service.serverlock import one_server

    url = f"sqlite:///{tmp_path / 'airwork.db'}"
    with one_server(url):  # a running server holds the lock
        r = run("serve", "--db", url, "--data-dir", tmp_path)
    assert r.exit_code == 1, r.output
    assert "another airwork serve is already using" in r.output
    assert "Traceback" not in r.output
    with one_server(url):  # released when the first stops: a new server may start
        pass


def test_the_server_lock_is_held_across_processes(tmp_path):
    import subprocess
    import sys

    url = f"sqlite:///{tmp_path / 'airwork.db'}"
    code = (
        "import sys\n"
        "from airwork.service.serverlock import one_server\n"
        "try:\n"
        f"    with one_server({url!r}): print('got')\n"
        "except Exception as e: print(e)\n"
    )
    from airwork.service.serverlock import one_server

    with one_server(url):
        held = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    free = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert "another airwork serve is already using" in held.stdout
    assert free.stdout.strip() == "got"


def test_org_create_sets_the_organisations_upload_limit(tmp_path):
    r = run("org", "create", "Small", "--data-dir", tmp_path, "--max-upload-mb", "0.5", "--json")
    assert r.exit_code == 0, r.output
    from airwork.service.db import Database, Org

    db = Database(f"sqlite:///{tmp_path / 'airwork.db'}")
    try:
        with db.read() as s:
            org = s.get(Org, json.loads(r.output)["org"]["id"])
            assert org.max_upload_bytes == 2**19
            assert org.upload_limit_bytes(20 * 2**20) == 2**19  # within the server's
            assert org.upload_limit_bytes(2**10) == 2**10
    finally:
        db.dispose()
    bad = run("org", "create", "X", "--data-dir", tmp_path, "--max-upload-mb", "0")
    assert bad.exit_code == 2 and "--max-upload-mb" in bad.output
