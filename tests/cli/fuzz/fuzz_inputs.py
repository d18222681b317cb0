"""Input files for the fuzz suite: a good job of each kind and seeded mutations of it.

Every builder writes into a case's own folder and returns the path.  Coordinates are near
Toulouse unless a case is about place (antimeridian, poles, a feature on another
continent).
"""

from __future__ import annotations

import copy
import json
import math
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio.raw
import shapely

ROOT = Path(__file__).parents[3]
EXAMPLE = Path(str(resources.files("airwork").joinpath("data/example_field.geojson")))
POWERLINE = ROOT / "examples" / "powerline.geojson"
SPEC = ROOT / "examples" / "my-sprayer.yaml"

LON0, LAT0 = 1.4500, 43.5470
M_LAT = 1.0 / 111_320.0
M_LON = 1.0 / (111_320.0 * math.cos(math.radians(LAT0)))


def lonlat(x_m: float, y_m: float, lon0: float = LON0, lat0: float = LAT0) -> list[float]:
    """A point ``x_m`` east and ``y_m`` north of (lon0, lat0), longitude in [-180, 180). [°]"""
    lon = lon0 + x_m / (111_320.0 * math.cos(math.radians(lat0)))
    return [(lon + 180.0) % 360.0 - 180.0, lat0 + y_m * M_LAT]


def ring(points_m: list[tuple[float, float]], **kw: float) -> list[list[float]]:
    pts = [lonlat(x, y, **kw) for x, y in points_m]
    return [*pts, pts[0]]


def feature(geom: dict | None, **props: Any) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geom}


def polygon(points_m, holes=(), **kw) -> dict:
    return {
        "type": "Polygon",
        "coordinates": [ring(points_m, **kw), *[ring(h, **kw) for h in holes]],
    }


def point(x_m: float, y_m: float, **kw) -> dict:
    return {"type": "Point", "coordinates": lonlat(x_m, y_m, **kw)}


FIELD = [(0, 0), (300, 0), (300, 200), (0, 200)]
STATION = (-20, -20)


def field_job(extra: list[dict] = (), *, field: list | None = None, station=True) -> list[dict]:
    """A 6 ha field, its station, and more features."""
    feats = [feature(polygon(field or FIELD), role="field", name="north")]
    if station:
        feats.append(feature(point(*STATION), role="station", name="truck"))
    return feats + list(extra)


def write_geojson(path: Path, features: list[dict], **top: Any) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", "features": features, **top}))
    return path


def write_shapefile(path: Path, features: list[dict], drop: tuple[str, ...] = ()) -> Path:
    """A shapefile of the features (role and name attributes), then the sidecars in
    ``drop`` removed (``.dbf``, ``.shx``)."""
    geoms = [shapely.geometry.shape(f["geometry"]) for f in features]
    types = {g.geom_type for g in geoms}
    geometry_type = types.pop() if len(types) == 1 else "Unknown"
    pyogrio.raw.write(
        path,
        shapely.to_wkb(np.array(geoms, dtype=object)),
        field_data=[
            np.array([f["properties"].get("role", "") for f in features], dtype=object),
            np.array([f["properties"].get("name", "") for f in features], dtype=object),
        ],
        fields=["role", "name"],
        crs="EPSG:4326",
        geometry_type=geometry_type,
        driver="ESRI Shapefile",
    )
    for suffix in drop:
        path.with_suffix(suffix).unlink()
    return path


# ------------------------------------------------------------------------------ delivery
HUB = (0.0, 0.0)


def delivery_job(orders: list[dict] | None = None, hubs: list[dict] | None = None) -> list[dict]:
    """One hub and four orders 0.5-1.5 km away, unless given."""
    if hubs is None:
        hubs = [{"id": "H1", "drone_count": 2, "open": "07:00", "close": "21:00"}]
    if orders is None:
        orders = [{"id": f"O{k}", "mass_kg": 1.0 + 0.2 * k} for k in range(4)]
    feats = [feature(point(*HUB), role="hub", **h) for h in hubs]
    for k, o in enumerate(orders):
        angle = 2 * math.pi * k / max(len(orders), 1)
        r = 500.0 + 250.0 * k
        feats.append(feature(point(r * math.cos(angle), r * math.sin(angle)), role="order", **o))
    return feats


# ------------------------------------------------------------------------------ missions
def mutate_plan(doc: dict, fn) -> dict:
    out = copy.deepcopy(doc)
    fn(out)
    return out


def nav_items(doc: dict, command: int) -> list[dict]:
    return [i for i in doc["mission"]["items"] if i.get("command") == command]


def write_json(path: Path, doc: Any) -> Path:
    path.write_text(json.dumps(doc))
    return path


# ------------------------------------------------------------------------------ random jobs
def synthetic_job(kind: str, area_ha: float, seed: int) -> list[dict]:
    """A seeded farmer's field (:func:`airwork.testing.fields.generate_field`: concave
    shapes, ponds with no-spray rings, pylon rows and a tree) as WGS84 job features."""
    from airwork.testing.fields import generate_field

    job = generate_field(kind, area_ha, seed)
    to_ll = job.frame.geometry_to_lonlat
    feats = [feature(shapely.geometry.mapping(to_ll(job.field)), role="field")]
    if job.obstacles is not None:
        for part in shapely.get_parts(job.obstacles):
            feats.append(
                feature(shapely.geometry.mapping(to_ll(part)), role="obstacle", height_m=25)
            )
    if job.no_spray is not None and not job.no_spray.is_empty:
        feats.append(feature(shapely.geometry.mapping(to_ll(job.no_spray)), role="no_spray"))
    for x, y in job.stations:
        feats.append(feature(shapely.geometry.mapping(to_ll(shapely.Point(x, y))), role="station"))
    return feats
