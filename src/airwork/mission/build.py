"""Build priced sorties from paths: shared by every planner.

A planner describes a sortie as waypoints and, for every leg, its kind, speed, payload at
start and end, and whether the payload system works; :class:`SortieBuilder` prices all legs
in one vectorised call to the aircraft model and returns an immutable :class:`Sortie`.

Legs are flown at their commanded speed, but an autopilot slows down for corners and
stops before climbs, descents and holds: the time that costs is added to each leg (priced
at hover power) by :func:`leg_speed_losses_s`, so that a boustrophedon's hundreds of line-end
turns are not flown for free.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np

from airwork.aircraft.model import Aircraft
from airwork.flight.conditions import Conditions
from airwork.flight.kinematics import (
    CLIMB_SPEED_MPS,
    DESCENT_SPEED_MPS,
    WAYPOINT_ACCEL_MPS2,
)
from airwork.mission.model import Action, Leg, LegKind, Sortie, Waypoint

__all__ = ["SortieBuilder", "shift_altitudes"]


@dataclass
class SortieBuilder:
    """Accumulates a sortie's path, then prices it with the flight model.

    Parameters
    ----------
    aircraft : Aircraft
        The aircraft (that of ``conditions`` when those are given).
    station_xy : tuple of float
        Take-off point in the local frame. [m]
    takeoff_alt_m : float
        Altitude reached by the vertical take-off. [m]
    payload_kg : float
        Payload at take-off. [kg]
    climb_speed_mps, descent_speed_mps : float
        Vertical speeds of take-off and landing. [m/s]
    accel_mps2 : float
        Horizontal acceleration for corner and stop losses with a bare Aircraft. [m/s²]
    ground_alt_m : float
        Altitude of the take-off ground in the builder's reference (0 when altitudes are
        above the take-off point). [m]
    conditions : Conditions or None
        The flight model (:class:`~airwork.flight.conditions.Conditions`: aircraft, wind,
        speeds and acceleration).  None: calm air with the builder's ``climb_speed_mps``,
        ``descent_speed_mps`` and ``accel_mps2``.
    """

    aircraft: Aircraft
    station_xy: tuple[float, float]
    takeoff_alt_m: float
    payload_kg: float
    climb_speed_mps: float = CLIMB_SPEED_MPS
    descent_speed_mps: float = DESCENT_SPEED_MPS
    accel_mps2: float = WAYPOINT_ACCEL_MPS2
    ground_alt_m: float = 0.0
    conditions: Conditions | None = None
    _wps: list[Waypoint] = field(default_factory=list)
    _legs: list[tuple[LegKind, float, float, float, bool, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        if self.conditions is None:
            self.conditions = Conditions(
                self.aircraft,
                accel_mps2=self.accel_mps2,
                climb_speed_mps=self.climb_speed_mps,
                descent_speed_mps=self.descent_speed_mps,
            )
        else:
            self.aircraft = self.conditions.aircraft
            self.climb_speed_mps = self.conditions.climb_speed_mps
            self.descent_speed_mps = self.conditions.descent_speed_mps
        x, y = self.station_xy
        self._wps.append(Waypoint(float(x), float(y), float(self.ground_alt_m)))
        self._legs.append(
            (LegKind.TAKEOFF, self.climb_speed_mps, self.payload_kg, self.payload_kg, False, False)
        )
        self._wps.append(Waypoint(float(x), float(y), float(self.takeoff_alt_m)))
        self._payload = float(self.payload_kg)

    @property
    def payload_now_kg(self) -> float:
        return self._payload

    @property
    def last(self) -> Waypoint:
        return self._wps[-1]

    def add_actions(self, *actions: Action) -> None:
        """Append actions to the last waypoint (run on arrival there)."""
        w = self._wps[-1]
        self._wps[-1] = Waypoint(w.x_m, w.y_m, w.alt_m, w.hold_s, w.actions + tuple(actions))

    def goto(
        self,
        x_m: float,
        y_m: float,
        alt_m: float,
        *,
        kind: LegKind,
        speed_mps: float,
        payload_end_kg: float | None = None,
        spraying: bool = False,
        camera: bool = False,
        hold_s: float = 0.0,
        actions: tuple[Action, ...] = (),
    ) -> None:
        """Fly to a point; payload falls linearly to ``payload_end_kg`` along the leg."""
        end = self._payload if payload_end_kg is None else max(float(payload_end_kg), 0.0)
        self._legs.append((kind, float(speed_mps), self._payload, end, spraying, camera))
        self._wps.append(Waypoint(float(x_m), float(y_m), float(alt_m), float(hold_s), actions))
        self._payload = end

    def goto_many(self, xy_m: np.ndarray, alt_m: float, **kw) -> None:
        """Fly through several points with the same leg attributes (no payload change)."""
        for x, y in np.asarray(xy_m, dtype=float):
            self.goto(x, y, alt_m, **kw)

    def land(self, x_m: float, y_m: float, ground_alt_m: float = 0.0) -> None:
        """Vertical landing at a point (the last waypoint must be above it), on ground at
        ``ground_alt_m`` in the builder's reference. [m]"""
        self._legs.append(
            (LegKind.LANDING, self.descent_speed_mps, self._payload, self._payload, False, False)
        )
        self._wps.append(Waypoint(float(x_m), float(y_m), float(ground_alt_m)))

    def _prices(self) -> tuple[np.ndarray, np.ndarray]:
        """Time [s] and energy [Wh] of every leg."""
        xyz = np.array([(w.x_m, w.y_m, w.alt_m) for w in self._wps], dtype=float)
        speed = np.array([leg[1] for leg in self._legs])
        p0 = np.array([leg[2] for leg in self._legs])
        p1 = np.array([leg[3] for leg in self._legs])
        working = np.array([leg[4] or leg[5] for leg in self._legs])
        vertical = np.array([leg[0] in (LegKind.TAKEOFF, LegKind.LANDING) for leg in self._legs])
        hold = np.array([w.hold_s for w in self._wps[1:]])
        agl = 0.5 * (xyz[:-1, 2] + xyz[1:, 2]) - self.ground_alt_m
        prices = self.conditions.price_legs(
            xyz,
            speed,
            0.5 * (p0 + p1),
            vertical=vertical,
            working=working,
            hold_s=hold,
            agl_m=np.maximum(agl, 0.0),
        )
        return prices.time_s, prices.energy_wh

    def build(
        self, index: int, *, station_index: int = 0, landing_station_index: int = 0
    ) -> Sortie:
        """Price every leg with the flight model and return the Sortie."""
        xyz = np.array([(w.x_m, w.y_m, w.alt_m) for w in self._wps], dtype=float)
        d = np.diff(xyz, axis=0)
        horiz = np.hypot(d[:, 0], d[:, 1])
        time_s, energy_wh = self._prices()
        usable = self.aircraft.usable_energy_wh
        legs = tuple(
            Leg(
                kind=kind,
                speed_mps=float(speed),
                payload_kg=float(p0),
                payload_end_kg=float(p1),
                spraying=bool(spraying),
                camera=bool(camera),
                distance_m=float(horiz[i]),
                climb_m=float(d[i, 2]),
                time_s=float(time_s[i]),
                energy_wh=float(energy_wh[i]),
                battery_frac=float(energy_wh[i] / usable),
            )
            for i, (kind, speed, p0, p1, spraying, camera) in enumerate(self._legs)
        )
        return Sortie(
            index=index,
            waypoints=tuple(self._wps),
            legs=legs,
            station_index=station_index,
            landing_station_index=landing_station_index,
        )


def shift_altitudes(sortie: Sortie, dz_m: float) -> Sortie:
    """The sortie with every waypoint altitude, and every camera target's altitude, moved
    by ``dz_m`` (e.g. from a job datum to above the sortie's take-off point).  Legs keep
    their prices: they depend on altitude differences only. [m]"""
    if dz_m == 0.0:
        return sortie

    def act(a: Action) -> Action:
        if a.target_m is None:
            return a
        x, y, z = a.target_m
        return replace(a, target_m=(x, y, z + dz_m))

    wps = tuple(
        replace(w, alt_m=w.alt_m + dz_m, actions=tuple(act(a) for a in w.actions))
        for w in sortie.waypoints
    )
    return replace(sortie, waypoints=wps)
