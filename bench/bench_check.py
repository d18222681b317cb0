"""Benchmark of issue 4: checking a 2,000-waypoint mission against 500 zones and a
5,000 x 5,000 DEM (target: at most 2 s on one core).

The DEM (5 m cells, 25 x 25 km, float32, smooth synthetic relief) is written to a temporary
GeoTIFF.  The mission is a survey of 1,000 lines of 200 m, 24.5 m apart (2,000 waypoints, about
225 km, in 10 sorties), 60 m above take-off, flown over the DEM.  500 zones (circles and
rectangles, a third with altitude bands) are scattered over the mission's area.  Figures,
median of 3 runs:

* check with the DEM in memory (the whole 5,000 x 5,000 raster);
* read the DEM window the mission needs + check (what ``airwork check --dem`` does);
* read the whole DEM (for reference);
* the same check with 500 tall obstacles added, and terrain following of one sortie.

Prints Markdown; run with ``python bench/bench_check.py``.  Pinned to CPU 0 where possible.
"""

from __future__ import annotations

import math
import os
import statistics
import tempfile
import time
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS

from airwork.aircraft import load_aircraft
from airwork.airspace.check import CheckConfig, preflight
from airwork.airspace.terrain_follow import follow_terrain
from airwork.geo.frame import LocalFrame
from airwork.mission.build import SortieBuilder
from airwork.mission.model import AltitudeRef, LegKind, Mission
from airwork.site.terrain import read_dem
from airwork.site.zones import Obstacle, Zone

REPEATS = 3
EPSG = 32631
X0, Y0 = 500_000.0, 4_980_000.0
N_PX = 5000
CELL_M = 5.0


def write_dem(path: Path) -> None:
    import rasterio
    from rasterio.transform import from_origin

    c = X0 + (np.arange(N_PX) + 0.5) * CELL_M
    r = Y0 + N_PX * CELL_M - (np.arange(N_PX) + 0.5) * CELL_M
    z = (
        300.0
        + 80.0 * np.sin(c / 3000.0)[None, :] * np.cos(r / 4000.0)[:, None]
        + 15.0 * np.sin(c / 700.0 + 1.0)[None, :] * np.sin(r / 500.0)[:, None]
    ).astype(np.float32)
    profile = dict(
        driver="GTiff",
        width=N_PX,
        height=N_PX,
        count=1,
        dtype="float32",
        crs=f"EPSG:{EPSG}",
        transform=from_origin(X0, Y0 + N_PX * CELL_M, CELL_M, CELL_M),
        tiled=True,
        blockxsize=256,
        blockysize=256,
    )
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(z, 1)


def make_mission(frame: LocalFrame) -> Mission:
    craft = load_aircraft("mapper-quad")
    lines, spacing, length = 1000, 24.5, 200.0
    x = X0 + 100.0 + np.arange(lines) * spacing
    y0, y1 = Y0 + 12_000.0, Y0 + 12_000.0 + length
    pts = []
    for i, xi in enumerate(x):
        a, b = (y0, y1) if i % 2 == 0 else (y1, y0)
        pts += [(xi, a), (xi, b)]
    pts = np.array(pts)
    sorties = []
    for k, chunk in enumerate(np.array_split(pts, 10)):
        b = SortieBuilder(craft, tuple(chunk[0]), 60.0, 0.0)
        for px, py in chunk[1:]:
            b.goto(px, py, 60.0, kind=LegKind.WORK, speed_mps=10.0, camera=True)
        b.land(*chunk[-1])
        sorties.append(b.build(k + 1))
    return Mission(
        name="bench",
        frame=frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=tuple(sorties),
        aircraft_name=craft.name,
        usable_energy_wh=craft.usable_energy_wh,
        reserve_frac=craft.reserve_frac,
        stations=(tuple(pts[0]),),
    )


