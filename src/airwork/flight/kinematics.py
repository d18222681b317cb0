"""Autopilot kinematics: how long a path takes when the aircraft brakes for corners and
stops, and the default vertical speeds (ArduPilot Copter's waypoint navigation).

Part of the one flight model (:mod:`airwork.flight`): every planner, the sortie builder
and the check take their corner and stop times from here.  Two levels:

* the ArduCopter time model of :mod:`airwork.flight.scurve` (re-exported here:
  :func:`sortie_leg_times_s`, :func:`leg_extra_s`, :func:`path_times_s`, take-off and
  landing), S-curve legs with ``WPNAV_ACCEL`` and ``WPNAV_JERK``, corners blended as
  ``SCurve::advance_target_along_track`` blends them; within 1 % of all nine SITL reference
  flights; the sortie builder and the check price with it;
* quick closed forms for planners' inner loops (:func:`corner_speed_mps`,
  :func:`speed_change_loss_s`, :func:`reachable_speeds_mps`, :func:`leg_speed_losses_s`),
  uniform-acceleration approximations of the same behaviour.
"""

from __future__ import annotations

import numpy as np

from airwork.flight.scurve import (
    ARDUCOPTER,
    WaypointNav,
    landing_time_s,
    leg_extra_s,
    naive_leg_times_s,
    path_times_s,
    scurve_leg_time_s,
    sortie_leg_times_s,
    takeoff_time_s,
)

__all__ = [
    "ARDUCOPTER",
    "CLIMB_SPEED_MPS",
    "DESCENT_SPEED_MPS",
    "WAYPOINT_ACCEL_MPS2",
    "WaypointNav",
    "corner_speed_mps",
    "landing_time_s",
    "leg_extra_s",
    "leg_speed_losses_s",
    "naive_leg_times_s",
    "path_times_s",
    "reachable_speeds_mps",
    "scurve_leg_time_s",
    "sortie_leg_times_s",
    "speed_change_loss_s",
    "takeoff_time_s",
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
