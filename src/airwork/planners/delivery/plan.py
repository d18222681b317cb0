"""Plan a delivery day: PyVRP routes the trips, airwork models the drones around it.

Steps of :func:`plan_delivery`:

1. **Screen orders.**  Reversed or closed windows, parcels heavier than every fleet type
   carries, drop points inside a no-fly zone or its clearance become *unserved* entries with
   the reason.  A hub inside a zone or its clearance is an error.
2. **Travel table.**  Flight times between hubs and drop points around the zones, in the
   wind (:class:`~airwork.planners.delivery.travel.TravelModel`), vectorised.
3. **Route with PyVRP.**  Each PyVRP route is one *trip* (one battery, one load): vehicle
   types are (hub, aircraft type, load class) triples whose capacity is the class load
   (the payload limit or half of it) [g] and whose ``max_distance`` is a conservative
   per-trip **energy** budget.  The "distance" of an edge is its energy expressed in
   seconds of cruise carrying the class load, plus the drop's descent, hold and climb
   (the largest over classes); every class's budget is its battery less reserve, take-off
   and landing, over that cruise power.  Since power grows with mass, the budget holds for
   every load a trip of the class really carries.  Orders are optional clients with
   a large prize, so an order that no trip can reach in its window is reported, not lost.
4. **Exact check and repair.**  Every trip is flown again leg by leg with
   :class:`~airwork.mission.build.SortieBuilder` along the real avoiding paths, with the
   mass falling at each drop, hovering where it must wait for a window.  A trip that
   exceeds payload, battery (with reserve), a window or the hub's hours is split in two and
   re-checked; a single order that still fails is unserved with the reason.  Orders the
   conservative budget kept from PyVRP but that an exact single trip can serve are flown
   as such trips.
5. **Drones.**  Trips are assigned to the drones of their hub and type in order of
   departure, with the hub's battery-swap time between two trips of a drone (a new drone
   only when none is free; departures may slip within the trip's slack).  A trip no drone
   can fly is unserved with the reason.

Every trip becomes a :class:`~airwork.mission.model.Sortie`; all of them form one
:class:`~airwork.mission.model.Mission` with ``kind="delivery"``.
"""

from __future__ import annotations

import math
import time
import warnings as warnings_mod
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import numpy as np
import pyvrp
import shapely
from pyvrp import PenaltyParams, SolveParams
from pyvrp.stop import MaxIterations, MaxRuntime

from airwork.aircraft.model import Aircraft
from airwork.airspace.terrain import ground_under_pieces
from airwork.errors import AircraftError, GeometryError
from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS, WAYPOINT_ACCEL_MPS2
from airwork.mission.build import SortieBuilder
from airwork.mission.model import (
    Action,
    ActionKind,
    AltitudeRef,
    Feature,
    LegKind,
    Mission,
    Sortie,
)
from airwork.planners.delivery.problem import DeliveryProblem, FleetType, Order, format_time
from airwork.planners.delivery.travel import TravelModel, wind_vector_mps

__all__ = [
    "DeliveryParams",
    "DeliveryResult",
    "DeliveryWeights",
    "TripReport",
    "Unserved",
    "baseline_plan",
    "late_tiers",
    "plan_delivery",
]

LAND_DROP_ALT_M = 1.0
"""Height of a 'land' drop: the drone descends to it and releases. [m]"""

_PROXY_UNIT_S = 0.1  # PyVRP distance unit: 0.1 s of full-payload cruise
_COST_SCALE = 1e5  # cost units -> PyVRP integers
_BIG = 10**9


@dataclass(frozen=True)
class DeliveryWeights:
    r"""Weights of the objective PyVRP minimises (any consistent cost unit).

    Attributes
    ----------
    drone : float
        Per drone used in the day (fleet size).  PyVRP routes trips, not drones, so the
        fleet enters its objective through the busy-time bound on the drones a hub needs,
        :math:`n \ge \sum_r (T_r + t_{swap}) / (T_{open} + t_{swap})` with :math:`T_r` a
        trip's duration and :math:`T_{open}` the hub's planning horizon: each trip is
        charged ``drone`` × its share of a drone-day, ``(T_r + t_swap) / (T_open + t_swap)``.
        The drones actually used are then minimised by the assignment of trips to drones.
    trip : float
        Per trip (battery cycle, parcel handling).
    flight_hour : float
        Per hour of flight time (including hovering waits).
    energy_kwh : float
        Per kWh of the conservative energy estimate.
    unserved : float
        Per order left unserved (large: serve everything that can be served).
    late_hour : float
        Per hour of lateness, with ``DeliveryParams.late_tolerance_s`` > 0.  PyVRP has hard
        time windows only, so lateness is priced in steps (:func:`late_tiers`): an order is
        offered as mutually exclusive visits, on time or late within one of three tiers of
        the tolerance, each at the lateness in its middle.  The exact lateness is reported.
    """

    drone: float = 100.0
    trip: float = 5.0
    flight_hour: float = 30.0
    energy_kwh: float = 20.0
    unserved: float = 10_000.0
    late_hour: float = 100.0

    def __post_init__(self) -> None:
        for k in ("drone", "trip", "flight_hour", "energy_kwh", "unserved", "late_hour"):
            v = getattr(self, k)
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"weight {k} must be >= 0 and finite, got {v}")


