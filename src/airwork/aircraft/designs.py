r"""Performance of many multirotor designs at once (one array entry per design).

A design search prices 10⁵ combinations of catalogue parts; building an
:class:`~airwork.aircraft.model.Aircraft` for each would take minutes.  This module
composes the *same* physics functions the aircraft model calls
(:mod:`~airwork.aircraft.physics`, :mod:`~airwork.aircraft.drive`,
:mod:`~airwork.aircraft.battery`), in the same way, with every parameter an array over
designs:

* hover shaft power :math:`\kappa_{eff} P_{ideal} + P_0`, :math:`P_0 = P_{ideal}(1/FM -
  \kappa)`, the figure of merit from blade loading and chord Reynolds number at the
  design tip speed (as ``Aircraft._hover_shaft_w`` and ``Aircraft.figure_of_merit``);
* the thrust limit as the least of the motors' power on the hover power curve (fixed
  point of :math:`P \propto T^{3/2}`), :math:`K_v V` and the propellers' speed limit
  (tip speed squared, fixed pitch) (as ``Aircraft._thrust_max_n``);
* drive efficiency from Drela's motor model with the motors' constants (as
  ``Aircraft.drive_efficiency``);
* level-flight power (:func:`~airwork.aircraft.physics.forward_flight_power_w`);
* the pack: the constant-power discharge to cut-off (or to the voltage that keeps the
  thrust margin) integrated at each design's own powers
  (:func:`~airwork.aircraft.battery.constant_power_discharge`), where the aircraft model
  interpolates a 96-power table of the same integral.

``tests/aircraft/test_designs.py`` holds the two paths together: for designs drawn from
the catalogue the figures here agree with the :class:`Aircraft` built from the same
parts within 0.5 %.  Multirotors only (no wing), sea level, 25 °C, no calibration.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from airwork.aircraft import drive, physics
from airwork.aircraft.battery import (
    CHEMISTRIES,
    constant_power_discharge,
    current_at_power_a,
    open_circuit_voltage_v,
)

__all__ = ["DesignBatch", "DesignFigures", "evaluate_designs"]

_RHO0 = physics.RHO_SEA_LEVEL_KGPM3
_CHUNK = 4000  # designs per discharge integration (memory: chunk x 400 steps)


@dataclass(frozen=True)
class DesignBatch:
    """Many multirotor designs as arrays of shape (n,); SI units.

    Attributes
    ----------
    empty_mass_kg : ndarray
        Ready to fly with batteries and empty payload system. [kg]
    max_takeoff_mass_kg : ndarray
        [kg]
    rotor_count : ndarray of int
        Rotors (a coaxial X8 has 8).
    diameter_m : ndarray
        Propeller diameter. [m]
    coaxial : ndarray of bool
    solidity : ndarray
        Propeller solidity. [-]
    motor_kv, motor_resistance_ohm, motor_no_load_a : ndarray
        Motor constants. [rpm/V], [Ω], [A]
    motor_power_w : ndarray
        Maximum shaft power of one motor. [W]
    prop_tip_speed_max_mps : ndarray
        Tip speed at the propeller's speed limit (inf: none). [m/s]
    cells : ndarray of int
        Cells in series. [-]
    chemistry : ndarray of str
        ``lipo``, ``lihv`` or ``li-ion``.
    capacity_ah : ndarray
        All packs in parallel. [Ah]
    resistance_ohm : ndarray
        All packs in parallel at 25 °C. [Ω]
    energy_wh : ndarray
        Nominal energy of all packs. [Wh]
    drag_area_m2, avionics_power_w, payload_power_w : ndarray
        [m²], [W], [W]
    """

    empty_mass_kg: np.ndarray
    max_takeoff_mass_kg: np.ndarray
    rotor_count: np.ndarray
    diameter_m: np.ndarray
    coaxial: np.ndarray
    solidity: np.ndarray
    motor_kv: np.ndarray
    motor_resistance_ohm: np.ndarray
    motor_no_load_a: np.ndarray
    motor_power_w: np.ndarray
    prop_tip_speed_max_mps: np.ndarray
    cells: np.ndarray
    chemistry: np.ndarray
    capacity_ah: np.ndarray
    resistance_ohm: np.ndarray
    energy_wh: np.ndarray
    drag_area_m2: np.ndarray
    avionics_power_w: np.ndarray
    payload_power_w: np.ndarray
    induced_factor: float = 1.15
    blade_loading: float = drive.BLADE_LOADING

    def __len__(self) -> int:
        return int(np.size(self.empty_mass_kg))


@dataclass(frozen=True)
class DesignFigures:
    """Figures of a :class:`DesignBatch` at the mission payload (arrays of shape (n,)).

    Powers are terminal powers unless said; ``*_budget_w`` are drawn from the usable
    energy (terminal power times the pack's budget factor). [W]
    """

    takeoff_mass_kg: np.ndarray
    thrust_max_n: np.ndarray
    thrust_margin: np.ndarray
    hover_power_w: np.ndarray
    hover_budget_w: np.ndarray
    hover_endurance_min: np.ndarray
    hover_shaft_per_motor_w: np.ndarray
    hover_current_a: np.ndarray
    hover_current_per_motor_a: np.ndarray
    hover_c_rate: np.ndarray
    full_thrust_current_per_motor_a: np.ndarray
    pack_holds_hover: np.ndarray
    usable_energy_wh: np.ndarray
    cruise_loaded_budget_w: np.ndarray
    cruise_empty_budget_w: np.ndarray
    delivery_radius_km: np.ndarray
    work_budget_w: np.ndarray
    figure_of_merit: np.ndarray
    drive_efficiency: np.ndarray


class _Rotors:
    """The hover, thrust and drive terms of a batch (arrays over designs)."""

    def __init__(self, b: DesignBatch):
        self.b = b
        self.count = np.asarray(b.rotor_count, dtype=float)
        self.area = physics.disk_area_m2(b.diameter_m, self.count)
        self.w_mtom = b.max_takeoff_mass_kg * physics.G_MPS2
        coax = np.where(b.coaxial, physics.COAXIAL_INDUCED_FACTOR, 1.0)
        self.k_eff = b.induced_factor * coax
        self.vt_mtom = drive.design_tip_speed_mps(
            self.w_mtom / self.area, _RHO0, b.solidity, b.blade_loading
        )
        self.v_nom = b.cells * _label_v(b.chemistry)
        self.shaft_max = b.motor_power_w * self.count
        per_motor = self.shaft_max / self.count
        self.loss_a = b.motor_no_load_a * self.v_nom / per_motor
        self.loss_b = per_motor / self.v_nom * b.motor_resistance_ohm / self.v_nom
        self.thrust_max = self._thrust_max()

    def tip_speed(self, thrust):
        return self.vt_mtom * np.sqrt(thrust / self.w_mtom)

    def fm(self, thrust):
        b = self.b
        re = drive.chord_reynolds(self.tip_speed(thrust), b.diameter_m, b.solidity)
        cd0 = drive.profile_drag_coefficient(re)
        return drive.figure_of_merit(cd0, b.induced_factor, b.solidity, b.blade_loading)

    def profile_w(self, thrust, p_ideal):
        return p_ideal * np.maximum(1.0 / self.fm(thrust) - self.b.induced_factor, 0.0)

    def hover_shaft(self, thrust):
        p_ideal = physics.ideal_hover_power_w(thrust, self.area, _RHO0)
        return self.k_eff * p_ideal + self.profile_w(thrust, p_ideal)

    def _thrust_max(self):
        t = 2.0 * self.w_mtom
        for _ in range(30):  # P ~ T^1.5: fixed point on the hover curve
            t = t * (self.shaft_max / self.hover_shaft(t)) ** (2.0 / 3.0)
        b = self.b
        omega = b.motor_kv * self.v_nom * 2.0 * np.pi / 60.0
        kv_limit = self.w_mtom * (omega * 0.5 * b.diameter_m / self.vt_mtom) ** 2
        prop_limit = self.w_mtom * (b.prop_tip_speed_max_mps / self.vt_mtom) ** 2
        return np.minimum(np.minimum(t, kv_limit), prop_limit)

    def drive_eff(self, shaft):
        x = shaft / self.shaft_max
        return drive.ESC_EFFICIENCY * drive.motor_efficiency(x, self.loss_a, self.loss_b)

    def electrical(self, shaft, fixed):
        return shaft / self.drive_eff(shaft) + fixed

    def thrust_at_hover_power(self, power_w, fixed):
        """Thrust whose hover electrical power is ``power_w`` (inverse of the hover
        curve), held in [0.2, 1.3] × the MTOM weight like the aircraft's table. [N]"""
        lo, hi = 0.2 * self.w_mtom, 1.3 * self.w_mtom
        t = np.clip(self.w_mtom, lo, hi)
        for _ in range(12):
            p = self.electrical(self.hover_shaft(t), fixed)
            t = np.clip(t * (power_w / p) ** (2.0 / 3.0), lo, hi)
        return t


def _label_v(chemistry: np.ndarray) -> np.ndarray:
    out = np.empty(np.shape(chemistry), dtype=float)
    for name, chem in CHEMISTRIES.items():
        out[chemistry == name] = chem.v_label_v
    return out


class _Packs:
    """Constant-power discharges of each design's packs, by chemistry and in chunks."""

    def __init__(self, b: DesignBatch, rotors: _Rotors, steps: int = 400):
        self.b, self.rotors, self.steps = b, rotors, steps
        self.curve_scale = b.energy_wh / (b.capacity_ah * rotors.v_nom)

    def v_min(self, power_w, fixed):
        """Least terminal voltage that keeps the thrust margin at a power (as
        ``Aircraft._thrust_margin_v_min``). [V]"""
        t_req = self.rotors.thrust_at_hover_power(power_w, fixed)
        return self.rotors.v_nom * np.sqrt(
            drive.MIN_THRUST_TO_WEIGHT * t_req / self.rotors.thrust_max
        )

    def delivered_wh(self, power_w, fixed):
        """Terminal energy delivered at constant power down to cut-off, or to the voltage
        that keeps the thrust margin. [Wh]"""
        b = self.b
        v_min = self.v_min(power_w, fixed)
        out = np.empty(len(b))
        for name, chem in CHEMISTRIES.items():
            idx = np.flatnonzero(b.chemistry == name)
            for lo in range(0, idx.size, _CHUNK):
                i = idx[lo : lo + _CHUNK]
                _, energy, _ = constant_power_discharge(
                    power_w[i], b.capacity_ah[i], b.resistance_ohm[i], chem, b.cells[i],
                    v_min_v=v_min[i], steps=self.steps,
                )  # fmt: skip
                out[i] = energy
        return np.maximum(out, 0.0)


def evaluate_designs(
    batch: DesignBatch,
    payload_kg: float,
    *,
    cruise_speed_mps=10.0,
    reserve_frac: float = 0.2,
    figures: tuple[str, ...] = ("hover", "range", "work"),
    steps: int = 400,
) -> DesignFigures:
    """Hover, thrust, current, endurance and delivery radius of every design.

    Parameters
    ----------
    batch : DesignBatch
    payload_kg : float
        Mission payload carried. [kg]
    cruise_speed_mps : float or array
        Airspeed of the delivery legs and of work. [m/s]
    reserve_frac : float
        Landing reserve, a share of usable energy. [-]
    figures : tuple of str
        Which energy figures to integrate (each costs discharges): ``hover`` (hover
        endurance), ``range`` (delivery radius), ``work`` (working budget power); the
        others are NaN.
    steps : int
        Integration steps of each discharge over the capacity (the aircraft model's
        tables use 400).

    Returns
    -------
    DesignFigures
        ``delivery_radius_km`` is out with the payload and back empty at the cruise speed
        in calm air, keeping the reserve: :math:`d = E_{mission} V / (P_{loaded} +
        P_{empty})` with budget powers.  ``hover_endurance_min`` is spec-sheet style (all
        usable energy), at the payload.
    """
    b = batch
    n = len(b)
    rot = _Rotors(b)
    packs = _Packs(b, rot, steps)
    mass = b.empty_mass_kg + payload_kg
    weight = mass * physics.G_MPS2
    fixed = b.avionics_power_w
    shaft = rot.hover_shaft(weight)
    p_hover = rot.electrical(shaft, fixed)
    p_lo = 1e-4 * b.capacity_ah * rot.v_nom
    usable = packs.delivered_wh(p_lo, fixed)
    usable_wh = usable * packs.curve_scale
    nan = np.full(n, np.nan)
    v = np.asarray(cruise_speed_mps, dtype=float) * np.ones(n)

    def budget(power_w):
        with np.errstate(divide="ignore", invalid="ignore"):
            return power_w * usable / packs.delivered_wh(power_w, fixed)

    hover_budget = budget(p_hover) if "hover" in figures else nan
    if "range" in figures:
        loaded = budget(_forward_power_w(rot, weight, v, fixed))
        empty = budget(_forward_power_w(rot, b.empty_mass_kg * physics.G_MPS2, v, fixed))
    else:
        loaded = empty = nan
    work = nan
    if "work" in figures:
        work = budget(_forward_power_w(rot, weight, v, fixed + b.payload_power_w))
    ocv = _half_charge_ocv(b)
    i_hover = current_at_power_a(p_hover, ocv, b.resistance_ohm)
    p_full = rot.electrical(rot.hover_shaft(rot.thrust_max), 0.0)
    i_full = current_at_power_a(p_full, ocv, b.resistance_ohm)
    with np.errstate(divide="ignore", invalid="ignore"):
        radius_km = usable_wh * (1.0 - reserve_frac) * v / (loaded + empty) * 3.6
        endurance = usable_wh / hover_budget * 60.0
    return DesignFigures(
        takeoff_mass_kg=mass,
        thrust_max_n=rot.thrust_max,
        thrust_margin=rot.thrust_max / weight,
        hover_power_w=p_hover,
        hover_budget_w=hover_budget,
        hover_endurance_min=np.where(np.isfinite(endurance), endurance, 0.0),
        hover_shaft_per_motor_w=shaft / rot.count,
        hover_current_a=i_hover,
        hover_current_per_motor_a=i_hover / rot.count,
        hover_c_rate=i_hover / b.capacity_ah,
        full_thrust_current_per_motor_a=i_full / rot.count,
        pack_holds_hover=np.isfinite(i_hover),
        usable_energy_wh=usable_wh,
        cruise_loaded_budget_w=loaded,
        cruise_empty_budget_w=empty,
        delivery_radius_km=np.where(np.isfinite(radius_km), radius_km, 0.0),
        work_budget_w=work,
        figure_of_merit=rot.fm(weight),
        drive_efficiency=rot.drive_eff(shaft),
    )


def _half_charge_ocv(b: DesignBatch) -> np.ndarray:
    """Open-circuit pack voltage at half charge, by chemistry. [V]"""
    out = np.empty(len(b))
    for name, chem in CHEMISTRIES.items():
        sel = b.chemistry == name
        out[sel] = open_circuit_voltage_v(0.5, chem, b.cells[sel])
    return out


def _forward_power_w(rot: _Rotors, weight, speed, fixed):
    """Terminal power in level flight (as ``Aircraft._terminal_powers``). [W]"""
    p_ideal = physics.ideal_hover_power_w(weight, rot.area, _RHO0)
    p0 = rot.profile_w(weight, p_ideal)
    shaft = physics.forward_flight_power_w(
        weight,
        speed,
        rot.area,
        rot.b.drag_area_m2,
        profile_power_hover_w=p0,
        tip_speed_mps=rot.tip_speed(weight),
        induced_factor=rot.k_eff,
        air_density_kgpm3=_RHO0,
    )
    return rot.electrical(shaft, fixed)
