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
from airwork.mission.model import Action, Leg, LegKind, Sortie, Waypoint

__all__ = [
    "CLIMB_SPEED_MPS",
    "DESCENT_SPEED_MPS",
    "WAYPOINT_ACCEL_MPS2",
    "SortieBuilder",
    "corner_speed_mps",
    "leg_speed_losses_s",
    "reachable_speeds_mps",
    "shift_altitudes",
    "speed_change_loss_s",
]

CLIMB_SPEED_MPS = 2.5
"""Default vertical speed of take-off and climbs (ArduPilot Copter's ``WPNAV_SPEED_UP``
default, ``libraries/AC_WPNav/AC_WPNav.cpp``). [m/s]"""

DESCENT_SPEED_MPS = 1.5
"""Default vertical speed of landing and descents (ArduPilot's ``WPNAV_SPEED_DN``
default). [m/s]"""

WAYPOINT_ACCEL_MPS2 = 2.5
"""Horizontal acceleration in waypoint flight (ArduPilot Copter's ``WPNAV_ACCEL`` default,
``libraries/AC_WPNav/AC_WPNav.h``). [m/s²]"""


def corner_speed_mps(v_in_mps, v_out_mps, cos_turn):
    r"""Speed at which a waypoint is flown through, vectorised: :math:`v_c = \min(v_{in},
    v_{out}) \max(0, \cos\theta)` for a heading change :math:`\theta`.

    A full stop at 90° or more, as spray drones make at line ends, and where either leg is
    vertical or hovers (pass its speed as 0, or ``cos_turn`` 0).  A simplification of
    ArduPilot's S-curve corners that never corners faster than they do. [m/s]
    """
    v_in = np.asarray(v_in_mps, dtype=float)
    v_out = np.asarray(v_out_mps, dtype=float)
    return np.minimum(v_in, v_out) * np.clip(cos_turn, 0.0, 1.0)


def speed_change_loss_s(length_m, speed_mps, entry_mps, exit_mps, accel_mps2=WAYPOINT_ACCEL_MPS2):
    r"""Time a level leg takes beyond ``length / speed`` because it is entered at
    ``entry_mps`` and left at ``exit_mps``, vectorised (uniform-acceleration kinematics).

    With acceleration :math:`a`, cruise :math:`v`, entry :math:`u` and exit :math:`w`:
    when the leg is long enough to reach :math:`v`, :math:`L \ge (2v^2 - u^2 - w^2)/2a`,
    speeding up takes :math:`(v-u)/a` over :math:`(v^2-u^2)/2a` and so loses
    :math:`(v-u)^2/2av`, and slowing down loses :math:`(v-w)^2/2av`; on a shorter leg the
    aircraft peaks at :math:`p = \sqrt{aL + (u^2+w^2)/2}` and takes
    :math:`(p-u)/a + (p-w)/a`.  A stop-to-stop leg of length :math:`L \ge v^2/a` thus loses
    :math:`v/a`, and a short one :math:`2\sqrt{L/a} - L/v`, never more.

    Parameters
    ----------
    length_m : numeric
        Horizontal length. [m]
    speed_mps : numeric
        Commanded speed; legs with 0 lose nothing. [m/s]
    entry_mps, exit_mps : numeric
        Speeds at the start and end (:func:`corner_speed_mps`). [m/s]
    accel_mps2 : float
        Horizontal acceleration and braking. [m/s²]

    Returns
    -------
    numeric
        Time lost. [s]
    """
    a = float(accel_mps2)
    dist = np.asarray(length_m, dtype=float)
    v = np.asarray(speed_mps, dtype=float)
    moving = (dist > 0) & (v > 0)
    v_safe = np.where(moving, v, 1.0)
    u = np.clip(entry_mps, 0.0, v_safe)
    w = np.clip(exit_mps, 0.0, v_safe)
    trapezoid = (v_safe - u) ** 2 / (2 * a * v_safe) + (v_safe - w) ** 2 / (2 * a * v_safe)
    peak = np.sqrt(np.maximum(a * dist + 0.5 * (u**2 + w**2), np.maximum(u, w) ** 2))
    triangle = np.maximum((peak - u) / a + (peak - w) / a - dist / v_safe, 0.0)
    long_enough = dist >= (2 * v_safe**2 - u**2 - w**2) / (2 * a)
    return np.where(moving, np.where(long_enough, trapezoid, triangle), 0.0)


