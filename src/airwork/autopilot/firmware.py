"""The autopilot firmwares airwork writes missions for (a light module: the command line
imports it to offer the choice)."""

from __future__ import annotations

from enum import StrEnum

__all__ = ["Autopilot"]


class Autopilot(StrEnum):
    """Autopilot firmware a mission is written for."""

    ARDUPILOT = "ardupilot"
    PX4 = "px4"
