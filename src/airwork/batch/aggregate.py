"""Per-district and per-week figures of a batch, summed from the per-field results.

For each district (``(none)`` for fields in none):

* ``fields``, ``ok``, ``failed``, ``errors``: counts of fields by status;
* ``area_ha``, ``flight_h``, ``ground_h``, ``energy_kwh``, ``product``, ``sorties``: sums
  over the planned (``ok``) fields;
* ``setup_h`` = ``ok`` × ``setup_min_per_field`` / 60: driving to the field and setting up;
* ``work_h`` = ``flight_h`` + ``ground_h`` + ``setup_h``: the hours an aircraft and its
  crew are busy;
* ``aircraft_days`` = ``work_h`` / ``hours_per_day``;
* with a season window: ``working_days`` = the days from ``season_start`` to ``season_end``
  (both included) that are among the first ``days_per_week`` days of their week (Monday
  first), and ``aircraft_needed`` = ceil(``work_h`` / (``hours_per_day`` ×
  ``working_days``)): the aircraft that finish the district's fields in the season.

Weeks: without a date per field, the work of a district is spread over the season in
proportion to each week's working days; a week's ``aircraft_needed`` is
ceil(week ``work_h`` / (``hours_per_day`` × week ``working_days``)).  The ``ALL`` rows sum
the districts (their ``aircraft_needed`` is the sum of the districts', each district keeping
its own aircraft); ``report.json`` also gives the pooled figure for the whole region.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from airwork.batch.options import BatchOptions

__all__ = ["SUMS", "district_table", "partial_sums", "season_days", "week_table"]

SUMS = ("area_ha", "flight_h", "ground_h", "energy_kwh", "product", "sorties")
"""Per-field quantities summed over the planned fields."""
_COUNTS = ("fields", "ok", "failed", "errors")
_READ = [
    "district",
    "status",
    "area_ha",
    "flight_time_h",
    "ground_time_h",
    "energy_kwh",
    "product",
    "sorties",
]
NO_DISTRICT = "(none)"


def partial_sums(frame: pd.DataFrame) -> pd.DataFrame:
    """Counts and sums of one result partition, by district."""
    status = frame["status"].astype(str)
    ok = status == "ok"
    district = frame["district"].astype(object).where(frame["district"].notna(), NO_DISTRICT)
    df = pd.DataFrame(
        {
            "district": district.astype(str),
            "fields": 1,
            "ok": ok.astype(int),
            "failed": (status == "failed").astype(int),
            "errors": (status == "error").astype(int),
            "area_ha": frame["area_ha"].where(ok, 0.0).astype(float),
            "flight_h": frame["flight_time_h"].where(ok, 0.0).astype(float),
            "ground_h": frame["ground_time_h"].where(ok, 0.0).astype(float),
            "energy_kwh": frame["energy_kwh"].where(ok, 0.0).astype(float),
            "product": frame["product"].where(ok, 0.0).astype(float),
            "sorties": frame["sorties"].where(ok, 0).astype("int64"),
        }
    )
    return df.groupby("district", sort=True).sum()


def read_sums(files: Sequence[Path]) -> pd.DataFrame:
    """:func:`partial_sums` of every result file, on the Dask cluster, summed by district."""
    import dask
    import dask.dataframe as dd

    if not files:
        return _empty_sums()
    ddf = dd.read_parquet([str(f) for f in files], columns=_READ)
    parts = ddf.map_partitions(partial_sums, meta=_empty_sums())
    (sums,) = dask.compute(parts)
    return sums.groupby(level=0).sum().sort_index()


def _empty_sums() -> pd.DataFrame:
    cols = {c: pd.Series([], dtype="int64") for c in _COUNTS}
    cols |= {c: pd.Series([], dtype="float64") for c in SUMS if c != "sorties"}
    cols["sorties"] = pd.Series([], dtype="int64")
    return pd.DataFrame(cols, index=pd.Index([], name="district", dtype=object))


def season_days(opts: BatchOptions) -> list[dt.date]:
    """Working days of the season window (empty without one)."""
    if opts.season_start is None or opts.season_end is None:
        return []
    n = (opts.season_end - opts.season_start).days + 1
    days = [opts.season_start + dt.timedelta(days=k) for k in range(n)]
    return [d for d in days if d.weekday() < opts.days_per_week]


def district_table(sums: pd.DataFrame, opts: BatchOptions) -> pd.DataFrame:
    """One row per district (and an ``ALL`` row) with the season figures."""
    t = sums.reindex(columns=[*_COUNTS, *SUMS]).fillna(0)
    total = t.sum().to_frame("ALL").T
    t = pd.concat([t, total])
    t.index.name = "district"
    for c in (*_COUNTS, "sorties"):
        t[c] = t[c].astype("int64")
    t["setup_h"] = t["ok"] * opts.setup_min_per_field / 60.0
    t["work_h"] = t["flight_h"] + t["ground_h"] + t["setup_h"]
    t["aircraft_days"] = t["work_h"] / opts.hours_per_day
    days = len(season_days(opts))
    if days:
        t["working_days"] = days
        need = np.ceil(t["work_h"] / (opts.hours_per_day * days) - 1e-9).clip(lower=0)
        t["aircraft_needed"] = need.astype("int64")
        t.loc["ALL", "aircraft_needed"] = int(t["aircraft_needed"].drop("ALL").sum())
    return t.reset_index()


def pooled_aircraft(work_h: float, opts: BatchOptions) -> int | None:
    """Aircraft that finish the whole region in the season if they may move between
    districts (None without a season)."""
    days = len(season_days(opts))
    if not days:
        return None
    return max(0, math.ceil(work_h / (opts.hours_per_day * days) - 1e-9))


def week_table(districts: pd.DataFrame, opts: BatchOptions) -> pd.DataFrame:
    """One row per (week, district), the districts' work spread over the season's weeks in
    proportion to their working days (empty without a season)."""
    days = season_days(opts)
    if not days:
        return pd.DataFrame()
    weeks: dict[dt.date, int] = {}
    for d in days:
        monday = d - dt.timedelta(days=d.weekday())
        weeks[monday] = weeks.get(monday, 0) + 1
    rows = []
    per = districts[districts["district"] != "ALL"]
    for monday, n in sorted(weeks.items()):
        share = n / len(days)
        iso = monday.isocalendar()
        for rec in per.itertuples(index=False):
            work = rec.work_h * share
            rows.append(
                {
                    "week_start": monday.isoformat(),
                    "iso_week": f"{iso.year}-W{iso.week:02d}",
                    "district": rec.district,
                    "working_days": n,
                    "area_ha": rec.area_ha * share,
                    "flight_h": rec.flight_h * share,
                    "work_h": work,
                    "aircraft_days": work / opts.hours_per_day,
                    "aircraft_needed": max(0, math.ceil(work / (opts.hours_per_day * n) - 1e-9)),
                }
            )
    table = pd.DataFrame(rows)
    if table.empty:
        return table
    keys = ["week_start", "iso_week", "working_days"]
    total = table.groupby(keys, sort=True)[
        ["area_ha", "flight_h", "work_h", "aircraft_days", "aircraft_needed"]
    ].sum()
    total = total.reset_index().assign(district="ALL")
    table = pd.concat([table, total[table.columns]], ignore_index=True)
    return table.sort_values(["week_start", "district"], kind="stable").reset_index(drop=True)


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """A table as CSV (floats to 6 significant digits)."""
    return frame.to_csv(index=False, float_format="%.6g").encode()


def failed_rows(files: Sequence[Path]) -> pd.DataFrame:
    """The fields that were not planned, with their reason (read on the cluster)."""
    import dask
    import dask.dataframe as dd

    cols = ["field_id", "row", "district", "status", "error"]
    if not files:
        return pd.DataFrame(columns=cols)
    ddf = dd.read_parquet([str(f) for f in files], columns=cols)
    (bad,) = dask.compute(ddf[ddf["status"] != "ok"])
    return bad.sort_values("row", kind="stable").reset_index(drop=True)


def unique_ids(files: Sequence[Path]) -> tuple[int, int]:
    """(rows, distinct field ids) over every result file: equal when each field is in the
    results exactly once."""
    import dask
    import dask.dataframe as dd

    if not files:
        return 0, 0
    ddf = dd.read_parquet([str(f) for f in files], columns=["field_id"])
    rows, distinct = dask.compute(ddf["field_id"].size, ddf["field_id"].nunique())
    return int(rows), int(distinct)


def totals(districts: pd.DataFrame) -> dict[str, Any]:
    """The ``ALL`` row as plain numbers."""
    row = districts[districts["district"] == "ALL"].iloc[0].to_dict()
    return {k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()}
