"""Independent checks of power-line missions, from the exported files only.

The conductors are rebuilt here from the towers with our own parabola, the flight paths
and photos are read back from ``mission.geojson`` and the ``.plan`` mission items; nothing
of the planner's internals is used.
"""

from __future__ import annotations

import json
import math

import numpy as np
from pyproj import Geod
from scipy.spatial import cKDTree

CMD_NAV_WAYPOINT, CMD_NAV_LAND, CMD_NAV_TAKEOFF = 16, 21, 22
CMD_ROI, CMD_DIGICAM, CMD_MOUNT, CMD_TRIGG_DIST = 201, 203, 205, 206
CMD_GIMBAL_PITCHYAW, GIMBAL_YAW_LOCK = 1000, 16
NAV = {CMD_NAV_WAYPOINT, CMD_NAV_LAND, CMD_NAV_TAKEOFF}
#: MAVLink commands ArduCopter accepts as mission items (AP_Mission, 4.x) that we may use.
ARDUCOPTER_OK = {16, 21, 22, 115, 178, 183, 201, 203, 205, 206, 211, 1000, 42600}
_GEOD = Geod(ellps="WGS84")

PHASES = ((-1.0, 4.0), (0.0, 4.0), (1.0, 4.0), (0.0, 0.0))  # (share of half-width, drop m)


def conductors(line, step_m=0.5, sag_frac=0.03, feet=None):
    """Points of every sagged conductor of ``line`` (towers' x, y, height, half-width):
    attachment on the crossarm bisector, parabola of depth ``sag_frac * span`` at mid-span.
    ``feet``: elevation of each tower's foot in the caller's reference (default 0, flat
    ground).  Returns (N, 3) points and (N,) span index."""
    xy = np.array([(t.x_m, t.y_m) for t in line.towers])
    h = np.array([t.height_m for t in line.towers])
    if feet is not None:
        h = h + np.asarray(feet, dtype=float)
    half = np.array([t.crossarm_half_m for t in line.towers])
    d = np.diff(xy, axis=0)
    L = np.hypot(d[:, 0], d[:, 1])
    u = d / L[:, None]
    nrm = np.column_stack([-u[:, 1], u[:, 0]])
    n_in = np.vstack([nrm[:1], nrm])
    n_out = np.vstack([nrm, nrm[-1:]])
    bis = n_in + n_out
    bis = bis / np.einsum("ij,ij->i", bis, n_out)[:, None]  # unit lateral offset from both
    pts, spans = [], []
    for i in range(len(L)):
        t = np.linspace(0, 1, math.ceil(L[i] / step_m) + 1)
        for frac, drop in PHASES:
            a = xy[i] + frac * half[i] * bis[i]
            b = xy[i + 1] + frac * half[i + 1] * bis[i + 1]
            za, zb = h[i] - drop, h[i + 1] - drop
            z = za + (zb - za) * t - 4 * sag_frac * L[i] * t * (1 - t)
            pts.append(np.column_stack([a + t[:, None] * (b - a), z]))
            spans.append(np.full(len(t), i))
    return np.vstack(pts), np.concatenate(spans)


def legs_from_geojson(files, frame):
    """Flight legs as (start xyz, end xyz, sortie, energy_wh) in the local frame."""
    gj = json.loads(files["mission.geojson"])
    out = []
    for f in gj["features"]:
        if f["properties"].get("role") != "leg":
            continue
        c = np.array(f["geometry"]["coordinates"], dtype=float)
        x, y = frame.to_local(c[:, 0], c[:, 1])
        xyz = np.column_stack([x, y, c[:, 2]])
        out.append((xyz[0], xyz[1], f["properties"]["sortie"], f["properties"]["energy_wh"]))
    return out


def sample_legs(legs, step_m=0.5):
    """Points along every leg (3-D, ``step_m`` apart at most)."""
    pts = []
    for a, b, _, _ in legs:
        n = max(1, math.ceil(np.linalg.norm(b - a) / step_m))
        t = np.linspace(0, 1, n + 1)[:, None]
        pts.append(a[None, :] + t * (b - a)[None, :])
    return np.vstack(pts)


