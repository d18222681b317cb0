"""Bill of materials of a model: every part with quantity, mass and cost, and how many of
them the other models of the catalogue share.

A model is a catalogue preset or a designed spec sheet with a ``parts:`` block.  Parts
that ``include`` sub-parts (a tank's pumps, a frame's flight controller) are expanded: the
part's own line carries its mass and cost less the sub-parts', so the lines add up to the
model's mass (ready to fly, empty payload system) and cost.

The platform's benefit is given as the *shared share*: the share of the model's part
lines, and of its cost, that at least one other model of the catalogue also uses.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from airwork.aircraft.catalogue import AircraftSpec, Catalogue, read_aircraft_file
from airwork.errors import AircraftError

__all__ = ["Bom", "BomLine", "bill_of_materials", "catalogue_models", "model_parts"]


@dataclass(frozen=True)
class BomLine:
    """One part of a bill of materials.

    ``unit_mass_kg`` and ``unit_cost_eur`` exclude the sub-parts listed on their own lines.
    """

    part: str
    part_number: str
    part_class: str
    quantity: int
    unit_mass_kg: float
    unit_cost_eur: float
    shared_with: tuple[str, ...]
    parent: str = ""

    @property
    def mass_kg(self) -> float:
        return self.quantity * self.unit_mass_kg

    @property
    def cost_eur(self) -> float:
        return self.quantity * self.unit_cost_eur


@dataclass(frozen=True)
class Bom:
    """A model's bill of materials."""

    model: str
    lines: tuple[BomLine, ...]

    @property
    def mass_kg(self) -> float:
        return sum(line.mass_kg for line in self.lines)

    @property
    def cost_eur(self) -> float:
        return sum(line.cost_eur for line in self.lines)

    @property
    def shared_line_share(self) -> float:
        """Share of part lines another model also uses. [-]"""
        return sum(bool(x.shared_with) for x in self.lines) / max(len(self.lines), 1)

    @property
    def shared_cost_share(self) -> float:
        """Share of the cost in parts another model also uses. [-]"""
        total = self.cost_eur
        shared = sum(x.cost_eur for x in self.lines if x.shared_with)
        return shared / total if total > 0 else 0.0


def _spec_parts(cat: Catalogue, path: Path) -> tuple[str, list[tuple[str, int]]]:
    spec = AircraftSpec.model_validate(read_aircraft_file(path))
    if spec.parts is None:
        raise AircraftError(
            f"{path}: a spec sheet without a 'parts:' block has no bill of materials "
            "(designs written by 'airwork design --write' have one)"
        )
    p = spec.parts
    if p.frame not in cat.frames:
        raise AircraftError(f"{path}: parts.frame: unknown frame '{p.frame}'")
    n = p.arms * (2 if p.coaxial else 1)
    out = [(p.frame, 1), (cat.frames[p.frame].arm, p.arms), (p.motor, n), (p.propeller, n)]
    if p.esc:
        out.append((p.esc, n))
    out.append((p.battery, p.packs))
    if p.payload:
        out.append((p.payload, 1))
    unknown = [name for name, _ in out if name not in cat.facts]
    if unknown:
        raise AircraftError(f"{path}: parts: unknown catalogue part(s) {', '.join(unknown)}")
    return spec.name, out


def model_parts(
    cat: Catalogue, model: str | Path, replace: dict[str, str] | None = None
) -> tuple[str, list[tuple[str, int]]]:
    """``(name, [(part, quantity), ...])`` of a preset name or a designed spec file;
    ``replace`` swaps parts of a spec file (a preset takes its catalogue's parts)."""
    key = str(model)
    if key in cat.aircraft:
        return key, cat.preset_parts(key)
    path = Path(key)
    if path.suffix.lower() in (".yaml", ".yml") or path.exists():
        name, parts = _spec_parts(cat, path)
        return name, [((replace or {}).get(p, p), q) for p, q in parts]
    raise AircraftError(f"unknown model '{key}' (presets: {', '.join(cat.aircraft)})")


def _expand(cat: Catalogue, parts: list[tuple[str, int]]) -> list[tuple[str, int, str]]:
    """Parts with their sub-parts, as ``(part, quantity, parent)``."""
    out = []
    for name, qty in parts:
        out.append((name, qty, ""))
        for sub, q in cat.facts[name].includes:
            out.append((sub, qty * q, name))
    return out


def catalogue_models(cat: Catalogue, extra: list[str | Path] = ()) -> dict[str, set[str]]:
    """Every model (presets and ``extra`` spec files) with the set of parts it uses."""
    out = {}
    for model in [*cat.aircraft, *extra]:
        try:
            name, parts = model_parts(cat, model)
        except AircraftError:
            continue  # a preset without parts has no bill of materials
        out[name] = {p for p, _, _ in _expand(cat, parts)}
    return out


def bill_of_materials(
    cat: Catalogue,
    model: str | Path,
    others: list[str | Path] = (),
    replace: dict[str, str] | None = None,
) -> Bom:
    """The bill of materials of a preset or a designed spec file; ``others`` adds spec
    files to the models the shared share counts (the presets always count); ``replace``
    swaps parts of a spec file.

    Raises
    ------
    AircraftError
        Unknown model, or one that names no parts.
    """
    name, parts = model_parts(cat, model, replace)
    users = catalogue_models(cat, list(others))
    lines = []
    for part, qty, parent in _expand(cat, parts):
        f = cat.facts[part]
        mass, cost = f.mass_kg, f.cost_eur
        for sub, q in f.includes:  # the part's own share, sub-parts on their lines
            mass -= q * cat.facts[sub].mass_kg
            cost -= q * cat.facts[sub].cost_eur
        shared = tuple(sorted(m for m, used in users.items() if m != name and part in used))
        lines.append(BomLine(part, f.part_number, f.part_class, qty, mass, cost, shared, parent))
    return Bom(name, tuple(lines))
