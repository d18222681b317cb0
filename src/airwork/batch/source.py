"""Read a parcel register into Dask partitions, spatially sorted, and stage them on disk.

The register (GeoParquet, GeoPackage, FlatGeobuf or Shapefile, any CRS) is read with
dask-geopandas in chunks (a GeoParquet by its row groups), reprojected to WGS84 and cut
down to the columns the batch reads, renamed: ``row`` (the input row number), ``field_id``,
``crop``, ``rate``, ``station_ref``, ``district`` and the geometry.  Rows are then sorted
along a Hilbert curve over the register's extent and cut into partitions of about
``partition_size`` fields, so each partition is a compact patch of land (one task reads the
road or station layer over a small window) and the partitioning is the same on every run.

The staged partitions (``_stage/part.N.parquet``) are the run's input from then on: a
resumed run plans exactly these rows, never the file again.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from airwork.batch.options import BatchError, BatchOptions
from airwork.batch.store import write_atomic_parquet

__all__ = ["STAGE_COLUMNS", "check_parcels", "open_parcels", "stage_parcels"]

STAGE_COLUMNS = ("row", "field_id", "crop", "rate", "station_ref", "district", "geometry")
"""Columns of a staged partition, in order."""

_SUFFIXES = {".parquet", ".geoparquet", ".gpkg", ".fgb", ".shp"}
_READ_CHUNK_ROWS = 50_000  # rows per chunk of a GeoPackage, FlatGeobuf or Shapefile read
_HILBERT_LEVEL = 16


def check_parcels(path: str | Path, options: BatchOptions) -> None:
    """Refuse, from the file's schema alone, a parcel file of another format or without the
    named columns (before any cluster starts).

    Raises
    ------
    BatchError
    """
    p = Path(path)
    if p.suffix.lower() not in _SUFFIXES:
        raise BatchError(
            f"{p}: parcels must be GeoParquet, GeoPackage, FlatGeobuf or Shapefile, "
            f"got {p.suffix or 'no suffix'!r}"
        )
    if not p.exists():
        raise BatchError(f"{p}: no such file")
    try:
        if p.suffix.lower() in (".parquet", ".geoparquet"):
            import pyarrow.parquet as pq

            columns = list(pq.read_schema(p).names)
        else:
            import pyogrio

            columns = list(pyogrio.read_info(p, layer=options.layer)["fields"])
    except Exception as exc:
        raise BatchError(f"{p}: cannot read the parcels: {_first_line(exc)}") from None
    named = [
        options.id_column,
        options.crop_column,
        options.rate_column,
        options.station_column,
        options.district_column,
    ]
    missing = [c for c in named if c and c not in columns]
    if missing:
        raise BatchError(
            f"{p}: no column {', '.join(map(repr, missing))} (columns: {', '.join(columns)})"
        )


def open_parcels(path: str | Path, options: BatchOptions) -> Any:
    """The parcel register as a dask-geopandas frame of :data:`STAGE_COLUMNS` in WGS84.

    Raises
    ------
    BatchError
        Unsupported suffix, unreadable file, a named column missing, no CRS.
    """
    import dask_geopandas

    p = Path(path)
    suffix = p.suffix.lower()
    if suffix not in _SUFFIXES:
        raise BatchError(
            f"{p}: parcels must be GeoParquet, GeoPackage, FlatGeobuf or Shapefile, "
            f"got {p.suffix or 'no suffix'!r}"
        )
    if not p.exists():
        raise BatchError(f"{p}: no such file")
    try:
        if suffix in (".parquet", ".geoparquet"):
            ddf = dask_geopandas.read_parquet(str(p), split_row_groups=True)
        else:
            ddf = dask_geopandas.read_file(str(p), chunksize=_READ_CHUNK_ROWS, layer=options.layer)
    except Exception as exc:  # the readers raise many types; one line for the user
        raise BatchError(f"{p}: cannot read the parcels: {_first_line(exc)}") from None
    named = {
        "field_id": options.id_column,
        "crop": options.crop_column,
        "rate": options.rate_column,
        "station_ref": options.station_column,
        "district": options.district_column,
    }
    missing = [c for c in named.values() if c and c not in ddf.columns]
    if missing:
        have = ", ".join(str(c) for c in ddf.columns if c != ddf.geometry.name)
        raise BatchError(f"{p}: no column {', '.join(map(repr, missing))} (columns: {have})")
    crs = ddf.crs
    if crs is None:
        if options.crs is None:
            raise BatchError(f"{p}: the file declares no CRS; give its CRS (--crs EPSG:2154)")
        ddf = ddf.set_crs(options.crs)
    lengths = ddf.map_partitions(len).compute()
    offsets = np.concatenate([[0], np.cumsum(np.asarray(lengths))[:-1]]).tolist()
    meta = _canonical(ddf._meta, named, 0)
    parts = ddf.map_partitions(_canonical_part, named, offsets, meta=meta)
    return parts


def _canonical_part(part, named, offsets, partition_info=None):
    number = 0 if partition_info is None else partition_info["number"]
    return _canonical(part, named, offsets[number] if offsets else 0)


def _canonical(part, named: dict[str, str | None], offset: int):
    """One chunk of the register: the batch's columns, WGS84, rows numbered from ``offset``."""
    import geopandas

    n = len(part)
    geom = part.geometry
    if geom.crs is not None and n:
        with np.errstate(all="ignore"):
            geom = geom.to_crs(4326)
    elif geom.crs is not None:
        geom = geom.set_crs(None, allow_override=True).set_crs(4326)
    row = np.arange(offset, offset + n, dtype=np.int64)
    data: dict[str, Any] = {"row": row}
    src = named["field_id"]
    data["field_id"] = part[src].astype(str).to_numpy() if src else row.astype(str)
    for key in ("crop", "rate", "station_ref", "district"):
        src = named[key]
        if key == "rate":
            data[key] = (
                pd.to_numeric(part[src], errors="coerce").to_numpy(dtype=float)
                if src
                else np.full(n, np.nan)
            )
        else:
            data[key] = (
                part[src].astype(object).where(part[src].notna(), None).to_numpy()
                if src
                else np.full(n, None, dtype=object)
            )
    out = geopandas.GeoDataFrame(
        data, geometry=geopandas.GeoSeries(geom.to_numpy(), crs=4326), index=pd.RangeIndex(n)
    )
    for key in ("field_id", "crop", "station_ref", "district"):
        out[key] = out[key].astype(object)
    return out


