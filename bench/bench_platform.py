"""Benchmark of the platform issue: plan + export of the example field, and the time of one
aircraft performance query.  Prints a Markdown table; run with ``python bench/bench_platform.py``.

Times are medians over repeats on one core (the process is pinned to CPU 0 when possible).
"""

from __future__ import annotations

import os
import statistics
import tempfile
import time
from importlib import resources
from pathlib import Path

import numpy as np


def _median_time(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    from airwork.aircraft import load_aircraft
    from airwork.export.registry import ExportOptions, render
    from airwork.export.write import write_files
    from airwork.jobs import run_job
    from airwork.planners.fieldwork.spray import SprayParams, SprayProblem, plan_spray
    from airwork.site import load_site

    example = Path(str(resources.files("airwork").joinpath("data/example_field.geojson")))
    rows = []
    site = load_site(example)
    t_read = _median_time(lambda: load_site(example), 20)
    problem = SprayProblem(
        field=site.field_union,
        stations=tuple(map(tuple, site.station_xy.tolist())),
        aircraft=load_aircraft("sprayer-40"),
        frame=site.frame,
        name="example",
    )
    params = SprayParams(rate_per_ha=15.0)
    result = plan_spray(problem, params)
    t_plan = _median_time(lambda: plan_spray(problem, params), 20)
    text_formats = ["qgc-plan", "waypoints", "geojson", "kml"]
    t_render = _median_time(lambda: render(result.mission, text_formats), 10)
    options = ExportOptions(swath_m=result.swath_m)
    t_png = _median_time(lambda: render(result.mission, ["png"], options), 3)
    request = {"kind": "spray", "site": {"files": [str(example)]}}
    t_job = _median_time(lambda: run_job(request), 3)

    def full() -> None:
        outcome = run_job(request)
        with tempfile.TemporaryDirectory() as d:
            write_files(outcome.files, Path(d) / "out")

    t_full = _median_time(full, 3)
    rows += [
        ("read + project example job (GeoJSON)", t_read),
        (
            f"plan spray, example field ({result.field_area_ha:.1f} ha, "
            f"{len(result.sorties)} sorties)",
            t_plan,
        ),
        ("render .plan/.waypoints/GeoJSON/KML (no picture)", t_render),
        ("render mission.png", t_png),
        ("run_job: read, plan, pre-flight check, render every output", t_job),
        ("run_job + write every output", t_full),
    ]
    ac = load_aircraft("sprayer-40")
    t_perf = _median_time(lambda: ac.performance(20.0), 50)
    t_hover = _median_time(lambda: ac.hover_endurance_min(20.0), 2000)
    n = 100_000
    d = np.full(n, 100.0)
    v = np.full(n, 6.0)
    p = np.linspace(0, 40, n)
    t_legs = _median_time(lambda: ac.leg_performance(d, v, p, climb_m=0.0), 10)
    rows += [
        ("aircraft performance query (all figures incl. best speeds)", t_perf),
        ("hover endurance query", t_hover),
        (f"leg energy, vectorised, per leg ({n:,} legs in one call)", t_legs / n),
    ]
    print("| operation | median time |\n|---|---|")
    for name, t in rows:
        unit = f"{t * 1e3:.2f} ms" if t >= 1e-3 else f"{t * 1e6:.2f} µs"
        print(f"| {name} | {unit} |")
    scaling()


def scaling() -> None:
    """Planning time against field size on a quadrilateral field with slanted edges."""
    import shapely

    from airwork.aircraft import load_aircraft
    from airwork.geo import LocalFrame
    from airwork.planners.fieldwork.spray import SprayParams, SprayProblem, plan_spray

    frame = LocalFrame.for_lonlat(1.45, 43.55)
    x0, y0 = frame.to_local(1.45, 43.55)
    print("\n| field | aircraft | sorties | median planning time |\n|---|---|---|---|")
    for scale in (1, 2, 4):
        corners = [(0, 0), (500, 100), (450, 350), (-30, 260)]
        field = shapely.Polygon([(x0 + scale * x, y0 + scale * y) for x, y in corners])
        for name in ("sprayer-40", "sprayer-10"):
            problem = SprayProblem(
                field=field,
                stations=((x0 - 20, y0 - 20),),
                aircraft=load_aircraft(name),
                frame=frame,
            )
            params = SprayParams(rate_per_ha=15.0)
            result = plan_spray(problem, params)
            t = _median_time(lambda p=problem, q=params: plan_spray(p, q), 5)
            print(
                f"| {field.area / 1e4:.0f} ha | {name} | {len(result.sorties)} | {t * 1e3:.0f} ms |"
            )


if __name__ == "__main__":
    main()
