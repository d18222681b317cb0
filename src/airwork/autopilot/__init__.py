"""What autopilots take and give back: MAVLink mission items, accepted commands, and
readers of mission files (``.plan``, ``QGC WPL 110``) that do not depend on the exporters."""

from __future__ import annotations

import importlib
from typing import Any

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

_WHERE = {
    "ACCEPTED_COMMANDS": "items",
    "ARDUPILOT_COPTER_COMMANDS": "items",
    "DEFAULT_SPRAY": "items",
    "PX4_MISSION_COMMANDS": "items",
    "Autopilot": "firmware",
    "MissionFile": "read",
    "MissionItem": "items",
    "SprayOutput": "items",
    "command_name": "items",
    "location_frame": "items",
    "mission_file_summary": "read",
    "parse_qgc_plan": "read",
    "parse_wpl": "read",
    "read_mission_file": "read",
    "vehicle_mav_type": "items",
}


def __getattr__(name: str) -> Any:
    """Names load on first use, so ``import airwork.autopilot.firmware`` stays light."""
    if name in _WHERE:
        return getattr(importlib.import_module(f"airwork.autopilot.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'airwork.autopilot' has no attribute {name!r}")
