r"""The one flight model: an aircraft flying in a job's conditions.

:class:`Conditions` holds the aircraft, the wind, the air and the autopilot's speed and
acceleration limits, and prices legs: a vector form (:meth:`Conditions.price_legs`) for
sortie builders, searches and the check, and a scalar one (:meth:`Conditions.price_leg`).
Every planner and the check price through it, so a leg costs the same wherever it is
priced.

Wind: one definition, the wind triangle.  An autopilot in waypoint navigation holds its
*ground* speed :math:`v` along the track :math:`\hat u` (ArduPilot Copter's ``WPNAV_SPEED``
is a horizontal ground speed), so the aircraft flies the air velocity
:math:`\vec a = v\hat u - \vec w` for a wind velocity :math:`\vec w` (where the air moves
to) and its airspeed is :math:`|\vec a|`.  When an airspeed :math:`V` is held instead, the
ground speed is :math:`g = \vec w\cdot\hat u + \sqrt{V^2 - (\vec w\times\hat u)^2}`
(e.g. Anderson, *Introduction to Flight*, 7th ed., 2012, §6.2; the classic navigation
triangle).  Either way the *headwind* handed to the aircraft model is airspeed less ground
speed, :math:`V - g`, which is positive into the wind and grows with a crosswind.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np

from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError
from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS, WAYPOINT_ACCEL_MPS2
from airwork.flight.scurve import ARDUCOPTER, WaypointNav, leg_extra_s
from airwork.site.terrain import Terrain
from airwork.site.wind import Wind

__all__ = [
    "Conditions",
    "LegPrices",
    "airspeed_for_ground_speed_mps",
    "ground_speed_for_airspeed_mps",
    "unit_vectors",
]


def unit_vectors(dx, dy) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Unit vectors of directions (dx, dy) and their lengths; zero vectors give (0, 0)."""
    dx = np.asarray(dx, dtype=float)
    dy = np.asarray(dy, dtype=float)
    n = np.hypot(dx, dy)
    safe = np.where(n > 0, n, 1.0)
    return np.where(n > 0, dx / safe, 0.0), np.where(n > 0, dy / safe, 0.0), n


def airspeed_for_ground_speed_mps(ux, uy, ground_speed_mps, wind_x_mps, wind_y_mps):
    r"""Airspeed :math:`|v\hat u - \vec w|` that holds ground speed ``v`` along the unit
    track (ux, uy) in the wind (wind_x, wind_y), where the air moves to. [m/s]"""
    v = np.asarray(ground_speed_mps, dtype=float)
    return np.hypot(v * ux - wind_x_mps, v * uy - wind_y_mps)


def ground_speed_for_airspeed_mps(ux, uy, airspeed_mps, wind_x_mps, wind_y_mps):
    r"""Ground speed along the unit track (ux, uy) at airspeed ``V``:
    :math:`\vec w\cdot\hat u + \sqrt{V^2 - (\vec w\times\hat u)^2}`. [m/s]

    Raises
    ------
    AircraftError
        Where the crosswind alone is not below the airspeed (no heading holds the track).
    """
    V = np.asarray(airspeed_mps, dtype=float)
    along = wind_x_mps * ux + wind_y_mps * uy
    cross = wind_x_mps * uy - wind_y_mps * ux
    disc = V * V - cross * cross
    if np.any(disc < 0):
        raise AircraftError(
            f"crosswind {float(np.max(np.abs(cross))):.1f} m/s is not below the airspeed "
            f"{float(np.min(V)):.1f} m/s"
        )
    return along + np.sqrt(disc)


@dataclass(frozen=True)
class LegPrices:
    """Prices of flight legs (arrays of one length).

    Attributes
    ----------
    time_s : ndarray
        Duration, including corners, stops and any hold at the end. [s]
    energy_wh : ndarray
        Battery energy. [Wh]
    corner_s : ndarray
        Part of ``time_s`` lost braking for and speeding up from the leg's ends. [s]
    airspeed_mps : ndarray
        Airspeed along the horizontal part (0 for vertical legs). [m/s]
    """

    time_s: np.ndarray
    energy_wh: np.ndarray
    corner_s: np.ndarray
    airspeed_mps: np.ndarray


