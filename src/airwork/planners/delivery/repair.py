"""The exact check and repair of PyVRP's trips, and exact single trips for the orders the
conservative budget kept from PyVRP.

Every trip is flown exactly (:meth:`~airwork.planners.delivery.context.FlightContext.fly`).
One that exceeds payload, battery with reserve, a window or the hub's hours is split in two
and both halves are checked again; a single order that still fails is retried as a single
trip from the three nearest hubs with every type, else unserved with the reason.  No trip
that fails the exact check is returned.

``keep`` lists the screened orders (indices into ``problem.orders``); ``tt`` is the travel
table [s] over the hubs then those orders; ``counts[h, k]`` the drones of type ``k`` at hub
``h``.  Each function returns the reasons of the orders it leaves unserved.
"""

from __future__ import annotations

import numpy as np

from airwork.planners.delivery.context import FlightContext, Trip

__all__ = ["best_single", "check_and_repair", "single_trips", "unrouted_reasons"]


def single_trips(
    ctx: FlightContext, keep: list[int], routable: np.ndarray, tt: np.ndarray, counts: np.ndarray
) -> tuple[list[Trip], dict[int, str]]:
    """For each order PyVRP was not given (``routable`` false): an exact single trip that
    flies, else the reason."""
    trips: list[Trip] = []
    reasons: dict[int, str] = {}
    for j, i in enumerate(keep):
        if routable[j]:
            continue
        trip = best_single(ctx, i, j, tt, counts)
        if trip is not None and trip.ok:
            trips.append(trip)
        else:
            reasons[i] = trip.reason if trip is not None else _why_unreachable(ctx, i)
    return trips, reasons


def check_and_repair(
    ctx: FlightContext, trips: list[Trip], keep: list[int], tt: np.ndarray, counts: np.ndarray
) -> tuple[list[Trip], int, dict[int, str]]:
    """Fly every trip exactly; split a failing one in two, retry a failing single order
    from the nearest hubs.  Returns (trips that fly, trips repaired, reasons)."""
    checked: list[Trip] = []
    reasons: dict[int, str] = {}
    repaired = 0
    stack = list(trips)
    while stack:
        trip = ctx.fly(stack.pop())
        if trip.ok:
            checked.append(trip)
            continue
        repaired += 1
        if len(trip.orders) == 1:
            i = trip.orders[0]
            alt_trip = best_single(ctx, i, keep.index(i), tt, counts)
            if alt_trip is not None and alt_trip.ok:
                checked.append(alt_trip)
            else:
                reasons[i] = trip.reason
            continue
        mid = len(trip.orders) // 2
        dep = trip.depart_s
        stack.append(Trip(trip.hub, trip.ftype, trip.orders[:mid], dep))
        stack.append(Trip(trip.hub, trip.ftype, trip.orders[mid:], dep))
    return checked, repaired, reasons


def unrouted_reasons(
    keep: list[int], routable: np.ndarray, flown: list[Trip], reasons: dict[int, str]
) -> dict[int, str]:
    """Routable orders in no trip of ``flown`` and without a reason in ``reasons``: PyVRP
    found no trip for them."""
    served = {o for t in flown for o in t.orders}
    return {
        i: (
            "no trip found in its window within the search time (all hubs and fleet "
            "types considered)"
        )
        for j, i in enumerate(keep)
        if routable[j] and i not in served and i not in reasons
    }


def best_single(
    ctx: FlightContext, i: int, j: int, tt: np.ndarray, counts: np.ndarray
) -> Trip | None:
    """The exact single trip of order ``i`` (``j``-th screened order) from the three
    nearest hubs (by flight time out and back) that flies, else the last one tried, else
    None when no drone there carries it."""
    H = len(ctx.problem.hubs)
    o = ctx.problem.orders[i]
    order_h = np.argsort(tt[:H, H + j] + tt[H + j, :H])
    last: Trip | None = None
    for h in order_h[:3]:
        for k, f in enumerate(ctx.fleet):
            if counts[h, k] <= 0 or o.mass_kg > f.payload_kg + 1e-9:
                continue
            hub = ctx.problem.hubs[h]
            dep = max(hub.open_s, ctx.start_s, o.earliest_s - tt[h, H + j])
            trip = ctx.fly(Trip(int(h), k, (i,), float(dep)))
            if trip.ok:
                return trip
            last = trip
    return last


def _why_unreachable(ctx: FlightContext, i: int) -> str:
    o = ctx.problem.orders[i]
    return f"none of the three nearest hubs has a drone that carries {o.mass_kg:.2f} kg"
