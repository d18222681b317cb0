"""The autopilot part of ``airwork check``: storage limits and missing devices.

Hooked into :func:`airwork.airspace.check.check_flight` for every sortie it checks; adds
violations of two kinds (see :mod:`airwork.autopilot.limits` for the rules):

``autopilot_limit``  a sortie's mission items, the fence or the rally points are more than the
                     autopilot profile stores (the upload would be refused with
                     ``MAV_MISSION_NO_SPACE``) [items or bytes over]
``device_missing``   an item drives a device (camera trigger, gimbal, gripper, winch) the
                     profile does not have: the autopilot would run it and do nothing
                     [items]

A planned mission is counted with the exporter (the items and the fitted fence it writes);
an imported ``.plan`` / ``.waypoints`` as the file is (its items, fence vertices and circles,
rally points).
"""

from __future__ import annotations

import numpy as np
from pymavlink import mavutil

from airwork.autopilot.items import Autopilot, command_name
from airwork.autopilot.limits import (
    LimitProblem,
    device_problems,
    item_count_problem,
    limit_problems,
)
from airwork.autopilot.profiles import AutopilotProfile, GimbalType, resolve_profile

__all__ = ["check_autopilot", "file_device_problems"]

_ML = mavutil.mavlink

_DEVICE_OF_COMMAND = {
    _ML.MAV_CMD_DO_DIGICAM_CONTROL: ("camera_trigger", "a camera trigger"),
    _ML.MAV_CMD_DO_SET_CAM_TRIGG_DIST: ("camera_trigger", "a camera trigger"),
    _ML.MAV_CMD_DO_SET_CAM_TRIGG_INTERVAL: ("camera_trigger", "a camera trigger"),
    _ML.MAV_CMD_DO_GRIPPER: ("gripper", "a gripper"),
    _ML.MAV_CMD_DO_WINCH: ("winch", "a winch"),
    _ML.MAV_CMD_DO_MOUNT_CONTROL: ("gimbal", "a gimbal"),
    _ML.MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW: ("gimbal", "a gimbal"),
}


def file_device_problems(
    sortie: int, commands: list[tuple[int, int]], profile: AutopilotProfile
) -> list[LimitProblem]:
    """Items of a mission file (``(seq, MAV_CMD)`` pairs) that need a device the profile
    lacks: one problem per device, naming the first item and how many there are."""
    found: dict[str, list[tuple[int, int]]] = {}
    for seq, cmd in commands:
        if cmd not in _DEVICE_OF_COMMAND:
            continue
        attr, _ = _DEVICE_OF_COMMAND[cmd]
        has = profile.gimbal is not GimbalType.NONE if attr == "gimbal" else getattr(profile, attr)
        if not has:
            found.setdefault(attr, []).append((seq, cmd))
    out = []
    for hits in found.values():
        seq, cmd = hits[0]
        more = f" and {len(hits) - 1} more" if len(hits) > 1 else ""
        name = _DEVICE_OF_COMMAND[cmd][1]
        out.append(
            LimitProblem(
                sortie,
                "device",
                len(hits),
                0,
                f"sortie {sortie}, item {seq} ({command_name(cmd)}){more}: needs {name}, "
                f"which profile {profile.name} does not have",
                item=seq,
            )
        )
    return out


def _file_limits(flight, track, profile: AutopilotProfile, first: bool) -> list[LimitProblem]:
    px4 = profile.firmware is Autopilot.PX4
    count = len(track.commands) + (0 if px4 else 1)
    out = []
    p = item_count_problem(track.sortie, count, profile, with_home=not px4)
    if p is not None:
        out.append(p)
    if first:
        items, size = getattr(flight, "fence_items", 0), getattr(flight, "fence_bytes", 0)
        cap = profile.fence_storage_bytes
        if items > profile.max_fence_items or (cap is not None and size > cap):
            out.append(
                LimitProblem(
                    0,
                    "fence_items",
                    items,
                    profile.max_fence_items,
                    f"geofence: {items} fence items ({size} bytes), more than {profile.name} "
                    f"stores ({profile.max_fence_items} items"
                    + (f", {cap} bytes" if cap is not None else "")
                    + "): the fence upload would be refused (MAV_MISSION_NO_SPACE)",
                )
            )
        n_rally = len(flight.rally_xy_m)
        if n_rally > profile.max_rally_points:
            out.append(
                LimitProblem(
                    0,
                    "rally_points",
                    n_rally,
                    profile.max_rally_points,
                    f"{n_rally} rally points, more than the {profile.max_rally_points} "
                    f"{profile.name} stores",
                )
            )
    out += file_device_problems(track.sortie, track.commands, profile)
    return out


def check_autopilot(
    flight,
    track,
    collector,
    profile: AutopilotProfile | str | None,
    autopilot: Autopilot,
    cache: dict | None = None,
) -> None:
    """Add this sortie's autopilot-limit and missing-device violations to ``collector``
    (fence and rally points once, with the first sortie).

    ``cache``: a dict kept across the sorties of one check, so a planned mission's limits
    (every sortie's items and the fitted fence) are worked out once, not once a sortie.
    """
    prof = resolve_profile(profile, autopilot)
    first = track is flight.tracks[0]
    if flight.mission is not None:
        cache = {} if cache is None else cache
        if "limits" not in cache:
            cache["limits"] = limit_problems(flight.mission, prof)
            cache["devices"] = device_problems(flight.mission, prof)
        problems = [
            p for p in cache["limits"] if p.sortie == track.sortie or (first and p.sortie == 0)
        ]
        problems += [p for p in cache["devices"] if p.sortie == track.sortie]
    else:
        problems = _file_limits(flight, track, prof, first)
    s = collector.s
    ordered = bool(np.all(np.diff(s.item) >= 0))
    for p in problems:
        i = 0
        if p.item >= 0 and ordered:
            i = min(int(np.searchsorted(s.item, p.item)), len(s.x) - 1)
        if p.kind == "device":
            collector.add("device_missing", i, float(p.count), "items", 0.0, "device", p.message)
        else:
            unit = "bytes" if p.kind == "fence_storage" else "items"
            over = float(p.count - p.limit)
            collector.add("autopilot_limit", i, over, unit, float(p.limit), p.kind, p.message)
