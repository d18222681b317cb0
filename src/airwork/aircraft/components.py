"""Shared catalogue components: airframes, rotor sets, battery packs and payload systems.

Components are frozen dataclasses with SI units in their field names.  An
:class:`~airwork.aircraft.model.Aircraft` is assembled from them, so two presets that fly
the same battery pack or camera refer to the same component object.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from airwork.aircraft.battery import CHEMISTRIES
from airwork.errors import AircraftError

__all__ = [
    "Airframe",
    "BatteryPack",
    "Calibration",
    "Camera",
    "CargoBay",
    "PayloadSystem",
    "RotorSet",
    "SprayTank",
    "Spreader",
    "Wing",
]


def _positive(owner: str, **values: float) -> None:
    for key, value in values.items():
        if not (isinstance(value, int | float) and math.isfinite(value) and value > 0):
            raise AircraftError(f"{owner}: {key} must be a positive number, got {value!r}")


@dataclass(frozen=True)
class Wing:
    """Fixed wing of a VTOL or plane.

    Attributes
    ----------
    area_m2 : float
        Reference area. [m²]
    span_m : float
        [m]
    zero_lift_drag_coeff : float
        Whole-aircraft :math:`C_{D0}` referred to the wing area. [-]
    oswald_efficiency : float
        [-]
    propulsive_efficiency : float
        Cruise propeller efficiency. [-]
    cruise_speed_mps, stall_speed_mps : float
        [m/s]
    """

    area_m2: float
    span_m: float
    zero_lift_drag_coeff: float = 0.035
    oswald_efficiency: float = 0.8
    propulsive_efficiency: float = 0.65
    cruise_speed_mps: float = 16.0
    stall_speed_mps: float = 10.0

    def __post_init__(self) -> None:
        _positive("wing", area_m2=self.area_m2, span_m=self.span_m)

    @property
    def aspect_ratio(self) -> float:
        return self.span_m**2 / self.area_m2


@dataclass(frozen=True)
class Airframe:
    """Structure, motors, flight controller: everything but batteries and payload system.

    Attributes
    ----------
    name : str
    mass_kg : float
        Mass without batteries and without payload system. [kg]
    max_takeoff_mass_kg : float
        [kg]
    drag_area_m2 : float
        Body equivalent flat-plate area :math:`C_D A` in forward flight. [m²]
    max_speed_mps, max_wind_mps : float
        [m/s]
    avionics_power_w : float
        Flight controller, radios, sensors. [W]
    vehicle : str
        ``quadrotor``, ``hexarotor``, ``octorotor`` or ``vtol`` (for exporters).
    wing : Wing or None
        For fixed-wing VTOL aircraft.
    """

    name: str
    mass_kg: float
    max_takeoff_mass_kg: float
    drag_area_m2: float
    max_speed_mps: float = 15.0
    max_wind_mps: float = 10.0
    avionics_power_w: float = 20.0
    vehicle: str = "quadrotor"
    wing: Wing | None = None

    def __post_init__(self) -> None:
        _positive(
            f"airframe '{self.name}'",
            mass_kg=self.mass_kg,
            max_takeoff_mass_kg=self.max_takeoff_mass_kg,
            drag_area_m2=self.drag_area_m2,
            max_speed_mps=self.max_speed_mps,
            max_wind_mps=self.max_wind_mps,
        )


@dataclass(frozen=True)
class RotorSet:
    """Lifting rotors with their motors and ESCs.

    Attributes
    ----------
    name : str
    count : int
        Number of rotors (a coaxial octocopter has 8).
    diameter_m : float
        [m]
    coaxial : bool
        Rotors stacked in pairs.
    figure_of_merit : float or None
        Hover figure of merit of one isolated rotor; ``None`` (default) derives it from the
        blade loading and the chord Reynolds number (:mod:`airwork.aircraft.drive`). [-]
    drive_efficiency : float or None
        Motor times ESC efficiency, electrical to shaft; ``None`` (default) derives it from
        the load (Drela's motor model, :mod:`airwork.aircraft.drive`). [-]
    induced_factor : float
        Induced-power factor :math:`\\kappa`. [-]
    tip_speed_mps : float or None
        Hover tip speed :math:`\\Omega R` at the maximum take-off mass; ``None`` (default)
        is the speed that gives the design blade loading. [m/s]
    solidity : float
        Blade area over disk area :math:`\\sigma`. [-]
    blade_loading : float
        Design hover :math:`C_T/\\sigma` at the maximum take-off mass. [-]
    motor_kv : float or None
        Motor speed constant. [rpm/V]
    motor_resistance_ohm, motor_no_load_a : float or None
        Winding resistance [Ω] and no-load current [A] of one motor.
    motor_power_w : float or None
        Maximum shaft power of one motor. [W]
    thrust_to_weight : float or None
        The maker's maximum thrust over weight at the maximum take-off mass. [-]
    """

    name: str
    count: int
    diameter_m: float
    coaxial: bool = False
    figure_of_merit: float | None = None
    drive_efficiency: float | None = None
    induced_factor: float = 1.15
    tip_speed_mps: float | None = None
    solidity: float = 0.08
    blade_loading: float = 0.10
    motor_kv: float | None = None
    motor_resistance_ohm: float | None = None
    motor_no_load_a: float | None = None
    motor_power_w: float | None = None
    thrust_to_weight: float | None = None

    def __post_init__(self) -> None:
        _positive(f"rotor set '{self.name}'", diameter_m=self.diameter_m, count=self.count)
        if self.coaxial and self.count % 2:
            raise AircraftError(
                f"rotor set '{self.name}': coaxial rotors come in pairs, got {self.count}"
            )
        if self.count < 3 and not self.coaxial:
            raise AircraftError(f"rotor set '{self.name}': need at least 3 rotors")
        for key in ("figure_of_merit", "drive_efficiency"):
            value = getattr(self, key)
            if value is not None and not 0.2 <= value <= 1.0:
                raise AircraftError(
                    f"rotor set '{self.name}': {key} must be in [0.2, 1], got {value}"
                )
        for key in (
            "tip_speed_mps",
            "motor_kv",
            "motor_resistance_ohm",
            "motor_power_w",
            "thrust_to_weight",
        ):
            value = getattr(self, key)
            if value is not None:
                _positive(f"rotor set '{self.name}'", **{key: value})
        if self.motor_no_load_a is not None and not self.motor_no_load_a >= 0:
            raise AircraftError(
                f"rotor set '{self.name}': motor_no_load_a must be >= 0, got {self.motor_no_load_a}"
            )
        if self.thrust_to_weight is not None and self.thrust_to_weight <= 1.0:
            raise AircraftError(
                f"rotor set '{self.name}': thrust_to_weight must be above 1 to fly, "
                f"got {self.thrust_to_weight}"
            )
        _positive(
            f"rotor set '{self.name}'", solidity=self.solidity, blade_loading=self.blade_loading
        )

    @property
    def has_motor_data(self) -> bool:
        """Whether the maker's motor data give a thrust limit."""
        return any(
            v is not None for v in (self.motor_kv, self.motor_power_w, self.thrust_to_weight)
        )


@dataclass(frozen=True)
class BatteryPack:
    """One battery pack.

    Attributes
    ----------
    energy_wh : float
        Nominal energy (capacity times nominal voltage). [Wh]
    mass_kg : float
        [kg]
    voltage_v : float
        Nominal voltage. [V]
    usable_frac : float or None
        Share of nominal energy delivered down to the cut-off at a low rate; ``None``
        (default) takes it from the chemistry's discharge curve
        (:mod:`airwork.aircraft.battery`). [-]
    cells : int or None
        Cells in series; ``None`` rounds ``voltage_v`` over the chemistry's nominal cell
        voltage. [-]
    chemistry : str
        ``lipo``, ``lihv`` or ``li-ion`` (:data:`~airwork.aircraft.battery.CHEMISTRIES`).
    capacity_ah : float or None
        ``None``: ``energy_wh / voltage_v``. [Ah]
    resistance_ohm : float or None
        DC internal resistance of the pack at 25 °C; ``None``: the chemistry's typical
        value for the cell size. [Ω]
    c_rating : float or None
        The maker's continuous discharge rating (reported against the load). [1/h]
    """

    name: str
    energy_wh: float
    mass_kg: float
    voltage_v: float = 52.2
    usable_frac: float | None = None
    cells: int | None = None
    chemistry: str = "lipo"
    capacity_ah: float | None = None
    resistance_ohm: float | None = None
    c_rating: float | None = None

    def __post_init__(self) -> None:
        owner = f"battery '{self.name}'"
        _positive(owner, energy_wh=self.energy_wh, mass_kg=self.mass_kg, voltage_v=self.voltage_v)
        if self.usable_frac is not None and not 0.5 <= self.usable_frac <= 1.0:
            raise AircraftError(f"{owner}: usable_frac must be in [0.5, 1], got {self.usable_frac}")
        if self.chemistry not in CHEMISTRIES:
            raise AircraftError(
                f"{owner}: unknown chemistry '{self.chemistry}' (known: {', '.join(CHEMISTRIES)})"
            )
        for key in ("cells", "capacity_ah", "resistance_ohm", "c_rating"):
            value = getattr(self, key)
            if value is not None:
                _positive(owner, **{key: value})

    @property
    def cells_series(self) -> int:
        """Cells in series. [-]"""
        if self.cells is not None:
            return int(self.cells)
        return max(1, round(self.voltage_v / CHEMISTRIES[self.chemistry].v_label_v))

    @property
    def capacity_ah_total(self) -> float:
        """Capacity of the pack. [Ah]"""
        if self.capacity_ah is not None:
            return float(self.capacity_ah)
        return self.energy_wh / self.voltage_v


@dataclass(frozen=True)
class PayloadSystem:
    """Base of every payload system.

    Attributes
    ----------
    name : str
    mass_kg : float
        Empty mass of the system (tank, gimbal, winch). [kg]
    power_w : float
        Electrical power while working (pump, spinner, camera). [W]
    max_payload_kg : float
        Largest carried mass (liquid, granules, parcel); 0 for a camera. [kg]
    """

    name: str
    mass_kg: float
    power_w: float = 0.0
    max_payload_kg: float = 0.0

    kind = "none"


@dataclass(frozen=True)
class SprayTank(PayloadSystem):
    """Spray tank with pump, boom or rotary nozzles.

    Attributes
    ----------
    capacity_l : float
        [L]
    swath_m : float
        Effective swath width at the recommended height. [m]
    max_flow_l_per_min : float
        [L/min]
    liquid_density_kg_per_l : float
        [kg/L]
    """

    capacity_l: float = 10.0
    swath_m: float = 5.0
    max_flow_l_per_min: float = 2.0
    liquid_density_kg_per_l: float = 1.0

    kind = "spray"


@dataclass(frozen=True)
class Spreader(PayloadSystem):
    """Granule spreader with a spinning disk.

    Attributes
    ----------
    capacity_kg : float
        Hopper capacity. [kg]
    swath_m : float
        [m]
    max_flow_kg_per_min : float
        [kg/min]
    """

    capacity_kg: float = 50.0
    swath_m: float = 7.0
    max_flow_kg_per_min: float = 50.0

    kind = "spread"


@dataclass(frozen=True)
class Camera(PayloadSystem):
    """A camera on a gimbal (mapping, zoom or thermal inspection).

    Attributes
    ----------
    sensor_width_mm, sensor_height_mm : float
        [mm]
    image_width_px, image_height_px : int
        [px]
    focal_length_mm : float
        At the widest zoom. [mm]
    max_zoom : float
        Optical zoom factor (1 for a fixed lens). [-]
    min_trigger_interval_s : float
        [s]
    """

    sensor_width_mm: float = 13.2
    sensor_height_mm: float = 8.8
    image_width_px: int = 5472
    image_height_px: int = 3648
    focal_length_mm: float = 8.8
    max_zoom: float = 1.0
    min_trigger_interval_s: float = 2.0

    kind = "camera"


@dataclass(frozen=True)
class CargoBay(PayloadSystem):
    """Parcel bay with release and optional winch.

    Attributes
    ----------
    winch_length_m : float
        0 when there is no winch. [m]
    """

    winch_length_m: float = 0.0

    kind = "cargo"


@dataclass(frozen=True)
class Calibration:
    """Per-airframe correction fitted from flown logs (``airwork aircraft calibrate``).

    Attributes
    ----------
    power_factor : float
        Measured battery power over the model's power for the flown condition. [-]
    energy_factor : float
        Energy the pack delivered to cut-off over the model's usable energy. [-]
    flights : int
        Logs the factors were fitted from.
    source : str
        What was fitted (log names).
    """

    power_factor: float = 1.0
    energy_factor: float = 1.0
    flights: int = 0
    source: str = ""

    def __post_init__(self) -> None:
        for key in ("power_factor", "energy_factor"):
            value = getattr(self, key)
            if not (math.isfinite(value) and 0.3 <= value <= 3.0):
                raise AircraftError(f"calibration: {key} must be in [0.3, 3], got {value}")
