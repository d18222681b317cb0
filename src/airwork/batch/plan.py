"""Plan one partition of a batch: every field with :func:`airwork.run_job`, in its own frame.

:func:`plan_partition` is the task a Dask worker runs.  It reads its staged partition (and
the station, road and district layers over the partition's window only), places the
stations, plans each field as a one-field site built in memory (:func:`build_site`, the
parcel's own UTM frame), and writes the partition's results, and its missions when asked,
atomically.  A field that fails, whatever its fault, becomes a row with status ``failed``
(an :class:`~airwork.errors.AirworkError`: bad geometry, an aircraft that cannot fly it, a
plan refused by the pre-flight check) or ``error`` (anything else: a bug, reported with
its type), and the partition goes on.
"""

from __future__ import annotations

import math
import os
import re
import resource
import time
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from airwork.batch.layers import district_names
from airwork.batch.options import BatchError, BatchOptions
from airwork.batch.stations import place_stations
from airwork.batch.store import (
    archive_path,
    result_path,
    stage_path,
    write_atomic_parquet,
)
from airwork.errors import AirworkError

__all__ = ["RESULT_COLUMNS", "SUMMARY_FORMAT", "plan_partition"]

SUMMARY_FORMAT = "waypoints"
"""The one format rendered when no mission files are asked for: ``run_job`` takes an empty
format list as "every default format", and this is the cheapest to render."""

RESULT_COLUMNS: dict[str, str] = {
    "field_id": "the parcel's id (id column, or its row number)",
    "row": "row of the parcel in the input file (from 0)",
    "district": "district (column or layer), empty when none",
    "crop": "crop (column), empty when none",
    "status": "ok, failed (a refusal with its reason) or error (an unexpected fault)",
    "error": "why the field failed, one line",
    "area_ha": "area planned (sprayable or mapped) [ha]",
    "covered_frac": "share of the area covered (spray, spread)",
    "sorties": "sorties flown",
    "flight_time_h": "time in the air [h]",
    "ground_time_h": "time on the ground between sorties: refill, battery swap [h]",
    "energy_kwh": "battery energy [kWh]",
    "product": "liquid [L] or granules [kg] applied; photos for a survey",
    "product_unit": "L, kg or photos",
    "work_rate_ha_per_h": "area / (flight + ground time) [ha/h]",
    "rate_per_ha": "application rate used [L/ha or kg/ha]",
    "planning_time_s": "planner time [s]",
    "check_time_s": "pre-flight check time, re-planning included [s]",
    "job_time_s": "whole run_job time: plan, check, render [s]",
    "station_lon": "take-off station longitude [°]",
    "station_lat": "take-off station latitude [°]",
    "station_source": "column, layer, road or edge",
    "geometry": "the parcel as given, WGS84",
}
"""Columns of a result partition, with their meaning and unit."""

_SAFE_RE = re.compile(r"[^A-Za-z0-9._-]+")


def plan_partition(
    out: str, index: int, parcels: str, fingerprint: str, options: dict[str, Any]
) -> dict[str, Any]:
    """Plan every field of staged partition ``index`` of the run in ``out``; write its
    result file (and missions) atomically.

    Returns
    -------
    dict
        ``partition``, ``rows``, ``ok``, ``failed``, ``errors``, ``seconds`` (the task's
        wall time), ``cpu_seconds`` (its process CPU time),
        ``job_seconds``, ``planning_seconds``, ``check_seconds`` (sums over fields),
        ``peak_rss_mb`` of the worker process, ``pid``.
    """
    import geopandas

    t0, cpu0 = time.perf_counter(), time.process_time()
    opts = BatchOptions.model_validate(options)
    root = Path(out)
    fields = geopandas.read_parquet(stage_path(root, index))
    stations = place_stations(fields, opts)
    if opts.districts:
        district = district_names(fields, opts.districts, opts.districts_name_column)
    else:
        district = fields["district"].to_numpy(dtype=object)
    sink = _MissionSink(root, index, opts)
    rows = []
    try:
        for i, (fid, row, crop, rate, geom) in enumerate(
            zip(
                fields["field_id"].to_numpy(dtype=object),
                fields["row"].to_numpy(),
                fields["crop"].to_numpy(dtype=object),
                fields["rate"].to_numpy(dtype=float),
                fields.geometry.to_numpy(),
                strict=True,
            )
        ):
            station = (stations.lon[i], stations.lat[i], stations.source[i], stations.error[i])
            result, files = plan_field(str(fid), geom, _text(crop), rate, station, parcels, opts)
            result.update(
                field_id=str(fid), row=int(row), district=_text(district[i]), crop=_text(crop)
            )
            rows.append(result)
            if files:
                sink.add(str(fid), int(row), files)
        sink.commit()
    finally:
        sink.close()
    frame = result_frame(rows, fields.geometry.to_numpy())
    status = frame["status"].to_numpy()
    tag = {
        "fingerprint": fingerprint,
        "partition": index,
        "rows": len(fields),
        "bounds": _bounds(frame.geometry.to_numpy()[status == "ok"]),
    }
    write_atomic_parquet(frame, result_path(root, index), tag)
    return {
        "partition": index,
        "rows": len(fields),
        "ok": int((status == "ok").sum()),
        "failed": int((status == "failed").sum()),
        "errors": int((status == "error").sum()),
        "seconds": time.perf_counter() - t0,
        "cpu_seconds": time.process_time() - cpu0,
        "job_seconds": float(np.nansum(frame["job_time_s"])),
        "planning_seconds": float(np.nansum(frame["planning_time_s"])),
        "check_seconds": float(np.nansum(frame["check_time_s"])),
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0,
        "pid": os.getpid(),
    }


