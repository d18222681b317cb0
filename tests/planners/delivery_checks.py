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


def corner_losses(sortie, v: float, accel: float = WAYPOINT_ACCEL_MPS2) -> np.ndarray:
    """Hover time each leg loses to its corners (uniform acceleration, written here
    apart from the builder), each horizontal leg at its commanded ground speed (``v``
    where a sortie carries none): speed through a waypoint min(v_in, v_out) max(0, cos
    turn), 0 at a hold or a vertical leg, lowered where a leg is too short to brake or speed up
    (forward and backward passes); a leg that reaches its speed loses (v-u)^2/2av + (v-w)^2/2av,
    a short one peaks at p = sqrt(aL + (u^2+w^2)/2). [s]"""
    wps = sortie.waypoints
    n = len(sortie.legs)
    d = np.array([(wps[i + 1].x_m - wps[i].x_m, wps[i + 1].y_m - wps[i].y_m) for i in range(n)])
    horiz = np.hypot(d[:, 0], d[:, 1])
    vert = np.array([leg.kind.value in ("takeoff", "landing") for leg in sortie.legs])
    commanded = np.array([leg.speed_mps or v for leg in sortie.legs])
    speed = np.where((horiz > 0) & ~vert, commanded, 0.0)
    vc = np.zeros(n + 1)  # speed through each waypoint; rest at both ends
    for j in range(1, n):
        if wps[j].hold_s > 0 or horiz[j - 1] == 0 or horiz[j] == 0:
            c = 0.0
        else:
            c = max(0.0, float(d[j - 1] @ d[j]) / (horiz[j - 1] * horiz[j]))
        vc[j] = min(speed[j - 1], speed[j]) * c
    for j in range(n):  # forward: can speed up along each leg
        vc[j + 1] = min(vc[j + 1], math.sqrt(vc[j] ** 2 + 2 * accel * horiz[j]))
    for j in range(n - 1, -1, -1):  # backward: can brake along each leg
        vc[j] = min(vc[j], math.sqrt(vc[j + 1] ** 2 + 2 * accel * horiz[j]))
    out = np.zeros(n)
    for i in range(n):
        x, length = speed[i], horiz[i]
        if x <= 0 or length <= 0:
            continue
        u, w = min(vc[i], x), min(vc[i + 1], x)
        if length >= (2 * x * x - u * u - w * w) / (2 * accel):  # reaches its speed
            out[i] = ((x - u) ** 2 + (x - w) ** 2) / (2 * accel * x)
        else:  # peaks below it
            p = math.sqrt(max(accel * length + 0.5 * (u * u + w * w), max(u, w) ** 2))
            out[i] = max((p - u) / accel + (p - w) / accel - length / x, 0.0)
    return out


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
