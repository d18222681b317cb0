"""Time to first render of the web app on a big job, in headless Chromium.

Starts the service in this process (uvicorn on a free 127.0.0.1 port, a SQLite database in a
temporary folder), plans a 206 ha field flown by the 10 L sprayer (``sprayer-10``, 461
sorties, 2,645 legs) through the public API, then opens the job's page
in Debian's Chromium (Playwright, WebGL on SwiftShader) several times:

* empty cache: a new browser context per run;
* cached: the same context, the page loaded again (static files revalidated, 304).

Time to first render is the page's ``performance.now()`` when the map has drawn the
mission (its first ``idle`` after the mission source is added: every sortie on screen),
counted from the navigation's start.  Bytes are the transfer sizes the page's Resource
Timing reports (static files, API answers, ``mission.geojson``).  Pan smoothness is the
frames per second the map draws (its ``render`` events) while it pans steadily for 2 s,
three times.

Two loads: the plan as planned (one feature per leg, about 2,600), and the same plan with
every leg cut into ten (about 26,000 leg features, the count the issue's plans reach):
Chromium sends the page's request for ``mission.geojson`` to a plain HTTP server in the
bench that answers with that variant (CDP ``Fetch``); the rest comes from the service.
``--baseline REF`` (repeatable) also serves the web app's files as of git ``REF`` from
another server on the same database, measured run by run alternately with this checkout's.

    python bench/webapp_render.py                      # 5 runs each
    python bench/webapp_render.py --runs 7 --baseline main --baseline HEAD~1
"""

from __future__ import annotations

import argparse
import itertools
import json
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from airwork.testing.browser import ARGS, CHROMIUM, free_port


def field_geojson() -> bytes:
    """The 206 ha quadrilateral with slanted edges of ``bench_platform.py`` (scale 4) and one
    station at its south-west corner, as GeoJSON."""
    from airwork.geo import LocalFrame

    frame = LocalFrame.for_lonlat(1.45, 43.55)
    x0, y0 = frame.to_local(1.45, 43.55)
    corners = [(0, 0), (500, 100), (450, 350), (-30, 260), (0, 0)]
    ring = [list(map(float, frame.to_lonlat(x0 + 4 * x, y0 + 4 * y))) for x, y in corners]
    station = list(map(float, frame.to_lonlat(x0 - 20, y0 - 20)))
    features = [
        {"type": "Feature", "properties": {"role": "field", "name": "206 ha"},
         "geometry": {"type": "Polygon", "coordinates": [ring]}},
        {"type": "Feature", "properties": {"role": "station", "name": "truck"},
         "geometry": {"type": "Point", "coordinates": station}},
    ]  # fmt: skip
    return json.dumps({"type": "FeatureCollection", "features": features}).encode()


def serve(app: Any) -> tuple[str, Any]:
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    return f"http://127.0.0.1:{port}", server


def plan(base: str, token: str) -> tuple[str, dict[str, Any]]:
    """Upload the field, plan it with sprayer-10 at 15 L/ha; the job id and its summary."""
    h = {"Authorization": f"Bearer {token}"}
    with httpx.Client(base_url=base, headers=h, timeout=600) as c:
        site = c.post("/api/v1/sites", files={"file": ("206ha.geojson", field_geojson())})
        site.raise_for_status()
        body = {"kind": "spray", "site": site.json()["id"], "aircraft": ["sprayer-10"],
                "params": {"rate_l_per_ha": 15}}  # fmt: skip
        job = c.post("/api/v1/jobs", json=body).json()
        while True:
            out = c.get(f"/api/v1/jobs/{job['id']}").json()
            if out["status"] in ("done", "failed"):
                break
            time.sleep(0.5)
        if out["status"] != "done":
            raise SystemExit(f"the job failed: {out['error']}")
        files = {f["name"]: f["size"] for f in c.get(f"/api/v1/jobs/{job['id']}/files").json()}
        legs = sum(
            1
            for f in c.get(f"/api/v1/jobs/{job['id']}/files/mission.geojson").json()["features"]
            if f["properties"].get("role") == "leg"
        )
    return job["id"], {**out["summary"], "mission_bytes": files["mission.geojson"], "legs": legs}


def cut(mission: bytes, pieces: int = 10) -> bytes:
    """``mission`` with every leg cut into ``pieces`` legs of equal length (same properties):
    the number of leg features a plan of tens of thousands of legs sends, same sorties."""
    fc = json.loads(mission)
    out = []
    for f in fc["features"]:
        g = f.get("geometry") or {}
        if (f.get("properties") or {}).get("role") != "leg" or g.get("type") != "LineString":
            out.append(f)
            continue
        c = g["coordinates"]
        acc = [0.0]
        for a, b in itertools.pairwise(c):
            acc.append(acc[-1] + ((b[0] - a[0]) ** 2 + (b[1] - a[1]) ** 2) ** 0.5)

        def at(d: float, c: list[list[float]] = c, acc: list[float] = acc) -> list[float]:
            i = max(0, min(len(c) - 2, next((k for k in range(1, len(c)) if acc[k] >= d), 1) - 1))
            t = 0.0 if acc[i + 1] == acc[i] else (d - acc[i]) / (acc[i + 1] - acc[i])
            return [round(c[i][j] + t * (c[i + 1][j] - c[i][j]), 8) for j in range(len(c[i]))]

        for k in range(pieces):
            d0, d1 = acc[-1] * k / pieces, acc[-1] * (k + 1) / pieces
            inner = [p for p, d in zip(c, acc, strict=False) if d0 < d < d1]
            line = [at(d0), *inner, at(d1)]
            out.append({**f, "geometry": {"type": "LineString", "coordinates": line}})
    return json.dumps({**fc, "features": out}, separators=(",", ":")).encode()


