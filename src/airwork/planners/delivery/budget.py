"""The conservative per-trip energy budget PyVRP routes with, and which orders it can reach.

PyVRP has no battery, so each route (one trip) gets a ``max_distance`` that is an energy:
an edge's "distance" is its energy in seconds of cruise carrying the load of the trip's
*load class* (the fleet type's payload, or half of it), and a class's budget is its
battery less reserve, take-off and landing, over that cruise power.  Power grows with mass,
so the budget holds for every load a trip of the class really carries.  A drop's descent,
hold and climb are priced the same way, the largest over classes (:func:`trip_proxies`).
An order is routable when an out-and-back trip of some class from some hub with a drone
fits that budget, its window and the hub's hours (:func:`routable_orders`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS, WAYPOINT_ACCEL_MPS2
from airwork.planners.delivery.context import FlightContext
from airwork.planners.delivery.drop import drop_holds
from airwork.planners.delivery.problem import FleetType, Order

__all__ = ["TripProxies", "routable_orders", "trip_proxies"]

_LOAD_SHARES = (1.0, 0.5)
"""Load classes of a fleet type, as shares of its payload: a trip carrying at most half the
payload gets the (larger) energy budget computed at half the payload."""


@dataclass(frozen=True)
class TripProxies:
    """Per load class and per order, what PyVRP's energy and duration are made of.

    Attributes
    ----------
    specs : list of (int, float)
        Load classes: (fleet type index, class payload [kg]).
    p_fwd_w : np.ndarray
        Per class: cruise power carrying the class payload at the common airspeed. [W]
    fixed_wh : tuple of float
        Per class: take-off climb and landing descent carrying the class payload. [Wh]
    budget_s : np.ndarray
        Per class: battery less reserve and ``fixed_wh``, in seconds of cruise. [s]
    stop_eq_s : np.ndarray
        Per order: energy of its drop (descent, hold, climb; the largest over classes) and
        of the stop and restart around it, in seconds of cruise. [s]
    stop_time_s : np.ndarray
        Per order: duration of its drop (the longest over classes). [s]
    hover_ratio : float
        Largest hover over cruise power over the classes. [-]
    corner_s : float
        Hover time charged for braking to rest and accelerating from rest once each
        (v/2a each, :data:`~airwork.flight.kinematics.WAYPOINT_ACCEL_MPS2`). [s]
    """

    specs: list[tuple[int, float]]
    p_fwd_w: np.ndarray
    fixed_wh: tuple[float, ...]
    budget_s: np.ndarray
    stop_eq_s: np.ndarray
    stop_time_s: np.ndarray
    hover_ratio: float
    corner_s: float


def trip_proxies(ctx: FlightContext, orders: list[Order]) -> TripProxies:
    """The load classes' budgets and the orders' stop costs (see the module docstring)."""
    fleet = ctx.fleet
    alt = ctx.params.cruise_alt_m
    n = len(orders)
    specs = _load_classes(fleet)
    p_fwd = np.array([float(fleet[k].aircraft.forward_power_w(cap, ctx.speed)) for k, cap in specs])
    fixed_wh = tuple(_fixed_energy_wh(fleet[k], alt, cap) for k, cap in specs)
    budget_s = np.array(
        [
            (fleet[k].aircraft.mission_energy_wh - fixed_wh[s]) * 3600.0 / p_fwd[s]
            for s, (k, cap) in enumerate(specs)
        ]
    )
    stop_t = np.zeros((len(specs), n))
    stop_e = np.zeros((len(specs), n))
    for s, (k, cap) in enumerate(specs):
        if n:
            stop_t[s], stop_e[s] = _stop_cost(ctx, fleet[k], orders, cap)
    stop_eq_s = np.max(stop_e * 3600.0 / p_fwd[:, None], axis=0) if n else np.zeros(0)
    # every edge starts from rest and ends at rest (vertical legs at both ends): the builder
    # prices v/2a of hover for each (braking and accelerating, uniform acceleration)
    hover_ratio = max(
        float(fleet[k].aircraft.hover_power_w(cap)) / p_fwd[s] for s, (k, cap) in enumerate(specs)
    )
    corner_s = ctx.speed / WAYPOINT_ACCEL_MPS2
    return TripProxies(
        specs=specs,
        p_fwd_w=p_fwd,
        fixed_wh=fixed_wh,
        budget_s=budget_s,
        stop_eq_s=stop_eq_s + corner_s * hover_ratio,
        stop_time_s=np.max(stop_t, axis=0) if n else np.zeros(0),
        hover_ratio=hover_ratio,
        corner_s=corner_s,
    )


def routable_orders(
    ctx: FlightContext, px: TripProxies, tt: np.ndarray, orders: list[Order], counts: np.ndarray
) -> np.ndarray:
    """Per order: whether an out-and-back trip of some load class, from some hub with a
    drone of its type, fits the class budget, the order's window and the hub's hours.

    ``tt`` is the travel table [s] (hubs first, then ``orders``; no infinities) and
    ``counts[h, k]`` the drones of type ``k`` at hub ``h``.
    """
    problem, params = ctx.problem, ctx.params
    H = len(problem.hubs)
    start_s = ctx.start_s
    out_back = tt[:H, H:] + tt[H:, :H].T + px.stop_eq_s[None, :] + px.corner_s * px.hover_ratio
    dur_back = tt[:H, H:] + tt[H:, :H].T + px.stop_time_s[None, :] + 2 * px.corner_s
    opens = np.array([max(h.open_s, start_s) for h in problem.hubs])
    closes = np.array([h.close_s for h in problem.hubs])
    earliest = np.array([max(o.earliest_s, start_s) for o in orders])
    latest = np.array([o.latest_s + params.late_tolerance_s for o in orders])
    mass = np.array([o.mass_kg for o in orders])
    arrive_first = opens[:, None] + tt[:H, H:]
    time_ok = (arrive_first <= latest[None, :]) & (
        np.maximum(arrive_first, earliest[None, :]) + dur_back - tt[:H, H:] <= closes[:, None]
    )
    can = np.zeros((H, len(px.specs), len(orders)), dtype=bool)
    for s, (k, cap) in enumerate(px.specs):
        can[:, s, :] = (
            (out_back <= px.budget_s[s])
            & time_ok
            & (mass[None, :] <= cap + 1e-9)
            & (counts[:, k, None] > 0)
        )
    return can.any(axis=(0, 1))


def _load_classes(fleet: list[FleetType]) -> list[tuple[int, float]]:
    """(fleet type index, class payload [kg]) for every load class."""
    return [
        (k, f.payload_kg * share)
        for k, f in enumerate(fleet)
        for share in _LOAD_SHARES
        if share == 1.0 or f.payload_kg * share >= 0.25
    ]


def _fixed_energy_wh(ft: FleetType, alt_m: float, payload_kg: float | None = None) -> float:
    """Take-off climb and landing descent carrying ``payload_kg`` (default full). [Wh]"""
    a = ft.aircraft
    perf = a.leg_performance(
        np.zeros(2),
        np.ones(2),
        ft.payload_kg if payload_kg is None else payload_kg,
        climb_m=np.array([alt_m, -alt_m]),
        vertical_speed_mps=np.array([CLIMB_SPEED_MPS, DESCENT_SPEED_MPS]),
    )
    return float(np.sum(perf.energy_wh))


def _stop_cost(
    ctx: FlightContext, ft: FleetType, orders: list[Order], payload_kg: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per order: (time [s], energy [Wh]) of descent, the drop's holds
    (:func:`~airwork.planners.delivery.drop.drop_holds`) and climb, all carrying
    ``payload_kg``."""
    alt = ctx.params.cruise_alt_m
    h = np.array([ctx.drop_alt(ft, o) for o in orders])
    hold = np.array(
        [drop_holds(ft, o, line, ctx.params).total_s for o, line in zip(orders, h, strict=True)]
    )
    a = ft.aircraft
    n = len(orders)
    zeros = np.zeros(n)
    down = a.leg_performance(
        zeros,
        np.ones(n),
        payload_kg,
        climb_m=h - alt,
        vertical_speed_mps=DESCENT_SPEED_MPS,
        hold_s=hold,
    )
    up = a.leg_performance(
        zeros, np.ones(n), payload_kg, climb_m=alt - h, vertical_speed_mps=CLIMB_SPEED_MPS
    )
    return down.time_s + up.time_s, down.energy_wh + up.energy_wh
