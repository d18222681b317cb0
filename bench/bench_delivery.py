"""Benchmark of issue 6 (delivery): a 1,000-order day and how the planner scales.

Headline: 1,000 orders, 10 hubs, 2 aircraft types (delivery-hex, 3 per hub; the light-quad
of ``examples/delivery-light-quad.yaml``, 2 per hub), 5 no-fly zones, wind 5 m/s from 250°,
on one core, with the PyVRP search time chosen so the whole planning stays within 120 s.
Every exported trip is re-checked here, independently of the planner (energy leg by leg with
the aircraft model and a wind triangle written again here, payload, zones, windows), and
compared with the baseline (nearest hub, one order per trip, drones unlimited).

Scale: 100 to 5,000 orders (hubs and zones growing with the area), each size in its own
process so its peak memory (``VmHWM``) is its own; PyVRP time bounded per size.

Prints Markdown; ``--scale-plot PATH`` also draws the scale figure.  Run with
``python bench/bench_delivery.py [--headline] [--scale]`` (both by default).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "planners"))
from delivery_checks import corner_losses, ground_speed

ROOT = Path(__file__).resolve().parents[1]
HEADLINE_RUNTIME_S = 80.0
SCALE = (
    (100, 2, 1, 5.0),
    (250, 3, 2, 8.0),
    (500, 5, 3, 15.0),
    (1000, 10, 5, 30.0),
    (2000, 20, 8, 45.0),
    (5000, 40, 12, 60.0),
)  # orders, hubs, zones, PyVRP s


def _fleet():
    from airwork.aircraft import load_aircraft
    from airwork.planners.delivery import FleetType

    return [
        FleetType(load_aircraft("delivery-hex"), count_per_hub=3),
        FleetType(
            load_aircraft(str(ROOT / "examples" / "delivery-light-quad.yaml")), count_per_hub=2
        ),
    ]


def recheck(problem, params, result) -> dict:
    """Independent feasibility re-check of every exported trip; returns counts of failures."""
    import shapely

    from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS, WAYPOINT_ACCEL_MPS2
    from airwork.mission.model import LegKind

    fleet = {f.name: f for f in problem.fleet}
    orders = {o.id: o for o in problem.orders}
    a = math.radians(params.wind_from_deg + 180.0)
    w = np.array([params.wind_speed_mps * math.sin(a), params.wind_speed_mps * math.cos(a)])
    v = result.mission.cruise_speed_mps
    zones = shapely.union_all([z.geometry for z in problem.no_fly]).buffer(params.clearance_m - 0.5)
    shapely.prepare(zones)
    fails = Counter()
    served = []
    for r, s in zip(result.trips, result.mission.sorties, strict=True):
        ft = fleet[r.aircraft]
        parcels = [orders[o] for o in r.orders]
        if sum(o.mass_kg for o in parcels) > ft.payload_kg + 1e-9:
            fails["payload"] += 1
        e = 0.0
        t = r.depart_s
        k = 0
        lost = corner_losses(s, v, WAYPOINT_ACCEL_MPS2)
        for i, leg in enumerate(s.legs):
            p, q = s.waypoints[i], s.waypoints[i + 1]
            d = np.array([q.x_m - p.x_m, q.y_m - p.y_m])
            dist = float(np.hypot(*d))
            dz = q.alt_m - p.alt_m
            vs = (
                leg.speed_mps
                if leg.kind in (LegKind.TAKEOFF, LegKind.LANDING)
                else CLIMB_SPEED_MPS
                if dz > 0
                else DESCENT_SPEED_MPS
            )
            head = v - ground_speed(v, w, d) if dist > 0 else 0.0
            perf = ft.aircraft.leg_performance(
                dist,
                v if dist > 0 else 1.0,
                0.5 * (leg.payload_kg + leg.payload_end_kg),
                climb_m=dz,
                vertical_speed_mps=vs,
                headwind_mps=head,
                hold_s=q.hold_s + lost[i],
            )
            e += float(perf.energy_wh)
            t += float(perf.time_s)
            if dist > 0 and zones.intersects(shapely.LineString([(p.x_m, p.y_m), (q.x_m, q.y_m)])):
                fails["zone"] += 1
            if k < len(parcels) and dist > 0 and np.allclose((q.x_m, q.y_m), parcels[k].xy_m):
                o = parcels[k]
                if not o.earliest_s - 1e-3 <= t <= o.latest_s + params.late_tolerance_s + 1e-3:
                    fails["window"] += 1
                k += 1
        if e > ft.aircraft.mission_energy_wh + 1e-9:
            fails["battery"] += 1
        served += list(r.orders)
    if len(served) != len(set(served)):
        fails["duplicate"] += 1
    if set(served) | {u.order_id for u in result.unserved} != set(orders):
        fails["missing"] += 1
    return dict(fails)


def _reason_kind(reason: str) -> str:
    for key, kind in (
        ("Wh", "battery/range"),
        ("window", "window"),
        ("drone free", "no drone"),
        ("no trip found", "not routed"),
        ("no-fly", "no-fly"),
        ("heavier", "too heavy"),
    ):
        if key in reason:
            return kind
    return "other"


def headline() -> None:
    from airwork.planners.delivery import DeliveryParams, baseline_plan, plan_delivery
    from airwork.testing.delivery import generate_delivery

    problem = generate_delivery(1000, 10, 5, fleet=_fleet(), seed=0)
    params = DeliveryParams(runtime_s=HEADLINE_RUNTIME_S, wind_speed_mps=5.0, wind_from_deg=250.0)
    t0 = time.perf_counter()
    result = plan_delivery(problem, params)
    wall = time.perf_counter() - t0
    fails = recheck(problem, params, result)
    t1 = time.perf_counter()
    base = baseline_plan(problem, params)
    base_wall = time.perf_counter() - t1
    s = result.summary()
    reasons = Counter(_reason_kind(u.reason) for u in result.unserved)
    multi = sum(len(t.orders) > 1 for t in result.trips)
    print("## Headline: 1,000 orders, 10 hubs, 2 aircraft types, 5 no-fly zones\n")
    print(f"wind 5 m/s from 250°, PyVRP search {HEADLINE_RUNTIME_S:g} s, one core\n")
    print("| figure | airwork (PyVRP) | baseline: nearest hub, 1 order/trip |")
    print("|---|---:|---:|")
    print(f"| planning time, total [s] | {wall:.1f} | {base_wall:.1f} |")
    print(
        f"| of which travel table / PyVRP [s] | {s['matrix_time_s']:.1f} / "
        f"{s['solve_time_s']:.1f} | |"
    )
    print(f"| orders served | {s['served']} / {s['orders']} | {base['served']} / {s['orders']} |")
    print(f"| trips | {s['trips']} ({multi} with 2+ orders) | {base['trips']} |")
    print(
        f"| drones used | {s['drones_used']} (of {s['drones_available']}) | "
        f"{base['drones']} (unlimited) |"
    )
    print(f"| distance [km] | {s['distance_km']:.0f} | {base['distance_km']:.0f} |")
    print(f"| energy [kWh] | {s['energy_wh'] / 1000:.1f} | {base['energy_wh'] / 1000:.1f} |")
    print(f"| on-time share | {100 * s['on_time_share']:.0f} % | |")
    print(f"| trips repaired by the exact check | {s['repaired_trips']} | |")
    print(f"| independent re-check failures | {sum(fails.values())} {fails or ''} | |")
    print(f"\nunserved by reason: {dict(reasons)}\n")
    print(f"peak memory (process) {peak_mb():.0f} MB\n")


def peak_mb() -> float:
    """Peak resident memory of this process image [MB]: ``VmHWM`` (Linux; not inherited
    from the parent across fork/exec, unlike ``ru_maxrss``), else ``ru_maxrss``."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return float(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def one(n: int, hubs: int, zones: int, runtime_s: float) -> dict:
    from airwork.planners.delivery import DeliveryParams, plan_delivery
    from airwork.testing.delivery import generate_delivery

    problem = generate_delivery(n, hubs, zones, fleet=_fleet(), seed=0)
    params = DeliveryParams(runtime_s=runtime_s, wind_speed_mps=5.0, wind_from_deg=250.0)
    t0 = time.perf_counter()
    result = plan_delivery(problem, params)
    wall = time.perf_counter() - t0
    fails = recheck(problem, params, result)
    s = result.summary()
    return {
        "orders": n,
        "hubs": hubs,
        "zones": zones,
        "pyvrp_s": runtime_s,
        "total_s": wall,
        "matrix_s": s["matrix_time_s"],
        "solve_s": s["solve_time_s"],
        "served": s["served"],
        "trips": s["trips"],
        "drones": s["drones_used"],
        "km": s["distance_km"],
        "fails": sum(fails.values()),
        "peak_mb": peak_mb(),
    }


