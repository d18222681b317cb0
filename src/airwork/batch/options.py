"""What a batch run asks for: :class:`BatchOptions`, checked before any parcel is read.

The options split in two: those that change a field's plan (kind, aircraft, parameters,
conditions, columns, station and district layers, mission outputs, partition size) are
part of the run's fingerprint, so a resumed run never mixes plans made with different
options; those that only change the aggregates (season window, working hours, map cell) are
not, and a re-run with other values re-aggregates without re-planning.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from airwork.errors import AirworkError
from airwork.limits import option_flag, problems

__all__ = ["BATCH_KINDS", "BatchError", "BatchOptions", "file_digest"]

BATCH_KINDS = ("spray", "spread", "survey")
"""Kinds a batch plans field by field."""

MISSION_FORMATS = ("qgc-plan", "waypoints", "geojson")
"""Formats written per field when missions are asked for and no format is named."""

# Options that change no field's plan: left out of the fingerprint.
_REPORT_ONLY = frozenset(
    {
        "season_start",
        "season_end",
        "hours_per_day",
        "days_per_week",
        "setup_min_per_field",
        "map_cell_km",
    }
)


class BatchError(AirworkError, ValueError):
    """A batch cannot start or go on: bad options, an unreadable parcel file, a column that
    is not there, an output folder holding another run."""


class BatchOptions(BaseModel):
    """Options of a batch run (the command line's, without ``--``, ``-`` as ``_``).

    Columns name columns of the parcel file: ``id_column`` (a unique id; default the row
    number), ``crop_column``, ``rate_column`` (the kind's rate: L/ha or kg/ha, overriding
    ``params``), ``station_column`` (an id in the ``stations`` layer, or without one a
    ``"lon,lat"`` / WKT point in WGS84) and ``district_column``.
    """

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    kind: Literal["spray", "spread", "survey"] = "spray"
    aircraft: str | None = Field(None, description="Preset name or spec YAML")
    params: dict[str, Any] = Field(default_factory=dict, description="The kind's parameters")
    wind_mps: float = Field(0.0, ge=0, le=60, description="Wind speed (m/s)")
    wind_from_deg: float = Field(0.0, ge=0, le=360, description="Wind from (°)")
    max_agl_m: float = Field(120.0, gt=0, le=500, description="Height limit (m)")
    elevation_m: float | None = Field(
        None, ge=-500, le=6000, description="Ground elevation of the region (m); default 0"
    )
    air_temperature_c: float | None = Field(
        None, ge=-30, le=50, description="Air temperature (°C); default ISA"
    )
    max_field_ha: float = Field(1000.0, gt=0, le=100_000, description="Largest field (ha)")
    crs: str | None = Field(None, description="CRS of a parcel file that declares none")
    layer: str | None = Field(None, description="Layer of a multi-layer parcel file")
    id_column: str | None = None
    crop_column: str | None = None
    rate_column: str | None = None
    station_column: str | None = None
    district_column: str | None = None
    stations: str | None = Field(None, description="Station layer (points)")
    station_id_column: str = Field("id", description="Id column of the station layer")
    max_station_m: float = Field(3000.0, gt=0, le=100_000, description="Farthest station (m)")
    roads: str | None = Field(None, description="Road layer (lines)")
    max_road_m: float = Field(1000.0, gt=0, le=100_000, description="Farthest road (m)")
    districts: str | None = Field(None, description="District layer (polygons)")
    districts_name_column: str = Field("name", description="Name column of the districts")
    missions: Literal["none", "folders", "archive"] = "none"
    formats: list[str] = Field(default_factory=lambda: list(MISSION_FORMATS))
    partition_size: int = Field(500, ge=1, le=1_000_000)
    season_start: dt.date | None = None
    season_end: dt.date | None = None
    hours_per_day: float = Field(10.0, gt=0, le=24, description="Working hours a day (h)")
    days_per_week: int = Field(6, ge=1, le=7)
    setup_min_per_field: float = Field(
        15.0, ge=0, le=24 * 60, description="Setting up at a field (min)"
    )
    map_cell_km: float = Field(5.0, gt=0, le=1000, description="Map cell (km)")

    @model_validator(mode="after")
    def _season(self) -> BatchOptions:
        if (self.season_start is None) != (self.season_end is None):
            raise ValueError("give both season_start and season_end, or neither")
        if self.season_start and self.season_end and self.season_end < self.season_start:
            raise ValueError(
                f"season_end {self.season_end} is before season_start {self.season_start}"
            )
        if self.rate_column and self.kind == "survey":
            raise ValueError("rate_column: a survey has no application rate")
        if self.district_column and self.districts:
            raise ValueError("give district_column or districts, not both")
        if self.missions != "none" and not self.formats:
            raise ValueError("missions asked for with no format")
        return self

    @classmethod
    def parse(cls, data: dict[str, Any]) -> BatchOptions:
        """Options from plain data, with one-line errors.

        Raises
        ------
        BatchError
        """
        try:
            return cls.model_validate(data)
        except ValidationError as exc:

            def name(loc: tuple) -> str:  # as the command line spells it
                if not loc:
                    return "batch"
                return option_flag(loc[0]) + "".join(f"[{p}]" for p in loc[1:])

            raise BatchError("; ".join(problems(exc, cls, name))) from None

    @property
    def rate_param(self) -> str | None:
        """The kind's rate parameter that ``rate_column`` sets."""
        return {"spray": "rate_l_per_ha", "spread": "rate_kg_per_ha"}.get(self.kind)

    @property
    def layer_files(self) -> list[str]:
        """The extra layers the run reads (stations, roads, districts)."""
        return [p for p in (self.stations, self.roads, self.districts) if p]

    def planning_dict(self) -> dict[str, Any]:
        """The options that change plans (the fingerprint's part)."""
        return self.model_dump(mode="json", exclude=set(_REPORT_ONLY))

    def fingerprint(self, parcels: str | Path) -> str:
        """A digest of the parcel file's bytes, the layers' bytes and the planning options:
        a resumed run must match it."""
        h = hashlib.sha256()
        h.update(json.dumps(self.planning_dict(), sort_keys=True).encode())
        for path in [str(parcels), *self.layer_files]:
            h.update(file_digest(path).encode())
        if self.aircraft and Path(self.aircraft).is_file():  # a spec sheet, not a preset
            h.update(file_digest(self.aircraft).encode())
        return h.hexdigest()


_SIDE_CARS = (".shx", ".dbf", ".prj", ".cpg")


def file_digest(path: str | Path) -> str:
    """SHA-256 of a file's bytes (a Shapefile's with its side-cars; a folder's files).

    Raises
    ------
    BatchError
        The file is missing.
    """
    p = Path(path)
    if not p.exists():
        raise BatchError(f"{p}: no such file")
    files = sorted(f for f in p.rglob("*") if f.is_file()) if p.is_dir() else [p]
    if p.suffix.lower() == ".shp":
        files += [s for s in (p.with_suffix(x) for x in _SIDE_CARS) if s.exists()]
    h = hashlib.sha256()
    for f in files:
        h.update(f.name.encode())
        with f.open("rb") as fh:
            while chunk := fh.read(1 << 22):
                h.update(chunk)
    return h.hexdigest()
