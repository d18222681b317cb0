"""QGroundControl ``.plan`` files (JSON), as QGC's ``PlanMasterController`` loads them.

Layout (reference ``mission-formats.md`` section 1): ``{"fileType": "Plan", "version": 1,
"groundStation": "QGroundControl", "mission": ..., "geoFence": ..., "rallyPoints": ...}``.
The mission is written as ``SimpleItem`` objects only (loadable by every GCS), home as
``plannedHomePosition`` ``[lat °, lon °, alt m AMSL]``, items from sequence 1 with
``doJumpId`` = sequence.  Latitude/longitude are rounded to 8 decimals (about 1 mm).
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from airwork.autopilot.fence import Fence, mission_fence
from airwork.autopilot.items import (
    DEFAULT_SPRAY,
    Autopilot,
    MissionItem,
    SprayOutput,
    vehicle_mav_type,
)
from airwork.autopilot.mission_items import mission_items, resolve_sortie
from airwork.autopilot.profiles import AutopilotProfile, resolve_profile
from airwork.export.annotate import sortie_block
from airwork.export.write import write_text_atomic
from airwork.mission.model import AltitudeRef, Mission, Sortie

__all__ = ["plan_dict", "to_qgc_plan", "write_qgc_plan"]

_FIRMWARE_TYPE = {Autopilot.ARDUPILOT: 3, Autopilot.PX4: 12}  # MAV_AUTOPILOT
#: QGC ``AltMode`` for each MAVLink frame: 3 Relative -> 1, 0 Absolute -> 2, 10 Terrain -> 4.
_ALT_MODE_OF_FRAME = {3: 1, 0: 2, 10: 4}
_ALT_MODE_OF_REF = {AltitudeRef.TAKEOFF: 1, AltitudeRef.MSL: 2, AltitudeRef.GROUND: 4}
_LATLON_DECIMALS = 8
_VALUE_DECIMALS = 6


def plan_dict(
    mission: Mission,
    sortie: Sortie | int,
    *,
    autopilot: Autopilot | str = Autopilot.ARDUPILOT,
    spray: SprayOutput = DEFAULT_SPRAY,
    profile: AutopilotProfile | str | None = None,
    fence: Fence | None = None,
) -> dict[str, Any]:
    """The ``.plan`` document of one sortie as a JSON-ready dict.

    Parameters
    ----------
    mission, sortie, autopilot, spray, profile
        As for :func:`~airwork.autopilot.mission_items.mission_items`.
    fence
        The mission's fitted fence if the caller already has it (one per mission, so a
        writer of many sorties computes it once); None computes it here.

    Returns
    -------
    dict
        ``mission.firmwareType`` 3 (ArduPilot) or 12 (PX4); ``cruiseSpeed`` and
        ``hoverSpeed`` [m/s] = ``mission.cruise_speed_mps``; ``globalPlanAltitudeMode`` 1
        (relative), 2 (AMSL) or 4 (terrain frame); geofence = the mission's fence fitted to
        the profile (:func:`~airwork.autopilot.fence.mission_fence`: ``mission.geofence`` as an
        inclusion polygon, its holes and the no-fly features as exclusion polygons, round
        ones as circles); rally points = the stations at the sortie's highest waypoint
        altitude, converted to metres above home; an ``airwork`` member with the aircraft
        and each leg's payload (:func:`~airwork.export.annotate.sortie_block`), which
        QGroundControl ignores.

    Raises
    ------
    ExportError
        As :func:`~airwork.autopilot.mission_items.mission_items`.
    """
    sortie = resolve_sortie(mission, sortie)
    prof = resolve_profile(profile, autopilot)
    items = mission_items(mission, sortie, spray=spray, profile=prof)
    autopilot = prof.firmware
    if fence is None:
        fence = mission_fence(mission, prof)
    home = items[0]
    return {
        "fileType": "Plan",
        "version": 1,
        "groundStation": "QGroundControl",
        "mission": {
            "version": 2,
            "firmwareType": _FIRMWARE_TYPE[autopilot],
            "vehicleType": vehicle_mav_type(mission),
            "cruiseSpeed": _number(mission.cruise_speed_mps),
            "hoverSpeed": _number(mission.cruise_speed_mps),
            "globalPlanAltitudeMode": _ALT_MODE_OF_REF[AltitudeRef(mission.altitude_ref)],
            "plannedHomePosition": [
                _latlon(home.lat_deg),
                _latlon(home.lon_deg),
                _number(home.alt_m),
            ],
            "items": [_simple_item(item) for item in items[1:]],
        },
        "geoFence": {
            "version": 2,
            "circles": _fence_circles(mission, fence),
            "polygons": _fence_polygons(mission, fence),
        },
        "rallyPoints": {"version": 2, "points": _rally_points(mission, sortie)},
        "airwork": sortie_block(mission, sortie, items),
    }


def to_qgc_plan(
    mission: Mission,
    sortie: Sortie | int,
    *,
    autopilot: Autopilot | str = Autopilot.ARDUPILOT,
    spray: SprayOutput = DEFAULT_SPRAY,
    profile: AutopilotProfile | str | None = None,
    fence: Fence | None = None,
) -> str:
    """QGroundControl ``.plan`` text (JSON, indent 2) of one sortie.

    See :func:`plan_dict` for the content.  NaN parameters (PX4 only) are written as
    ``null``, which QGC reads back as NaN.

    Returns
    -------
    str
    """
    doc = plan_dict(mission, sortie, autopilot=autopilot, spray=spray, profile=profile, fence=fence)
    return json.dumps(doc, indent=2, allow_nan=False) + "\n"


def write_qgc_plan(
    mission: Mission, sortie: Sortie | int, path: str | os.PathLike[str], **kw: Any
) -> Path:
    """Write :func:`to_qgc_plan` to ``path`` (``.plan``); keyword arguments as there.

    Returns
    -------
    pathlib.Path
    """
    return write_text_atomic(path, to_qgc_plan(mission, sortie, **kw))


def _simple_item(item: MissionItem) -> dict[str, Any]:
    if item.has_location:
        x, y = _latlon(item.lat_deg), _latlon(item.lon_deg)
    else:
        x, y = _number(item.lat_deg), _number(item.lon_deg)
    out: dict[str, Any] = {
        "type": "SimpleItem",
        "command": item.command,
        "frame": item.frame,
        "autoContinue": bool(item.autocontinue),
        "doJumpId": item.seq,
        "params": [*(_number(p) for p in item.params), x, y, _number(item.alt_m)],
    }
    if item.has_location:
        out["AltitudeMode"] = _ALT_MODE_OF_FRAME[item.frame]
        out["Altitude"] = _number(item.alt_m)
        out["AMSLAltAboveTerrain"] = None
    return out


def _fence_polygons(mission: Mission, fence: Fence) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for p in fence.polygons:
        xy = p.xy()  # QGC stores no closing vertex
        lon, lat = mission.frame.to_lonlat(xy[:, 0], xy[:, 1])
        vertices = np.column_stack([lat, lon]).round(_LATLON_DECIMALS).tolist()
        out.append({"version": 1, "inclusion": p.inclusion, "polygon": vertices})
    return out


def _fence_circles(mission: Mission, fence: Fence) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for c in fence.circles:
        lon, lat = mission.frame.to_lonlat(*c.center_xy)
        # a local-frame radius is a little off on the ground (UTM scale): round it up to
        # the next 1 cm and let the 0.1 % of the scale be the circle's own margin
        radius = math.ceil(c.radius_m * 1.001 * 100.0) / 100.0
        out.append(
            {
                "version": 1,
                "inclusion": c.inclusion,
                "circle": {"center": [_latlon(lat), _latlon(lon)], "radius": _number(radius)},
            }
        )
    return out


def _rally_points(mission: Mission, sortie: Sortie) -> list[list[float]]:
    if not mission.stations:
        return []
    alt_m = max(w.alt_m for w in sortie.waypoints)
    if mission.altitude_ref == AltitudeRef.MSL:
        alt_m -= mission.home_amsl_m  # rally altitudes are relative to home
    xy = np.asarray(mission.stations, dtype=float).reshape(-1, 2)
    lon, lat = mission.frame.to_lonlat(xy[:, 0], xy[:, 1])
    lat = np.round(np.atleast_1d(lat), _LATLON_DECIMALS)
    lon = np.round(np.atleast_1d(lon), _LATLON_DECIMALS)
    return [[float(a), float(o), _number(alt_m)] for a, o in zip(lat, lon, strict=True)]


def _latlon(value: float) -> float:
    return round(float(value), _LATLON_DECIMALS)


def _number(value: float) -> float | int | None:
    """A JSON number: NaN -> null, integral values as int, others rounded to 6 decimals."""
    value = float(value)
    if not math.isfinite(value):
        return None
    value = round(value, _VALUE_DECIMALS)
    return int(value) if value.is_integer() else value