def min_clearance(files, frame, lines, step_m=0.5):
    """Least 3-D distance from any flight-path point to any conductor point. [m]"""
    path = sample_legs(legs_from_geojson(files, frame), step_m)
    best = math.inf
    tree = cKDTree(path)
    for ln in lines:
        cond, _ = conductors(ln, step_m)
        d, _ = tree.query(cond)
        best = min(best, float(d.min()))
    return best


def min_clearance_on_terrain(files, frame, lines, ground_fn, step_m=0.5):
    """Least 3-D distance from the flight paths to the conductors on sloping ground: each
    sortie's altitudes (relative to its take-off point) are put on the ground elevation at
    that point, each tower on the ground at its foot, both from ``ground_fn(x, y)`` (the
    test's own terrain, metres above sea level). [m]"""
    legs = legs_from_geojson(files, frame)
    home: dict[int, float] = {}
    for a, _, sortie, _ in legs:
        home.setdefault(sortie, float(ground_fn(a[0], a[1])))
    up = {s: np.array([0.0, 0.0, h]) for s, h in home.items()}
    shifted = [(a + up[s], b + up[s], s, e) for a, b, s, e in legs]
    tree = cKDTree(sample_legs(shifted, step_m))
    best = math.inf
    for ln in lines:
        feet = [float(ground_fn(t.x_m, t.y_m)) for t in ln.towers]
        cond, _ = conductors(ln, step_m, feet=feet)
        d, _ = tree.query(cond)
        best = min(best, float(d.min()))
    return best


def plan_items(files):
    """(sortie name, list of items (command, params 7-list)) of every .plan file."""
    out = []
    for name in sorted(files):
        if name.endswith(".plan"):
            plan = json.loads(files[name])
            items = [(it["command"], it["params"]) for it in plan["mission"]["items"]]
            out.append((name, items, plan))
    return out


def photos_from_plan(items, frame):
    """Simulate the camera of one sortie from its items.

    Returns a list of photos (xyz, heading unit vector of the flight (2,), gimbal pitch °,
    gimbal yaw ° relative to the heading (clockwise), roi target xyz or None).
    Distance triggering fires at once when set and then every ``d`` metres flown; a
    DO_DIGICAM_CONTROL, or a trigger stop with param3 = 1, fires one photo at the last nav
    point.  A gimbal command with an earth-frame yaw (DO_GIMBAL_MANAGER_PITCHYAW, flags 16)
    aims the camera along that true bearing: its photos carry as "roi" a point 10 m along
    the aim (horizontally) and the yaw relative to the flight's heading.
    """
    navs = []  # (index, xyz)
    latlon = {}
    for k, (cmd, p) in enumerate(items):
        if cmd in NAV:
            x, y = frame.to_local(p[5], p[4])
            navs.append((k, np.array([float(x), float(y), float(p[6] or 0.0)])))
            latlon[k] = (float(p[4]), float(p[5]))
    nav_at = {k: xyz for k, xyz in navs}
    nav_keys = [k for k, _ in navs]

    def heading(k_nav_pos: int, prefer_next: bool):
        j = nav_keys.index(k_nav_pos)
        cands = []
        cands = [(j, j + 1), (j - 1, j)] if prefer_next else [(j - 1, j), (j, j + 1)]
        for a, b in cands:
            if a >= 0 and b < len(nav_keys):
                d = nav_at[nav_keys[b]][:2] - nav_at[nav_keys[a]][:2]
                if np.hypot(*d) > 0.5:
                    return d / np.hypot(*d)
        return np.array([1.0, 0.0])

    photos = []
    pitch = yaw = 0.0
    roi = None
    earth = None  # (pitch, true bearing) of an earth-frame gimbal command
    trig = 0.0
    since = 0.0
    last = None

    def snap(pos, hd, k_nav):
        if earth is None:
            return (pos, hd, pitch, yaw, roi)
        lat, lon = latlon[k_nav]
        lon2, lat2, _ = _GEOD.fwd(lon, lat, earth[1], 10.0)
        x, y = frame.to_local(lon2, lat2)
        aim = np.array([float(x), float(y)]) - pos[:2]
        rel = math.degrees(math.atan2(hd[1], hd[0]) - math.atan2(aim[1], aim[0]))
        target = np.array([float(x), float(y), pos[2] + 10.0 * math.tan(math.radians(earth[0]))])
        return (pos, hd, earth[0], (rel + 180.0) % 360.0 - 180.0, target)

    for k, (cmd, p) in enumerate(items):
        if cmd in NAV:
            pos = nav_at[k]
            if last is not None and trig > 0:
                seg = pos - last[1]
                L = float(np.hypot(seg[0], seg[1]))
                if L > 0:
                    hd = seg[:2] / L
                    s = trig - since
                    while s <= L + 1e-9:
                        photos.append(snap(last[1] + seg * (s / L), hd, last[0]))
                        s += trig
                    since = L - (s - trig)
            last = (k, pos)
        elif cmd == CMD_MOUNT:
            pitch, yaw = float(p[0]), float(p[2])
            earth = None
        elif cmd == CMD_GIMBAL_PITCHYAW:
            if int(p[4]) & GIMBAL_YAW_LOCK:
                earth = (float(p[0]), float(p[1]))
            else:
                pitch, yaw, earth, roi = float(p[0]), float(p[1]), None, None
        elif cmd == CMD_ROI:
            roi = None
            if int(p[0]) == 3:  # MAV_ROI_LOCATION
                x, y = frame.to_local(p[5], p[4])
                roi = np.array([float(x), float(y), float(p[6])])
        elif cmd == CMD_TRIGG_DIST:
            trig = float(p[0])
            if trig > 0 and last is not None:
                photos.append(snap(last[1], heading(last[0], True), last[0]))
                since = 0.0
            elif trig == 0 and float(p[2]) == 1 and last is not None:
                photos.append(snap(last[1], heading(last[0], False), last[0]))
        elif cmd == CMD_DIGICAM and last is not None:
            photos.append(snap(last[1], heading(last[0], False), last[0]))
    return photos


