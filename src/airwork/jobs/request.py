"""What a job asks for: :class:`JobRequest`, the one input of :func:`airwork.jobs.run_job`.

Every face builds one: the command line from its options, the API from a JSON body, the
batch engine per parcel.  The request is a pydantic model, so every number a user gives is
checked in one place (finite, in a physical range, the unit in the message) before any file
is read, and the same request serialises to JSON for a job queue.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from airwork.aircraft.catalogue import load_aircraft
from airwork.aircraft.model import Aircraft
from airwork.autopilot.items import Autopilot
from airwork.errors import AircraftError, AirworkError
from airwork.limits import SERVO_OUTPUTS, option_flag, problems
from airwork.site.wind import parse_wind_band

__all__ = [
    "AircraftChoice",
    "CheckRequest",
    "ConditionsRequest",
    "JobRequest",
    "OutputRequest",
    "PerfRequest",
    "RequestError",
    "SiteRequest",
    "parse_aircraft_choice",
    "parse_options",
]


class RequestError(AirworkError, ValueError):
    """A job request is malformed: a value out of range, a missing file list, ..."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)


class SiteRequest(_Strict):
    """Where the job is: files and how to read them.

    ``files`` carry their own roles; ``role_files`` impose a role on whole files
    (``{"station": ["trucks.geojson"]}``).
    """

    files: list[str] = Field(min_length=1, description="Job files (GeoJSON, KML, GPKG, ...)")
    role_files: dict[str, list[str]] = Field(
        default_factory=dict, description="Files whose every feature has the given role"
    )
    crs: str | None = Field(None, description="CRS of files that declare none, e.g. EPSG:2154")
    max_field_ha: float = Field(5000.0, gt=0, le=1_000_000, description="Largest field (ha)")
    unlabelled: str | None = Field(
        None, description="Role of job features that have none, e.g. obstacle"
    )


class _WindFields(_Strict):
    wind_mps: float = Field(0.0, ge=0, le=60, description="Wind speed (m/s)")
    wind_from_deg: float = Field(
        0.0, ge=0, le=360, description="Direction the wind blows from, ° clockwise from north"
    )
    wind_bands: list[tuple[float, float, float]] = Field(
        default_factory=list,
        description="Wind per height band: (top above ground m, speed m/s, from °)",
    )

    @field_validator("wind_bands", mode="before")
    @classmethod
    def _bands(cls, v: Any) -> Any:
        if not isinstance(v, list | tuple):
            return v
        for band in v:
            if isinstance(band, list | tuple) and len(band) == 3:
                parse_wind_band(":".join(str(x) for x in band))  # range and unit message
        return v


class ConditionsRequest(_WindFields):
    """The conditions the job is planned and checked in."""

    airspace: list[str] = Field(default_factory=list, description="Geofence/no-fly files")
    obstacles: list[str] = Field(default_factory=list, description="Tall obstacle files")
    dem: str | None = Field(None, description="Terrain GeoTIFF (any CRS)")
    max_agl_m: float = Field(120.0, gt=0, le=500, description="Height limit above ground (m)")
    terrain_follow: bool = Field(False, description="Fly heights above the DEM's ground")
    follow_tolerance_m: float = Field(1.0, gt=0, le=50, description="Terrain-following (m)")
    elevation_m: float | None = Field(
        None,
        ge=-500,
        le=6000,
        description="Ground elevation above sea level (m); default the DEM's, else 0",
    )
    air_temperature_c: float | None = Field(
        None, ge=-30, le=50, description="Air temperature (°C); default ISA at the elevation"
    )