@dataclass(frozen=True)
class DeliveryParams:
    """How to fly and how long to search.

    Attributes
    ----------
    cruise_alt_m : float
        Cruise altitude above take-off. [m]
    speed_mps : float or None
        Airspeed of every fleet type; default the slowest type's cruise speed. [m/s]
    wind_speed_mps : float
        [m/s]
    wind_from_deg : float
        Direction the wind blows from, clockwise from north. [°]
    clearance_m : float
        Distance kept from no-fly zones. [m]
    winch_alt_m : float
        Hover height of a winch drop (at most the winch length less 1 m). [m]
    start_s : float or None
        Planning start ("now"); windows closing before it are unserved.  Default the first
        hub opening. [s of day]
    late_tolerance_s : float
        Arrival allowed this long after an order's latest time (reported as late). [s]
    runtime_s : float
        PyVRP search time (wall clock: a slower or busier machine searches less). [s]
    iterations : int or None
        If set, PyVRP stops after this many iterations instead of after ``runtime_s``: the
        plan then depends only on the input and ``seed``, not on the machine's speed. [-]
    seed : int
    reserve_frac : float or None
        Landing reserve for every type (default each aircraft's own). [-]
    weights : DeliveryWeights
    """

    cruise_alt_m: float = 60.0
    speed_mps: float | None = None
    wind_speed_mps: float = 0.0
    wind_from_deg: float = 0.0
    clearance_m: float = 30.0
    winch_alt_m: float = 12.0
    start_s: float | None = None
    late_tolerance_s: float = 0.0
    runtime_s: float = 10.0
    iterations: int | None = None
    seed: int = 0
    reserve_frac: float | None = None
    weights: DeliveryWeights = field(default_factory=DeliveryWeights)

    def __post_init__(self) -> None:
        if not 5.0 <= self.cruise_alt_m <= 120.0:
            raise ValueError(f"cruise_alt_m must be in [5, 120] m, got {self.cruise_alt_m}")
        if self.speed_mps is not None and not self.speed_mps > 0:
            raise ValueError(f"speed_mps must be > 0, got {self.speed_mps}")
        if not (self.wind_speed_mps >= 0 and math.isfinite(self.wind_speed_mps)):
            raise ValueError(f"wind_speed_mps must be >= 0, got {self.wind_speed_mps}")
        if self.clearance_m < 0:
            raise ValueError(f"clearance_m must be >= 0, got {self.clearance_m}")
        if not 1.0 <= self.winch_alt_m < self.cruise_alt_m:
            raise ValueError(f"winch_alt_m must be in [1, cruise_alt_m), got {self.winch_alt_m}")
        if self.late_tolerance_s < 0:
            raise ValueError("late_tolerance_s must be >= 0")
        if not self.runtime_s > 0:
            raise ValueError(f"runtime_s must be > 0, got {self.runtime_s}")
        if self.iterations is not None and self.iterations < 1:
            raise ValueError(f"iterations must be >= 1, got {self.iterations}")


@dataclass(frozen=True)
class Unserved:
    """An order not served, and why."""

    order_id: str
    reason: str


@dataclass(frozen=True)
class TripReport:
    """One exported trip (sortie) and its schedule.

    Times are seconds of the day; ``arrivals_s`` are arrivals over each drop point in order.
    """

    sortie: int
    drone: str
    hub: str
    aircraft: str
    orders: tuple[str, ...]
    depart_s: float
    arrivals_s: tuple[float, ...]
    return_s: float
    payload_kg: float
    distance_m: float
    energy_wh: float
    battery_frac: float
    late_s: tuple[float, ...]


@dataclass
class _Trip:
    hub: int
    ftype: int
    orders: tuple[int, ...]
    depart_s: float
    arrivals_s: tuple[float, ...] = ()
    return_s: float = 0.0
    slack_s: float = 0.0
    sortie: Sortie | None = None
    ok: bool = False
    reason: str = ""
    late_s: tuple[float, ...] = ()


@dataclass(frozen=True)
class DeliveryResult:
    """What :func:`plan_delivery` returns; ``summary()`` is the ``summary.json`` content."""

    mission: Mission
    trips: tuple[TripReport, ...]
    unserved: tuple[Unserved, ...]
    order_count: int
    drones_used: int
    drones_available: int
    solve_time_s: float
    runtime_s: float
    matrix_time_s: float
    repaired_trips: int
    warnings: tuple[str, ...] = ()
    weights: DeliveryWeights = field(default_factory=DeliveryWeights)

    @property
    def served_count(self) -> int:
        return sum(len(t.orders) for t in self.trips)

    @property
    def distance_m(self) -> float:
        return float(sum(t.distance_m for t in self.trips))

    @property
    def energy_wh(self) -> float:
        return float(sum(t.energy_wh for t in self.trips))

    @property
    def flight_time_s(self) -> float:
        return float(sum(t.return_s - t.depart_s for t in self.trips))

    @property
    def on_time_share(self) -> float:
        late = [x for t in self.trips for x in t.late_s]
        return 1.0 if not late else float(np.mean(np.asarray(late) <= 1e-6))

    @property
    def late_s(self) -> float:
        """Total lateness over the served orders. [s]"""
        return float(sum(x for t in self.trips for x in t.late_s))

    def objective(self) -> dict[str, float]:
        """The weighted objective of the plan as flown: each term and the total.

        Terms are weight × measured quantity of the exported plan (drones used, trips,
        flight hours, kWh from the exact leg-by-leg model, hours late, orders unserved),
        so two plans of one job compare on what the user asked to minimise.
        """
        w = self.weights
        terms = {
            "drones": w.drone * self.drones_used,
            "trips": w.trip * len(self.trips),
            "flight_hours": w.flight_hour * self.flight_time_s / 3600.0,
            "energy_kwh": w.energy_kwh * self.energy_wh / 1000.0,
            "late_hours": w.late_hour * self.late_s / 3600.0,
            "unserved": w.unserved * len(self.unserved),
        }
        terms = {k: round(v, 2) for k, v in terms.items()}
        terms["total"] = round(sum(terms.values()), 2)
        return terms

    def summary(self) -> dict[str, Any]:
        drones: dict[str, list[int]] = {}
        for t in self.trips:
            drones.setdefault(t.drone, []).append(t.sortie)
        return {
            "kind": "delivery",
            "name": self.mission.name,
            "orders": self.order_count,
            "served": self.served_count,
            "unserved": [{"id": u.order_id, "reason": u.reason} for u in self.unserved],
            "drones_used": self.drones_used,
            "drones_available": self.drones_available,
            "trips": len(self.trips),
            "distance_km": round(self.distance_m / 1000.0, 3),
            "energy_wh": round(self.energy_wh, 1),
            "flight_time_h": round(self.flight_time_s / 3600.0, 3),
            "on_time_share": round(self.on_time_share, 4),
            "solve_time_s": round(self.solve_time_s, 2),
            "total_runtime_s": round(self.runtime_s, 2),
            "matrix_time_s": round(self.matrix_time_s, 2),
            "repaired_trips": self.repaired_trips,
            "weights": asdict(self.weights),
            "objective": self.objective(),
            "schedule": {
                d: [
                    {
                        "sortie": t.sortie,
                        "hub": t.hub,
                        "aircraft": t.aircraft,
                        "depart": format_time(t.depart_s),
                        "return": format_time(t.return_s),
                        "orders": [
                            {"id": o, "arrive": format_time(a), "late_s": round(late, 1)}
                            for o, a, late in zip(t.orders, t.arrivals_s, t.late_s, strict=True)
                        ],
                        "payload_kg": round(t.payload_kg, 3),
                        "distance_km": round(t.distance_m / 1000.0, 3),
                        "energy_wh": round(t.energy_wh, 1),
                        "battery_pct": round(100.0 * t.battery_frac, 1),
                    }
                    for t in self.trips
                    if t.drone == d
                ]
                for d in drones
            },
            "warnings": list(self.warnings),
        }


