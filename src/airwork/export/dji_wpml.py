"""DJI WPML waypoint routes (``.kmz`` for DJI Pilot 2 and FlightHub 2), one per sortie.

Package layout (reference ``mission-formats.md`` section 4, DJI Cloud API "DJI WPML"): a ZIP
whose members are exactly ``wpmz/template.kml`` (the editable template) and
``wpmz/waylines.wpml`` (what the aircraft executes), both KML 2.2 documents with the
``wpml`` namespace ``http://www.dji.com/wpmz/1.0.2``.

What is written:

* ``missionConfig``: fly to the route ``safely`` (climb first), ``finishAction``
  ``autoLand`` (the last waypoint is above the landing point, as the MAVLink export's
  ``NAV_LAND``), RC-loss action ``goBack``, ``takeOffSecurityHeight`` = the top of the climb
  (clamped to [1.2, 1500] m), transitional and RTH speeds, the aircraft's
  ``droneEnumValue``/``droneSubEnumValue`` and its camera's ``payloadEnumValue``
  (:data:`AIRCRAFT`; ``ExportOptions.extra["dji_aircraft"]``, default ``M3E``);
* one wayline (``waylineId`` 0, ``executeHeightMode`` ``relativeToStartPoint``: heights above
  the take-off point, no geoid conversion needed), one ``Placemark`` per airborne waypoint
  (``coordinates`` ``lon,lat``; ``index`` 0, 1, ...; ``executeHeight`` [m];
  ``waypointSpeed`` [m/s] to the next point, in [1, 15]); every waypoint is flown to and
  stopped at (``toPointAndStopWithDiscontinuityCurvature``), heading along the route, or
  ``towardPOI`` at a camera target;
* action groups: ``hover`` (``hoverTime`` s), ``gimbalRotate`` (pitch; yaw relative to north
  where a yaw off the heading is wanted), ``takePhoto`` on arrival (``reachPoint``), and
  distance-triggered photo windows (``multipleDistance`` from the run's first to its last
  waypoint, ``takePhoto``).

Refused (``problems``): spraying, payload release and winch actions (no WPML action does
them; DJI Agras sprayers do not use WPML), altitudes not relative to the take-off point,
a leg faster than 15 m/s, an unknown aircraft.  The template carries the same waypoints
(``templateType`` ``waypoint``, ``heightMode`` ``relativeToStartPoint``).
"""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import dataclass

from airwork.autopilot.pointing import bearing_deg
from airwork.export.registry import ExportOptions, sortie_stem
from airwork.export.waypoint_route import SortieRoute, route_problems, sortie_route
from airwork.mission.model import Mission, Sortie

__all__ = ["AIRCRAFT", "DJI_WPML", "KML_NS", "WPML_NS", "to_kmz", "waylines_xml"]

KML_NS = "http://www.opengis.net/kml/2.2"
WPML_NS = "http://www.dji.com/wpmz/1.0.2"
ET.register_namespace("", KML_NS)
ET.register_namespace("wpml", WPML_NS)

#: Aircraft WPML supports: name -> (droneEnumValue, droneSubEnumValue, payloadEnumValue),
#: from the Cloud API "Product support" tables (reference section 4.6); the payload is the
#: aircraft's own camera, or the Zenmuse H20 for the M300/M350/M400.
AIRCRAFT: dict[str, tuple[int, int, int]] = {
    "M300": (60, 0, 42),
    "M350": (89, 0, 42),
    "M400": (103, 0, 42),
    "M30": (67, 0, 52),
    "M30T": (67, 1, 53),
    "M3E": (77, 0, 66),
    "M3T": (77, 1, 67),
    "M3TA": (77, 3, 129),
    "M3D": (91, 0, 80),
    "M3TD": (91, 1, 81),
    "M4E": (99, 0, 88),
    "M4T": (99, 1, 89),
}
SPEED_RANGE_MPS = (1.0, 15.0)
_HEIGHT_RANGE_M = (1.2, 1500.0)


def _w(tag: str) -> str:
    return f"{{{WPML_NS}}}{tag}"


def _k(tag: str) -> str:
    return f"{{{KML_NS}}}{tag}"


_KML_TAGS = {"kml", "Document", "Folder", "Placemark", "Point", "coordinates"}


def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    """A child element: KML's own tags in the KML namespace, all others in ``wpml``."""
    el = ET.SubElement(parent, _k(tag) if tag in _KML_TAGS else _w(tag))
    if text is not None:
        el.text = _fmt(text)
    return el


def _fmt(value: object) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        text = f"{value:.8f}".rstrip("0").rstrip(".")
        return "0" if text in ("-0", "") else text
    return str(value)


def _speed(v: float) -> float:
    lo, hi = SPEED_RANGE_MPS
    return round(min(max(v, lo), hi), 2)


