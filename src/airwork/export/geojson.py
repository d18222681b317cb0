"""GeoJSON (RFC 7946) of a mission: its legs, stations and input features in WGS84.

Coordinates are ``[lon °, lat °]`` (``[lon, lat, alt m]`` for legs) with lon/lat rounded to
8 decimals (about 1 mm).  Leg altitudes are in the mission's ``altitude_ref`` (named in
each leg's ``altitude_ref`` property), not the ellipsoidal heights RFC 7946 assumes.  No
``crs`` member (RFC 7946 dropped it); polygons follow the right-hand rule.
"""

from __future__ import annotations

import json
import math
import os
from enum import Enum
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from shapely.geometry import GeometryCollection, MultiPolygon, Polygon, mapping
from shapely.geometry.polygon import orient

from airwork.export.annotate import mission_block
from airwork.export.write import write_text_atomic
from airwork.mission.model import ActionKind, Mission

__all__ = ["json_safe", "to_geojson", "write_geojson"]

_DECIMALS = 8


def to_geojson(mission: Mission) -> dict[str, Any]:
    """The mission as a GeoJSON FeatureCollection.

    Parameters
    ----------
    mission : Mission

    Returns
    -------
    dict
        Features, in this order:

        * one ``LineString`` per leg, ``role`` ``"leg"``, with properties ``sortie`` (from
          1), ``leg`` (from 0), ``kind`` (takeoff/transit/work/return/landing),
          ``spraying``, ``camera``, ``altitude_start_m`` and ``altitude_m`` (end) [m],
          ``altitude_ref``, ``speed_mps`` [m/s], ``distance_m`` [m], ``climb_m`` [m],
          ``time_s`` [s], ``energy_wh`` [Wh], ``battery_frac`` [-], ``payload_kg`` (start)
          and ``payload_end_kg`` [kg], ``station`` and ``landing_station`` (the indices of
          the sortie's take-off and landing stations, from 0).  Take-off and landing legs
          are vertical: both points have the same lon/lat;
        * one ``Point`` per station, ``role`` ``"station"``, ``station`` (from 0) and
          ``name`` (the site's name for it, else ``station N`` counting from 1);
        * one ``Point`` (with its altitude) per waypoint that takes a single photo (a tower
          vantage point), ``role`` ``"photo"``, ``sortie`` and ``waypoint`` (from 0);
          distance-triggered photos are the ``camera`` legs themselves;
        * every ``mission.features`` item with ``role`` and its own properties made
          JSON-safe (see :func:`json_safe`);

        and an ``airwork`` foreign member (RFC 7946 §6.1) with the aircraft and reserve
        (:func:`~airwork.export.annotate.mission_block`).
    """
    features: list[dict[str, Any]] = []
    altitude_ref = str(mission.altitude_ref.value)
    for sortie in mission.sorties:
        xy = sortie.xy_m
        lon, lat = _lonlat(mission, xy)
        alt = np.array([w.alt_m for w in sortie.waypoints], dtype=float)
        for i, leg in enumerate(sortie.legs):
            coords = [
                [float(lon[i]), float(lat[i]), float(alt[i])],
                [float(lon[i + 1]), float(lat[i + 1]), float(alt[i + 1])],
            ]
            properties = {
                "role": "leg",
                "sortie": int(sortie.index),
                "leg": i,
                "kind": str(leg.kind.value),
                "spraying": bool(leg.spraying),
                "camera": bool(leg.camera),
                "altitude_start_m": float(alt[i]),
                "altitude_m": float(alt[i + 1]),
                "altitude_ref": altitude_ref,
                "speed_mps": leg.speed_mps,
                "distance_m": leg.distance_m,
                "climb_m": leg.climb_m,
                "time_s": leg.time_s,
                "energy_wh": leg.energy_wh,
                "battery_frac": leg.battery_frac,
                "payload_kg": leg.payload_kg,
                "payload_end_kg": leg.payload_end_kg,
                "station": int(sortie.station_index),
                "landing_station": int(sortie.landing_station_index),
            }
            features.append(_feature({"type": "LineString", "coordinates": coords}, properties))

    if mission.stations:
        lon, lat = _lonlat(mission, np.asarray(mission.stations, dtype=float).reshape(-1, 2))
        for j in range(len(lon)):
            point = {"type": "Point", "coordinates": [float(lon[j]), float(lat[j])]}
            props = {"role": "station", "station": j, "name": mission.station_name(j)}
            features.append(_feature(point, props))

    features += _photo_points(mission)

    for feature in mission.features:
        geometry = mission.frame.geometry_to_lonlat(feature.geometry)
        geometry = shapely.transform(geometry, lambda c: np.round(c, _DECIMALS))
        properties = {**json_safe(dict(feature.properties)), "role": str(feature.role)}
        features.append(_feature(_geometry_dict(geometry), properties))

    return {"type": "FeatureCollection", "airwork": mission_block(mission), "features": features}