SENT = (
    "() => performance.getEntriesByType('navigation').concat(performance.getEntriesByType("
    "'resource')).map((e) => [e.name, e.transferSize || 0])"
)


MARKS = (
    "() => Object.fromEntries(performance.getEntriesByType('mark')"
    ".filter((m) => m.name.startsWith('aw:')).map((m) => [m.name.slice(3), m.startTime]))"
)


def load(
    page: Any, url: str, variant: bytes | None, marks: list | None = None
) -> tuple[float, int]:
    """Open ``url``; (ms to the mission drawn, bytes transferred, as Resource Timing
    reports them)."""
    page.goto(url)
    page.wait_for_selector(".map[data-rendered=mission]", timeout=300_000)
    ms = float(page.get_attribute(".map", "data-rendered-ms"))
    if marks is not None:
        marks.append(page.evaluate(MARKS))
    sent = sum(size for _, size in page.evaluate(SENT))
    return ms, sent


PAN = """async () => {
  const map = window.airworkMaps.at(-1);
  const fps = [];
  for (const [dx, dy] of [[500, 180], [-500, -180], [500, 180]]) {
    let frames = 0;
    const count = () => frames++;
    map.on("render", count);
    const t0 = performance.now();
    await new Promise((r) => {
      map.once("moveend", r);
      map.panBy([dx, dy], {duration: 2000, easing: (t) => t});
    });
    const s = (performance.now() - t0) / 1000;
    map.off("render", count);
    fps.push(frames / s);
    await new Promise((r) => setTimeout(r, 300));
  }
  return fps;
}"""


def open_page(context: Any, variant: str | None) -> Any:
    """A new page of ``context``; with ``variant`` (a URL), its request for
    ``mission.geojson`` is sent to that URL instead, unseen by the page (CDP ``Fetch`` at the
    request stage: unlike ``page.route`` it leaves the HTTP cache on, and the bytes come
    over the network from a server, not through the test driver)."""
    page = context.new_page()
    if variant is not None:
        cdp = context.new_cdp_session(page)

        def paused(event: dict[str, Any]) -> None:
            cdp.send("Fetch.continueRequest", {"requestId": event["requestId"], "url": variant})

        cdp.on("Fetch.requestPaused", paused)
        cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*/files/mission.geojson"}]})
    return page