def plan_field(
    field_id: str,
    geom: Any,
    crop: str | None,
    rate: float,
    station: tuple[float, float, str | None, str | None],
    parcels: str,
    opts: BatchOptions,
) -> tuple[dict[str, Any], dict[str, bytes]]:
    """Plan one field; its result row (without ids) and its mission files (empty unless
    missions are asked for).  Never raises for a bad field."""
    from airwork.jobs.run import run_job

    clock = _Clock()
    rate_used = _rate(opts, rate)
    try:
        site = _site(field_id, geom, crop, station, opts)
        request = _request(field_id, parcels, opts, rate_used)
        clock.start()
        outcome = run_job(request, site=site, progress=clock)
        clock.stop()
    except AirworkError as exc:
        return _failed("failed", _one_line(str(exc)), clock), {}
    except Exception as exc:  # a fault of ours, not of the parcel: kept apart, never fatal
        return _failed("error", f"{type(exc).__name__}: {_one_line(str(exc))}", clock), {}
    row = summary_row(outcome.summary, opts.kind)
    row.update(
        status="ok",
        error=None,
        rate_per_ha=rate_used,
        check_time_s=clock.check_s,
        job_time_s=clock.total_s,
        station_lon=station[0],
        station_lat=station[1],
        station_source=station[2],
    )
    files = outcome.files if opts.missions != "none" else {}
    return row, files


def _site(field_id, geom, crop, station, opts):
    import shapely

    from airwork.geo.read import SourceFeature
    from airwork.site.load import build_site

    lon, lat, _source, error = station
    if error:
        raise BatchError(error)
    props: dict[str, Any] = {"id": field_id}
    if crop is not None:
        props["crop"] = crop
    features = [SourceFeature("field", geom, props, f"parcel {field_id!r}")]
    if math.isfinite(lon) and math.isfinite(lat):
        point = shapely.Point(lon, lat)
        features.append(SourceFeature("station", point, {}, f"station of parcel {field_id!r}"))
    return build_site(features, max_field_area_ha=opts.max_field_ha)


def _request(field_id: str, parcels: str, opts: BatchOptions, rate: float | None):
    from airwork.jobs.request import JobRequest

    params = dict(opts.params)
    if rate is not None and opts.rate_param:
        params[opts.rate_param] = rate
    formats = list(opts.formats) if opts.missions != "none" else [SUMMARY_FORMAT]
    return JobRequest.parse(
        {
            "kind": opts.kind,
            "site": {"files": [parcels], "max_field_ha": opts.max_field_ha},
            "aircraft": [opts.aircraft] if opts.aircraft else [],
            "params": params,
            "conditions": {
                "wind_mps": opts.wind_mps,
                "wind_from_deg": opts.wind_from_deg,
                "max_agl_m": opts.max_agl_m,
                "elevation_m": opts.elevation_m,
                "air_temperature_c": opts.air_temperature_c,
            },
            "output": {"formats": formats},
            "name": field_id,
        }
    )


def _rate(opts: BatchOptions, rate: float) -> float | None:
    """The rate a field is planned at: its own column value, else the options' (or the
    kind's default)."""
    if opts.rate_param is None:
        return None
    if opts.rate_column and math.isfinite(rate):
        return float(rate)
    given = opts.params.get(opts.rate_param)
    if given is not None:
        return float(given)
    from airwork.jobs.registry import kind

    return float(kind(opts.kind).Params.model_fields[opts.rate_param].default)


def summary_row(summary: dict[str, Any], kind: str) -> dict[str, Any]:
    """The result columns of a ``run_job`` summary (spray, spread or survey)."""
    flight_s = float(summary.get("flight_time_s") or 0.0)
    ground_s = float(summary.get("ground_time_s") or 0.0)
    area = summary.get("sprayable_area_ha", summary.get("area_ha"))
    area = float(area) if area is not None else math.nan
    if kind == "survey":
        product, unit = float(summary.get("photos") or 0), "photos"
    elif kind == "spread":
        product, unit = float(summary.get("product_kg") or 0.0), "kg"
    else:
        product, unit = float(summary.get("product_l") or 0.0), "L"
    rate = summary.get("work_rate_ha_per_h")
    if rate is None:
        hours = (flight_s + ground_s) / 3600.0
        rate = area / hours if hours > 0 else math.nan
    covered = summary.get("covered_fraction")
    return {
        "area_ha": area,
        "covered_frac": float(covered) if covered is not None else math.nan,
        "sorties": int(summary.get("sorties") or 0),
        "flight_time_h": flight_s / 3600.0,
        "ground_time_h": ground_s / 3600.0,
        "energy_kwh": float(summary.get("energy_wh") or 0.0) / 1000.0,
        "product": product,
        "product_unit": unit,
        "work_rate_ha_per_h": float(rate),
        "planning_time_s": float(summary.get("planning_time_s") or 0.0),
    }


