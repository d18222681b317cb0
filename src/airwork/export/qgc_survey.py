"""QGroundControl ``.plan`` with an editable Survey or CorridorScan complex item.

The same plan as :mod:`airwork.export.qgc_plan`, except that the camera part of each sortie
(from the waypoint where the first distance-triggered run starts to the item that stops the
last one) is one ``ComplexItem`` QGC can edit: ``complexItemType`` ``survey`` (version 5:
``angle``, ``entryLocation``, ``flyAlternateTransects``, ``splitConcavePolygons``,
``polygon``) or ``CorridorScan`` (version 2: ``CorridorWidth``, ``EntryPoint``,
``polyline``), each with a ``TransectStyleComplexItem`` (version 2: ``TurnAroundDistance``,
``CameraTriggerInTurnAround``, ``HoverAndCapture``, ``Refly90Degrees``, ``CameraShots``,
``CameraCalc``, ``VisualTransectPoints``, ``Items``), as QGC's ``SurveyComplexItem``,
``CorridorScanComplexItem`` and ``TransectStyleComplexItem::_load`` read them (reference
``mission-formats.md`` section 1.4).

``Items`` holds airwork's own generated items for that part, which QGC flies as they are
until the user edits the item (QGC then regenerates the transects from the polygon).
``CameraCalc`` (version 2) is the "Manual (no camera specs)" camera: line spacing as
``AdjustedFootprintSide``, trigger distance as ``AdjustedFootprintFrontal``, altitude as
``DistanceToSurface`` with ``DistanceMode`` 1 (relative).  The survey ``angle`` is the
lines' bearing (clockwise from north, 0-180°); ``TurnAroundDistance`` the planner's line
extension, flown with the camera on (``CameraTriggerInTurnAround``).

What the planner must give (``Mission.meta``): ``survey`` = {``angle_deg`` (line direction,
counter-clockwise from east in the local frame), ``line_spacing_m``, ``trigger_distance_m``,
``altitude_m``, ``extend_m``, ``crosshatch``, ``area_xy_m`` (outer ring, local metres)};
or ``corridor`` = {``polyline_xy_m``, ``width_m``, ``line_spacing_m``,
``trigger_distance_m``, ``altitude_m``, ``extend_m``}.  Missions with neither are refused.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from pyproj import Geod

from airwork.autopilot.items import MissionItem
from airwork.autopilot.mission_items import mission_items
from airwork.export.qgc_plan import plan_dict
from airwork.export.registry import ExportOptions, sortie_stem
from airwork.mission.model import Mission, Sortie

__all__ = ["QGC_EDITABLE", "editable_plan_dict"]

_GEOD = Geod(ellps="WGS84")
_TRIGG_DIST = 206
_NAV = {16, 21, 22}
_MANUAL_CAMERA = "Manual (no camera specs)"


def _camera_span(items: list[MissionItem]) -> tuple[int, int] | None:
    """(first, last) item indices of the camera part: from the nav item before the first
    trigger start to the last trigger stop."""
    starts = [i for i, it in enumerate(items) if it.command == _TRIGG_DIST and it.params[0] > 0]
    stops = [i for i, it in enumerate(items) if it.command == _TRIGG_DIST and it.params[0] == 0]
    if not starts or not stops or stops[-1] < starts[0]:
        return None
    first = max(i for i in range(starts[0]) if items[i].command in _NAV)
    return first, stops[-1]


def _runs(items: list[MissionItem], first: int, last: int) -> list[tuple[MissionItem, MissionItem]]:
    """(start nav item, end nav item) of every camera run in the span."""
    out, start, nav = [], None, None
    for it in items[first : last + 1]:
        if it.command in _NAV:
            nav = it
        elif it.command == _TRIGG_DIST and it.params[0] > 0:
            start = nav
        elif it.command == _TRIGG_DIST and start is not None:
            out.append((start, nav))
            start = None
    return out


def _latlon(mission: Mission, xy: Any) -> list[list[float]]:
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    if len(xy) > 1 and np.allclose(xy[0], xy[-1]):
        xy = xy[:-1]
    lon, lat = mission.frame.to_lonlat(xy[:, 0], xy[:, 1])
    return np.column_stack([lat, lon]).round(8).tolist()


def _transect_style(
    mission: Mission, meta: dict[str, Any], items: list[dict], runs, crosshatch: bool
) -> dict[str, Any]:
    shots = 0
    points: list[list[float]] = []
    d = float(meta["trigger_distance_m"])
    for a, b in runs:
        _, _, length = _GEOD.inv(a.lon_deg, a.lat_deg, b.lon_deg, b.lat_deg)
        shots += math.floor(length / d + 1e-9) + 1
        points += [
            [round(a.lat_deg, 8), round(a.lon_deg, 8)],
            [round(b.lat_deg, 8), round(b.lon_deg, 8)],
        ]
    return {
        "version": 2,
        "TurnAroundDistance": round(float(meta.get("extend_m", 0.0)), 3),
        "CameraTriggerInTurnAround": True,
        "HoverAndCapture": False,
        "Refly90Degrees": bool(crosshatch),
        "CameraShots": int(shots),
        "CameraCalc": {
            "version": 2,
            "CameraName": _MANUAL_CAMERA,
            "AdjustedFootprintSide": round(float(meta["line_spacing_m"]), 3),
            "AdjustedFootprintFrontal": round(d, 3),
            "DistanceToSurface": round(float(meta["altitude_m"]), 3),
            "DistanceMode": 1,
        },
        "VisualTransectPoints": points,
        "Items": items,
    }


def editable_plan_dict(mission: Mission, sortie: Sortie, options: ExportOptions) -> dict[str, Any]:
    """The ``.plan`` document of one sortie with its camera part as a complex item."""
    profile = options.autopilot_profile
    doc = plan_dict(mission, sortie, spray=options.spray, profile=profile)
    items = mission_items(mission, sortie, spray=options.spray, profile=profile)
    span = _camera_span(items)
    if span is None:
        return doc
    first, last = span
    simple = doc["mission"]["items"]  # items[1:] as SimpleItems
    inner = simple[first - 1 : last]
    runs = _runs(items, first, last)
    if "survey" in mission.meta:
        meta = mission.meta["survey"]
        complex_item: dict[str, Any] = {
            "type": "ComplexItem",
            "complexItemType": "survey",
            "version": 5,
            "angle": round((90.0 - float(meta["angle_deg"])) % 180.0, 3),
            "entryLocation": 0,
            "flyAlternateTransects": False,
            "splitConcavePolygons": False,
            "polygon": _latlon(mission, meta["area_xy_m"]),
            "TransectStyleComplexItem": _transect_style(
                mission, meta, inner, runs, bool(meta.get("crosshatch"))
            ),
        }
    else:
        meta = mission.meta["corridor"]
        complex_item = {
            "type": "ComplexItem",
            "complexItemType": "CorridorScan",
            "version": 2,
            "CorridorWidth": round(float(meta["width_m"]), 3),
            "EntryPoint": 0,
            "polyline": _latlon(mission, meta["polyline_xy_m"]),
            "TransectStyleComplexItem": _transect_style(mission, meta, inner, runs, False),
        }
    doc["mission"]["items"] = [*simple[: first - 1], complex_item, *simple[last:]]
    return doc


@dataclass(frozen=True)
class _QgcEditable:
    name: str = "qgc-plan-editable"
    description: str = "sortie-NN.editable.plan: QGC plan with an editable Survey/CorridorScan item"

    def problems(self, mission: Mission, options: ExportOptions) -> list[str]:
        if "survey" not in mission.meta and "corridor" not in mission.meta:
            return [
                f"mission {mission.name!r} ({mission.kind}) carries no survey or corridor "
                "description (Mission.meta) to make an editable QGC item from"
            ]
        return []

    def files(self, mission: Mission, options: ExportOptions) -> dict[str, bytes]:
        return {
            f"{sortie_stem(mission, s)}.editable.plan": (
                json.dumps(editable_plan_dict(mission, s, options), indent=2, allow_nan=False)
                + "\n"
            ).encode()
            for s in mission.sorties
        }


QGC_EDITABLE = _QgcEditable()
