"""A small, independent model of how ArduCopter 4.6 runs our mission items, for the tests.

Written from ArduPilot's sources (``AP_Mission::advance_current_nav_cmd`` /
``advance_current_do_cmd``, ``ModeAuto::wp_start`` / ``do_yaw`` / ``verify_yaw``,
``AP_Mission::start_command_camera`` and ``start_command_do_gimbal_manager_pitchyaw``,
``AP_Camera`` distance triggering), not from airwork's exporter:

* the vehicle flies from navigation item to navigation item; DO items after a navigation
  item run once it is reached, while the vehicle flies to the next one;
* heading (``WP_YAW_BEHAVIOR`` 2): along each leg of 2 m or more horizontally; kept on
  shorter (vertical) legs; a ``CONDITION_YAW`` (absolute) turns it to its angle and holds it
  until the next navigation item starts;
* gimbal: ``DO_GIMBAL_MANAGER_PITCHYAW`` with flags 16 keeps a yaw in the earth frame, with
  flags 0 a yaw relative to the nose; a tilt-only gimbal takes the pitch only, none nothing;
* camera: ``DO_DIGICAM_CONTROL`` and ``DO_SET_CAM_TRIGG_DIST`` with param3 = 1 take one
  photo where the vehicle is; a trigger distance d > 0 then takes a photo every time the
  vehicle is d or more from the last photo, checked every ``step_m`` of flight (a distance
  trigger fires a little late); the end-of-run item runs when the vehicle is
  ``arrive_early_m`` short of the run's last waypoint (it is reached within the waypoint
  radius).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pyproj import Geod

GEOD = Geod(ellps="WGS84")
NAV = {16, 21, 22}


@dataclass
class Photo:
    lat: float
    lon: float
    alt: float
    camera_bearing_deg: float  # where the camera looks, clockwise from true north
    pitch_deg: float
    single: bool  # a single shot (not a distance-triggered one)
    source: str = ""  # "digicam", "start", "stop" or "distance"


def simulate(items, *, gimbal: str = "3-axis", step_m: float = 0.2, arrive_early_m: float = 1.0):
    """Photos taken flying ``items`` (MissionItem list, home first)."""
    photos: list[Photo] = []
    heading = 0.0
    fixed = None  # CONDITION_YAW angle, held until the navigation item after next starts
    fixed_nav = 0  # ordinal of the navigation item the CONDITION_YAW followed
    nav_no = 0
    g_pitch, g_yaw, g_earth = 0.0, 0.0, False
    trig, last_photo = 0.0, None
    pos = (items[0].lat_deg, items[0].lon_deg, 0.0)

    def camera():
        h = fixed if fixed is not None else heading
        bearing = (g_yaw if g_earth else h + g_yaw) if gimbal == "3-axis" else h
        pitch = g_pitch if gimbal != "none" else 0.0
        return bearing % 360.0, pitch

    def shoot(p, single, source):
        nonlocal last_photo
        b, pitch = camera()
        photos.append(Photo(p[0], p[1], p[2], b, pitch, single, source))
        last_photo = p

    for k, it in enumerate(items[1:], start=1):
        if it.command in NAV:
            nav_no += 1
            # the yaw set after nav item m holds while the vehicle flies to item m + 1 and
            # while that item's DO items start; item m + 2's start resets it
            if fixed is not None and nav_no >= fixed_nav + 2:
                fixed = None
            target = (
                (it.lat_deg, it.lon_deg, it.alt_m)
                if it.command != 22
                else (
                    pos[0],
                    pos[1],
                    it.alt_m,
                )
            )
            az, _, dist = GEOD.inv(pos[1], pos[0], target[1], target[0])
            if dist >= 2.0:
                heading = az % 360.0
            # the run ends at the next nav item if a trigger stop follows it
            stop_follows = any(x.command == 206 and x.params[0] == 0 for x in _do_group(items, k))
            fly = max(dist - (arrive_early_m if stop_follows else 0.0), 0.0)
            if trig > 0 and dist > 0:
                for s in np.arange(step_m, fly + 1e-9, step_m):
                    lon, lat, _ = GEOD.fwd(pos[1], pos[0], az, s)
                    here = (lat, lon, target[2])
                    _, _, gap = GEOD.inv(last_photo[1], last_photo[0], lon, lat)
                    if gap >= trig:
                        shoot(here, False, "distance")
            if stop_follows and fly < dist:
                lon, lat, _ = GEOD.fwd(pos[1], pos[0], az, fly)
                pos = (lat, lon, target[2])
                # the stop runs here, short of the waypoint; then the vehicle completes it
                for x in _do_group(items, k):
                    if x.command == 206 and x.params[0] == 0:
                        trig = 0.0
                        if x.params[2] == 1:
                            shoot(pos, True, "stop")
            pos = target
            continue
        if it.command == 115:
            fixed, fixed_nav = it.params[0], nav_no
        elif it.command == 1000:
            g_pitch = it.params[0]
            if gimbal == "3-axis":
                g_yaw, g_earth = it.params[1], bool(int(it.lat_deg) & 16)
        elif it.command == 203:
            shoot(pos, True, "digicam")
        elif it.command == 206 and it.params[0] > 0:  # stops ran with their nav item
            trig = it.params[0]
            if it.params[2] == 1:
                shoot(pos, True, "start")
    return photos


def _do_group(items, k):
    """The DO items after navigation item ``k``."""
    out = []
    for it in items[k + 1 :]:
        if it.command in NAV:
            break
        out.append(it)
    return out


def angle_diff(a: float, b: float) -> float:
    """Smallest signed difference a - b of two bearings. [°]"""
    return (a - b + 180.0) % 360.0 - 180.0


def bearing(lat1, lon1, lat2, lon2) -> float:
    az, _, _ = GEOD.inv(lon1, lat1, lon2, lat2)
    return float(az) % 360.0


def distance(lat1, lon1, lat2, lon2) -> float:
    return float(GEOD.inv(lon1, lat1, lon2, lat2)[2])


__all__ = ["Photo", "angle_diff", "bearing", "distance", "math", "simulate"]
