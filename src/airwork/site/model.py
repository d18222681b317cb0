"""The site of a job: validated features in one local metric frame, with the airspace, the
terrain and the wind, loaded once and shared by the planner and the checks."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import shapely

from airwork.geo.frame import LocalFrame
from airwork.site.terrain import Terrain
from airwork.site.wind import Wind
from airwork.site.zones import Obstacle, Zone

__all__ = ["Site", "SiteFeature"]


@dataclass(frozen=True)
class SiteFeature:
    """One feature of a site, in the site's local frame.

    Attributes
    ----------
    role : str
        Canonical role (:data:`airwork.site.roles.ROLES`).
    geometry : shapely.Geometry
        Geometry in the local frame. [m]  Polygons have a counter-clockwise exterior ring;
        point obstacles are already discs of their ``radius_m``.
    properties : dict[str, Any]
        The feature's properties, those its role reads validated.
    source : str
        Where it came from, for messages (``"farm.geojson feature 3 (name 'barn')"``).
    """

    role: str
    geometry: shapely.Geometry
    properties: dict[str, Any]
    source: str


def _union(features: tuple[SiteFeature, ...]) -> shapely.Geometry:
    return shapely.union_all(np.array([f.geometry for f in features], dtype=object))


@dataclass(frozen=True)
class Site:
    """Everything about where a job happens.

    Attributes
    ----------
    frame : LocalFrame
        The frame every geometry is in (the UTM zone of the site unless chosen otherwise).
    features : tuple of SiteFeature
        Every feature of the job files, by role; multi-part areas split into parts.
    zones : tuple of Zone
        Geofences and no-fly zones: the job's own (roles ``geofence``, ``no_fly``) and
        those of airspace files.
    tall_obstacles : tuple of Obstacle
        Obstacles with a height, from obstacle and airspace files, for the checks.
    terrain : Terrain or None
        The ground (a DEM read once over the site); None is flat ground.
    wind : Wind
        The wind the job is planned and checked in.
    notes : tuple of str
        What was decided while reading (e.g. a file without roles taken as fields).
    """

    frame: LocalFrame
    features: tuple[SiteFeature, ...]
    zones: tuple[Zone, ...] = ()
    tall_obstacles: tuple[Obstacle, ...] = ()
    terrain: Terrain | None = None
    wind: Wind = field(default_factory=Wind)
    notes: tuple[str, ...] = ()

    def of(self, *roles: str) -> tuple[SiteFeature, ...]:
        """The features of the given roles, in file order."""
        return tuple(f for f in self.features if f.role in roles)

    @property
    def fields(self) -> tuple[SiteFeature, ...]:
        return self.of("field")

    @property
    def obstacles(self) -> tuple[SiteFeature, ...]:
        """The job's own obstacles (kept clear horizontally by planners)."""
        return self.of("obstacle")

    @property
    def no_spray(self) -> tuple[SiteFeature, ...]:
        return self.of("no_spray")

    @property
    def stations(self) -> tuple[SiteFeature, ...]:
        return self.of("station")

    @property
    def other(self) -> tuple[SiteFeature, ...]:
        """Features of every role but field, obstacle, no_spray and station."""
        return tuple(
            f for f in self.features if f.role not in ("field", "obstacle", "no_spray", "station")
        )

    @property
    def roles(self) -> set[str]:
        return {f.role for f in self.features}

    @cached_property
    def field_union(self) -> shapely.Geometry:
        """Union of all field polygons (empty if none). [m]"""
        return _union(self.fields)

    @cached_property
    def obstacle_union(self) -> shapely.Geometry:
        """Union of the job's obstacle polygons (empty if none). [m]"""
        return _union(self.obstacles)

    @cached_property
    def no_spray_union(self) -> shapely.Geometry:
        """Union of all no-spray polygons (empty if none). [m]"""
        return _union(self.no_spray)

    @cached_property
    def station_xy(self) -> np.ndarray:
        """Station positions as an ``(n, 2)`` array. [m]"""
        geoms = np.array([s.geometry for s in self.stations], dtype=object)
        return shapely.get_coordinates(geoms).reshape(-1, 2)

    def no_fly_zones(self) -> tuple[Zone, ...]:
        return tuple(z for z in self.zones if not z.inclusion)

    def bounds_m(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of every feature and zone. [m]"""
        geoms = [f.geometry for f in self.features] + [z.geometry for z in self.zones]
        if not geoms:
            return (0.0, 0.0, 0.0, 0.0)
        b = shapely.total_bounds(np.array(geoms, dtype=object))
        return tuple(float(v) for v in b)  # type: ignore[return-value]
