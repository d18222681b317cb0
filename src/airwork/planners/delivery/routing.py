"""Routing with PyVRP: each PyVRP route is one trip (one battery, one load).

Vehicle types are (hub, aircraft type, load class) triples whose capacity is the class
load [g] and whose ``max_distance`` is the class's energy budget
(:mod:`~airwork.planners.delivery.budget`); an edge's distance is its energy in units of
:data:`_PROXY_UNIT_S` of cruise, its duration the flight time with take-off and landing.
Orders are optional clients with a large prize, so an order no trip can reach in its window
is reported, not lost; with a priced late tolerance each order is a group of mutually
exclusive visits (:func:`late_tiers`).  The objective is PyVRP's cost, built from
:class:`~airwork.planners.delivery.params.DeliveryWeights`.
"""

from __future__ import annotations

import math
import time
import warnings as warnings_mod
from dataclasses import dataclass

import numpy as np
import pyvrp
from pyvrp import PenaltyParams, SolveParams
from pyvrp.stop import MaxIterations, MaxRuntime

from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS
from airwork.planners.delivery.budget import TripProxies
from airwork.planners.delivery.context import FlightContext, Trip
from airwork.planners.delivery.problem import Order

__all__ = ["LATE_TIERS", "Routing", "late_tiers", "route_trips"]

_PROXY_UNIT_S = 0.1  # PyVRP distance unit: 0.1 s of full-payload cruise
_COST_SCALE = 1e5  # cost units -> PyVRP integers

LATE_TIERS = 3
"""Lateness tiers offered to PyVRP per order with a priced late tolerance. [-]"""


@dataclass(frozen=True)
class Routing:
    """PyVRP's trips (in route order, departures from its schedule), its warnings, and
    the search time [s]."""

    trips: list[Trip]
    warnings: list[str]
    solve_time_s: float


def route_trips(
    ctx: FlightContext,
    px: TripProxies,
    tt: np.ndarray,
    orders: list[Order],
    keep: list[int],
    routable: np.ndarray,
    counts: np.ndarray,
) -> Routing:
    """Route the routable orders with PyVRP (model → solve → trips).

    ``tt`` is the travel table [s] over the hubs then ``orders`` (``problem.orders`` at
    ``keep``), ``routable`` a mask over ``orders``, ``counts[h, k]`` the drones of type
    ``k`` at hub ``h``.
    """
    if not routable.any():
        return Routing([], [], 0.0)
    data, vt_of, client_of = _pyvrp_data(ctx, px, tt, orders, keep, routable, counts)
    res, warnings, solve_time = _solve(ctx, data)
    trips = []
    for route in res.best.routes():
        h, k = vt_of[route.vehicle_type()]
        visits = [a for a in route.schedule() if a.is_client()]
        seq = tuple(keep[client_of[a.idx]] for a in visits)
        if seq:
            trips.append(Trip(h, k, seq, float(route.start_time())))
    return Routing(trips, warnings, solve_time)


def late_tiers(latest_s: float, tolerance_s: float, late_hour: float, tiers: int = LATE_TIERS):
    """An order's mutually exclusive visits for PyVRP, which has hard time windows only:
    on time (window closing at ``latest_s``, no cost), or late within tier ``k`` of
    ``tiers`` equal parts of the tolerance (window closing ``k / tiers`` of the way in),
    priced at the lateness in the middle of its tier, so a visit's price is within
    ``late_hour × tolerance / (2 tiers)`` of the linear cost of its real lateness.

    Returns
    -------
    list of (window close [s], cost in weight units)
    """
    out = [(latest_s, 0.0)]
    for k in range(1, tiers + 1):
        mid_s = (k - 0.5) * tolerance_s / tiers
        out.append((latest_s + k * tolerance_s / tiers, late_hour * mid_s / 3600.0))
    return out


def _solve(ctx: FlightContext, data: pyvrp.ProblemData):
    """PyVRP's search, stopped by ``iterations`` if set, else by ``runtime_s``.

    Returns (result, de-duplicated warnings, search time [s]).
    """
    params = ctx.params
    t_solve = time.perf_counter()
    with warnings_mod.catch_warnings(record=True) as caught:
        warnings_mod.simplefilter("always")
        # penalties must be able to outweigh an order's prize, or the search drifts
        # among infeasible solutions that serve more orders
        penalty = PenaltyParams(max_penalty=10.0 * max(params.weights.unserved, 1.0) * _COST_SCALE)
        stop = (
            MaxRuntime(params.runtime_s)
            if params.iterations is None
            else MaxIterations(params.iterations)
        )
        res = pyvrp.solve(
            data,
            stop=stop,
            seed=params.seed,
            display=False,
            params=SolveParams(penalty=penalty),
        )
    messages = dict.fromkeys(" ".join(str(c.message).split()) for c in caught)
    warnings = [f"PyVRP: {msg}" for msg in messages]
    return res, warnings, time.perf_counter() - t_solve


