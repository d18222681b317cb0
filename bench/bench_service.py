"""Load benchmark of the service on loopback: ``airwork serve`` in its own process (a local
Dask cluster), N concurrent clients sending M requests in all, a mix of reads (a job, the
job list, a site, ``/me``) and job submissions on the bundled 12 ha example field.

Prints throughput, p50/p99 latency (all requests, reads, submissions), every status code
seen, and then waits for every accepted job: each one must be found in the organisation's
list and end done or failed (none lost, none stuck).  Traffic goes to 127.0.0.1 only and
stops after the set number of requests.

    python bench/bench_service.py                      # 200 clients, 2,000 requests, SQLite
    python bench/bench_service.py --db postgresql+psycopg://postgres@127.0.0.1:5432/bench
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from importlib import resources
from pathlib import Path

import httpx

ROOT = Path(__file__).parents[1]
FIELD = resources.files("airwork") / "data" / "example_field.geojson"
ORGS = 4
JOB = {
    "kind": "spray",
    "aircraft": ["sprayer-40"],
    "params": {"rate_l_per_ha": 15},
    "output": {"formats": ["qgc-plan", "waypoints", "geojson"]},
}


def _airwork(*args: str, **kw) -> subprocess.Popen:
    env = {**os.environ}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
    return subprocess.Popen([sys.executable, "-m", "airwork.cli.main", *args], env=env, **kw)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(data: Path, db: str | None, workers: int) -> tuple[subprocess.Popen, str, list]:
    extra = ["--db", db] if db else []
    tokens = []
    for i in range(ORGS):
        made = _airwork(
            "org",
            "create",
            f"Bench {i}",
            "--data-dir",
            str(data),
            "--max-active-jobs",
            "100000",
            "--json",
            *extra,
            stdout=subprocess.PIPE,
        )
        out, _ = made.communicate(timeout=120)
        tokens.append(json.loads(out)["token"])
    port = _free_port()
    log = open(data / "serve.log", "w")  # noqa: SIM115 - open while the server runs
    proc = _airwork(
        "serve",
        "--port",
        str(port),
        "--data-dir",
        str(data),
        "--workers",
        str(workers),
        *extra,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    end = time.monotonic() + 120
    while time.monotonic() < end:
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                return proc, url, tokens
        time.sleep(0.2)
    raise SystemExit(f"the server did not start; see {data / 'serve.log'}")


def stop_server(proc: subprocess.Popen) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()


class Load:
    """The clients' shared state: latencies by kind, status codes, accepted jobs."""

    def __init__(self, url: str, tokens: list[str], sites: list[str], submit_frac: float):
        self.url, self.tokens, self.sites = url, tokens, sites
        self.submit_frac = submit_frac
        self.latency: dict[str, list[float]] = {"read": [], "submit": []}
        self.codes: Counter[int] = Counter()
        self.jobs: list[tuple[int, str]] = []  # (org, job id)

    async def one(self, client: httpx.AsyncClient, org: int, rng: random.Random) -> None:
        h = {"Authorization": f"Bearer {self.tokens[org]}"}
        own = [j for o, j in self.jobs if o == org]
        if rng.random() < self.submit_frac:
            kind = "submit"
            req = client.post("/api/v1/jobs", headers=h, json={**JOB, "site": self.sites[org]})
        else:
            kind = "read"
            reads = ["/api/v1/jobs?limit=20", f"/api/v1/sites/{self.sites[org]}", "/api/v1/me"]
            if own:
                reads.append(f"/api/v1/jobs/{rng.choice(own)}")
            req = client.get(rng.choice(reads), headers=h)
        t0 = time.perf_counter()
        try:
            r = await req
            code = r.status_code
        except httpx.HTTPError:
            code = 0
        self.latency[kind].append(time.perf_counter() - t0)
        self.codes[code] += 1
        if kind == "submit" and code == 202:
            self.jobs.append((org, r.json()["id"]))

    async def client(self, i: int, n: int) -> None:
        rng = random.Random(i)
        org = i % len(self.tokens)
        limits = httpx.Limits(max_connections=1)
        async with httpx.AsyncClient(base_url=self.url, timeout=120, limits=limits) as client:
            for _ in range(n):
                await self.one(client, org, rng)


