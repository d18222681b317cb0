"""Time to render ``mission.png`` for a big spray plan (~500 sorties): a seeded 206 ha field
with ponds and a no-spray ring, flown by the 10 L sprayer at 25 L/ha.

Run with ``python bench/png_render.py``; prints a Markdown table (median and fastest of
repeats, on one core when the process can be pinned). The plan is made once and is not
timed. The planner makes long straight legs (a few thousand here), so a stress row also
draws the same plan with every leg cut into ten (tens of thousands of legs, the same
picture).
"""

from __future__ import annotations

import os
import statistics
import time


def _times(fn, repeats: int) -> tuple[float, float]:
    """(median, fastest) wall time of ``fn()`` over ``repeats`` calls; the fastest is the
    steadier figure on a shared machine. [s]"""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), min(times)


def big_mission(area_ha: float = 206.0, aircraft: str = "sprayer-10", rate: float = 25.0):
    """A spray plan of a seeded field with ponds; returns (mission, swath width [m])."""
    from airwork.aircraft import load_aircraft
    from airwork.mission.model import Feature
    from airwork.planners.fieldwork.spray import SprayParams, SprayProblem, plan_spray
    from airwork.testing.fields import generate_field

    job = generate_field("ponds", area_ha, seed=0)
    features = [Feature("field", job.field, {"name": "big field"})]
    if job.no_spray is not None:
        features.append(Feature("no_spray", job.no_spray, {"name": "pond ring"}))
    features += [
        Feature("station", _point(xy), {"name": f"truck {i + 1}"})
        for i, xy in enumerate(job.stations)
    ]
    problem = SprayProblem(
        field=job.field,
        stations=job.stations,
        aircraft=load_aircraft(aircraft),
        frame=job.frame,
        features=tuple(features),
        name=f"{area_ha:g} ha ponds",
        no_spray=job.no_spray,
    )
    result = plan_spray(problem, SprayParams(rate_per_ha=rate))
    return result.mission, result.swath_m


def split_legs(mission, parts: int):
    """The mission with every leg cut into ``parts`` equal legs (same path, more legs)."""
    from dataclasses import replace

    from airwork.mission.model import Waypoint

    sorties = []
    for s in mission.sorties:
        wps, legs = [s.waypoints[0]], []
        for a, b, leg in zip(s.waypoints[:-1], s.waypoints[1:], s.legs, strict=True):
            for k in range(1, parts + 1):
                f = k / parts
                at = Waypoint(a.x_m + f * (b.x_m - a.x_m), a.y_m + f * (b.y_m - a.y_m), b.alt_m)
                wps.append(b if k == parts else at)
                legs.append(
                    replace(
                        leg,
                        distance_m=leg.distance_m / parts,
                        climb_m=leg.climb_m / parts,
                        time_s=leg.time_s / parts,
                        energy_wh=leg.energy_wh / parts,
                        battery_frac=leg.battery_frac / parts,
                    )
                )
        sorties.append(replace(s, waypoints=tuple(wps), legs=tuple(legs)))
    return replace(mission, sorties=tuple(sorties))


def _point(xy):
    import shapely

    return shapely.Point(*xy)


def main() -> None:
    """Plan once, then time the png exporter with and without swath bands."""
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    from airwork.export.registry import ExportOptions, render

    t0 = time.perf_counter()
    mission, swath_m = big_mission()
    t_plan = time.perf_counter() - t0
    legs = sum(len(s.legs) for s in mission.sorties)
    print(
        f"plan: {len(mission.sorties)} sorties, {legs:,} legs, swath {swath_m:.1f} m "
        f"(planned in {t_plan:.1f} s, not timed below)\n"
    )
    split = split_legs(mission, 10)
    n_split = sum(len(s.legs) for s in split.sorties)
    rows = [
        ("mission.png, work legs drawn as swath bands", mission, ExportOptions(swath_m=swath_m)),
        ("mission.png, lines only", mission, ExportOptions()),
        (
            f"mission.png, swath bands, every leg cut in 10 ({n_split:,} legs)",
            split,
            ExportOptions(swath_m=swath_m),
        ),
    ]
    print("| render | median | fastest |\n|---|---|---|")
    for name, m, options in rows:
        render(m, ["png"], options)  # warm: imports, font cache
        med, fast = _times(lambda m=m, o=options: render(m, ["png"], o), 7)
        print(f"| {name} | {med * 1e3:.0f} ms | {fast * 1e3:.0f} ms |")


if __name__ == "__main__":
    main()