def _photo_points(mission: Mission) -> list[dict[str, Any]]:
    """A ``photo`` Point at every waypoint with a single-photo action."""
    out = []
    for sortie in mission.sorties:
        at = [
            i
            for i, wp in enumerate(sortie.waypoints)
            if any(a.kind is ActionKind.CAMERA_PHOTO for a in wp.actions)
        ]
        if not at:
            continue
        lon, lat = _lonlat(mission, sortie.xy_m[at])
        for k, i in enumerate(at):
            alt = float(sortie.waypoints[i].alt_m)
            point = {"type": "Point", "coordinates": [float(lon[k]), float(lat[k]), alt]}
            out.append(
                _feature(point, {"role": "photo", "sortie": int(sortie.index), "waypoint": i})
            )
    return out


def write_geojson(mission: Mission, path: str | os.PathLike[str]) -> Path:
    """Write :func:`to_geojson` to ``path`` (``.geojson``).

    Returns
    -------
    pathlib.Path
    """
    text = json.dumps(to_geojson(mission), allow_nan=False, ensure_ascii=False)
    return write_text_atomic(path, text + "\n")


def json_safe(value: Any) -> Any:
    """A JSON-serialisable copy of ``value``.

    Non-finite floats become ``None``; numpy scalars and arrays, tuples and sets become
    numbers and lists; enums their value; dict keys strings; shapely geometries WKT; any
    other object its ``str()``.
    """
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Enum):
        return json_safe(value.value)
    if isinstance(value, np.generic):
        return json_safe(value.item())
    if isinstance(value, np.ndarray):
        return json_safe(value.tolist())
    if isinstance(value, dict):
        return {str(k): json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [json_safe(v) for v in value]
    if isinstance(value, shapely.Geometry):
        return shapely.to_wkt(value)
    return str(value)


def _lonlat(mission: Mission, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    lon, lat = mission.frame.to_lonlat(xy[:, 0], xy[:, 1])
    return (
        np.round(np.atleast_1d(np.asarray(lon, dtype=float)), _DECIMALS),
        np.round(np.atleast_1d(np.asarray(lat, dtype=float)), _DECIMALS),
    )


def _feature(geometry: dict[str, Any], properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "Feature", "geometry": geometry, "properties": json_safe(properties)}


def _geometry_dict(geometry: shapely.Geometry) -> dict[str, Any]:
    """GeoJSON geometry with lists, polygons oriented counter-clockwise (RFC 7946 §3.1.6)."""
    return json_safe(mapping(_right_hand(geometry)))


def _right_hand(geometry: shapely.Geometry) -> shapely.Geometry:
    if isinstance(geometry, Polygon):
        return orient(geometry, sign=1.0)
    if isinstance(geometry, MultiPolygon):
        return MultiPolygon([orient(p, sign=1.0) for p in geometry.geoms])
    if isinstance(geometry, GeometryCollection):
        return GeometryCollection([_right_hand(g) for g in geometry.geoms])
    return geometry
