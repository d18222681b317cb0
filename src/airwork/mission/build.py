"""Build priced sorties from paths: shared by every planner.

A planner describes a sortie as waypoints and, for every leg, its kind, speed, payload at
start and end, and whether the payload system works; :class:`SortieBuilder` prices all legs
in one vectorised call to the aircraft model and returns an immutable :class:`Sortie`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from airwork.aircraft.model import Aircraft
from airwork.mission.model import Action, Leg, LegKind, Sortie, Waypoint

__all__ = ["CLIMB_SPEED_MPS", "DESCENT_SPEED_MPS", "SortieBuilder"]

CLIMB_SPEED_MPS = 2.5
"""Default vertical speed of take-off and climbs. [m/s]"""

DESCENT_SPEED_MPS = 1.5
"""Default vertical speed of landing and descents. [m/s]"""


@dataclass
class SortieBuilder:
    """Accumulates a sortie's path, then prices it with the aircraft model.

    Parameters
    ----------
    aircraft : Aircraft
    station_xy : tuple of float
        Take-off point in the local frame. [m]
    takeoff_alt_m : float
        Altitude reached by the vertical take-off. [m]
    payload_kg : float
        Payload at take-off. [kg]
    climb_speed_mps, descent_speed_mps : float
        Vertical speeds of take-off and landing. [m/s]
    headwind_fn : callable or None
        ``headwind_fn(dx, dy) -> headwind [m/s]`` for leg directions (arrays); None = calm.
    """

    aircraft: Aircraft
    station_xy: tuple[float, float]
    takeoff_alt_m: float
    payload_kg: float
    climb_speed_mps: float = CLIMB_SPEED_MPS
    descent_speed_mps: float = DESCENT_SPEED_MPS
    headwind_fn: object = None
    _wps: list[Waypoint] = field(default_factory=list)
    _legs: list[tuple[LegKind, float, float, float, bool, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
        x, y = self.station_xy
        self._wps.append(Waypoint(float(x), float(y), 0.0))
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

    def land(self, x_m: float, y_m: float) -> None:
        """Vertical landing at a point (the last waypoint must be above it)."""
        self._legs.append(
            (LegKind.LANDING, self.descent_speed_mps, self._payload, self._payload, False, False)
        )
        self._wps.append(Waypoint(float(x_m), float(y_m), 0.0))

    def build(
        self, index: int, *, station_index: int = 0, landing_station_index: int = 0
    ) -> Sortie:
        """Price every leg with the aircraft model and return the Sortie."""
        xyz = np.array([(w.x_m, w.y_m, w.alt_m) for w in self._wps], dtype=float)
        d = np.diff(xyz, axis=0)
        horiz = np.hypot(d[:, 0], d[:, 1])
        climb = d[:, 2]
        kinds = [leg[0] for leg in self._legs]
        speed = np.array([leg[1] for leg in self._legs])
        p0 = np.array([leg[2] for leg in self._legs])
        p1 = np.array([leg[3] for leg in self._legs])
        working = np.array([leg[4] or leg[5] for leg in self._legs])
        vertical = np.array([k in (LegKind.TAKEOFF, LegKind.LANDING) for k in kinds])
        hold = np.array([w.hold_s for w in self._wps[1:]])
        headwind = np.zeros_like(horiz)
        if self.headwind_fn is not None:
            headwind = np.where(horiz > 0, self.headwind_fn(d[:, 0], d[:, 1]), 0.0)
        vs = np.where(
            vertical, speed, np.where(climb > 0, self.climb_speed_mps, self.descent_speed_mps)
        )
        horiz_speed = np.where(vertical, 1.0, speed)
        # A sloped leg (climb and distance together) is priced as a level leg plus a
        # vertical one: conservative, and exact for the vertical take-off and landing.
        perf = self.aircraft.leg_performance(
            horiz,
            horiz_speed,
            0.5 * (p0 + p1),
            climb_m=climb,
            vertical_speed_mps=vs,
            headwind_mps=headwind,
            working=working,
            hold_s=hold,
        )
        usable = self.aircraft.usable_energy_wh
        legs = tuple(
            Leg(
                kind=kinds[i],
                speed_mps=float(speed[i]),
                payload_kg=float(p0[i]),
                payload_end_kg=float(p1[i]),
                spraying=bool(self._legs[i][4]),
                camera=bool(self._legs[i][5]),
                distance_m=float(horiz[i]),
                climb_m=float(climb[i]),
                time_s=float(perf.time_s[i]),
                energy_wh=float(perf.energy_wh[i]),
                battery_frac=float(perf.energy_wh[i] / usable),
            )
            for i in range(len(kinds))
        )
        return Sortie(
            index=index,
            waypoints=tuple(self._wps),
            legs=legs,
            station_index=station_index,
            landing_station_index=landing_station_index,
        )
