"""Screening of a delivery day's orders before routing: what cannot be flown is *unserved*
with the reason; a hub inside a no-fly zone or its clearance is an error."""

from __future__ import annotations

import numpy as np

from airwork.errors import GeometryError
from airwork.planners.delivery.context import FlightContext
from airwork.planners.delivery.problem import format_time

__all__ = ["FAR_FROM_HUB_M", "screen_orders"]

FAR_FROM_HUB_M = 200_000.0
"""An order farther than this from every hub is taken for a coordinate mistake: no
multirotor delivery drone flies a 400 km round trip on one battery. [m]"""


def screen_orders(ctx: FlightContext) -> tuple[list[int], dict[int, str]]:
    """Orders worth routing (indices into ``problem.orders``), and the reason for each
    of the others.

    Raises
    ------
    GeometryError
        Every order more than :data:`FAR_FROM_HUB_M` from every hub; a hub inside a no-fly
        zone or its clearance.
    """
    problem = ctx.problem
    raw, grown = ctx.zone_of(ctx.order_xy) if len(problem.orders) else ([], [])
    near_h, near_m = _nearest_hubs(ctx)
    reasons: dict[int, str] = {}
    for i in range(len(problem.orders)):
        why = _order_reason(ctx, i, int(near_h[i]), float(near_m[i]), raw[i], grown[i])
        if why:
            reasons[i] = why
    _check_hubs(ctx)
    keep = [i for i in range(len(problem.orders)) if i not in reasons]
    return keep, reasons


def _nearest_hubs(ctx: FlightContext) -> tuple[np.ndarray, np.ndarray]:
    """Per order: the nearest hub (straight line) and its distance [m]; an error when every
    order is farther than :data:`FAR_FROM_HUB_M` (a coordinate mistake)."""
    problem = ctx.problem
    if not len(problem.orders):
        return np.zeros(0, dtype=int), np.zeros(0)
    d = np.linalg.norm(ctx.order_xy[:, None, :] - ctx.hub_xy[None, :, :], axis=2)
    near_h = np.argmin(d, axis=1)
    near_m = d[np.arange(len(d)), near_h]
    if (near_m > FAR_FROM_HUB_M).all():
        i = int(np.argmin(near_m))
        raise GeometryError(
            f"every order is more than {FAR_FROM_HUB_M / 1000:g} km from every hub (the "
            f"nearest, '{problem.orders[i].id}', is {near_m[i] / 1000:,.0f} km from hub "
            f"'{problem.hubs[near_h[i]].id}'): check the coordinates of the hubs and "
            "orders (latitude/longitude order, CRS)"
        )
    return near_h, near_m


def _order_reason(
    ctx: FlightContext, i: int, near_h: int, near_m: float, raw: int, grown: int
) -> str:
    """Why order ``i`` cannot be flown at all, or "" (``raw``/``grown``: index of the zone,
    or of the zone grown by the clearance, containing its drop point, -1 if none)."""
    problem, params = ctx.problem, ctx.params
    o = problem.orders[i]
    start = ctx.start_s
    max_payload = max(f.payload_kg for f in ctx.fleet)
    if o.earliest_s > o.latest_s:
        return (
            f"time window reversed: earliest {format_time(o.earliest_s)} is after latest "
            f"{format_time(o.latest_s)}"
        )
    if o.latest_s + params.late_tolerance_s < start:
        return (
            f"time window closed: latest {format_time(o.latest_s)} is before the planning "
            f"start {format_time(start)}"
        )
    if o.mass_kg > max_payload + 1e-9:
        return (
            f"parcel {o.mass_kg:.2f} kg is heavier than any fleet type carries "
            f"(largest payload {max_payload:.2f} kg)"
        )
    if near_m > FAR_FROM_HUB_M:
        return (
            f"{near_m / 1000:,.0f} km from the nearest hub '{problem.hubs[near_h].id}',"
            f" farther than any drone flies: check its coordinates (latitude/longitude "
            f"order, CRS)"
        )
    if not np.isfinite(ctx.order_ground[i]):
        return "no ground elevation at the drop point (outside the DEM or nodata)"
    if raw >= 0:
        return f"drop point inside no-fly zone '{ctx.zones[raw].id}'"
    if grown >= 0:
        return (
            f"drop point within the {params.clearance_m:g} m clearance of no-fly zone "
            f"'{ctx.zones[grown].id}'"
        )
    return ""


def _check_hubs(ctx: FlightContext) -> None:
    """Hubs are the operator's own sites: one inside a zone or its clearance is an error."""
    hraw, hgrown = ctx.zone_of(ctx.hub_xy)
    for h, hub in enumerate(ctx.problem.hubs):
        if hraw[h] >= 0:
            raise GeometryError(f"hub '{hub.id}' is inside no-fly zone '{ctx.zones[hraw[h]].id}'")
        if hgrown[h] >= 0:
            raise GeometryError(
                f"hub '{hub.id}' is within the {ctx.params.clearance_m:g} m clearance of no-fly "
                f"zone '{ctx.zones[hgrown[h]].id}'"
            )
