"""The schema of the component catalogue (``airwork/data/catalogue.yaml``), in pydantic.

Every section is a mapping of part names to entries; each entry is checked here: its keys
(``extra="forbid"``), its ranges and units, and that its figures say where they come
from (a ``source``, or ``estimate: true`` with ``why``).  A bad entry fails with its place,
``motors.ag-x9-kv100.kv_rpm_per_v: Input should be greater than 0``.  The references
between sections (a preset's battery, a rotor set's motor) and the interface rules are
checked by :class:`~airwork.aircraft.catalogue.Catalogue` after this schema.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

__all__ = [
    "AircraftEntry",
    "AirframeEntry",
    "BatteryEntry",
    "CatalogueFile",
    "EscEntry",
    "FrameEntry",
    "MotorEntry",
    "PartEntry",
    "PayloadEntry",
    "PropellerEntry",
    "RotorsEntry",
]


class _Facts(BaseModel):
    """Production facts every part carries."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    part_number: str = Field("", description="Supplier part number")
    supplier: str = ""
    cost_eur: float = Field(0.0, ge=0, le=1e6, description="Unit cost (EUR)")
    life_h: float | None = Field(None, gt=0, description="Replace after these flight hours")
    life_cycles: float | None = Field(None, gt=0, description="Replace after these cycles")
    includes: dict[str, int] = Field(
        default_factory=dict, description="Sub-parts inside this part's mass and cost"
    )
    source: str = Field("", description="Data sheet or product page of the figures")
    estimate: bool = Field(False, description="Some figures are estimates (say which in why)")
    why: str = ""

    @model_validator(mode="after")
    def _sourced(self) -> _Facts:
        if self.estimate and not self.why.strip():
            raise ValueError("estimate: true needs a 'why' saying which figures and why")
        if not self.estimate and not self.source.strip() and type(self).NEEDS_SOURCE:
            raise ValueError("give a 'source' (data sheet) or 'estimate: true' with 'why'")
        for part, qty in self.includes.items():
            if qty < 1:
                raise ValueError(f"includes.{part}: quantity must be >= 1, got {qty}")
        return self

    NEEDS_SOURCE: ClassVar[bool] = True
    PHYSICS: ClassVar[tuple[str, ...]] = ()

    def physics(self) -> dict[str, Any]:
        """The keys the physics component takes."""
        return {k: getattr(self, k) for k in self.PHYSICS if k in self.model_fields_set}


class BatteryEntry(_Facts):
    energy_wh: float = Field(gt=0, le=50_000)
    mass_kg: float = Field(gt=0, le=200)
    voltage_v: float = Field(52.2, gt=0, le=1000)
    usable_frac: float | None = Field(None, ge=0.5, le=1.0)
    cells: int | None = Field(None, ge=1, le=30)
    chemistry: Literal["lipo", "lihv", "li-ion"] = "lipo"
    capacity_ah: float | None = Field(None, gt=0, le=2000)
    resistance_ohm: float | None = Field(None, gt=0, le=10)
    c_rating: float | None = Field(None, gt=0, le=200, description="Continuous C rating")
    connector: str = Field("", description="Interface to the frame's battery connector")

    PHYSICS = (
        "energy_wh",
        "mass_kg",
        "voltage_v",
        "usable_frac",
        "cells",
        "chemistry",
        "capacity_ah",
        "resistance_ohm",
        "c_rating",
    )


class RotorsEntry(_Facts):
    """A preset's rotor set: the physics it flies with, and the parts it is made of."""

    NEEDS_SOURCE = False
    count: int = Field(ge=2, le=32)
    diameter_m: float = Field(gt=0.05, le=5)
    coaxial: bool = False
    figure_of_merit: float | None = Field(None, ge=0.2, le=1)
    drive_efficiency: float | None = Field(None, ge=0.2, le=1)
    induced_factor: float = Field(1.15, gt=1, le=2)
    tip_speed_mps: float | None = Field(None, gt=0)
    solidity: float = Field(0.08, gt=0, le=0.5)
    blade_loading: float = Field(0.10, gt=0, le=0.3)
    motor_kv: float | None = Field(None, gt=0)
    motor_resistance_ohm: float | None = Field(None, gt=0)
    motor_no_load_a: float | None = Field(None, ge=0)
    motor_power_w: float | None = Field(None, gt=0)
    thrust_to_weight: float | None = Field(None, gt=1)
    motor: str | None = Field(None, description="Catalogue motor (bill of materials)")
    propeller: str | None = Field(None, description="Catalogue propeller")
    esc: str | None = Field(None, description="Catalogue ESC (none for integrated ESCs)")

    PHYSICS = (
        "count",
        "diameter_m",
        "coaxial",
        "figure_of_merit",
        "drive_efficiency",
        "induced_factor",
        "tip_speed_mps",
        "solidity",
        "blade_loading",
        "motor_kv",
        "motor_resistance_ohm",
        "motor_no_load_a",
        "motor_power_w",
        "thrust_to_weight",
    )


class WingEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)
    area_m2: float = Field(gt=0)
    span_m: float = Field(gt=0)
    zero_lift_drag_coeff: float = Field(0.035, gt=0, lt=1)
    oswald_efficiency: float = Field(0.8, gt=0, le=1)
    propulsive_efficiency: float = Field(0.65, gt=0, le=1)
    cruise_speed_mps: float = Field(16.0, gt=0)
    stall_speed_mps: float = Field(10.0, gt=0)


class AirframeEntry(_Facts):
    """A preset's airframe: structure with its rotors' motors, ESCs and propellers."""

    NEEDS_SOURCE = False
    mass_kg: float = Field(gt=0, le=500)
    max_takeoff_mass_kg: float = Field(gt=0, le=600)
    drag_area_m2: float = Field(gt=0, le=10)
    max_speed_mps: float = Field(15.0, gt=0, le=60)
    max_wind_mps: float = Field(10.0, gt=0, le=40)
    avionics_power_w: float = Field(20.0, ge=0)
    vehicle: Literal["quadrotor", "hexarotor", "octorotor", "vtol"] = "quadrotor"
    wing: WingEntry | None = None
    frame: str | None = Field(None, description="Catalogue frame (bill of materials)")
    arms: int | None = Field(None, ge=3, le=16, description="Arms of that frame")

    PHYSICS = (
        "mass_kg",
        "max_takeoff_mass_kg",
        "drag_area_m2",
        "max_speed_mps",
        "max_wind_mps",
        "avionics_power_w",
        "vehicle",
    )


class PayloadEntry(_Facts):
    kind: Literal["spray", "spread", "camera", "cargo"]
    mass_kg: float = Field(ge=0, le=100)
    power_w: float = Field(0.0, ge=0, le=50_000)
    max_payload_kg: float = Field(0.0, ge=0, le=300)
    mount: str = Field("", description="Interface to the frame's payload mounts")
    # spray
    capacity_l: float | None = Field(None, gt=0, le=300)
    swath_m: float | None = Field(None, gt=0, le=50)
    max_flow_l_per_min: float | None = Field(None, gt=0)
    min_flow_l_per_min: float | None = Field(None, ge=0, description="Pump's least flow")
    liquid_density_kg_per_l: float | None = Field(None, gt=0.5, le=2)
    # spread
    capacity_kg: float | None = Field(None, gt=0, le=300)
    max_flow_kg_per_min: float | None = Field(None, gt=0)
    # camera
    sensor_width_mm: float | None = Field(None, gt=0)
    sensor_height_mm: float | None = Field(None, gt=0)
    image_width_px: int | None = Field(None, gt=0)
    image_height_px: int | None = Field(None, gt=0)
    focal_length_mm: float | None = Field(None, gt=0)
    max_zoom: float | None = Field(None, ge=1)
    min_trigger_interval_s: float | None = Field(None, gt=0)
    # cargo
    winch_length_m: float | None = Field(None, ge=0)

    PHYSICS = (
        "mass_kg",
        "power_w",
        "max_payload_kg",
        "capacity_l",
        "swath_m",
        "max_flow_l_per_min",
        "liquid_density_kg_per_l",
        "capacity_kg",
        "max_flow_kg_per_min",
        "sensor_width_mm",
        "sensor_height_mm",
        "image_width_px",
        "image_height_px",
        "focal_length_mm",
        "max_zoom",
        "min_trigger_interval_s",
        "winch_length_m",
    )

    @model_validator(mode="after")
    def _flow_range(self) -> PayloadEntry:
        lo, hi = self.min_flow_l_per_min, self.max_flow_l_per_min
        if lo is not None and hi is not None and lo > hi:
            raise ValueError(f"min_flow_l_per_min {lo} is above max_flow_l_per_min {hi}")
        return self


