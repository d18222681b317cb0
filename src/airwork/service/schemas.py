"""The API's bodies: what it accepts (strict: unknown fields refused, no NaN, no NUL) and
what it answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from airwork.autopilot.firmware import Autopilot
from airwork.autopilot.profiles import profile_names
from airwork.export.dji_wpml import AIRCRAFT as DJI_AIRCRAFT
from airwork.jobs.request import ConditionsRequest

__all__ = [
    "AircraftOut",
    "JobConditions",
    "JobCreate",
    "JobOut",
    "JobOutput",
    "Login",
    "Page",
    "PasswordSet",
    "SiteOut",
    "TokenCreate",
    "UserCreate",
    "no_nul",
]

_FILE_CONDITIONS = ("airspace", "obstacles", "dem")


def no_nul(value: Any, where: str = "value") -> Any:
    """Refuse NUL characters and text that is not UTF-8 (lone surrogates) anywhere in
    strings: no database stores them."""
    if isinstance(value, str):
        if "\x00" in value:
            raise ValueError(f"{where}: NUL characters are not allowed")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise ValueError(f"{where}: not valid UTF-8 text") from None
    elif isinstance(value, dict):
        for k, v in value.items():
            no_nul(k, where)
            no_nul(v, where)
    elif isinstance(value, list | tuple):
        for v in value:
            no_nul(v, where)
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


JobConditions = create_model(  # the job's conditions; their files come with the site
    "JobConditions",
    __base__=_Strict,
    __doc__="Conditions the job is planned and checked in (airspace, obstacle and DEM "
    "files are uploaded with the site).",
    **{
        name: (field.annotation, field)
        for name, field in ConditionsRequest.model_fields.items()
        if name not in _FILE_CONDITIONS
    },
)


ProfileName = Literal[tuple(profile_names())]  # bundled only: no server file is read
DjiAircraft = Literal[tuple(DJI_AIRCRAFT)]


class JobOutput(_Strict):
    """What to render."""

    formats: list[str] | None = Field(
        None, max_length=20, description="Output formats (GET /kinds lists them); default all"
    )
    autopilot: Autopilot = Field(Autopilot.ARDUPILOT, description="Firmware of mission files")
    spray_servo: int = Field(9, ge=1, le=32, description="SERVOn output of the sprayer pump")
    profile: ProfileName | None = Field(  # type: ignore[valid-type]
        None,
        description="Autopilot profile, a bundled one (its firmware replaces autopilot); "
        "default the firmware's",
    )
    dji_aircraft: DjiAircraft = Field(  # type: ignore[valid-type]
        "M3E", description="DJI aircraft of WPML routes (format dji-wpml)"
    )


class JobCreate(_Strict):
    """A job to plan: its kind, site, aircraft and parameters (the names of the command
    line's options: ``rate_l_per_ha`` is ``--rate-l-per-ha``)."""

    kind: str = Field(min_length=1, max_length=40, description="spray, spread, survey, ...")
    site: str = Field(min_length=1, max_length=64, description="A site id (POST /sites)")
    aircraft: list[str] = Field(
        default_factory=list,
        max_length=20,
        description="Preset names or the organisation's aircraft ids; for fleets "
        "NAME[:COUNT][@LIMIT_KG]. Default the kind's",
    )
    params: dict[str, Any] = Field(default_factory=dict, description="The kind's parameters")
    conditions: JobConditions = Field(default_factory=JobConditions)  # type: ignore[valid-type]
    output: JobOutput = Field(default_factory=JobOutput)
    name: str | None = Field(None, min_length=1, max_length=200, description="Default the site's")

    @field_validator("aircraft", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("kind", "site", "aircraft", "params", "name", "output")
    @classmethod
    def _clean(cls, v: Any) -> Any:
        return no_nul(v, "text")


_PASSWORD = Field(
    None, min_length=10, max_length=200, description="10 to 200 characters", repr=False
)


class UserCreate(_Strict):
    name: str = Field(min_length=1, max_length=200)
    role: Literal["owner", "planner", "pilot", "viewer"]
    password: str | None = _PASSWORD

    @field_validator("name", "password")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return no_nul(v, "text")


class Login(_Strict):
    """Sign in with a password (a token lasting 12 hours)."""

    org: str = Field(min_length=1, max_length=200, description="The organisation's name")
    user: str = Field(min_length=1, max_length=200, description="The user's name")
    password: str = Field(min_length=1, max_length=200, repr=False)

    @field_validator("org", "user", "password")
    @classmethod
    def _clean(cls, v: str) -> str:
        return no_nul(v, "text")


class PasswordSet(_Strict):
    """A new password; ``current`` is needed when one is set already."""

    password: str = Field(min_length=10, max_length=200, repr=False)
    current: str | None = Field(None, max_length=200, repr=False)

    @field_validator("password", "current")
    @classmethod
    def _clean(cls, v: str | None) -> str | None:
        return no_nul(v, "password")


class TokenCreate(_Strict):
    label: str = Field("", max_length=200)

    @field_validator("label")
    @classmethod
    def _clean(cls, v: str) -> str:
        return no_nul(v, "label")


class Page(BaseModel):
    """One page of a list."""

    items: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class SiteOut(BaseModel):
    id: str
    name: str
    created_at: datetime
    files: list[dict[str, Any]] = Field(description="name, use, size, sha256 of each file")
    options: dict[str, Any]
    summary: dict[str, Any]
    geometry: dict[str, Any] | None = Field(None, description="GeoJSON, WGS84")
    features: dict[str, Any] | None = Field(
        None, description="The features as a GeoJSON FeatureCollection with role and name"
    )


class AircraftOut(BaseModel):
    id: str
    name: str
    source: Literal["preset", "organisation"]
    summary: dict[str, Any]


class JobOut(BaseModel):
    id: str
    kind: str
    name: str
    site: str
    status: Literal["queued", "running", "done", "failed"]
    progress: float = Field(ge=0, le=1)
    message: str
    attempts: int
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    error: str | None = Field(None, description="Why it failed (one line)")
    summary: dict[str, Any] | None = Field(None, description="summary.json, when done")
    notes: list[str] | None = None
    report: dict[str, Any] | None = Field(None, description="The kind's table, when done")
    files: list[str] = Field(default_factory=list, description="Output names, when done")
    request: dict[str, Any] = Field(description="The job as submitted")