def in_view(points, photo, hfov_rad, vfov_rad):
    """Which of ``points`` (N, 3) a photo sees (pinhole camera, landscape, no roll)."""
    pos, hd, pitch, yaw, _ = photo
    az = math.atan2(hd[1], hd[0]) - math.radians(yaw)  # clockwise yaw
    ph = math.radians(pitch)
    f = np.array([math.cos(ph) * math.cos(az), math.cos(ph) * math.sin(az), math.sin(ph)])
    r = np.array([math.sin(az), -math.cos(az), 0.0])
    up = np.cross(r, f)
    v = points - pos[None, :]
    z = v @ f
    with np.errstate(divide="ignore", invalid="ignore"):
        ok = (z > 0) & (np.abs(v @ r) <= z * math.tan(hfov_rad / 2) + 1e-9)
        ok &= np.abs(v @ up) <= z * math.tan(vfov_rad / 2) + 1e-9
    return ok


# ----------------------------------------------------------------------------- autopilot time
#: ArduCopter 4.6 timing parameters of the SITL reference flights (PARM records, see
#: shared/reference/sitl-flights/README.md), in SI units.
ARDUCOPTER_TIMING = {
    "speed_mps": 10.0,  # WPNAV_SPEED 1000 cm/s (until a DO_CHANGE_SPEED)
    "accel_mps2": 2.5,  # WPNAV_ACCEL 250 cm/s/s
    "jerk_mps3": 1.0,  # WPNAV_JERK 1 m/s/s/s
    "climb_mps": 2.5,  # WPNAV_SPEED_UP 250 cm/s
    "descent_mps": 1.5,  # WPNAV_SPEED_DN 150 cm/s
    "accel_z_mps2": 1.0,  # WPNAV_ACCEL_Z 100 cm/s/s
    "land_mps": 0.5,  # LAND_SPEED 50 cm/s below LAND_ALT_LOW
    "land_alt_low_m": 10.0,  # LAND_ALT_LOW 1000 cm
}


def _accel_phase(v, accel, jerk):
    """Time [s] and distance [m] to speed up from rest to ``v`` with the acceleration
    ramped at ``jerk`` up to ``accel`` and back to 0 (a jerk-limited S-curve half)."""
    if v <= 0:
        return 0.0, 0.0
    t = v / accel + accel / jerk if v >= accel**2 / jerk else 2.0 * math.sqrt(v / jerk)
    return t, v * t / 2.0


