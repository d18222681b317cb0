"""What autopilots take and give back: MAVLink mission items, accepted commands, and
readers of mission files (``.plan``, ``QGC WPL 110``) that do not depend on the exporters."""

from airwork.autopilot.items import (
    ACCEPTED_COMMANDS,
    ARDUPILOT_COPTER_COMMANDS,
    DEFAULT_SPRAY,
    PX4_MISSION_COMMANDS,
    Autopilot,
    MissionItem,
    SprayOutput,
    command_name,
    location_frame,
    vehicle_mav_type,
)
from airwork.autopilot.read import (
    MissionFile,
    mission_file_summary,
    parse_qgc_plan,
    parse_wpl,
    read_mission_file,
)

__all__ = [
    "ACCEPTED_COMMANDS",
    "ARDUPILOT_COPTER_COMMANDS",
    "DEFAULT_SPRAY",
    "PX4_MISSION_COMMANDS",
    "Autopilot",
    "MissionFile",
    "MissionItem",
    "SprayOutput",
    "command_name",
    "location_frame",
    "mission_file_summary",
    "parse_qgc_plan",
    "parse_wpl",
    "read_mission_file",
    "vehicle_mav_type",
]
