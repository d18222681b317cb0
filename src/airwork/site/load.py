"""Load a site once: job files, airspace and obstacle files, the DEM and the wind.

:func:`load_site` reads every file (:func:`airwork.geo.read.read_features`), settles each
feature's role (:mod:`airwork.site.roles`), validates geometry and properties, projects
everything into one local metric frame and reads the terrain over the site.  Planners and
checks then share the one :class:`~airwork.site.model.Site`; no file is read twice.

Roles are never guessed into something that flies or lands.  A file in which no feature has
a role and every feature is a polygon is a file of fields (said in a note); any other
feature without a role is an error naming it, unless the caller says what such features are
(``unlabelled="obstacle"``) or imposes a role on the whole file (``(path, role)``).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from airwork.errors import GeometryError, InputFileError
from airwork.geo.crs import (
    check_extent,
    check_finite,
    check_lonlat_range,
    transform_keep_z,
    unwrap_antimeridian,
)
from airwork.geo.frame import LocalFrame
from airwork.geo.read import SUPPORTED_TYPES, SourceFeature, read_features, with_role
from airwork.site.model import Site, SiteFeature
from airwork.site.roles import ROLES, canonical_role, validate_properties
from airwork.site.terrain import read_dem
from airwork.site.wind import Wind
from airwork.site.zones import Obstacle, Zone, obstacle_from_geometry, zone_from_geometry

__all__ = ["Source", "build_site", "load_site", "read_airspace", "read_obstacles"]

Source = str | Path | tuple[str | Path, str]
"""A job file, whose features carry their roles, or ``(file, role)`` imposing a role."""

# A field smaller than this is taken as having zero area (a collapsed polygon). [m²]
_MIN_FIELD_AREA_M2 = 1e-2
_M2_PER_HA = 1e4
# Point obstacles become regular polygons with 4 * _CIRCLE_QUAD_SEGS vertices, circumscribed
# about the circle of radius radius_m so the polygon never cuts into the true obstacle.
_CIRCLE_QUAD_SEGS = 16
_CIRCUMSCRIBE = 1.0 / math.cos(math.pi / (4 * _CIRCLE_QUAD_SEGS))
_REASON_RE = re.compile(r"^(?P<what>[^\[]*)\[(?P<x>\S+) (?P<y>\S+)(?: \S+)?\]\s*$")
_AREA_TYPES = ("Polygon", "MultiPolygon")
#: Margin of the DEM window read around the site. [m]
DEM_PAD_M = 1000.0


def load_site(
    *sources: Source,
    crs: str | None = None,
    max_field_area_ha: float = 5000.0,
    airspace: Sequence[str | Path] = (),
    obstacles: Sequence[str | Path] = (),
    dem: str | Path | None = None,
    wind: Wind | None = None,
    unlabelled: str | None = None,
    frame: LocalFrame | None = None,
) -> Site:
    """Read a job's files into a :class:`Site`.

    Parameters
    ----------
    *sources : str, Path or (str or Path, str)
        Job files; a ``(path, role)`` pair imposes ``role`` on every feature of the file.
    crs : str, optional
        CRS of files that declare none (``"EPSG:2154"``).
    max_field_area_ha : float
        Largest field accepted. [ha]
    airspace : paths
        Geofences and no-fly zones (roles ``geofence``, ``no_fly``; a feature without a role
        is a no-fly zone) and tall obstacles (obstacle roles with ``height_m``).
    obstacles : paths
        Tall obstacles: every feature needs ``height_m``.
    dem : path, optional
        Terrain GeoTIFF, read once over the site with a margin of :data:`DEM_PAD_M`.
    wind : Wind, optional
        The wind (calm when None).
    unlabelled : str, optional
        Role of job features that have none (e.g. ``"obstacle"``).
    frame : LocalFrame, optional
        Frame to project into; default the UTM zone of the site.

    Raises
    ------
    InputFileError, CRSError, GeometryError
        A file that cannot be read; a feature without a role, with an unknown role, a bad
        geometry or a bad property (each message names the file and the feature).
    """
    if not sources:
        raise InputFileError("no input files given; pass at least one job file")
    if unlabelled is not None:
        unlabelled = canonical_role(unlabelled, "--unlabelled")
    features: list[SourceFeature] = []
    notes: list[str] = []
    for item in sources:
        features += _read_source(item, crs, unlabelled, notes)
    site = build_site(features, max_field_area_ha=max_field_area_ha, frame=frame)
    zones = list(site.zones)
    tall: list[Obstacle] = []
    for path in airspace:
        z, o = _airspace_file(path, site.frame, crs)
        zones += z
        tall += o
    for path in obstacles:
        feats = read_features(path, crs=crs)
        tall += [_tall_obstacle(f, site.frame) for f in _project(feats, site.frame)]
    terrain = None
    if dem is not None:
        xmin, ymin, xmax, ymax = site.bounds_m()
        pad = DEM_PAD_M
        terrain = read_dem(
            dem, site.frame, bounds_m=(xmin - pad, ymin - pad, xmax + pad, ymax + pad)
        )
    return replace(
        site,
        zones=tuple(zones),
        tall_obstacles=tuple(tall),
        terrain=terrain,
        wind=wind or Wind(),
        notes=tuple(notes) + site.notes,
    )


def _read_source(
    item: Source, crs: str | None, unlabelled: str | None, notes: list[str]
) -> list[SourceFeature]:
    """The features of one job file, every one with a role (imposed, its own, or by the
    file-of-polygons rule)."""
    if isinstance(item, tuple):
        if len(item) != 2 or not isinstance(item[1], str) or not item[1].strip():
            raise InputFileError(f"source {item!r}: expected (path, role) with a non-empty role")
        return read_features(item[0], crs=crs, force_role=item[1])
    found = read_features(item, crs=crs)
    missing = [f for f in found if f.role is None]
    if not missing:
        return found
    if unlabelled is not None:
        return [with_role(f, unlabelled) if f.role is None else f for f in found]
    polygons = all(f.geometry_lonlat.geom_type in _AREA_TYPES for f in found)
    if len(missing) == len(found) and polygons:
        notes.append(
            f"{Path(item).name}: no feature has a role; its {len(found)} polygon(s) are "
            "taken as fields"
        )
        return [with_role(f, "field") for f in found]
    listed = "; ".join(f"{f.source} ({f.geometry_lonlat.geom_type})" for f in missing[:5])
    more = f" and {len(missing) - 5} more" if len(missing) > 5 else ""
    raise InputFileError(
        f"{len(missing)} feature(s) have no 'role': {listed}{more}. Give each a role "
        f"({', '.join(ROLES)}), or say what unlabelled features are (--unlabelled obstacle)"
    )


def build_site(
    features: Sequence[SourceFeature],
    *,
    max_field_area_ha: float = 5000.0,
    frame: LocalFrame | None = None,
) -> Site:
    """Validate WGS84 features, project them into a local frame and settle their roles.

    Checks, each raising for the first offending feature: the role is known; the geometry
    is not empty and of a type its role takes; coordinates are finite, in lon/lat range and
    not a continent away from the others; the geometry is valid (messages quote lon/lat and
    the nearest vertex); properties fit their role's schema; fields have a non-zero area not
    larger than ``max_field_area_ha``; point obstacles have a ``radius_m``.  Repeated
    vertices are removed and polygons oriented counter-clockwise; multi-part areas are split.

    Raises
    ------
    InputFileError, CRSError, GeometryError
    """
    if not (math.isfinite(max_field_area_ha) and max_field_area_ha > 0):
        raise ValueError(f"max_field_area_ha must be > 0 and finite, got {max_field_area_ha!r}")
    features = list(features)
    if not features and frame is None:
        raise GeometryError("no features: cannot choose a local frame for an empty site")
    roles = [canonical_role(f.role, f.source) for f in features]
    props = [
        validate_properties(r, f.properties, f.source) for f, r in zip(features, roles, strict=True)
    ]
    geoms = np.array([f.geometry_lonlat for f in features], dtype=object)
    sources = [f.source for f in features]
    for f, role, geom in zip(features, roles, geoms, strict=True):
        _check_type(f.source, role, geom)
    check_finite(geoms, sources)
    check_lonlat_range(geoms, sources)
    geoms, across_180 = unwrap_antimeridian(geoms)
    check_extent(geoms, sources)
    _check_valid(geoms, roles, sources, "")
    geoms = shapely.remove_repeated_points(geoms)
    if frame is None:
        centroid = shapely.centroid(shapely.geometrycollections(geoms))
        frame = LocalFrame.for_lonlat(centroid.x, centroid.y)
    notes = (
        (f"the job crosses the 180° meridian: planned in {frame.crs.name}, across it",)
        if across_180
        else ()
    )
    local = shapely.orient_polygons(transform_keep_z(geoms, frame.to_local))
    flat = np.array([r not in ("tower", "line") for r in roles])
    if flat.any():
        local[flat] = shapely.force_2d(local[flat])
    _check_valid(local, roles, sources, f" after projection to {frame.crs.name}", frame)
    out: list[SiteFeature] = []
    zones: list[Zone] = []
    for role, geom, prop, src in zip(roles, local, props, sources, strict=True):
        parts = _parts(role, geom, prop, src, max_field_area_ha)
        out += parts
        if role in ("no_fly", "geofence"):
            zones += [zone_from_geometry(p.geometry, role == "geofence", prop, src) for p in parts]
    return Site(frame=frame, features=tuple(out), zones=tuple(zones), notes=notes)


def _parts(
    role: str, geom: shapely.Geometry, props: dict[str, Any], source: str, max_ha: float
) -> list[SiteFeature]:
    if role == "field":
        return _field_parts(geom, props, source, max_ha)
    if role == "obstacle":
        return _obstacle_parts(geom, props, source)
    if geom.geom_type in _AREA_TYPES:
        return _split(role, geom, props, source)
    return [SiteFeature(role, geom, props, source)]


def _project(features: list[SourceFeature], frame: LocalFrame) -> list[SourceFeature]:
    """The features with geometries in ``frame`` (2-D), after the coordinate checks."""
    if not features:
        return []
    geoms = np.array([f.geometry_lonlat for f in features], dtype=object)
    sources = [f.source for f in features]
    check_finite(geoms, sources)
    check_lonlat_range(geoms, sources)
    local = frame.geometry_to_local(shapely.force_2d(geoms))
    return [
        SourceFeature(f.role, g, f.properties, f.source)
        for f, g in zip(features, local, strict=True)
    ]


_OBSTACLE_ALIASES = ("obstacle", "tower", "pylon", "building", "tree", "mast")


def _airspace_file(
    path: str | Path, frame: LocalFrame, crs: str | None
) -> tuple[list[Zone], list[Obstacle]]:
    """Zones and tall obstacles of an airspace file (no role: a no-fly zone)."""
    zones: list[Zone] = []
    tall: list[Obstacle] = []
    for f in _project(read_features(path, crs=crs), frame):
        key = None if f.role is None else str(f.role).strip().lower()
        if key in _OBSTACLE_ALIASES:
            tall.append(_tall_obstacle(f, frame))
            continue
        role = "no_fly" if f.role is None else canonical_role(f.role, f.source)
        if role not in ("no_fly", "geofence"):
            raise GeometryError(
                f"{f.source}: role {f.role!r} is not an airspace role (geofence, no_fly, or an "
                "obstacle with height_m)"
            )
        props = validate_properties(role, f.properties, f.source)
        zones.append(zone_from_geometry(f.geometry_lonlat, role == "geofence", props, f.source))
    return zones, tall


def _tall_obstacle(f: SourceFeature, frame: LocalFrame) -> Obstacle:
    props = validate_properties("obstacle", f.properties, f.source)
    return obstacle_from_geometry(f.geometry_lonlat, props, f.source)


def _check_type(source: str, role: str, geom: shapely.Geometry) -> None:
    if geom is None or shapely.is_empty(geom):
        raise GeometryError(f"{source}: the {role} geometry is empty")
    geom_type = geom.geom_type
    if geom_type not in SUPPORTED_TYPES:
        raise GeometryError(
            f"{source}: unsupported geometry type {geom_type}; "
            f"supported: {', '.join(SUPPORTED_TYPES)}"
        )
    allowed = ROLES[role].geometry_types
    if geom_type not in allowed:
        raise GeometryError(f"{source}: a {role} must be {' or '.join(allowed)}, got {geom_type}")


def _check_valid(
    geoms: np.ndarray,
    roles: Sequence[str],
    sources: Sequence[str],
    when: str,
    frame: LocalFrame | None = None,
) -> None:
    """Raise GeometryError for the first invalid geometry, saying what and where in lon/lat."""
    valid = shapely.is_valid(geoms)
    if valid.all():
        return
    i = int(np.flatnonzero(~valid)[0])
    geom = geoms[i]
    reason = shapely.is_valid_reason(geom)
    match = _REASON_RE.match(reason)
    if match is None:
        raise GeometryError(f"{sources[i]}: invalid {roles[i]} geometry{when}: {reason}")
    what = match["what"].strip()
    x, y = float(match["x"]), float(match["y"])
    where = _nearest_vertex(geom, x, y)
    if frame is not None:
        x, y = frame.to_lonlat(x, y)
    x = (x + 180.0) % 360.0 - 180.0  # a job across 180° is checked with longitudes past it
    raise GeometryError(
        f"{sources[i]}: invalid {roles[i]} geometry{when}: {what} at lon {x:.7f}, "
        f"lat {y:.7f} ({where})"
    )


def _nearest_vertex(geom: shapely.Geometry, x: float, y: float) -> str:
    """Describe the vertex of ``geom`` nearest to (x, y): part, ring and index."""
    best: tuple[float, str] | None = None
    parts = shapely.get_parts(geom)
    for p, part in enumerate(parts):
        if part.geom_type == "Polygon":
            rings = [("exterior ring", part.exterior)]
            rings += [(f"hole {h}", r) for h, r in enumerate(part.interiors)]
        else:
            rings = [("", part)]
        for ring_name, ring in rings:
            coords = shapely.get_coordinates(ring)
            if len(coords) == 0:
                continue
            d = np.hypot(coords[:, 0] - x, coords[:, 1] - y)
            v = int(np.argmin(d))
            text = f"vertex {v}" + (f" of the {ring_name}" if ring_name else "")
            if len(parts) > 1:
                text += f" of part {p}"
            if best is None or d[v] < best[0]:
                best = (float(d[v]), text)
    if best is None:
        return "no vertex"
    dist, text = best
    scale = max(abs(x), abs(y), 1.0)
    return f"at {text}" if dist <= 1e-12 * scale else f"near {text}"


def _split(
    role: str, geom: shapely.Geometry, props: dict[str, Any], source: str
) -> list[SiteFeature]:
    """One SiteFeature per non-empty part of a (multi-part) geometry."""
    parts = shapely.get_parts(geom)
    parts = parts[~shapely.is_empty(parts)]
    if len(parts) == 1:
        return [SiteFeature(role, parts[0], props, source)]
    return [
        SiteFeature(role, part, dict(props), f"{source} part {k}") for k, part in enumerate(parts)
    ]


def _field_parts(
    geom: shapely.Geometry, props: dict[str, Any], source: str, max_area_ha: float
) -> list[SiteFeature]:
    parts = _split("field", geom, props, source)
    areas_m2 = shapely.area(np.array([p.geometry for p in parts], dtype=object))
    for part, area_m2 in zip(parts, areas_m2, strict=True):
        if area_m2 < _MIN_FIELD_AREA_M2:
            raise GeometryError(
                f"{part.source}: the field has zero area ({area_m2 / _M2_PER_HA:.6f} ha); "
                "it is a collapsed polygon"
            )
    total_ha = float(areas_m2.sum()) / _M2_PER_HA
    if total_ha > max_area_ha:
        raise GeometryError(
            f"{source}: the field covers {total_ha:.1f} ha, more than the limit of "
            f"{max_area_ha:g} ha (configurable with max_field_area_ha); are the coordinates "
            "and CRS right?"
        )
    return parts


def _obstacle_parts(
    geom: shapely.Geometry, props: dict[str, Any], source: str
) -> list[SiteFeature]:
    if geom.geom_type != "Point":
        return _split("obstacle", geom, props, source)
    radius = props.get("radius_m")
    if radius is None:
        raise GeometryError(
            f"{source}: a Point obstacle needs a radius_m property (obstacle radius "
            "in metres), or give the obstacle as a Polygon"
        )
    disc = shapely.buffer(geom, radius * _CIRCUMSCRIBE, quad_segs=_CIRCLE_QUAD_SEGS)
    return [SiteFeature("obstacle", shapely.orient_polygons(disc), props, source)]


def read_airspace(
    paths: Sequence[str | Path], frame: LocalFrame, *, crs: str | None = None
) -> tuple[list[Zone], list[Obstacle]]:
    """Read airspace files: zones by role (no role: a no-fly zone), and any obstacle-role
    feature as a tall obstacle.

    Raises
    ------
    InputFileError, CRSError, GeometryError
        From reading, or a feature that is not a valid zone or obstacle.
    """
    zones: list[Zone] = []
    obstacles: list[Obstacle] = []
    for path in paths:
        z, o = _airspace_file(path, frame, crs)
        zones += z
        obstacles += o
    return zones, obstacles


def read_obstacles(
    paths: Sequence[str | Path], frame: LocalFrame, *, crs: str | None = None
) -> list[Obstacle]:
    """Read tall obstacles (every feature, whatever its role, needs ``height_m``)."""
    out: list[Obstacle] = []
    for path in paths:
        out += [_tall_obstacle(f, frame) for f in _project(read_features(path, crs=crs), frame)]
    return out
