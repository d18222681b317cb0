"""The setup sheet: the ArduPilot parameters a mission relies on, as a ``.param`` file.

``autopilot.param`` holds one ``NAME,VALUE`` line per parameter (Mission Planner's own
format; Mission Planner splits on commas, spaces or tabs and skips ``#`` lines, MAVProxy's
``param load`` (pymavlink ``MAVParmDict.load``) turns commas into spaces and strips ``#``
comments), grouped under comment lines that say what each group is for.

What is written, from the profile (:mod:`airwork.autopilot.profiles`) and for the devices
the mission uses:

* sprayer: ``SERVOn_FUNCTION 0`` on the spray output (a plain output ``DO_SET_SERVO`` may
  drive; ArduPilot's own sprayer would spray on transit legs too);
* camera trigger: ``CAM1_TYPE 1`` (servo), ``SERVOn_FUNCTION 10`` on the trigger output,
  ``CAM1_SERVO_ON/OFF`` 1300/1100 µs, ``CAM1_DURATION`` 0.1 s;
* gimbal: ``MNT1_TYPE 1`` (servo), ``MNT1_DEFLT_MODE 3`` (RC targeting), pitch/roll/yaw
  ranges, ``SERVOn_FUNCTION`` 8 (roll), 7 (tilt), 6 (pan) on the gimbal outputs;
* gripper: ``GRIP_ENABLE 1``, ``GRIP_TYPE 1`` (servo), grab/release/neutral 1900/1100/1500 µs,
  ``SERVOn_FUNCTION 28``;
* winch: ``WINCH_TYPE 1`` (PWM), ``WINCH_RATE_MAX 1`` m/s, ``WINCH_POS_P 1``,
  ``SERVOn_FUNCTION 88``;
* fence (when the mission has one): ``FENCE_ENABLE 1``, ``FENCE_TYPE`` 5 (maximum altitude
  and polygons/circles) or 1, ``FENCE_ALT_MAX`` (highest waypoint above home + 10 m, rounded
  up), ``FENCE_ACTION 1`` (RTL, or land), ``FENCE_MARGIN 2`` m;
* waypoint vertical speeds ``WPNAV_SPEED_UP``/``WPNAV_SPEED_DN`` [cm/s] = the profile's
  (what the exporter caps vertical speeds at);
* the profile's own ``params`` (e.g. ``BRD_SD_MISSION 64``), which override the above.

Values of the device groups are those of the SITL reference set-ups (their PARM records).
A device the mission needs and the profile lacks is listed as a comment (and reported by
``airwork check``); its parameters are not written.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from airwork.autopilot.fence import mission_fence
from airwork.autopilot.items import Autopilot, SprayOutput
from airwork.autopilot.limits import device_problems
from airwork.autopilot.profiles import AutopilotProfile, GimbalType
from airwork.mission.model import ActionKind, AltitudeRef, Mission

__all__ = ["PARAM", "setup_parameters", "to_param_file"]

Param = tuple[str, float]


def _uses(mission: Mission) -> set[ActionKind]:
    return {ActionKind(a.kind) for s in mission.sorties for w in s.waypoints for a in w.actions}


def _max_alt_above_home_m(mission: Mission) -> float:
    alts = [w.alt_m for s in mission.sorties for w in s.waypoints]
    top = max(alts) if alts else 0.0
    if mission.altitude_ref == AltitudeRef.MSL:
        top -= mission.home_amsl_m
    return top


def _device_groups(
    uses: set[ActionKind], profile: AutopilotProfile
) -> list[tuple[str, list[Param]]]:
    """Camera trigger, gimbal, gripper and winch groups, for what the mission uses and the
    profile has."""
    sv = profile.servos
    groups: list[tuple[str, list[Param]]] = []
    camera = uses & {ActionKind.CAMERA_PHOTO, ActionKind.CAMERA_TRIGGER_DISTANCE}
    if camera and profile.camera_trigger and sv.camera_trigger is not None:
        n = sv.camera_trigger
        cam: list[Param] = [("CAM1_TYPE", 1), (f"SERVO{n}_FUNCTION", 10)]
        cam += [("CAM1_SERVO_ON", 1300), ("CAM1_SERVO_OFF", 1100), ("CAM1_DURATION", 0.1)]
        groups.append((f"servo camera trigger on SERVO{n}", cam))
    pointing = uses & {ActionKind.GIMBAL, ActionKind.POINT_CAMERA}
    if pointing and profile.gimbal is not GimbalType.NONE:
        mount: list[Param] = [
            ("MNT1_TYPE", 1),
            ("MNT1_DEFLT_MODE", 3),
            ("MNT1_PITCH_MIN", -90),
            ("MNT1_PITCH_MAX", 20),
        ]
        outputs = [(sv.gimbal_tilt, 7)]
        if profile.gimbal is GimbalType.THREE_AXIS:
            mount += [("MNT1_ROLL_MIN", -30), ("MNT1_ROLL_MAX", 30)]
            mount += [("MNT1_YAW_MIN", -180), ("MNT1_YAW_MAX", 180)]
            outputs += [(sv.gimbal_roll, 8), (sv.gimbal_pan, 6)]
        mount += [(f"SERVO{n}_FUNCTION", f) for n, f in outputs if n is not None]
        groups.append((f"{profile.gimbal} servo gimbal", mount))
    if ActionKind.PAYLOAD_RELEASE in uses and profile.gripper and sv.gripper is not None:
        grip = [("GRIP_ENABLE", 1), ("GRIP_TYPE", 1), ("GRIP_GRAB", 1900)]
        grip += [("GRIP_RELEASE", 1100), ("GRIP_NEUTRAL", 1500)]
        groups.append(
            (f"servo gripper on SERVO{sv.gripper}", [*grip, (f"SERVO{sv.gripper}_FUNCTION", 28)])
        )
    if ActionKind.WINCH in uses and profile.winch and sv.winch is not None:
        winch = [("WINCH_TYPE", 1), ("WINCH_RATE_MAX", 1), ("WINCH_POS_P", 1)]
        groups.append(
            (f"PWM winch on SERVO{sv.winch}", [*winch, (f"SERVO{sv.winch}_FUNCTION", 88)])
        )
    return groups


def setup_parameters(
    mission: Mission, profile: AutopilotProfile, spray: SprayOutput
) -> list[tuple[str, list[Param]]]:
    """The parameters the mission relies on, in groups ``(title, [(NAME, value)])``.

    Raises
    ------
    ValueError
        For a PX4 profile (the sheet is written for ArduPilot).
    """
    if profile.firmware is not Autopilot.ARDUPILOT:
        raise ValueError("the setup sheet is written for ArduPilot only")
    uses = _uses(mission)
    groups: list[tuple[str, list[Param]]] = []
    if uses & {ActionKind.SPRAY_ON, ActionKind.SPRAY_OFF}:
        groups.append(
            (
                f"sprayer pump/valve on SERVO{spray.servo} (DO_SET_SERVO {spray.pwm_on_us}/"
                f"{spray.pwm_off_us} us)",
                [(f"SERVO{spray.servo}_FUNCTION", 0)],
            )
        )
    groups += _device_groups(uses, profile)
    fence = mission_fence(mission, profile)
    alt_max = math.ceil(_max_alt_above_home_m(mission) + 10.0)
    title = (
        "geofence (upload the .plan's fence with it)"
        if not fence.is_empty
        else "geofence: maximum altitude only (the mission has no fence)"
    )
    fence_type = 5 if not fence.is_empty else 1
    params: list[Param] = [("FENCE_ENABLE", 1), ("FENCE_TYPE", fence_type)]
    params += [("FENCE_ALT_MAX", alt_max), ("FENCE_ACTION", 1), ("FENCE_MARGIN", 2)]
    groups.append((title, params))
    groups.append(
        (
            "vertical speeds the mission's climbs and descents are capped at [cm/s]",
            [
                ("WPNAV_SPEED_UP", round(profile.climb_speed_mps * 100)),
                ("WPNAV_SPEED_DN", round(profile.descent_speed_mps * 100)),
            ],
        )
    )
    if profile.params:
        groups.append((f"profile {profile.name}", sorted(profile.params.items())))
    return groups


def _value(v: float) -> str:
    v = float(v)
    return str(int(v)) if v.is_integer() else f"{v:g}"


def to_param_file(mission: Mission, profile: AutopilotProfile, spray: SprayOutput) -> str:
    """The ``autopilot.param`` text (later groups override earlier ones, each name once)."""
    groups = setup_parameters(mission, profile, spray)
    final: dict[str, float] = {}
    for _, params in groups:
        for name, value in params:
            final[name] = value
    lines = [
        f"# airwork setup sheet for mission {mission.name!r}, autopilot profile {profile.name}",
        f"# {profile.description}" if profile.description else "#",
        "# Load in Mission Planner (Config > Full Parameter List > Load from file) or with",
        "# MAVProxy 'param load autopilot.param', then reboot the autopilot.",
    ]
    for p in device_problems(mission, profile):
        lines.append(f"# NOT CONFIGURED: {p.message}")
    written: set[str] = set()
    for title, params in groups:
        lines.append(f"# {title}")
        for name, _ in params:
            if name in written:
                continue
            written.add(name)
            lines.append(f"{name},{_value(final[name])}")
    return "\n".join(lines) + "\n"


@dataclass(frozen=True)
class _ParamSheet:
    name: str = "param"
    description: str = "autopilot.param: the ArduPilot parameters the mission relies on"

    def problems(self, mission: Mission, options) -> list[str]:
        if options.autopilot_profile.firmware is not Autopilot.ARDUPILOT:
            return ["the setup sheet (autopilot.param) is written for ArduPilot profiles only"]
        return []

    def files(self, mission: Mission, options) -> dict[str, bytes]:
        text = to_param_file(mission, options.autopilot_profile, options.spray)
        return {"autopilot.param": text.encode()}


PARAM = _ParamSheet()
