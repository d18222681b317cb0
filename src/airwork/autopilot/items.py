"""What an autopilot takes: firmware names, MAVLink mission items, accepted commands, frames.

The shared vocabulary of the exporters (:mod:`airwork.autopilot.mission_items` turns a Mission into
these items), of the mission-file readers (:mod:`airwork.autopilot.read`) and of the check.
Nothing here plans or writes files.  Command choices were checked against pymavlink's
``MAV_CMD`` enums, ArduPilot's ``AP_Mission::mavlink_int_to_mission_cmd`` and PX4's
``MavlinkMissionManager`` (see ``mission-formats.md`` section 3).
"""

from __future__ import annotations

from dataclasses import dataclass

from pymavlink import mavutil

from airwork.autopilot.firmware import Autopilot
from airwork.errors import ExportError
from airwork.mission.model import AltitudeRef, Mission

__all__ = [
    "ACCEPTED_COMMANDS",
    "ARDUPILOT_COPTER_COMMANDS",
    "DEFAULT_SPRAY",
    "PX4_MISSION_COMMANDS",
    "Autopilot",
    "MissionItem",
    "SprayOutput",
    "command_name",
    "location_frame",
    "vehicle_mav_type",
]

_ML = mavutil.mavlink


@dataclass(frozen=True)
class MissionItem:
    """One MAVLink mission item (the fields of ``MISSION_ITEM``).

    Attributes
    ----------
    seq : int
        Sequence number; 0 is the home position.
    frame : int
        ``MAV_FRAME`` id.
    command : int
        ``MAV_CMD`` id.
    params : tuple of 4 float
        param1..param4, in the command's units; NaN where MAVLink means "unset".
    lat_deg, lon_deg : float
        Latitude and longitude [°] for commands with a location; otherwise the raw
        param5 and param6.
    alt_m : float
        Altitude [m] in ``frame`` (param7).
    autocontinue : bool
        Continue to the next item when this one completes.
    current : bool
        True only on the home item.
    """

    seq: int
    frame: int
    command: int
    params: tuple[float, float, float, float]
    lat_deg: float
    lon_deg: float
    alt_m: float
    autocontinue: bool = True
    current: bool = False

    @property
    def has_location(self) -> bool:
        """Whether x/y/z are a position (every frame except ``MAV_FRAME_MISSION``)."""
        return self.frame != _ML.MAV_FRAME_MISSION


@dataclass(frozen=True)
class SprayOutput:
    """The servo output that switches the sprayer pump or valve.

    The mission assumes a pump/valve on output ``SERVOn`` (n = ``servo``) configured with
    ``SERVOn_FUNCTION = 0`` (plain output, so a mission may set it), switched by
    ``DO_SET_SERVO`` (183) to ``pwm_on_us`` / ``pwm_off_us``.  ArduPilot's own sprayer
    library (``SPRAY_ENABLE``, functions 22/23) is not used: it would spray automatically
    above ``SPRAY_SPEED_MIN`` in AUTO, on transit legs too.

    Attributes
    ----------
    servo : int
        1-based servo output number. [-]
    pwm_on_us, pwm_off_us : int
        Pulse widths for pump on and off. [µs]
    """

    servo: int = 9
    pwm_on_us: int = 1900
    pwm_off_us: int = 1100

    def __post_init__(self) -> None:
        if self.servo < 1:
            raise ValueError(f"Expected servo >= 1 (SERVOn is 1-based), got {self.servo}.")
        for name in ("pwm_on_us", "pwm_off_us"):
            value = getattr(self, name)
            if not 500 <= value <= 2500:
                raise ValueError(f"Expected {name} in [500, 2500] µs, got {value}.")


#: The default spray output (SERVO9, 1900 µs on, 1100 µs off).
DEFAULT_SPRAY = SprayOutput()

#: Mission commands we may emit for ArduPilot, each one accepted by ArduCopter's
#: ``AP_Mission::mavlink_int_to_mission_cmd`` (4.6-dev): navigation 16/21/22 and
#: CONDITION_YAW 115, DO_CHANGE_SPEED 178, DO_SET_SERVO 183, DO_SET_ROI 201,
#: DO_DIGICAM_CONTROL 203, DO_MOUNT_CONTROL 205, DO_SET_CAM_TRIGG_DIST 206, DO_GRIPPER 211,
#: DO_GIMBAL_MANAGER_PITCHYAW 1000 (stored with integer angles, param5 = flags, param7 =
#: gimbal id; started by ``AP_Mission::start_command_do_gimbal_manager_pitchyaw``, 4.5+),
#: DO_WINCH 42600.
ARDUPILOT_COPTER_COMMANDS: frozenset[int] = frozenset(
    {
        _ML.MAV_CMD_NAV_WAYPOINT,
        _ML.MAV_CMD_NAV_LAND,
        _ML.MAV_CMD_NAV_TAKEOFF,
        _ML.MAV_CMD_CONDITION_YAW,
        _ML.MAV_CMD_DO_CHANGE_SPEED,
        _ML.MAV_CMD_DO_SET_SERVO,
        _ML.MAV_CMD_DO_SET_ROI,
        _ML.MAV_CMD_DO_DIGICAM_CONTROL,
        _ML.MAV_CMD_DO_MOUNT_CONTROL,
        _ML.MAV_CMD_DO_SET_CAM_TRIGG_DIST,
        _ML.MAV_CMD_DO_GRIPPER,
        _ML.MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW,
        _ML.MAV_CMD_DO_WINCH,
    }
)

