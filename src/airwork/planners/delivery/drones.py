"""Drones: trips assigned to the drones of their hub and type, with the hub's battery swap
between two trips of a drone, never more drones than the hub has.

Pool by pool (hub and type), the best of four greedy schedules is kept (fewer trips left
without a drone, then fewer drones; :func:`assign_drones`).  The orders of a trip that
finds no drone are flown alone in a free gap of some drone of one of the three nearest hubs
if possible (:func:`place_single`), else unserved ("no drone free").
"""

from __future__ import annotations

import math

import numpy as np

from airwork.planners.delivery.context import FlightContext, Trip
from airwork.planners.delivery.problem import format_time

__all__ = ["assign_drones", "drone_counts", "place_single", "schedule_drones"]

Scheduled = list[tuple[str, Trip]]
"""(drone name ``hub/type#n``, trip) pairs."""


def drone_counts(ctx: FlightContext) -> np.ndarray:
    """Drones of each fleet type at each hub, ``(hubs, types)``. [-]"""
    return np.array([[f.count_at(h) for f in ctx.fleet] for h in ctx.problem.hubs])


def schedule_drones(
    ctx: FlightContext, trips: list[Trip], keep: list[int], tt: np.ndarray, counts: np.ndarray
) -> tuple[Scheduled, dict[int, str]]:
    """Assign the trips to drones; fly the orders of trips left without one alone in a
    gap.  Returns (the scheduled trips sorted by drone and departure, the reasons of the
    orders no drone flies).

    ``keep`` lists the screened orders, ``tt`` is the travel table [s] over the hubs then
    those orders, ``counts`` from :func:`drone_counts`.
    """
    problem = ctx.problem
    scheduled, no_drone = assign_drones(ctx, trips, counts)
    reasons: dict[int, str] = {}
    for t in no_drone:
        hub = problem.hubs[t.hub]
        for i in t.orders:
            reasons[i] = (
                f"no {ctx.fleet[t.ftype].name} drone free at hub '{hub.id}' for a trip at "
                f"{format_time(t.depart_s)} (all {counts[t.hub, t.ftype]} busy)"
            )
    # repair: fly those orders alone, from any near hub, in a gap of some drone's day
    for t in no_drone:
        for i in t.orders:
            placed = place_single(ctx, i, keep.index(i), tt, counts, scheduled)
            if placed is not None:
                scheduled.append(placed)
                reasons.pop(i, None)
    scheduled.sort(key=lambda x: (x[0], x[1].depart_s))
    return scheduled, reasons


def assign_drones(
    ctx: FlightContext, trips: list[Trip], counts: np.ndarray
) -> tuple[Scheduled, list[Trip]]:
    """Assign trips to drones pool by pool (hub and type), keeping for each pool the best of
    four greedy schedules: fewer trips left without a drone, then fewer drones.

    Returns ``(scheduled, no_drone)`` with ``scheduled`` a list of (drone name, trip).
    """
    by_pool: dict[tuple[int, int], list[Trip]] = {}
    for t in trips:
        by_pool.setdefault((t.hub, t.ftype), []).append(t)
    scheduled: list[tuple[str, Trip]] = []
    no_drone: list[Trip] = []
    for (h, k), pool in sorted(by_pool.items()):
        best = None
        for mode in ("plain", "slip", "latest", "fixed"):
            got = _schedule_pool(ctx, h, k, list(pool), int(counts[h, k]), mode)
            key = (len(got[1]), len({d for d, _ in got[0]}))
            if best is None or key < best[0]:
                best = (key, got)
        hub = ctx.problem.hubs[h]
        for d, t in best[1][0]:
            scheduled.append((f"{hub.id}/{ctx.fleet[k].name}#{d + 1}", t))
        no_drone += best[1][1]
    scheduled.sort(key=lambda x: (x[0], x[1].depart_s))
    return scheduled, no_drone


