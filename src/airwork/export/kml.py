"""KML 2.2 of a mission, for Google Earth and GIS viewers.

Document layout: shared styles; one Placemark (Point) per station; one Placemark per input
feature (fields, obstacles, no-spray zones ... with holes as ``innerBoundaryIs``), clamped
to the ground; one Folder per sortie holding a LineString Placemark for each run of
consecutive legs with the same spraying/camera state (working runs green, others grey).

Coordinates are ``lon,lat,alt`` (KML order) in WGS84 degrees with 8 decimals and metres.
Leg altitudes use ``altitudeMode`` ``absolute`` for ``MSL`` missions and
``relativeToGround`` for ``TAKEOFF`` and ``GROUND`` missions (exact for ``GROUND``; for
``TAKEOFF`` it assumes flat ground around the take-off point).
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from itertools import groupby
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from airwork.export.geojson import json_safe
from airwork.export.write import write_text_atomic
from airwork.mission.model import AltitudeRef, Leg, Mission, Sortie

__all__ = ["KML_NS", "to_kml", "write_kml"]

KML_NS = "http://www.opengis.net/kml/2.2"

# KML colours are aabbggrr.
_LINE_STYLES = {
    "leg-working": ("ff00c800", 4.0),  # green: spraying or camera on
    "leg-transit": ("ff9e9e9e", 2.0),  # grey
}
_POLY_STYLES = {
    "feature-field": ("ff00c8ff", "3300c8ff"),  # amber outline, light fill
    "feature-obstacle": ("ff0000ff", "660000ff"),  # red
    "feature-no_spray": ("ff0080ff", "550080ff"),  # orange
    "feature-other": ("ffff8000", "33ff8000"),  # blue
}
_STATION_STYLE = "station"


def to_kml(mission: Mission) -> str:
    """KML 2.2 text of the mission.

    Parameters
    ----------
    mission : Mission

    Returns
    -------
    str
        An XML document (UTF-8 declaration) with a ``kml`` root in the KML 2.2 namespace;
        see the module docstring for its layout.
    """
    # Unqualified tags under a root carrying the default namespace: serialises as plain
    # KML without registering a prefix in ElementTree's process-wide namespace map.
    kml = ET.Element("kml", xmlns=KML_NS)
    doc = _sub(kml, "Document")
    _sub(doc, "name", mission.name)
    _sub(doc, "description", f"airwork {mission.kind} mission, aircraft {mission.aircraft_name}")
    _add_styles(doc)

    if mission.stations:
        xy = np.asarray(mission.stations, dtype=float).reshape(-1, 2)
        lon, lat = _lonlat(mission, xy)
        for j in range(len(lon)):
            placemark = _sub(doc, "Placemark")
            _sub(placemark, "name", mission.station_name(j))
            _sub(placemark, "styleUrl", f"#{_STATION_STYLE}")
            point = _sub(placemark, "Point")
            _sub(point, "coordinates", _coords([(lon[j], lat[j])]))

    for feature in mission.features:
        placemark = _sub(doc, "Placemark")
        _sub(placemark, "name", str(feature.properties.get("name", feature.role)))
        style = f"feature-{feature.role}"
        _sub(placemark, "styleUrl", f"#{style if style in _POLY_STYLES else 'feature-other'}")
        _extended_data(placemark, {"role": feature.role, **feature.properties})
        _add_geometry(placemark, mission.frame.geometry_to_lonlat(feature.geometry))

    altitude_mode = "absolute" if mission.altitude_ref == AltitudeRef.MSL else "relativeToGround"
    for sortie in mission.sorties:
        _add_sortie(doc, mission, sortie, altitude_mode)

    body = ET.tostring(kml, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"


def write_kml(mission: Mission, path: str | os.PathLike[str]) -> Path:
    """Write :func:`to_kml` to ``path`` (``.kml``).

    Returns
    -------
    pathlib.Path
    """
    return write_text_atomic(path, to_kml(mission))


def _add_sortie(doc: ET.Element, mission: Mission, sortie: Sortie, altitude_mode: str) -> None:
    folder = _sub(doc, "Folder")
    _sub(folder, "name", f"Sortie {sortie.index}")
    _sub(
        folder,
        "description",
        f"{sortie.distance_m:.0f} m, {sortie.time_s / 60:.1f} min, "
        f"{sortie.energy_wh:.1f} Wh ({100 * sortie.battery_frac:.0f} % of usable battery)",
    )
    lon, lat = _lonlat(mission, sortie.xy_m)
    alt = np.array([w.alt_m for w in sortie.waypoints], dtype=float)

    def state(item: tuple[int, Leg]) -> tuple[bool, bool]:
        return (bool(item[1].spraying), bool(item[1].camera))

    for (spraying, camera), run in groupby(enumerate(sortie.legs), key=state):
        legs = list(run)
        first, last = legs[0][0], legs[-1][0]
        activity = [name for name, on in (("spraying", spraying), ("camera", camera)) if on]
        label = " + ".join(activity) if activity else "transit"
        placemark = _sub(folder, "Placemark")
        _sub(placemark, "name", f"Sortie {sortie.index}: {label} (legs {first}-{last})")
        _sub(placemark, "styleUrl", "#leg-working" if activity else "#leg-transit")
        _extended_data(
            placemark,
            {
                "sortie": sortie.index,
                "first_leg": first,
                "last_leg": last,
                "spraying": spraying,
                "camera": camera,
                "distance_m": round(sum(leg.distance_m for _, leg in legs), 2),
                "time_s": round(sum(leg.time_s for _, leg in legs), 2),
            },
        )
        line = _sub(placemark, "LineString")
        _sub(line, "altitudeMode", altitude_mode)
        points = slice(first, last + 2)
        _sub(line, "coordinates", _coords(zip(lon[points], lat[points], alt[points], strict=True)))


def _add_styles(doc: ET.Element) -> None:
    for style_id, (colour, width) in _LINE_STYLES.items():
        style = _sub(doc, "Style", id=style_id)
        line = _sub(style, "LineStyle")
        _sub(line, "color", colour)
        _sub(line, "width", f"{width:g}")
    for style_id, (line_colour, fill_colour) in _POLY_STYLES.items():
        style = _sub(doc, "Style", id=style_id)
        line = _sub(style, "LineStyle")
        _sub(line, "color", line_colour)
        _sub(line, "width", "2")
        poly = _sub(style, "PolyStyle")
        _sub(poly, "color", fill_colour)
    style = _sub(doc, "Style", id=_STATION_STYLE)
    icon_style = _sub(style, "IconStyle")
    _sub(icon_style, "color", "ffffffff")
    icon = _sub(icon_style, "Icon")
    _sub(icon, "href", "http://maps.google.com/mapfiles/kml/shapes/heliport.png")


def _add_geometry(parent: ET.Element, geometry: shapely.Geometry) -> None:
    """Append ``geometry`` (WGS84 lon/lat) as KML, clamped to the ground."""
    kind = geometry.geom_type
    if geometry.is_empty:
        return
    if kind == "Point":
        point = _sub(parent, "Point")
        _sub(point, "coordinates", _coords([(geometry.x, geometry.y)]))
    elif kind in ("LineString", "LinearRing"):
        line = _sub(parent, "LineString")
        _sub(line, "tessellate", "1")
        _sub(line, "coordinates", _coords(geometry.coords))
    elif kind == "Polygon":
        polygon = _sub(parent, "Polygon")
        _sub(polygon, "tessellate", "1")
        outer = _sub(_sub(polygon, "outerBoundaryIs"), "LinearRing")
        _sub(outer, "coordinates", _coords(geometry.exterior.coords))
        for ring in geometry.interiors:
            inner = _sub(_sub(polygon, "innerBoundaryIs"), "LinearRing")
            _sub(inner, "coordinates", _coords(ring.coords))
    else:  # Multi* and GeometryCollection
        multi = _sub(parent, "MultiGeometry")
        for part in shapely.get_parts(geometry):
            _add_geometry(multi, part)


def _extended_data(parent: ET.Element, values: dict[str, Any]) -> None:
    data = _sub(parent, "ExtendedData")
    for key, value in values.items():
        item = _sub(data, "Data", name=str(key))
        _sub(item, "value", _text(value))


def _text(value: Any) -> str:
    value = json_safe(value)
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | dict):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


def _lonlat(mission: Mission, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = mission.frame.to_lonlat(xy[:, 0], xy[:, 1])
    return np.atleast_1d(np.asarray(lon, dtype=float)), np.atleast_1d(np.asarray(lat, dtype=float))


def _coords(points: Iterable[Iterable[float]]) -> str:
    """KML coordinate tuples ``lon,lat[,alt]`` separated by spaces."""
    out = []
    for point in points:
        values = [float(v) for v in point]
        text = f"{values[0]:.8f},{values[1]:.8f}"
        if len(values) > 2:
            text += f",{values[2]:.3f}".rstrip("0").rstrip(".")
        out.append(text)
    return " ".join(out)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrib: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrib)
    if text is not None:
        element.text = text
    return element
