"""Production facts of catalogue parts, the parts a design is built from, and how they fit.

The physics components (:mod:`airwork.aircraft.components`) hold what the performance
model needs.  Design and production need more: what a part costs, its supplier part
number, its limits, its life and which other parts it fits.  Those facts live here, in
:class:`PartFacts` (one per catalogue entry of any section), and the parts a new design
is assembled from (frames, motors, propellers, ESCs) are the dataclasses below.

Units are in the names (SI; costs in euros).  Interfaces are plain strings that must be
equal to fit (a motor's ``mount`` and a frame's ``motor_mount``, a propeller's ``hub`` and
a motor's ``prop_mount``, a battery's ``connector`` and a frame's ``battery_connector``);
voltage classes are ranges of cells in series.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = [
    "PROP_CLEARANCE_FRAC",
    "Esc",
    "Frame",
    "Motor",
    "PartFacts",
    "Propeller",
    "fit_problems",
    "max_prop_diameter_m",
    "span_m",
]

PROP_CLEARANCE_FRAC = 0.02
"""Gap left between the tips of neighbouring propellers, as a share of the propeller
diameter (a design rule of airwork, not a standard). [-]"""


@dataclass(frozen=True)
class PartFacts:
    """What design and production need to know of one catalogue part.

    Attributes
    ----------
    name : str
        Catalogue key.
    part_class : str
        ``frame``, ``arm``, ``motor``, ``propeller``, ``esc``, ``battery``, ``payload``,
        ``airframe``, ``rotors`` or ``part`` (pumps, nozzles, avionics ...).
    part_number : str
        Supplier part number (or airwork's own where the part is generic).
    supplier : str
    mass_kg : float
        Mass of the whole part, included sub-parts too. [kg]
    cost_eur : float
        Unit cost of the whole part, included sub-parts too. [EUR]
    life_h, life_cycles : float or None
        Replace after these flight hours / charge cycles (``None``: lasts the airframe).
    includes : tuple of (str, int)
        Sub-parts counted inside this part's mass and cost (a tank's pumps and nozzles).
    interfaces : dict of str to str
        What it fits: ``mount``, ``prop_mount``, ``hub``, ``connector`` ...
    source : str
        Where the figures come from (a data sheet, a product page).
    estimate : bool
        Some figures are estimates; ``why`` says which and why.
    why : str
    """

    name: str
    part_class: str
    part_number: str = ""
    supplier: str = ""
    mass_kg: float = 0.0
    cost_eur: float = 0.0
    life_h: float | None = None
    life_cycles: float | None = None
    includes: tuple[tuple[str, int], ...] = ()
    interfaces: dict[str, str] = field(default_factory=dict)
    source: str = ""
    estimate: bool = False
    why: str = ""


@dataclass(frozen=True)
class Motor:
    """A brushless motor (with its ESC where ``integrated_esc``).

    Attributes
    ----------
    kv_rpm_per_v : float
        Speed constant. [rpm/V]
    resistance_ohm : float
        Winding resistance. [Ω]
    no_load_current_a : float
        [A]
    max_current_a : float
        The maker's maximum (full-throttle, short-time) current. [A]
    continuous_current_a : float
        Thermal limit: the current the motor carries continuously (hover). [A]
    max_power_w : float
        Maximum shaft power. [W]
    cells_min, cells_max : int
        Voltage class: LiPo cells in series. [-]
    mount, prop_mount : str
        Interfaces to the frame's arm and to the propeller hub.
    integrated_esc : bool
        The ESC is inside the motor (agricultural power systems).
    """

    name: str
    mass_kg: float
    kv_rpm_per_v: float
    resistance_ohm: float
    no_load_current_a: float
    max_current_a: float
    continuous_current_a: float
    max_power_w: float
    cells_min: int
    cells_max: int
    mount: str
    prop_mount: str
    integrated_esc: bool = False


@dataclass(frozen=True)
class Propeller:
    """A fixed-pitch propeller.

    Attributes
    ----------
    diameter_m, pitch_m : float
        [m]
    blades : int
    max_rpm : float
        The maker's speed limit. [rpm]
    solidity : float
        Blade area over disk area. [-]
    hub : str
        Interface to the motor's ``prop_mount``.
    """

    name: str
    mass_kg: float
    diameter_m: float
    pitch_m: float
    max_rpm: float
    hub: str
    blades: int = 2
    solidity: float = 0.08

    @property
    def max_tip_speed_mps(self) -> float:
        """Tip speed at the speed limit, :math:`\\pi D n / 60`. [m/s]"""
        return math.pi * self.diameter_m * self.max_rpm / 60.0


@dataclass(frozen=True)
class Esc:
    """An electronic speed controller.

    Attributes
    ----------
    max_current_a : float
        Continuous current rating. [A]
    cells_min, cells_max : int
        Voltage class. [-]
    """

    name: str
    mass_kg: float
    max_current_a: float
    cells_min: int
    cells_max: int


@dataclass(frozen=True)
class Frame:
    """A multirotor frame: centre (flight controller, wiring, landing gear) and arms.

    Attributes
    ----------
    mass_kg : float
        Centre without arms, included avionics sub-parts too. [kg]
    arm : str
        Catalogue part of one arm (its mass and cost count once per arm).
    arm_mass_kg : float
        [kg]
    arm_counts : tuple of int
        Arm counts the centre takes (4, 6, 8).
    coaxial : bool
        Arms take a motor above and below (twice the rotors).
    arm_length_m : float
        Frame centre to motor axis. [m]
    max_takeoff_mass_kg : float
        Structural limit. [kg]
    drag_area_m2 : float
        Body :math:`C_D A`. [m²]
    motor_mount, battery_connector : str
        Interfaces.
    payload_mounts : tuple of str
        Payload-system mounts it takes.
    battery_slots : int
        Packs it flies in parallel at most.
    avionics_power_w : float
        [W]
    max_speed_mps, max_wind_mps : float
        [m/s]
    """

    name: str
    mass_kg: float
    arm: str
    arm_mass_kg: float
    arm_counts: tuple[int, ...]
    arm_length_m: float
    max_takeoff_mass_kg: float
    drag_area_m2: float
    motor_mount: str
    battery_connector: str
    payload_mounts: tuple[str, ...] = ()
    coaxial: bool = False
    battery_slots: int = 1
    avionics_power_w: float = 20.0
    max_speed_mps: float = 15.0
    max_wind_mps: float = 10.0


def max_prop_diameter_m(arm_length_m, arms, clearance_frac=PROP_CLEARANCE_FRAC):
    r"""Largest propeller the arms carry without the tips of neighbours touching.

    Neighbouring motors of ``arms`` equal arms of length :math:`L` stand
    :math:`2 L \sin(\pi / n)` apart (chord of the circle through the motors); the
    propeller diameter plus the clearance must fit in it. [m]
    """
    n = max(int(arms), 3)
    return 2.0 * arm_length_m * math.sin(math.pi / n) / (1.0 + clearance_frac)


def span_m(arm_length_m, prop_diameter_m, arms):
    """Largest tip-to-tip size: two opposite arms and a propeller (even arm counts); for
    odd counts the motor circle's diameter is taken the same way (a slight overestimate).
    [m]"""
    del arms
    return 2.0 * arm_length_m + prop_diameter_m


def fit_problems(
    frame: Frame,
    arms: int,
    motor: Motor,
    propeller: Propeller,
    esc: Esc | None,
    cells: int,
    connector: str,
    payload_mount: str | None,
    packs: int = 1,
) -> list[str]:
    """Why these parts do not fit together (empty: they fit).

    The interface rules every design and every preset of the catalogue obey: arm count,
    motor mount, propeller hub, voltage class of motor and ESC, ESC current, battery
    connector and slots, payload mount, propeller size for the arm geometry.
    """
    out = []
    if arms not in frame.arm_counts:
        out.append(f"frame '{frame.name}' takes {frame.arm_counts} arms, not {arms}")
    if motor.mount != frame.motor_mount:
        out.append(
            f"motor '{motor.name}' mount '{motor.mount}' does not fit frame "
            f"'{frame.name}' ({frame.motor_mount})"
        )
    if propeller.hub != motor.prop_mount:
        out.append(
            f"propeller '{propeller.name}' hub '{propeller.hub}' does not fit motor "
            f"'{motor.name}' ({motor.prop_mount})"
        )
    if not motor.cells_min <= cells <= motor.cells_max:
        out.append(
            f"motor '{motor.name}' runs on {motor.cells_min}-{motor.cells_max}S, not {cells}S"
        )
    if esc is None and not motor.integrated_esc:
        out.append(f"motor '{motor.name}' needs an ESC")
    if esc is not None:
        if not esc.cells_min <= cells <= esc.cells_max:
            out.append(f"ESC '{esc.name}' runs on {esc.cells_min}-{esc.cells_max}S, not {cells}S")
        if esc.max_current_a < motor.max_current_a:
            out.append(
                f"ESC '{esc.name}' ({esc.max_current_a:g} A) is below motor "
                f"'{motor.name}' ({motor.max_current_a:g} A)"
            )
    if connector != frame.battery_connector:
        out.append(
            f"battery connector '{connector}' does not fit frame '{frame.name}' "
            f"({frame.battery_connector})"
        )
    if packs > frame.battery_slots:
        out.append(f"frame '{frame.name}' flies {frame.battery_slots} packs, not {packs}")
    largest = max_prop_diameter_m(frame.arm_length_m, arms)
    if propeller.diameter_m > largest + 1e-9:
        out.append(
            f"propeller '{propeller.name}' ({propeller.diameter_m:.3f} m) is too large for "
            f"{arms} arms of {frame.arm_length_m:.3f} m (at most {largest:.3f} m)"
        )
    if payload_mount is not None and payload_mount not in frame.payload_mounts:
        out.append(
            f"payload mount '{payload_mount}' does not fit frame '{frame.name}' "
            f"({', '.join(frame.payload_mounts) or 'none'})"
        )
    return out
