"""Time to first render of the web app on a big job, in headless Chromium.

Starts the service in this process (uvicorn on a free 127.0.0.1 port, a SQLite database in a
temporary folder), plans a 206 ha field flown by the 10 L sprayer (``sprayer-10``, about
500 sorties, tens of thousands of legs) through the public API, then opens the job's page
in Debian's Chromium (Playwright, WebGL on SwiftShader) several times:

* empty cache: a new browser context per run;
* cached: the same context, the page loaded again (static files revalidated, 304).

Time to first render is the page's ``performance.now()`` when the map has drawn the
mission (its first ``idle`` after the mission source is added: every sortie on screen),
counted from the navigation's start.  Bytes are the transfer sizes the page's Resource
Timing reports (static files, API answers, ``mission.geojson``).  Pan smoothness is the
frames per second the page draws while the map pans continuously for 3 s.

    python bench/webapp_render.py            # 5 runs each
    python bench/webapp_render.py --runs 9
"""

from __future__ import annotations

import argparse
import json
import socket
import statistics
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


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

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
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


def load(page: Any, url: str) -> tuple[float, int]:
    """Open ``url``; (ms to the mission drawn, bytes transferred)."""
    page.goto(url)
    page.wait_for_selector(".map[data-rendered=mission]", timeout=120_000)
    ms = float(page.get_attribute(".map", "data-rendered-ms"))
    sent = page.evaluate(
        "() => performance.getEntriesByType('navigation').concat("
        "performance.getEntriesByType('resource')).reduce((a, e) => a + (e.transferSize || 0), 0)"
    )
    return ms, int(sent)


PAN = """async () => {
  const map = window.airworkMaps.at(-1);
  let frames = 0, run = true;
  const tick = () => { frames++; if (run) requestAnimationFrame(tick); };
  requestAnimationFrame(tick);
  const t0 = performance.now();
  while (performance.now() - t0 < 3000) {
    map.panBy([40, 15], {duration: 250, easing: (t) => t});
    await new Promise((r) => setTimeout(r, 250));
  }
  run = false;
  return frames / ((performance.now() - t0) / 1000);
}"""


def measure(base: str, token: str, job_id: str, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    url = f"{base}/?run={{}}#/jobs/{job_id}"
    init = f"sessionStorage.setItem('airwork.token', {json.dumps(token)})"
    out: dict[str, list[float]] = {"cold_ms": [], "cold_bytes": [], "warm_ms": [], "warm_bytes": []}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1366, "height": 768})
            context.add_init_script(init)
            ms, sent = load(context.new_page(), url.format(0))
            out["cold_ms"].append(ms)
            out["cold_bytes"].append(sent)
            context.close()
        context = browser.new_context(viewport={"width": 1366, "height": 768})
        context.add_init_script(init)
        page = context.new_page()
        load(page, url.format(0))
        for run in range(runs):
            ms, sent = load(page, url.format(run + 1))
            page.goto("about:blank")
            out["warm_ms"].append(ms)
            out["warm_bytes"].append(sent)
        load(page, url.format(0))
        out["pan_fps"] = [page.evaluate(PAN)]
        browser.close()
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from airwork.service import Settings, create_app
    from airwork.service.auth import create_org

    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(data_dir=Path(tmp), processes=False, workers=1)
        app = create_app(settings)
        base, server = serve(app)
        try:
            token = create_org(app.state.service.db, "Bench")["token"]
            t0 = time.perf_counter()
            job_id, summary = plan(base, token)
            planned = time.perf_counter() - t0
            res = measure(base, token, job_id, args.runs)
        finally:
            server.should_exit = True
    print(f"job: {summary['sprayable_area_ha']:.0f} ha, sprayer-10, {summary['sorties']} sorties, "
          f"{summary['legs']} legs, mission.geojson {summary['mission_bytes'] / 1e6:.2f} MB "
          f"(planned in {planned:.1f} s)")  # fmt: skip
    print("| load | first render median | range | bytes sent (median) |\n|---|---|---|---|")
    for key, name in (("cold", "empty cache"), ("warm", "cached")):
        ms, sent = res[f"{key}_ms"], res[f"{key}_bytes"]
        print(f"| {name} ({len(ms)} runs) | {statistics.median(ms) / 1000:.2f} s | "
              f"{min(ms) / 1000:.2f}–{max(ms) / 1000:.2f} s | "
              f"{statistics.median(sent) / 1e6:.2f} MB |")  # fmt: skip
    print(f"pan: {res['pan_fps'][0]:.0f} frames/s while panning for 3 s (SwiftShader, no GPU)")


if __name__ == "__main__":
    main()
