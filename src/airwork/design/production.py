"""A production plan: units per model and month, part demand per part number and month.

Plan file (YAML)::

    year: 2027
    models:                       # units a year: a preset, or a designed spec file
      sprayer-40: 20000
      sprayer-30: {spec: sprayer-30.yaml, units: 15000}
      spreader-50: {batch: runs/2027-spring}  # the aircraft a batch run needs
    ramp: {months_to_full_rate: 6, start_share: 0.25}   # or 12 monthly weights
    yields: {default: 0.995, battery: 0.97, motor: 0.985}   # good parts per part class
    change: {replace: {ag-52v-30ah: ag-52v-40ah}}           # optional what-if

A model's units may come from a national batch run (``airwork batch … --season-start …
--season-end …``): the aircraft its districts need in the season, each district keeping its
own (:mod:`airwork.design.batchrun`).  Monthly units are the annual units spread over the
ramp's monthly weights, rounded so they add up to the annual units.  The demand for a
part in a month is :math:`\\sum_{models} units \\times quantity / yield_{class}`,
rounded up on the running total (so a year's demand is the exact total rounded up once,
not twelve times).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from airwork.aircraft.catalogue import Catalogue
from airwork.design.batchrun import read_batch_run
from airwork.design.bom import Bom, bill_of_materials
from airwork.errors import InputFileError

__all__ = [
    "PartDemand",
    "ProductionPlan",
    "ProductionResult",
    "change_impact",
    "plan_production",
    "read_plan",
]


class _Ramp(BaseModel):
    model_config = ConfigDict(extra="forbid")
    months_to_full_rate: int = Field(1, ge=1, le=12)
    start_share: float = Field(1.0, gt=0, le=1)


class _ModelUnits(BaseModel):
    model_config = ConfigDict(extra="forbid")
    spec: str | None = None
    units: int | None = Field(None, ge=0, le=10_000_000)
    batch: str | None = None

    @model_validator(mode="after")
    def _one_source(self):
        if (self.units is None) == (self.batch is None):
            raise ValueError("give units or batch (a batch run folder), one of them")
        return self

    def annual_units(self) -> int:
        """The units a year: as given, or the aircraft a batch run needs in its districts."""
        if self.units is not None:
            return self.units
        return read_batch_run(str(self.batch)).aircraft_needed


_Units = Annotated[int, Field(ge=0, le=10_000_000, description="Units a year")]


class ProductionPlan(BaseModel):
    """A production plan (see the module docstring)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    year: int | None = None
    models: dict[str, _Units | _ModelUnits] = Field(min_length=1)
    ramp: list[float] | _Ramp = Field(default_factory=_Ramp)
    yields: dict[str, float] = Field(default_factory=dict)
    change: dict[str, dict[str, str]] | None = None

    @field_validator("ramp")
    @classmethod
    def _ramp(cls, v):
        if isinstance(v, list) and (len(v) != 12 or any(x < 0 for x in v) or sum(v) <= 0):
            raise ValueError("ramp as a list needs 12 monthly weights >= 0, not all 0")
        return v

    @field_validator("yields")
    @classmethod
    def _yields(cls, v):
        bad = {k: y for k, y in v.items() if not 0 < y <= 1}
        if bad:
            raise ValueError(f"yields must be in (0, 1]: {bad}")
        return v

    def monthly_weights(self) -> np.ndarray:
        """The ramp as 12 weights that add up to 1. [-]"""
        if isinstance(self.ramp, list):
            w = np.asarray(self.ramp, dtype=float)
        else:
            m = self.ramp.months_to_full_rate
            ramp = np.linspace(self.ramp.start_share, 1.0, m)
            w = np.concatenate([ramp, np.ones(12 - m)])
        return w / w.sum()

    def yield_of(self, part_class: str) -> float:
        return float(self.yields.get(part_class, self.yields.get("default", 1.0)))


@dataclass(frozen=True)
class PartDemand:
    """Monthly demand of one part number (12 whole numbers) and its exact total."""

    part: str
    part_number: str
    part_class: str
    monthly: tuple[int, ...]
    exact_total: float
    models: tuple[str, ...]

    @property
    def total(self) -> int:
        return sum(self.monthly)