def _failed(status: str, reason: str, clock: _Clock) -> dict[str, Any]:
    nan = math.nan
    return {
        "status": status,
        "error": reason,
        "area_ha": nan,
        "covered_frac": nan,
        "sorties": 0,
        "flight_time_h": nan,
        "ground_time_h": nan,
        "energy_kwh": nan,
        "product": nan,
        "product_unit": None,
        "work_rate_ha_per_h": nan,
        "rate_per_ha": nan,
        "planning_time_s": nan,
        "check_time_s": nan,
        "job_time_s": clock.elapsed_s(),
        "station_lon": nan,
        "station_lat": nan,
        "station_source": None,
    }


def result_frame(rows: list[dict[str, Any]], geoms: np.ndarray) -> Any:
    """The result rows as a GeoDataFrame of :data:`RESULT_COLUMNS`."""
    import geopandas
    import pandas as pd

    data = {c: [r.get(c) for r in rows] for c in RESULT_COLUMNS if c != "geometry"}
    frame = pd.DataFrame(data)
    for c in ("field_id", "district", "crop", "status", "error", "product_unit", "station_source"):
        frame[c] = frame[c].astype(object)
    frame["row"] = frame["row"].astype("int64")
    frame["sorties"] = frame["sorties"].astype("int32")
    floats = [c for c in RESULT_COLUMNS if c.endswith(("_h", "_ha", "_s", "_kwh", "_frac"))]
    floats += ["product", "station_lon", "station_lat", "rate_per_ha", "work_rate_ha_per_h"]
    for c in floats:
        frame[c] = frame[c].astype("float64")
    return geopandas.GeoDataFrame(frame, geometry=geopandas.GeoSeries(geoms, crs=4326))


class _Clock:
    """Times the phases of one ``run_job`` from its progress messages."""

    def __init__(self) -> None:
        self.t0 = time.perf_counter()
        self.begin = self.check_at = self.render_at = self.end = math.nan

    def start(self) -> None:
        self.begin = time.perf_counter()

    def __call__(self, fraction: float, message: str) -> None:
        now = time.perf_counter()
        if message == "pre-flight check" and math.isnan(self.check_at):
            self.check_at = now
        elif message == "rendering outputs":
            self.render_at = now

    def stop(self) -> None:
        self.end = time.perf_counter()

    @property
    def check_s(self) -> float:
        return self.render_at - self.check_at

    @property
    def total_s(self) -> float:
        return self.end - self.begin

    def elapsed_s(self) -> float:
        return time.perf_counter() - self.t0


class _MissionSink:
    """Where a partition's missions go: one zip per partition (written to a temporary file,
    renamed when the partition is done) or one folder per field (each written at once)."""

    def __init__(self, out: Path, index: int, opts: BatchOptions):
        self.mode = opts.missions
        self.out = out
        self.final = archive_path(out, index)
        self.tmp: Path | None = None
        self.zip: zipfile.ZipFile | None = None
        if self.mode == "archive":
            self.final.parent.mkdir(parents=True, exist_ok=True)
            self.tmp = self.final.with_name(f".{self.final.name}.{os.getpid()}.tmp")
            self.zip = zipfile.ZipFile(self.tmp, "w", compression=zipfile.ZIP_DEFLATED)

    def add(self, field_id: str, row: int, files: dict[str, bytes]) -> None:
        name = folder_name(field_id, row)
        if self.zip is not None:
            for fname, data in files.items():
                self.zip.writestr(f"{name}/{fname}", data)
        elif self.mode == "folders":
            from airwork.export.write import write_files

            write_files(files, self.out / "missions" / name, overwrite=True)

    def commit(self) -> None:
        if self.zip is not None and self.tmp is not None:
            self.zip.close()
            self.zip = None
            os.replace(self.tmp, self.final)

    def close(self) -> None:
        if self.zip is not None:
            self.zip.close()
        if self.tmp is not None:
            self.tmp.unlink(missing_ok=True)


def _bounds(geoms: np.ndarray) -> list[float] | None:
    """The lon/lat box of the planned fields (None when none was)."""
    import shapely

    if not len(geoms):
        return None
    return [float(v) for v in shapely.total_bounds(geoms)]


def folder_name(field_id: str, row: int) -> str:
    """A field's mission folder: its id where that is a plain file name, else the id made
    plain with its row number (unique)."""
    safe = _SAFE_RE.sub("_", field_id).strip("._") or "field"
    return safe if safe == field_id else f"{safe}-row{row}"


def _text(value: Any) -> str | None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    text = str(value)
    return text if text else None


def _one_line(text: str) -> str:
    lines = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    return " ".join(lines) if lines else "no reason given"
