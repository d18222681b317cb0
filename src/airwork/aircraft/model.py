"""The aircraft model: components assembled, with performance methods.

Like pvlib's ``PVSystem``, :class:`Aircraft` holds parameters and calls the plain
functions of :mod:`airwork.aircraft.physics` (aerodynamics), :mod:`airwork.aircraft.drive`
(figure of merit, motor and ESC losses) and :mod:`airwork.aircraft.battery` (pack voltage,
cut-off and rate); it never re-derives them.  All methods accept numpy arrays for speeds
and payloads, so planners can price thousands of legs at once.

Electrical power at the pack terminals is shaft power divided by the drive efficiency at
that load, plus avionics and, while working, the payload system's power.  Hover shaft
power is the ideal power of the rotor set (coaxial pairs with the interference factor
:data:`~airwork.aircraft.physics.COAXIAL_INDUCED_FACTOR`) divided by the figure of merit.

Energy is counted against the pack's *usable budget*: a leg that draws ``P`` watts for
``t`` seconds takes ``P t`` times the pack's budget factor at ``P`` (rate effect and
:math:`i^2 R` of :class:`~airwork.aircraft.battery.PackTable`) out of
:attr:`Aircraft.usable_energy_wh`.  A flight at constant power ends exactly when the
integrated discharge reaches cut-off, so planners that add leg energies and compare
them with :attr:`Aircraft.mission_energy_wh` get the battery model without knowing it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import cached_property

import numpy as np
from scipy.optimize import minimize_scalar

from airwork.aircraft import drive, physics
from airwork.aircraft.battery import (
    CHEMISTRIES,
    PackTable,
    current_at_power_a,
    open_circuit_voltage_v,
    resistance_temperature_factor,
)
from airwork.aircraft.components import (
    Airframe,
    BatteryPack,
    Calibration,
    Camera,
    CargoBay,
    PayloadSystem,
    RotorSet,
    SprayTank,
    Spreader,
)
from airwork.aircraft.performance import LegPerformance, Performance
from airwork.errors import AircraftError

__all__ = ["Aircraft", "Calibration", "LegPerformance", "Performance"]

_RHO0 = physics.RHO_SEA_LEVEL_KGPM3


@dataclass(frozen=True)
class Aircraft:
    """An aircraft model assembled from catalogue components.

    Attributes
    ----------
    name : str
    airframe : Airframe
    rotors : RotorSet
    battery : BatteryPack
    battery_count : int
        Packs flown together (in parallel).
    payload : PayloadSystem or None
    reserve_frac : float
        Share of usable energy kept as landing reserve. [-]
    description : str
    temperature_c : float
        Pack temperature (internal resistance rises in the cold). [°C]
    calibration : Calibration or None
        Correction fitted from flown logs; ``None`` is the plain model.
    air_density_kgpm3 : float
        Density of the air it flies in (:meth:`in_air`); sea level ISA by default.  Powers
        and the thrust limit are at this density unless a method is given another.
        [kg/m³]
    """

    name: str
    airframe: Airframe
    rotors: RotorSet
    battery: BatteryPack
    battery_count: int = 1
    payload: PayloadSystem | None = None
    reserve_frac: float = 0.2
    description: str = ""
    temperature_c: float = 25.0
    calibration: Calibration | None = None
    air_density_kgpm3: float = _RHO0

    def __post_init__(self) -> None:
        if not 0.3 <= self.air_density_kgpm3 <= 1.6:
            raise AircraftError(
                f"aircraft '{self.name}': air density must be in [0.3, 1.6] kg/m³, "
                f"got {self.air_density_kgpm3}"
            )
        if self.battery_count < 1:
            raise AircraftError(f"aircraft '{self.name}': battery_count must be at least 1")
        if not 0.0 <= self.reserve_frac < 0.9:
            raise AircraftError(
                f"aircraft '{self.name}': reserve_frac must be in [0, 0.9), got {self.reserve_frac}"
            )
        if not -30.0 <= self.temperature_c <= 60.0:
            raise AircraftError(
                f"aircraft '{self.name}': temperature_c must be in [-30, 60] °C, "
                f"got {self.temperature_c}"
            )
        # at the maximum take-off mass is legal; only above it is refused
        if self.mass_kg > self.airframe.max_takeoff_mass_kg + 1e-9:
            raise AircraftError(
                f"aircraft '{self.name}': empty mass {self.mass_kg:.3f} kg is above the "
                f"maximum take-off mass {self.airframe.max_takeoff_mass_kg:.3f} kg"
            )
        # The aircraft must at least be able to hover empty: thrust-to-weight is not in a
        # spec sheet, but a disk loading above ~900 N/m² is beyond any electric multirotor.
        loading = self.max_takeoff_mass_kg * physics.G_MPS2 / self.disk_area_m2
        if loading > 900.0:
            raise AircraftError(
                f"aircraft '{self.name}': disk loading {loading:.0f} N/m² at maximum take-off "
                f"mass is impossible for an electric multirotor (rotors too small for the mass?)"
            )

    # ------------------------------------------------------------------ masses, energy
    @property
    def mass_kg(self) -> float:
        """Ready-to-fly mass with batteries and empty payload system. [kg]"""
        payload_mass = self.payload.mass_kg if self.payload else 0.0
        return self.airframe.mass_kg + self.battery.mass_kg * self.battery_count + payload_mass

    @property
    def max_takeoff_mass_kg(self) -> float:
        return self.airframe.max_takeoff_mass_kg

    @property
    def max_payload_kg(self) -> float:
        """Largest payload: the payload system's limit and the take-off mass limit. [kg]"""
        by_mass = self.max_takeoff_mass_kg - self.mass_kg
        if self.payload is None or self.payload.max_payload_kg <= 0:
            return 0.0
        return float(max(min(self.payload.max_payload_kg, by_mass), 0.0))

    @property
    def battery_energy_wh(self) -> float:
        """Nominal energy of all packs. [Wh]"""
        return self.battery.energy_wh * self.battery_count

    @cached_property
    def _cells(self) -> int:
        return self.battery.cells_series

    @cached_property
    def _chem(self):
        return CHEMISTRIES[self.battery.chemistry]

    @cached_property
    def _capacity_ah(self) -> float:
        return self.battery.capacity_ah_total * self.battery_count

    @cached_property
    def pack_resistance_ohm(self) -> float:
        """DC internal resistance of the packs in parallel at :attr:`temperature_c`. [Ω]"""
        b = self.battery
        if b.resistance_ohm is not None:
            r25 = b.resistance_ohm / self.battery_count
        else:
            r25 = self._cells * self._chem.r_ah_ohm / self._capacity_ah
        return float(r25 * resistance_temperature_factor(self.temperature_c))

    @cached_property
    def _curve_scale(self) -> float:
        # the published Wh over the curve's nominal Wh (cells x label voltage x Ah)
        return self.battery_energy_wh / (self._capacity_ah * self._cells * self._chem.v_label_v)

    @cached_property
    def _pack(self) -> PackTable:
        t_hi = 1.3 * self._thrust_max_n
        rho = self.air_density_kgpm3
        p_max = 1.5 * float(self._hover_electrical_w(t_hi, rho, 0.0, calibrated=False))
        v_min = self._thrust_margin_v_min if self.rotors.has_motor_data else None
        return PackTable(
            self._capacity_ah, self.pack_resistance_ohm, self._chem, self._cells, p_max, v_min
        )

    def _thrust_margin_v_min(self, power_w):
        # Least terminal voltage that keeps MIN_THRUST_TO_WEIGHT: full-throttle thrust goes
        # with the motor speed squared, so with the voltage squared; the thrust a power
        # needs is read off the hover power curve.
        thrust = np.linspace(0.2, 1.3, 45) * self.max_takeoff_mass_kg * physics.G_MPS2
        p_h = self._hover_electrical_w(thrust, self.air_density_kgpm3, 0.0, calibrated=False)
        t_req = np.interp(power_w, p_h, thrust, left=thrust[0], right=thrust[-1])
        v_nom = self._cells * self._chem.v_label_v
        return v_nom * np.sqrt(drive.MIN_THRUST_TO_WEIGHT * t_req / self._thrust_limit_n)

    @property
    def _energy_scale(self) -> float:
        scale = self._curve_scale
        if self.battery.usable_frac is not None:
            scale = self.battery.usable_frac * self.battery_energy_wh / self._pack.usable_wh
        if self.calibration is not None:
            scale *= self.calibration.energy_factor
        return scale

    @property
    def usable_energy_wh(self) -> float:
        """Energy the packs deliver down to the cut-off voltage at a low rate. [Wh]

        Legs at a higher power take more than their terminal energy out of it (see
        :meth:`budget_energy_wh`).
        """
        return float(self._pack.usable_wh * self._energy_scale)

    @property
    def reserve_energy_wh(self) -> float:
        """Landing reserve. [Wh]"""
        return self.usable_energy_wh * self.reserve_frac

    @property
    def mission_energy_wh(self) -> float:
        """Usable energy less the landing reserve: what a sortie may spend. [Wh]"""
        return self.usable_energy_wh - self.reserve_energy_wh

    def budget_energy_wh(self, power_w, time_s):
        r"""Usable budget taken by drawing ``power_w`` at the terminals for ``time_s``. [Wh]

        :math:`P t f(P) / 3600` with the pack's budget factor :math:`f \ge 1`
        (:meth:`~airwork.aircraft.battery.PackTable.budget_factor`).
        """
        p = np.asarray(power_w, dtype=float)
        return p * np.asarray(time_s, dtype=float) * self._pack.budget_factor(p) / 3600.0

    def endurance_at_power_min(self, power_w, *, reserve=False):
        """Minutes at a constant terminal power until cut-off (or the reserve). [min]"""
        energy = self.mission_energy_wh if reserve else self.usable_energy_wh
        return energy / self.budget_energy_wh(power_w, 3600.0) * 60.0

    def pack_voltage_v(self, power_w, depth=0.5):
        """Terminal voltage at a power and depth of discharge (Shepherd curve less
        :math:`R i`; NaN beyond the pack's power). [V]"""
        e = open_circuit_voltage_v(depth, self._chem, self._cells)
        i = current_at_power_a(power_w, e, self.pack_resistance_ohm)
        return e - self.pack_resistance_ohm * i

    def pack_current_a(self, power_w, depth=0.5):
        """Pack current at a terminal power and depth of discharge. [A]"""
        e = open_circuit_voltage_v(depth, self._chem, self._cells)
        return current_at_power_a(power_w, e, self.pack_resistance_ohm)

    @property
    def disk_area_m2(self) -> float:
        """Disk area of all rotors counted as isolated rotors. [m²]"""
        return float(physics.disk_area_m2(self.rotors.diameter_m, self.rotors.count))

    @property
    def is_vtol(self) -> bool:
        return self.airframe.wing is not None

    @property
    def max_speed_mps(self) -> float:
        return self.airframe.max_speed_mps

    @property
    def cruise_speed_mps(self) -> float:
        """A sensible default transit speed. [m/s]"""
        if self.airframe.wing is not None:
            return self.airframe.wing.cruise_speed_mps
        return float(min(self.max_speed_mps, 10.0))

    @property
    def spray_tank(self) -> SprayTank | None:
        return self.payload if isinstance(self.payload, SprayTank) else None

    @property
    def spreader(self) -> Spreader | None:
        return self.payload if isinstance(self.payload, Spreader) else None

    @property
    def camera(self) -> Camera | None:
        return self.payload if isinstance(self.payload, Camera) else None

    @property
    def cargo(self) -> CargoBay | None:
        return self.payload if isinstance(self.payload, CargoBay) else None

    def with_reserve(self, reserve_frac: float) -> Aircraft:
        """A copy with another landing reserve."""
        return replace(self, reserve_frac=reserve_frac)

    def with_temperature(self, temperature_c: float) -> Aircraft:
        """A copy whose packs fly at another temperature."""
        return replace(self, temperature_c=float(temperature_c))

    def in_air(self, air_density_kgpm3: float) -> Aircraft:
        """A copy flying in air of another density (a site's elevation and temperature,
        :func:`~airwork.aircraft.physics.air_density_kgpm3`)."""
        return replace(self, air_density_kgpm3=float(air_density_kgpm3))

    def with_calibration(self, calibration: Calibration | None) -> Aircraft:
        """A copy with a calibration fitted from flown logs (``None`` removes it)."""
        return replace(self, calibration=calibration)

    def check_payload(self, payload_kg, *, lift: bool = True) -> np.ndarray:
        """Refuse payloads that are negative or exceed the take-off mass limit, and (with
        ``lift``) take-off masses the rotors cannot lift in the air it flies in.

        Returns
        -------
        numpy.ndarray
            Take-off mass. [kg]

        Raises
        ------
        AircraftError
            With the offending payload and the limit.
        """
        p = np.asarray(payload_kg, dtype=float)
        if np.any(~np.isfinite(p)) or np.any(p < 0):
            raise AircraftError(f"aircraft '{self.name}': payload must be >= 0 kg, got {p}")
        mass = self.mass_kg + p
        limit = self.max_takeoff_mass_kg
        if np.any(mass > limit + 1e-9):
            worst = float(np.max(p))
            raise AircraftError(
                f"aircraft '{self.name}': payload {worst:.2f} kg gives take-off mass "
                f"{self.mass_kg + worst:.2f} kg, above the maximum {limit:.2f} kg "
                f"(largest payload {limit - self.mass_kg:.2f} kg)"
            )
        most = self._thrust_limit_n / physics.G_MPS2
        if lift and np.any(mass > most):
            raise AircraftError(
                f"aircraft '{self.name}': take-off mass {float(np.max(mass)):.2f} kg is above "
                f"the {most:.2f} kg its rotors can lift in air of "
                f"{self.air_density_kgpm3:.3f} kg/m³ (high or hot site; largest payload "
                f"here {max(most - self.mass_kg, 0.0):.2f} kg)"
            )
        return mass

    # ------------------------------------------------------------------ rotors and drive
    def _induced_factor(self) -> float:
        k = self.rotors.induced_factor
        return k * physics.COAXIAL_INDUCED_FACTOR if self.rotors.coaxial else k

    @cached_property
    def _tip_speed_mtom_mps(self) -> float:
        r = self.rotors
        if r.tip_speed_mps is not None:
            return float(r.tip_speed_mps)
        loading = self.max_takeoff_mass_kg * physics.G_MPS2 / self.disk_area_m2
        return float(drive.design_tip_speed_mps(loading, _RHO0, r.solidity, r.blade_loading))

    def _tip_speed_mps(self, thrust_n, rho):
        r"""Hover tip speed of the fixed-pitch rotors at a thrust: :math:`T = C_T \rho A
        (\Omega R)^2` with :math:`C_T` fixed by the pitch [1, eq. 2.5]. [m/s]"""
        t_mtom = self.max_takeoff_mass_kg * physics.G_MPS2
        return self._tip_speed_mtom_mps * np.sqrt(np.asarray(thrust_n) / t_mtom * _RHO0 / rho)

    def figure_of_merit(self, thrust_n, air_density_kgpm3=None):
        """Hover figure of merit of one isolated rotor at a total thrust (blade loading and
        chord Reynolds number, :mod:`~airwork.aircraft.drive`). [-]"""
        r = self.rotors
        if r.figure_of_merit is not None:
            return np.full(np.shape(thrust_n), r.figure_of_merit, dtype=float)
        rho = self._rho(air_density_kgpm3)
        re = drive.chord_reynolds(self._tip_speed_mps(thrust_n, rho), r.diameter_m, r.solidity)
        cd0 = drive.profile_drag_coefficient(re * rho / _RHO0)
        return drive.figure_of_merit(cd0, r.induced_factor, r.solidity, r.blade_loading)

    def _profile_power_w(self, thrust_n, rho):
        # Figure of merit FM = P_ideal / P_shaft for one isolated rotor [1, eq. 2.26], so the
        # profile share of hover power is P_ideal (1/FM - kappa).
        p_ideal = physics.ideal_hover_power_w(thrust_n, self.disk_area_m2, rho)
        fm = self.figure_of_merit(thrust_n, rho)
        return p_ideal * np.maximum(1.0 / fm - self.rotors.induced_factor, 0.0)

    def _hover_shaft_w(self, thrust_n, rho):
        p_ideal = physics.ideal_hover_power_w(thrust_n, self.disk_area_m2, rho)
        return self._induced_factor() * p_ideal + self._profile_power_w(thrust_n, rho)

    @cached_property
    def _thrust_max_n(self) -> float:
        """Largest thrust at sea level and nominal voltage. [N]

        The least of what the motor data give: the maker's thrust-to-weight at MTOM; the
        motors' maximum shaft power on the hover power curve; the motor speed
        :math:`K_v V` (fixed pitch: thrust goes with tip speed squared).  Without motor
        data, :data:`~airwork.aircraft.drive.THRUST_TO_WEIGHT_AT_MTOM`.
        """
        r = self.rotors
        w_mtom = self.max_takeoff_mass_kg * physics.G_MPS2
        limits = []
        if r.thrust_to_weight is not None:
            limits.append(r.thrust_to_weight * w_mtom)
        if r.motor_power_w is not None:
            p_max = r.motor_power_w * r.count
            t = 2.0 * w_mtom
            for _ in range(30):  # P ~ T^1.5: fixed point on the hover curve
                t = t * (p_max / float(self._hover_shaft_w(t, _RHO0))) ** (2.0 / 3.0)
            limits.append(t)
        if r.motor_kv is not None:
            omega = r.motor_kv * self._cells * self._chem.v_label_v * 2.0 * np.pi / 60.0
            vt_max = omega * 0.5 * r.diameter_m
            limits.append(w_mtom * (vt_max / self._tip_speed_mtom_mps) ** 2)
        if not limits:
            limits.append(drive.THRUST_TO_WEIGHT_AT_MTOM * w_mtom)
        return float(min(limits))

    @property
    def _thrust_limit_n(self) -> float:
        r"""Largest thrust in the air it flies in: fixed-pitch rotors at their top speed,
        :math:`T = C_T \rho A (\Omega R)^2` [1, eq. 2.5], so the sea-level limit times
        :math:`\rho / \rho_0`. [N]"""
        return self._thrust_max_n * self.air_density_kgpm3 / _RHO0

    def _rho(self, air_density_kgpm3) -> float:
        return self.air_density_kgpm3 if air_density_kgpm3 is None else air_density_kgpm3

    @cached_property
    def _shaft_max_w(self) -> float:
        if self.rotors.motor_power_w is not None:
            return float(self.rotors.motor_power_w * self.rotors.count)
        return float(self._hover_shaft_w(self._thrust_max_n, _RHO0))

    @cached_property
    def _motor_losses(self) -> tuple[float, float]:
        r = self.rotors
        if r.motor_resistance_ohm is not None and r.motor_no_load_a is not None:
            v = self._cells * self._chem.v_label_v
            per_motor_w = self._shaft_max_w / r.count
            return drive.motor_loss_shares(
                r.motor_kv, r.motor_resistance_ohm, r.motor_no_load_a, v, per_motor_w
            )
        return drive.MOTOR_NO_LOAD_LOSS, drive.MOTOR_COPPER_LOSS

    def drive_efficiency(self, shaft_w):
        """Motor times ESC efficiency at a total shaft power (Drela's motor model against
        the drive's maximum power, :mod:`~airwork.aircraft.drive`). [-]"""
        if self.rotors.drive_efficiency is not None:
            return np.full(np.shape(shaft_w), self.rotors.drive_efficiency, dtype=float)
        a, b = self._motor_losses
        x = np.asarray(shaft_w, dtype=float) / self._shaft_max_w
        return drive.ESC_EFFICIENCY * drive.motor_efficiency(x, a, b)

    def thrust_margin(self, payload_kg=0.0):
        """Maximum thrust over weight in the air it flies in at nominal voltage, where the
        motor data give a thrust limit; ``None`` otherwise. [-]"""
        if not self.rotors.has_motor_data:
            return None
        mass = self.check_payload(payload_kg, lift=False)
        return self._thrust_limit_n / (mass * physics.G_MPS2)

    def lift_margin(self, payload_kg=0.0) -> float:
        """Maximum thrust over weight in the air it flies in, estimated where the motor
        data give no thrust limit (:data:`~airwork.aircraft.drive.THRUST_TO_WEIGHT_AT_MTOM`
        at sea level). [-]"""
        mass = np.max(self.check_payload(payload_kg, lift=False))
        return float(self._thrust_limit_n / (mass * physics.G_MPS2))

    # ------------------------------------------------------------------ power
    def _electrical(self, shaft_w, fixed_w, calibrated=True):
        p = np.asarray(shaft_w, dtype=float) / self.drive_efficiency(shaft_w) + fixed_w
        if calibrated and self.calibration is not None:
            p = p * self.calibration.power_factor
        return p

    def _hover_electrical_w(self, thrust_n, rho, fixed_w, calibrated=True):
        fixed = self.airframe.avionics_power_w + fixed_w
        return self._electrical(self._hover_shaft_w(thrust_n, rho), fixed, calibrated)

    def _fixed_power_w(self, working) -> np.ndarray:
        payload_w = self.payload.power_w if self.payload else 0.0
        return self.airframe.avionics_power_w + payload_w * np.asarray(working, dtype=float)

    def hover_power_w(self, payload_kg=0.0, *, air_density_kgpm3=None, working=False):
        """Power drawn from the usable energy to hover: the terminal power
        (:meth:`terminal_hover_power_w`) times the pack's budget factor at it (:math:`i^2 R`
        and the rate effect).  ``energy / hover_power_w`` is hover time; planners that
        multiply it by time get the battery model. [W]
        """
        p = self.terminal_hover_power_w(
            payload_kg, air_density_kgpm3=air_density_kgpm3, working=working
        )
        return p * self._pack.budget_factor(p)

    def forward_power_w(
        self,
        payload_kg=0.0,
        speed_mps=5.0,
        *,
        air_density_kgpm3=None,
        working=False,
    ):
        """Power drawn from the usable energy in level flight at an airspeed: the terminal
        power (:meth:`terminal_forward_power_w`) times the pack's budget factor. [W]"""
        p = self.terminal_forward_power_w(
            payload_kg, speed_mps, air_density_kgpm3=air_density_kgpm3, working=working
        )
        return p * self._pack.budget_factor(p)

    def terminal_hover_power_w(self, payload_kg=0.0, *, air_density_kgpm3=None, working=False):
        """Electrical power to hover, at the pack terminals. [W]

        Shaft power :math:`\\kappa_{eff} P_{ideal} + P_0` with the profile power from the
        figure of merit (see module docstring), divided by the drive efficiency at that
        load, plus avionics and (when ``working``) payload power; times the calibration's
        power factor where there is one.
        """
        mass = self.check_payload(payload_kg)
        thrust = mass * physics.G_MPS2
        shaft = self._hover_shaft_w(thrust, self._rho(air_density_kgpm3))
        return self._electrical(shaft, self._fixed_power_w(working))

    def terminal_forward_power_w(
        self,
        payload_kg=0.0,
        speed_mps=5.0,
        *,
        air_density_kgpm3=None,
        working=False,
    ):
        """Electrical power in level flight at an airspeed, at the pack terminals. [W]

        Multirotors use :func:`~airwork.aircraft.physics.forward_flight_power_w` with the
        hover profile power and tip speed of that weight.  A VTOL with a wing flies on the
        wing (:func:`~airwork.aircraft.physics.fixed_wing_power_w`) at or above its stall
        speed times 1.2 and as a multirotor below it.
        """
        mass = self.check_payload(payload_kg)
        return self._terminal_powers(mass, speed_mps, self._rho(air_density_kgpm3), working)[0]

    def _terminal_powers(self, mass_kg, speed_mps, rho, working):
        """Terminal powers ``(forward at speed_mps, hover)`` of checked masses, sharing the
        weight's rotor terms. [W]"""
        weight = mass_kg * physics.G_MPS2
        v = np.asarray(speed_mps, dtype=float)
        p_ideal = physics.ideal_hover_power_w(weight, self.disk_area_m2, rho)
        fm = self.figure_of_merit(weight, rho)
        p0 = p_ideal * np.maximum(1.0 / fm - self.rotors.induced_factor, 0.0)
        fixed = self._fixed_power_w(working)
        hover = self._electrical(self._induced_factor() * p_ideal + p0, fixed)
        shaft = physics.forward_flight_power_w(
            weight,
            v,
            self.disk_area_m2,
            self.airframe.drag_area_m2,
            profile_power_hover_w=p0,
            tip_speed_mps=self._tip_speed_mps(weight, rho),
            induced_factor=self._induced_factor(),
            air_density_kgpm3=rho,
        )
        wing = self.airframe.wing
        if wing is not None:
            wing_shaft = physics.fixed_wing_power_w(
                weight,
                v,
                wing.area_m2,
                zero_lift_drag_coeff=wing.zero_lift_drag_coeff,
                aspect_ratio=wing.aspect_ratio,
                oswald_efficiency=wing.oswald_efficiency,
                propulsive_efficiency=wing.propulsive_efficiency,
                air_density_kgpm3=rho,
            )
            shaft = np.where(v >= 1.2 * wing.stall_speed_mps, wing_shaft, shaft)
        return self._electrical(shaft, fixed), hover

    def flight_power_w(self, payload_kg, speed_mps, climb_mps=0.0, *, working=False):
        """Terminal power at a horizontal airspeed and vertical speed (positive up). [W]

        Level-flight power at ``speed_mps`` (hover below 0.5 m/s) plus, when climbing,
        the hover power's growth by the axial-climb factor [1, eq. 2.63] — the pricing
        of :meth:`leg_performance`, sample by sample (used to fit flown logs).
        """
        v = np.asarray(speed_mps, dtype=float)
        vz = np.asarray(climb_mps, dtype=float)
        p_hover = self.terminal_hover_power_w(payload_kg, working=working)
        p_level = np.where(
            v >= 0.5,
            self.terminal_forward_power_w(payload_kg, np.maximum(v, 0.5), working=working),
            p_hover,
        )
        mass = self.mass_kg + np.asarray(payload_kg, dtype=float)
        vh = physics.hover_induced_velocity_mps(mass * physics.G_MPS2, self.disk_area_m2)
        factor = physics.climb_power_factor(np.maximum(vz, 0.0), vh)
        return p_level + p_hover * (factor - 1.0)

    # ------------------------------------------------------------------ endurance, range
    def hover_endurance_min(self, payload_kg=0.0, *, reserve=False):
        """Hover time on one charge; ``reserve=False`` is the spec-sheet figure. [min]

        The constant-power discharge integrated to cut-off (:mod:`~airwork.aircraft.battery`):
        the pack sags and the current grows as it empties, and the heavier the aircraft
        the more of the pack the :math:`R i` drop and :math:`i^2 R` leave unused.
        """
        energy = self.mission_energy_wh if reserve else self.usable_energy_wh
        return energy / self.hover_power_w(payload_kg) * 60.0

    def _speed_bounds(self) -> tuple[float, float]:
        lo = 1.0
        if self.airframe.wing is not None:
            lo = 1.2 * self.airframe.wing.stall_speed_mps
        return lo, self.max_speed_mps

    def best_endurance_speed_mps(self, payload_kg=0.0) -> float:
        """Airspeed of least power in level flight (0 for a multirotor that hovers best)."""
        lo, hi = self._speed_bounds()
        res = minimize_scalar(
            lambda v: float(self.forward_power_w(payload_kg, v)),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 0.01},
        )
        if self.airframe.wing is None and float(self.hover_power_w(payload_kg)) <= res.fun:
            return 0.0
        return float(res.x)

    def best_range_speed_mps(self, payload_kg=0.0, headwind_mps=0.0) -> float:
        """Airspeed of least energy per ground distance, :math:`\\min P / (V - V_w)`. [m/s]"""
        lo, hi = self._speed_bounds()
        lo = max(lo, headwind_mps + 0.5)
        if lo >= hi:
            raise AircraftError(
                f"aircraft '{self.name}': headwind {headwind_mps:.1f} m/s is not below the "
                f"maximum speed {hi:.1f} m/s"
            )
        res = minimize_scalar(
            lambda v: float(self.forward_power_w(payload_kg, v)) / (v - headwind_mps),
            bounds=(lo, hi),
            method="bounded",
            options={"xatol": 0.01},
        )
        return float(res.x)

    def performance(self, payload_kg: float = 0.0, speed_mps: float | None = None) -> Performance:
        """Key figures at one payload; ``speed_mps`` defaults to best-range speed."""
        self.check_payload(payload_kg)
        v_range = self.best_range_speed_mps(payload_kg)
        v = v_range if speed_mps is None else float(speed_mps)
        if not 0 < v <= self.max_speed_mps + 1e-9:
            raise AircraftError(
                f"aircraft '{self.name}': speed {v} m/s outside (0, {self.max_speed_mps}] m/s"
            )
        p_fwd = float(self.forward_power_w(payload_kg, v))
        endurance_h = self.mission_energy_wh / p_fwd
        p_hover = float(self.terminal_hover_power_w(payload_kg))
        thrust = (self.mass_kg + float(payload_kg)) * physics.G_MPS2
        shaft = float(self._hover_shaft_w(thrust, self.air_density_kgpm3))
        margin = self.thrust_margin(payload_kg)
        warnings = []
        if margin is not None and margin < drive.MIN_THRUST_TO_WEIGHT:
            warnings.append(
                f"thrust margin {margin:.2f} is below {drive.MIN_THRUST_TO_WEIGHT:.2f} "
                f"(hover throttle above 0.6): little thrust left for control"
            )
        lift = self.lift_margin(payload_kg)
        if margin is None and lift < drive.MIN_THRUST_TO_WEIGHT:
            warnings.append(
                f"in air of {self.air_density_kgpm3:.3f} kg/m³ the estimated thrust margin "
                f"(no motor data: {drive.THRUST_TO_WEIGHT_AT_MTOM:g} at MTOM at sea level) is "
                f"{lift:.2f}, below {drive.MIN_THRUST_TO_WEIGHT:.2f}: little thrust for control"
            )
        v_hover = float(self.pack_voltage_v(p_hover))
        if not np.isfinite(v_hover) or v_hover < self._cells * self._chem.v_cut_v:
            warnings.append("the pack cannot hold its cut-off voltage at hover power")
        c_rate = float(self.pack_current_a(p_hover)) / self._capacity_ah
        if self.battery.c_rating is not None and c_rate > self.battery.c_rating:
            warnings.append(
                f"hover draws {c_rate:.1f} C, above the pack's {self.battery.c_rating:g} C"
            )
        return Performance(
            aircraft=self.name,
            payload_kg=float(payload_kg),
            takeoff_mass_kg=self.mass_kg + float(payload_kg),
            speed_mps=v,
            hover_power_w=float(self.hover_power_w(payload_kg)),
            hover_endurance_min=float(self.hover_endurance_min(payload_kg)),
            forward_power_w=p_fwd,
            endurance_min=endurance_h * 60.0,
            range_km=endurance_h * 3600.0 * v / 1000.0,
            best_endurance_speed_mps=self.best_endurance_speed_mps(payload_kg),
            best_range_speed_mps=v_range,
            usable_energy_wh=self.usable_energy_wh,
            reserve_energy_wh=self.reserve_energy_wh,
            reserve_frac=self.reserve_frac,
            temperature_c=self.temperature_c,
            air_density_kgpm3=self.air_density_kgpm3,
            hover_terminal_power_w=p_hover,
            pack_voltage_hover_v=v_hover,
            pack_current_hover_a=float(self.pack_current_a(p_hover)),
            figure_of_merit=float(self.figure_of_merit(thrust)),
            drive_efficiency_hover=float(self.drive_efficiency(shaft)),
            thrust_margin=None if margin is None else float(margin),
            warnings=tuple(warnings),
        )

    # ------------------------------------------------------------------ legs
    def leg_performance(
        self,
        distance_m,
        speed_mps,
        payload_kg,
        *,
        climb_m=0.0,
        vertical_speed_mps=2.0,
        headwind_mps=0.0,
        working=False,
        hold_s=0.0,
    ) -> LegPerformance:
        """Time and energy of flight legs, vectorised over all arguments.

        A leg flies ``distance_m`` horizontally at airspeed ``speed_mps`` against a
        ``headwind_mps`` (negative for tailwind), so its ground speed is
        :math:`V - V_w`; it changes altitude by ``climb_m`` at ``vertical_speed_mps``
        (the vertical part is flown separately, which is conservative), and hovers
        ``hold_s`` at the end.  Energy of the climb uses the axial-climb power factor
        [1, eq. 2.63]; descent is priced at hover power.

        Parameters
        ----------
        distance_m : numeric
            Horizontal length. [m]
        speed_mps : numeric
            Airspeed along the leg. [m/s]
        payload_kg : numeric
            Mean payload on the leg. [kg]
        climb_m : numeric
            Altitude change, positive up. [m]
        vertical_speed_mps : numeric
            [m/s]
        headwind_mps : numeric
            Wind component against the direction of flight. [m/s]
        working : bool or array of bool
            Payload system running (pump, spinner, camera). [-]
        hold_s : numeric
            Hover at the end. [s]

        Returns
        -------
        LegPerformance
            ``time_s`` [s], ``energy_wh`` [Wh] and mean ``power_w`` [W].

        Raises
        ------
        AircraftError
            Payload over the mass limit, or a wind the aircraft cannot make way against.
        """
        d = np.asarray(distance_m, dtype=float)
        v = np.asarray(speed_mps, dtype=float)
        dz = np.asarray(climb_m, dtype=float)
        vw = np.asarray(headwind_mps, dtype=float)
        ground = v - vw
        moving = d > 0
        if np.any(moving & (ground <= 0.1)):
            raise AircraftError(
                f"aircraft '{self.name}': headwind leaves no ground speed "
                f"(airspeed {np.min(v):.1f} m/s, headwind {np.max(vw):.1f} m/s)"
            )
        t_move = np.where(moving, d / np.where(moving, ground, 1.0), 0.0)
        mass = self.check_payload(payload_kg)
        rho = self.air_density_kgpm3
        p_move_t, p_hover_t = self._terminal_powers(mass, np.maximum(v, 0.1), rho, working)
        bf = self._pack.budget_factor
        p_move = np.where(moving, p_move_t * bf(p_move_t), 0.0)
        vh = physics.hover_induced_velocity_mps(mass * physics.G_MPS2, self.disk_area_m2)
        vs = np.asarray(vertical_speed_mps, dtype=float)
        t_vert = np.abs(dz) / vs
        factor = np.where(dz > 0, physics.climb_power_factor(vs, vh), 1.0)
        # the whole hover power grows by the climb factor (conservative); each part drains
        # the usable budget at its own power (budget factor: rate effect and i^2 R)
        p_vert_t = p_hover_t * factor
        p_vert = p_vert_t * bf(p_vert_t)
        p_hover = p_hover_t * bf(p_hover_t)
        t_hold = np.asarray(hold_s, dtype=float)
        time_s = t_move + t_vert + t_hold
        energy_j = p_move * t_move + p_vert * t_vert + p_hover * t_hold
        with np.errstate(invalid="ignore", divide="ignore"):
            power = np.where(time_s > 0, energy_j / np.where(time_s > 0, time_s, 1.0), 0.0)
        return LegPerformance(time_s=time_s, energy_wh=energy_j / 3600.0, power_w=power)
