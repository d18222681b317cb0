"""Where each field's aircraft takes off: one station per field, for a whole partition at once.

In order of precedence, per field:

1. ``column``: the parcel's ``station_column`` names a station of the station layer (by its
   ``station_id_column``), or without a layer gives the point itself (``"lon,lat"`` or WKT
   ``POINT (lon lat)``, WGS84).  A name or point that cannot be used fails the field.
2. ``layer``: the nearest station of the station layer within ``max_station_m``.
3. ``road``: the point of the nearest road (road layer) within ``max_road_m`` that is
   nearest the field: where a truck parks.
4. ``edge``: the point of the field's outer edge nearest its centroid.

Distances are measured in the UTM zone of the partition's centre (metres).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import numpy as np

from airwork.batch.layers import _usable, read_window
from airwork.batch.options import BatchError, BatchOptions

__all__ = ["Stations", "place_stations"]

_LONLAT_RE = re.compile(
    r"^\s*(?:POINT\s*\(\s*)?(?P<lon>[-+0-9.eE]+)[\s,;]+(?P<lat>[-+0-9.eE]+)\s*\)?\s*$",
    re.IGNORECASE,
)


@dataclass
class Stations:
    """One station per field of a partition.

    Attributes
    ----------
    lon, lat : arrays of float
        WGS84 (NaN where the field has none). [°]
    source : array of str or None
        ``column``, ``layer``, ``road`` or ``edge``.
    error : array of str or None
        Why a field has no station (then the field fails with this reason).
    """

    lon: np.ndarray
    lat: np.ndarray
    source: np.ndarray
    error: np.ndarray


def place_stations(fields: Any, options: BatchOptions) -> Stations:
    """A station for each field of ``fields`` (a GeoDataFrame in WGS84 with
    ``station_ref``)."""
    import shapely
    from pyproj import Transformer

    n = len(fields)
    st = Stations(
        np.full(n, np.nan), np.full(n, np.nan), np.full(n, None, object), np.full(n, None, object)
    )
    geoms = fields.geometry.to_numpy()
    ok = _usable(geoms)
    if not ok.any():
        return st
    bounds = tuple(shapely.total_bounds(geoms[ok]))
    cx, cy = (bounds[0] + bounds[2]) / 2, (bounds[1] + bounds[3]) / 2
    zone = int(np.floor((cx + 180.0) / 6.0)) % 60 + 1
    utm = (32600 if cy >= 0 else 32700) + zone
    fwd = Transformer.from_crs(4326, utm, always_xy=True)
    inv = Transformer.from_crs(utm, 4326, always_xy=True)
    local = np.full(n, None, dtype=object)
    local[ok] = shapely.transform(geoms[ok], lambda xy: np.column_stack(fwd.transform(*xy.T)))
    todo = ok.copy()
    xy = np.full((n, 2), np.nan)
    if options.station_column:
        _from_column(fields["station_ref"].to_numpy(), options, bounds, todo, xy, st, fwd)
    if options.stations and not options.station_column and todo.any():
        layer = _layer_points(options.stations, bounds, options.max_station_m, fwd)
        _nearest(local, layer, options.max_station_m, todo, xy, st, "layer", snap_to_field=False)
    if options.roads and todo.any():
        roads = read_window(options.roads, bounds, options.max_road_m)
        lines = shapely.transform(
            roads.geometry.to_numpy(), lambda p: np.column_stack(fwd.transform(*p.T))
        )
        _nearest(local, lines, options.max_road_m, todo, xy, st, "road", snap_to_field=True)
    if todo.any():
        xy[todo] = _edge_points(local[todo])
        st.source[todo] = "edge"
    placed = np.isfinite(xy).all(axis=1)
    if placed.any():
        lon, lat = inv.transform(xy[placed, 0], xy[placed, 1])
        st.lon[placed], st.lat[placed] = lon, lat
    return st


def _from_column(refs, options, bounds, todo, xy, st, fwd) -> None:
    """Stations named (or given) by the parcel's own column."""
    given = todo & np.array([r is not None and str(r).strip() != "" for r in refs])
    if not given.any():
        return
    if options.stations:
        layer = read_window(options.stations, bounds, options.max_station_m)
        key = options.station_id_column
        if key not in layer.columns:
            raise BatchError(f"{options.stations}: no column {key!r} for the station ids")
        pts = layer.geometry.to_numpy()
        table = {str(k): p for k, p in zip(layer[key].to_numpy(), pts, strict=True)}
    for i in np.flatnonzero(given):
        ref = str(refs[i]).strip()
        if options.stations:
            p = table.get(ref)
            if p is None or p.geom_type != "Point":
                st.error[i] = (
                    f"station {ref!r} is not a point of {options.stations} within "
                    f"{options.max_station_m:g} m of the field's partition"
                )
                todo[i] = False
                continue
            lon, lat = p.x, p.y
        else:
            m = _LONLAT_RE.match(ref)
            if m is None:
                st.error[i] = f"station {ref!r} is not 'lon,lat' or a WKT POINT (WGS84)"
                todo[i] = False
                continue
            lon, lat = float(m["lon"]), float(m["lat"])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                st.error[i] = f"station {ref!r} is out of the lon/lat range"
                todo[i] = False
                continue
        xy[i] = fwd.transform(lon, lat)
        st.source[i] = "column"
        todo[i] = False


def _layer_points(path, bounds, margin_m, fwd) -> np.ndarray:
    import shapely

    layer = read_window(path, bounds, margin_m)
    pts = layer.geometry.to_numpy()
    pts = pts[shapely.get_type_id(pts) == 0]
    return shapely.transform(pts, lambda p: np.column_stack(fwd.transform(*p.T)))


def _nearest(local, targets, max_m, todo, xy, st, source, *, snap_to_field) -> None:
    """For each field still to do, the nearest target within ``max_m``: the target itself
    (stations) or the target's point nearest the field (roads)."""
    import shapely

    if not len(targets):
        return
    tree = shapely.STRtree(targets)
    idx = np.flatnonzero(todo)
    pairs, dist = tree.query_nearest(local[idx], max_distance=max_m, return_distance=True)
    if not pairs.shape[1]:
        return
    first = np.unique(pairs[0], return_index=True)[1]  # one target per field (ties: first)
    fi, ti = idx[pairs[0, first]], pairs[1, first]
    del dist
    if snap_to_field:
        line = shapely.shortest_line(targets[ti], local[fi])
        pts = shapely.get_coordinates(shapely.get_point(line, 0))
    else:
        pts = shapely.get_coordinates(targets[ti])
    xy[fi] = pts
    st.source[fi] = source
    todo[fi] = False


def _edge_points(polys: np.ndarray) -> np.ndarray:
    """The point of each polygon's outer edge (every part's) nearest its centroid."""
    import shapely

    parts, owner = shapely.get_parts(polys, return_index=True)
    rings = shapely.get_exterior_ring(parts)
    centroids = shapely.centroid(polys)
    with np.errstate(all="ignore"):
        lines = shapely.shortest_line(rings, centroids[owner])
    good = ~shapely.is_missing(lines)
    good[good] = ~shapely.is_empty(lines[good])
    lines, owner = lines[good], owner[good]
    length = shapely.length(lines)
    order = np.lexsort((length, owner))
    best = order[np.unique(owner[order], return_index=True)[1]]
    out = np.full((len(polys), 2), np.nan)
    out[owner[best]] = shapely.get_coordinates(shapely.get_point(lines[best], 0))
    return out