def scale(plot: str | None) -> None:
    rows = []
    for n, h, z, rt in SCALE:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(n), str(h), str(z), str(rt)],
            capture_output=True,
            text=True,
            check=True,
        )
        rows.append(json.loads(out.stdout.strip().splitlines()[-1]))
    print("## Scale: 100 to 5,000 orders (one process per size)\n")
    print(
        "| orders | hubs | zones | PyVRP limit [s] | total [s] | travel table [s] | "
        "served | trips | drones | km | re-check failures | peak memory [MB] |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(
            f"| {r['orders']} | {r['hubs']} | {r['zones']} | {r['pyvrp_s']:g} | "
            f"{r['total_s']:.1f} | {r['matrix_s']:.1f} | {r['served']} | {r['trips']} | "
            f"{r['drones']} | {r['km']:.0f} | {r['fails']} | {r['peak_mb']:.0f} |"
        )
    if plot:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        n = [r["orders"] for r in rows]
        fig, ax = plt.subplots(1, 2, figsize=(10, 4))
        ax[0].plot(n, [r["total_s"] for r in rows], "o-", label="total")
        ax[0].plot(
            n, [r["total_s"] - r["solve_s"] for r in rows], "s-", label="total less PyVRP search"
        )
        ax[0].plot(n, [r["pyvrp_s"] for r in rows], "k--", label="PyVRP time limit")
        ax[0].set_xlabel("orders")
        ax[0].set_ylabel("time [s]")
        ax[0].legend()
        ax[1].plot(n, [r["peak_mb"] for r in rows], "o-")
        ax[1].set_xlabel("orders")
        ax[1].set_ylabel("peak memory [MB]")
        for a in ax:
            a.set_xscale("log")
            a.grid(True, alpha=0.3)
        fig.suptitle("airwork plan delivery: scale (one core, shared machine)")
        fig.tight_layout()
        fig.savefig(plot, dpi=100)
        print(f"\nfigure: {plot}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--headline", action="store_true")
    ap.add_argument("--scale", action="store_true")
    ap.add_argument("--scale-plot", default=None)
    ap.add_argument("--one", nargs=4, default=None)
    args = ap.parse_args()
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {0})
    if args.one:
        n, h, z, rt = args.one
        print(json.dumps(one(int(n), int(h), int(z), float(rt))))
        return
    both = not (args.headline or args.scale)
    if args.headline or both:
        headline()
    if args.scale or both:
        scale(args.scale_plot)


if __name__ == "__main__":
    main()
