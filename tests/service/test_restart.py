"""A server killed (SIGKILL, with its Dask workers) while a job runs: after a restart the
job is queued again and ends done; a result finished before the kill is kept as it was.
The real ``airwork serve`` in a process of its own, with worker processes, on SQLite and on
PostgreSQL."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def airwork(*args: str, **kw) -> subprocess.Popen:
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.Popen([sys.executable, "-m", "airwork.cli.main", *args], env=env, **kw)


class Server:
    def __init__(self, data: Path, db: list[str]):
        self.data = data
        self.db = db  # ["--db", URL] or [] (SQLite under the data folder)
        self.proc: subprocess.Popen | None = None
        self.url = ""

    def start(self) -> None:
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        log = open(self.data / f"serve-{port}.log", "w")  # noqa: SIM115 - kept while it runs
        self.proc = airwork(
            "serve",
            "--port",
            str(port),
            "--data-dir",
            str(self.data),
            "--workers",
            "1",
            *self.db,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        end = time.monotonic() + 90
        while time.monotonic() < end:
            with contextlib.suppress(httpx.HTTPError):
                if httpx.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return
            assert self.proc.poll() is None, (self.data / f"serve-{port}.log").read_text()
            time.sleep(0.2)
        raise AssertionError("the server did not start")

    def kill(self) -> None:
        """SIGKILL the server and every process it started (its Dask workers)."""
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            self.proc.wait(timeout=30)
            self.proc = None

    def stop(self) -> None:
        if self.proc is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=30)
            self.kill()


@pytest.fixture(params=["sqlite", "postgresql"])
def server(request, tmp_path):
    """The real server on SQLite (its default) and on PostgreSQL + PostGIS."""
    from .conftest import create_pg_database, drop_pg_database

    url = create_pg_database() if request.param == "postgresql" else None
    srv = Server(tmp_path, ["--db", url] if url else [])
    yield srv
    srv.stop()
    if url:
        drop_pg_database(url)


def test_a_job_running_when_the_server_is_killed_ends_done_after_a_restart(server, tmp_path):
    made = airwork(
        "org",
        "create",
        "Restart Co",
        "--data-dir",
        str(tmp_path),
        *server.db,
        "--json",
        stdout=subprocess.PIPE,
    )
    out, _ = made.communicate(timeout=60)
    h = {"Authorization": f"Bearer {json.loads(out)['token']}"}
    server.start()
    c = httpx.Client(base_url=server.url, headers=h, timeout=30)
    field = c.post(
        "/api/v1/sites",
        files={
            "file": (
                "example_field.geojson",
                (ROOT / "src/airwork/data/example_field.geojson").read_bytes(),
            )
        },
    ).json()["id"]
    quick = c.post("/api/v1/jobs", json={"kind": "spray", "site": field}).json()["id"]
    day = c.post(
        "/api/v1/sites",
        files=[
            ("file", ("delivery.geojson", (EXAMPLES / "delivery.geojson").read_bytes())),
            ("order", ("orders.csv", (EXAMPLES / "delivery-orders.csv").read_bytes())),
        ],
    )
    assert day.status_code == 201, day.text
    end = time.monotonic() + 60
    while c.get(f"/api/v1/jobs/{quick}").json()["status"] != "done":
        assert time.monotonic() < end
        time.sleep(0.1)
    before = c.get(f"/api/v1/jobs/{quick}/files").json()
    slow = c.post(
        "/api/v1/jobs",
        json={
            "kind": "delivery",
            "site": day.json()["id"],
            "aircraft": ["delivery-hex"],
            "params": {"runtime_s": 6},
        },
    ).json()["id"]
    end = time.monotonic() + 60
    while c.get(f"/api/v1/jobs/{slow}").json()["status"] != "running":
        assert time.monotonic() < end, c.get(f"/api/v1/jobs/{slow}").json()
        time.sleep(0.05)
    time.sleep(0.5)
    server.kill()

    server.start()
    c = httpx.Client(base_url=server.url, headers=h, timeout=30)
    first = c.get(f"/api/v1/jobs/{slow}").json()
    assert first["status"] in ("queued", "running"), first
    end = time.monotonic() + 120
    while (job := c.get(f"/api/v1/jobs/{slow}").json())["status"] not in ("done", "failed"):
        assert time.monotonic() < end, job
        time.sleep(0.2)
    assert job["status"] == "done", job
    assert job["attempts"] == 2 and "sortie-01.plan" in job["files"]
    assert c.get(f"/api/v1/jobs/{slow}/files/sortie-01.plan").status_code == 200
    assert c.get(f"/api/v1/jobs/{quick}/files").json() == before  # kept as it was