def _hilbert(part, bounds: tuple[float, float, float, float]):
    """Hilbert distance of each parcel's bounding-box centre over ``bounds``; missing, empty
    or non-finite geometries are put at the curve's start."""
    import geopandas
    import shapely

    geoms = part.geometry.to_numpy()
    b = shapely.bounds(geoms)
    x = (b[:, 0] + b[:, 2]) / 2
    y = (b[:, 1] + b[:, 3]) / 2
    bad = ~(np.isfinite(x) & np.isfinite(y))
    x = np.where(bad, bounds[0], np.clip(x, bounds[0], bounds[2]))
    y = np.where(bad, bounds[1], np.clip(y, bounds[1], bounds[3]))
    pts = geopandas.GeoSeries(shapely.points(x, y), index=part.index)
    return pts.hilbert_distance(total_bounds=bounds, level=_HILBERT_LEVEL).astype(np.int64)


def _finite_bounds(part) -> pd.DataFrame:
    import shapely

    b = shapely.bounds(part.geometry.to_numpy())
    ok = np.isfinite(b).all(axis=1) & (np.abs(b[:, [0, 2]]) <= 180).all(axis=1)
    ok &= (np.abs(b[:, [1, 3]]) <= 90).all(axis=1)
    b = b[ok]
    if not len(b):
        return pd.DataFrame({"b": [np.nan] * 4})
    return pd.DataFrame({"b": [b[:, 0].min(), b[:, 1].min(), -b[:, 2].max(), -b[:, 3].max()]})