class CheckRequest(_WindFields):
    """The options of ``airwork check`` (a mission file checked as it is)."""

    max_agl_m: float = Field(120.0, gt=0, le=500, description="Height limit above ground (m)")
    min_agl_m: float = Field(0.5, ge=0, le=500, description="Least height in flight (m)")
    clearance_m: float = Field(5.0, ge=0, le=1000, description="From tall obstacles (m)")
    vertical_clearance_m: float = Field(5.0, ge=0, le=1000, description="Above tops (m)")
    payload_kg: float | None = Field(None, ge=0, le=1000, description="Payload (kg)")
    ground_m: float | None = Field(
        None, ge=-500, le=9000, description="Flat ground elevation AMSL (m)"
    )
    air_temperature_c: float | None = Field(
        None, ge=-30, le=50, description="Air temperature (°C); default ISA at the ground"
    )
    speed_mps: float = Field(5.0, gt=0, le=100, description="Speed before any change (m/s)")
    step_m: float = Field(1.0, ge=0.01, le=1000, description="Sampling step along legs (m)")

    @classmethod
    def parse(cls, data: dict[str, Any]) -> CheckRequest:
        """Check options from plain data, one line per bad value naming the option.

        Raises
        ------
        RequestError
        """
        return parse_options(cls, data)


class PerfRequest(_Strict):
    """The options of ``airwork aircraft perf`` (the aircraft's own limits are its own)."""

    payload_kg: float = Field(0.0, ge=0, le=1000, description="Payload mass (kg)")
    speed_mps: float | None = Field(None, gt=0, le=200, description="Airspeed (m/s)")
    reserve_frac: float | None = Field(None, ge=0, lt=0.9, description="Landing reserve (share)")
    temperature_c: float | None = Field(None, ge=-30, le=60, description="Battery temperature (°C)")
    elevation_m: float | None = Field(None, ge=-500, le=6000, description="Elevation (m)")
    air_temperature_c: float | None = Field(None, ge=-30, le=50, description="Air temperature (°C)")

    @classmethod
    def parse(cls, data: dict[str, Any]) -> PerfRequest:
        """Performance options from plain data, one line per bad value naming the option.

        Raises
        ------
        RequestError
        """
        return parse_options(cls, data)


def parse_options(model: type[_Strict], data: dict[str, Any]) -> Any:
    """Validate a command's options: one line per bad value naming the option as the
    command line spells it (``--step-m``), its rule and unit.

    Raises
    ------
    RequestError
    """
    try:
        return model.model_validate(data)
    except ValidationError as exc:

        def name(loc: tuple) -> str:
            field = str(loc[0]) if loc else "options"
            return "--wind-band" if field == "wind_bands" else option_flag(field)

        raise RequestError("; ".join(problems(exc, model, name))) from None


class OutputRequest(_Strict):
    """What to render."""

    formats: list[str] | None = Field(None, description="Output formats; default the kind's")
    picture: bool = Field(True, description="Draw mission.png (the slowest output)")
    autopilot: Autopilot = Field(Autopilot.ARDUPILOT, description="Firmware of mission files")
    spray_servo: int = Field(
        9, ge=1, le=SERVO_OUTPUTS, description="SERVOn output of the sprayer pump (1 to 32)"
    )
    profile: str | None = Field(
        None,
        description="Autopilot profile: a bundled name (arducopter-4.6, arducopter-4.6-sd, "
        "px4-1.15, ...) or a YAML file; default the firmware's",
    )
    dji_aircraft: str = Field(
        "M3E", description="DJI aircraft of WPML routes (format dji-wpml): M3E, M350, ..."
    )

    @field_validator("dji_aircraft")
    @classmethod
    def _dji(cls, v: str) -> str:
        from airwork.export.dji_wpml import AIRCRAFT

        if v not in AIRCRAFT:
            raise ValueError(f"must be one of {', '.join(AIRCRAFT)}, got {v!r}")
        return v


