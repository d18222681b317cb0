"""The local metric frame every planner works in.

Inputs arrive in WGS84 (or another CRS declared by the file); they are projected once into
the UTM zone of the job, planners work in metres there, and exporters convert back with the
same frame.  pyproj transformers are built with ``always_xy=True`` so the order is always
(lon, lat) / (x, y) and never silently swapped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import shapely
from pyproj import CRS, Transformer

__all__ = ["UTM_NORTH_LIMIT_DEG", "UTM_SOUTH_LIMIT_DEG", "WGS84", "LocalFrame", "utm_crs_for"]

WGS84 = CRS.from_epsg(4326)
UTM_NORTH_LIMIT_DEG = 84.0
"""UTM's northern limit; beyond it the frame is UPS North. [°]"""
UTM_SOUTH_LIMIT_DEG = -80.0
"""UTM's southern limit; beyond it the frame is UPS South. [°]"""


def utm_crs_for(lon_deg: float, lat_deg: float) -> CRS:
    """The conformal metric CRS (WGS84 datum) of a point: its UTM zone, or the polar
    stereographic UPS beyond UTM's latitudes.

    Parameters
    ----------
    lon_deg, lat_deg : float
        Point in WGS84; any longitude (181° is -179°). [°]

    Returns
    -------
    pyproj.CRS
        EPSG 326zz (north) or 327zz (south); north of 84° N EPSG 32661 (UPS North), south
        of 80° S EPSG 32761 (UPS South).  Norway and Svalbard zone exceptions are ignored:
        the job still plans in a valid conformal frame, only a zone off.
    """
    if lat_deg > UTM_NORTH_LIMIT_DEG:
        return CRS.from_epsg(32661)
    if lat_deg < UTM_SOUTH_LIMIT_DEG:
        return CRS.from_epsg(32761)
    zone = int(np.floor((lon_deg + 180.0) / 6.0)) % 60 + 1
    epsg = (32600 if lat_deg >= 0 else 32700) + zone
    return CRS.from_epsg(epsg)


@dataclass(frozen=True)
class LocalFrame:
    """A projected metric CRS with transformers to and from WGS84.

    Attributes
    ----------
    crs : pyproj.CRS
        The projected CRS planners work in (metres).
    """

    crs: CRS
    _fwd: Transformer = field(init=False, repr=False, compare=False)
    _inv: Transformer = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_fwd", Transformer.from_crs(WGS84, self.crs, always_xy=True))
        object.__setattr__(self, "_inv", Transformer.from_crs(self.crs, WGS84, always_xy=True))

    @classmethod
    def for_lonlat(cls, lon_deg: float, lat_deg: float) -> LocalFrame:
        """The UTM frame of the zone containing (lon, lat) (UPS near the poles); any
        longitude, so a job across 180° may give its centre as 180.5°."""
        return cls(utm_crs_for(lon_deg, lat_deg))

    @cached_property
    def epsg(self) -> int | None:
        """EPSG code of the frame, if it has one."""
        return self.crs.to_epsg()

    def to_local(self, lon_deg, lat_deg):
        """WGS84 (lon, lat) [°] -> local (x, y) [m]; scalars or arrays."""
        return self._fwd.transform(lon_deg, lat_deg)

    def to_lonlat(self, x_m, y_m):
        """Local (x, y) [m] -> WGS84 (lon, lat) [°]; scalars or arrays."""
        return self._inv.transform(x_m, y_m)

    def geometry_to_local(self, geom: shapely.Geometry) -> shapely.Geometry:
        """Project a WGS84 geometry (lon, lat order) into the frame."""
        return shapely.transform(geom, self._xy_fwd)

    def geometry_to_lonlat(self, geom: shapely.Geometry) -> shapely.Geometry:
        """Project a local geometry back to WGS84 (lon, lat order)."""
        return shapely.transform(geom, self._xy_inv)

    def _xy_fwd(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._fwd.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    def _xy_inv(self, coords: np.ndarray) -> np.ndarray:
        x, y = self._inv.transform(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])