def _pyvrp_data(
    ctx: FlightContext,
    px: TripProxies,
    tt: np.ndarray,
    orders: list[Order],
    keep: list[int],
    routable: np.ndarray,
    counts: np.ndarray,
) -> tuple[pyvrp.ProblemData, list[tuple[int, int]], np.ndarray]:
    """PyVRP's data over the hubs and the routable orders.

    Returns (data, (hub, fleet type) of each vehicle type, position in ``orders`` of each
    PyVRP client).
    """
    H = len(ctx.problem.hubs)
    idx = np.concatenate([np.arange(H), H + np.flatnonzero(routable)])
    t = tt if len(idx) == len(tt) else tt[np.ix_(idx, idx)]
    dist, dur = _edge_matrices(ctx, px, t, idx, keep, routable)
    locations = [
        pyvrp.Location(float(x), float(y))
        for x, y in np.vstack([ctx.hub_xy, ctx.order_xy[keep]])[idx]
    ]
    depots = _depots(ctx)
    clients, groups, client_of = _clients(ctx, px, orders, routable)
    vtypes, vt_of = _vehicle_types(ctx, px, t, routable, counts)
    data = pyvrp.ProblemData(locations, clients, depots, vtypes, [dist], [dur], groups)
    return data, vt_of, np.asarray(client_of, dtype=int)


