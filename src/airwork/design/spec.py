"""A designed aircraft as a spec-sheet file every planner takes (``--aircraft FILE``).

The file holds the keys of :class:`~airwork.aircraft.catalogue.AircraftSpec` that
reproduce the design's physics exactly (masses, rotors and motor data, the packs, the
payload system, the thrust limit) and a ``parts:`` block naming the catalogue parts (its
bill of materials).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from airwork.aircraft.assemble import DesignChoice
from airwork.aircraft.components import CargoBay, SprayTank, Spreader
from airwork.aircraft.model import Aircraft

__all__ = ["design_spec", "write_spec"]


def _payload_keys(a: Aircraft) -> dict[str, Any]:
    p = a.payload
    if isinstance(p, SprayTank):
        return {
            "tank_l": p.capacity_l,
            "swath_m": p.swath_m,
            "max_flow_l_per_min": p.max_flow_l_per_min,
            "payload_power_w": p.power_w,
        }
    if isinstance(p, Spreader):
        return {"spreader_kg": p.capacity_kg, "swath_m": p.swath_m, "payload_power_w": p.power_w}
    if isinstance(p, CargoBay):
        return {
            "cargo_kg": p.max_payload_kg,
            "winch_length_m": p.winch_length_m,
            "payload_power_w": p.power_w,
        }
    if p is not None and p.kind == "camera":
        return {"camera": p.name}
    return {}


def design_spec(aircraft: Aircraft, choice: DesignChoice, description: str = "") -> dict[str, Any]:
    """The spec-sheet keys of a designed aircraft (see the module docstring)."""
    a, r, b = aircraft, aircraft.rotors, aircraft.battery
    spec: dict[str, Any] = {
        "name": a.name,
        "description": description or a.description,
        "rotor_count": r.count,
        "rotor_diameter_m": r.diameter_m,
        "coaxial": r.coaxial,
        "mass_kg": round(a.mass_kg, 6),
        "max_takeoff_mass_kg": round(a.max_takeoff_mass_kg, 6),
        "battery_energy_wh": a.battery_energy_wh,
        "max_speed_mps": a.airframe.max_speed_mps,
        "max_wind_mps": a.airframe.max_wind_mps,
        **_payload_keys(a),
        "battery_packs": a.battery_count,
        "battery_cells": b.cells_series,
        "battery_chemistry": b.chemistry,
        "battery_capacity_ah": b.capacity_ah_total * a.battery_count,
        "motor_kv": r.motor_kv,
        "motor_resistance_ohm": r.motor_resistance_ohm,
        "motor_no_load_a": r.motor_no_load_a,
        "motor_power_w": r.motor_power_w,
        "thrust_to_weight": r.thrust_to_weight,
        "rotor_solidity": r.solidity,
        "drag_area_m2": a.airframe.drag_area_m2,
        "avionics_power_w": a.airframe.avionics_power_w,
        "reserve_frac": a.reserve_frac,
    }
    if b.resistance_ohm is not None:
        spec["battery_resistance_ohm"] = b.resistance_ohm / a.battery_count
    if b.c_rating is not None:
        spec["battery_c_rating"] = b.c_rating
    if b.usable_frac is not None:
        spec["battery_usable_frac"] = b.usable_frac
    spec["parts"] = {
        "frame": choice.frame,
        "arms": choice.arms,
        "coaxial": choice.coaxial,
        "motor": choice.motor,
        "propeller": choice.propeller,
        "esc": choice.esc,
        "battery": choice.battery,
        "packs": choice.packs,
        "payload": choice.payload,
    }
    return spec


def write_spec(path: str | Path, spec: dict[str, Any], header: str = "") -> Path:
    """Write a spec sheet as YAML (with a comment header). Returns the path."""
    p = Path(path)
    p.parent.mkdir(parents=True, exist_ok=True)
    lines = [f"# {line}".rstrip() for line in header.splitlines()] if header else []
    text = yaml.safe_dump(spec, sort_keys=False, allow_unicode=True)
    p.write_text("\n".join([*lines, text]), encoding="utf-8")
    return p
