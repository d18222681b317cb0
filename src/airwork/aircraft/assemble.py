"""A new multirotor assembled from catalogue parts: frame, arms, motors, propellers,
ESCs, battery packs and a payload system.

:class:`DesignChoice` names the parts; :func:`assemble_design` builds the
:class:`~airwork.aircraft.model.Aircraft` every planner flies, and :func:`choice_batch`
the :class:`~airwork.aircraft.designs.DesignBatch` of many choices for the vectorised
evaluation.  Both take the masses, limits and motor data from the same catalogue facts.

The design's maximum take-off mass is its empty mass plus the mission payload: the
aircraft is rated for the payload it was designed for.  Its thrust limit is the least of
the motors' power, :math:`K_v V` and the propellers' speed limit; the last is carried to
the aircraft as ``thrust_to_weight`` (the aircraft model knows no propeller limit).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from airwork.aircraft import drive, physics
from airwork.aircraft.components import Airframe, RotorSet
from airwork.aircraft.designs import DesignBatch
from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError

if TYPE_CHECKING:  # pragma: no cover
    from airwork.aircraft.catalogue import Catalogue

__all__ = ["DesignChoice", "assemble_design", "choice_batch", "vehicle_name"]


@dataclass(frozen=True)
class DesignChoice:
    """The catalogue parts of one design.

    Attributes
    ----------
    frame : str
    arms : int
    coaxial : bool
        Two rotors per arm.
    motor, propeller : str
    esc : str or None
        None where the motor has its ESC inside.
    battery : str
    packs : int
        Packs flown in parallel.
    payload : str or None
        Payload system.
    """

    frame: str
    arms: int
    coaxial: bool
    motor: str
    propeller: str
    esc: str | None
    battery: str
    packs: int
    payload: str | None

    @property
    def rotor_count(self) -> int:
        return self.arms * (2 if self.coaxial else 1)

    def parts(self, cat: Catalogue) -> list[tuple[str, int]]:
        """Catalogue parts with quantities (the bill of materials' first level)."""
        n = self.rotor_count
        out = [(self.frame, 1), (cat.frames[self.frame].arm, self.arms)]
        out += [(self.motor, n), (self.propeller, n)]
        if self.esc is not None:
            out.append((self.esc, n))
        out.append((self.battery, self.packs))
        if self.payload is not None:
            out.append((self.payload, 1))
        return out


def vehicle_name(rotor_count: int) -> str:
    """Exporter vehicle name of a multirotor with this many rotors."""
    return {4: "quadrotor", 6: "hexarotor", 8: "octorotor"}.get(int(rotor_count), "quadrotor")


def _structure_mass_kg(cat: Catalogue, c: DesignChoice) -> float:
    """Frame, arms, motors, propellers and ESCs (the airframe of the aircraft). [kg]"""
    frame = cat.frames[c.frame]
    n = c.rotor_count
    esc = cat.escs[c.esc].mass_kg if c.esc is not None else 0.0
    rotor = cat.motors[c.motor].mass_kg + cat.propellers[c.propeller].mass_kg + esc
    return frame.mass_kg + c.arms * frame.arm_mass_kg + n * rotor


def assemble_design(
    cat: Catalogue, choice: DesignChoice, payload_kg: float, name: str = "design"
) -> Aircraft:
    """The aircraft of a design, rated for ``payload_kg`` (its maximum take-off mass is
    the empty mass plus that payload).

    Raises
    ------
    AircraftError
        Unknown parts, or an aircraft the model refuses (rotors far too small).
    """
    try:
        frame = cat.frames[choice.frame]
        motor, prop = cat.motors[choice.motor], cat.propellers[choice.propeller]
        battery = cat.batteries[choice.battery]
        payload = cat.payloads[choice.payload] if choice.payload else None
    except KeyError as exc:
        raise AircraftError(f"design: unknown catalogue part {exc}") from None
    n = choice.rotor_count
    structure = _structure_mass_kg(cat, choice)
    empty = structure + battery.mass_kg * choice.packs + (payload.mass_kg if payload else 0.0)
    mtom = empty + float(payload_kg)
    airframe = Airframe(
        name=f"{name}-airframe",
        mass_kg=structure,
        max_takeoff_mass_kg=mtom,
        drag_area_m2=frame.drag_area_m2,
        max_speed_mps=frame.max_speed_mps,
        max_wind_mps=frame.max_wind_mps,
        avionics_power_w=frame.avionics_power_w,
        vehicle=vehicle_name(n),
    )
    # the propeller's speed limit as a thrust-to-weight at MTOM (fixed pitch: T ~ tip^2)
    area = physics.disk_area_m2(prop.diameter_m, n)
    vt = float(drive.design_tip_speed_mps(mtom * physics.G_MPS2 / area, solidity=prop.solidity))
    prop_tw = max((prop.max_tip_speed_mps / vt) ** 2, 1.001)
    rotors = RotorSet(
        name=f"{name}-rotors",
        count=n,
        diameter_m=prop.diameter_m,
        coaxial=choice.coaxial,
        solidity=prop.solidity,
        motor_kv=motor.kv_rpm_per_v,
        motor_resistance_ohm=motor.resistance_ohm,
        motor_no_load_a=motor.no_load_current_a,
        motor_power_w=motor.max_power_w,
        thrust_to_weight=prop_tw,
    )
    return Aircraft(
        name=name,
        airframe=airframe,
        rotors=rotors,
        battery=battery,
        battery_count=choice.packs,
        payload=payload,
    )


def choice_batch(cat: Catalogue, choices: list[DesignChoice], payload_kg: float) -> DesignBatch:
    """The :class:`DesignBatch` of a few choices (the search builds its batch with
    arrays; this is the plain loop, for tests and single designs)."""
    rows = [assemble_design(cat, c, payload_kg) for c in choices]
    props = [cat.propellers[c.propeller] for c in choices]

    def arr(values, dtype=float):
        return np.asarray(list(values), dtype=dtype)

    return DesignBatch(
        empty_mass_kg=arr(a.mass_kg for a in rows),
        max_takeoff_mass_kg=arr(a.max_takeoff_mass_kg for a in rows),
        rotor_count=arr((a.rotors.count for a in rows), int),
        diameter_m=arr(a.rotors.diameter_m for a in rows),
        coaxial=arr((a.rotors.coaxial for a in rows), bool),
        solidity=arr(a.rotors.solidity for a in rows),
        motor_kv=arr(a.rotors.motor_kv for a in rows),
        motor_resistance_ohm=arr(a.rotors.motor_resistance_ohm for a in rows),
        motor_no_load_a=arr(a.rotors.motor_no_load_a for a in rows),
        motor_power_w=arr(a.rotors.motor_power_w for a in rows),
        prop_tip_speed_max_mps=arr(p.max_tip_speed_mps for p in props),
        cells=arr((a.battery.cells_series for a in rows), int),
        chemistry=arr((a.battery.chemistry for a in rows), object),
        capacity_ah=arr(a.battery.capacity_ah_total * a.battery_count for a in rows),
        resistance_ohm=arr(a.pack_resistance_ohm for a in rows),
        energy_wh=arr(a.battery_energy_wh for a in rows),
        drag_area_m2=arr(a.airframe.drag_area_m2 for a in rows),
        avionics_power_w=arr(a.airframe.avionics_power_w for a in rows),
        payload_power_w=arr((a.payload.power_w if a.payload else 0.0) for a in rows),
    )
