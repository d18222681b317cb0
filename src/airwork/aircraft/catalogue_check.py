"""Checks of the component catalogue beyond each entry's schema: names, references,
sub-parts, interfaces and the masses of the presets' bills of materials.

Every problem names its place (``aircraft.sprayer-40: ...``, ``frames.x.arm: ...``) so a
catalogue edit that breaks a preset is refused on load, not found in a plan.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from airwork.aircraft.catalogue_schema import CatalogueFile
from airwork.aircraft.parts import PartFacts, fit_problems

if TYPE_CHECKING:  # pragma: no cover
    from airwork.aircraft.catalogue import Catalogue

__all__ = ["BOM_MASS_TOLERANCE_KG", "PART_SECTIONS", "check_catalogue", "part_facts"]

BOM_MASS_TOLERANCE_KG = 0.001
"""A preset airframe's stated mass and the sum of its parts agree to the gram. [kg]"""

PART_SECTIONS = {
    "frames": "frame",
    "motors": "motor",
    "propellers": "propeller",
    "escs": "esc",
    "batteries": "battery",
    "payloads": "payload",
    "parts": None,  # the entry's own part_class
}
"""Catalogue sections whose entries are parts (bought, built, spared), with their class."""

_INTERFACE_KEYS = (
    "connector",
    "mount",
    "prop_mount",
    "hub",
    "motor_mount",
    "battery_connector",
)


def part_facts(file: CatalogueFile) -> dict[str, PartFacts]:
    """The production facts of every part of every part section, by name."""
    out: dict[str, PartFacts] = {}
    for section, cls in PART_SECTIONS.items():
        for name, entry in getattr(file, section).items():
            interfaces = {
                k: str(getattr(entry, k))
                for k in _INTERFACE_KEYS
                if getattr(entry, k, None) not in (None, "")
            }
            if section == "motors":
                interfaces["cells"] = f"{entry.cells_min}-{entry.cells_max}S"
            if section == "batteries" and entry.cells is not None:
                interfaces["cells"] = f"{entry.cells}S"
            out.setdefault(
                name,
                PartFacts(
                    name=name,
                    part_class=cls or entry.part_class,
                    part_number=entry.part_number or f"AW-{name.upper()}",
                    supplier=entry.supplier,
                    mass_kg=float(entry.mass_kg),
                    cost_eur=float(entry.cost_eur),
                    life_h=entry.life_h,
                    life_cycles=entry.life_cycles,
                    includes=tuple(entry.includes.items()),
                    interfaces=interfaces,
                    source=entry.source,
                    estimate=entry.estimate,
                    why=entry.why,
                ),
            )
    return out


def _names(file: CatalogueFile) -> list[str]:
    seen: dict[str, str] = {}
    problems = []
    for section in PART_SECTIONS:
        for name in getattr(file, section):
            if name in seen:
                problems.append(
                    f"{section}.{name}: the name is also used in {seen[name]} (part names "
                    "are unique across the part sections)"
                )
            seen.setdefault(name, section)
    return problems


def _includes(file: CatalogueFile, facts: dict[str, PartFacts]) -> list[str]:
    problems = []
    for section in PART_SECTIONS:
        for name, entry in getattr(file, section).items():
            if not entry.includes:
                continue
            where = f"{section}.{name}.includes"
            unknown = [p for p in entry.includes if p not in file.parts]
            if unknown:
                problems.append(f"{where}: unknown part(s) {', '.join(unknown)} (not in parts)")
                continue
            mass = sum(facts[p].mass_kg * q for p, q in entry.includes.items())
            cost = sum(facts[p].cost_eur * q for p, q in entry.includes.items())
            if mass > entry.mass_kg + 1e-9:
                problems.append(
                    f"{where}: sub-parts weigh {mass:.3f} kg, more than the part's "
                    f"{entry.mass_kg:.3f} kg (mass_kg counts them)"
                )
            if cost > entry.cost_eur + 1e-9:
                problems.append(
                    f"{where}: sub-parts cost {cost:.2f} EUR, more than the part's "
                    f"{entry.cost_eur:.2f} EUR (cost_eur counts them)"
                )
    for name, frame in file.frames.items():
        if frame.arm not in file.parts or file.parts[frame.arm].part_class != "arm":
            problems.append(f"frames.{name}.arm: '{frame.arm}' is not an arm of parts")
    return problems


def _assembly(cat: Catalogue, name: str) -> list[str]:
    """Problems of one preset's parts: references, rotor layout, interfaces, mass."""
    file = cat.file
    entry = file.aircraft[name]
    airframe = file.airframes[entry.airframe]
    rotors = file.rotors[entry.rotors]
    where = f"aircraft.{name}"
    refs = [
        ("airframes", entry.airframe, "frame", airframe.frame, file.frames),
        ("rotors", entry.rotors, "motor", rotors.motor, file.motors),
        ("rotors", entry.rotors, "propeller", rotors.propeller, file.propellers),
    ]
    if rotors.esc is not None:
        refs.append(("rotors", entry.rotors, "esc", rotors.esc, file.escs))
    problems = []
    for section, key, field, value, known in refs:
        if value is not None and value not in known:
            problems.append(f"{section}.{key}.{field}: unknown {field} '{value}'")
    if problems or airframe.frame is None or rotors.motor is None or rotors.propeller is None:
        return problems  # no bill of materials to check
    if airframe.arms is None:
        return [f"airframes.{entry.airframe}.arms: give the arm count of frame '{airframe.frame}'"]
    frame = cat.frames[airframe.frame]
    motor, prop = cat.motors[rotors.motor], cat.propellers[rotors.propeller]
    esc = cat.escs[rotors.esc] if rotors.esc is not None else None
    per_arm = 2 if rotors.coaxial else 1
    if rotors.count != airframe.arms * per_arm:
        problems.append(
            f"{where}: {rotors.count} rotors on {airframe.arms} arms"
            f"{' (coaxial)' if rotors.coaxial else ''}"
        )
    if rotors.coaxial and not frame.coaxial:
        problems.append(f"{where}: frame '{frame.name}' takes no coaxial rotors")
    if abs(prop.diameter_m - rotors.diameter_m) > 0.002:
        problems.append(
            f"rotors.{entry.rotors}.diameter_m: {rotors.diameter_m} m but propeller "
            f"'{prop.name}' is {prop.diameter_m} m"
        )
    battery = file.batteries[entry.battery]
    cells = cat.batteries[entry.battery].cells_series
    mount = file.payloads[entry.payload].mount if entry.payload else None
    for p in fit_problems(
        frame, airframe.arms, motor, prop, esc, cells, battery.connector, mount, entry.battery_count
    ):
        problems.append(f"{where}: {p}")
    parts = frame.mass_kg + airframe.arms * frame.arm_mass_kg
    parts += rotors.count * (motor.mass_kg + prop.mass_kg + (esc.mass_kg if esc else 0.0))
    if abs(parts - airframe.mass_kg) > BOM_MASS_TOLERANCE_KG:
        problems.append(
            f"airframes.{entry.airframe}.mass_kg: {airframe.mass_kg} kg but its parts (frame, "
            f"arms, motors, propellers, ESCs) weigh {parts:.4f} kg"
        )
    return problems


def check_catalogue(cat: Catalogue) -> list[str]:
    """Every problem of a catalogue beyond its schema, each with its place."""
    problems = _names(cat.file) + _includes(cat.file, cat.facts)
    for name in cat.file.aircraft:
        problems += _assembly(cat, name)
    return problems
