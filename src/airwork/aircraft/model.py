"""The aircraft model: components assembled, with performance methods.

Like pvlib's ``PVSystem``, :class:`Aircraft` holds parameters and calls the plain
functions of :mod:`airwork.aircraft.physics`; it never re-derives them.  All methods accept
numpy arrays for speeds and payloads, so planners can price thousands of legs at once.

Electrical power is shaft power divided by the drive efficiency, plus avionics and, while
working, the payload system's power.  Hover shaft power is the ideal power of the rotor set
(coaxial pairs with the interference factor :data:`~airwork.aircraft.physics.
COAXIAL_INDUCED_FACTOR`) divided by the figure of merit.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from scipy.optimize import minimize_scalar

from airwork.aircraft import physics
from airwork.aircraft.components import (
    Airframe,
    BatteryPack,
    Camera,
    CargoBay,
    PayloadSystem,
    RotorSet,
    SprayTank,
    Spreader,
)
from airwork.errors import AircraftError

__all__ = ["Aircraft", "LegPerformance", "Performance"]


@dataclass(frozen=True)
class Performance:
    """Summary performance at one payload (``airwork aircraft perf``).

    Powers are electrical, from the battery. [W]; times [min]; distances [km]; speeds [m/s].
    ``endurance_min`` and ``range_km`` are at ``speed_mps`` and use usable energy less the
    landing reserve; the ``hover_endurance_min`` is spec-sheet style (no reserve).
    """

    aircraft: str
    payload_kg: float
    takeoff_mass_kg: float
    speed_mps: float
    hover_power_w: float
    hover_endurance_min: float
    forward_power_w: float
    endurance_min: float
    range_km: float
    best_endurance_speed_mps: float
    best_range_speed_mps: float
    usable_energy_wh: float
    reserve_energy_wh: float


@dataclass(frozen=True)
class LegPerformance:
    """Time [s] and energy [Wh] of flight legs (arrays of the inputs' shape)."""

    time_s: np.ndarray
    energy_wh: np.ndarray
    power_w: np.ndarray


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
        Packs flown together.
    payload : PayloadSystem or None
    reserve_frac : float
        Share of usable energy kept as landing reserve. [-]
    description : str
    """

    name: str
    airframe: Airframe
    rotors: RotorSet
    battery: BatteryPack
    battery_count: int = 1
    payload: PayloadSystem | None = None
    reserve_frac: float = 0.2
    description: str = ""

    def __post_init__(self) -> None:
        if self.battery_count < 1:
            raise AircraftError(f"aircraft '{self.name}': battery_count must be at least 1")
        if not 0.0 <= self.reserve_frac < 0.9:
            raise AircraftError(
                f"aircraft '{self.name}': reserve_frac must be in [0, 0.9), got {self.reserve_frac}"
            )
        if self.mass_kg >= self.airframe.max_takeoff_mass_kg:
            raise AircraftError(
                f"aircraft '{self.name}': empty mass {self.mass_kg:.2f} kg is not below the "
                f"maximum take-off mass {self.airframe.max_takeoff_mass_kg:.2f} kg"
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
        return float(min(self.payload.max_payload_kg, by_mass))

    @property
    def battery_energy_wh(self) -> float:
        """Nominal energy of all packs. [Wh]"""
        return self.battery.energy_wh * self.battery_count

    @property
    def usable_energy_wh(self) -> float:
        """Energy delivered down to the cut-off voltage. [Wh]"""
        return self.battery_energy_wh * self.battery.usable_frac

    @property
    def reserve_energy_wh(self) -> float:
        """Landing reserve. [Wh]"""
        return self.usable_energy_wh * self.reserve_frac

    @property
    def mission_energy_wh(self) -> float:
        """Usable energy less the landing reserve: what a sortie may spend. [Wh]"""
        return self.usable_energy_wh - self.reserve_energy_wh

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

    def check_payload(self, payload_kg) -> np.ndarray:
        """Refuse payloads that are negative or exceed the take-off mass limit.

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
        return mass

    # ------------------------------------------------------------------ power
    def _induced_factor(self) -> float:
        k = self.rotors.induced_factor
        return k * physics.COAXIAL_INDUCED_FACTOR if self.rotors.coaxial else k

    def _profile_power_w(self, thrust_n, rho):
        # Figure of merit FM = P_ideal / P_shaft for one isolated rotor [1, eq. 2.26], so the
        # profile share of hover power is P_ideal (1/FM - kappa).  For fixed-pitch
        # propellers thrust ~ Omega^2 and profile power ~ Omega^3 ~ T^1.5, the same scaling
        # as P_ideal, so FM stays constant with weight.
        p_ideal = physics.ideal_hover_power_w(thrust_n, self.disk_area_m2, rho)
        return p_ideal * max(1.0 / self.rotors.figure_of_merit - self.rotors.induced_factor, 0.0)

    def _fixed_power_w(self, working) -> np.ndarray:
        payload_w = self.payload.power_w if self.payload else 0.0
        return self.airframe.avionics_power_w + payload_w * np.asarray(working, dtype=float)

    def hover_power_w(
        self, payload_kg=0.0, *, air_density_kgpm3=physics.RHO_SEA_LEVEL_KGPM3, working=False
    ):
        """Electrical power to hover. [W]

        Shaft power :math:`\\kappa_{eff} P_{ideal} + P_0` with the profile power from the
        figure of merit (see module docstring), divided by the drive efficiency, plus
        avionics and (when ``working``) payload power.
        """
        mass = self.check_payload(payload_kg)
        thrust = mass * physics.G_MPS2
        rho = air_density_kgpm3
        p_ideal = physics.ideal_hover_power_w(thrust, self.disk_area_m2, rho)
        shaft = self._induced_factor() * p_ideal + self._profile_power_w(thrust, rho)
        return shaft / self.rotors.drive_efficiency + self._fixed_power_w(working)

    def forward_power_w(
        self,
        payload_kg=0.0,
        speed_mps=5.0,
        *,
        air_density_kgpm3=physics.RHO_SEA_LEVEL_KGPM3,
        working=False,
    ):
        """Electrical power in level flight at an airspeed. [W]

        Multirotors use :func:`~airwork.aircraft.physics.forward_flight_power_w`.  A VTOL
        with a wing flies on the wing (:func:`~airwork.aircraft.physics.fixed_wing_power_w`)
        at or above its stall speed times 1.2 and as a multirotor below it.
        """
        mass = self.check_payload(payload_kg)
        weight = mass * physics.G_MPS2
        rho = air_density_kgpm3
        v = np.asarray(speed_mps, dtype=float)
        shaft = physics.forward_flight_power_w(
            weight,
            v,
            self.disk_area_m2,
            self.airframe.drag_area_m2,
            profile_power_hover_w=self._profile_power_w(weight, rho),
            tip_speed_mps=self.rotors.tip_speed_mps,
            induced_factor=self._induced_factor(),
            air_density_kgpm3=rho,
        )
        electrical = shaft / self.rotors.drive_efficiency
        wing = self.airframe.wing
        if wing is not None:
            wing_w = (
                physics.fixed_wing_power_w(
                    weight,
                    v,
                    wing.area_m2,
                    zero_lift_drag_coeff=wing.zero_lift_drag_coeff,
                    aspect_ratio=wing.aspect_ratio,
                    oswald_efficiency=wing.oswald_efficiency,
                    propulsive_efficiency=wing.propulsive_efficiency,
                    air_density_kgpm3=rho,
                )
                / self.rotors.drive_efficiency
            )
            electrical = np.where(v >= 1.2 * wing.stall_speed_mps, wing_w, electrical)
        return electrical + self._fixed_power_w(working)

    # ------------------------------------------------------------------ endurance, range
    def hover_endurance_min(self, payload_kg=0.0, *, reserve=False):
        """Hover time on one charge; ``reserve=False`` is the spec-sheet figure. [min]"""
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
        p_move = np.where(
            moving, self.forward_power_w(payload_kg, np.maximum(v, 0.1), working=working), 0.0
        )
        p_hover = self.hover_power_w(payload_kg, working=working)
        mass = self.mass_kg + np.asarray(payload_kg, dtype=float)
        vh = physics.hover_induced_velocity_mps(mass * physics.G_MPS2, self.disk_area_m2)
        vs = np.asarray(vertical_speed_mps, dtype=float)
        t_vert = np.abs(dz) / vs
        factor = np.where(dz > 0, physics.climb_power_factor(vs, vh), 1.0)
        # climb: only the induced part grows with climb speed; profile and fixed power do not
        p_vert = p_hover * factor
        t_hold = np.asarray(hold_s, dtype=float)
        time_s = t_move + t_vert + t_hold
        energy_j = p_move * t_move + p_vert * t_vert + p_hover * t_hold
        with np.errstate(invalid="ignore", divide="ignore"):
            power = np.where(time_s > 0, energy_j / np.where(time_s > 0, time_s, 1.0), 0.0)
        return LegPerformance(time_s=time_s, energy_wh=energy_j / 3600.0, power_w=power)
