"""Run a batch on Dask: stage the parcels, plan the partitions not yet done, aggregate.

:func:`run_batch` is the whole run and the only entry the faces call.  It checks the options
(kind parameters, aircraft, formats) before starting anything, opens or resumes the output
folder's manifest, connects to a Dask cluster (an embedded ``LocalCluster`` of process
workers by default, or ``scheduler="tcp://host:port"``), stages the parcels once, submits
one task per partition without a complete result file, and when every partition is done
writes the failed-field list, the per-district and per-week tables, the region map and
``report.json``.

A run that stops (a killed worker, a killed client, a restarted machine) is resumed by
running it again with the same parcels, options and output folder: finished partitions are
kept, the others are planned again from their staged rows.  A worker lost in a task is
retried by Dask; a partition that keeps failing is reported as unfinished, never as done.
"""

from __future__ import annotations

import contextlib
import json
import logging
import math
import os
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from airwork.batch import aggregate as agg
from airwork.batch.options import BatchError, BatchOptions
from airwork.batch.plan import plan_partition
from airwork.batch.regionmap import Grid, draw_region, flight_hours_grid
from airwork.batch.source import check_parcels, open_parcels, stage_parcels
from airwork.batch.store import (
    Manifest,
    done_partitions,
    read_tag,
    result_path,
    write_atomic_bytes,
)

__all__ = ["BatchProgress", "BatchReport", "check_options", "run_batch"]

BatchProgress = Callable[[int, int, str], None]
"""``progress(fields_done, fields_total, message)``."""


