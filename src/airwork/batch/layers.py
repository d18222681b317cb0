"""The batch's extra layers (stations, roads, districts), read window by window.

A task reads a layer only over its partition's bounding box (plus a margin), through the
file's spatial index where it has one (GeoPackage, FlatGeobuf, Shapefile with ``.qix``), so
a national road network never sits whole in a worker.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np

from airwork.batch.options import BatchError

__all__ = ["district_names", "read_window"]

_M_PER_DEG = 111_320.0


def read_window(path: str | Path, bounds_lonlat: tuple[float, ...], margin_m: float) -> Any:
    """Features of a layer over ``bounds_lonlat`` widened by ``margin_m``, in WGS84.

    Raises
    ------
    BatchError
        The layer cannot be read or declares no CRS.
    """
    import geopandas
    import pyogrio
    from pyproj import CRS, Transformer

    x0, y0, x1, y1 = bounds_lonlat
    lat = max(abs(y0), abs(y1))
    dx = margin_m / (_M_PER_DEG * max(math.cos(math.radians(min(lat, 89.0))), 0.01))
    dy = margin_m / _M_PER_DEG
    box = (x0 - dx, max(y0 - dy, -90.0), x1 + dx, min(y1 + dy, 90.0))
    p = Path(path)
    try:
        if p.suffix.lower() in (".parquet", ".geoparquet"):
            layer = geopandas.read_parquet(p)
            if layer.crs is None:
                raise BatchError(f"{p}: the layer declares no CRS")
            layer = layer.to_crs(4326).cx[box[0] : box[2], box[1] : box[3]]
            return layer.reset_index(drop=True)
        crs = pyogrio.read_info(p)["crs"]
        if crs is None:
            raise BatchError(f"{p}: the layer declares no CRS")
        to_file = Transformer.from_crs(4326, CRS.from_user_input(crs), always_xy=True)
        file_box = to_file.transform_bounds(*box)
        layer = geopandas.read_file(p, bbox=file_box, engine="pyogrio")
        return layer.to_crs(4326).reset_index(drop=True)
    except BatchError:
        raise
    except Exception as exc:
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise BatchError(f"{p}: cannot read the layer: {first}") from None


def district_names(fields: Any, path: str | Path, name_column: str) -> np.ndarray:
    """The name of the district each field lies in (by a point inside the field), None
    outside every district.

    Raises
    ------
    BatchError
        The layer has no ``name_column``.
    """
    import geopandas
    import shapely

    out = np.full(len(fields), None, dtype=object)
    geoms = fields.geometry.to_numpy()
    ok = _usable(geoms)
    if not ok.any():
        return out
    layer = read_window(path, tuple(shapely.total_bounds(geoms[ok])), 0.0)
    if name_column not in layer.columns:
        have = ", ".join(str(c) for c in layer.columns if c != layer.geometry.name)
        raise BatchError(f"{path}: no column {name_column!r} (columns: {have})")
    if not len(layer):
        return out
    pts = geopandas.GeoDataFrame(
        geometry=shapely.point_on_surface(shapely.make_valid(geoms[ok])), crs=4326
    )
    hit = geopandas.sjoin(pts, layer[[name_column, layer.geometry.name]], predicate="within")
    hit = hit[~hit.index.duplicated(keep="first")]
    idx = np.flatnonzero(ok)[hit.index.to_numpy()]
    out[idx] = hit[name_column].astype(str).to_numpy()
    return out


def _usable(geoms: np.ndarray) -> np.ndarray:
    """Geometries a position can be taken from: present, not empty, finite, polygonal."""
    import shapely

    present = ~shapely.is_missing(geoms)
    ok = present.copy()
    ok[present] = ~shapely.is_empty(geoms[present])
    ok[ok] &= np.isin(shapely.get_type_id(geoms[ok]), (3, 6))
    if ok.any():
        b = shapely.bounds(geoms[ok])
        ok[ok] = np.isfinite(b).all(axis=1)
    return ok