def _schedule_pool(
    ctx: FlightContext, h: int, k: int, pool: list[Trip], count: int, mode: str
) -> tuple[list[tuple[int, Trip]], list[Trip]]:
    """One greedy schedule of a pool's trips on at most ``count`` drones.

    ``plain``/``slip``/``latest``: trips in order of departure (``latest``: of latest
    departure); a drone free at the departure if any (best fit), else (``slip``,
    ``latest``) a busy drone if the trip's slack allows waiting for it, else a new drone
    while there is one, else the trip gets none.  ``fixed``: the fewest drones, from a
    lower bound up, with which list scheduling (latest departure first, the drone free
    first, departures slipping within slack) fits every trip.

    Returns ``([(drone index, trip)], [trips without a drone])``.
    """
    hub = ctx.problem.hubs[h]
    swap = hub.swap_time_s
    if mode == "fixed":
        return _schedule_fixed(ctx, pool, count, swap)
    prefer_slip = mode != "plain"
    out: list[tuple[int, Trip]] = []
    no_drone: list[Trip] = []
    free: list[float] = []  # per drone: when it lands last
    if mode == "latest":
        pool.sort(key=lambda t: (t.depart_s + t.slack_s, t.depart_s, t.orders))
    else:
        pool.sort(key=lambda t: (t.depart_s, t.orders))
    for t in pool:
        ready = [f + swap for f in free]
        fits = [d for d, r in enumerate(ready) if r <= t.depart_s + 1e-6]
        slipped = None
        if prefer_slip and not fits and free:
            d = int(np.argmin(ready))
            if ready[d] <= t.depart_s + t.slack_s + 1e-6:
                t2 = ctx.fly(Trip(t.hub, t.ftype, t.orders, ready[d]))
                if t2.ok and t2.depart_s >= ready[d] - 1e-6:
                    slipped = t2
        if fits:
            d = max(fits, key=lambda d: ready[d])  # best fit
        elif slipped is not None:
            t = slipped
        elif len(free) < count:
            free.append(-math.inf)
            d = len(free) - 1
        elif free and ready[int(np.argmin(ready))] <= t.depart_s + t.slack_s + 1e-6:
            d = int(np.argmin(ready))
            t2 = ctx.fly(Trip(t.hub, t.ftype, t.orders, ready[d]))
            if not (t2.ok and t2.depart_s >= ready[d] - 1e-6):
                no_drone.append(t)
                continue
            t = t2
        else:
            no_drone.append(t)
            continue
        free[d] = t.return_s
        out.append((d, t))
    return out, no_drone


def _schedule_fixed(
    ctx: FlightContext, pool: list[Trip], count: int, swap: float
) -> tuple[list[tuple[int, Trip]], list[Trip]]:
    """The ``fixed`` mode of :func:`_schedule_pool` (``swap``: the hub's swap time [s])."""
    if not pool or count <= 0:
        return [], list(pool)
    order = sorted(pool, key=lambda t: (t.depart_s + t.slack_s, t.depart_s, t.orders))
    busy = sum(t.return_s - t.depart_s + swap for t in pool)
    horizon = max(t.depart_s + t.slack_s + (t.return_s - t.depart_s) for t in pool) - min(
        t.depart_s for t in pool
    )
    lower = max(1, math.ceil(busy / max(horizon + swap, 1.0) - 1e-9))
    for n in range(lower, count + 1):
        ready = [-math.inf] * n
        plan: list[tuple[int, Trip, float]] = []
        for t in order:
            d = int(np.argmin(ready))
            start = max(t.depart_s, ready[d])
            if start > t.depart_s + t.slack_s + 1e-6:
                break
            # a later departure never lengthens the trip (waits only shrink)
            ready[d] = start + (t.return_s - t.depart_s) + swap
            plan.append((d, t, start))
        else:
            out = []
            for d, t, start in plan:
                if start > t.depart_s + 1e-6:
                    t2 = ctx.fly(Trip(t.hub, t.ftype, t.orders, start))
                    late_return = t2.return_s > start + (t.return_s - t.depart_s) + 1e-6
                    if not t2.ok or t2.depart_s < start - 1e-6 or late_return:
                        break
                    t = t2
                out.append((d, t))
            else:
                return out, []
    return [], list(pool)  # no drone count fits: let the other passes decide


def place_single(
    ctx: FlightContext, i: int, j: int, tt: np.ndarray, counts: np.ndarray, scheduled: Scheduled
) -> tuple[str, Trip] | None:
    """(drone name, trip) flying order ``i`` (``j``-th screened order) alone in a free gap
    of a drone (existing or spare) of one of the three nearest hubs, or None."""
    problem = ctx.problem
    H = len(problem.hubs)
    o = problem.orders[i]
    for h in np.argsort(tt[:H, H + j] + tt[H + j, :H])[:3]:
        hub = problem.hubs[h]
        for k, f in enumerate(ctx.fleet):
            if counts[h, k] <= 0 or o.mass_kg > f.payload_kg + 1e-9:
                continue
            prefix = f"{hub.id}/{f.name}#"
            days: dict[str, list[Trip]] = {}
            for name, t in scheduled:
                if name.startswith(prefix):
                    days.setdefault(name, []).append(t)
            for d in range(1, int(counts[h, k]) + 1):
                days.setdefault(f"{prefix}{d}", [])
            dep0 = max(hub.open_s, ctx.start_s, o.earliest_s - tt[h, H + j])
            first = ctx.fly(Trip(int(h), k, (i,), float(dep0)))
            if not first.ok:
                continue
            for name, trips in sorted(days.items()):
                trips = sorted(trips, key=lambda t: t.depart_s)
                starts = [hub.open_s] + [t.return_s + hub.swap_time_s for t in trips]
                ends = [t.depart_s - hub.swap_time_s for t in trips] + [hub.close_s]
                for g0, g1 in zip(starts, ends, strict=True):
                    dep = max(first.depart_s, g0)
                    if dep > first.depart_s + first.slack_s + 1e-6:
                        continue
                    trip = (
                        first
                        if dep == first.depart_s
                        else ctx.fly(Trip(int(h), k, (i,), float(dep)))
                    )
                    if trip.ok and trip.depart_s >= g0 - 1e-6 and trip.return_s <= g1 + 1e-6:
                        return name, trip
    return None
