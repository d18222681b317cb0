"""Independent re-check pieces for delivery trips, written apart from the planner and the
sortie builder: shared by ``test_delivery.py`` and ``bench/bench_delivery.py``."""

from __future__ import annotations

import math

import numpy as np

from airwork.flight.kinematics import WAYPOINT_ACCEL_MPS2

__all__ = ["corner_losses", "ground_speed", "replay_items"]


def ground_speed(v, w, d):
    """Solve |g u - w| = V for g > 0 (air velocity = ground velocity - wind)."""
    u = d / np.linalg.norm(d)
    # g^2 - 2 g (u.w) + |w|^2 - V^2 = 0
    b = float(u @ w)
    return b + math.sqrt(b * b - float(w @ w) + v * v)


def corner_losses(
    sortie, v: float, accel: float = WAYPOINT_ACCEL_MPS2, *, signed: bool = False
) -> np.ndarray:
    """Hover time each leg takes beyond its length over its speed (and its height over its
    vertical speed): ArduCopter's S-curve legs, blended corners, stops, take-off and landing
    (:func:`airwork.flight.scurve.leg_extra_s`, the time model checked against the SITL
    reference flights in ``tests/flight/test_replay.py``), each horizontal leg at its
    commanded ground speed (``v`` where a sortie carries none). [s]

    The time model is taken from the library (it is validated on its own); the energy,
    payload, wind and altitude re-checks around it are written here apart.  ``signed``
    keeps the time a sloped leg saves by climbing while it moves (negative)."""
    from dataclasses import replace

    from airwork.flight.scurve import ARDUCOPTER, leg_extra_s

    wps = sortie.waypoints
    xyz = np.array([(w.x_m, w.y_m, w.alt_m) for w in wps])
    vert = np.array([leg.kind.value in ("takeoff", "landing") for leg in sortie.legs])
    speed = np.array([leg.speed_mps or v for leg in sortie.legs])
    hold = np.array([w.hold_s for w in wps[1:]])
    nav = replace(ARDUCOPTER, accel_mps2=accel)
    return leg_extra_s(xyz, speed, hold, vert, nav=nav, signed=signed)


# MAVLink command ids (common.xml), written here apart from the exporter
NAV_WAYPOINT, NAV_LAND, NAV_TAKEOFF = 16, 21, 22
DO_CHANGE_SPEED, DO_GRIPPER, DO_WINCH = 178, 211, 42600
CLIMB_MPS, DESCENT_MPS = 2.5, 1.5  # ArduPilot's WPNAV_SPEED_UP / _DN defaults


def replay_items(items, to_xy, *, winch_rate_mps: float, release_s: float) -> dict:
    """Replay MAVLink mission items the way ArduPilot runs them (a model written for the
    tests, after ``mission-formats.md`` and the SITL flights): a NAV item takes time (its
    horizontal distance at the last ground speed set, its climb at 2.5 m/s or descent at
    1.5 m/s, then its hold; take-off and landing vertical), the DO items after it start
    when it completes and run alongside the next NAV item; when that next NAV item
    completes at once (no distance, no hold) only the first of them starts (the rest are
    skipped, as item 9 in SITL flight ``deliv02_payload``).  A winch command pays out or
    winds in its length at ``winch_rate_mps``; a release takes ``release_s``.

    ``to_xy(lat, lon)`` gives local metres.  Returns the events: ``skipped`` (DO item
    seqs never run), ``winch`` ((start, end, length change) per winch command),
    ``releases`` ((time, line out then)), ``line_out_on_moves`` (line out [m] at the start
    of every NAV item that leaves the point horizontally or climbs), ``overlaps`` (winch
    commands started before the previous one finished, or within ``release_s`` of a
    release) and ``end_s``.
    """
    navs = [k for k, it in enumerate(items) if it.command in (NAV_WAYPOINT, NAV_TAKEOFF, NAV_LAND)]
    navs = [k for k in navs if k > 0]  # item 0 is the home
    speed, t = 1.0, 0.0
    first = items[navs[0]]
    pos = np.array([*to_xy(first.lat_deg, first.lon_deg), 0.0])
    nav_end: dict[int, float] = {}
    winch_end, last_release = -math.inf, -math.inf
    out = {"skipped": [], "winch": [], "releases": [], "line_out_on_moves": [], "overlaps": []}

    def line_at(time: float) -> float:
        length = 0.0
        for t0, t1, delta in out["winch"]:
            length += delta * min(max((time - t0) / max(t1 - t0, 1e-12), 0.0), 1.0)
        return length

    for n, k in enumerate(navs):
        it = items[k]
        # DO items between the previous NAV and this one: speed changes apply to this leg
        dos = [items[j] for j in range((navs[n - 1] + 1) if n else 1, k)]
        for d in dos:
            if d.command == DO_CHANGE_SPEED and int(d.params[0]) in (0, 1) and d.params[1] > 0:
                speed = d.params[1]
        if it.command == NAV_TAKEOFF:
            target = np.array([pos[0], pos[1], it.alt_m])
        elif it.command == NAV_LAND:
            target = np.array([*to_xy(it.lat_deg, it.lon_deg), 0.0])
        else:
            target = np.array([*to_xy(it.lat_deg, it.lon_deg), it.alt_m])
        horiz = float(np.hypot(*(target[:2] - pos[:2])))
        dz = float(target[2] - pos[2])
        moves = horiz > 0.01 or dz > 0.01
        if moves and n > 0:
            out["line_out_on_moves"].append(line_at(t))
        dur = horiz / speed + (dz / CLIMB_MPS if dz > 0 else -dz / DESCENT_MPS)
        if it.command == NAV_WAYPOINT:
            dur += it.params[0]
        # the DO items before this NAV started when the previous NAV completed
        start_dos = nav_end.get(navs[n - 1], 0.0) if n else 0.0
        for i, d in enumerate(dos):
            if dur <= 1e-9 and i > 0:
                out["skipped"].append(d.seq)
                continue
            if d.command == DO_WINCH:
                if start_dos < winch_end - 1e-9 or start_dos < last_release + release_s - 1e-9:
                    out["overlaps"].append(d.seq)
                delta = float(d.params[2])
                end = start_dos + abs(delta) / winch_rate_mps
                out["winch"].append((start_dos, end, delta))
                winch_end = end
            elif d.command == DO_GRIPPER:
                out["releases"].append((start_dos, line_at(start_dos)))
                last_release = start_dos
        t += dur
        nav_end[k] = t
        pos = target
    out["end_s"] = t
    out["line_at_end"] = line_at(t)
    return out
