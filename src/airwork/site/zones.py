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
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from airwork.errors import GeometryError

__all__ = [
    "Obstacle",
    "Zone",
    "blocking_zones",
    "obstacle_from_geometry",
    "pathfinder_at",
    "zone_from_geometry",
]

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
    id : str
        The zone's own id or name, if it has one (``airfield``).
    """

    geometry: shapely.Geometry
    inclusion: bool
    floor_m: float = -math.inf
    ceiling_m: float = math.inf
    altitude_ref: str = "agl"
    name: str = ""
    id: str = ""

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
    def label(self) -> str:
        """The zone's id, else where it came from."""
        return self.id or self.name or "zone"

    def reaches_down_to(self, altitude_m: float) -> bool:
        """Whether an aircraft at ``altitude_m`` or descending from it meets the zone (its
        floor is at or below that altitude)."""
        return self.floor_m <= altitude_m

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


def zone_from_geometry(
    geom: shapely.Geometry, inclusion: bool, props: dict[str, Any], source: str
) -> Zone:
    """A :class:`Zone` from a local geometry and its validated properties
    (:class:`~airwork.site.roles.ZoneProps`): a Point is a circle of ``radius_m``.

    Raises
    ------
    GeometryError
        A circle without ``radius_m``, a line, reversed floor/ceiling (naming the feature).
    """
    kind = geom.geom_type
    if kind == "Point":
        radius = props.get("radius_m")
        if radius is None or not radius > 0:
            raise GeometryError(
                f"{source}: a circular zone is a Point with radius_m > 0 m, got radius_m {radius!r}"
            )
        r = radius if inclusion else radius * _CIRCUMSCRIBE
        geom = geom.buffer(r, quad_segs=_QUAD_SEGS)
    elif kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            f"{source}: a zone must be a Polygon, MultiPolygon or a Point with radius_m, got {kind}"
        )
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
        geom = shapely.union_all(
            [g for g in shapely.get_parts(geom) if g.geom_type in ("Polygon", "MultiPolygon")]
        )
    floor_m = props.get("floor_m")
    ceiling_m = props.get("ceiling_m")
    return Zone(
        geometry=geom,
        inclusion=bool(inclusion),
        floor_m=-math.inf if floor_m is None else float(floor_m),
        ceiling_m=math.inf if ceiling_m is None else float(ceiling_m),
        altitude_ref=str(props.get("altitude_ref") or "agl"),
        name=source,
        id=str(props.get("id") or props.get("name") or ""),
    )


def obstacle_from_geometry(geom: shapely.Geometry, props: dict[str, Any], source: str) -> Obstacle:
    """A tall :class:`Obstacle` from a local geometry and its validated properties: a Point
    is a disc of ``radius_m`` (default 0.5 m), a line a wire 0.5 m (or ``radius_m``) each side.

    Raises
    ------
    GeometryError
        Missing or non-positive ``height_m``, or an unsupported geometry type.
    """
    height = props.get("height_m")
    if height is None or not height > 0:
        raise GeometryError(f"{source}: a tall obstacle needs height_m > 0 m, got {height!r}")
    kind = geom.geom_type
    radius = props.get("radius_m") or _DEFAULT_OBSTACLE_RADIUS_M
    if kind in ("Point", "MultiPoint"):
        geom = geom.buffer(max(radius, 0.01) * _CIRCUMSCRIBE, quad_segs=_QUAD_SEGS)
    elif kind in ("LineString", "MultiLineString"):
        geom = geom.buffer(max(radius, 0.01), quad_segs=_QUAD_SEGS)
    elif kind not in ("Polygon", "MultiPolygon"):
        raise GeometryError(
            f"{source}: an obstacle must be a Point, LineString or Polygon, got {kind}"
        )
    return Obstacle(geometry=geom, height_m=float(height), name=source)


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
