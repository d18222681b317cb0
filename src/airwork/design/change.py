"""What a change of the catalogue does to every model: figures before and after, and the
planned jobs that would need more sorties.

Two catalogue versions are compared model by model (the presets of both, and designed
spec files): mass, cost, largest payload, hover endurance empty and at full payload,
and range at half payload.  A change of one part (``replace: {old: new}``) is applied to
the catalogue data with :func:`substitute`, which also moves the stated mass of every
preset airframe that carries the part (its parts are checked to the gram on load).
Planned jobs (request files, as the API takes them) are planned with each version's
aircraft: those with more sorties (or trips) after the change are listed.
"""

from __future__ import annotations

import copy
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from airwork.aircraft.assemble import DesignChoice, assemble_design
from airwork.aircraft.catalogue import AircraftSpec, Catalogue, read_aircraft_file
from airwork.aircraft.model import Aircraft
from airwork.aircraft.serial import aircraft_to_dict
from airwork.design.bom import bill_of_materials
from airwork.errors import AircraftError, InputFileError

__all__ = [
    "JobChange",
    "ModelChange",
    "ModelFigures",
    "compare_catalogues",
    "jobs_with_more_sorties",
    "model_aircraft",
    "model_figures",
    "substitute",
]

_REFS = {
    "aircraft": ("battery", "payload"),
    "rotors": ("motor", "propeller", "esc"),
    "airframes": ("frame",),
    "frames": ("arm",),
}


def substitute(data: dict[str, Any], old: str, new: str) -> dict[str, Any]:
    """Catalogue data with part ``old`` replaced by ``new`` wherever it is used; preset
    airframes that carry it (frame, arm, motor, propeller, ESC) change their stated mass
    by the parts' mass difference.

    Raises
    ------
    AircraftError
        ``new`` or ``old`` is not a part of the catalogue.
    """
    out = copy.deepcopy(data)
    mass = {}
    for section in ("frames", "motors", "propellers", "escs", "batteries", "payloads", "parts"):
        for name, entry in (out.get(section) or {}).items():
            mass[name] = float(entry.get("mass_kg", 0.0))
    for name in (old, new):
        if name not in mass:
            raise AircraftError(f"change: '{name}' is not a part of the catalogue")
    delta = mass[new] - mass[old]
    moved = set()
    for preset in out["aircraft"].values():
        if preset["airframe"] in moved:
            continue
        airframe = out["airframes"][preset["airframe"]]
        rotors = out["rotors"][preset["rotors"]]
        frame = out.get("frames", {}).get(airframe.get("frame"), {})
        qty = int(airframe.get("frame") == old)
        qty += (airframe.get("arms") or 0) * int(frame.get("arm") == old)
        qty += rotors["count"] * sum(rotors.get(k) == old for k in ("motor", "propeller", "esc"))
        if qty:
            airframe["mass_kg"] = round(float(airframe["mass_kg"]) + qty * delta, 9)
            moved.add(preset["airframe"])
    for section, keys in _REFS.items():
        for entry in (out.get(section) or {}).values():
            for k in keys:
                if entry.get(k) == old:
                    entry[k] = new
    for section in ("frames", "payloads", "parts", "batteries", "motors", "propellers", "escs"):
        for entry in (out.get(section) or {}).values():
            inc = entry.get("includes")
            if inc and old in inc:
                inc[new] = inc.pop(old) + inc.get(new, 0)
    return out


@dataclass(frozen=True)
class ModelFigures:
    """Key figures of one model. [kg], [EUR], [min], [km]"""

    model: str
    mass_kg: float
    cost_eur: float
    max_payload_kg: float
    hover_empty_min: float
    hover_full_min: float
    range_half_km: float
    work_rate_ha_per_h: float | None = None
    """Spray or spread work rate on the example field (None: not a field aircraft)."""


@dataclass(frozen=True)
class ModelChange:
    model: str
    before: ModelFigures | None
    after: ModelFigures | None

    def delta(self, key: str) -> float | None:
        if self.before is None or self.after is None:
            return None
        return getattr(self.after, key) - getattr(self.before, key)

    @property
    def moved(self) -> bool:
        """Whether any figure moved by more than 0.1 %."""
        if self.before is None or self.after is None:
            return True
        for key in (*_FIGURES, "work_rate_ha_per_h"):
            a, b = getattr(self.before, key), getattr(self.after, key)
            if a is None or b is None:
                if (a is None) != (b is None):
                    return True
                continue
            if abs(b - a) > 1e-3 * max(abs(a), 1e-9):
                return True
        return False


_FIGURES = ("mass_kg", "cost_eur", "max_payload_kg", "hover_full_min", "range_half_km")


def model_aircraft(
    cat: Catalogue, model: str | Path, replace: dict[str, str] | None = None
) -> Aircraft:
    """A preset of this catalogue, or a designed spec file rebuilt from this catalogue's
    parts (rated for the same payload as the file; ``replace`` swaps its parts)."""
    key = str(model)
    if key in cat.aircraft:
        return cat.aircraft[key]
    spec = AircraftSpec.model_validate(read_aircraft_file(Path(key)))
    if spec.parts is None:
        raise AircraftError(f"{key}: a spec sheet without 'parts:' cannot be rebuilt")
    r = replace or {}
    p = spec.parts.model_copy(
        update={k: r.get(v, v) for k, v in spec.parts.model_dump().items() if isinstance(v, str)}
    )
    choice = DesignChoice(
        p.frame, p.arms, p.coaxial, p.motor, p.propeller, p.esc, p.battery, p.packs, p.payload
    )
    payload = spec.max_takeoff_mass_kg - spec.mass_kg
    return assemble_design(cat, choice, payload, name=spec.name)