@dataclass(frozen=True)
class ProductionResult:
    plan: ProductionPlan
    units: dict[str, tuple[int, ...]]
    boms: dict[str, Bom]
    demand: list[PartDemand]

    @property
    def shared(self) -> list[PartDemand]:
        """Parts used by more than one model of the plan."""
        return [d for d in self.demand if len(d.models) > 1]

    def csv(self) -> str:
        """Monthly demand per part number as CSV."""
        head = "part_number,part,class,models," + ",".join(f"m{i:02d}" for i in range(1, 13))
        rows = [head + ",total"]
        for d in self.demand:
            months = ",".join(str(x) for x in d.monthly)
            rows.append(
                f"{d.part_number},{d.part},{d.part_class},{' '.join(d.models)},{months},{d.total}"
            )
        return "\n".join(rows) + "\n"


def read_plan(path: str | Path) -> ProductionPlan:
    """A plan file, validated (errors name the key at fault).

    Raises
    ------
    InputFileError
    """
    p = Path(path)
    try:
        data = yaml.safe_load(p.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputFileError(f"{p}: cannot read production plan: {exc}") from exc
    try:
        plan = ProductionPlan.model_validate(data)
    except ValidationError as exc:
        lines = [f"{'.'.join(str(x) for x in e['loc'])}: {e['msg']}" for e in exc.errors()]
        raise InputFileError(f"{p}: invalid production plan: " + "; ".join(lines)) from None
    base = p.parent
    models: dict[str, Any] = {}
    for name, v in plan.models.items():  # spec files and batch runs relative to the plan
        if isinstance(v, _ModelUnits):
            given = {k: f for k in ("spec", "batch") if (f := getattr(v, k))}
            near = {k: str(base / f) for k, f in given.items() if not Path(f).is_absolute()}
            v = v.model_copy(update=near)
            if v.batch is not None:  # read now: a missing or bad run is the plan's error
                try:
                    v = v.model_copy(update={"units": v.annual_units(), "batch": None})
                except InputFileError as exc:
                    raise InputFileError(f"{p}: models.{name}.batch: {exc}") from None
        models[name] = v
    return plan.model_copy(update={"models": models})


def _spread(annual: int, weights: np.ndarray) -> tuple[int, ...]:
    cum = np.round(annual * np.cumsum(weights)).astype(int)
    cum[-1] = annual
    return tuple(int(x) for x in np.diff(np.concatenate([[0], cum])))


def plan_production(cat: Catalogue, plan: ProductionPlan) -> ProductionResult:
    """Units per model and month, and the monthly demand of every part number."""
    weights = plan.monthly_weights()
    specs = [v.spec for v in plan.models.values() if isinstance(v, _ModelUnits) and v.spec]
    units, boms = {}, {}
    for name, v in plan.models.items():
        annual = v if isinstance(v, int) else v.annual_units()
        model = v.spec if isinstance(v, _ModelUnits) and v.spec else name
        boms[name] = bill_of_materials(cat, model, specs)
        units[name] = _spread(annual, weights)
    per_part: dict[str, np.ndarray] = {}
    users: dict[str, list[str]] = {}
    for name, bom in boms.items():
        u = np.asarray(units[name], dtype=float)
        for line in bom.lines:
            need = u * line.quantity / plan.yield_of(line.part_class)
            per_part[line.part] = per_part.get(line.part, np.zeros(12)) + need
            users.setdefault(line.part, [])
            if name not in users[line.part]:
                users[line.part].append(name)
    demand = []
    for part, exact in per_part.items():
        cum = np.ceil(np.cumsum(exact) - 1e-6)
        monthly = np.diff(np.concatenate([[0.0], cum])).astype(int)
        f = cat.facts[part]
        demand.append(
            PartDemand(
                part, f.part_number, f.part_class, tuple(int(x) for x in monthly),
                float(exact.sum()), tuple(users[part]),
            )
        )  # fmt: skip
    demand.sort(key=lambda d: (-d.total, d.part))
    return ProductionResult(plan, units, boms, demand)


def change_impact(cat: Catalogue, plan: ProductionPlan) -> dict[tuple[str, str], list]:
    """For each ``change: {replace: {old: new}}`` of the plan, every model's figures with
    the catalogue as it is and with the part replaced
    (:func:`~airwork.design.change.compare_catalogues`)."""
    from airwork.design.change import compare_catalogues, substitute

    specs = [v.spec for v in plan.models.values() if isinstance(v, _ModelUnits) and v.spec]
    out = {}
    for old, new in (plan.change or {}).get("replace", {}).items():
        changed = Catalogue(substitute(cat.data, old, new), f"catalogue with {new} for {old}")
        out[(old, new)] = compare_catalogues(cat, changed, specs, {old: new})
    return out