#: Mission commands we may emit for PX4, each one accepted by PX4's
#: ``MavlinkMissionManager::parse_mavlink_mission_item``.
PX4_MISSION_COMMANDS: frozenset[int] = frozenset(
    {
        _ML.MAV_CMD_NAV_WAYPOINT,
        _ML.MAV_CMD_NAV_LAND,
        _ML.MAV_CMD_NAV_TAKEOFF,
        _ML.MAV_CMD_DO_CHANGE_SPEED,
        _ML.MAV_CMD_DO_SET_ROI_LOCATION,
        _ML.MAV_CMD_DO_SET_ROI_NONE,
        _ML.MAV_CMD_DO_DIGICAM_CONTROL,
        _ML.MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW,
        _ML.MAV_CMD_DO_SET_CAM_TRIGG_DIST,
        _ML.MAV_CMD_DO_GRIPPER,
        _ML.MAV_CMD_DO_WINCH,
    }
)

ACCEPTED_COMMANDS: dict[Autopilot, frozenset[int]] = {
    Autopilot.ARDUPILOT: ARDUPILOT_COPTER_COMMANDS,
    Autopilot.PX4: PX4_MISSION_COMMANDS,
}

_FRAME_OF_REF = {
    AltitudeRef.TAKEOFF: _ML.MAV_FRAME_GLOBAL_RELATIVE_ALT,
    AltitudeRef.MSL: _ML.MAV_FRAME_GLOBAL,
    AltitudeRef.GROUND: _ML.MAV_FRAME_GLOBAL_TERRAIN_ALT,
}

_MAV_TYPE_OF_VEHICLE = {
    "quadrotor": _ML.MAV_TYPE_QUADROTOR,
    "hexarotor": _ML.MAV_TYPE_HEXAROTOR,
    "octorotor": _ML.MAV_TYPE_OCTOROTOR,
    # A coaxial multirotor (X8, Y6 ...); MAV_TYPE_COAXIAL (3) is a coaxial helicopter.
    "coaxial": _ML.MAV_TYPE_OCTOROTOR,
    "vtol": _ML.MAV_TYPE_VTOL_QUADROTOR,
}


def command_name(command: int) -> str:
    """Short MAVLink name of a command id, e.g. ``16`` -> ``"NAV_WAYPOINT"``.

    Parameters
    ----------
    command : int
        ``MAV_CMD`` id.

    Returns
    -------
    str
        The name without its ``MAV_CMD_`` prefix, or ``"CMD_<id>"`` if pymavlink does not
        know the id.
    """
    entry = _ML.enums["MAV_CMD"].get(command)
    if entry is None or not entry.name.startswith("MAV_CMD_"):
        return f"CMD_{command}"
    return entry.name.removeprefix("MAV_CMD_")


def location_frame(altitude_ref: AltitudeRef | str) -> int:
    """``MAV_FRAME`` id for altitudes in ``altitude_ref``.

    Parameters
    ----------
    altitude_ref : AltitudeRef or str
        ``takeoff`` (3, relative to home), ``msl`` (0, AMSL) or ``ground`` (10, AGL).

    Returns
    -------
    int
    """
    return _FRAME_OF_REF[AltitudeRef(altitude_ref)]


def vehicle_mav_type(mission: Mission) -> int:
    """``MAV_TYPE`` of the mission's vehicle.

    Parameters
    ----------
    mission : Mission
        Its ``vehicle`` attribute (default ``"quadrotor"``) is one of ``quadrotor`` (2),
        ``hexarotor`` (13), ``octorotor`` (14), ``coaxial`` (14, a coaxial multirotor) or
        ``vtol`` (20).

    Returns
    -------
    int

    Raises
    ------
    ExportError
        For any other vehicle.
    """
    vehicle = str(getattr(mission, "vehicle", "quadrotor")).lower()
    try:
        return _MAV_TYPE_OF_VEHICLE[vehicle]
    except KeyError:
        valid = ", ".join(sorted(_MAV_TYPE_OF_VEHICLE))
        raise ExportError(
            f"mission {mission.name!r}: unknown vehicle {vehicle!r} (expected one of {valid})"
        ) from None
