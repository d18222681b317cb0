"""Benchmark of issue 5 (power-line inspection): planning time of long lines.

The issue's bar: 100 km of line with 300 towers, both modes (corridor + towers), planned in
at most 5 s on one core.  The synthetic lines (:func:`airwork.testing.powerline.synth_line_job`)
have 300 towers 333 m apart (about 100 km), stations beside every 6th tower and an 80 m
right-of-way; each kind is planned ``REPEATS`` times and the median planning time is printed
with the flights, crew time and km per crew-day.  Prints Markdown; run with
``PYTHONPATH=src python bench/bench_powerline.py``.  The process is pinned to CPU 0 where
possible.
"""

from __future__ import annotations

import contextlib
import os
import statistics
import time

REPEATS = 3


def main() -> None:
    if hasattr(os, "sched_setaffinity"):
        with contextlib.suppress(OSError):
            os.sched_setaffinity(0, {0})
    from airwork.aircraft import load_aircraft
    from airwork.geo.frame import LocalFrame
    from airwork.planners.powerline import PowerlineParams, PowerlineProblem, plan_powerline
    from airwork.testing.powerline import synth_line_job

    ac = load_aircraft("inspector-quad")
    frame = LocalFrame.for_lonlat(11.0, 48.0)
    cases = [
        ("straight", ("corridor", "towers")),
        ("zigzag", ("corridor", "towers")),
        ("hilly", ("corridor", "towers")),
        ("long", ("corridor", "towers")),
        ("straight", ("corridor", "towers", "mapping")),
        ("straight", ("towers",)),
        ("straight", ("corridor",)),
    ]
    print(
        "| line | modes | km | towers | flights | photos | flight h | crew h | km/crew-day "
        "| plan s (median) |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for kind, modes in cases:
        span = 333.0 if kind != "long" else 160.0
        job = synth_line_job(kind, 300, span_m=span, seed=1)
        pb = PowerlineProblem(
            lines=job.lines,
            stations=tuple(map(tuple, job.stations)),
            aircraft=ac,
            frame=frame,
            right_of_way=job.right_of_way,
        )
        params = PowerlineParams(modes=modes)
        times = []
        for _ in range(REPEATS):
            t0 = time.perf_counter()
            res = plan_powerline(pb, params)
            times.append(time.perf_counter() - t0)
        print(
            f"| {kind} | {'+'.join(modes)} | {res.line_km:.1f} | {res.towers} | "
            f"{len(res.flights)} | {res.photos} | {res.flight_time_s / 3600:.1f} | "
            f"{res.crew_time_s / 3600:.1f} | {res.km_per_crew_day:.1f} | "
            f"{statistics.median(times):.2f} |"
        )


if __name__ == "__main__":
    main()
