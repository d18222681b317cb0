"""A throw-away PostgreSQL + PostGIS server for the service's tests, started by the tests
themselves so that the README's one test command needs nothing else.

``url()`` returns ``AIRWORK_TEST_PG_URL`` when it is set (a server you run yourself);
otherwise, on the first call, it installs Debian's ``postgresql`` and ``postgis`` packages
when they are missing (as root, with apt-get), creates a cluster in a temporary folder,
starts it on a free 127.0.0.1 port with ``fsync=off``, creates a database with the PostGIS
extension and returns its URL. The server is stopped and its folder removed when the test
process exits. None when no server can be had (not root and nothing installed).
"""

from __future__ import annotations

import atexit
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

_STATE: dict[str, str | None] = {}


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]) if found else None


def _has_postgis() -> bool:
    return bool(glob.glob("/usr/share/postgresql/*/extension/postgis.control"))


def _install() -> None:
    """Debian's PostgreSQL and PostGIS, when missing and we may install them."""
    if _bindir() and _has_postgis():
        return
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        return
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "postgresql", "postgis"],
        check=True,
        env=env,
        capture_output=True,
    )


def _as_postgres(cmd: list[str]) -> list[str]:
    """Run as the ``postgres`` user when we are root (the server refuses root)."""
    return ["runuser", "-u", "postgres", "--", *cmd] if os.geteuid() == 0 else cmd


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start() -> str | None:
    _install()
    bindir = _bindir()
    if bindir is None or not _has_postgis():
        return None
    tmp = Path(tempfile.mkdtemp(prefix="airwork-pg-"))
    if os.geteuid() == 0:
        shutil.chown(tmp, "postgres", "postgres")
    data, port = tmp / "data", _free_port()
    run = subprocess.run
    initdb = [str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres"]
    run(_as_postgres([*initdb, "--no-sync", "-E", "UTF8"]), check=True, capture_output=True)
    options = f"-p {port} -k {tmp} -c listen_addresses=127.0.0.1 -c fsync=off "
    options += "-c max_connections=300"
    ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(tmp / "server.log")]
    run(_as_postgres([*ctl, "-w", "-t", "60", "start", "-o", options]), check=True,
        capture_output=True)  # fmt: skip

    def stop() -> None:
        subprocess.run(_as_postgres([*ctl, "-m", "fast", "-w", "stop"]), capture_output=True)
        shutil.rmtree(tmp, ignore_errors=True)

    atexit.register(stop)
    psql = [str(bindir / "psql"), "-q", "-h", "127.0.0.1", "-p", str(port), "-U", "postgres"]
    run([*psql, "-d", "postgres", "-c", "CREATE DATABASE airwork_test"], check=True,
        capture_output=True)  # fmt: skip
    run([*psql, "-d", "airwork_test", "-c", "CREATE EXTENSION postgis"], check=True,
        capture_output=True)  # fmt: skip
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/airwork_test"


def url() -> str | None:
    """The test server's URL (started on first use), or None if none can be had."""
    if "url" not in _STATE:
        _STATE["url"] = os.environ.get("AIRWORK_TEST_PG_URL") or _start()
    return _STATE["url"]
