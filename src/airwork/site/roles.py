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

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from airwork.errors import GeometryError, InputFileError

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
    rate_per_ha: float | None = Field(None, gt=0, le=10_000)


class ObstacleProps(_Props):
    """Something not to fly into: a polygon, or a Point with ``radius_m`` [m]; optional
    ``height_m`` [m] above its ground."""

    height_m: float | None = Field(None, ge=0, le=1000)
    radius_m: float | None = Field(None, gt=0, le=10_000)


class StationProps(_Props):
    """Take-off, landing, refill and battery swap point."""


class NoSprayProps(_Props):
    """Area that must not be sprayed (buffers around water, houses, bee hives)."""


class ZoneProps(_Props):
    """An airspace zone: optional band ``floor_m`` / ``ceiling_m`` [m] measured per
    ``altitude_ref`` (``agl`` above the ground below, default, or ``amsl``); a Point zone
    is a circle of ``radius_m`` [m]."""

    floor_m: float | None = Field(None, ge=-1000, le=100_000)
    ceiling_m: float | None = Field(None, ge=-1000, le=100_000)
    altitude_ref: Literal["agl", "amsl"] = "agl"
    radius_m: float | None = Field(None, gt=0, le=1_000_000)

    @field_validator("altitude_ref", mode="before")
    @classmethod
    def _ref(cls, v: Any) -> Any:
        return "agl" if v is None or v == "" else str(v).strip().lower()


class TowerProps(_Props):
    """A power-line tower: ``height_m`` of its conductors' attachment [m], ``line_id``,
    ``seq`` (order along the line), ``voltage_kv``, ``crossarm_half_m``, ``sag_m``."""

    height_m: float | None = Field(None, gt=0, le=500)
    line_id: str | None = None
    seq: float | None = None
    voltage_kv: float | None = Field(None, gt=0, le=2000)
    crossarm_half_m: float | None = Field(None, ge=0, le=50)
    sag_m: float | None = Field(None, ge=0, le=200)

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
    height_m: float | None = Field(None, gt=0, le=500)
    tower_heights_m: list[float] | None = None
    voltage_kv: float | None = Field(None, gt=0, le=2000)
    crossarm_half_m: float | None = Field(None, ge=0, le=50)

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


class HubProps(_Props):
    """A delivery hub: drones are based, loaded and swapped here."""


class OrderProps(_Props):
    """A parcel to deliver (see ``docs/delivery.md`` for its keys)."""


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
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "properties"
        value = err.get("input")
        raise GeometryError(f"{source}: {role} property {loc} = {value!r}: {err['msg']}") from None
    out = dict(properties)
    out.update({k: v for k, v in model.model_dump(exclude_unset=True).items()})
    return out
