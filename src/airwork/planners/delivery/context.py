"""The flight context of a delivery day and the exact flight of one trip.

:class:`FlightContext` holds what every trip needs (the fleet with its reserve, the common
airspeed, the zones met at cruise and on the way down, the travel model in the wind, the
ground under hubs and orders) and flies a :class:`Trip` exactly with
:class:`~airwork.mission.build.SortieBuilder`: leg by leg along the real avoiding paths,
the mass falling at each drop, hovering where it must wait for a window, against payload,
battery with reserve, windows and the hub's hours (:meth:`FlightContext.fly`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import shapely

from airwork.errors import AircraftError, GeometryError
from airwork.flight.conditions import Conditions
from airwork.flight.kinematics import CLIMB_SPEED_MPS
from airwork.mission.build import SortieBuilder
from airwork.mission.model import LegKind, Sortie
from airwork.planners.delivery.drop import drop_holds, fly_drop
from airwork.planners.delivery.params import DeliveryParams
from airwork.planners.delivery.problem import DeliveryProblem, FleetType, Order, format_time
from airwork.planners.delivery.travel import TravelModel, ground_speed_mps, wind_vector_mps
from airwork.site.terrain import ground_under_pieces
from airwork.site.wind import Wind

__all__ = [
    "LAND_DROP_ALT_M",
    "OVERFLY_MARGIN_M",
    "TERRAIN_PIECE_M",
    "TERRAIN_STEP_M",
    "FlightContext",
    "Trip",
]

LAND_DROP_ALT_M = 1.0
"""Height of a 'land' drop: the drone descends to it and releases. [m]"""

TERRAIN_STEP_M = 10.0
"""Spacing of the DEM samples under a cruise leg. [m]"""

TERRAIN_PIECE_M = 100.0
"""Longest straight piece of a cruise leg over terrain: the drone follows the ground's rise
and fall piece by piece. [m]"""

OVERFLY_MARGIN_M = 10.0
"""Vertical distance kept above a no-fly zone's ceiling to fly over it at cruise. [m]"""


@dataclass
class Trip:
    """One trip (one battery, one load) of a hub's fleet type: its orders in the order
    flown, and once flown (:meth:`FlightContext.fly`) its schedule, sortie and verdict.

    ``hub``, ``ftype`` and ``orders`` index ``problem.hubs``, the context's ``fleet`` and
    ``problem.orders``; times are seconds of the day; ``slack_s`` is how much later the
    trip could depart and still meet every window and the hub's closing. [s]
    """

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


class FlightContext:
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
        zones = [z for z in problem.no_fly if z.reaches_down_to(params.cruise_alt_m)]
        self.zones = zones
        self._grown = [z.geometry.buffer(params.clearance_m) for z in zones]
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
            raw[(raw < 0) & shapely.intersects(z.geometry, pts)] = i
            grown[(grown < 0) & shapely.intersects(g.buffer(-0.01), pts)] = i
        return raw, grown

    def drop_alt(self, ft: FleetType, order: Order) -> float:
        """Hover height of a drop above the ground at the order. [m]"""
        if order.drop == "land":
            return LAND_DROP_ALT_M
        return float(min(self.params.winch_alt_m, max(ft.winch_length_m - 1.0, 1.0)))

    # ---------------------------------------------------------------- exact trip flight
    def conditions(self, ft) -> Conditions:
        """The flight model of a fleet type in the day's wind."""
        p = self.params
        return Conditions(ft.aircraft, wind=Wind(p.wind_speed_mps, p.wind_from_deg))

    def _builder(self, trip: Trip, waits: list[float]) -> tuple[SortieBuilder, list[int]]:
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
            conditions=self.conditions(ft),
        )

        def fly_path(profile, kind: LegKind, hold_end: float) -> None:
            """Through every vertex at its altitude (the first is where the drone is)."""
            xy, z = profile
            d = np.diff(xy, axis=0)
            # the ground speed that holds the cruise airspeed along each leg (wind triangle)
            g = ground_speed_mps(v, self.travel.wind_xy_mps, d[:, 0], d[:, 1])
            for j in range(1, len(xy)):
                last = j == len(xy) - 1
                b.goto(
                    xy[j, 0],
                    xy[j, 1],
                    float(z[j]),
                    kind=kind,
                    speed_mps=float(g[j - 1]) if np.hypot(*d[j - 1]) > 0 else v,
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
            holds = drop_holds(ft, o, line_m, self.params)
            fly_drop(b, o, xy, h, line_m, holds)
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

    def fly(self, trip: Trip) -> Trip:
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