def stage_parcels(
    ddf: Any, stage_dir: Path, partition_size: int
) -> tuple[list[int], tuple[float, float, float, float]]:
    """Sort the parcels along a Hilbert curve, cut them into partitions of about
    ``partition_size`` rows and write them to ``stage_dir/part.N.parquet``.

    Returns
    -------
    rows : list of int
        The rows of each partition, in partition order.
    bounds : (float, float, float, float)
        The parcels' extent (those with usable coordinates), lon/lat. [°]

    Raises
    ------
    BatchError
        The register has no parcel, or its ids are not unique.
    """
    per = ddf.map_partitions(_finite_bounds, meta=pd.DataFrame({"b": pd.Series([], dtype=float)}))
    b = per["b"].compute().to_numpy().reshape(-1, 4)
    if np.isnan(b).all():
        bounds = (-180.0, -90.0, 180.0, 90.0)
    else:
        mins = np.nanmin(b, axis=0)
        bounds = (mins[0], mins[1], -mins[2], -mins[3])
        if bounds[2] <= bounds[0] or bounds[3] <= bounds[1]:
            bounds = (bounds[0] - 1e-3, bounds[1] - 1e-3, bounds[2] + 1e-3, bounds[3] + 1e-3)
    ddf = ddf.assign(_h=ddf.map_partitions(_hilbert, bounds, meta=("_h", "int64")))
    keys = ddf[["_h", "field_id"]].compute()
    if len(keys) == 0:
        raise BatchError("the parcel file holds no parcel")
    dup = keys["field_id"].duplicated()
    if dup.any():
        ids = ", ".join(map(repr, keys["field_id"][dup].unique()[:5]))
        raise BatchError(f"parcel ids are not unique: {ids} appear more than once")
    h = np.sort(keys["_h"].to_numpy())
    n_parts = max(1, math.ceil(len(h) / partition_size))
    cuts = np.unique(h[np.minimum(np.arange(n_parts) * partition_size, len(h) - 1)])
    divisions = [*cuts.tolist(), int(h[-1])]
    if len(divisions) == 1:
        divisions = [divisions[0], divisions[0]]
    # shuffle plain columns (geometry as WKB): Dask's shuffles move Arrow tables
    plain = ddf.map_partitions(_to_wkb, meta=_to_wkb(ddf._meta))
    plain = plain.set_index("_h", divisions=divisions, sort=True)
    if stage_dir.exists():
        shutil.rmtree(stage_dir)
    stage_dir.mkdir(parents=True)
    written = plain.map_partitions(_write_stage, str(stage_dir), meta=("rows", "int64"))
    counts = written.compute()
    return [int(n) for n in counts.sort_index().to_numpy()], tuple(map(float, bounds))


def _to_wkb(part):
    """A partition as a plain frame: the geometry as WKB bytes (None where missing)."""
    import shapely

    out = pd.DataFrame(part.drop(columns=part.geometry.name))
    out["wkb"] = pd.Series(shapely.to_wkb(part.geometry.to_numpy()), index=part.index, dtype=object)
    return out


def _write_stage(part, stage_dir: str, partition_info=None):
    """Write one sorted partition to ``stage_dir/part.N.parquet`` (atomically); its rows."""
    import geopandas
    import shapely

    number = 0 if partition_info is None else partition_info["number"]
    out = part.reset_index().sort_values(["_h", "row"], kind="stable")
    out = out.drop(columns="_h").reset_index(drop=True)
    geoms = shapely.from_wkb(out.pop("wkb").to_numpy(dtype=object))
    out = geopandas.GeoDataFrame(out, geometry=geopandas.GeoSeries(geoms, crs=4326))
    if partition_info is not None:
        write_atomic_parquet(out, Path(stage_dir) / f"part.{number}.parquet")
    return pd.Series([len(out)], index=[number], name="rows", dtype="int64")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0] if text else type(exc).__name__