async def run_load(load: Load, clients: int, requests: int) -> float:
    per = [requests // clients + (1 if i < requests % clients else 0) for i in range(clients)]
    t0 = time.perf_counter()
    await asyncio.gather(*(load.client(i, n) for i, n in enumerate(per)))
    return time.perf_counter() - t0


def account(url: str, tokens: list[str], jobs: list[tuple[int, str]], timeout: float) -> dict:
    """Wait for every accepted job; check each is listed and ends done or failed."""
    end = time.monotonic() + timeout
    statuses: dict[str, str] = {}
    with httpx.Client(base_url=url, timeout=60) as c:
        while True:
            listed: dict[str, str] = {}
            for token in tokens:
                h = {"Authorization": f"Bearer {token}"}
                offset = 0
                while True:
                    page = c.get(f"/api/v1/jobs?limit=200&offset={offset}", headers=h).json()
                    listed.update({j["id"]: j["status"] for j in page["items"]})
                    offset += 200
                    if offset >= page["total"]:
                        break
            statuses = {j: listed.get(j, "missing") for _, j in jobs}
            if all(s in ("done", "failed", "missing") for s in statuses.values()):
                break
            if time.monotonic() > end:
                break
            time.sleep(1.0)
    return dict(Counter(statuses.values()))


def pct(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--clients", type=int, default=200)
    ap.add_argument("--requests", type=int, default=2000)
    ap.add_argument("--submit-frac", type=float, default=0.1, help="share of job submissions")
    ap.add_argument("--workers", type=int, default=1, help="Dask workers of the server")
    ap.add_argument("--db", help="database URL (default SQLite in a temporary folder)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="airwork-bench-") as tmp:
        data = Path(tmp)
        proc, url, tokens = start_server(data, args.db, args.workers)
        try:
            sites = []
            for token in tokens:
                r = httpx.post(
                    f"{url}/api/v1/sites",
                    headers={"Authorization": f"Bearer {token}"},
                    files={"file": ("example_field.geojson", FIELD.read_bytes())},
                    timeout=60,
                )
                sites.append(r.json()["id"])
            load = Load(url, tokens, sites, args.submit_frac)
            wall = asyncio.run(run_load(load, args.clients, args.requests))
            t0 = time.perf_counter()
            jobs = account(url, tokens, load.jobs, timeout=1800)
            drain = time.perf_counter() - t0
        finally:
            stop_server(proc)
    every = load.latency["read"] + load.latency["submit"]
    out = {
        "clients": args.clients,
        "requests": len(every),
        "wall_s": round(wall, 2),
        "throughput_rps": round(len(every) / wall, 1),
        "p50_ms": round(1000 * statistics.median(every), 1),
        "p99_ms": round(1000 * pct(every, 0.99), 1),
        "read_p50_ms": round(1000 * pct(load.latency["read"], 0.5), 1),
        "read_p99_ms": round(1000 * pct(load.latency["read"], 0.99), 1),
        "submit_p50_ms": round(1000 * pct(load.latency["submit"], 0.5), 1),
        "submit_p99_ms": round(1000 * pct(load.latency["submit"], 0.99), 1),
        "status_codes": dict(sorted(load.codes.items())),
        "jobs_accepted": len(load.jobs),
        "jobs_by_status": jobs,
        "jobs_drained_after_s": round(drain, 1),
        "database": "postgresql" if args.db else "sqlite",
    }
    if args.json:
        print(json.dumps(out, indent=2))
    else:
        width = max(len(k) for k in out)
        for k, v in out.items():
            print(f"{k:{width}s}  {v}")
    lost = len(load.jobs) - jobs.get("done", 0) - jobs.get("failed", 0)
    if lost:
        raise SystemExit(f"{lost} accepted job(s) not accounted for: {jobs}")


if __name__ == "__main__":
    main()