def reachable_speeds_mps(vertex_mps, length_m, accel_mps2=WAYPOINT_ACCEL_MPS2):
    r"""Speeds through the vertices of a path lowered so that every leg can speed up from
    its start speed to its end speed, and brake from it, within its length:
    :math:`v_{j+1}^2 \le v_j^2 + 2aL_j` and :math:`v_j^2 \le v_{j+1}^2 + 2aL_j`.

    The forward and backward passes of a velocity profile, done exactly and vectorised: in
    squared speeds the forward pass :math:`s_{j+1} = \min(c_{j+1}, s_j + 2aL_j)` is
    :math:`s_j = R_j + \min_{k \le j}(c_k - R_k)` with :math:`R` the running sum of
    :math:`2aL`, a running minimum (and the backward pass likewise). [m/s]
    """
    cap = np.asarray(vertex_mps, dtype=float) ** 2
    reach = 2.0 * float(accel_mps2) * np.asarray(length_m, dtype=float)
    run = np.concatenate([[0.0], np.cumsum(reach)])
    fwd = run + np.minimum.accumulate(cap - run)
    bwd = -run + np.minimum.accumulate((fwd + run)[::-1])[::-1]
    return np.sqrt(np.maximum(bwd, 0.0))


def leg_speed_losses_s(xy_m, speed_mps, hold_s, accel_mps2=WAYPOINT_ACCEL_MPS2):
    """Time each leg of a path loses to corners and stops, vectorised. [s]

    ``xy_m`` are the ``n + 1`` vertices, ``speed_mps`` the ``n`` legs' horizontal speeds (0
    for vertical legs) and ``hold_s`` the hover at each leg's end.  The path starts and ends
    at rest; each vertex is flown at :func:`corner_speed_mps` (0 after a hold) or slower
    where a short leg cannot brake or speed up enough (:func:`reachable_speeds_mps`), and
    each leg loses :func:`speed_change_loss_s`.
    """
    xy = np.asarray(xy_m, dtype=float)
    v = np.asarray(speed_mps, dtype=float)
    d = np.diff(xy[:, :2], axis=0)
    horiz = np.hypot(d[:, 0], d[:, 1])
    v = np.where(horiz > 0, v, 0.0)
    vc = np.zeros(len(v) + 1)
    if len(v) > 1:
        with np.errstate(invalid="ignore", divide="ignore"):
            cos_turn = np.sum(d[:-1] * d[1:], axis=1) / (horiz[:-1] * horiz[1:])
        hold = np.asarray(hold_s, dtype=float)
        cos_turn = np.where((hold[:-1] > 0) | ~np.isfinite(cos_turn), 0.0, cos_turn)
        vc[1:-1] = corner_speed_mps(v[:-1], v[1:], cos_turn)
    vc = reachable_speeds_mps(vc, horiz, accel_mps2)
    return speed_change_loss_s(horiz, v, vc[:-1], vc[1:], accel_mps2)


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
    accel_mps2 : float
        Horizontal acceleration, for the time lost at corners and stops
        (:func:`leg_speed_losses_s`); ``inf`` ignores it. [m/s²]
    ground_alt_m : float
        Altitude of the take-off ground in the builder's reference (0 when altitudes are
        above the take-off point). [m]
    """

    aircraft: Aircraft
    station_xy: tuple[float, float]
    takeoff_alt_m: float
    payload_kg: float
    climb_speed_mps: float = CLIMB_SPEED_MPS
    descent_speed_mps: float = DESCENT_SPEED_MPS
    headwind_fn: object = None
    accel_mps2: float = WAYPOINT_ACCEL_MPS2
    ground_alt_m: float = 0.0
    _wps: list[Waypoint] = field(default_factory=list)
    _legs: list[tuple[LegKind, float, float, float, bool, bool]] = field(default_factory=list)

    def __post_init__(self) -> None:
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
        # time lost braking for each waypoint and accelerating away from it (the vertical
        # legs start and end at rest)
        corner = np.zeros_like(horiz)
        if np.isfinite(self.accel_mps2):
            v = np.where(vertical, 0.0, speed)
            corner = leg_speed_losses_s(xyz[:, :2], v, hold, self.accel_mps2)
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
            hold_s=hold + corner,
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
