"""Plain-text MAVLink waypoint files, ``QGC WPL 110`` (``.waypoints``).

Layout (reference ``mission-formats.md`` section 2): the line ``QGC WPL 110``, then one line
per item with 12 TAB-separated columns ``INDEX CURRENT FRAME COMMAND P1 P2 P3 P4 X Y Z
AUTOCONTINUE``.  Row 0 is the home (frame 0, AMSL altitude, CURRENT 1).  X/Y of items with a
location are latitude/longitude [°] with 8 decimals (about 1 mm); every other number has at
most 6 decimals and never exponent notation.  Read by QGC, Mission Planner, MAVProxy and
pymavlink's ``MAVWPLoader``.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from airwork.autopilot.items import DEFAULT_SPRAY, Autopilot, MissionItem, SprayOutput
from airwork.autopilot.mission_items import mission_items
from airwork.autopilot.profiles import AutopilotProfile
from airwork.export.write import write_text_atomic
from airwork.mission.model import Mission, Sortie

__all__ = ["WPL_HEADER", "format_wpl", "to_wpl", "write_wpl"]

WPL_HEADER = "QGC WPL 110"


def to_wpl(
    mission: Mission,
    sortie: Sortie | int,
    *,
    autopilot: Autopilot | str = Autopilot.ARDUPILOT,
    spray: SprayOutput = DEFAULT_SPRAY,
    profile: AutopilotProfile | str | None = None,
) -> str:
    """``QGC WPL 110`` text of one sortie.

    Parameters
    ----------
    mission, sortie, autopilot, spray, profile
        As for :func:`~airwork.autopilot.mission_items.mission_items`.

    Returns
    -------
    str
        Header line, one line per item (home first), trailing newline.

    Raises
    ------
    ExportError
        As :func:`~airwork.autopilot.mission_items.mission_items`.
    """
    items = mission_items(mission, sortie, autopilot=autopilot, spray=spray, profile=profile)
    return format_wpl(items)


def format_wpl(items: Iterable[MissionItem]) -> str:
    """Format mission items (home first) as ``QGC WPL 110`` text.

    Parameters
    ----------
    items : iterable of MissionItem
        Written in order; the INDEX column is the item's position, CURRENT is 1 on the
        first row (the home) only.

    Returns
    -------
    str
    """
    lines = [WPL_HEADER]
    for index, item in enumerate(items):
        x_decimals = 8 if item.has_location else 6
        columns = [
            str(index),
            "1" if index == 0 else "0",
            str(item.frame),
            str(item.command),
            *(_fixed(p, 6, trim=True) for p in item.params),
            _fixed(item.lat_deg, x_decimals, trim=not item.has_location),
            _fixed(item.lon_deg, x_decimals, trim=not item.has_location),
            _fixed(item.alt_m, 6, trim=True),
            "1" if item.autocontinue else "0",
        ]
        lines.append("\t".join(columns))
    return "\n".join(lines) + "\n"


def write_wpl(
    mission: Mission, sortie: Sortie | int, path: str | os.PathLike[str], **kw: Any
) -> Path:
    """Write :func:`to_wpl` to ``path`` (``.waypoints``); keyword arguments as there.

    Returns
    -------
    pathlib.Path
    """
    return write_text_atomic(path, to_wpl(mission, sortie, **kw))


def _fixed(value: float, decimals: int, *, trim: bool) -> str:
    """Fixed-point text; ``trim`` drops trailing zeros.  NaN (PX4 "unset") -> ``nan``."""
    value = float(value)
    if math.isnan(value):
        return "nan"
    text = f"{value:.{decimals}f}"
    if trim and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "-0." + "0" * decimals):
        text = text[1:]
    return text