class JobRequest(_Strict):
    """One job: its kind, site, aircraft, parameters, conditions and outputs.

    ``aircraft`` items are a preset name or a spec-sheet YAML path, for fleet kinds with
    ``:COUNT`` drones per hub and ``@LIMIT`` payload in kg (``delivery-hex:3@2.5``).
    ``params`` use the names of the kind's parameters (the command line's options without
    ``--``, ``-`` as ``_``).
    """

    kind: str = Field(min_length=1)
    site: SiteRequest
    aircraft: list[str] = Field(default_factory=list)
    params: dict[str, Any] = Field(default_factory=dict)
    conditions: ConditionsRequest = Field(default_factory=ConditionsRequest)
    output: OutputRequest = Field(default_factory=OutputRequest)
    name: str | None = Field(None, description="Job name; default the first file's stem")

    @classmethod
    def parse(cls, data: dict[str, Any]) -> JobRequest:
        """A request from plain data, with one-line errors naming each bad value.

        Raises
        ------
        RequestError
        """
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise RequestError("; ".join(problems(exc, cls, _option_name))) from None

    @property
    def job_name(self) -> str:
        return self.name or Path(self.site.files[0]).stem


_OPTIONS = {
    ("site", "max_field_ha"): "--max-field-ha",
    ("site", "unlabelled"): "--unlabelled",
    ("site", "crs"): "--crs",
    ("output", "spray_servo"): "--spray-servo",
    ("output", "autopilot"): "--autopilot",
    ("output", "formats"): "--format",
    ("output", "dji_aircraft"): "--dji-aircraft",
    ("conditions", "wind_bands"): "--wind-band",
}


def _option_name(loc: tuple) -> str:
    """A request field as the command line spells it, with its place in the request:
    ``--wind-mps (conditions.wind_mps)``."""
    path = ".".join(str(p) for p in loc)
    key = tuple(loc[:2])
    if key in _OPTIONS:
        return f"{_OPTIONS[key]} ({path})"
    if loc and loc[0] == "conditions" and len(loc) >= 2:
        return f"{option_flag(loc[1])} ({path})"
    return path


@dataclass(frozen=True)
class AircraftChoice:
    """An aircraft of a request: the model, and for fleets the drones per hub and a
    payload limit.

    Attributes
    ----------
    aircraft : Aircraft
    count_per_hub : int or None
        Drones of this type at each hub (None: the hub's own count).
    payload_limit_kg : float or None
        Load limit below the aircraft's own. [kg]
    spec : str
        As given.
    """

    aircraft: Aircraft
    count_per_hub: int | None = None
    payload_limit_kg: float | None = None
    spec: str = ""


_SPEC_RE = re.compile(r"^(?P<name>.+?)(?::(?P<count>[^:@]*))?(?:@(?P<limit>[^@]*))?$")


def parse_aircraft_choice(spec: str, *, fleet: bool) -> AircraftChoice:
    """``NAME[:COUNT][@LIMIT_KG]`` -> :class:`AircraftChoice` (COUNT and LIMIT for fleets).

    Raises
    ------
    AircraftError
        Unknown aircraft, a count that is not a whole number ≥ 1, a limit that is not a
        positive number, or either for a kind that flies one aircraft.
    """
    text = str(spec).strip()
    if not text:
        raise AircraftError("--aircraft: empty aircraft name")
    if Path(text).exists():
        return AircraftChoice(load_aircraft(text), spec=text)
    m = _SPEC_RE.match(text)
    assert m is not None
    name, count, limit = m["name"], m["count"], m["limit"]
    if (count is not None or limit is not None) and not fleet:
        raise AircraftError(
            f"--aircraft {spec!r}: ':COUNT' and '@LIMIT' are for fleets (delivery); give a "
            "preset name or a YAML file"
        )
    n = None
    if count is not None:
        if not count.isdigit() or int(count) < 1:
            raise AircraftError(
                f"--aircraft {spec!r}: drone count {count!r} must be a whole number ≥ 1"
            )
        n = int(count)
    kg = None
    if limit is not None:
        try:
            kg = float(limit)
        except ValueError:
            kg = math.nan
        if not (math.isfinite(kg) and kg > 0):
            raise AircraftError(
                f"--aircraft {spec!r}: payload limit {limit!r} must be a positive number of kg"
            )
    return AircraftChoice(load_aircraft(name), n, kg, text)
