"""Autopilot profiles: what one aircraft's autopilot can store and which devices it drives.

A profile says how many mission, fence and rally items the autopilot accepts in one upload,
which payload devices it has configured (camera trigger, gimbal, gripper, winch) and on which
servo outputs, and the default vertical speeds it flies.  Exporters choose commands from it
(camera pointing by gimbal type), refuse missions that do not fit it, and write the setup
sheet (``autopilot.param``) from it; ``airwork check`` reports the same limits.

Bundled presets (:func:`profile_names`), with the source of every limit:

``arducopter-4.6``
    ArduCopter 4.6 without SD-card mission storage, with the "payload" set-up of the SITL
    reference flights: servo camera trigger on SERVO10, 3-axis servo gimbal (SERVO5 roll,
    SERVO6 tilt, SERVO7 pan), servo gripper on SERVO13, PWM winch on SERVO14.
    Mission: 650 items including the home item (``AP_Mission::num_commands_max()`` =
    (mission storage - 4) / 15 bytes; the SITL upload of an 856-item mission was refused with
    ``MAV_MISSION_NO_SPACE``, "Only 650 items are supported").  Fence: 560 bytes of storage
    (``StorageManager`` copter layout: 48 + 256 + 256 bytes, "70 fence points" on Pixhawk),
    at most 70 items (``AC_PolyFence_loader::max_items()`` = storage / 8) and at most 560 bytes
    as ``AC_PolyFence_loader::fence_storage_space_required`` counts them: 4 header bytes, a
    polygon 2 + 8 per vertex, a circle 13, a return point 9 (the 69-vertex spray fence was
    accepted, the 87-vertex survey fence refused).  Rally: 46 points (copter layout).
``arducopter-4.6-sd``
    The same with ``BRD_SD_MISSION 64`` (64 kB of mission storage on the SD card):
    (65536 - 4) / 15 = 4368 items.
``arducopter-4.6-tilt``
    Servo camera trigger and a tilt-only servo mount (SERVO6); no gripper, no winch (the
    "tilt" reference set-up).  The vehicle yaws to point the camera.
``arducopter-4.6-nogimbal``
    Servo camera trigger fixed to the airframe, no gimbal: the vehicle yaws to point it.
``arducopter-4.6-bare``
    No payload device (the "default" reference set-up): spraying through a servo output only.
``px4-1.15``
    PX4 v1.15 with a MAVLink camera and gimbal manager: 500 mission items (the smallest
    ``CONFIG_NUM_MISSION_ITMES_SUPPORTED`` a PX4 board is built with, dataman), 63 fence
    items (``DM_KEY_FENCE_POINTS_MAX`` 64, the first slot holds the count), 31 rally points
    (``DM_KEY_SAFE_POINTS_MAX`` 32, likewise); the fence has no byte budget.

A profile may be loaded from a YAML file (:func:`load_profile` with a path); see
:func:`profile_from_dict` for its keys.
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from airwork.autopilot.items import Autopilot
from airwork.errors import ExportError, InputFileError

__all__ = [
    "PRESETS",
    "AutopilotProfile",
    "GimbalType",
    "ServoMap",
    "default_profile",
    "load_profile",
    "profile_from_dict",
    "profile_names",
    "resolve_profile",
]


class GimbalType(StrEnum):
    """How the camera is pointed."""

    NONE = "none"  #: fixed to the airframe: the vehicle yaws, the pitch is fixed
    TILT = "tilt"  #: tilt (pitch) only: the vehicle yaws, the gimbal pitches
    THREE_AXIS = "3-axis"  #: roll, tilt and pan: the gimbal points on its own


@dataclass(frozen=True)
class ServoMap:
    """Servo outputs (1-based ``SERVOn``) of the payload devices; None = not on a servo.

    Attributes
    ----------
    camera_trigger : int or None
        Camera shutter servo (``SERVOn_FUNCTION`` 10, camera trigger).
    gimbal_roll, gimbal_tilt, gimbal_pan : int or None
        Servo gimbal outputs (functions 8, 7 and 6, mount roll/tilt/yaw).
    gripper : int or None
        Gripper servo (function 28).
    winch : int or None
        Winch PWM output (function 88).
    """

    camera_trigger: int | None = 10
    gimbal_roll: int | None = 5
    gimbal_tilt: int | None = 6
    gimbal_pan: int | None = 7
    gripper: int | None = 13
    winch: int | None = 14

    def __post_init__(self) -> None:
        used: dict[int, str] = {}
        for f in fields(self):
            n = getattr(self, f.name)
            if n is None:
                continue
            if not isinstance(n, int) or not 1 <= n <= 32:
                raise ExportError(f"servo {f.name}: expected an output 1..32, got {n!r}")
            if n in used:
                raise ExportError(f"servo {f.name}: SERVO{n} is already {used[n]}")
            used[n] = f.name


@dataclass(frozen=True)
class AutopilotProfile:
    """One aircraft's autopilot: its storage limits, devices and default vertical speeds.

    Attributes
    ----------
    name : str
    firmware : Autopilot
    description : str
    max_mission_items : int
        Items one mission upload may hold (``MISSION_COUNT``; for ArduPilot including the
        home item at sequence 0). [-]
    max_fence_items : int
        Fence items (every polygon vertex, every circle, a return point). [-]
    fence_storage_bytes : int or None
        ArduPilot's fence storage; None when the firmware counts items only. [bytes]
    max_rally_points : int
        [-]
    camera_trigger : bool
        A camera the autopilot triggers (``DO_DIGICAM_CONTROL``, ``DO_SET_CAM_TRIGG_DIST``).
    gimbal : GimbalType
    gripper, winch : bool
    servos : ServoMap
    climb_speed_mps, descent_speed_mps : float
        The autopilot's default vertical speeds in waypoint flight (ArduCopter
        ``WPNAV_SPEED_UP`` / ``WPNAV_SPEED_DN``); also the fastest vertical speeds the
        exporters command. [m/s]
    params : dict of str to float
        Further parameters the setup sheet writes (overriding its own). [-]
    """

    name: str
    firmware: Autopilot
    description: str = ""
    max_mission_items: int = 650
    max_fence_items: int = 70
    fence_storage_bytes: int | None = 560
    max_rally_points: int = 46
    camera_trigger: bool = True
    gimbal: GimbalType = GimbalType.THREE_AXIS
    gripper: bool = True
    winch: bool = True
    servos: ServoMap = field(default_factory=ServoMap)
    climb_speed_mps: float = 2.5
    descent_speed_mps: float = 1.5
    params: Mapping[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        where = f"autopilot profile {self.name!r}"
        object.__setattr__(self, "firmware", Autopilot(self.firmware))
        object.__setattr__(self, "gimbal", GimbalType(self.gimbal))
        for key in ("max_mission_items", "max_fence_items", "max_rally_points"):
            value = getattr(self, key)
            if not isinstance(value, int) or value < 0:
                raise ExportError(f"{where}: {key} must be an integer >= 0, got {value!r}")
        if self.max_mission_items < 2:
            raise ExportError(f"{where}: max_mission_items must be >= 2")
        if self.fence_storage_bytes is not None and self.fence_storage_bytes < 0:
            raise ExportError(f"{where}: fence_storage_bytes must be >= 0 or null")
        for key in ("climb_speed_mps", "descent_speed_mps"):
            value = getattr(self, key)
            if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
                raise ExportError(f"{where}: {key} must be > 0 m/s, got {value!r}")
        for key, value in self.params.items():
            if not isinstance(value, int | float) or not math.isfinite(value):
                raise ExportError(f"{where}: parameter {key} must be a number, got {value!r}")
        servos = self.servos
        if self.gimbal is not GimbalType.THREE_AXIS:
            servos = replace(servos, gimbal_roll=None, gimbal_pan=None)
        if self.gimbal is GimbalType.NONE:
            servos = replace(servos, gimbal_tilt=None)
        if not self.camera_trigger:
            servos = replace(servos, camera_trigger=None)
        if not self.gripper:
            servos = replace(servos, gripper=None)
        if not self.winch:
            servos = replace(servos, winch=None)
        object.__setattr__(self, "servos", servos)
        object.__setattr__(self, "params", dict(self.params))

    @property
    def devices(self) -> dict[str, Any]:
        """The payload devices, for reports."""
        return {
            "camera_trigger": self.camera_trigger,
            "gimbal": str(self.gimbal),
            "gripper": self.gripper,
            "winch": self.winch,
        }


_AP = Autopilot.ARDUPILOT
_COPTER = AutopilotProfile(
    name="arducopter-4.6",
    firmware=_AP,
    description="ArduCopter 4.6, no SD mission storage; servo camera, 3-axis servo gimbal, "
    "gripper, winch",
)

#: Bundled profiles by name (sources in the module docstring).
PRESETS: dict[str, AutopilotProfile] = {
    p.name: p
    for p in (
        _COPTER,
        replace(
            _COPTER,
            name="arducopter-4.6-sd",
            description="ArduCopter 4.6 with 64 kB SD mission storage (BRD_SD_MISSION 64); "
            "servo camera, 3-axis servo gimbal, gripper, winch",
            max_mission_items=4368,
            params={"BRD_SD_MISSION": 64},
        ),
        replace(
            _COPTER,
            name="arducopter-4.6-tilt",
            description="ArduCopter 4.6; servo camera on a tilt-only servo mount, no gripper "
            "or winch",
            gimbal=GimbalType.TILT,
            gripper=False,
            winch=False,
        ),
        replace(
            _COPTER,
            name="arducopter-4.6-nogimbal",
            description="ArduCopter 4.6; servo camera fixed to the airframe (no gimbal), no "
            "gripper or winch",
            gimbal=GimbalType.NONE,
            gripper=False,
            winch=False,
        ),
        replace(
            _COPTER,
            name="arducopter-4.6-bare",
            description="ArduCopter 4.6 with no payload device (spraying through a servo "
            "output only)",
            camera_trigger=False,
            gimbal=GimbalType.NONE,
            gripper=False,
            winch=False,
        ),
        AutopilotProfile(
            name="px4-1.15",
            firmware=Autopilot.PX4,
            description="PX4 1.15; MAVLink camera and gimbal manager (3-axis), gripper, winch",
            max_mission_items=500,
            max_fence_items=63,
            fence_storage_bytes=None,
            max_rally_points=31,
            climb_speed_mps=3.0,
            descent_speed_mps=1.0,
        ),
    )
}

_DEFAULT_OF = {Autopilot.ARDUPILOT: "arducopter-4.6", Autopilot.PX4: "px4-1.15"}


def profile_names() -> list[str]:
    """Names of the bundled profiles."""
    return list(PRESETS)


def default_profile(autopilot: Autopilot | str = Autopilot.ARDUPILOT) -> AutopilotProfile:
    """The bundled profile used when none is given: ``arducopter-4.6`` or ``px4-1.15``."""
    return PRESETS[_DEFAULT_OF[Autopilot(autopilot)]]


_SCALAR_KEYS = {
    "name",
    "firmware",
    "description",
    "max_mission_items",
    "max_fence_items",
    "fence_storage_bytes",
    "max_rally_points",
    "climb_speed_mps",
    "descent_speed_mps",
}
_DEVICE_KEYS = {"camera_trigger", "gimbal", "gripper", "winch"}


def profile_from_dict(data: Mapping[str, Any], *, where: str = "profile") -> AutopilotProfile:
    """A profile from a mapping (a parsed YAML file).

    Keys: ``base`` (a bundled profile to start from, default ``arducopter-4.6`` or the
    firmware's default), ``name``, ``firmware`` (``ardupilot`` / ``px4``), ``description``,
    ``max_mission_items``, ``max_fence_items``, ``fence_storage_bytes`` (or null),
    ``max_rally_points``, ``climb_speed_mps``, ``descent_speed_mps``, ``devices`` (a mapping
    of ``camera_trigger``, ``gimbal`` (``none`` / ``tilt`` / ``3-axis``), ``gripper``,
    ``winch``), ``servos`` (a mapping of :class:`ServoMap` fields to output numbers or null)
    and ``params`` (``NAME: value`` for the setup sheet).

    Raises
    ------
    ExportError
        An unknown key or base, or a value out of range (the message names it and ``where``).
    """
    if not isinstance(data, Mapping):
        raise ExportError(f"{where}: a profile is a mapping of keys, got {type(data).__name__}")
    allowed = _SCALAR_KEYS | {"base", "devices", "servos", "params"}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise ExportError(
            f"{where}: unknown key(s) {', '.join(unknown)} (allowed: {', '.join(sorted(allowed))})"
        )
    firmware = data.get("firmware")
    base_name = data.get("base") or _DEFAULT_OF[Autopilot(firmware or "ardupilot")]
    if base_name not in PRESETS:
        raise ExportError(f"{where}: unknown base profile {base_name!r} ({', '.join(PRESETS)})")
    base = PRESETS[base_name]
    changes: dict[str, Any] = {k: data[k] for k in _SCALAR_KEYS if k in data}
    changes.setdefault("name", Path(where).stem if where != "profile" else base.name)
    devices = data.get("devices") or {}
    if not isinstance(devices, Mapping) or set(devices) - _DEVICE_KEYS:
        raise ExportError(
            f"{where}: devices must map {', '.join(sorted(_DEVICE_KEYS))} to values, got "
            f"{devices!r}"
        )
    changes.update(devices)
    servos = data.get("servos") or {}
    names = {f.name for f in fields(ServoMap)}
    if not isinstance(servos, Mapping) or set(servos) - names:
        raise ExportError(
            f"{where}: servos must map {', '.join(sorted(names))} to outputs, got {servos!r}"
        )
    changes["servos"] = replace(ServoMap(), **servos)
    params = data.get("params") or {}
    if not isinstance(params, Mapping):
        raise ExportError(f"{where}: params must map NAME to a number, got {params!r}")
    changes["params"] = {**base.params, **{str(k).upper(): v for k, v in params.items()}}
    try:
        return replace(base, **changes)
    except ValueError as exc:
        if isinstance(exc, ExportError):
            raise ExportError(f"{where}: {exc}") from None
        raise ExportError(f"{where}: {exc}") from None


def load_profile(name_or_path: str | os.PathLike[str]) -> AutopilotProfile:
    """A bundled profile by name, or a profile from a YAML file by path.

    Raises
    ------
    InputFileError
        Neither a bundled name nor a readable file.
    ExportError
        A malformed profile file (the message names the file and the key).
    """
    text = str(name_or_path)
    if text in PRESETS:
        return PRESETS[text]
    path = Path(text)
    if not path.is_file():
        raise InputFileError(
            f"{text}: no such autopilot profile (bundled: {', '.join(PRESETS)}; or a YAML file)"
        )
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read ({exc})") from None
    except yaml.YAMLError as exc:
        raise ExportError(f"{path}: invalid YAML ({exc})") from None
    return profile_from_dict(data or {}, where=str(path))


def resolve_profile(
    profile: AutopilotProfile | str | None, autopilot: Autopilot | str = Autopilot.ARDUPILOT
) -> AutopilotProfile:
    """``profile`` itself, a profile loaded by name or path, or the firmware's default."""
    if profile is None:
        return default_profile(autopilot)
    if isinstance(profile, AutopilotProfile):
        return profile
    return load_profile(profile)
