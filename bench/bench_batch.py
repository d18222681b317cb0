"""Benchmark of the batch issue: region-scale planning on Dask.

Steps (each prints one JSON line of figures; the README and docs/batch.md quote them)::

    python bench/bench_batch.py generate DIR             # 10^4, 10^5, 10^6 parcels
    python bench/bench_batch.py run DIR/parcels-1e4.parquet OUT --workers 2 [--only 0-9]
    python bench/bench_batch.py baseline OUT --partitions 0-3   # single-process run_job

``generate`` writes seeded parcel registers (median 3 ha, tail to 200 ha, concave L shapes
and ponds as holes, 0.1 % broken) as GeoParquet and times it.  ``run`` plans a register
with ``run_batch`` on an embedded LocalCluster (staging included) and reports fields per
second (wall), CPU seconds per field, planning/check shares and the peak memory of each
worker process.  ``baseline`` plans the same staged partitions in this one process with
nothing but ``build_site`` + ``run_job`` per field (the single-process reference) and
reports CPU seconds per field, to set against ``run``'s.

CPU seconds (``time.process_time``) are what the per-core comparison uses: the machine is
shared, so wall times are also printed but only CPU time is free of other people's load.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

SIZES = {"1e4": 10_000, "1e5": 100_000, "1e6": 1_000_000}
OPTIONS = {
    "kind": "spray",
    "id_column": "parcel_id",
    "crop_column": "crop",
    "rate_column": "rate_l_per_ha",
    "district_column": "district",
    "season_start": "2027-04-01",
    "season_end": "2027-05-31",
    "partition_size": 500,
}


def _span(text: str | None) -> list[int] | None:
    if not text:
        return None
    lo, _, hi = text.partition("-")
    return list(range(int(lo), int(hi or lo) + 1))


def generate(folder: Path, sizes: list[str]) -> None:
    from airwork.testing.parcels import generate_parcels

    folder.mkdir(parents=True, exist_ok=True)
    for key in sizes:
        n = SIZES[key]
        t0 = time.perf_counter()
        gdf = generate_parcels(n, seed=0, broken=max(1, n // 1000), districts=(6, 6))
        t_gen = time.perf_counter() - t0
        path = folder / f"parcels-{key}.parquet"
        t0 = time.perf_counter()
        gdf.to_parquet(path, row_group_size=50_000)
        t_write = time.perf_counter() - t0
        area = gdf["area_ha"].dropna()
        _emit(
            {
                "step": "generate",
                "fields": n,
                "generate_s": round(t_gen, 2),
                "write_s": round(t_write, 2),
                "file_mb": round(path.stat().st_size / 2**20, 1),
                "median_ha": round(float(area.median()), 2),
                "mean_ha": round(float(area.mean()), 2),
                "max_ha": round(float(area.max()), 1),
                "peak_rss_mb": _rss_mb(),
            }
        )
        del gdf


def run(parcels: Path, out: Path, workers: int, only: list[int] | None) -> None:
    from airwork.batch import run_batch

    marks: dict[str, float] = {}

    def progress(done: int, total: int, message: str) -> None:
        marks.setdefault(message, time.perf_counter())

    t0 = time.perf_counter()
    report = run_batch(parcels, OPTIONS, out, workers=workers, progress=progress, only=only)
    wall = time.perf_counter() - t0
    tasks = report.tasks
    fields = sum(t["rows"] for t in tasks)
    plan_wall = (marks.get("aggregating") or time.perf_counter()) - marks.get("planning", t0)
    if "aggregating" not in marks:
        plan_wall = wall - (marks.get("planning", t0) - t0)
    stage_s = marks.get("planning", t0) - marks.get("reading and partitioning the parcels", t0)
    cpu = sum(t["cpu_seconds"] for t in tasks)
    if not fields:  # staging only
        _emit(
            {
                "step": "stage",
                "parcels": parcels.name,
                "workers": workers,
                "fields": report.fields,
                "partitions": report.partitions,
                "stage_s": round(stage_s, 1),
                "client_peak_rss_mb": _rss_mb(),
                "stage_mb": round(_size_mb(out / "_stage"), 1),
            }
        )
        return
    by_worker: dict[int, float] = {}
    for t in tasks:
        by_worker[t["pid"]] = max(by_worker.get(t["pid"], 0.0), t["peak_rss_mb"])
    _emit(
        {
            "step": "run",
            "parcels": str(parcels.name),
            "workers": workers,
            "partitions_planned": len(tasks),
            "fields_planned": fields,
            "ok": sum(t["ok"] for t in tasks),
            "failed": sum(t["failed"] + t["errors"] for t in tasks),
            "stage_s": round(stage_s, 1),
            "plan_wall_s": round(plan_wall, 1),
            "fields_per_s_wall": round(fields / plan_wall, 2) if plan_wall > 0 else None,
            "cpu_ms_per_field": round(1000 * cpu / fields, 2) if fields else None,
            "fields_per_cpu_s": round(fields / cpu, 2) if cpu else None,
            "run_job_share_of_cpu": round(sum(t["job_seconds"] for t in tasks) / cpu, 3),
            "planner_ms_per_field": round(
                1000 * sum(t["planning_seconds"] for t in tasks) / fields, 2
            ),
            "check_ms_per_field": round(1000 * sum(t["check_seconds"] for t in tasks) / fields, 2),
            "peak_rss_mb_per_worker": sorted(round(v) for v in by_worker.values()),
            "client_peak_rss_mb": _rss_mb(),
            "total_wall_s": round(wall, 1),
            "complete": report.complete,
        }
    )
    cpu_by_part = {t["partition"]: round(t["cpu_seconds"], 3) for t in tasks}
    _emit({"step": "run-partitions", "cpu_seconds": cpu_by_part})


def baseline(out: Path, parts: list[int]) -> None:
    """``build_site`` + ``run_job`` per field, in this process, over staged partitions."""
    import geopandas

    from airwork.batch.options import BatchOptions
    from airwork.batch.plan import _request, _site
    from airwork.batch.stations import place_stations
    from airwork.batch.store import stage_path
    from airwork.jobs.run import run_job

    opts = BatchOptions.parse(OPTIONS)
    cpu_total = wall_total = 0.0
    fields = ok = 0
    per_part = {}
    for i in parts:
        frame = geopandas.read_parquet(stage_path(out, i))
        st = place_stations(frame, opts)
        c0, w0 = time.process_time(), time.perf_counter()
        for k, (fid, rate, geom) in enumerate(
            zip(frame["field_id"], frame["rate"], frame.geometry, strict=True)
        ):
            try:
                site = _site(fid, geom, None, (st.lon[k], st.lat[k], st.source[k], None), opts)
                run_job(_request(fid, "parcels", opts, float(rate)), site=site)
                ok += 1
            except Exception:
                pass
        c, w = time.process_time() - c0, time.perf_counter() - w0
        per_part[i] = round(c, 3)
        cpu_total += c
        wall_total += w
        fields += len(frame)
    _emit(
        {
            "step": "baseline",
            "partitions": len(parts),
            "fields": fields,
            "ok": ok,
            "cpu_ms_per_field": round(1000 * cpu_total / fields, 2),
            "fields_per_cpu_s": round(fields / cpu_total, 2),
            "wall_s": round(wall_total, 1),
            "cpu_seconds": per_part,
        }
    )


def _size_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) / 2**20


def _rss_mb() -> int:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


def _emit(record: dict) -> None:
    sys.stdout.write(json.dumps(record) + "\n")
    sys.stdout.flush()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="step", required=True)
    g = sub.add_parser("generate")
    g.add_argument("folder", type=Path)
    g.add_argument("--sizes", default="1e4,1e5,1e6")
    r = sub.add_parser("run")
    r.add_argument("parcels", type=Path)
    r.add_argument("out", type=Path)
    r.add_argument("--workers", type=int, default=2)
    r.add_argument("--only", help="partitions a-b to plan (a sample)")
    b = sub.add_parser("baseline")
    b.add_argument("out", type=Path)
    b.add_argument("--partitions", default="0-3")
    a = ap.parse_args()
    if a.step == "generate":
        generate(a.folder, a.sizes.split(","))
    elif a.step == "run":
        run(a.parcels, a.out, a.workers, _span(a.only))
    else:
        baseline(a.out, _span(a.partitions) or [0])


if __name__ == "__main__":
    main()