@dataclass
class BatchReport:
    """What a run did.

    Attributes
    ----------
    out : Path
    fields : int
        Parcels in the input.
    done_fields : int
        Fields with a result (ok, failed or error) after this run.
    ok, failed, errors : int
        Fields by status (over every finished partition, this run's and earlier ones').
    partitions : int
    skipped : int
        Partitions already done by an earlier run.
    planned : int
        Partitions planned by this run.
    unfinished : list of (int, str)
        Partitions without a result, with the reason.
    tasks : list of dict
        The stats of each partition planned by this run (:func:`plan_partition`).
    seconds : float
        Wall time of the run.
    dashboard : str or None
        The Dask dashboard link, when there is one.
    totals : dict
        The ``ALL`` row of the district table (complete runs).
    """

    out: Path
    fields: int = 0
    done_fields: int = 0
    ok: int = 0
    failed: int = 0
    errors: int = 0
    partitions: int = 0
    skipped: int = 0
    planned: int = 0
    unfinished: list[tuple[int, str]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0
    dashboard: str | None = None
    totals: dict[str, Any] = field(default_factory=dict)

    @property
    def complete(self) -> bool:
        return not self.unfinished and self.done_fields == self.fields


def check_options(opts: BatchOptions) -> None:
    """Refuse, before any work, what would fail every field: unknown parameters or
    aircraft, an aircraft without the kind's payload, unknown formats.

    Raises
    ------
    AirworkError
    """
    from airwork.jobs.base import parse_params
    from airwork.jobs.registry import kind
    from airwork.jobs.request import parse_aircraft_choice

    job_kind = kind(opts.kind)
    params = dict(opts.params)
    if opts.rate_column and opts.rate_param:
        params.pop(opts.rate_param, None)
    parse_params(job_kind.Params, params, job_kind.name)
    choice = parse_aircraft_choice(opts.aircraft or job_kind.default_aircraft, fleet=False)
    check = getattr(job_kind, "check_aircraft", None)
    if check is not None:
        check(choice.aircraft)
    if opts.missions != "none":
        import airwork.export  # noqa: F401  (registers the formats)
        from airwork.export.registry import exporter

        for name in opts.formats:
            exporter(name)


def run_batch(
    parcels: str | Path,
    options: BatchOptions | dict[str, Any],
    out: str | Path,
    *,
    scheduler: str | None = None,
    workers: int | None = None,
    restart: bool = False,
    progress: BatchProgress | None = None,
    client: Any = None,
    only: Sequence[int] | None = None,
) -> BatchReport:
    """Plan every parcel of ``parcels`` into ``out``, resuming a run already there.

    Parameters
    ----------
    parcels : path
        GeoParquet, GeoPackage, FlatGeobuf or Shapefile of field polygons.
    options : BatchOptions or dict
    out : path
        Output folder (made if missing; a folder of this run is resumed).
    scheduler : str, optional
        Address of a Dask scheduler (``tcp://host:8786``); default an embedded
        ``LocalCluster``.  Its workers must see ``parcels`` and ``out`` at the same paths.
    workers : int, optional
        Process workers of the embedded cluster (default: the cores).
    restart : bool
        Throw away a run of other parcels or options in ``out`` and start again.
    progress : callable, optional
        ``progress(fields_done, fields_total, message)``.
    client : distributed.Client, optional
        A client to use as it is (tests, notebooks).
    only : sequence of int, optional
        Plan only these partitions (benchmarks on a sample; the run stays unfinished).

    Raises
    ------
    AirworkError
        Bad options, unreadable parcels, an output folder of another run, an unreachable
        scheduler.  A bad field never raises: it is a row with its reason.
    """
    t0 = time.perf_counter()
    opts = options if isinstance(options, BatchOptions) else BatchOptions.parse(options)
    check_options(opts)
    parcels = Path(parcels).resolve()
    check_parcels(parcels, opts)
    root = Path(out).resolve()
    say = progress or (lambda done, total, message: None)
    fingerprint = opts.fingerprint(parcels)
    about = {"parcels": str(parcels), "options": opts.planning_dict()}
    manifest = Manifest.open(root, fingerprint, about, restart=restart)
    report = BatchReport(root)
    with _connect(client, scheduler, workers) as cl:
        report.dashboard = _dashboard(cl)
        if report.dashboard:
            say(0, 0, f"dashboard {report.dashboard}")
        if manifest.partitions is None:
            say(0, 0, "reading and partitioning the parcels")
            ddf = open_parcels(parcels, opts)
            rows, bounds = stage_parcels(ddf, root / "_stage", opts.partition_size)
            manifest.data["bounds"] = bounds
            manifest.set_partitions(rows)
        rows = manifest.partitions or []
        report.fields, report.partitions = sum(rows), len(rows)
        _plan(cl, manifest, rows, str(parcels), opts, report, say, only)
        if report.complete:
            say(report.fields, report.fields, "aggregating")
            _finish(root, manifest, opts, report)
    report.seconds = time.perf_counter() - t0
    return report


def _plan(cl, manifest, rows, parcels, opts, report, say, only) -> None:
    """Submit the partitions not done, follow them to the end."""
    from distributed import as_completed

    root = manifest.out
    _remove_stale_temporaries(root)
    done = done_partitions(root, manifest.fingerprint, rows)
    report.skipped = len(done)
    todo = [i for i in range(len(rows)) if i not in done]
    if only is not None:
        todo = [i for i in todo if i in set(only)]
    fields_done = sum(rows[i] for i in done)
    say(fields_done, report.fields, "planning")
    data = opts.model_dump(mode="json")
    futures = {
        cl.submit(plan_partition, str(root), i, parcels, manifest.fingerprint, data, pure=False): i
        for i in todo
    }
    for fut in as_completed(list(futures)):
        i = futures[fut]
        try:
            stats = fut.result()
        except Exception as exc:  # a killed worker past Dask's retries, a full disk, ...
            report.unfinished.append((i, f"{type(exc).__name__}: {exc}".splitlines()[0]))
            continue
        finally:
            fut.release()
        report.tasks.append(stats)
        report.planned += 1
        fields_done += rows[i]
        say(fields_done, report.fields, "planning")
    report.unfinished.sort()
    finished = done_partitions(root, manifest.fingerprint, rows)
    report.done_fields = sum(rows[i] for i in finished)
    missing = [i for i in range(len(rows)) if i not in finished]
    known = {i for i, _ in report.unfinished}
    report.unfinished += [(i, "no complete result file") for i in missing if i not in known]


def _finish(root: Path, manifest: Manifest, opts: BatchOptions, report: BatchReport) -> None:
    """The run's tables, map and report, from the result files."""
    rows = manifest.partitions or []
    files = [result_path(root, i) for i in range(len(rows))]
    n_rows, distinct = agg.unique_ids(files)
    if n_rows != report.fields or distinct != report.fields:
        raise BatchError(
            f"{root}: the results hold {n_rows} rows and {distinct} distinct fields for "
            f"{report.fields} parcels; use --restart"
        )
    sums = agg.read_sums(files)
    districts = agg.district_table(sums, opts)
    weeks = agg.week_table(districts, opts)
    failed = agg.failed_rows(files)
    write_atomic_bytes(root / "districts.csv", agg.to_csv_bytes(districts))
    if weeks.empty:
        (root / "weeks.csv").unlink(missing_ok=True)
    else:
        write_atomic_bytes(root / "weeks.csv", agg.to_csv_bytes(weeks))
    write_atomic_bytes(root / "fields_failed.csv", agg.to_csv_bytes(failed))
    report.totals = agg.totals(districts)
    report.ok = int(report.totals["ok"])
    report.failed = int(report.totals["failed"])
    report.errors = int(report.totals["errors"])
    grid = Grid.over(_planned_bounds(files) or manifest.data["bounds"], opts.map_cell_km)
    hours = flight_hours_grid(files, grid)
    title = (
        f"{opts.kind}: {report.ok} fields, {report.totals['area_ha']:.0f} ha, "
        f"{report.totals['flight_h']:.0f} flight hours"
    )
    write_atomic_bytes(root / "region.png", draw_region(hours, grid, title))
    pooled = agg.pooled_aircraft(report.totals["work_h"], opts)
    summary = {
        "kind": opts.kind,
        "aircraft": opts.aircraft,
        "fields": report.fields,
        "ok": report.ok,
        "failed": report.failed,
        "errors": report.errors,
        "partitions": report.partitions,
        "totals": report.totals,
        "aircraft_needed_pooled": pooled,
        "working_days": len(agg.season_days(opts)),
        "report_options": opts.model_dump(mode="json", include=set(_REPORT_KEYS)),
        "this_run": _run_stats(report),
    }
    text = json.dumps(summary, indent=2, default=_plain)
    write_atomic_bytes(root / "report.json", text.encode())


_REPORT_KEYS = (
    "season_start",
    "season_end",
    "hours_per_day",
    "days_per_week",
    "setup_min_per_field",
    "map_cell_km",
)


def _planned_bounds(files: list[Path]) -> tuple[float, float, float, float] | None:
    """The box of every planned field, from the result files' tags."""
    boxes = [b for f in files if (b := (read_tag(f) or {}).get("bounds"))]
    if not boxes:
        return None
    x0, y0 = min(b[0] for b in boxes), min(b[1] for b in boxes)
    return (x0, y0, max(b[2] for b in boxes), max(b[3] for b in boxes))


def _run_stats(report: BatchReport) -> dict[str, Any]:
    tasks = report.tasks
    planned = sum(t["rows"] for t in tasks)
    return {
        "partitions_planned": report.planned,
        "partitions_skipped": report.skipped,
        "fields_planned": planned,
        "task_seconds": sum(t["seconds"] for t in tasks),
        "job_seconds": sum(t["job_seconds"] for t in tasks),
        "check_seconds": sum(t["check_seconds"] for t in tasks),
        "peak_rss_mb_max": max((t["peak_rss_mb"] for t in tasks), default=None),
    }


def _plain(value: Any) -> Any:
    if hasattr(value, "item"):
        return value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return str(value)


def _remove_stale_temporaries(root: Path) -> None:
    """Temporary files of tasks that died (a finished file is never a temporary)."""
    for sub in ("results", "missions"):
        d = root / sub
        if d.is_dir():
            for p in d.glob(".*.tmp"):
                p.unlink(missing_ok=True)


@contextlib.contextmanager
def _connect(client: Any, scheduler: str | None, workers: int | None) -> Iterator[Any]:
    """The Dask client of the run: the one given, one to ``scheduler``, or an embedded
    cluster of process workers (one thread each: the planners hold the GIL)."""
    if client is not None:
        yield client
        return
    from distributed import Client, LocalCluster

    if scheduler:
        try:
            cl = Client(scheduler, timeout="30s")
        except OSError as exc:
            raise BatchError(f"cannot reach the Dask scheduler {scheduler}: {exc}") from None
        with cl:
            yield cl
        return
    n = workers or os.cpu_count() or 1
    with (
        LocalCluster(
            n_workers=n,
            threads_per_worker=1,
            processes=True,
            dashboard_address=":0",  # a free port: other clusters may hold 8787
            silence_logs=logging.ERROR,
        ) as cluster,
        Client(cluster) as cl,
    ):
        yield cl


def _dashboard(cl: Any) -> str | None:
    try:
        return cl.dashboard_link if "dashboard" in cl.scheduler_info().get("services", {}) else None
    except Exception:
        return None