def _mission_config(parent: ET.Element, route: SortieRoute, aircraft: str, cruise: float) -> None:
    drone, sub, payload = AIRCRAFT[aircraft]
    cfg = _sub(parent, "missionConfig")
    _sub(cfg, "flyToWaylineMode", "safely")
    _sub(cfg, "finishAction", "autoLand")
    _sub(cfg, "exitOnRCLost", "executeLostAction")
    _sub(cfg, "executeRCLostAction", "goBack")
    top = route.points[0].alt_m if route.points else 20.0
    _sub(cfg, "takeOffSecurityHeight", float(min(max(top, _HEIGHT_RANGE_M[0]), _HEIGHT_RANGE_M[1])))
    _sub(cfg, "globalTransitionalSpeed", _speed(cruise))
    rth = max(p.alt_m for p in route.points) if route.points else 20.0
    _sub(cfg, "globalRTHHeight", float(min(max(rth, 2.0), 1500.0)))
    info = _sub(cfg, "droneInfo")
    _sub(info, "droneEnumValue", drone)
    _sub(info, "droneSubEnumValue", sub)
    pay = _sub(cfg, "payloadInfo")
    _sub(pay, "payloadEnumValue", payload)
    _sub(pay, "payloadPositionIndex", 0)


def _action(group: ET.Element, action_id: int, func: str, params: dict[str, object]) -> None:
    act = _sub(group, "action")
    _sub(act, "actionId", action_id)
    _sub(act, "actionActuatorFunc", func)
    p = _sub(act, "actionActuatorFuncParam")
    for key, value in params.items():
        _sub(p, key, value)


def _group(pm: ET.Element, gid: int, start: int, end: int, trigger: str, param=None) -> ET.Element:
    g = _sub(pm, "actionGroup")
    _sub(g, "actionGroupId", gid)
    _sub(g, "actionGroupStartIndex", start)
    _sub(g, "actionGroupEndIndex", end)
    _sub(g, "actionGroupMode", "sequence")
    t = _sub(g, "actionTrigger")
    _sub(t, "actionTriggerType", trigger)
    if param is not None:
        _sub(t, "actionTriggerParam", param)
    return g


def _placemarks(folder: ET.Element, route: SortieRoute, *, template: bool) -> None:
    gid = 0
    for i, p in enumerate(route.points):
        pm = _sub(folder, "Placemark")
        pt = _sub(pm, "Point")
        _sub(pt, "coordinates", f"{_fmt(round(p.lon, 8))},{_fmt(round(p.lat, 8))}")
        _sub(pm, "index", i)
        if template:
            _sub(pm, "ellipsoidHeight", float(round(p.alt_m, 3)))
            _sub(pm, "height", float(round(p.alt_m, 3)))
            _sub(pm, "useGlobalHeight", 0)
            _sub(pm, "useGlobalSpeed", 0)
            _sub(pm, "useGlobalHeadingParam", 0)
            _sub(pm, "useGlobalTurnParam", 1)
        else:
            _sub(pm, "executeHeight", float(round(p.alt_m, 3)))
        _sub(pm, "waypointSpeed", _speed(p.speed_mps) if p.speed_mps > 0 else SPEED_RANGE_MPS[0])
        hp = _sub(pm, "waypointHeadingParam")
        if p.poi is not None:
            _sub(hp, "waypointHeadingMode", "towardPOI")
            lat, lon, alt = p.poi
            _sub(hp, "waypointPoiPoint", f"{_fmt(round(lat, 8))},{_fmt(round(lon, 8))},{_fmt(alt)}")
        else:
            _sub(hp, "waypointHeadingMode", "followWayline")
        _sub(hp, "waypointHeadingPathMode", "followBadArc")
        if not template:
            tp = _sub(pm, "waypointTurnParam")
            _sub(tp, "waypointTurnMode", "toPointAndStopWithDiscontinuityCurvature")
            _sub(tp, "waypointTurnDampingDist", 0)
        if p.gimbal_pitch_deg is not None and template:
            _sub(pm, "gimbalPitchAngle", float(round(p.gimbal_pitch_deg, 1)))
        actions: list[tuple[str, dict[str, object]]] = []
        if p.gimbal_pitch_deg is not None or p.gimbal_yaw_deg is not None:
            yaw = None
            if p.gimbal_yaw_deg is not None:
                yaw = _heading_at(route, i) + p.gimbal_yaw_deg
                yaw = (yaw + 180.0) % 360.0 - 180.0
            actions.append(
                (
                    "gimbalRotate",
                    {
                        "gimbalHeadingYawBase": "north",
                        "gimbalRotateMode": "absoluteAngle",
                        "gimbalPitchRotateEnable": 1,
                        "gimbalPitchRotateAngle": float(round(p.gimbal_pitch_deg or 0.0, 1)),
                        "gimbalRollRotateEnable": 0,
                        "gimbalRollRotateAngle": 0,
                        "gimbalYawRotateEnable": int(yaw is not None),
                        "gimbalYawRotateAngle": float(round(yaw or 0.0, 1)),
                        "gimbalRotateTimeEnable": 0,
                        "gimbalRotateTime": 0,
                        "payloadPositionIndex": 0,
                    },
                )
            )
        if p.hold_s > 0:
            actions.append(("hover", {"hoverTime": float(round(p.hold_s, 1))}))
        if p.photo:
            actions.append(
                ("takePhoto", {"payloadPositionIndex": 0, "useGlobalPayloadLensIndex": 1})
            )
        if actions:
            g = _group(pm, gid, i, i, "reachPoint")
            for aid, (func, params) in enumerate(actions):
                _action(g, aid, func, params)
            gid += 1
        for start, end, d in route.windows:
            if start == i:
                g = _group(pm, gid, start, end, "multipleDistance", float(round(d, 3)))
                _action(
                    g, 0, "takePhoto", {"payloadPositionIndex": 0, "useGlobalPayloadLensIndex": 1}
                )
                gid += 1