class FrameEntry(_Facts):
    mass_kg: float = Field(gt=0, le=300, description="Centre without arms (kg)")
    arm: str = Field(description="Catalogue part of one arm")
    arm_counts: list[int] = Field(min_length=1)
    coaxial: bool = False
    arm_length_m: float = Field(gt=0.03, le=3)
    max_takeoff_mass_kg: float = Field(gt=0, le=600)
    drag_area_m2: float = Field(gt=0, le=10)
    motor_mount: str = Field(min_length=1)
    battery_connector: str = Field(min_length=1)
    payload_mounts: list[str] = Field(default_factory=list)
    battery_slots: int = Field(1, ge=1, le=8)
    avionics_power_w: float = Field(20.0, ge=0)
    max_speed_mps: float = Field(15.0, gt=0, le=60)
    max_wind_mps: float = Field(10.0, gt=0, le=40)
    designable: bool = Field(True, description="Offered to the design search")

    @model_validator(mode="after")
    def _arms(self) -> FrameEntry:
        bad = [n for n in self.arm_counts if not 3 <= n <= 16]
        if bad:
            raise ValueError(f"arm_counts must be in [3, 16], got {bad}")
        return self


class MotorEntry(_Facts):
    mass_kg: float = Field(gt=0, le=20)
    kv_rpm_per_v: float = Field(gt=0, le=10_000)
    resistance_ohm: float = Field(gt=0, le=10)
    no_load_current_a: float = Field(ge=0, le=100)
    max_current_a: float = Field(gt=0, le=1000)
    continuous_current_a: float = Field(gt=0, le=1000)
    max_power_w: float = Field(gt=0, le=100_000)
    cells_min: int = Field(ge=1, le=30)
    cells_max: int = Field(ge=1, le=30)
    mount: str = Field(min_length=1)
    prop_mount: str = Field(min_length=1)
    integrated_esc: bool = False

    @model_validator(mode="after")
    def _limits(self) -> MotorEntry:
        if self.cells_min > self.cells_max:
            raise ValueError(f"cells_min {self.cells_min} is above cells_max {self.cells_max}")
        if self.continuous_current_a > self.max_current_a:
            raise ValueError(
                f"continuous_current_a {self.continuous_current_a} is above max_current_a "
                f"{self.max_current_a}"
            )
        return self


class PropellerEntry(_Facts):
    mass_kg: float = Field(gt=0, le=5)
    diameter_m: float = Field(gt=0.03, le=5)
    pitch_m: float = Field(gt=0, le=3)
    blades: int = Field(2, ge=2, le=8)
    max_rpm: float = Field(gt=0, le=100_000)
    solidity: float = Field(0.08, gt=0.01, le=0.5)
    hub: str = Field(min_length=1)


class EscEntry(_Facts):
    mass_kg: float = Field(gt=0, le=5)
    max_current_a: float = Field(gt=0, le=1000)
    cells_min: int = Field(ge=1, le=30)
    cells_max: int = Field(ge=1, le=30)

    @model_validator(mode="after")
    def _cells(self) -> EscEntry:
        if self.cells_min > self.cells_max:
            raise ValueError(f"cells_min {self.cells_min} is above cells_max {self.cells_max}")
        return self


class PartEntry(_Facts):
    """A part with no physics of its own: an arm, a pump, a nozzle, a flight controller."""

    part_class: Literal["arm", "pump", "nozzle", "avionics", "winch", "part"] = "part"
    mass_kg: float = Field(ge=0, le=100)


class AircraftEntry(BaseModel):
    """A preset: which catalogue components it is assembled from."""

    model_config = ConfigDict(extra="forbid")
    description: str = ""
    airframe: str
    rotors: str
    battery: str
    battery_count: int = Field(1, ge=1, le=16)
    payload: str | None = None
    reserve_frac: float = Field(0.2, ge=0, lt=0.9)


class CatalogueFile(BaseModel):
    """The whole catalogue file."""

    model_config = ConfigDict(extra="forbid")
    batteries: dict[str, BatteryEntry]
    rotors: dict[str, RotorsEntry]
    airframes: dict[str, AirframeEntry]
    payloads: dict[str, PayloadEntry]
    frames: dict[str, FrameEntry] = Field(default_factory=dict)
    motors: dict[str, MotorEntry] = Field(default_factory=dict)
    propellers: dict[str, PropellerEntry] = Field(default_factory=dict)
    escs: dict[str, EscEntry] = Field(default_factory=dict)
    parts: dict[str, PartEntry] = Field(default_factory=dict)
    aircraft: dict[str, AircraftEntry]