def s_curve_time(length_m, speed_mps, accel_mps2, jerk_mps3):
    """Rest-to-rest time [s] over ``length_m`` of a jerk-limited S-curve, and the time of
    its speeding-up half [s]: cruise where the leg is long enough, else the peak speed the
    leg allows (bisection)."""
    if length_m <= 0:
        return 0.0, 0.0
    t, d = _accel_phase(speed_mps, accel_mps2, jerk_mps3)
    if 2 * d <= length_m:
        return 2 * t + (length_m - 2 * d) / speed_mps, t
    lo, hi = 0.0, speed_mps
    for _ in range(60):
        mid = 0.5 * (lo + hi)
        if 2 * _accel_phase(mid, accel_mps2, jerk_mps3)[1] > length_m:
            hi = mid
        else:
            lo = mid
    t, _ = _accel_phase(lo, accel_mps2, jerk_mps3)
    return 2 * t, t


def mission_legs(items, frame):
    """Navigation legs of a mission's items (command, 7 params), home excluded: arrays of
    end points (n + 1, 3) from the take-off point [m], holds (n,) [s], commanded speeds
    (n,) [m/s] and kinds (``takeoff``, ``land``, ``leg``)."""
    pts, hold, speed, kinds = [np.zeros(3)], [], [], []
    v = ARDUCOPTER_TIMING["speed_mps"]
    origin = None
    for cmd, p in items:
        if cmd == 178 and p[1] > 0:
            v = float(p[1])
        if cmd not in NAV:
            continue
        x, y = frame.to_local(p[5], p[4])
        xy = np.array([float(x), float(y)])
        if origin is None:
            origin = xy  # the take-off climbs above its start
        z = 0.0 if cmd == CMD_NAV_LAND else float(p[6])
        pts.append(np.array([*(xy - origin), z]))
        hold.append(float(p[0]) if cmd == CMD_NAV_WAYPOINT else 0.0)
        speed.append(v)
        kinds.append({CMD_NAV_TAKEOFF: "takeoff", CMD_NAV_LAND: "land"}.get(cmd, "leg"))
    return np.array(pts), np.array(hold), np.array(speed), kinds


def arducopter_mission_time(items, frame, timing=ARDUCOPTER_TIMING):
    """The test's own model of how long ArduCopter flies a mission (take-off to touchdown),
    from its items alone. [s]

    Model, from the SITL tracks of issue 13 (shared/reference/sitl-flights): every leg is
    a rest-to-rest jerk-limited S-curve (WPNAV_ACCEL, WPNAV_JERK, the leg's speed; a
    climb or descent at WPNAV_SPEED_UP / _DN with WPNAV_ACCEL_Z and the same jerk; a
    sloped leg takes the longer of the two); at a waypoint without a hold between two
    horizontal legs the next leg starts while the one before brakes, saving
    ``max(0, cos(turn))`` times the shorter of the braking and the speeding-up halves (so
    a straight pass-through costs nothing, a 90-degree corner is a stop, and a chain of
    3 m legs is flown at about 1.2 m/s); holds add; the landing descends at WPNAV_SPEED_DN
    down to LAND_ALT_LOW and at LAND_SPEED below it.
    """
    pts, hold, speed, kinds = mission_legs(items, frame)
    a, j = timing["accel_mps2"], timing["jerk_mps3"]
    d = np.diff(pts, axis=0)
    h = np.hypot(d[:, 0], d[:, 1])
    n = len(speed)
    t, half = np.zeros(n), np.zeros(n)
    for i in range(n):
        dz = abs(d[i, 2])
        if kinds[i] == "land":
            low = timing["land_alt_low_m"]
            t[i] = max(dz - low, 0.0) / timing["descent_mps"] + min(dz, low) / timing["land_mps"]
            continue
        vz = timing["climb_mps"] if d[i, 2] > 0 else timing["descent_mps"]
        th, ta = s_curve_time(h[i], speed[i], a, j) if h[i] > 0.01 else (0.0, 0.0)
        tv, _ = s_curve_time(dz, vz, timing["accel_z_mps2"], j) if dz > 0.01 else (0.0, 0.0)
        t[i], half[i] = (th, ta) if th >= tv else (tv, tv / 2)
    for k in range(n - 1):
        if hold[k] > 0 or kinds[k] != "leg" or kinds[k + 1] != "leg":
            continue
        if h[k] > 0.01 and h[k + 1] > 0.01:
            cos_turn = float(d[k, :2] @ d[k + 1, :2]) / (h[k] * h[k + 1])
            t[k] -= max(cos_turn, 0.0) * min(half[k], half[k + 1])
    return float((t + hold).sum())
