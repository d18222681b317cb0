"""Plan a delivery day: PyVRP routes the trips, airwork models the drones around it.

Steps of :func:`plan_delivery`, one module each:

1. **Screen orders** (:mod:`.screen`).  Reversed or closed windows, parcels heavier than
   every fleet type carries, drop points inside a no-fly zone or its clearance become
   *unserved* entries with the reason.  A hub inside a zone or its clearance is an error.
2. **Travel table** (:mod:`.travel`).  Flight times between hubs and drop points around the
   zones, in the wind, vectorised.
3. **Budget** (:mod:`.budget`).  A conservative per-trip energy budget per (fleet type,
   load class), the energy of each drop, and which orders an out-and-back trip can reach.
4. **Route with PyVRP** (:mod:`.routing`).  Each PyVRP route is one *trip* (one battery,
   one load); orders are optional clients with a large prize, so an order that no trip can
   reach in its window is reported, not lost.
5. **Exact check and repair** (:mod:`.repair`, flown by :mod:`.context`).  Every trip is
   flown again leg by leg along the real avoiding paths, with the mass falling at each
   drop, hovering where it must wait for a window; a failing trip is split and re-checked,
   a single order that still fails is unserved with the reason.  Orders the conservative
   budget kept from PyVRP but that an exact single trip can serve are flown as such trips.
6. **Drones** (:mod:`.drones`).  Trips are assigned to the drones of their hub and type,
   with the hub's battery-swap time between two trips of a drone; orders of a trip no drone
   can fly are flown alone in a gap if possible, else unserved with the reason.
7. **Mission** (:mod:`.assemble`).  Every trip becomes a
   :class:`~airwork.mission.model.Sortie` of one :class:`~airwork.mission.model.Mission`
   with ``kind="delivery"``.
"""

from __future__ import annotations

import time

import numpy as np

from airwork.planners.delivery.assemble import assemble_mission
from airwork.planners.delivery.budget import routable_orders, trip_proxies
from airwork.planners.delivery.context import FlightContext
from airwork.planners.delivery.drones import drone_counts, schedule_drones
from airwork.planners.delivery.params import DeliveryParams
from airwork.planners.delivery.problem import DeliveryProblem
from airwork.planners.delivery.repair import check_and_repair, single_trips, unrouted_reasons
from airwork.planners.delivery.result import DeliveryResult, Unserved
from airwork.planners.delivery.routing import route_trips
from airwork.planners.delivery.screen import screen_orders

__all__ = ["plan_delivery"]


def plan_delivery(problem: DeliveryProblem, params: DeliveryParams | None = None) -> DeliveryResult:
    """Plan which drone flies which orders in which trips, and a mission for every trip.

    Parameters
    ----------
    problem : DeliveryProblem
    params : DeliveryParams or None

    Returns
    -------
    DeliveryResult
        ``.mission`` (one sortie per trip), ``.trips``, ``.unserved`` with reasons and
        ``.summary()``.

    Raises
    ------
    GeometryError
        A hub inside a no-fly zone or its clearance.
    AircraftError
        Airspeed or wind beyond a fleet type's limits.
    """
    t0 = time.perf_counter()
    params = params or DeliveryParams()
    ctx = FlightContext(problem, params)
    keep, reasons = screen_orders(ctx)
    orders = [problem.orders[i] for i in keep]
    tt, matrix_time_s = _travel_table(ctx, keep)
    counts = drone_counts(ctx)
    proxies = trip_proxies(ctx, orders)
    routable = routable_orders(ctx, proxies, tt, orders, counts)
    routing = route_trips(ctx, proxies, tt, orders, keep, routable, counts)
    singles, unreachable = single_trips(ctx, keep, routable, tt, counts)
    reasons |= unreachable
    checked, repaired, failed = check_and_repair(ctx, routing.trips + singles, keep, tt, counts)
    reasons |= failed
    reasons |= unrouted_reasons(keep, routable, checked, reasons)
    scheduled, no_drone = schedule_drones(ctx, checked, keep, tt, counts)
    reasons |= no_drone
    mission, reports = assemble_mission(ctx, scheduled)
    return DeliveryResult(
        mission=mission,
        trips=reports,
        unserved=tuple(Unserved(problem.orders[i].id, reasons[i]) for i in sorted(reasons)),
        order_count=len(problem.orders),
        drones_used=len({name for name, _ in scheduled}),
        drones_available=int(counts.sum()),
        solve_time_s=routing.solve_time_s,
        runtime_s=time.perf_counter() - t0,
        matrix_time_s=matrix_time_s,
        repaired_trips=repaired,
        warnings=tuple(routing.warnings),
        weights=params.weights,
    )


def _travel_table(ctx: FlightContext, keep: list[int]) -> tuple[np.ndarray, float]:
    """Flight times [s] between the hubs then the screened orders, pairs without a path
    set far beyond any battery; and the time taken to build the table [s]."""
    t_mat = time.perf_counter()
    xy = np.vstack([ctx.hub_xy, ctx.order_xy[keep]]) if keep else ctx.hub_xy
    tt = ctx.travel.time_matrix_s(xy)
    matrix_time_s = time.perf_counter() - t_mat
    tt[~np.isfinite(tt)] = 1e9  # no path: far beyond any battery (in place, n² floats)
    return tt, matrix_time_s
