"""Feature roles, parsed in one place: names, spellings, geometry types and property schemas.

Every feature of a site has a ``role``.  Roles are matched case-insensitively with ``-``,
spaces and ``_`` alike (``No-Spray`` is ``no_spray``) and through a few common synonyms
(``geofence``/``fence``, ``nfz``/``no_fly``, ``row``/``right_of_way``, ``building``/
``obstacle``).  A near miss of a role (``feild``, ``obstcle``) is an error, and so is a role
nobody knows: silently dropping an obstacle is worse than stopping.

Each role declares the geometry types it takes and a pydantic schema of its properties: the
properties it reads are validated (finite numbers in a physical range; the message names the
feature and the key), unknown properties are kept as they are.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from airwork.errors import GeometryError, InputFileError
from airwork.limits import parse_clock, parse_clock_s, problems

__all__ = [
    "ROLES",
    "RoleSpec",
    "canonical_role",
    "role_names",
    "validate_properties",
]


class _Props(BaseModel):
    """Common base: unknown keys kept, NaN and infinity refused, numbers from strings."""

    model_config = ConfigDict(extra="allow", allow_inf_nan=False, populate_by_name=True)
    name: str | None = None
    id: str | None = None

    @field_validator("name", "id", mode="before")
    @classmethod
    def _text(cls, v: Any) -> Any:
        if v is None:
            return None
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return str(v)


class FieldProps(_Props):
    """A field to work: ``crop``, and optionally its own application ``rate_per_ha``."""

    crop: str | None = None
    rate_per_ha: float | None = Field(
        None,
        gt=0,
        le=10_000,
        description="Application rate (L/ha or kg/ha)",
        json_schema_extra={"unit": "L or kg per ha"},
    )


class ObstacleProps(_Props):
    """Something not to fly into: a polygon, or a Point with ``radius_m`` [m]; optional
    ``height_m`` [m] above its ground."""

    height_m: float | None = Field(None, ge=0, le=1000, description="Height (m)")
    radius_m: float | None = Field(None, gt=0, le=10_000, description="Radius (m)")


class StationProps(_Props):
    """Take-off, landing, refill and battery swap point."""


class NoSprayProps(_Props):
    """Area that must not be sprayed (buffers around water, houses, bee hives)."""


class ZoneProps(_Props):
    """An airspace zone: optional band ``floor_m`` / ``ceiling_m`` [m] measured per
    ``altitude_ref`` (``agl`` above the ground below, default, or ``amsl``); a Point zone
    is a circle of ``radius_m`` [m]."""

    floor_m: float | None = Field(None, ge=-1000, le=100_000, description="Floor (m)")
    ceiling_m: float | None = Field(None, ge=-1000, le=100_000, description="Ceiling (m)")
    altitude_ref: Literal["agl", "amsl"] = "agl"
    radius_m: float | None = Field(None, gt=0, le=1_000_000, description="Radius (m)")

    @field_validator("altitude_ref", mode="before")
    @classmethod
    def _ref(cls, v: Any) -> Any:
        return "agl" if v is None or v == "" else str(v).strip().lower()


class TowerProps(_Props):
    """A power-line tower: ``height_m`` of its conductors' attachment [m], ``line_id``,
    ``seq`` (order along the line), ``voltage_kv``, ``crossarm_half_m``, ``sag_m``."""

    height_m: float | None = Field(None, gt=0, le=500, description="Height (m)")
    line_id: str | None = None
    seq: float | None = None
    voltage_kv: float | None = Field(None, gt=0, le=2000, description="Voltage (kV)")
    crossarm_half_m: float | None = Field(None, ge=0, le=50, description="Half arm (m)")
    sag_m: float | None = Field(None, ge=0, le=200, description="Sag (m)")

    @field_validator("line_id", mode="before")
    @classmethod
    def _line(cls, v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return None if v is None else str(v)


class LineProps(_Props):
    """A power line whose vertices are towers: ``tower_heights_m`` (list or
    comma-separated) or one ``height_m`` [m], ``line_id``, ``voltage_kv``,
    ``crossarm_half_m``."""

    line_id: str | None = None
    height_m: float | None = Field(None, gt=0, le=500, description="Height (m)")
    tower_heights_m: list[float] | None = None
    voltage_kv: float | None = Field(None, gt=0, le=2000, description="Voltage (kV)")
    crossarm_half_m: float | None = Field(None, ge=0, le=50, description="Half arm (m)")

    @field_validator("tower_heights_m", mode="before")
    @classmethod
    def _heights(cls, v: Any) -> Any:
        if isinstance(v, str):
            return [p for p in v.replace(";", ",").split(",") if p.strip()]
        return v

    @field_validator("tower_heights_m")
    @classmethod
    def _positive(cls, v: list[float] | None) -> list[float] | None:
        if v is not None and any(not 0 < h <= 500 for h in v):
            raise ValueError(f"every tower height must be in (0, 500] m, got {v}")
        return v

    @field_validator("line_id", mode="before")
    @classmethod
    def _line(cls, v: Any) -> Any:
        if isinstance(v, float) and v.is_integer():
            v = int(v)
        return None if v is None else str(v)


class RightOfWayProps(_Props):
    """The corridor a power-line flight must stay in."""


def _clock(value: Any, info: ValidationInfo) -> Any:
    """A time of day read the one way (:func:`airwork.limits.parse_clock_s`): seconds."""
    if value is None or value == "":
        return None
    try:
        return parse_clock_s(value, str(info.field_name))
    except InputFileError as exc:
        raise ValueError(str(exc).removeprefix(f"{info.field_name}: ")) from None


def _same_day(data: Any, first: str, second: str) -> Any:
    """Refuse ISO 8601 date-times of one feature on different dates: a plan is one day."""
    if not isinstance(data, dict):
        return data
    days = []
    for key in (first, second):
        value = data.get(key)
        if isinstance(value, str) and len(value.strip()) > 10:
            try:
                days.append(parse_clock(value, key).date)
            except InputFileError:
                return data  # the field's own validator names the problem
    if len(days) == 2 and None not in days and days[0] != days[1]:
        raise ValueError(
            f"{first} and {second} fall on different dates ({days[0]} and {days[1]}); a "
            "plan covers one day: give times of that day"
        )
    return data


class _IdProps(_Props):
    @field_validator("id")
    @classmethod
    def _id(cls, v: str | None) -> str | None:
        if v is not None and not v.strip():
            raise ValueError("an id must not be empty (or leave the key out)")
        return v


class HubProps(_IdProps):
    """A delivery hub: ``drone_count`` drones (a whole number ≥ 1) are based, loaded and
    swapped here (``swap_time_s`` [s]), open from ``open`` to ``close`` (``HH:MM``,
    ISO 8601 or seconds of the day)."""

    drone_count: int | None = Field(None, ge=1, le=1000, description="Drones at the hub")
    swap_time_s: float | None = Field(None, ge=0, le=86_400, description="Swap time (s)")
    open: float | None = Field(None, ge=0, le=86_400, description="Opens (s of the day)")
    close: float | None = Field(None, ge=0, le=86_400, description="Closes (s of the day)")

    _times = field_validator("open", "close", mode="before")(_clock)

    @model_validator(mode="before")
    @classmethod
    def _day(cls, data: Any) -> Any:
        return _same_day(data, "open", "close")


class OrderProps(_IdProps):
    """A parcel to deliver: ``id`` (not empty), ``mass_kg`` (0, 1000] kg, arrival window
    ``earliest``/``latest`` (``HH:MM`` from 00:00 to 23:59, ISO 8601 or seconds of the day),
    least hover ``service_s`` [0, 3600] s, ``drop`` ``winch`` or ``land`` (see
    ``docs/delivery.md``)."""

    mass_kg: float | None = Field(None, gt=0, le=1000, description="Parcel mass (kg)")
    earliest: float | None = Field(None, ge=0, le=86_400, description="Earliest (s of the day)")
    latest: float | None = Field(None, ge=0, le=86_400, description="Latest (s of the day)")
    service_s: float | None = Field(None, ge=0, le=3600, description="Hover at the drop (s)")
    drop: Literal["winch", "land"] | None = None

    _times = field_validator("earliest", "latest", mode="before")(_clock)

    @field_validator("drop", mode="before")
    @classmethod
    def _drop(cls, v: Any) -> Any:
        return None if v is None or v == "" else str(v).strip().lower()

    @model_validator(mode="before")
    @classmethod
    def _day(cls, data: Any) -> Any:
        return _same_day(data, "earliest", "latest")


class RoadProps(_Props):
    """A road (for placing stations)."""


@dataclass(frozen=True)
class RoleSpec:
    """What a role is: its geometry types, property schema and one line of meaning."""

    name: str
    geometry_types: tuple[str, ...]
    props: type[_Props]
    description: str
    aliases: tuple[str, ...] = ()


_AREA = ("Polygon", "MultiPolygon")
ROLES: dict[str, RoleSpec] = {
    r.name: r
    for r in (
        RoleSpec("field", _AREA, FieldProps, "area to spray, spread or map", ("fields",)),
        RoleSpec(
            "obstacle",
            (*_AREA, "Point"),
            ObstacleProps,
            "kept clear horizontally (Point: radius_m)",
            ("building", "tree", "mast", "pylon"),
        ),
        RoleSpec("no_spray", _AREA, NoSprayProps, "not to be sprayed", ("nospray",)),
        RoleSpec("station", ("Point",), StationProps, "take-off, landing, refill point"),
        RoleSpec(
            "no_fly",
            (*_AREA, "Point"),
            ZoneProps,
            "exclusion zone (floor_m, ceiling_m, altitude_ref; Point: radius_m)",
            ("nofly", "exclusion", "restricted", "nfz", "keep_out", "exclusion_zone"),
        ),
        RoleSpec(
            "geofence",
            (*_AREA, "Point"),
            ZoneProps,
            "inclusion zone the flight must stay in",
            ("fence", "inclusion", "keep_in", "inclusion_zone"),
        ),
        RoleSpec("tower", ("Point",), TowerProps, "power-line tower (height_m)"),
        RoleSpec(
            "line", ("LineString",), LineProps, "power line through its towers", ("powerline",)
        ),
        RoleSpec(
            "right_of_way",
            _AREA,
            RightOfWayProps,
            "power-line corridor",
            ("row", "corridor"),
        ),
        RoleSpec("hub", ("Point",), HubProps, "delivery hub"),
        RoleSpec("order", ("Point",), OrderProps, "parcel to deliver"),
        RoleSpec("road", ("LineString", "MultiLineString"), RoadProps, "road"),
    )
}
"""Every role a site knows, by canonical name."""

_ALIASES: dict[str, str] = {a: r.name for r in ROLES.values() for a in (r.name, *r.aliases)}
_TYPO_CUTOFF = 0.8


def role_names() -> list[str]:
    """Canonical role names."""
    return list(ROLES)


def _key(role: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(role).strip().lower())


def canonical_role(role: Any, source: str) -> str:
    """The canonical name of a role as written in a file.

    Raises
    ------
    InputFileError
        No role, a near miss of a role (a typo), or a role nobody knows; the message names
        the feature and the known roles.
    """
    if role is None or not str(role).strip():
        raise InputFileError(f"{source}: the feature has no 'role'")
    key = _key(role)
    if key in _ALIASES:
        return _ALIASES[key]
    known = ", ".join(ROLES)
    near = difflib.get_close_matches(key, list(_ALIASES), n=1, cutoff=_TYPO_CUTOFF)
    if near:
        raise InputFileError(
            f"{source}: role {role!r} looks like a typo of {_ALIASES[near[0]]!r}; fix the role "
            f"(known roles: {known})"
        )
    raise InputFileError(f"{source}: unknown role {role!r} (known roles: {known})")


def validate_properties(role: str, properties: dict[str, Any], source: str) -> dict[str, Any]:
    """The feature's properties checked against its role's schema: the keys the role reads
    typed and in range, every other key kept as it was.

    Raises
    ------
    GeometryError
        A property out of range, not a number, NaN or infinite (names feature and key).
    """
    spec = ROLES[role]
    try:
        model = spec.props.model_validate(properties)
    except ValidationError as exc:

        def name(loc: tuple) -> str:
            return f"{source}: {role}" + (f" property {'.'.join(map(str, loc))}" if loc else "")

        raise GeometryError(problems(exc, spec.props, name)[0]) from None
    out = dict(properties)
    out.update({k: v for k, v in model.model_dump(exclude_unset=True).items()})
    return out
