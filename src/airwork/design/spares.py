"""Spares a fleet needs in a year, from its planned flight hours and the parts' lives.

Input: flight hours per job kind, optionally per district and season, and optionally
the sorties flown (national batch results carry them).  CSV with a header::

    kind,district,season,hours,sorties
    spray,31,spring,1200,
    delivery,31,,5400,9000

(only ``kind`` and ``hours`` are required), or YAML: ``hours: {spray: 1200, delivery:
5400}`` or ``records:`` with the CSV's keys, or a national batch run (its folder or its
``districts.csv``, :mod:`airwork.design.batchrun`): one record per district with its flight
hours and sorties, of the run's kind and season, flown by the run's aircraft.  ``fleet``
(YAML key, or ``--fleet KIND=MODEL`` on the command line) says which model flies each kind.

Per model line of its bill of materials with a life:

* parts with ``life_h`` (propellers, motors, ESCs, pumps, nozzles, winches, avionics):
  ``quantity × hours / life_h``;
* parts with ``life_cycles`` (battery packs): one charge cycle per sortie,
  ``quantity × sorties / life_cycles``; without sorties given, sorties are the hours over
  the model's flight time per sortie: its hover endurance at half payload keeping the
  landing reserve (short, so the estimate errs towards more cycles).
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from airwork.aircraft.catalogue import Catalogue
from airwork.design.batchrun import is_batch_run, read_batch_run
from airwork.design.bom import bill_of_materials
from airwork.design.change import model_aircraft
from airwork.errors import InputFileError

__all__ = [
    "DEFAULT_FLEET",
    "FlightHours",
    "SparesLine",
    "fleet_spares",
    "read_flight_hours",
    "sortie_minutes",
]

DEFAULT_FLEET = {
    "spray": "sprayer-40",
    "spread": "spreader-50",
    "survey": "mapper-quad",
    "powerline": "inspector-quad",
    "delivery": "delivery-hex",
}
"""The preset flying each job kind unless the input says otherwise."""


class FlightHours(BaseModel):
    """One record of planned flight hours."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    kind: str = Field(min_length=1)
    hours: float = Field(ge=0, le=1e9)
    district: str = ""
    season: str = ""
    sorties: float | None = Field(None, ge=0)


@dataclass(frozen=True)
class SparesLine:
    """Spares of one part for one model, kind and district in a year."""

    district: str
    season: str
    kind: str
    model: str
    part: str
    part_number: str
    part_class: str
    basis: str  # "h" or "cycles"
    usage: float  # hours or cycles a year, per installed part
    life: float
    installed: int
    spares: float
    unit_cost_eur: float

    @property
    def units(self) -> int:
        return math.ceil(self.spares - 1e-9)

    @property
    def cost_eur(self) -> float:
        return self.spares * self.unit_cost_eur


def _records_from_csv(text: str, where: str) -> list[FlightHours]:
    rows = []
    reader = csv.DictReader(io.StringIO(text))
    for n, row in enumerate(reader, start=2):
        clean = {k.strip(): (v or "").strip() for k, v in row.items() if k}
        if clean.get("sorties", "") == "":
            clean.pop("sorties", None)
        try:
            rows.append(FlightHours.model_validate(clean))
        except ValidationError as exc:
            msg = "; ".join(f"{e['loc'][0]}: {e['msg']}" for e in exc.errors())
            raise InputFileError(f"{where}:{n}: {msg}") from None
    return rows


def _records_from_batch(path: Path) -> tuple[list[FlightHours], dict[str, str]]:
    """One record per district of a batch run, and its aircraft as the kind's fleet."""
    run = read_batch_run(path)
    records = [
        FlightHours(kind=run.kind, hours=d.flight_h, district=d.district, season=run.season,
                    sorties=d.sorties)
        for d in run.districts
    ]  # fmt: skip
    return records, ({run.kind: run.aircraft} if run.aircraft else {})


def read_flight_hours(path: str | Path) -> tuple[list[FlightHours], dict[str, str]]:
    """Records and the fleet (kind → model) of a CSV or YAML flight-hours file.

    Raises
    ------
    InputFileError
        With the file and line (CSV) or key (YAML) at fault.
    """
    p = Path(path)
    if is_batch_run(p):
        return _records_from_batch(p)
    try:
        text = p.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{p}: cannot read flight hours: {exc}") from exc
    if p.suffix.lower() == ".csv":
        return _some(_records_from_csv(text, str(p)), p), {}
    try:
        data = yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        raise InputFileError(f"{p}: cannot read flight hours: {exc}") from exc
    if not isinstance(data, dict):
        raise InputFileError(f"{p}: give 'hours:' or 'records:' (and 'fleet:')")
    try:
        records = [FlightHours(kind=k, hours=h) for k, h in (data.get("hours") or {}).items()]
        records += [FlightHours.model_validate(r) for r in data.get("records") or []]
    except ValidationError as exc:
        msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise InputFileError(f"{p}: {msg}") from None
    fleet = {str(k): str(v) for k, v in (data.get("fleet") or {}).items()}
    return _some(records, p), fleet


def _some(records: list[FlightHours], path: Path) -> list[FlightHours]:
    """The records, refused when there are none (no spares is not an answer to no input)."""
    if not records:
        raise InputFileError(
            f"{path}: no flight hours (a CSV needs a header kind,hours[,district,season,sorties] "
            "and one row per record; a YAML 'hours:' or 'records:')"
        )
    return records


def sortie_minutes(cat: Catalogue, model: str) -> float:
    """Flight time per sortie when the input gives no sorties: hover endurance at half
    payload, keeping the landing reserve. [min]"""
    a = model_aircraft(cat, model)
    return float(a.hover_endurance_min(0.5 * a.max_payload_kg, reserve=True))


def fleet_spares(
    cat: Catalogue, records: list[FlightHours], fleet: dict[str, str] | None = None
) -> list[SparesLine]:
    """Spares per part, model, kind and district for a year of the given hours.

    Raises
    ------
    InputFileError
        A job kind with no model in the fleet.
    """
    fleet = {**DEFAULT_FLEET, **(fleet or {})}
    out = []
    for r in records:
        if r.kind not in fleet:
            raise InputFileError(f"job kind '{r.kind}' has no model: give --fleet {r.kind}=MODEL")
        model = fleet[r.kind]
        bom = bill_of_materials(cat, model)
        sorties = r.sorties
        if sorties is None:
            sorties = r.hours * 60.0 / sortie_minutes(cat, model)
        for line in bom.lines:
            f = cat.facts[line.part]
            if f.life_h is not None:
                basis, usage, life = "h", r.hours, f.life_h
            elif f.life_cycles is not None:
                basis, usage, life = "cycles", sorties, f.life_cycles
            else:
                continue
            out.append(
                SparesLine(
                    r.district, r.season, r.kind, bom.model, line.part, f.part_number, f.part_class,
                    basis, usage, life, line.quantity, line.quantity * usage / life,
                    f.cost_eur,
                )
            )  # fmt: skip
    return out


def spares_by_part(lines: list[SparesLine]) -> list[tuple[str, str, str, float, int, float]]:
    """Totals per part number: ``(part, part_number, class, spares, units, cost_eur)``."""
    acc: dict[str, list] = {}
    for x in lines:
        row = acc.setdefault(x.part, [x.part, x.part_number, x.part_class, 0.0, 0.0])
        row[3] += x.spares
        row[4] += x.cost_eur
    out = [(p, pn, c, s, math.ceil(s - 1e-9), cost) for p, pn, c, s, cost in acc.values()]
    return sorted(out, key=lambda r: -r[5])
