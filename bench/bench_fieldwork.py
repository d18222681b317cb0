"""Benchmark of issue 3 (field work): the spray planner over the synthetic field suite.

For every job of :func:`airwork.testing.fields.field_suite` (sprayer-40, 15 L/ha): median planning
time over 5 repeats, covered and overspray fractions of the sprayable area measured from the
mission's spray-on legs (half-swath flat-ended buffers), work path over the simple lower
bound, cells and sorties; the job's time (flight plus refills) and its ferry distance, and
the same for sorties that each go as far as tank and battery allow (the split before stops
were chosen, :func:`airwork.planners.sorties._choose_stops` switched off).  Then the
headline figures: median planning time over fields up to
50 ha, and the time for the 200 ha field with ponds.  Prints Markdown; run with
``python bench/bench_fieldwork.py``.  The process is pinned to CPU 0 where possible.
"""

from __future__ import annotations

import os
import statistics
import time

import numpy as np
import shapely

REPEATS = 5


def _spray_legs(mission) -> np.ndarray:
    segs = []
    for s in mission.sorties:
        for i, leg in enumerate(s.legs):
            if leg.spraying:
                a, b = s.waypoints[i], s.waypoints[i + 1]
                segs.append([(a.x_m, a.y_m), (b.x_m, b.y_m)])
    return np.asarray(segs, dtype=float).reshape(-1, 2, 2)


def _coverage(mission, area, swath_m) -> tuple[float, float]:
    bands = shapely.buffer(shapely.linestrings(_spray_legs(mission)), swath_m / 2, cap_style="flat")
    covered = shapely.union_all(bands)
    inside = shapely.intersection(covered, area).area
    return inside / area.area, (covered.area - inside) / area.area


def _job_h(result) -> float:
    return (result.flight_time_s + result.ground_time_s) / 3600.0


def _ferry_km(result) -> float:
    return (
        sum(
            leg.distance_m
            for s in result.mission.sorties
            for leg in s.legs
            if leg.kind in ("transit", "return")
        )
        / 1000.0
    )


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    from airwork.aircraft import load_aircraft
    from airwork.planners import sorties as sorties_mod
    from airwork.planners.fieldwork.spray import SprayParams, SprayProblem, plan_spray
    from airwork.testing.fields import field_suite

    aircraft = load_aircraft("sprayer-40")
    params = SprayParams(rate_per_ha=15.0)
    print(f"Spray planner on the synthetic field suite: {aircraft.name}, 15 L/ha, one core, ")
    print(f"median of {REPEATS} runs per field.\n")
    print(
        "| field | area ha | plan time ms | covered | overspray | work / lower bound "
        "| cells | sorties | job h | ferry km | longest sorties: sorties, job h, ferry km |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    gains: list[float] = []
    times: dict[str, tuple[float, float]] = {}
    ratios: dict[str, list[float]] = {}
    failed = 0
    for job in field_suite():
        try:
            problem = SprayProblem(
                field=job.field,
                stations=job.stations,
                aircraft=aircraft,
                frame=job.frame,
                name=job.name,
                obstacles=job.obstacles,
                no_spray=job.no_spray,
            )
            runs = []
            for _ in range(REPEATS):
                t0 = time.perf_counter()
                result = plan_spray(problem, params)
                runs.append(time.perf_counter() - t0)
            t = statistics.median(runs)
            cov, over = _coverage(result.mission, problem.sprayable, result.swath_m)
            over = max(over, 0.0)
            ratio = result.work_path_m / result.lower_bound_m
            times[job.name] = (job.area_ha, t)
            ratios.setdefault(job.kind, []).append(ratio)
            keep = sorties_mod._choose_stops
            sorties_mod._choose_stops = lambda *a: None
            try:
                longest = plan_spray(problem, params)
            finally:
                sorties_mod._choose_stops = keep
            job_h, long_h = _job_h(result), _job_h(longest)
            gains.append(1.0 - job_h / long_h)
            print(
                f"| {job.name} | {job.area_ha:g} | {t * 1e3:.1f} | {cov:.4f} | {over:.4f} "
                f"| {ratio:.3f} | {result.cell_count} | {len(result.sorties)} | {job_h:.2f} "
                f"| {_ferry_km(result):.2f} | {len(longest.sorties)}, {long_h:.2f}, "
                f"{_ferry_km(longest):.2f} |"
            )
        except Exception as exc:  # report and carry on with the suite
            failed += 1
            print(f"| {job.name} | {job.area_ha:g} | FAILED: {type(exc).__name__}: {exc} |||||")
    print("\n| field kind | work path / lower bound (min - max) |\n|---|---|")
    for kind, rs in ratios.items():
        print(f"| {kind} | {min(rs):.3f} - {max(rs):.3f} |")
    if gains:
        print(
            f"\nJob time saved by choosing stops, against the longest sorties: median "
            f"{statistics.median(gains) * 100:.1f} %, best {max(gains) * 100:.1f} %, worst "
            f"{min(gains) * 100:.1f} % (never worse: the planner keeps the faster of the two)."
        )
    small = [t for a, t in times.values() if a <= 50]
    print("\n| headline | figure | target |\n|---|---:|---:|")
    if small:
        print(
            f"| median planning time, fields <= 50 ha ({len(small)} fields) "
            f"| {statistics.median(small) * 1e3:.1f} ms | 100 ms |"
        )
    if "ponds-200ha" in times:
        print(f"| planning time, 200 ha field with ponds | {times['ponds-200ha'][1]:.3f} s | 1 s |")
    else:
        print("| planning time, 200 ha field with ponds | FAILED | 1 s |")
    if failed:
        print(f"\n{failed} field(s) FAILED")


if __name__ == "__main__":
    main()
