"""Coordinate systems of read geodata: resolve a file's CRS, check its coordinates (finite,
in the lon/lat range, not swapped, not scattered over a continent) and reproject to WGS84."""

from __future__ import annotations

import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError

from airwork.errors import AirworkWarning, CRSError, GeometryError
from airwork.geo.frame import WGS84

__all__ = [
    "MAX_JOB_EXTENT_KM",
    "check_extent",
    "check_finite",
    "check_lonlat_range",
    "parse_crs",
    "reproject_to_wgs84",
    "transform_keep_z",
    "unwrap_antimeridian",
]


def parse_crs(value: str, what: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except PyprojCRSError as exc:
        raise CRSError(f"{what}: cannot understand CRS {value!r}: {exc}") from exc


def _is_wgs84(crs: CRS) -> bool:
    return crs.equals(WGS84, ignore_axis_order=True) or crs.equals(
        CRS.from_user_input("OGC:CRS84"), ignore_axis_order=True
    )


def reproject_to_wgs84(
    geoms: np.ndarray,
    sources: Sequence[str],
    file_crs: str | None,
    user_crs: str | None,
    path: Path,
    kind: str,
) -> np.ndarray:
    """Resolve the CRS of one layer, check its coordinates and reproject them to WGS84.

    Parameters
    ----------
    geoms : ndarray of shapely geometries
        The layer's geometries in the file's coordinates.
    sources : sequence of str
        Where each came from, for messages.
    file_crs : str or None
        The CRS the file declares.
    user_crs : str or None
        The CRS the user gave (for files that declare none).
    path : Path
    kind : str
        The format (``"GeoJSON"``, ``"WKT"`` ...).

    Returns
    -------
    ndarray
        Geometries in WGS84 lon/lat (Z kept). [°]
    """
    if len(geoms) == 0:
        return geoms
    check_finite(geoms, sources)
    user = parse_crs(user_crs, f"{path} (crs option)") if user_crs is not None else None

    if file_crs is None:
        if user is not None:
            src = user
        else:
            src = WGS84
            coords = shapely.get_coordinates(geoms)
            if not _in_lonlat_range(coords).all() and not _looks_swapped(coords):
                bad = coords[~_in_lonlat_range(coords)][0]
                what = (
                    "WKT is read as WGS84 lon/lat unless a CRS is given"
                    if kind == "WKT"
                    else "the file has no CRS (for a Shapefile: no .prj file)"
                )
                raise CRSError(
                    f"{path}: {what}, and its coordinates look projected "
                    f"(e.g. x={bad[0]:.3f}, y={bad[1]:.3f} is outside lon/lat range); "
                    "give the CRS of the data, e.g. --crs EPSG:2154 (crs='EPSG:2154')"
                )
            if kind not in ("WKT", "CSV"):
                warnings.warn(
                    f"{path}: the file has no CRS; its coordinates are in lon/lat range, so "
                    "they are read as WGS84 lon/lat (pass --crs to say otherwise)",
                    AirworkWarning,
                    stacklevel=3,
                )
    else:
        declared = parse_crs(file_crs, str(path))
        src = declared
        if user is not None and not user.equals(declared, ignore_axis_order=True):
            if kind == "GeoJSON" and _is_wgs84(declared):
                src = user  # a GeoJSON that does not follow RFC 7946: trust the user
            else:
                raise CRSError(
                    f"{path}: the file declares CRS {declared.name!r} "
                    f"(EPSG:{declared.to_epsg()}) but crs={user_crs!r} was given; "
                    "drop the crs option or fix the file's CRS"
                )

    if src.is_geographic:
        check_lonlat_range(geoms, sources)  # degrees: check before any transform
    if not _is_wgs84(src):
        transformer = Transformer.from_crs(src, WGS84, always_xy=True)
        geoms = transform_keep_z(geoms, transformer.transform)
        _check_transformed(geoms, sources, src)
        check_lonlat_range(geoms, sources)
    return geoms


def transform_keep_z(geoms: np.ndarray, transform) -> np.ndarray:
    """Apply ``transform(x, y) -> (x, y)`` to every vertex, keeping any Z unchanged."""

    def apply(coords: np.ndarray) -> np.ndarray:
        out = np.array(coords, dtype=float, copy=True)
        x, y = transform(coords[:, 0], coords[:, 1])
        out[:, 0] = x
        out[:, 1] = y
        return out

    return shapely.transform(geoms, apply, include_z=None)


def _in_lonlat_range(coords: np.ndarray) -> np.ndarray:
    return (np.abs(coords[:, 0]) <= 180.0) & (np.abs(coords[:, 1]) <= 90.0)


def _looks_swapped(coords: np.ndarray) -> bool:
    """All |x| ≤ 90 and some 90 < |y| ≤ 180: clearly (lat, lon) instead of (lon, lat)."""
    if len(coords) == 0:
        return False
    ax, ay = np.abs(coords[:, 0]), np.abs(coords[:, 1])
    return bool((ax <= 90.0).all() and (ay > 90.0).any() and (ay <= 180.0).all())


def _first_bad_vertex(bad: np.ndarray, index: np.ndarray) -> tuple[int, int]:
    """(feature index, vertex index within the feature) of the first True in ``bad``."""
    k = int(np.flatnonzero(bad)[0])
    feature = int(index[k])
    vertex = k - int(np.flatnonzero(index == feature)[0])
    return feature, vertex


def check_finite(geoms: np.ndarray, sources: Sequence[str]) -> None:
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        i, v = _first_bad_vertex(bad, index)
        x, y = coords[bad][0]
        raise GeometryError(f"{sources[i]}: vertex {v} has a non-finite coordinate (x={x}, y={y})")


def check_lonlat_range(geoms: np.ndarray, sources: Sequence[str]) -> None:
    """Raise CRSError for the first vertex outside WGS84 lon/lat range."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    ok = _in_lonlat_range(coords)
    if ok.all():
        return
    bad = ~ok
    i, v = _first_bad_vertex(bad, index)
    x, y = coords[bad][0]
    msg = (
        f"{sources[i]}: vertex {v} (x={x:.7f}, y={y:.7f}) is outside the WGS84 range "
        "(|lon| ≤ 180°, |lat| ≤ 90°)"
    )
    if _looks_swapped(coords):
        msg += "; the coordinates look like lat, lon order; GeoJSON is lon, lat (x=lon, y=lat)"
    elif np.abs(coords[bad]).max() > 1000.0:
        msg += (
            "; the coordinates look projected (metres): give the data's CRS, "
            "e.g. --crs EPSG:2154 (crs='EPSG:2154')"
        )
    raise CRSError(msg)


MAX_JOB_EXTENT_KM = 1000.0
"""Largest distance of a job's feature from the job's median point.  Drone work is local;
a feature farther away is a coordinate mistake (latitude/longitude swapped in one file, a
wrong CRS), and one local metric frame would distort beyond use. [km]"""


def unwrap_antimeridian(geoms: np.ndarray) -> tuple[np.ndarray, bool]:
    """Geometries of a job that straddles the antimeridian made contiguous.

    A field at Taveuni (Fiji) has vertices at 179.99° and -179.99°: in lon/lat the polygon
    spans the globe the long way round, its centroid is near 0°, and a median puts the job
    in the Atlantic.  When the longitudes span more than 180° and less once the negative
    ones are moved by +360°, they are moved (-179.99° becomes 180.01°); pyproj projects
    such longitudes as the same meridians, so the local frame is unchanged.

    Returns
    -------
    (ndarray, bool)
        The geometries (the same array when nothing moved) and whether they moved.
    """
    if len(geoms) == 0:
        return geoms, False
    lon = shapely.get_coordinates(geoms)[:, 0]
    if lon.size == 0 or lon.max() - lon.min() <= 180.0:
        return geoms, False
    east = np.where(lon < 0.0, lon + 360.0, lon)
    if east.max() - east.min() >= lon.max() - lon.min():
        return geoms, False

    def shift(coords: np.ndarray) -> np.ndarray:
        out = np.array(coords, dtype=float, copy=True)
        out[:, 0] = np.where(out[:, 0] < 0.0, out[:, 0] + 360.0, out[:, 0])
        return out

    return shapely.transform(geoms, shift, include_z=None), True


def check_extent(geoms: np.ndarray, sources: Sequence[str]) -> None:
    """Raise GeometryError for the feature farthest from the others when it lies more than
    :data:`MAX_JOB_EXTENT_KM` from the median point of all features (geodesic distance on
    the WGS84 ellipsoid, pyproj ``Geod.inv``; a job across 180° is measured across it)."""
    if len(geoms) < 2:
        return
    pts = shapely.get_coordinates(shapely.point_on_surface(unwrap_antimeridian(geoms)[0]))
    lon0, lat0 = np.median(pts[:, 0]), np.median(pts[:, 1])
    geod = Geod(ellps="WGS84")
    n = len(pts)
    _, _, dist_m = geod.inv(np.full(n, lon0), np.full(n, lat0), pts[:, 0], pts[:, 1])
    i = int(np.argmax(dist_m))
    if dist_m[i] <= MAX_JOB_EXTENT_KM * 1000.0:
        return
    far = dist_m > MAX_JOB_EXTENT_KM * 1000.0
    wrap = lambda x: (x + 180.0) % 360.0 - 180.0  # noqa: E731
    raise GeometryError(
        f"{sources[i]}: lies {dist_m[i] / 1000:,.0f} km from the rest of the job (lon "
        f"{wrap(pts[i, 0]):.6f}, lat {pts[i, 1]:.6f}, against lon {wrap(lon0):.6f}, lat "
        f"{lat0:.6f}); {int(far.sum())} of {n} features are more than "
        f"{MAX_JOB_EXTENT_KM:,.0f} km away. Check its coordinates: latitude/longitude order "
        "(GeoJSON is lon, lat), CRS"
    )


def _check_transformed(geoms: np.ndarray, sources: Sequence[str], src: CRS) -> None:
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        i, v = _first_bad_vertex(bad, index)
        raise CRSError(
            f"{sources[i]}: vertex {v} cannot be transformed from {src.name!r} to WGS84; "
            "is the CRS right?"
        )