def _heading_at(route: SortieRoute, i: int) -> float:
    """Bearing of the route at point ``i`` (to the next point, or from the previous). [°]"""
    pts = route.points
    if i + 1 < len(pts):
        return bearing_deg(pts[i].lat, pts[i].lon, pts[i + 1].lat, pts[i + 1].lon)
    if i > 0:
        return bearing_deg(pts[i - 1].lat, pts[i - 1].lon, pts[i].lat, pts[i].lon)
    return 0.0


def _document(route: SortieRoute, aircraft: str, cruise: float, *, template: bool) -> bytes:
    root = ET.Element(_k("kml"))
    doc = _sub(root, "Document")
    if template:
        _sub(doc, "author", "airwork")
        _sub(doc, "createTime", 0)
        _sub(doc, "updateTime", 0)
    _mission_config(doc, route, aircraft, cruise)
    folder = _sub(doc, "Folder")
    if template:
        _sub(folder, "templateType", "waypoint")
    _sub(folder, "templateId", 0)
    if template:
        cs = _sub(folder, "waylineCoordinateSysParam")
        _sub(cs, "coordinateMode", "WGS84")
        _sub(cs, "heightMode", "relativeToStartPoint")
        _sub(cs, "positioningType", "GPS")
        _sub(folder, "autoFlightSpeed", _speed(cruise))
        _sub(folder, "globalHeight", float(round(route.points[0].alt_m if route.points else 20, 3)))
        _sub(folder, "gimbalPitchMode", "usePointSetting")
        gh = _sub(folder, "globalWaypointHeadingParam")
        _sub(gh, "waypointHeadingMode", "followWayline")
        _sub(folder, "globalWaypointTurnMode", "toPointAndStopWithDiscontinuityCurvature")
        _sub(folder, "globalUseStraightLine", 1)
    else:
        _sub(folder, "executeHeightMode", "relativeToStartPoint")
        _sub(folder, "waylineId", 0)
        _sub(folder, "autoFlightSpeed", _speed(cruise))
    _placemarks(folder, route, template=template)
    ET.indent(root)
    return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8")


def waylines_xml(mission: Mission, sortie: Sortie, aircraft: str = "M3E") -> bytes:
    """The ``waylines.wpml`` document of one sortie (UTF-8 XML)."""
    return _document(
        sortie_route(mission, sortie), aircraft, mission.cruise_speed_mps, template=False
    )


def to_kmz(mission: Mission, sortie: Sortie, aircraft: str = "M3E") -> bytes:
    """The ``.kmz`` of one sortie: a ZIP with ``wpmz/template.kml`` and ``wpmz/waylines.wpml``."""
    route = sortie_route(mission, sortie)
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, template in (("wpmz/template.kml", True), ("wpmz/waylines.wpml", False)):
            info = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(
                info, _document(route, aircraft, mission.cruise_speed_mps, template=template)
            )
    return buf.getvalue()


def _aircraft(options: ExportOptions) -> str:
    return str(options.extra.get("dji_aircraft", "M3E")).upper()


@dataclass(frozen=True)
class _DjiWpml:
    name: str = "dji-wpml"
    description: str = "sortie-NN.kmz: DJI WPML route for DJI Pilot 2 / FlightHub 2"

    def problems(self, mission: Mission, options: ExportOptions) -> list[str]:
        out = route_problems(mission, "DJI WPML")
        aircraft = _aircraft(options)
        if aircraft not in AIRCRAFT:
            out.append(
                f"DJI WPML does not support aircraft {aircraft!r} (one of {', '.join(AIRCRAFT)}; "
                "option dji_aircraft)"
            )
        hi = SPEED_RANGE_MPS[1]
        for s in mission.sorties:
            fast = [i for i, leg in enumerate(s.legs) if leg.speed_mps > hi + 1e-9]
            if fast:
                out.append(
                    f"sortie {s.index}, leg {fast[0]}: {s.legs[fast[0]].speed_mps:g} m/s is over "
                    f"WPML's {hi:g} m/s waypoint speed"
                )
        return out

    def files(self, mission: Mission, options: ExportOptions) -> dict[str, bytes]:
        aircraft = _aircraft(options)
        return {
            f"{sortie_stem(mission, s)}.kmz": to_kmz(mission, s, aircraft) for s in mission.sorties
        }


DJI_WPML = _DjiWpml()
