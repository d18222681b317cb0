"""A sortie as a route of airborne waypoints, for waypoint-mission apps (DJI WPML, Litchi).

Those apps take off and land by themselves: the route is every waypoint from the top of the
climb to the last one above the landing point, in WGS84, with altitudes above the take-off
point, the speed to the next waypoint, the hover at each, and what to do there (photos,
gimbal, heading) in app-neutral terms.  Camera runs (``CAMERA_TRIGGER_DISTANCE``) become
(start, end, distance) windows; a run's last planned photo at its very end gets a single
photo there, as in the MAVLink export (:func:`airwork.autopilot.pointing.end_photo_needed`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from airwork.autopilot.pointing import bearing_deg, end_photo_needed
from airwork.mission.model import ActionKind, LegKind, Mission, Sortie

__all__ = ["RoutePoint", "SortieRoute", "route_problems", "sortie_route"]

_WORK_ACTIONS = {
    ActionKind.SPRAY_ON: "switch a sprayer",
    ActionKind.SPRAY_OFF: "switch a sprayer",
    ActionKind.PAYLOAD_RELEASE: "release a payload (gripper)",
    ActionKind.WINCH: "run a winch",
}


@dataclass
class RoutePoint:
    """One airborne waypoint.

    Attributes
    ----------
    lat, lon : float
        [°]
    alt_m : float
        Above the take-off point. [m]
    speed_mps : float
        To the next waypoint (horizontal, or vertical on a vertical leg). [m/s]
    hold_s : float
        Hover on arrival. [s]
    photo : bool
        Take one photo on arrival (after the hover).
    gimbal_pitch_deg : float or None
        Gimbal pitch to set on arrival (negative down). [°]
    heading_deg : float or None
        Aircraft heading to hold at this waypoint (true bearing, 0-360) to face a target. [°]
    gimbal_yaw_deg : float or None
        Gimbal yaw relative to the heading, when not 0. [°]
    poi : (lat, lon, alt) or None
        The target the camera looks at from here.
    """

    lat: float
    lon: float
    alt_m: float
    speed_mps: float
    hold_s: float = 0.0
    photo: bool = False
    gimbal_pitch_deg: float | None = None
    heading_deg: float | None = None
    gimbal_yaw_deg: float | None = None
    poi: tuple[float, float, float] | None = None


@dataclass
class SortieRoute:
    """The route of a sortie: points and distance-triggered photo windows ``(first index,
    last index, distance m)``."""

    points: list[RoutePoint]
    windows: list[tuple[int, int, float]] = field(default_factory=list)


def route_problems(mission: Mission, what: str) -> list[str]:
    """What a waypoint app cannot carry: spraying, payload release, winch, altitudes that are
    not above the take-off point."""
    out = []
    kinds = {ActionKind(a.kind) for s in mission.sorties for w in s.waypoints for a in w.actions}
    for k in sorted(kinds & set(_WORK_ACTIONS), key=str):
        out.append(f"{what} cannot {_WORK_ACTIONS[k]} (waypoint action {k.value})")
    if str(mission.altitude_ref) != "takeoff":
        out.append(
            f"{what} routes are flown relative to the take-off point; the mission's altitudes "
            f"are {mission.altitude_ref} (plan with altitude_ref 'takeoff')"
        )
    return sorted(set(out))


def sortie_route(mission: Mission, sortie: Sortie) -> SortieRoute:
    """The airborne route of ``sortie`` (waypoints 1 .. n - 2 of a take-off ... landing
    sortie)."""
    wps = sortie.waypoints
    xy = sortie.xy_m
    lon, lat = (
        np.atleast_1d(np.asarray(v, dtype=float))
        for v in mission.frame.to_lonlat(xy[:, 0], xy[:, 1])
    )
    first, last = 1, len(wps) - 2
    points: list[RoutePoint] = []
    for k in range(first, last + 1):
        leg = sortie.legs[k] if k < len(sortie.legs) else None
        speed = float(leg.speed_mps) if leg is not None and leg.kind != LegKind.LANDING else 0.0
        points.append(
            RoutePoint(
                float(lat[k]), float(lon[k]), float(wps[k].alt_m), speed, float(wps[k].hold_s)
            )
        )
    windows: list[tuple[int, int, float]] = []
    run: tuple[int, float] | None = None
    for k in range(first, last + 1):
        i = k - first
        acts = list(wps[k].actions)
        for j, a in enumerate(acts):
            kind = ActionKind(a.kind)
            if kind is ActionKind.CAMERA_PHOTO:
                points[i].photo = True
            elif kind is ActionKind.CAMERA_TRIGGER_DISTANCE and float(a.value) > 0:
                run = (i, float(a.value))
            elif kind is ActionKind.CAMERA_TRIGGER_DISTANCE and run is not None:
                start, d = run
                seg = xy[start + first : k + 1]
                length = float(np.sum(np.hypot(*np.diff(seg, axis=0).T))) if len(seg) > 1 else 0.0
                windows.append((start, i, d))
                if end_photo_needed(length, d):
                    points[i].photo = True
                run = None
            elif kind is ActionKind.GIMBAL:
                points[i].gimbal_pitch_deg = float(a.value)
                if float(a.value2) != 0.0 and not any(
                    ActionKind(b.kind) is ActionKind.POINT_CAMERA and b.target_m is not None
                    for b in acts[:j]
                ):
                    points[i].gimbal_yaw_deg = float(a.value2)
            elif kind is ActionKind.POINT_CAMERA and a.target_m is not None:
                photo_here = any(ActionKind(b.kind) is ActionKind.CAMERA_PHOTO for b in acts[j:])
                at = i if photo_here or i + 1 >= len(points) else i + 1
                tx, ty, tz = (float(v) for v in a.target_m)
                tlon, tlat = mission.frame.to_lonlat(tx, ty)
                p = points[at]
                p.heading_deg = bearing_deg(p.lat, p.lon, float(tlat), float(tlon))
                p.poi = (float(tlat), float(tlon), tz)
                offset = next(
                    (float(b.value2) for b in acts[j:] if ActionKind(b.kind) is ActionKind.GIMBAL),
                    0.0,
                )
                p.heading_deg = (p.heading_deg + offset) % 360.0
                if p.gimbal_pitch_deg is None:
                    pitch = next(
                        (
                            float(b.value)
                            for b in acts[j:]
                            if ActionKind(b.kind) is ActionKind.GIMBAL
                        ),
                        None,
                    )
                    if pitch is None:
                        d = math.hypot(*(np.asarray([tx, ty]) - xy[at + first]))
                        pitch = math.degrees(math.atan2(tz - p.alt_m, max(d, 1e-6)))
                    p.gimbal_pitch_deg = pitch
    if run is not None:  # a run still on at the end of the route
        windows.append((run[0], len(points) - 1, run[1]))
    return SortieRoute(points, windows)