# ------------------------------------------------------------------------------ context
class _Context:
    """Everything a trip needs to be flown exactly."""

    def __init__(self, problem: DeliveryProblem, params: DeliveryParams):
        self.problem = problem
        self.params = params
        self.start_s = _start_s(problem, params)
        fleet = list(problem.fleet)
        if params.reserve_frac is not None:
            fleet = [
                replace(f, aircraft=f.aircraft.with_reserve(params.reserve_frac)) for f in fleet
            ]
        self.fleet: list[FleetType] = fleet
        speed = params.speed_mps
        if speed is None:
            speed = min(f.aircraft.cruise_speed_mps for f in fleet)
        for f in fleet:
            a = f.aircraft
            if speed > a.max_speed_mps + 1e-9:
                raise AircraftError(
                    f"aircraft '{a.name}': airspeed {speed:.1f} m/s above its maximum "
                    f"{a.max_speed_mps:.1f} m/s"
                )
            if params.wind_speed_mps > a.airframe.max_wind_mps:
                raise AircraftError(
                    f"aircraft '{a.name}': wind {params.wind_speed_mps:.1f} m/s above its limit "
                    f"{a.airframe.max_wind_mps:.1f} m/s"
                )
        self.speed = float(speed)
        # zones a drone meets descending to a drop or a hub: no drop or hub inside them
        zones = [z for z in problem.no_fly if z.applies(params.cruise_alt_m)]
        self.zones = zones
        self._grown = [z.polygon.buffer(params.clearance_m) for z in zones]
        # zones it meets cruising: flown around; those whose ceiling is OVERFLY_MARGIN_M or
        # more below the cruise altitude are flown over (the shared path-finder gets only
        # the zones that block at that altitude)
        grown = [
            g
            for z, g in zip(zones, self._grown, strict=True)
            if z.ceiling_m > params.cruise_alt_m - OVERFLY_MARGIN_M
        ]
        self.travel = TravelModel(
            grown, self.speed, wind_vector_mps(params.wind_speed_mps, params.wind_from_deg)
        )
        self.hub_xy = problem.hub_xy
        self.order_xy = problem.order_xy
        # ground elevation (above sea level) at hubs and orders; zeros on flat ground
        self.terrain = problem.terrain
        self.hub_ground = np.zeros(len(self.hub_xy))
        self.order_ground = np.zeros(len(self.order_xy))
        if self.terrain is not None:
            self.hub_ground = np.asarray(
                self.terrain.elevation_m(self.hub_xy[:, 0], self.hub_xy[:, 1]), dtype=float
            )
            bad = ~np.isfinite(self.hub_ground)
            if bad.any():
                raise GeometryError(
                    f"hub '{problem.hubs[int(np.argmax(bad))].id}': the DEM has no ground "
                    "elevation there (outside its extent or nodata)"
                )
            if len(self.order_xy):
                self.order_ground = np.asarray(
                    self.terrain.elevation_m(self.order_xy[:, 0], self.order_xy[:, 1]),
                    dtype=float,
                )

    def cruise_profile(self, path: np.ndarray, hub: int) -> tuple[np.ndarray, np.ndarray]:
        """Vertices and altitudes (above the hub) of a cruise path.

        On flat ground: the path's own vertices at ``cruise_alt_m``.  With a terrain, the
        legs are cut into pieces of at most :data:`TERRAIN_PIECE_M`, each vertex flying
        ``cruise_alt_m`` above the highest ground under the pieces meeting there
        (:func:`~airwork.airspace.terrain.ground_under_pieces`). [m]
        """
        alt = self.params.cruise_alt_m
        path = np.asarray(path, dtype=float)
        if self.terrain is None or len(path) < 2:
            return path, np.full(len(path), alt)
        xy, top, _ = ground_under_pieces(
            path, self.terrain, piece_m=TERRAIN_PIECE_M, step_m=TERRAIN_STEP_M
        )
        top = np.where(np.isfinite(top), top, self.hub_ground[hub])
        return xy, alt + top - self.hub_ground[hub]

    def zone_of(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(index of raw zone containing, index of grown zone containing), -1 if none."""
        pts = shapely.points(np.asarray(xy, dtype=float).reshape(-1, 2))
        raw = np.full(len(pts), -1)
        grown = np.full(len(pts), -1)
        for i, (z, g) in enumerate(zip(self.zones, self._grown, strict=True)):
            raw[(raw < 0) & shapely.intersects(z.polygon, pts)] = i
            grown[(grown < 0) & shapely.intersects(g.buffer(-0.01), pts)] = i
        return raw, grown

    def drop_alt(self, ft: FleetType, order: Order) -> float:
        """Hover height of a drop above the ground at the order. [m]"""
        if order.drop == "land":
            return LAND_DROP_ALT_M
        return float(min(self.params.winch_alt_m, max(ft.winch_length_m - 1.0, 1.0)))

    # ---------------------------------------------------------------- exact trip flight
    def _builder(self, trip: _Trip, waits: list[float]) -> tuple[SortieBuilder, list[int]]:
        ft = self.fleet[trip.ftype]
        orders = [self.problem.orders[i] for i in trip.orders]
        hub = self.hub_xy[trip.hub]
        v = self.speed
        paths = [
            self.travel.path(p, q)
            for p, q in zip(
                [hub, *(np.asarray(o.xy_m, dtype=float) for o in orders)],
                [*(np.asarray(o.xy_m, dtype=float) for o in orders), hub],
                strict=True,
            )
        ]
        profiles = [self.cruise_profile(path, trip.hub) for path in paths]
        b = SortieBuilder(
            aircraft=ft.aircraft,
            station_xy=(float(hub[0]), float(hub[1])),
            takeoff_alt_m=float(profiles[0][1][0]),
            payload_kg=float(sum(o.mass_kg for o in orders)),
            headwind_fn=self.travel.headwind_mps,
        )

        def fly_path(profile, kind: LegKind, hold_end: float) -> None:
            """Through every vertex at its altitude (the first is where the drone is)."""
            xy, z = profile
            for j in range(1, len(xy)):
                last = j == len(xy) - 1
                b.goto(
                    xy[j, 0],
                    xy[j, 1],
                    float(z[j]),
                    kind=kind,
                    speed_mps=v,
                    hold_s=hold_end if last else 0.0,
                )

        arrive_wp: list[int] = []
        for k, o in enumerate(orders):
            xy = np.asarray(o.xy_m, dtype=float)
            fly_path(profiles[k], LegKind.TRANSIT, waits[k])
            arrive_wp.append(len(b._wps) - 1)
            # the hover height above the ground at the order, relative to the hub
            line_m = self.drop_alt(ft, o)
            h = line_m + float(self.order_ground[trip.orders[k]] - self.hub_ground[trip.hub])
            winch = o.drop == "winch"
            # descend with the parcel; a winch starts paying out the line on arrival
            b.goto(
                xy[0],
                xy[1],
                h,
                kind=LegKind.WORK,
                speed_mps=DESCENT_SPEED_MPS,
                actions=(Action(ActionKind.WINCH, value=line_m),) if winch else (),
            )
            # hold while the parcel goes down (priced with the parcel), then release it and
            # wind the line back in
            after = (Action(ActionKind.PAYLOAD_RELEASE),)
            if winch:
                after += (Action(ActionKind.WINCH, value=-line_m),)
            b.goto(
                xy[0],
                xy[1],
                h,
                kind=LegKind.WORK,
                speed_mps=DESCENT_SPEED_MPS,
                hold_s=o.service_s,
                actions=after,
            )
            # the parcel is gone: a zero-length step sets the new payload
            b.goto(
                xy[0],
                xy[1],
                h,
                kind=LegKind.WORK,
                speed_mps=DESCENT_SPEED_MPS,
                payload_end_kg=b.payload_now_kg - o.mass_kg,
            )
            b.goto(
                xy[0],
                xy[1],
                float(profiles[k + 1][1][0]),
                kind=LegKind.TRANSIT,
                speed_mps=CLIMB_SPEED_MPS,
            )
        fly_path(profiles[-1], LegKind.RETURN, 0.0)
        b.land(float(hub[0]), float(hub[1]))
        return b, arrive_wp

    def fly(self, trip: _Trip) -> _Trip:
        """Fly a trip exactly from its departure; fills times, sortie and the verdict."""
        ft = self.fleet[trip.ftype]
        hub = self.problem.hubs[trip.hub]
        orders = [self.problem.orders[i] for i in trip.orders]
        tol = self.params.late_tolerance_s
        payload = sum(o.mass_kg for o in orders)
        if payload > ft.payload_kg + 1e-9:
            trip.ok, trip.reason = (
                False,
                (f"payload {payload:.2f} kg above the {ft.name} limit {ft.payload_kg:.2f} kg"),
            )
            return trip
        waits = [0.0] * len(orders)
        b, arrive_wp = self._builder(trip, waits)
        s = b.build(1, station_index=trip.hub, landing_station_index=trip.hub)
        t_leg = np.array([leg.time_s for leg in s.legs])
        t_at = np.concatenate([[0.0], np.cumsum(t_leg)])  # time at each waypoint
        rel_arr = t_at[arrive_wp]
        earliest = np.array([o.earliest_s for o in orders])
        latest = np.array([o.latest_s for o in orders]) + tol
        start_min = max(hub.open_s, self.start_s)
        depart = max(trip.depart_s, start_min)

        def schedule(dep: float) -> tuple[np.ndarray, np.ndarray]:
            arr = np.empty(len(orders))
            wait = np.zeros(len(orders))
            shift = 0.0
            for k in range(len(orders)):
                a = dep + rel_arr[k] + shift
                if a < earliest[k]:
                    wait[k] = earliest[k] - a
                    shift += wait[k]
                    a = earliest[k]
                arr[k] = a
            return arr, wait

        arr, wait = schedule(depart)
        # slip the departure to turn hovering waits into time on the ground
        for _ in range(len(orders)):
            first = np.flatnonzero(wait > 1e-6)
            if len(first) == 0:
                break
            k = first[0]
            room = np.min(latest[: k + 1] - arr[: k + 1]) if k > 0 else np.inf
            room = min(room, latest[k] - arr[k])
            delta = min(wait[k], room if np.isfinite(room) else wait[k])
            if delta <= 1e-6:
                break
            depart += delta
            arr, wait = schedule(depart)
        if np.any(wait > 1e-6):
            b, arrive_wp = self._builder(trip, list(wait))
            s = b.build(1, station_index=trip.hub, landing_station_index=trip.hub)
        ret = depart + s.time_s
        trip.depart_s = float(depart)
        trip.arrivals_s = tuple(float(x) for x in arr)
        trip.return_s = float(ret)
        trip.sortie = s
        trip.late_s = tuple(float(x) for x in np.maximum(arr - (latest - tol), 0.0))
        trip.slack_s = float(max(0.0, min(float(np.min(latest - arr)), hub.close_s - ret)))
        budget = ft.aircraft.mission_energy_wh
        if s.energy_wh > budget + 1e-9:
            trip.ok, trip.reason = (
                False,
                (
                    f"needs {s.energy_wh:.0f} Wh with {payload:.2f} kg on {ft.name} from hub "
                    f"'{hub.id}', the battery allows {budget:.0f} Wh after the reserve"
                ),
            )
        elif np.any(arr > latest + 1e-6):
            k = int(np.argmax(arr - latest))
            trip.ok, trip.reason = (
                False,
                (
                    f"arrives {format_time(arr[k])}, after the window closes "
                    f"({format_time(latest[k])}) from hub '{hub.id}'"
                ),
            )
        elif ret > hub.close_s + 1e-6:
            trip.ok, trip.reason = (
                False,
                (
                    f"returns {format_time(ret)}, after hub '{hub.id}' closes "
                    f"({format_time(hub.close_s)})"
                ),
            )
        else:
            trip.ok, trip.reason = True, ""
        return trip


def _start_s(problem: DeliveryProblem, params: DeliveryParams) -> float:
    if params.start_s is not None:
        return float(params.start_s)
    return float(min(h.open_s for h in problem.hubs))


# ------------------------------------------------------------------------------ screening
def _screen(ctx: _Context) -> tuple[list[int], dict[int, str]]:
    """Orders worth routing, and reasons for the others."""
    problem, params = ctx.problem, ctx.params
    start = ctx.start_s
    reasons: dict[int, str] = {}
    raw, grown = ctx.zone_of(ctx.order_xy) if len(problem.orders) else ([], [])
    max_payload = max(f.payload_kg for f in ctx.fleet)
    tol = params.late_tolerance_s
    if len(problem.orders):
        d = np.linalg.norm(ctx.order_xy[:, None, :] - ctx.hub_xy[None, :, :], axis=2)
        near_h = np.argmin(d, axis=1)
        near_m = d[np.arange(len(d)), near_h]
        far = near_m > FAR_FROM_HUB_M
        if far.all():
            i = int(np.argmin(near_m))
            raise GeometryError(
                f"every order is more than {FAR_FROM_HUB_M / 1000:g} km from every hub (the "
                f"nearest, '{problem.orders[i].id}', is {near_m[i] / 1000:,.0f} km from hub "
                f"'{problem.hubs[near_h[i]].id}'): check the coordinates of the hubs and "
                "orders (latitude/longitude order, CRS)"
            )
    for i, o in enumerate(problem.orders):
        if o.earliest_s > o.latest_s:
            reasons[i] = (
                f"time window reversed: earliest {format_time(o.earliest_s)} is after latest "
                f"{format_time(o.latest_s)}"
            )
        elif o.latest_s + tol < start:
            reasons[i] = (
                f"time window closed: latest {format_time(o.latest_s)} is before the planning "
                f"start {format_time(start)}"
            )
        elif o.mass_kg > max_payload + 1e-9:
            reasons[i] = (
                f"parcel {o.mass_kg:.2f} kg is heavier than any fleet type carries "
                f"(largest payload {max_payload:.2f} kg)"
            )
        elif far[i]:
            reasons[i] = (
                f"{near_m[i] / 1000:,.0f} km from the nearest hub '{problem.hubs[near_h[i]].id}',"
                f" farther than any drone flies: check its coordinates (latitude/longitude "
                f"order, CRS)"
            )
        elif not np.isfinite(ctx.order_ground[i]):
            reasons[i] = "no ground elevation at the drop point (outside the DEM or nodata)"
        elif raw[i] >= 0:
            reasons[i] = f"drop point inside no-fly zone '{ctx.zones[raw[i]].id}'"
        elif grown[i] >= 0:
            reasons[i] = (
                f"drop point within the {params.clearance_m:g} m clearance of no-fly zone "
                f"'{ctx.zones[grown[i]].id}'"
            )
    # hubs: an error, they are the operator's own sites
    hraw, hgrown = ctx.zone_of(ctx.hub_xy)
    for h, hub in enumerate(problem.hubs):
        if hraw[h] >= 0:
            raise GeometryError(f"hub '{hub.id}' is inside no-fly zone '{ctx.zones[hraw[h]].id}'")
        if hgrown[h] >= 0:
            raise GeometryError(
                f"hub '{hub.id}' is within the {params.clearance_m:g} m clearance of no-fly "
                f"zone '{ctx.zones[hgrown[h]].id}'"
            )
    keep = [i for i in range(len(problem.orders)) if i not in reasons]
    return keep, reasons


TERRAIN_STEP_M = 10.0
"""Spacing of the DEM samples under a cruise leg. [m]"""

TERRAIN_PIECE_M = 100.0
"""Longest straight piece of a cruise leg over terrain: the drone follows the ground's rise
and fall piece by piece. [m]"""

FAR_FROM_HUB_M = 200_000.0
"""An order farther than this from every hub is taken for a coordinate mistake: no
multirotor delivery drone flies a 400 km round trip on one battery. [m]"""

OVERFLY_MARGIN_M = 10.0
"""Vertical distance kept above a no-fly zone's ceiling to fly over it at cruise. [m]"""


# ------------------------------------------------------------------------------ proxies
_LOAD_SHARES = (1.0, 0.5)
"""Load classes of a fleet type, as shares of its payload: a trip carrying at most half the
payload gets the (larger) energy budget computed at half the payload."""


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
    ctx: _Context, ft: FleetType, orders: list[Order], payload_kg: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per order: (time [s], energy [Wh]) of descent, hold and climb carrying
    ``payload_kg``."""
    alt = ctx.params.cruise_alt_m
    h = np.array([ctx.drop_alt(ft, o) for o in orders])
    hold = np.array([o.service_s for o in orders])
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


# ------------------------------------------------------------------------------ planner
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
    ctx = _Context(problem, params)
    start_s = ctx.start_s
    keep, reasons = _screen(ctx)
    H = len(problem.hubs)
    orders = [problem.orders[i] for i in keep]
    n = len(orders)

    t_mat = time.perf_counter()
    xy = np.vstack([ctx.hub_xy, ctx.order_xy[keep]]) if n else ctx.hub_xy
    tt = ctx.travel.time_matrix_s(xy)
    matrix_time = time.perf_counter() - t_mat

    # --- proxies per load class: (fleet type, largest load of the class)
    fleet = ctx.fleet
    alt = params.cruise_alt_m
    specs = _load_classes(fleet)
    p_fwd = np.array([float(fleet[k].aircraft.forward_power_w(cap, ctx.speed)) for k, cap in specs])
    budget_s = np.array(
        [
            (fleet[k].aircraft.mission_energy_wh - _fixed_energy_wh(fleet[k], alt, cap))
            * 3600.0
            / p_fwd[s]
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
    ctx.hover_ratio = hover_ratio
    stop_eq_s = stop_eq_s + corner_s * hover_ratio
    stop_time_edge = corner_s
    stop_time = np.max(stop_t, axis=0) if n else np.zeros(0)
    mass = np.array([o.mass_kg for o in orders])

    # --- reachability by the proxy (single out-and-back trip), per hub and type
    tt[~np.isfinite(tt)] = 1e9  # no path: far beyond any battery (in place, n² floats)
    tt_safe = tt
    out_back = (
        tt_safe[:H, H:] + tt_safe[H:, :H].T + stop_eq_s[None, :] + corner_s * hover_ratio
    )  # (H, n)
    dur_back = tt_safe[:H, H:] + tt_safe[H:, :H].T + stop_time[None, :] + 2 * stop_time_edge
    opens = np.array([max(h.open_s, start_s) for h in problem.hubs])
    closes = np.array([h.close_s for h in problem.hubs])
    earliest = np.array([max(o.earliest_s, start_s) for o in orders])
    latest = np.array([o.latest_s + params.late_tolerance_s for o in orders])
    arrive_first = opens[:, None] + tt_safe[:H, H:]
    time_ok = (arrive_first <= latest[None, :]) & (
        np.maximum(arrive_first, earliest[None, :]) + dur_back - tt_safe[:H, H:] <= closes[:, None]
    )
    counts = np.array([[f.count_at(h) for f in fleet] for h in problem.hubs])  # (H, K)
    can = np.zeros((H, len(specs), n), dtype=bool)
    for s, (k, cap) in enumerate(specs):
        can[:, s, :] = (
            (out_back <= budget_s[s])
            & time_ok
            & (mass[None, :] <= cap + 1e-9)
            & (counts[:, k, None] > 0)
        )
    routable = can.any(axis=(0, 1))

    warnings: list[str] = []
    trips: list[_Trip] = []
    solve_time = 0.0
    if routable.any():
        data, vt_of, client_of = _pyvrp_data(
            ctx,
            tt_safe,
            stop_eq_s,
            stop_time,
            specs,
            budget_s,
            p_fwd,
            orders,
            keep,
            routable,
            counts,
        )
        t_solve = time.perf_counter()
        with warnings_mod.catch_warnings(record=True) as caught:
            warnings_mod.simplefilter("always")
            # penalties must be able to outweigh an order's prize, or the search drifts
            # among infeasible solutions that serve more orders
            penalty = PenaltyParams(
                max_penalty=10.0 * max(params.weights.unserved, 1.0) * _COST_SCALE
            )
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
        for msg in dict.fromkeys(" ".join(str(c.message).split()) for c in caught):
            warnings.append(f"PyVRP: {msg}")
        solve_time = time.perf_counter() - t_solve
        for route in res.best.routes():
            h, k = vt_of[route.vehicle_type()]
            visits = [a for a in route.schedule() if a.is_client()]
            seq = tuple(keep[client_of[a.idx]] for a in visits)
            if seq:
                trips.append(_Trip(h, k, seq, float(route.start_time())))

    # --- orders kept from PyVRP by the conservative budget: try an exact single trip
    for j, i in enumerate(keep):
        if routable[j]:
            continue
        trip = _best_single(ctx, i, j, tt_safe, H, counts)
        if trip is not None and trip.ok:
            trips.append(trip)
        else:
            reasons[i] = (
                trip.reason if trip is not None else _why_unreachable(ctx, i, j, tt_safe, H, counts)
            )

    # --- exact check and repair
    checked: list[_Trip] = []
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
            j = keep.index(i)
            alt_trip = _best_single(ctx, i, j, tt_safe, H, counts)
            if alt_trip is not None and alt_trip.ok:
                checked.append(alt_trip)
            else:
                reasons[i] = trip.reason
            continue
        mid = len(trip.orders) // 2
        dep = trip.depart_s
        stack.append(_Trip(trip.hub, trip.ftype, trip.orders[:mid], dep))
        stack.append(_Trip(trip.hub, trip.ftype, trip.orders[mid:], dep))
    flown = {o for t in checked for o in t.orders}
    for j, i in enumerate(keep):
        if routable[j] and i not in flown and i not in reasons:
            reasons[i] = (
                "no trip found in its window within the search time (all hubs and fleet "
                "types considered)"
            )

    # --- drones
    scheduled, _, no_drone = _assign_drones(ctx, checked, counts)
    for t in no_drone:
        hub = problem.hubs[t.hub]
        for i in t.orders:
            reasons[i] = (
                f"no {fleet[t.ftype].name} drone free at hub '{hub.id}' for a trip at "
                f"{format_time(t.depart_s)} (all {counts[t.hub, t.ftype]} busy)"
            )
    # repair: fly those orders alone, from any near hub, in a gap of some drone's day
    for t in no_drone:
        for i in t.orders:
            placed = _place_single(ctx, i, keep.index(i), tt_safe, H, counts, scheduled)
            if placed is not None:
                scheduled.append(placed)
                reasons.pop(i, None)
    scheduled.sort(key=lambda x: (x[0], x[1].depart_s))
    mission, reports = _mission(ctx, scheduled)
    unserved = tuple(Unserved(problem.orders[i].id, reasons[i]) for i in sorted(reasons))
    return DeliveryResult(
        mission=mission,
        trips=reports,
        unserved=unserved,
        order_count=len(problem.orders),
        drones_used=len({name for name, _ in scheduled}),
        drones_available=int(counts.sum()),
        solve_time_s=solve_time,
        runtime_s=time.perf_counter() - t0,
        matrix_time_s=matrix_time,
        repaired_trips=repaired,
        warnings=tuple(warnings),
        weights=params.weights,
    )


LATE_TIERS = 3
"""Lateness tiers offered to PyVRP per order with a priced late tolerance. [-]"""


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


def _pyvrp_data(
    ctx, tt, stop_eq_s, stop_time, specs, budget_s, p_fwd, orders, keep, routable, counts
):
    problem, params = ctx.problem, ctx.params
    H = len(problem.hubs)
    idx = np.concatenate([np.arange(H), H + np.flatnonzero(routable)])
    t = tt if len(idx) == len(tt) else tt[np.ix_(idx, idx)]
    n_c = len(idx) - H
    corner_s = ctx.speed / WAYPOINT_ACCEL_MPS2  # hover lost starting and stopping an edge
    corner_eq = corner_s * ctx.hover_ratio
    stop_eq = np.concatenate([np.full(H, corner_eq), stop_eq_s[routable]])
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
        buf += vert_s * ctx.hover_ratio
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
    locations = [
        pyvrp.Location(float(x), float(y))
        for x, y in np.vstack([ctx.hub_xy, ctx.order_xy[keep]])[idx]
    ]
    start = ctx.start_s
    w = params.weights
    depots = [
        pyvrp.Depot(
            h,
            tw_early=math.ceil(max(hub.open_s, start)),
            tw_late=int(hub.close_s),
            name=hub.id,
        )
        for h, hub in enumerate(problem.hubs)
    ]
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
                    service_duration=math.ceil(stop_time[j]),
                    tw_early=math.floor(max(o.earliest_s, start)),
                    tw_late=math.floor(late),
                    required=False,
                    prize=round(max(w.unserved - cost, 0.0) * _COST_SCALE),
                    group=len(groups) - 1 if tiers else None,
                    name=o.id,
                )
            )
            client_of.append(int(j))
    vtypes = []
    vt_of: list[tuple[int, int]] = []
    min_trip = 2 * np.min(t[:H, H:], axis=1) + (np.min(stop_time[routable]) if n_c else 0)
    for h, hub in enumerate(problem.hubs):
        for s, (k, cap) in enumerate(specs):
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
            climb_kwh = _fixed_energy_wh(f, params.cruise_alt_m, cap) / 1000.0
            per_trip = w.trip + w.drone * hub.swap_time_s / day_s + w.energy_kwh * climb_kwh
            per_s = w.flight_hour / 3600.0 + w.drone / day_s
            n_av = max(1, min(n_c, trips_max))
            e_unit_kwh = p_fwd[s] * _PROXY_UNIT_S / 3.6e6
            vtypes.append(
                pyvrp.VehicleType(
                    num_available=n_av,
                    capacity=[math.floor(cap * 1000 + 1e-6)],
                    start_depot=h,
                    end_depot=h,
                    fixed_cost=round(per_trip * _COST_SCALE),
                    tw_early=math.ceil(max(hub.open_s, start)),
                    tw_late=int(hub.close_s),
                    max_distance=math.floor(budget_s[s] / _PROXY_UNIT_S),
                    unit_distance_cost=round(w.energy_kwh * e_unit_kwh * _COST_SCALE),
                    unit_duration_cost=round(per_s * _COST_SCALE),
                    name=f"{hub.id}/{f.name}/{cap:.2f}kg",
                )
            )
            vt_of.append((h, k))
    data = pyvrp.ProblemData(locations, clients, depots, vtypes, [dist], [dur], groups)
    return data, vt_of, np.asarray(client_of, dtype=int)


def _best_single(ctx: _Context, i: int, j: int, tt, H: int, counts) -> _Trip | None:
    """The exact single-order trip from the nearest hubs that flies, if any."""
    o = ctx.problem.orders[i]
    order_h = np.argsort(tt[:H, H + j] + tt[H + j, :H])
    last: _Trip | None = None
    for h in order_h[:3]:
        for k, f in enumerate(ctx.fleet):
            if counts[h, k] <= 0 or o.mass_kg > f.payload_kg + 1e-9:
                continue
            hub = ctx.problem.hubs[h]
            dep = max(hub.open_s, ctx.start_s, o.earliest_s - tt[h, H + j])
            trip = ctx.fly(_Trip(int(h), k, (i,), float(dep)))
            if trip.ok:
                return trip
            last = trip
    return last


def _why_unreachable(ctx, i, j, tt, H, counts) -> str:
    o = ctx.problem.orders[i]
    return f"none of the three nearest hubs has a drone that carries {o.mass_kg:.2f} kg"


def _assign_drones(ctx: _Context, trips: list[_Trip], counts):
    """Assign trips to drones pool by pool (hub and type), keeping for each pool the best of
    four greedy schedules: fewer trips left without a drone, then fewer drones.

    Returns ``(scheduled, None, no_drone)`` with ``scheduled`` a list of (drone name, trip).
    """
    by_pool: dict[tuple[int, int], list[_Trip]] = {}
    for t in trips:
        by_pool.setdefault((t.hub, t.ftype), []).append(t)
    scheduled: list[tuple[str, _Trip]] = []
    no_drone: list[_Trip] = []
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
    return scheduled, None, no_drone


def _schedule_pool(ctx: _Context, h: int, k: int, pool: list[_Trip], count: int, mode: str):
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
    out: list[tuple[int, _Trip]] = []
    no_drone: list[_Trip] = []
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
                t2 = ctx.fly(_Trip(t.hub, t.ftype, t.orders, ready[d]))
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
            t2 = ctx.fly(_Trip(t.hub, t.ftype, t.orders, ready[d]))
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


def _schedule_fixed(ctx: _Context, pool: list[_Trip], count: int, swap: float):
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
        plan: list[tuple[int, _Trip, float]] = []
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
                    t2 = ctx.fly(_Trip(t.hub, t.ftype, t.orders, start))
                    late_return = t2.return_s > start + (t.return_s - t.depart_s) + 1e-6
                    if not t2.ok or t2.depart_s < start - 1e-6 or late_return:
                        break
                    t = t2
                out.append((d, t))
            else:
                return out, []
    return [], list(pool)  # no drone count fits: let the other passes decide


def _place_single(ctx: _Context, i: int, j: int, tt, H: int, counts, scheduled):
    """(drone name, trip) flying order ``i`` alone in a free gap of a drone (existing or
    spare) of one of the three nearest hubs, or None."""
    problem = ctx.problem
    o = problem.orders[i]
    for h in np.argsort(tt[:H, H + j] + tt[H + j, :H])[:3]:
        hub = problem.hubs[h]
        for k, f in enumerate(ctx.fleet):
            if counts[h, k] <= 0 or o.mass_kg > f.payload_kg + 1e-9:
                continue
            prefix = f"{hub.id}/{f.name}#"
            days: dict[str, list[_Trip]] = {}
            for name, t in scheduled:
                if name.startswith(prefix):
                    days.setdefault(name, []).append(t)
            for d in range(1, int(counts[h, k]) + 1):
                days.setdefault(f"{prefix}{d}", [])
            dep0 = max(hub.open_s, ctx.start_s, o.earliest_s - tt[h, H + j])
            first = ctx.fly(_Trip(int(h), k, (i,), float(dep0)))
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
                        else ctx.fly(_Trip(int(h), k, (i,), float(dep)))
                    )
                    if trip.ok and trip.depart_s >= g0 - 1e-6 and trip.return_s <= g1 + 1e-6:
                        return name, trip
    return None


def _mission(ctx: _Context, scheduled) -> tuple[Mission, tuple[TripReport, ...]]:
    problem = ctx.problem
    sorties = []
    reports = []
    for n_, (name, t) in enumerate(scheduled, start=1):
        s = replace(t.sortie, index=n_)
        sorties.append(s)
        ft = ctx.fleet[t.ftype]
        reports.append(
            TripReport(
                sortie=n_,
                drone=name,
                hub=problem.hubs[t.hub].id,
                aircraft=ft.name,
                orders=tuple(problem.orders[i].id for i in t.orders),
                depart_s=t.depart_s,
                arrivals_s=t.arrivals_s,
                return_s=t.return_s,
                payload_kg=float(sum(problem.orders[i].mass_kg for i in t.orders)),
                distance_m=s.distance_m,
                energy_wh=s.energy_wh,
                battery_frac=s.energy_wh / ft.aircraft.usable_energy_wh,
                late_s=t.late_s,
            )
        )
    a0: Aircraft = ctx.fleet[0].aircraft
    features = list(problem.features)
    if not features:
        features = [Feature("no_fly", z.polygon, {"id": z.id}) for z in problem.no_fly]
    from airwork.geo.frame import LocalFrame

    frame = problem.frame or LocalFrame.for_lonlat(0.0, 0.0)
    mission = Mission(
        name=problem.name,
        frame=frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=tuple(sorties),
        aircraft_name=", ".join(f.name for f in ctx.fleet),
        usable_energy_wh=a0.usable_energy_wh,
        reserve_frac=a0.reserve_frac,
        stations=tuple((float(x), float(y)) for x, y in ctx.hub_xy),
        features=tuple(features),
        kind="delivery",
        cruise_speed_mps=ctx.speed,
        vehicle=a0.airframe.vehicle,
    )
    return mission, tuple(reports)


# ------------------------------------------------------------------------------ baseline
def baseline_plan(problem: DeliveryProblem, params: DeliveryParams | None = None) -> dict[str, Any]:
    """The simple reference: every order flown alone from its nearest hub (by flight time)
    with the first fleet type that carries it, drones unlimited.

    Returns figures: ``served`` (and ``served_ids``), ``trips``, ``drones``,
    ``distance_km``, ``energy_wh``.
    """
    params = params or DeliveryParams()
    ctx = _Context(problem, params)
    keep, _ = _screen(ctx)
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
            trip = ctx.fly(_Trip(h, k, (i,), float(dep)))
            if trip.ok:
                trips.append(trip)
                break
    unlimited = np.full((H, len(ctx.fleet)), 10**6)
    scheduled, _names, _ = _assign_drones(ctx, trips, unlimited)
    return {
        "served": len(trips),
        "served_ids": sorted(problem.orders[t.orders[0]].id for t in trips),
        "trips": len(trips),
        "drones": len({n for n, _ in scheduled}),
        "distance_km": float(sum(t.sortie.distance_m for t in trips) / 1000.0),
        "energy_wh": float(sum(t.sortie.energy_wh for t in trips)),
    }