def file_server(body: bytes) -> tuple[str, Any]:
    """A plain HTTP server on 127.0.0.1 answering every GET with ``body`` (GeoJSON)."""
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_OPTIONS(self) -> None:  # the page's origin is the service's: CORS
            self.send_response(204)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Access-Control-Allow-Headers", "Authorization")
            self.end_headers()

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Access-Control-Allow-Origin", "*")
            self.send_header("Timing-Allow-Origin", "*")
            self.send_header("Content-Type", "application/geo+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/mission.geojson", server


def measure(
    bases: dict[str, str], token: str, job_id: str, loads: dict[str, str | None], runs: int
) -> dict[tuple[str, str], dict[str, list[float]]]:
    """Every (app, load) pair, interleaved run by run (a noisy machine slows all alike)."""
    from playwright.sync_api import sync_playwright

    init = f"sessionStorage.setItem('airwork.token', {json.dumps(token)})"
    keys = [(a, b) for a in bases for b in loads]
    out: dict[tuple[str, str], dict[str, list[float]]] = {
        k: {
            "cold_ms": [],
            "cold_bytes": [],
            "warm_ms": [],
            "warm_bytes": [],
            "pan_fps": [],
            "marks": [],
        }
        for k in keys
    }
    view = {"viewport": {"width": 1366, "height": 768}}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            for app, name in keys:
                context = browser.new_context(**view)
                context.add_init_script(init)
                page = open_page(context, loads[name])
                url = f"{bases[app]}/#/jobs/{job_id}"
                ms, sent = load(page, url, loads[name], out[app, name]["marks"])
                out[app, name]["cold_ms"].append(ms)
                out[app, name]["cold_bytes"].append(sent)
                context.close()
        warm = {}
        for app, name in keys:
            context = browser.new_context(**view)
            context.add_init_script(init)
            page = open_page(context, loads[name])
            load(page, f"{bases[app]}/?run=0#/jobs/{job_id}", loads[name])
            warm[app, name] = page
        for run in range(runs):
            for app, name in keys:
                page = warm[app, name]
                url = f"{bases[app]}/?run={run + 1}#/jobs/{job_id}"
                ms, sent = load(page, url, loads[name])
                out[app, name]["warm_ms"].append(ms)
                out[app, name]["warm_bytes"].append(sent)
                page.goto("about:blank")
        for app, name in keys:
            page = warm[app, name]
            load(page, f"{bases[app]}/?run=0#/jobs/{job_id}", loads[name])
            out[app, name]["pan_fps"] = page.evaluate(PAN)
            page.context.close()
        browser.close()
    return out


def baseline_static(ref: str, into: Path) -> Path:
    """The web app's static files as of git ``ref`` (this checkout's history), in ``into``."""
    import io
    import subprocess
    import tarfile

    root = Path(__file__).resolve().parent.parent
    tar = subprocess.run(
        ["git", "archive", ref, "src/airwork/webapp/static"],
        cwd=root,
        check=True,
        capture_output=True,
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(tar)) as t:
        t.extractall(into, filter="data")
    return into / "src/airwork/webapp/static"


def app_serving(settings: Any, static: Path | None) -> Any:
    """The service's app, its web app's files from ``static`` when given."""
    import airwork.webapp
    from airwork.service import create_app

    if static is None:
        return create_app(settings)
    own = airwork.webapp.static_dir
    airwork.webapp.static_dir = lambda: static
    try:
        return create_app(settings)
    finally:
        airwork.webapp.static_dir = own


def spread(xs: list[float], scale: float, fmt: str) -> str:
    return (
        f"{statistics.median(xs) / scale:{fmt}} ({min(xs) / scale:{fmt}}-{max(xs) / scale:{fmt}})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--baseline", metavar="REF", action="append", default=[],
        help="also measure the web app as of git REF (repeatable)",
    )  # fmt: skip
    args = parser.parse_args()
    from airwork.service import Settings
    from airwork.service.auth import create_org

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), processes=False, workers=1)
        statics: dict[str, Path | None] = {"this checkout": None}
        for i, ref in enumerate(reversed(args.baseline)):
            statics = {ref: baseline_static(ref, Path(tmp) / f"base{i}"), **statics}
        servers = []
        bases = {}
        first = None
        for name, static in statics.items():
            app = app_serving(settings, static)
            first = first or app
            bases[name], server = serve(app)
            servers.append(server)
        try:
            token = create_org(first.state.service.db, "Bench")["token"]
            t0 = time.perf_counter()
            job_id, summary = plan(bases["this checkout"], token)
            planned = time.perf_counter() - t0
            with httpx.Client(headers={"Authorization": f"Bearer {token}"}) as c:
                url = f"{bases['this checkout']}/api/v1/jobs/{job_id}/files/mission.geojson"
                mission = c.get(url).content
            ten = cut(mission)
            legs10 = sum(
                1 for f in json.loads(ten)["features"] if f["properties"].get("role") == "leg"
            )
            ten_url, ten_server = file_server(ten)
            loads = {
                f"{summary['legs']:,} legs (the plan)": None,
                f"{legs10:,} legs (cut x10)": ten_url,
            }
            res = measure(bases, token, job_id, loads, args.runs)
            ten_server.shutdown()
        finally:
            for server in servers:
                server.should_exit = True
    print(f"job: {summary['sprayable_area_ha']:.0f} ha, sprayer-10, {summary['sorties']} sorties, "
          f"{summary['legs']:,} legs, mission.geojson {summary['mission_bytes'] / 1e6:.2f} MB "
          f"(planned in {planned:.1f} s)")  # fmt: skip
    print(f"cut x10: every leg cut into ten, {legs10:,} legs, {len(ten) / 1e6:.2f} MB; the page's "
          "request for mission.geojson sent by Chromium (CDP Fetch, unseen by the page) to a plain "
          "HTTP server in the bench that answers with it")  # fmt: skip
    print(f"{args.runs} runs each, interleaved; median (range); pan: 3 pans of 2 s, frames/s\n")
    print("| web app | load | first render, empty cache | cached | bytes sent, empty / cached "
          "| pan frames/s |\n|---|---|---:|---:|---:|---:|")  # fmt: skip
    for (app, name), r in res.items():
        print(f"| {app} | {name} | {spread(r['cold_ms'], 1000, '.2f')} s | "
              f"{spread(r['warm_ms'], 1000, '.2f')} s | "
              f"{statistics.median(r['cold_bytes']) / 1e6:.2f} / "
              f"{statistics.median(r['warm_bytes']) / 1e6:.2f} MB | "
              f"{spread(r['pan_fps'], 1, '.1f')} |")  # fmt: skip
    print(
        "(SwiftShader: software WebGL, no GPU)\n\n"
        "empty cache, median ms from the navigation's start to the page's marks:"
    )
    for (app, name), r in res.items():
        names = sorted({k for m in r["marks"] for k in m}, key=lambda k: r["marks"][0].get(k, 0))
        steps = ", ".join(
            f"{k} {statistics.median(m[k] for m in r['marks'] if k in m):.0f}" for k in names
        )
        print(f"  {app}, {name}: {steps}")


if __name__ == "__main__":
    main()
