"""A national batch run's results as the fleet's inputs: flight hours and sorties per
district for :mod:`airwork.design.spares`, aircraft needed for
:mod:`airwork.design.production`.

A batch run folder (``airwork batch … --out RUN``) holds ``report.json`` (the kind and the
aircraft it planned with, the season window) and ``districts.csv`` (one row per district
and an ``ALL`` row summing them: ``flight_h``, ``sorties`` and, with a season window,
``aircraft_needed``). Either the folder or its ``districts.csv`` may be given. The files
are read as files: nothing here imports the batch engine.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass
from pathlib import Path

from airwork.errors import InputFileError

__all__ = ["BatchDistrict", "BatchRun", "is_batch_run", "read_batch_run"]

ALL = "ALL"


@dataclass(frozen=True)
class BatchDistrict:
    """One district of a batch run: flight hours [h], sorties and, with a season window,
    the aircraft that finish its fields in the season (None without one)."""

    district: str
    flight_h: float
    sorties: float
    aircraft_needed: int | None


@dataclass(frozen=True)
class BatchRun:
    """The results of one batch run (districts without the ``ALL`` row)."""

    path: Path
    kind: str
    aircraft: str | None
    season: str
    districts: tuple[BatchDistrict, ...]

    @property
    def aircraft_needed(self) -> int:
        """Aircraft for every district, each keeping its own (the ``ALL`` row's sum).

        Raises
        ------
        InputFileError
            The run had no season window, so it counted no aircraft.
        """
        needed = [d.aircraft_needed for d in self.districts]
        if any(n is None for n in needed):
            raise InputFileError(
                f"{self.path}: the batch run has no season window, so no aircraft_needed; "
                "run it again with --season-start and --season-end"
            )
        return int(sum(n for n in needed if n is not None))


def _folder(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def is_batch_run(path: str | Path) -> bool:
    """True for a batch run folder or the ``districts.csv`` of one."""
    p = Path(path)
    folder = _folder(p)
    named = p.is_dir() or p.name == "districts.csv"
    return named and (folder / "report.json").is_file() and (folder / "districts.csv").is_file()


def _number(row: dict[str, str], key: str, where: str) -> float:
    try:
        value = float(row[key])
    except (KeyError, TypeError, ValueError):
        raise InputFileError(f"{where}: {key} {row.get(key)!r} is not a number") from None
    if not math.isfinite(value) or value < 0:
        raise InputFileError(f"{where}: {key} {row[key]!r} must be a finite number >= 0")
    return value


def read_batch_run(path: str | Path) -> BatchRun:
    """The districts of a batch run folder (or of its ``districts.csv``).

    Raises
    ------
    InputFileError
        A file missing, unreadable or without the columns a batch writes, naming the file
        and line.
    """
    folder = _folder(Path(path))
    report_path, table_path = folder / "report.json", folder / "districts.csv"
    try:
        report = json.loads(report_path.read_text("utf-8"))
        text = table_path.read_text("utf-8")
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputFileError(f"{folder}: not a readable batch run: {exc}") from None
    kind = report.get("kind") if isinstance(report, dict) else None
    if not isinstance(kind, str) or not kind:
        raise InputFileError(f"{report_path}: no 'kind' (a run of an older airwork batch?)")
    reader = csv.DictReader(text.splitlines())
    missing = {"district", "flight_h", "sorties"} - set(reader.fieldnames or ())
    if missing:
        raise InputFileError(f"{table_path}: no column {', '.join(sorted(missing))}")
    districts = []
    for n, row in enumerate(reader, start=2):
        if row["district"] == ALL:
            continue
        where = f"{table_path}:{n}"
        raw = (row.get("aircraft_needed") or "").strip()
        needed = int(_number(row, "aircraft_needed", where)) if raw else None
        districts.append(
            BatchDistrict(
                row["district"], _number(row, "flight_h", where), _number(row, "sorties", where),
                needed,
            )
        )  # fmt: skip
    options = report.get("report_options") or {}
    start, end = options.get("season_start"), options.get("season_end")
    season = f"{start}..{end}" if start and end else ""
    aircraft = report.get("aircraft")
    return BatchRun(folder, kind, aircraft if isinstance(aircraft, str) else None, season,
                    tuple(districts))  # fmt: skip
