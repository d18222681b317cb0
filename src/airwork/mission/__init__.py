"""The mission model every planner produces and every exporter reads."""

from airwork.mission.model import (
    Action,
    ActionKind,
    AltitudeRef,
    Leg,
    LegKind,
    Mission,
    Sortie,
    Waypoint,
)

__all__ = [
    "Action",
    "ActionKind",
    "AltitudeRef",
    "Leg",
    "LegKind",
    "Mission",
    "Sortie",
    "Waypoint",
]