def _edge_matrices(
    ctx: FlightContext,
    px: TripProxies,
    t: np.ndarray,
    idx: np.ndarray,
    keep: list[int],
    routable: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """PyVRP's integer distance (energy in :data:`_PROXY_UNIT_S` of cruise) and duration
    [s] matrices from the travel times ``t`` [s] between the points ``idx``."""
    H = len(ctx.problem.hubs)
    params = ctx.params
    corner_s = px.corner_s  # hover lost starting and stopping an edge
    corner_eq = corner_s * px.hover_ratio
    stop_eq = np.concatenate([np.full(H, corner_eq), px.stop_eq_s[routable]])
    buf = t + stop_eq[:, None]  # one n² float buffer, reused (memory at 5,000 orders)
    vert_s = None
    if ctx.terrain is not None:
        # cruising at a height above the ground: an edge climbs or descends by the ground's
        # rise from its start to its end (priced as hover time, like the stops; the exact
        # check flies the legs at their true heights)
        g = np.concatenate([ctx.hub_ground, ctx.order_ground[keep]])[idx]
        rise = np.subtract.outer(-g, -g)  # g[j] - g[i] for the edge i -> j
        vert_s = np.maximum(rise, 0.0) / CLIMB_SPEED_MPS + np.maximum(-rise, 0.0) / (
            DESCENT_SPEED_MPS
        )
        del rise
        buf += vert_s * px.hover_ratio
    buf /= _PROXY_UNIT_S
    np.ceil(buf, out=buf)
    dist = buf.astype(np.int64)
    # take-off climb on edges out of a hub, landing descent on edges into one
    alt = params.cruise_alt_m
    t_v = np.zeros(len(idx))
    t_v_in = np.zeros(len(idx))
    t_v[:H] = alt / CLIMB_SPEED_MPS
    t_v_in[:H] = alt / DESCENT_SPEED_MPS
    np.add(t, t_v[:, None], out=buf)
    buf += t_v_in[None, :]
    buf += corner_s
    if vert_s is not None:
        buf += vert_s
        del vert_s
    np.ceil(buf, out=buf)
    dur = buf.astype(np.int64)
    del buf
    np.fill_diagonal(dist, 0)
    np.fill_diagonal(dur, 0)
    return dist, dur


def _depots(ctx: FlightContext) -> list[pyvrp.Depot]:
    """One depot per hub, open from its opening (or the planning start) to its closing."""
    start = ctx.start_s
    return [
        pyvrp.Depot(
            h,
            tw_early=math.ceil(max(hub.open_s, start)),
            tw_late=int(hub.close_s),
            name=hub.id,
        )
        for h, hub in enumerate(ctx.problem.hubs)
    ]


def _clients(
    ctx: FlightContext, px: TripProxies, orders: list[Order], routable: np.ndarray
) -> tuple[list[pyvrp.Client], list[pyvrp.ClientGroup], list[int]]:
    """Optional clients (one per order, or one per lateness tier in a group), their groups,
    and each client's position in ``orders``."""
    params, w = ctx.params, ctx.params.weights
    H = len(ctx.problem.hubs)
    start = ctx.start_s
    clients = []
    groups = []
    client_of: list[int] = []  # PyVRP client -> position in `orders`
    sel = np.flatnonzero(routable)
    tol = params.late_tolerance_s
    tiers = tol > 0 and w.late_hour > 0
    for c, j in enumerate(sel):
        o = orders[j]
        # with a priced tolerance, an order is a pair of mutually exclusive visits: on time
        # (full prize) or late within the tolerance (prize less the lateness cost)
        variants = late_tiers(o.latest_s, tol, w.late_hour) if tiers else [(o.latest_s + tol, 0.0)]
        if tiers:
            members = list(range(len(clients), len(clients) + len(variants)))
            groups.append(pyvrp.ClientGroup(members, required=False))
        for late, cost in variants:
            clients.append(
                pyvrp.Client(
                    H + c,
                    delivery=[math.ceil(o.mass_kg * 1000)],
                    service_duration=math.ceil(px.stop_time_s[j]),
                    tw_early=math.floor(max(o.earliest_s, start)),
                    tw_late=math.floor(late),
                    required=False,
                    prize=round(max(w.unserved - cost, 0.0) * _COST_SCALE),
                    group=len(groups) - 1 if tiers else None,
                    name=o.id,
                )
            )
            client_of.append(int(j))
    return clients, groups, client_of


def _vehicle_types(
    ctx: FlightContext,
    px: TripProxies,
    t: np.ndarray,
    routable: np.ndarray,
    counts: np.ndarray,
) -> tuple[list[pyvrp.VehicleType], list[tuple[int, int]]]:
    """One vehicle type per (hub, load class) with drones there: capacity the class load
    [g], ``max_distance`` its energy budget, costs from the weights; and the (hub, fleet
    type) of each."""
    problem, w = ctx.problem, ctx.params.weights
    H = len(problem.hubs)
    start = ctx.start_s
    n_c = len(t) - H
    vtypes = []
    vt_of: list[tuple[int, int]] = []
    min_trip = 2 * np.min(t[:H, H:], axis=1) + (np.min(px.stop_time_s[routable]) if n_c else 0)
    for h, hub in enumerate(problem.hubs):
        for s, (k, cap) in enumerate(px.specs):
            f = ctx.fleet[k]
            d = int(counts[h, k])
            if d <= 0:
                continue
            cycle = max(min_trip[h] + hub.swap_time_s, 60.0)
            horizon_s = hub.close_s - max(hub.open_s, start)
            trips_max = int(d * math.ceil(horizon_s / cycle))
            # fleet size through the busy-time bound: a trip of duration T uses the share
            # (T + swap) / (horizon + swap) of a drone-day (see DeliveryWeights.drone)
            day_s = max(horizon_s, 60.0) + hub.swap_time_s
            # a trip's take-off climb and landing descent: energy outside the distance proxy
            climb_kwh = px.fixed_wh[s] / 1000.0
            per_trip = w.trip + w.drone * hub.swap_time_s / day_s + w.energy_kwh * climb_kwh
            per_s = w.flight_hour / 3600.0 + w.drone / day_s
            n_av = max(1, min(n_c, trips_max))
            e_unit_kwh = px.p_fwd_w[s] * _PROXY_UNIT_S / 3.6e6
            vtypes.append(
                pyvrp.VehicleType(
                    num_available=n_av,
                    capacity=[math.floor(cap * 1000 + 1e-6)],
                    start_depot=h,
                    end_depot=h,
                    fixed_cost=round(per_trip * _COST_SCALE),
                    tw_early=math.ceil(max(hub.open_s, start)),
                    tw_late=int(hub.close_s),
                    max_distance=math.floor(px.budget_s[s] / _PROXY_UNIT_S),
                    unit_distance_cost=round(w.energy_kwh * e_unit_kwh * _COST_SCALE),
                    unit_duration_cost=round(per_s * _COST_SCALE),
                    name=f"{hub.id}/{f.name}/{cap:.2f}kg",
                )
            )
            vt_of.append((h, k))
    return vtypes, vt_of