def model_figures(
    cat: Catalogue, model: str | Path, replace: dict[str, str] | None = None
) -> ModelFigures:
    """The figures of a model built from this catalogue (``replace``: parts swapped in a
    designed spec file)."""
    a = model_aircraft(cat, model, replace)
    full = a.max_payload_kg
    half = 0.5 * full
    perf = a.performance(half)
    bom = bill_of_materials(cat, model, replace=replace)
    return ModelFigures(
        model=a.name,
        mass_kg=a.mass_kg,
        cost_eur=bom.cost_eur,
        max_payload_kg=full,
        hover_empty_min=float(a.hover_endurance_min(0.0)),
        hover_full_min=float(a.hover_endurance_min(full)),
        range_half_km=perf.range_km,
        work_rate_ha_per_h=field_work_rate(a),
    )


def _aircraft_file(path: Path, aircraft: Aircraft) -> Path:
    """The whole aircraft as a file a job request can name (what mission files carry)."""
    path.write_text(yaml.safe_dump(aircraft_to_dict(aircraft)))
    return path


def field_work_rate(aircraft: Aircraft) -> float | None:
    """Work rate of a sprayer or spreader on the bundled example field, planned by
    :func:`airwork.jobs.run_job` with the kind's defaults; None for other aircraft. [ha/h]"""
    kind = "spray" if aircraft.spray_tank else "spread" if aircraft.spreader else None
    if kind is None:
        return None
    from importlib import resources

    from airwork.jobs import run_job  # application layer: only for this figure

    field = resources.files("airwork.data") / "example_field.geojson"
    with tempfile.TemporaryDirectory(prefix="airwork-rate-") as tmp:
        path = _aircraft_file(Path(tmp) / f"{aircraft.name}.yaml", aircraft)
        request = {"kind": kind, "site": {"files": [str(field)]}, "aircraft": [str(path)]}
        outcome = run_job({**request, "output": {"formats": []}})
    return float(outcome.summary["work_rate_ha_per_h"])


def compare_catalogues(
    old: Catalogue,
    new: Catalogue,
    specs: list[str | Path] = (),
    replace: dict[str, str] | None = None,
) -> list[ModelChange]:
    """Every model's figures in both catalogues (presets of either, and spec files;
    ``replace`` swaps parts of the spec files in the new catalogue)."""
    names = list(dict.fromkeys([*old.aircraft, *new.aircraft, *map(str, specs)]))
    out = []
    for name in names:
        figs = []
        for cat, swap in ((old, None), (new, replace)):
            try:
                figs.append(model_figures(cat, name, swap))
            except AircraftError:
                figs.append(None)
        out.append(ModelChange(name, figs[0], figs[1]))
    return out


@dataclass(frozen=True)
class JobChange:
    """A planned job's sorties (or trips) with each catalogue version."""

    job: str
    aircraft: str
    before: int
    after: int

    @property
    def more(self) -> bool:
        return self.after > self.before


def _read_request(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text("utf-8")
        data = json.loads(text) if path.suffix.lower() == ".json" else yaml.safe_load(text)
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise InputFileError(f"{path}: cannot read job request: {exc}") from exc
    if not isinstance(data, dict):
        raise InputFileError(f"{path}: a job request is a mapping (kind, site, aircraft, ...)")
    return data


def _count(summary: dict[str, Any]) -> int:
    for key in ("sorties", "trips", "flights"):
        if key in summary:
            return int(summary[key])
    raise InputFileError("the job's summary has no sorties, trips or flights")


def jobs_with_more_sorties(
    old: Catalogue, new: Catalogue, requests: list[str | Path]
) -> list[JobChange]:
    """Plan each job request with each catalogue's aircraft (its first aircraft, a preset
    or a designed spec file); the rest of the request as given."""
    from airwork.jobs import run_job  # application layer: only for this question

    out = []
    with tempfile.TemporaryDirectory(prefix="airwork-change-") as tmp:
        for req_path in map(Path, requests):
            req = _read_request(req_path)
            base = req_path.parent
            site = dict(req.get("site", {}))
            site["files"] = [str(base / f) for f in site.get("files", [])]
            name = str(req.get("aircraft", [""])[0]).split(":")[0]
            model = name if name in old.aircraft else str(base / name)
            counts = []
            for i, cat in enumerate((old, new)):
                ac_file = _aircraft_file(
                    Path(tmp) / f"{req_path.stem}-{i}.yaml", model_aircraft(cat, model)
                )
                job = {**req, "site": site, "aircraft": [str(ac_file)], "output": {"formats": []}}
                counts.append(_count(run_job(job).summary))
            out.append(JobChange(req_path.name, name, counts[0], counts[1]))
    return out