@dataclass(frozen=True)
class Conditions:
    """An aircraft in a job's conditions: the flight model every planner and check uses.

    Attributes
    ----------
    aircraft : Aircraft
    wind : Wind
        Constant or banded wind (calm by default).
    work_agl_m : float
        Height above ground at which a banded wind is read for legs given no height. [m]
    terrain : Terrain or None
        The ground, for heights above it (None: flat).
    accel_mps2 : float
        Horizontal acceleration and braking of waypoint flight; ``inf`` ignores corners.
        [m/s²]
    climb_speed_mps, descent_speed_mps : float
        Vertical speeds of climbs and descents. [m/s]
    max_agl_m : float
        Height limit above the ground (law or operator). [m]
    """

    aircraft: Aircraft
    wind: Wind = field(default_factory=Wind)
    work_agl_m: float = 10.0
    terrain: Terrain | None = None
    accel_mps2: float = WAYPOINT_ACCEL_MPS2
    climb_speed_mps: float = CLIMB_SPEED_MPS
    descent_speed_mps: float = DESCENT_SPEED_MPS
    max_agl_m: float = 120.0

    def with_aircraft(self, aircraft: Aircraft) -> Conditions:
        """The same conditions for another aircraft (or another reserve)."""
        return replace(self, aircraft=aircraft)

    @property
    def calm(self) -> bool:
        return self.wind.is_calm

    @property
    def air_density_kgpm3(self) -> float:
        """Density of the air the aircraft flies in (:mod:`airwork.flight.air`). [kg/m³]"""
        return self.aircraft.air_density_kgpm3

    # ------------------------------------------------------------------ wind
    def wind_xy_mps(self, agl_m=None) -> tuple[np.ndarray, np.ndarray]:
        """Wind velocity (east, north), where the air moves to, at heights above ground. [m/s]"""
        h = self.work_agl_m if agl_m is None else agl_m
        return self.wind.velocity_mps(h)

    def airspeed_mps(self, dx, dy, ground_speed_mps, agl_m=None) -> np.ndarray:
        """Airspeed holding ``ground_speed_mps`` along directions (dx, dy); zero-length
        directions fly at the ground speed. [m/s]"""
        ux, uy, n = unit_vectors(dx, dy)
        wx, wy = self.wind_xy_mps(agl_m)
        air = airspeed_for_ground_speed_mps(ux, uy, ground_speed_mps, wx, wy)
        return np.where(n > 0, air, np.asarray(ground_speed_mps, dtype=float))

    def headwind_mps(self, dx, dy, ground_speed_mps, agl_m=None) -> np.ndarray:
        """Headwind (airspeed less ground speed) of legs flown at a ground speed. [m/s]"""
        return self.airspeed_mps(dx, dy, ground_speed_mps, agl_m) - np.asarray(
            ground_speed_mps, dtype=float
        )

    def worst_airspeed_mps(self, ground_speed_mps, agl_m=None) -> float:
        """Airspeed of the worst direction, straight into the wind. [m/s]"""
        h = self.work_agl_m if agl_m is None else agl_m
        return float(ground_speed_mps) + self.wind.max_speed_mps(np.atleast_1d(h))

    def max_ground_speed_mps(self, agl_m=None) -> float:
        """Fastest ground speed the aircraft can hold in every direction: its maximum
        airspeed less the wind. [m/s]"""
        h = self.work_agl_m if agl_m is None else agl_m
        return self.aircraft.max_speed_mps - self.wind.max_speed_mps(np.atleast_1d(h))

    def power_factor(self, dx, dy, ground_speed_mps: float, payload_kg: float, agl_m=None):
        """Forward-flight power in the wind over power in calm air, for legs flown at
        ``ground_speed_mps`` along (dx, dy) with a payload: scales calm energy tables. [-]"""
        v = float(ground_speed_mps)
        air = self.airspeed_mps(dx, dy, v, agl_m)
        ac = self.aircraft
        calm = float(ac.forward_power_w(payload_kg, max(v, 0.1)))
        return np.asarray(ac.forward_power_w(payload_kg, np.maximum(air, 0.1))) / calm

    def worst_power_factor(self, ground_speed_mps: float, payload_kg: float, agl_m=None) -> float:
        """:meth:`power_factor` into the wind: a bound for legs of unknown direction. [-]"""
        if self.calm:
            return 1.0
        v = float(ground_speed_mps)
        ac = self.aircraft
        air = self.worst_airspeed_mps(v, agl_m)
        return float(ac.forward_power_w(payload_kg, air) / ac.forward_power_w(payload_kg, v))

    # ------------------------------------------------------------------ pricing
    @property
    def nav(self) -> WaypointNav:
        """The autopilot's waypoint navigation in these conditions (ArduCopter's S-curve
        model with these vertical speeds and horizontal acceleration)."""
        accel = self.accel_mps2 if np.isfinite(self.accel_mps2) else ARDUCOPTER.accel_mps2
        return replace(
            ARDUCOPTER,
            speed_up_mps=self.climb_speed_mps,
            speed_down_mps=self.descent_speed_mps,
            accel_mps2=accel,
        )

    def extra_time_s(
        self, xyz_m, speed_mps, hold_s, vertical=None, rest=None, *, signed=False
    ) -> np.ndarray:
        """Time each leg takes beyond distance over speed (and height over vertical speed)
        as ArduCopter flies it: S-curve acceleration and braking, blended corners, stops,
        take-off and landing (:func:`airwork.flight.scurve.leg_extra_s`, within 1 % of the
        SITL reference flights), vectorised. [s]

        ``xyz_m`` are the ``n + 1`` vertices, ``speed_mps`` the legs' ground speeds (the
        vertical speed on vertical legs), ``hold_s`` the hover at each leg's end,
        ``vertical`` the take-off and landing legs; the aircraft also stops at every vertex
        where ``rest`` (``n + 1`` booleans) is set.  Zero with ``accel_mps2 = inf``.
        ``signed`` keeps the time a sloped leg saves by climbing while it moves (negative).
        """
        n = len(np.asarray(speed_mps).reshape(-1))
        if not np.isfinite(self.accel_mps2) or n == 0:
            return np.zeros(n)
        xyz = np.asarray(xyz_m, dtype=float)
        if xyz.shape[1] == 2:
            xyz = np.column_stack([xyz, np.zeros(len(xyz))])
        vert = np.zeros(n, bool) if vertical is None else np.asarray(vertical, dtype=bool)
        blend = None
        if rest is not None:
            blend = ~np.asarray(rest, dtype=bool)[1:-1]
        return leg_extra_s(xyz, speed_mps, hold_s, vert, blend=blend, nav=self.nav, signed=signed)

    def price_legs(
        self,
        xyz_m,
        speed_mps,
        payload_kg,
        *,
        vertical=None,
        working=False,
        hold_s=0.0,
        rest=None,
        agl_m=None,
        with_wind: bool = True,
        corners: bool = True,
    ) -> LegPrices:
        """Time and energy of the legs of a path, vectorised.

        Each leg flies its horizontal part at its commanded ground speed (the airspeed the
        wind triangle asks for), then its climb or descent at the vertical speeds, then
        hovers ``hold_s``; the time lost at corners and stops as ArduCopter flies them
        (:meth:`extra_time_s`) is hovered.  A sloped leg's energy is that of a level leg plus
        a vertical one (conservative, and exact for vertical take-off and landing), but its
        time is ArduCopter's, which climbs while it moves: the time it saves over the sum
        is taken off ``time_s`` and not off the energy.

        Parameters
        ----------
        xyz_m : (n + 1, 3) array
            Vertices in a local frame, altitudes in one reference. [m]
        speed_mps : (n,) array
            Commanded horizontal ground speed; for vertical legs the vertical speed. [m/s]
        payload_kg : (n,) array
            Mean payload on each leg. [kg]
        vertical : (n,) bool array or None
            Take-off and landing legs (speed is vertical; no horizontal part).
        working : bool or (n,) bool array
            Payload system running. [-]
        hold_s : (n,) array
            Hover at each leg's end. [s]
        rest : (n + 1,) bool array or None
            Vertices where the aircraft is at rest besides the ends (pieces priced apart).
        agl_m : (n,) array or None
            Height above ground of each leg, for a banded wind (default ``work_agl_m``). [m]
        with_wind : bool
            False prices calm air (the check's calm reference).
        corners : bool
            False leaves out corner and stop losses.

        Returns
        -------
        LegPrices
        """
        xyz = np.asarray(xyz_m, dtype=float)
        d = np.diff(xyz, axis=0)
        n = len(d)
        horiz = np.hypot(d[:, 0], d[:, 1])
        climb = d[:, 2]
        speed = np.broadcast_to(np.asarray(speed_mps, dtype=float), (n,))
        vert = np.zeros(n, bool) if vertical is None else np.asarray(vertical, dtype=bool)
        hold = np.broadcast_to(np.asarray(hold_s, dtype=float), (n,))
        vs = np.where(
            vert, speed, np.where(climb > 0, self.climb_speed_mps, self.descent_speed_mps)
        )
        moving = ~vert & (horiz > 0)
        ground = np.where(vert, 0.0, speed)
        air = ground.copy()
        if with_wind and not self.calm:
            air = np.where(moving, self.airspeed_mps(d[:, 0], d[:, 1], ground, agl_m), ground)
        corner = saved = np.zeros(n)
        if corners:
            extra = self.extra_time_s(
                xyz, np.where(vert, speed, ground), hold, vert, rest, signed=True
            )
            corner, saved = np.maximum(extra, 0.0), np.minimum(extra, 0.0)
        dist = np.where(vert, 0.0, horiz)
        perf = self.aircraft.leg_performance(
            dist,
            np.where(vert, 1.0, np.where(moving, air, np.maximum(ground, 1.0))),
            payload_kg,
            climb_m=climb,
            vertical_speed_mps=vs,
            headwind_mps=np.where(moving, air - ground, 0.0),
            working=working,
            hold_s=hold + corner,
        )
        return LegPrices(
            time_s=np.asarray(perf.time_s, dtype=float) + saved,
            energy_wh=np.asarray(perf.energy_wh, dtype=float),
            corner_s=corner,
            airspeed_mps=np.where(moving, air, 0.0),
        )

    def price_leg(
        self,
        distance_m: float,
        speed_mps: float,
        payload_kg: float,
        *,
        climb_m: float = 0.0,
        heading_deg: float | None = None,
        working: bool = False,
        hold_s: float = 0.0,
    ) -> tuple[float, float]:
        """Time [s] and energy [Wh] of one straight leg from rest to rest, flown towards
        ``heading_deg`` (clockwise from north; None: straight into the wind)."""
        if heading_deg is None:
            wx, wy = self.wind_xy_mps()
            w = math.hypot(float(wx), float(wy))
            ux, uy = (-float(wx) / w, -float(wy) / w) if w > 0 else (1.0, 0.0)
        else:
            a = math.radians(heading_deg)
            ux, uy = math.sin(a), math.cos(a)
        xyz = np.array([[0.0, 0.0, 0.0], [ux * distance_m, uy * distance_m, climb_m]])
        p = self.price_legs(xyz, [speed_mps], [payload_kg], working=working, hold_s=[hold_s])
        return float(p.time_s[0]), float(p.energy_wh[0])
