"""How long ArduCopter takes to fly a path of waypoints: S-curve legs blended at corners.

A model of ArduCopter 4.6's waypoint navigation (``libraries/AC_WPNav`` and
``libraries/AP_Math/SCurve.cpp``), vectorised over the legs of a path:

* **Legs.**  Each leg is planned stop to stop (``SCurve::add_segments``): speed rises from 0
  along a jerk-limited profile (jerk ``Jm`` with raised-cosine ramps of ``tj`` seconds, up
  to acceleration ``Am``), cruises, and falls back symmetrically.  The leg's speed and
  acceleration are the track's kinematic limits (``SCurve::set_kinematic_limits``): the
  horizontal speed and ``WPNAV_ACCEL`` horizontally, ``WPNAV_SPEED_UP``/``_DN`` and
  ``WPNAV_ACCEL_Z`` vertically, the tighter of the two on a sloped leg.  A short leg never
  reaches its speed: the acceleration (and, if needed, the constant-acceleration part) is
  cut so that the rise covers half the leg.  With the accel-phase duration
  :math:`T_a = 2(t_j + A_m/J_m) + t_4` and peak speed :math:`v_p = A_m(t_j + A_m/J_m +
  t_4)`, the rise covers :math:`v_p T_a/2` and the leg takes :math:`2T_a` plus the cruise.
* **Corners.**  At a waypoint without a hold the next leg starts before this one ends
  (``SCurve::advance_target_along_track``): once this leg is braking and has less time left
  than the next leg's acceleration phase, as soon as, at the middle of the overlap, the
  target is within ``WPNAV_RADIUS`` of the waypoint, its speed below both legs' speeds, its
  horizontal acceleration below the corner acceleration (``WPNAV_ACCEL_C``, 0 = twice
  ``WPNAV_ACCEL``) and its vertical acceleration below ``WPNAV_ACCEL_Z``.  The overlap is
  the time saved there.  It is found on a grid of overlaps from the longest possible down.
* **Stops.**  Where legs are not blended (a hold, a vertical step, the end) the waypoint is
  reached a little after the target stops: :attr:`WaypointNav.stop_settle_s`, fitted on the
  SITL reference flights.
* **Take-off and landing.**  Take-off is timed from 1 m above the ground (as the reference
  flight times are): the climb at ``WPNAV_SPEED_UP`` plus 0.8 of the time to reach it at
  ``WPNAV_ACCEL_Z``; landing descends at ``WPNAV_SPEED_DN`` to ``LAND_ALT_LOW`` then at
  ``LAND_SPEED``, plus 1 s to start and the land detector's 2 s (fitted on the reference
  flights' take-offs and landings).

Yaw turns cost no time: with ``WP_YAW_BEHAVIOR`` the vehicle yaws while it flies (the
reference tracks show no wait for the heading), and ``CONDITION_YAW`` blocks only the DO
items after it, never the navigation.

Checked against the nine SITL reference flights (``tests/data/sitl``): every flight within
1 % (see ``tests/flight/test_replay.py``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "ARDUCOPTER",
    "WaypointNav",
    "landing_time_s",
    "leg_extra_s",
    "naive_leg_times_s",
    "path_times_s",
    "scurve_leg_time_s",
    "sortie_leg_times_s",
    "takeoff_time_s",
]

_K = 64  # samples of an acceleration phase
_OVERLAP_STEPS = 24  # candidate overlaps tried at a corner


@dataclass(frozen=True)
class WaypointNav:
    """ArduCopter waypoint-navigation parameters of the time model (defaults: ArduCopter
    4.6, as the SITL reference flights recorded them).

    Attributes
    ----------
    speed_up_mps, speed_down_mps : float
        ``WPNAV_SPEED_UP``, ``WPNAV_SPEED_DN``. [m/s]
    accel_mps2 : float
        ``WPNAV_ACCEL``. [m/s²]
    accel_z_mps2 : float
        ``WPNAV_ACCEL_Z``. [m/s²]
    jerk_mps3 : float
        ``WPNAV_JERK`` (the S-curve jerk when the attitude rate limits are not set). [m/s³]
    jerk_ramp_s : float
        Raised-cosine jerk ramp :math:`t_j = J\\pi/(2S)` with the snap
        :math:`S = \\tfrac12 J\\pi/(2\\,\\text{ATC\\_INPUT\\_TC})` (``ATC_INPUT_TC`` 0.15 s):
        0.3 s. [s]
    radius_m : float
        ``WPNAV_RADIUS``. [m]
    corner_accel_mps2 : float or None
        ``WPNAV_ACCEL_C``; None: twice ``accel_mps2``. [m/s²]
    land_speed_mps : float
        ``LAND_SPEED``. [m/s]
    land_alt_low_m : float
        ``LAND_ALT_LOW``. [m]
    stop_settle_s : float
        Time from the target stopping to the waypoint being reached (fitted). [s]
    land_detect_s : float
        Touchdown to landed (land detector), counted in flight times. [s]
    """

    speed_up_mps: float = 2.5
    speed_down_mps: float = 1.5
    accel_mps2: float = 2.5
    accel_z_mps2: float = 1.0
    jerk_mps3: float = 1.0
    jerk_ramp_s: float = 0.3
    radius_m: float = 2.0
    corner_accel_mps2: float | None = None
    land_speed_mps: float = 0.5
    land_alt_low_m: float = 10.0
    stop_settle_s: float = 0.5
    land_detect_s: float = 2.0

    @property
    def corner_accel(self) -> float:
        return 2.0 * self.accel_mps2 if self.corner_accel_mps2 is None else self.corner_accel_mps2


#: ArduCopter 4.6 defaults.
ARDUCOPTER = WaypointNav()


def _short_leg_accel(half_m, jerk, tj):
    """The peak acceleration ``Am`` of a leg too short for a constant-acceleration part:
    the one root ``Am >= 0`` of ``Am (tj + Am/J)^2 = half_m`` (distance to the middle of the
    leg [m]; jerk ``J`` [m/s³], jerk ramp ``tj`` [s]), vectorised. [m/s²]

    With ``y = tj + Am/J`` it is the cubic ``y^3 - tj y^2 - half_m/J = 0``, whose one real
    root above ``tj`` Cardano's formula gives (its discriminant is positive for any
    ``half_m > 0``); two Newton steps polish the root where ``Am`` is small against ``J tj``
    and the subtraction ``y - tj`` loses digits.
    """
    half = np.asarray(half_m, dtype=float)
    p = -tj * tj / 3.0
    q = -2.0 * tj**3 / 27.0 - half / jerk
    r = np.sqrt(np.maximum(q * q / 4.0 + p**3 / 27.0, 0.0))
    y = np.cbrt(-q / 2.0 + r) + np.cbrt(-q / 2.0 - r) + tj / 3.0
    am = np.maximum(jerk * (y - tj), 0.0)
    for _ in range(2):
        g = tj + am / jerk
        slope = g * (tj + 3.0 * am / jerk)  # d/dAm of Am g^2; 0 only at Am = tj = 0
        step = (am * g * g - half) / np.where(slope > 0, slope, 1.0)
        am = np.maximum(np.where(slope > 0, am - step, am), 0.0)
    return am


def _profile(length_m, vmax, amax, jerk, tj) -> dict[str, np.ndarray]:
    """Acceleration ``Am``, constant-acceleration time ``t4``, accel-phase time ``Tph``, peak
    speed ``vp`` and whole-leg time ``T`` of stop-to-stop S-curve legs (arrays)."""
    L = np.asarray(length_m, dtype=float)
    vmax = np.broadcast_to(np.asarray(vmax, dtype=float), L.shape)
    amax = np.broadcast_to(np.asarray(amax, dtype=float), L.shape)
    # acceleration that reaches vmax with no constant-acceleration part: Am (tj + Am/J) = v
    am_v = jerk * (-tj + np.sqrt(tj * tj + 4.0 * vmax / jerk)) / 2.0
    am = np.minimum(amax, am_v)
    t4 = np.maximum(vmax / np.maximum(am, 1e-12) - tj - am / jerk, 0.0)
    half = L / 2.0
    d_full = am * (tj + am / jerk + t4) * (2.0 * (tj + am / jerk) + t4) / 2.0
    short = d_full > half
    # short leg, no constant part: Am (tj + Am/J)^2 = L/2, at most the limit
    am_s = np.minimum(_short_leg_accel(half, jerk, tj), am)
    # short leg that still reaches amax: a shorter constant-acceleration part
    b = tj + am / jerk
    c = 2.0 * b * b - 2.0 * half / np.maximum(am, 1e-12)
    t4_s = np.maximum((-3.0 * b + np.sqrt(np.maximum(9.0 * b * b - 4.0 * c, 0.0))) / 2.0, 0.0)
    capped = am_s >= am - 1e-9
    am = np.where(short, np.where(capped, am, am_s), am)
    t4 = np.where(short, np.where(capped, t4_s, 0.0), t4)
    vp = am * (tj + am / jerk + t4)
    tph = 2.0 * (tj + am / jerk) + t4
    cruise = np.where(short, 0.0, (L - vp * tph) / np.maximum(vp, 1e-12))
    moving = L > 0
    return {
        "Am": am,
        "t4": t4,
        "Tph": np.where(moving, tph, 0.0),
        "vp": np.where(moving, vp, 0.0),
        "T": np.where(moving, 2.0 * tph + np.maximum(cruise, 0.0), 0.0),
    }


def scurve_leg_time_s(
    length_m, speed_mps, accel_mps2=ARDUCOPTER.accel_mps2, *, nav: WaypointNav = ARDUCOPTER
):
    """Time of stop-to-stop S-curve legs (module docstring), vectorised. [s]

    Parameters
    ----------
    length_m : numeric
        Leg length. [m]
    speed_mps : numeric
        Speed limit along the leg. [m/s]
    accel_mps2 : numeric
        Acceleration limit along the leg. [m/s²]
    nav : WaypointNav
        Jerk and its ramp.
    """
    return _profile(length_m, speed_mps, accel_mps2, nav.jerk_mps3, nav.jerk_ramp_s)["T"]


def _phase_samples(p: dict[str, np.ndarray], jerk: float, tj: float):
    """Acceleration-phase states of each leg at ``_K`` equally spaced times: (tau, s, v, a),
    each (n, _K), integrated from the raised-cosine jerk profile."""
    am, t4, tph = p["Am"], p["t4"], p["Tph"]
    n = len(am)
    tau = tph[:, None] * np.linspace(0.0, 1.0, _K)[None, :]
    t2 = np.maximum(am / jerk - tj, 0.0)[:, None]
    t4 = t4[:, None]
    b1, b2 = tj, tj + t2
    b3 = 2 * tj + t2
    b4 = b3 + t4
    b5, b6 = b4 + tj, b4 + tj + t2
    b7 = b6 + tj

    def ramp(x):
        return 0.5 * jerk * (1.0 - np.cos(np.pi * np.clip(x, 0.0, tj) / tj))

    t = tau
    j = np.select(
        [t < b1, t < b2, t < b3, t < b4, t < b5, t < b6, t < b7],
        [ramp(t), jerk, jerk - ramp(t - b2), 0.0, -ramp(t - b4), -jerk, -jerk + ramp(t - b6)],
        0.0,
    )
    dt = np.diff(tau, axis=1)

    def integrate(f):
        return np.concatenate(
            [np.zeros((n, 1)), np.cumsum(0.5 * (f[:, 1:] + f[:, :-1]) * dt, 1)], 1
        )

    a = integrate(j)
    v = integrate(a)
    s = integrate(v)
    scale = np.where(v[:, -1] > 0, p["vp"] / np.where(v[:, -1] > 0, v[:, -1], 1.0), 1.0)
    return tau, s * scale[:, None], v * scale[:, None], a * scale[:, None]


def _at(x, span, f):
    """Row-wise linear interpolation of the states ``f`` (n, K, m), sampled at ``K`` equally
    spaced times over ``[0, span]`` (n,), at times ``x`` (n,): (n, m)."""
    n, k = f.shape[:2]
    pos = np.where(span > 0, x / np.where(span > 0, span, 1.0) * (k - 1), 0.0)
    i = np.minimum(np.maximum(np.floor(pos).astype(int), 0), k - 2)
    w = np.minimum(np.maximum(pos - i, 0.0), 1.0)[:, None]
    rows = np.arange(n)
    return f[rows, i] * (1.0 - w) + f[rows, i + 1] * w


def _overlaps(u, vmax, p, corners, nav: WaypointNav) -> np.ndarray:
    """Time saved at each corner (between leg ``corners[k]`` and the next) by blending. [s]

    The largest overlap on a grid of :data:`_OVERLAP_STEPS` fractions of the shorter
    acceleration phase at which the blend conditions hold (module docstring).  They hold
    for every overlap below one that passes (the target is nearer the waypoint, slower and
    less accelerated the shorter the overlap), so the grid is searched by bisection, on the
    acceleration phases of the legs at corners only.
    """
    if len(corners) == 0:
        return np.zeros(0)
    legs = np.unique(np.concatenate([corners, corners + 1]))
    where = np.searchsorted(legs, np.arange(len(vmax)))
    sub = {key: np.asarray(val)[legs] for key, val in p.items()}
    tau, s, v, a = _phase_samples(sub, nav.jerk_mps3, nav.jerk_ramp_s)
    i, k = where[corners], where[corners + 1]
    longest = np.minimum(sub["Tph"][i], sub["Tph"][k])
    vlim = np.minimum(vmax[corners], vmax[corners + 1])
    ui, uk = u[corners], u[corners + 1]
    states = np.stack([s, v, a], axis=-1)  # (legs, K, 3): distance, speed, acceleration
    span_i, span_k = tau[i, -1], tau[k, -1]
    fi, fk = states[i] * np.array([-1.0, 1.0, -1.0]), states[k]  # leg i is flown backwards

    def ok(frac: np.ndarray) -> np.ndarray:
        mid = longest * frac / 2.0
        # rows: position, velocity, acceleration relative to the corner (n, 3, xyz)
        rel = _at(mid, span_i, fi)[:, :, None] * ui[:, None, :]
        rel += _at(mid, span_k, fk)[:, :, None] * uk[:, None, :]
        size = np.linalg.norm(rel[:, :2, :], axis=2)
        return (
            (size[:, 0] < nav.radius_m)
            & (size[:, 1] < vlim)
            & (np.hypot(rel[:, 2, 0], rel[:, 2, 1]) < nav.corner_accel)
            & (np.abs(rel[:, 2, 2]) < nav.accel_z_mps2)
        )

    # grid step j is the fraction (steps - j) / steps, j = 0..steps-1 (the grid never tries
    # an overlap of 0); find the first j that passes, or none
    steps = _OVERLAP_STEPS
    lo = np.zeros(len(i), dtype=int)  # every j < lo fails
    hi = np.full(len(i), steps, dtype=int)  # j >= hi passes (steps: none passes)
    while np.any(lo < hi):
        mid_j = (lo + hi) // 2
        active = lo < hi
        passed = ok((steps - mid_j) / steps)
        hi = np.where(active & passed, mid_j, hi)
        lo = np.where(active & ~passed, mid_j + 1, lo)
    return np.where(hi < steps, longest * (steps - hi) / steps, 0.0)


def path_times_s(
    xyz_m,
    speed_mps,
    hold_s,
    *,
    climb_mps=None,
    descent_mps=None,
    accel_mps2: float | None = None,
    blend=None,
    split_corners: bool = False,
    nav: WaypointNav = ARDUCOPTER,
):
    """Time of each leg of a 3-D waypoint path flown as ArduCopter does (module docstring),
    vectorised; the path starts and ends at rest. [s]

    Parameters
    ----------
    xyz_m : (n + 1, 2 or 3) array
        Waypoints (x, y[, altitude]). [m]
    speed_mps : (n,) array
        Horizontal speed of each leg (``DO_CHANGE_SPEED`` type 1). [m/s]
    hold_s : (n,) array
        Hover at each leg's end. [s]
    climb_mps, descent_mps : (n,) array or None
        Vertical speed limits per leg (default the ``nav`` ones). [m/s]
    accel_mps2 : float or None
        Horizontal acceleration (default ``nav.accel_mps2``). [m/s²]
    blend : (n - 1,) bool array or None
        Whether the corner after each leg may be blended (a fast waypoint); default every
        corner whose waypoint has no hold.
    split_corners : bool
        Take half of a corner's saving from each leg (the autopilot reports the waypoint
        reached at the middle of the turn) instead of all from the leg after it.
    nav : WaypointNav

    Returns
    -------
    (n,) array
        Each leg's time including its share of the blending, the settling at a stop and the
        hold at its end. [s]
    """
    xyz = np.asarray(xyz_m, dtype=float)
    if xyz.shape[1] == 2:
        xyz = np.column_stack([xyz, np.zeros(len(xyz))])
    d = np.diff(xyz, axis=0)
    n = len(d)
    hold = np.broadcast_to(np.asarray(hold_s, dtype=float), (n,))
    if n == 0:
        return np.zeros(0)
    length = np.linalg.norm(d, axis=1)
    u = np.where(length[:, None] > 0, d / np.where(length > 0, length, 1.0)[:, None], 0.0)
    uxy, uz = np.hypot(u[:, 0], u[:, 1]), np.abs(u[:, 2])
    up = np.broadcast_to(np.asarray(nav.speed_up_mps if climb_mps is None else climb_mps), (n,))
    dn = np.broadcast_to(
        np.asarray(nav.speed_down_mps if descent_mps is None else descent_mps), (n,)
    )
    vz = np.where(d[:, 2] > 0, up, dn)
    a_xy = nav.accel_mps2 if accel_mps2 is None else float(accel_mps2)
    with np.errstate(divide="ignore", invalid="ignore"):
        vmax = np.fmin(
            np.where(uxy > 1e-9, np.asarray(speed_mps, dtype=float) / uxy, np.inf),
            np.where(uz > 1e-9, vz / uz, np.inf),
        )
        amax = np.fmin(
            np.where(uxy > 1e-9, a_xy / uxy, np.inf),
            np.where(uz > 1e-9, nav.accel_z_mps2 / uz, np.inf),
        )
    vmax = np.where(np.isfinite(vmax) & (vmax > 0), vmax, 1e-6)
    amax = np.where(np.isfinite(amax), amax, a_xy)
    p = _profile(length, vmax, amax, nav.jerk_mps3, nav.jerk_ramp_s)
    times = p["T"].copy()
    can = (hold[:-1] <= 0) if blend is None else np.asarray(blend, dtype=bool) & (hold[:-1] <= 0)
    corners = np.flatnonzero(can & (length[:-1] > 0) & (length[1:] > 0))
    saved = np.zeros(n)
    saved[corners + 1] = _overlaps(u, vmax, p, corners, nav)
    if split_corners:
        times -= 0.5 * saved
        times[:-1] -= 0.5 * saved[1:]
    else:
        times -= saved
    # a moving leg that ends in a stop (not blended into the next) settles there
    blended_after = np.zeros(n, dtype=bool)
    blended_after[corners] = saved[corners + 1] > 0
    times += np.where((length > 0) & ~blended_after, nav.stop_settle_s, 0.0)
    return times + hold


def takeoff_time_s(height_m, *, climb_mps: float | None = None, nav: WaypointNav = ARDUCOPTER):
    """Climb from 1 m above the ground to ``height_m`` (``NAV_TAKEOFF``), vectorised. [s]"""
    v = nav.speed_up_mps if climb_mps is None else climb_mps
    h = np.maximum(np.asarray(height_m, dtype=float) - 1.0, 0.0)
    return np.where(h > 0, h / v + 0.8 * v / nav.accel_z_mps2, 0.0)


def landing_time_s(height_m, *, descent_mps: float | None = None, nav: WaypointNav = ARDUCOPTER):
    """Descent from ``height_m`` to touchdown and landed (``NAV_LAND``), vectorised. [s]"""
    v = nav.speed_down_mps if descent_mps is None else descent_mps
    h = np.maximum(np.asarray(height_m, dtype=float), 0.0)
    fast = np.maximum(h - nav.land_alt_low_m, 0.0)
    slow = np.minimum(h, nav.land_alt_low_m)
    return 1.0 + fast / v + v / nav.accel_z_mps2 + slow / nav.land_speed_mps + nav.land_detect_s


def _speeds(m: int, climb_mps, descent_mps, nav: WaypointNav) -> tuple[np.ndarray, np.ndarray]:
    up = np.full(m, nav.speed_up_mps)
    dn = np.full(m, nav.speed_down_mps)
    if climb_mps is not None:
        c = np.broadcast_to(np.asarray(climb_mps, dtype=float), (m,))
        up = np.where(np.isfinite(c) & (c > 0), c, up)
    if descent_mps is not None:
        c = np.broadcast_to(np.asarray(descent_mps, dtype=float), (m,))
        dn = np.where(np.isfinite(c) & (c > 0), c, dn)
    return up, dn


def sortie_leg_times_s(
    xyz_m,
    speed_mps,
    hold_s,
    vertical,
    *,
    climb_mps=None,
    descent_mps=None,
    accel_mps2: float | None = None,
    split_corners: bool = False,
    blend=None,
    nav: WaypointNav = ARDUCOPTER,
) -> np.ndarray:
    """Time of each leg of a sortie (take-off at 1 m to landed), as ArduCopter flies it. [s]

    Vertical take-off legs (``vertical`` and climbing) are :func:`takeoff_time_s`, vertical
    landing legs :func:`landing_time_s`, every run of other legs :func:`path_times_s`.

    Parameters
    ----------
    xyz_m : (n + 1, 3) array
        Waypoints (x, y, altitude). [m]
    speed_mps : (n,) array
        Horizontal speed of each leg (ignored on vertical legs). [m/s]
    hold_s : (n,) array
        Hover at each leg's end. [s]
    vertical : (n,) bool array
        Take-off and landing legs.
    climb_mps, descent_mps : (n,) array or None
        Vertical speeds commanded per leg (NaN or None: ``nav``'s). [m/s]
    accel_mps2 : float or None
        Horizontal acceleration (default ``nav``'s). [m/s²]
    split_corners : bool
        As for :func:`path_times_s`.
    blend : (n - 1,) bool array or None
        Whether the corner after each leg may be blended (default: every waypoint without a
        hold); False where the aircraft stops anyway (pieces of a path priced apart).
    nav : WaypointNav
    """
    xyz = np.asarray(xyz_m, dtype=float)
    m = len(xyz) - 1
    out = np.zeros(max(m, 0))
    if m <= 0:
        return out
    up, dn = _speeds(m, climb_mps, descent_mps, nav)
    climb = np.diff(xyz[:, 2])
    hold = np.broadcast_to(np.asarray(hold_s, dtype=float), (m,))
    speed = np.broadcast_to(np.asarray(speed_mps, dtype=float), (m,))
    vert = np.broadcast_to(np.asarray(vertical, dtype=bool), (m,))
    k = 0
    while k < m:
        if vert[k]:
            if climb[k] >= 0:
                out[k] = takeoff_time_s(climb[k], climb_mps=float(up[k]), nav=nav)
            else:
                out[k] = landing_time_s(-climb[k], descent_mps=float(dn[k]), nav=nav)
            out[k] += hold[k]
            k += 1
            continue
        end = k
        while end < m and not vert[end]:
            end += 1
        run = slice(k, end)
        out[run] = path_times_s(
            xyz[k : end + 1],
            speed[run],
            hold[run],
            climb_mps=up[run],
            descent_mps=dn[run],
            accel_mps2=accel_mps2,
            blend=None if blend is None else np.asarray(blend, dtype=bool)[k : end - 1],
            split_corners=split_corners,
            nav=nav,
        )
        k = end
    return out


def naive_leg_times_s(
    xyz_m, speed_mps, hold_s, vertical, *, climb_mps=None, descent_mps=None, nav=ARDUCOPTER
) -> np.ndarray:
    """What distance over speed counts for each leg: horizontal distance at the leg's speed,
    height at the climb or descent speed (a vertical leg's own speed), and the hold. [s]"""
    xyz = np.asarray(xyz_m, dtype=float)
    m = len(xyz) - 1
    d = np.diff(xyz, axis=0)
    vert = np.broadcast_to(np.asarray(vertical, dtype=bool), (m,))
    v = np.broadcast_to(np.asarray(speed_mps, dtype=float), (m,))
    up, dn = _speeds(m, climb_mps, descent_mps, nav)
    horiz = np.where(vert, 0.0, np.hypot(d[:, 0], d[:, 1]))
    vs = np.where(vert & (v > 0), v, np.where(d[:, 2] > 0, up, dn))
    t_move = np.where(horiz > 0, horiz / np.where(v > 0, v, 1.0), 0.0)
    return t_move + np.abs(d[:, 2]) / vs + np.broadcast_to(np.asarray(hold_s, dtype=float), (m,))


def leg_extra_s(xyz_m, speed_mps, hold_s, vertical, *, signed: bool = False, **kw) -> np.ndarray:
    """Time each leg takes beyond :func:`naive_leg_times_s` as ArduCopter flies it
    (:func:`sortie_leg_times_s`). A sloped leg climbs while it moves, faster than the naive
    sum of its level and vertical times: ``signed`` keeps that saving (negative), else the
    extra is never below 0 (the hover energy a check adds). [s]"""
    naive_kw = {k: v for k, v in kw.items() if k in ("climb_mps", "descent_mps", "nav")}
    full = sortie_leg_times_s(xyz_m, speed_mps, hold_s, vertical, **kw)
    extra = full - naive_leg_times_s(xyz_m, speed_mps, hold_s, vertical, **naive_kw)
    return extra if signed else np.maximum(extra, 0.0)
