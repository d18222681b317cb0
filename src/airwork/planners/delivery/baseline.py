"""The simple reference plan the planner is compared with: every order flown alone from
its nearest hub, drones unlimited."""

from __future__ import annotations

from typing import Any

import numpy as np

from airwork.planners.delivery.context import FlightContext, Trip
from airwork.planners.delivery.drones import assign_drones
from airwork.planners.delivery.params import DeliveryParams
from airwork.planners.delivery.problem import DeliveryProblem
from airwork.planners.delivery.screen import screen_orders

__all__ = ["baseline_plan"]


def baseline_plan(problem: DeliveryProblem, params: DeliveryParams | None = None) -> dict[str, Any]:
    """The simple reference: every order flown alone from its nearest hub (by flight time)
    with the first fleet type that carries it, drones unlimited.

    Returns figures: ``served`` (and ``served_ids``), ``trips``, ``drones``,
    ``distance_km``, ``energy_wh``.
    """
    params = params or DeliveryParams()
    ctx = FlightContext(problem, params)
    keep, _ = screen_orders(ctx)
    H = len(problem.hubs)
    xy = np.vstack([ctx.hub_xy, ctx.order_xy[keep]])
    tt = ctx.travel.time_matrix_s(xy)
    trips = []
    for j, i in enumerate(keep):
        o = problem.orders[i]
        h = int(np.argmin(tt[:H, H + j] + tt[H + j, :H]))
        hub = problem.hubs[h]
        for k, f in enumerate(ctx.fleet):
            if o.mass_kg > f.payload_kg + 1e-9:
                continue
            dep = max(hub.open_s, ctx.start_s, o.earliest_s - tt[h, H + j])
            trip = ctx.fly(Trip(h, k, (i,), float(dep)))
            if trip.ok:
                trips.append(trip)
                break
    unlimited = np.full((H, len(ctx.fleet)), 10**6)
    scheduled, _ = assign_drones(ctx, trips, unlimited)
    return {
        "served": len(trips),
        "served_ids": sorted(problem.orders[t.orders[0]].id for t in trips),
        "trips": len(trips),
        "drones": len({n for n, _ in scheduled}),
        "distance_km": float(sum(t.sortie.distance_m for t in trips) / 1000.0),
        "energy_wh": float(sum(t.sortie.energy_wh for t in trips)),
    }