def make_zones(rng: np.random.Generator, box) -> list[Zone]:
    xmin, ymin, xmax, ymax = box
    out = []
    for i in range(500):
        cx, cy = rng.uniform(xmin, xmax), rng.uniform(ymin - 300, ymax + 300)
        if i % 2:
            geom = shapely.Point(cx, cy).buffer(rng.uniform(20, 150), quad_segs=16)
        else:
            w, h = rng.uniform(30, 300, 2)
            geom = shapely.box(cx, cy, cx + w, cy + h)
        floor, ceiling = -math.inf, math.inf
        if i % 3 == 0:
            floor = float(rng.uniform(0, 100))
            ceiling = floor + float(rng.uniform(20, 200))
        ref = "amsl" if i % 6 == 0 else "agl"
        if ref == "amsl":
            floor, ceiling = floor + 300.0, ceiling + 300.0
        out.append(Zone(geom, False, floor, ceiling, ref, f"zone {i}"))
    return out


def timed(fn):
    times, out = [], None
    for _ in range(REPEATS):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), out


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    frame = LocalFrame(CRS.from_epsg(EPSG))
    rng = np.random.default_rng(4)
    with tempfile.TemporaryDirectory() as tmp:
        dem_path = Path(tmp) / "dem.tif"
        t0 = time.perf_counter()
        write_dem(dem_path)
        t_write = time.perf_counter() - t0
        mission = make_mission(frame)
        xy = np.vstack([s.xy_m for s in mission.sorties])
        box = (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())
        zones = make_zones(rng, box)
        n_wp = sum(len(s.waypoints) for s in mission.sorties)
        t_full, full = timed(lambda: read_dem(dem_path, frame))
        cfg = CheckConfig(zones=tuple(zones), terrain=full, max_agl_m=120.0)
        t_check, report = timed(lambda: preflight(mission, cfg))

        def window_and_check():
            pad = 200.0
            dem = read_dem(
                dem_path, frame, bounds_m=(box[0] - pad, box[1] - pad, box[2] + pad, box[3] + pad)
            )
            return preflight(mission, CheckConfig(zones=tuple(zones), terrain=dem))

        t_pipe, _ = timed(window_and_check)
        obstacles = tuple(
            Obstacle(shapely.Point(px, py).buffer(3.0), float(h), f"mast {i}")
            for i, (px, py, h) in enumerate(
                zip(
                    rng.uniform(box[0], box[2], 500),
                    rng.uniform(box[1] - 50, box[3] + 50, 500),
                    rng.uniform(10, 80, 500),
                    strict=True,
                )
            )
        )
        cfg_o = CheckConfig(zones=tuple(zones), obstacles=obstacles, terrain=full)
        t_obst, report_o = timed(lambda: preflight(mission, cfg_o))
        s1 = mission.sorties[0]
        path = s1.xy_m[1:-1]
        t_follow, res = timed(
            lambda: follow_terrain(
                path, full, 60.0, tolerance_m=1.0, max_climb_grad=0.25, max_descent_grad=0.15
            )
        )
    length_km = mission.distance_m / 1000
    print("| figure | value |")
    print("|---|---|")
    print(f"| DEM | {N_PX} x {N_PX} px, {CELL_M:g} m cells, float32 (written in {t_write:.1f} s) |")
    print(f"| mission | {n_wp} waypoints in {len(mission.sorties)} sorties, {length_km:.0f} km |")
    print(f"| zones | {len(zones)} (circles and rectangles, 1/3 with altitude bands) |")
    print(f"| samples checked (1 m step) | {report.samples:,} |")
    print(f"| violations found | {len(report.violations)} ({report.counts()}) |")
    print(f"| **check, DEM in memory** | **{t_check:.2f} s** |")
    print(f"| read DEM window + check | {t_pipe:.2f} s |")
    print(f"| read the whole DEM | {t_full:.2f} s |")
    print(
        f"| check with 500 tall obstacles too | {t_obst:.2f} s "
        f"({report_o.counts().get('obstacle_clearance', 0)} obstacle violations) |"
    )
    print(
        f"| terrain following of sortie 1 ({len(path)} vertices, "
        f"{res.sample_count:,} samples) | {t_follow:.2f} s -> {len(res.xy_m)} waypoints |"
    )


if __name__ == "__main__":
    main()
