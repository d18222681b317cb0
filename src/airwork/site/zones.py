"""Airspace zones (geofences, no-fly zones) and tall obstacles, and their readers.

A *zone* is an area with an optional vertical band:

* an **inclusion** zone (geofence) the aircraft must stay inside;
* an **exclusion** zone (no-fly zone) it must stay out of.

Zones are read from any file :func:`airwork.geo.read.read_features` reads (GeoJSON, KML,
Shapefile, GeoPackage, WKT).  A feature's ``role`` says what it is:

``geofence``, ``fence``, ``inclusion``, ``keep_in``
    inclusion zone;
``no_fly``, ``nofly``, ``exclusion``, ``restricted``, ``nfz``, ``keep_out``
    exclusion zone (also the role of a feature without any role in an airspace file);
``obstacle``, ``tower``, ``building``, ``tree``, ``mast``, ``pylon``
    a tall obstacle (needs ``height_m``).

Zone geometry is a Polygon/MultiPolygon or a Point with ``radius_m`` [m] (a circle).  Optional
properties: ``floor_m`` and ``ceiling_m`` [m] (default: from the ground up without limit)
measured as given by ``altitude_ref``: ``agl`` (above the ground below, default) or ``amsl``
(above mean sea level).  A zone whose floor is not below its ceiling is an error naming the
feature.

A tall obstacle is a Point (with optional ``radius_m``, default 0.5 m), a LineString (a
wire, 0.5 m wide each side) or a Polygon, with ``height_m`` [m] above the ground at its
place.  Circles are polygons here: exclusion circles and obstacles are circumscribed about
the true circle and inclusion circles inscribed in it, so the approximation is always on the
safe side.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely

from airwork.errors import GeometryError
from airwork.geo.frame import LocalFrame
from airwork.geo.read import SourceFeature, read_features

__all__ = [
    "EXCLUSION_ROLES",
    "INCLUSION_ROLES",
    "OBSTACLE_ROLES",
    "Obstacle",
    "Zone",
    "blocking_zones",
    "obstacle_from_feature",
    "pathfinder_at",
    "read_airspace",
    "read_obstacles",
    "zone_from_feature",
    "zones_and_obstacles",
]

INCLUSION_ROLES = frozenset({"geofence", "fence", "inclusion", "keep_in", "inclusion_zone"})
EXCLUSION_ROLES = frozenset(
    {"no_fly", "nofly", "exclusion", "restricted", "nfz", "keep_out", "exclusion_zone"}
)
OBSTACLE_ROLES = frozenset({"obstacle", "tower", "building", "tree", "mast", "pylon"})

_QUAD_SEGS = 16
# A regular polygon with 4 * _QUAD_SEGS vertices on a circle of radius r lies inside it; one
# on radius r / cos(pi / n) contains it.
_CIRCUMSCRIBE = 1.0 / math.cos(math.pi / (4 * _QUAD_SEGS))
_DEFAULT_OBSTACLE_RADIUS_M = 0.5


@dataclass(frozen=True)
class Zone:
    """An inclusion or exclusion zone in the local frame.

    Attributes
    ----------
    geometry : shapely Polygon or MultiPolygon
        Area in the local frame. [m]
    inclusion : bool
        True for a geofence the aircraft must stay inside, False for a no-fly zone.
    floor_m, ceiling_m : float
        Vertical band, in ``altitude_ref``. [m]  ``-inf`` / ``inf`` when unlimited.
    altitude_ref : str
        ``"agl"`` (above the ground below) or ``"amsl"`` (above mean sea level).
    name : str
        Where the zone came from, for messages.
    """

    geometry: shapely.Geometry
    inclusion: bool
    floor_m: float = -math.inf
    ceiling_m: float = math.inf
    altitude_ref: str = "agl"
    name: str = ""

    def __post_init__(self) -> None:
        if self.altitude_ref not in ("agl", "amsl"):
            raise GeometryError(
                f"{self.name or 'zone'}: altitude_ref must be 'agl' or 'amsl', "
                f"got {self.altitude_ref!r}"
            )
        if not self.floor_m < self.ceiling_m:
            raise GeometryError(
                f"{self.name or 'zone'}: floor_m {self.floor_m:g} must be below ceiling_m "
                f"{self.ceiling_m:g} (reversed floor/ceiling?)"
            )
        if self.geometry is None or self.geometry.is_empty or self.geometry.area <= 0:
            raise GeometryError(f"{self.name or 'zone'}: a zone needs an area")

    @property
    def kind(self) -> str:
        return "geofence" if self.inclusion else "no_fly"

    @property
    def has_band(self) -> bool:
        """Whether the zone is limited vertically."""
        return math.isfinite(self.floor_m) or math.isfinite(self.ceiling_m)


@dataclass(frozen=True)
class Obstacle:
    """A tall obstacle: a footprint in the local frame and a height above its ground.

    Attributes
    ----------
    geometry : shapely Polygon
        Footprint. [m]
    height_m : float
        Top above the ground at the footprint. [m]
    name : str
    """

    geometry: shapely.Geometry
    height_m: float
    name: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.height_m) and self.height_m > 0):
            raise GeometryError(
                f"{self.name or 'obstacle'}: height_m must be a positive number of metres, "
                f"got {self.height_m!r}"
            )


def _norm_role(role: str | None) -> str | None:
    if role is None:
        return None
    return str(role).strip().lower().replace("-", "_").replace(" ", "_")


def _number(props: dict, key: str, source: str, default: float) -> float:
    lower = {str(k).lower(): v for k, v in props.items()}
    value = lower.get(key)
    if value is None:
        return default
    try:
        out = float(value)
    except (TypeError, ValueError):
        raise GeometryError(f"{source}: {key} must be a number, got {value!r}") from None
    if math.isnan(out):
        raise GeometryError(f"{source}: {key} must be a number, got {value!r}")
    return out


def zone_from_feature(
    feature: SourceFeature, frame: LocalFrame, *, inclusion: bool | None = None
) -> Zone:
    """Turn one read feature into a :class:`Zone` in ``frame``.

    Parameters
    ----------
    feature : SourceFeature
        WGS84 feature as read by :func:`~airwork.geo.read.read_features`.
    frame : LocalFrame
    inclusion : bool or None
        Force inclusion (True) or exclusion (False); None reads it from the role.

    Raises
    ------
    GeometryError
        Unknown role, wrong geometry type, a circle without a positive ``radius_m``,
        reversed floor/ceiling, or an ``altitude_ref`` other than ``agl``/``amsl``; the
        message names the feature.
    """
    src = feature.source
    role = _norm_role(feature.role)
    if inclusion is None:
        if role in INCLUSION_ROLES:
            inclusion = True
        elif role is None or role in EXCLUSION_ROLES:
            inclusion = False
        else:
            raise GeometryError(
                f"{src}: role {feature.role!r} is not an airspace role (inclusion: "
                f"{', '.join(sorted(INCLUSION_ROLES))}; exclusion: "
                f"{', '.join(sorted(EXCLUSION_ROLES))})"
            )
    props = feature.properties
    geom = frame.geometry_to_local(shapely.force_2d(feature.geometry_lonlat))
    kind = geom.geom_type
    if kind == "Point":
        radius = _number(props, "radius_m", src, math.nan)
        if not (math.isfinite(radius) and radius > 0):
            raise GeometryError(
                f"{src}: a circular zone is a Point with radius_m > 0 m, got radius_m "
                f"{props.get('radius_m')!r}"
            )
        r = radius if inclusion else radius * _CIRCUMSCRIBE
        geom = geom.buffer(r, quad_segs=_QUAD_SEGS)
    elif kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            f"{src}: a zone must be a Polygon, MultiPolygon or a Point with radius_m, got {kind}"
        )
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        geom = shapely.union_all(
            [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        )
    floor_m = _number(props, "floor_m", src, -math.inf)
    ceiling_m = _number(props, "ceiling_m", src, math.inf)
    ref = _norm_role(str({str(k).lower(): v for k, v in props.items()}.get("altitude_ref", "agl")))
    return Zone(
        geometry=geom,
        inclusion=bool(inclusion),
        floor_m=floor_m,
        ceiling_m=ceiling_m,
        altitude_ref=ref or "agl",
        name=src,
    )


def obstacle_from_feature(feature: SourceFeature, frame: LocalFrame) -> Obstacle:
    """Turn one read feature with ``height_m`` into an :class:`Obstacle` in ``frame``.

    Raises
    ------
    GeometryError
        Missing or non-positive ``height_m``, or an unsupported geometry type.
    """
    src = feature.source
    props = feature.properties
    height = _number(props, "height_m", src, math.nan)
    if not (math.isfinite(height) and height > 0):
        raise GeometryError(
            f"{src}: a tall obstacle needs height_m > 0 m, got {props.get('height_m')!r}"
        )
    geom = frame.geometry_to_local(shapely.force_2d(feature.geometry_lonlat))
    kind = geom.geom_type
    radius = _number(props, "radius_m", src, _DEFAULT_OBSTACLE_RADIUS_M)
    if kind in ("Point", "MultiPoint"):
        geom = geom.buffer(max(radius, 0.01) * _CIRCUMSCRIBE, quad_segs=_QUAD_SEGS)
    elif kind in ("LineString", "MultiLineString"):
        geom = geom.buffer(max(radius, 0.01), quad_segs=_QUAD_SEGS)
    elif kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            f"{src}: an obstacle must be a Point, LineString or Polygon, got {kind}"
        )
    return Obstacle(geometry=geom, height_m=height, name=src)


def zones_and_obstacles(
    features: Iterable[SourceFeature], frame: LocalFrame
) -> tuple[list[Zone], list[Obstacle]]:
    """Split read features into zones and obstacles by role (see the module docstring)."""
    zones: list[Zone] = []
    obstacles: list[Obstacle] = []
    for f in features:
        if _norm_role(f.role) in OBSTACLE_ROLES:
            obstacles.append(obstacle_from_feature(f, frame))
        else:
            zones.append(zone_from_feature(f, frame))
    return zones, obstacles


def read_airspace(
    paths: Sequence[str | Path], frame: LocalFrame, *, crs: str | None = None
) -> tuple[list[Zone], list[Obstacle]]:
    """Read airspace files: zones by role, and any obstacle-role feature as an obstacle.

    Raises
    ------
    InputFileError, CRSError, GeometryError
        From reading, or a feature that is not a valid zone or obstacle.
    """
    zones: list[Zone] = []
    obstacles: list[Obstacle] = []
    for path in paths:
        z, o = zones_and_obstacles(read_features(path, crs=crs), frame)
        zones += z
        obstacles += o
    return zones, obstacles


def read_obstacles(
    paths: Sequence[str | Path], frame: LocalFrame, *, crs: str | None = None
) -> list[Obstacle]:
    """Read tall obstacles (every feature, whatever its role, needs ``height_m``)."""
    out: list[Obstacle] = []
    for path in paths:
        out += [obstacle_from_feature(f, frame) for f in read_features(path, crs=crs)]
    return out


def blocking_zones(
    zones: Sequence[Zone],
    altitude_m: float,
    *,
    margin_m: float = 10.0,
    ground_amsl_m: float = 0.0,
    obstacles: Sequence[Obstacle] = (),
    clearance_m: float = 0.0,
) -> list[shapely.Geometry]:
    """The forbidden areas for flight at one altitude, for :class:`~airwork.geo.
    pathfinding.PathFinder`.

    An exclusion zone blocks unless its band is clear of the cruise altitude by
    ``margin_m``: a zone whose ceiling is below ``altitude - margin`` (fly over it) or whose
    floor is above ``altitude + margin`` (fly under it) does not block.  A tall obstacle
    blocks when its top is above ``altitude - margin``.  Inclusion zones never block (they
    are the fence; stay inside with ``prefer_inside`` or a check).

    Parameters
    ----------
    zones : sequence of Zone
    altitude_m : float
        Cruise altitude above the ground. [m]
    margin_m : float
        Vertical separation kept from a zone's floor or ceiling. [m]
    ground_amsl_m : float
        Ground elevation, to compare with zones given above mean sea level. [m]
    obstacles : sequence of Obstacle
    clearance_m : float
        Horizontal growth of each blocking area. [m]

    Returns
    -------
    list of shapely geometries
        Local frame. [m]
    """
    out: list[shapely.Geometry] = []
    for z in zones:
        if z.inclusion:
            continue
        alt = altitude_m + (ground_amsl_m if z.altitude_ref == "amsl" else 0.0)
        if z.ceiling_m < alt - margin_m or z.floor_m > alt + margin_m:
            continue
        out.append(z.geometry)
    for o in obstacles:
        if o.height_m > altitude_m - margin_m:
            out.append(o.geometry)
    if clearance_m > 0:
        out = [g.buffer(clearance_m, quad_segs=8) for g in out]
    return out


def pathfinder_at(
    zones: Sequence[Zone],
    altitude_m: float,
    *,
    margin_m: float = 10.0,
    ground_amsl_m: float = 0.0,
    obstacles: Sequence[Obstacle] = (),
    clearance_m: float = 0.0,
    prefer_inside: shapely.Geometry | None = None,
):
    """The shared :class:`~airwork.geo.pathfinding.PathFinder` for flight at one altitude
    above ground: around the zones and obstacles that block there (:func:`blocking_zones`),
    over those whose ceiling allows.  Inclusion zones become ``prefer_inside`` when none is
    given (their union)."""
    from airwork.geo.pathfinding import PathFinder

    if prefer_inside is None:
        fences = [z.geometry for z in zones if z.inclusion]
        prefer_inside = shapely.union_all(fences) if fences else None
    blocked = blocking_zones(
        zones,
        altitude_m,
        margin_m=margin_m,
        ground_amsl_m=ground_amsl_m,
        obstacles=obstacles,
        clearance_m=clearance_m,
    )
    return PathFinder(
        blocked,
        prefer_inside=prefer_inside,
        outside_penalty=10.0 if prefer_inside is not None else 1.0,
    )


def zone_arrays(zones: Sequence[Zone]) -> dict[str, np.ndarray]:
    """Vectors of the zones' bands, for vectorised checks."""
    return {
        "floor": np.array([z.floor_m for z in zones], dtype=float),
        "ceiling": np.array([z.ceiling_m for z in zones], dtype=float),
        "amsl": np.array([z.altitude_ref == "amsl" for z in zones], dtype=bool),
    }
