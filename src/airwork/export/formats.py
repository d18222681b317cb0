"""The built-in exporters: QGroundControl ``.plan``, ``QGC WPL 110``, GeoJSON, KML and the
``mission.png`` picture, each an :class:`~airwork.export.registry.Exporter`."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from airwork.autopilot.fence import mission_fence
from airwork.autopilot.items import Autopilot
from airwork.autopilot.limits import limit_problems
from airwork.autopilot.profiles import resolve_profile
from airwork.export.geojson import to_geojson
from airwork.export.kml import to_kml
from airwork.export.qgc_plan import to_qgc_plan
from airwork.export.registry import ExportOptions, sortie_stem
from airwork.export.wpl import to_wpl
from airwork.mission.model import ActionKind, Mission

__all__ = ["GEOJSON", "KML", "PICTURE", "QGC_PLAN", "WPL", "json_default"]


def json_default(obj: Any) -> Any:
    """``json.dumps`` default for numpy scalars, tuples and sets."""
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, tuple | set):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def _px4_problems(mission: Mission, options: ExportOptions) -> list[str]:
    if options.autopilot_profile.firmware is not Autopilot.PX4:
        return []
    sprays = any(
        a.kind in (ActionKind.SPRAY_ON, ActionKind.SPRAY_OFF)
        for s in mission.sorties
        for w in s.waypoints
        for a in w.actions
    )
    if sprays:
        return [
            "PX4 does not accept DO_SET_SERVO (183) in missions: spraying exports for ArduPilot"
        ]
    return []


@dataclass(frozen=True)
class _PerSortie:
    name: str
    description: str
    suffix: str

    def problems(self, mission: Mission, options: ExportOptions) -> list[str]:
        """PX4 and spraying, and every limit of the profile the mission passes (a ``.plan``
        also carries the fence and rally points)."""
        found = _px4_problems(mission, options)
        limits = limit_problems(mission, options.autopilot_profile, spray=options.spray)
        if self.suffix != ".plan":
            limits = [p for p in limits if p.kind == "mission_items"]
        return found + [p.message for p in limits]

    def files(self, mission: Mission, options: ExportOptions) -> dict[str, bytes]:
        profile = resolve_profile(options.autopilot_profile)
        fence = mission_fence(mission, profile) if self.suffix == ".plan" else None
        out = {}
        for s in mission.sorties:
            name = f"{sortie_stem(mission, s)}{self.suffix}"
            if self.suffix == ".plan":
                text = to_qgc_plan(mission, s, spray=options.spray, profile=profile, fence=fence)
            else:
                text = to_wpl(mission, s, spray=options.spray, profile=profile)
            out[name] = text.encode()
        return out


@dataclass(frozen=True)
class _GeoJSON:
    name: str = "geojson"
    description: str = "mission.geojson: every leg and input feature in WGS84"

    def problems(self, mission: Mission, options: ExportOptions) -> list[str]:
        return []

    def files(self, mission: Mission, options: ExportOptions) -> dict[str, bytes]:
        return {"mission.geojson": json.dumps(to_geojson(mission), default=json_default).encode()}


@dataclass(frozen=True)
class _KML:
    name: str = "kml"
    description: str = "mission.kml: the same for Google Earth, a folder per sortie"

    def problems(self, mission: Mission, options: ExportOptions) -> list[str]:
        return []

    def files(self, mission: Mission, options: ExportOptions) -> dict[str, bytes]:
        return {"mission.kml": to_kml(mission).encode()}


@dataclass(frozen=True)
class _Picture:
    name: str = "png"
    description: str = "mission.png: a map a person can read"

    def problems(self, mission: Mission, options: ExportOptions) -> list[str]:
        return []

    def files(self, mission: Mission, options: ExportOptions) -> dict[str, bytes]:
        from airwork.plotting import mission_png

        return {"mission.png": mission_png(mission, swath_m=options.swath_m)}


QGC_PLAN = _PerSortie("qgc-plan", "sortie-NN.plan: QGroundControl plan per sortie", ".plan")
WPL = _PerSortie("waypoints", "sortie-NN.waypoints: QGC WPL 110 per sortie", ".waypoints")
GEOJSON = _GeoJSON()
KML = _KML()
PICTURE = _Picture()
