"""What an autopilot cannot store, and which devices a mission needs that it lacks.

:func:`limit_problems` lists, for one :class:`~airwork.autopilot.profiles.AutopilotProfile`,
every sortie whose mission items are more than the profile accepts in one upload, a fence
that does not fit its fence storage even after conservative simplification
(:func:`~airwork.autopilot.fence.mission_fence`), and more rally points than it stores.
:func:`device_problems` lists the mission items that drive a device the profile does not
have (a camera trigger, a gimbal that can pan, a gripper, a winch): ArduPilot runs such items
and does nothing (the gripper even reports "Gripper Released").

Both are used by the exporters' ``problems()`` (which then refuse) and by ``airwork check``
(violations of kinds ``autopilot_limit`` and ``device_missing``); nothing is ever cut.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from pymavlink import mavutil

from airwork.autopilot.fence import mission_fence
from airwork.autopilot.items import DEFAULT_SPRAY, Autopilot, SprayOutput
from airwork.autopilot.mission_items import mission_items
from airwork.autopilot.profiles import AutopilotProfile, GimbalType, resolve_profile
from airwork.errors import ExportError
from airwork.mission.model import ActionKind, Mission

__all__ = [
    "LimitProblem",
    "device_problems",
    "item_count_problem",
    "limit_problems",
]

_ML = mavutil.mavlink


@dataclass(frozen=True)
class LimitProblem:
    """One limit a mission passes, or one device it needs and lacks.

    Attributes
    ----------
    sortie : int
        1-based sortie, or 0 for what every sortie's upload carries (fence, rally points).
    kind : str
        ``mission_items``, ``fence_items``, ``fence_storage``, ``rally_points`` or
        ``device``.
    count, limit : int
        What the mission needs and what the profile takes. [-] or [bytes]
    item : int
        Waypoint index (for a device problem) or -1.
    message : str
        One line naming the sortie, the count and the limit.
    """

    sortie: int
    kind: str
    count: int
    limit: int
    message: str
    item: int = -1


def item_count_problem(
    sortie: int, count: int, profile: AutopilotProfile, *, with_home: bool = True
) -> LimitProblem | None:
    """The problem of a sortie uploading ``count`` mission items, if any.

    Parameters
    ----------
    count : int
        Items the upload sends (``MISSION_COUNT``). [-]
    with_home : bool
        ``count`` includes ArduPilot's home item (sequence 0).
    """
    if count <= profile.max_mission_items:
        return None
    home = " (with the home item)" if with_home else ""
    hint = (
        " or use a profile with SD mission storage (arducopter-4.6-sd)"
        if profile.firmware is Autopilot.ARDUPILOT and profile.max_mission_items < 1000
        else ""
    )
    return LimitProblem(
        sortie,
        "mission_items",
        count,
        profile.max_mission_items,
        f"sortie {sortie}: {count} mission items{home}, {count - profile.max_mission_items} "
        f"more than the {profile.max_mission_items} {profile.name} accepts "
        f"(MAV_MISSION_NO_SPACE): split the sortie{hint}",
    )


def limit_problems(
    mission: Mission,
    profile: AutopilotProfile | str | None = None,
    *,
    spray: SprayOutput = DEFAULT_SPRAY,
) -> list[LimitProblem]:
    """Every storage limit of ``profile`` the mission passes.

    Parameters
    ----------
    mission : Mission
    profile : AutopilotProfile, str or None
        None: ArduCopter's default profile.
    spray : SprayOutput

    Returns
    -------
    list of LimitProblem
        Mission items per sortie (counted with
        :func:`~airwork.autopilot.mission_items.mission_items`;
        for PX4 without the home item), then the fence and the rally points (sortie 0).
        A sortie the exporter refuses for another reason is skipped here.
    """
    prof = resolve_profile(profile)
    out: list[LimitProblem] = []
    px4 = prof.firmware is Autopilot.PX4
    for s in mission.sorties:
        try:
            n = len(mission_items(mission, s, profile=prof, spray=spray))
        except ExportError:
            continue
        p = item_count_problem(s.index, n - 1 if px4 else n, prof, with_home=not px4)
        if p is not None:
            out.append(p)
    fence = mission_fence(mission, prof)
    if fence.items > prof.max_fence_items:
        out.append(
            LimitProblem(
                0,
                "fence_items",
                fence.items,
                prof.max_fence_items,
                f"geofence: {fence.items} fence items (vertices and circles), more than the "
                f"{prof.max_fence_items} {prof.name} stores, and no simplification keeps the "
                "flight path inside with its margin",
            )
        )
    cap = prof.fence_storage_bytes
    if cap is not None and fence.storage_bytes > cap:
        out.append(
            LimitProblem(
                0,
                "fence_storage",
                fence.storage_bytes,
                cap,
                f"geofence: needs {fence.storage_bytes} bytes of fence storage, more than the "
                f"{cap} of {prof.name}, and no simplification keeps the flight path inside "
                "with its margin",
            )
        )
    if len(mission.stations) > prof.max_rally_points:
        out.append(
            LimitProblem(
                0,
                "rally_points",
                len(mission.stations),
                prof.max_rally_points,
                f"{len(mission.stations)} rally points (one per station), more than the "
                f"{prof.max_rally_points} {prof.name} stores",
            )
        )
    return out


_NEEDS = {
    ActionKind.CAMERA_PHOTO: ("camera_trigger", "a camera trigger", "DO_DIGICAM_CONTROL"),
    ActionKind.CAMERA_TRIGGER_DISTANCE: (
        "camera_trigger",
        "a camera trigger",
        "DO_SET_CAM_TRIGG_DIST",
    ),
    ActionKind.PAYLOAD_RELEASE: ("gripper", "a gripper", "DO_GRIPPER"),
    ActionKind.WINCH: ("winch", "a winch", "DO_WINCH"),
}


def device_problems(
    mission: Mission, profile: AutopilotProfile | str | None = None
) -> list[LimitProblem]:
    """Mission actions that need a device ``profile`` lacks (one problem per sortie and
    kind of device, naming the first waypoint and how many there are)."""
    prof = resolve_profile(profile)
    out: list[LimitProblem] = []
    for s in mission.sorties:
        found: dict[str, list[int]] = {}
        what: dict[str, str] = {}
        for k, w in enumerate(s.waypoints):
            pointed = False  # a GIMBAL after a target gives its pitch (yaw from the target)
            for a in w.actions:
                kind = ActionKind(a.kind)
                if kind is ActionKind.POINT_CAMERA:
                    pointed = a.target_m is not None
                if kind in _NEEDS:
                    attr, name, cmd = _NEEDS[kind]
                    if not getattr(prof, attr):
                        found.setdefault(attr, []).append(k)
                        what[attr] = f"{cmd} needs {name}"
                elif kind is not ActionKind.GIMBAL:
                    continue
                elif prof.gimbal is GimbalType.NONE:
                    found.setdefault("gimbal_tilt", []).append(k)
                    what["gimbal_tilt"] = "a camera pitch needs a gimbal (not written)"
                elif float(a.value2) != 0.0 and not pointed and prof.gimbal is GimbalType.TILT:
                    found.setdefault("gimbal_pan", []).append(k)
                    what["gimbal_pan"] = (
                        f"a camera yaw of {float(a.value2):g}° from the heading needs a "
                        "3-axis gimbal (only the pitch is written)"
                    )
        for attr, wps in found.items():
            more = f" and {len(wps) - 1} more" if len(wps) > 1 else ""
            out.append(
                LimitProblem(
                    s.index,
                    "device",
                    len(wps),
                    0,
                    f"sortie {s.index}, waypoint {wps[0]}{more}: {what[attr]}, which profile "
                    f"{prof.name} does not have",
                    item=wps[0],
                )
            )
    return out


def messages(problems: Iterable[LimitProblem]) -> list[str]:
    """The problems' one-line messages."""
    return [p.message for p in problems]
