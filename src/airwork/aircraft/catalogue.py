"""The shared component catalogue and aircraft presets, and aircraft spec-sheet files.

``load_aircraft("sprayer-40")`` returns a preset; ``load_aircraft("my-drone.yaml")`` reads a
spec-sheet file (see :class:`AircraftSpec`).  Input files are validated by pydantic, whose
error locations (``camera.focal_length_mm``) say where a problem is.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from airwork.aircraft.battery import CHEMISTRIES
from airwork.aircraft.catalogue_check import check_catalogue, part_facts
from airwork.aircraft.catalogue_schema import CatalogueFile
from airwork.aircraft.components import (
    Airframe,
    BatteryPack,
    Camera,
    CargoBay,
    PayloadSystem,
    RotorSet,
    SprayTank,
    Spreader,
    Wing,
)
from airwork.aircraft.model import Aircraft, Calibration
from airwork.aircraft.parts import Esc, Frame, Motor, PartFacts, Propeller
from airwork.errors import AircraftError, InputFileError

__all__ = [
    "AircraftSpec",
    "CalibratedPresetSpec",
    "CalibrationSpec",
    "Catalogue",
    "DesignPartsSpec",
    "aircraft_from_spec",
    "catalogue",
    "load_aircraft",
    "load_catalogue",
    "preset_names",
    "read_aircraft_file",
]

_PAYLOAD_CLASSES: dict[str, type[PayloadSystem]] = {
    "spray": SprayTank,
    "spread": Spreader,
    "camera": Camera,
    "cargo": CargoBay,
}


class Catalogue:
    """Components by name, the presets assembled from them, and every part's facts.

    ``data`` is the parsed catalogue file; it is validated against
    :class:`~airwork.aircraft.catalogue_schema.CatalogueFile` and then for references
    and interfaces (:mod:`airwork.aircraft.catalogue_check`).  ``where`` names the file
    in error messages.

    Raises
    ------
    AircraftError
        With the place of every problem (``motors.x.kv_rpm_per_v: ...``).
    """

    def __init__(self, data: Any, where: str = "catalogue.yaml"):
        try:
            file = CatalogueFile.model_validate(data)
        except ValidationError as exc:
            msg = _format_validation(where, exc, "invalid component catalogue")
            raise AircraftError(msg) from None
        self.where = where
        self.data = data
        self.file = file
        try:
            self._build_components(file)
            self._build_parts(file)
        except (AircraftError, TypeError, ValueError) as exc:
            raise AircraftError(f"{where}: {exc}") from None
        problems = check_catalogue(self)
        if problems:
            lines = "\n  ".join(problems)
            raise AircraftError(f"{where}: component catalogue is inconsistent:\n  {lines}")

    def _build_components(self, file: CatalogueFile) -> None:
        self.batteries = {k: BatteryPack(name=k, **v.physics()) for k, v in file.batteries.items()}
        self.rotors = {k: RotorSet(name=k, **v.physics()) for k, v in file.rotors.items()}
        self.airframes = {}
        for k, v in file.airframes.items():
            wing = Wing(**v.wing.model_dump()) if v.wing is not None else None
            self.airframes[k] = Airframe(name=k, wing=wing, **v.physics())
        self.payloads: dict[str, PayloadSystem] = {}
        for k, v in file.payloads.items():
            self.payloads[k] = _PAYLOAD_CLASSES[v.kind](name=k, **v.physics())
        self.aircraft = {}
        for k, v in file.aircraft.items():
            missing = [
                f"{section} '{getattr(v, section)}'"
                for section, known in (
                    ("airframe", self.airframes),
                    ("rotors", self.rotors),
                    ("battery", self.batteries),
                )
                if getattr(v, section) not in known
            ]
            if v.payload is not None and v.payload not in self.payloads:
                missing.append(f"payload '{v.payload}'")
            if missing:
                raise AircraftError(f"aircraft.{k}: unknown {', '.join(missing)}")
            self.aircraft[k] = Aircraft(
                name=k,
                airframe=self.airframes[v.airframe],
                rotors=self.rotors[v.rotors],
                battery=self.batteries[v.battery],
                battery_count=v.battery_count,
                payload=self.payloads[v.payload] if v.payload else None,
                reserve_frac=v.reserve_frac,
                description=v.description,
            )

    def _build_parts(self, file: CatalogueFile) -> None:
        self.frames = {
            k: Frame(
                name=k,
                mass_kg=v.mass_kg,
                arm=v.arm,
                arm_mass_kg=file.parts[v.arm].mass_kg if v.arm in file.parts else 0.0,
                arm_counts=tuple(v.arm_counts),
                coaxial=v.coaxial,
                arm_length_m=v.arm_length_m,
                max_takeoff_mass_kg=v.max_takeoff_mass_kg,
                drag_area_m2=v.drag_area_m2,
                motor_mount=v.motor_mount,
                battery_connector=v.battery_connector,
                payload_mounts=tuple(v.payload_mounts),
                battery_slots=v.battery_slots,
                avionics_power_w=v.avionics_power_w,
                max_speed_mps=v.max_speed_mps,
                max_wind_mps=v.max_wind_mps,
            )
            for k, v in file.frames.items()
        }
        self.motors = {
            k: Motor(name=k, **v.model_dump(include=set(Motor.__dataclass_fields__) - {"name"}))
            for k, v in file.motors.items()
        }
        self.propellers = {
            k: Propeller(
                name=k, **v.model_dump(include=set(Propeller.__dataclass_fields__) - {"name"})
            )
            for k, v in file.propellers.items()
        }
        self.escs = {
            k: Esc(name=k, **v.model_dump(include=set(Esc.__dataclass_fields__) - {"name"}))
            for k, v in file.escs.items()
        }
        self.facts: dict[str, PartFacts] = part_facts(file)

    def preset_parts(self, name: str) -> list[tuple[str, int]]:
        """The catalogue parts a preset is assembled from, with quantities (sub-parts
        that a part ``includes`` are not expanded).

        Raises
        ------
        AircraftError
            Unknown preset, or one whose airframe or rotor set names no parts.
        """
        if name not in self.file.aircraft:
            raise AircraftError(
                f"unknown aircraft '{name}' (presets: {', '.join(self.file.aircraft)})"
            )
        entry = self.file.aircraft[name]
        airframe = self.file.airframes[entry.airframe]
        rotors = self.file.rotors[entry.rotors]
        if airframe.frame is None or airframe.arms is None:
            raise AircraftError(f"airframes.{entry.airframe}: names no frame and arms")
        if rotors.motor is None or rotors.propeller is None:
            raise AircraftError(f"rotors.{entry.rotors}: names no motor and propeller")
        out = [(airframe.frame, 1), (self.file.frames[airframe.frame].arm, airframe.arms)]
        out += [(rotors.motor, rotors.count), (rotors.propeller, rotors.count)]
        if rotors.esc is not None:
            out.append((rotors.esc, rotors.count))
        out.append((entry.battery, entry.battery_count))
        if entry.payload is not None:
            out.append((entry.payload, 1))
        return out


@cache
def catalogue() -> Catalogue:
    """The bundled catalogue (``airwork/data/catalogue.yaml``)."""
    text = resources.files("airwork").joinpath("data/catalogue.yaml").read_text("utf-8")
    return Catalogue(yaml.safe_load(text), "catalogue.yaml")


def load_catalogue(path: str | Path | None = None) -> Catalogue:
    """A catalogue file (another version of the bundled one); ``None``: the bundled one.

    Raises
    ------
    InputFileError
        Missing or unreadable file.
    AircraftError
        An invalid catalogue, with the place of every problem.
    """
    if path is None:
        return catalogue()
    p = Path(path)
    if not p.is_file():
        raise InputFileError(f"{p}: catalogue file not found")
    try:
        data = yaml.safe_load(p.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputFileError(f"{p}: cannot read catalogue: {exc}") from exc
    return Catalogue(data, str(p))


def preset_names() -> list[str]:
    """Names of the bundled aircraft presets."""
    return list(catalogue().aircraft)


class CameraSpec(BaseModel):
    """Camera keys of a spec-sheet file (or the name of a catalogue camera)."""

    model_config = ConfigDict(extra="forbid")
    sensor_width_mm: float = Field(gt=0, le=100)
    sensor_height_mm: float = Field(gt=0, le=100)
    image_width_px: int = Field(gt=0)
    image_height_px: int = Field(gt=0)
    focal_length_mm: float = Field(gt=0, le=1000)
    max_zoom: float = Field(1.0, ge=1)
    mass_kg: float = Field(0.2, ge=0)
    min_trigger_interval_s: float = Field(2.0, gt=0)


class CalibrationSpec(BaseModel):
    """Factors fitted by ``airwork aircraft calibrate`` from flown logs."""

    model_config = ConfigDict(extra="forbid")
    power_factor: float = Field(1.0, ge=0.3, le=3.0)
    energy_factor: float = Field(1.0, ge=0.3, le=3.0)
    flights: int = Field(0, ge=0)
    source: str = ""


class DesignPartsSpec(BaseModel):
    """The catalogue parts a designed aircraft is built from (``airwork design --write``):
    the bill of materials and the production plan read them; the physics is the sheet's."""

    model_config = ConfigDict(extra="forbid")
    frame: str
    arms: int = Field(ge=3, le=16)
    coaxial: bool = False
    motor: str
    propeller: str
    esc: str | None = None
    battery: str
    packs: int = Field(1, ge=1, le=16)
    payload: str | None = None


class AircraftSpec(BaseModel):
    """An aircraft described from its spec sheet alone (YAML file).

    Required: ``name``, ``rotor_count``, ``rotor_diameter_m``, ``mass_kg`` (ready to fly
    with batteries, no payload), ``battery_energy_wh`` (all packs), ``max_takeoff_mass_kg``.
    Everything else has a sensible default.  Payload keys (at most one system):
    ``tank_l`` (+ ``swath_m``), ``spreader_kg`` (+ ``swath_m``), ``camera`` (a catalogue
    camera name or its keys), ``cargo_kg`` (+ ``winch_length_m``).  Battery keys:
    ``battery_cells``, ``battery_chemistry`` (``lipo``, ``lihv``, ``li-ion``),
    ``battery_capacity_ah``, ``battery_packs``, ``battery_resistance_ohm`` (all packs
    together), ``battery_c_rating``, ``temperature_c``.  Motor keys (where the maker
    publishes them; they give the thrust limit): ``motor_kv``, ``motor_power_w`` (per motor),
    ``motor_resistance_ohm``, ``motor_no_load_a``, ``thrust_to_weight`` (at the maximum
    take-off mass).  ``calibration`` holds the factors ``airwork aircraft calibrate`` fits;
    ``parts`` the catalogue parts of a designed aircraft (for its bill of materials).
    """

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1)
    rotor_count: int = Field(ge=3, le=32)
    rotor_diameter_m: float = Field(gt=0.05, le=5.0)
    coaxial: bool = False
    mass_kg: float = Field(gt=0, le=500)
    battery_energy_wh: float = Field(gt=0, le=50_000)
    max_takeoff_mass_kg: float = Field(gt=0, le=600)
    max_speed_mps: float = Field(15.0, gt=0, le=60)
    max_wind_mps: float = Field(10.0, gt=0, le=40)
    description: str = ""
    # payload system
    tank_l: float | None = Field(None, gt=0, le=200)
    spreader_kg: float | None = Field(None, gt=0, le=300)
    swath_m: float | None = Field(None, gt=0, le=50)
    max_flow_l_per_min: float | None = Field(None, gt=0)
    camera: str | CameraSpec | None = None
    cargo_kg: float | None = Field(None, gt=0, le=200)
    winch_length_m: float = Field(0.0, ge=0, le=100)
    payload_power_w: float | None = Field(None, ge=0)
    # battery (energy_wh above is all packs; the rest describes one pack set)
    battery_packs: int = Field(1, ge=1, le=16)
    battery_cells: int | None = Field(None, ge=1, le=30)
    battery_chemistry: Literal["lipo", "lihv", "li-ion"] = "lipo"
    battery_capacity_ah: float | None = Field(None, gt=0, le=2000)
    battery_resistance_ohm: float | None = Field(None, gt=0, le=10)
    battery_c_rating: float | None = Field(None, gt=0, le=200)
    battery_usable_frac: float | None = Field(None, ge=0.5, le=1.0)
    temperature_c: float = Field(25.0, ge=-30, le=60)
    # motors (where the maker publishes them: they give the thrust limit)
    motor_kv: float | None = Field(None, gt=0, le=10000)
    motor_resistance_ohm: float | None = Field(None, gt=0, le=10)
    motor_no_load_a: float | None = Field(None, ge=0, le=100)
    motor_power_w: float | None = Field(None, gt=0, le=50000)
    thrust_to_weight: float | None = Field(None, gt=1, le=10)
    # model parameters (None: derived from size and load, see docs/physics.md)
    figure_of_merit: float | None = Field(None, ge=0.3, le=0.85)
    drive_efficiency: float | None = Field(None, ge=0.5, le=1.0)
    rotor_solidity: float = Field(0.08, gt=0.01, le=0.5)
    blade_loading: float = Field(0.10, gt=0.02, le=0.2)
    tip_speed_mps: float | None = Field(None, gt=10, le=300)
    drag_area_m2: float | None = Field(None, gt=0, le=10)
    reserve_frac: float = Field(0.2, ge=0, lt=0.9)
    avionics_power_w: float | None = Field(None, ge=0)
    calibration: CalibrationSpec | None = None
    parts: DesignPartsSpec | None = None
    # fixed-wing VTOL
    wing_area_m2: float | None = Field(None, gt=0)
    wingspan_m: float | None = Field(None, gt=0)
    cruise_speed_mps: float | None = Field(None, gt=0)
    stall_speed_mps: float | None = Field(None, gt=0)
    kind: Literal["multirotor", "vtol"] = "multirotor"

    @model_validator(mode="after")
    def _check(self) -> AircraftSpec:
        systems = [
            k
            for k in ("tank_l", "spreader_kg", "camera", "cargo_kg")
            if getattr(self, k) is not None
        ]
        if len(systems) > 1:
            raise ValueError(f"give one payload system, got {', '.join(systems)}")
        if self.coaxial and self.rotor_count % 2:
            raise ValueError(f"coaxial rotors come in pairs, rotor_count={self.rotor_count}")
        if self.mass_kg > self.max_takeoff_mass_kg:  # at the limit is legal
            raise ValueError(
                f"mass_kg {self.mass_kg} is above max_takeoff_mass_kg {self.max_takeoff_mass_kg}"
            )
        if (self.wing_area_m2 is None) != (self.wingspan_m is None):
            raise ValueError("a wing needs both wing_area_m2 and wingspan_m")
        return self


# Typical specific energy of drone packs, used only to split the spec-sheet mass into
# battery and airframe (the total is what the physics uses). [Wh/kg]
_PACK_WH_PER_KG = 150.0


def _drag_area_default(mass_kg: float) -> float:
    """Body :math:`C_D A` from mass when the sheet gives none: 0.03 m² kg^-2/3 · m^2/3,
    a fit to the frontal areas (Cd ~ 1) of small to large multirotors [m²]."""
    return 0.03 * mass_kg ** (2.0 / 3.0)


def _payload_from_spec(spec: AircraftSpec) -> PayloadSystem | None:
    """The payload system a spec sheet describes (at most one)."""
    payload: PayloadSystem | None = None
    if spec.tank_l is not None:
        payload = SprayTank(
            name=f"{spec.name}-tank",
            mass_kg=0.0,
            power_w=spec.payload_power_w or 2.0 * spec.tank_l,
            max_payload_kg=spec.tank_l,
            capacity_l=spec.tank_l,
            swath_m=spec.swath_m or max(3.0, 0.28 * spec.tank_l),
            max_flow_l_per_min=spec.max_flow_l_per_min or 0.3 * spec.tank_l,
        )
    elif spec.spreader_kg is not None:
        payload = Spreader(
            name=f"{spec.name}-spreader",
            mass_kg=0.0,
            power_w=spec.payload_power_w or 150.0,
            max_payload_kg=spec.spreader_kg,
            capacity_kg=spec.spreader_kg,
            swath_m=spec.swath_m or 7.0,
        )
    elif isinstance(spec.camera, str):
        cam = catalogue().payloads.get(spec.camera)
        if not isinstance(cam, Camera):
            cams = [k for k, v in catalogue().payloads.items() if isinstance(v, Camera)]
            raise AircraftError(
                f"aircraft '{spec.name}': unknown camera '{spec.camera}' (known: {', '.join(cams)})"
            )
        payload = cam
    elif isinstance(spec.camera, CameraSpec):
        payload = Camera(
            name=f"{spec.name}-camera",
            power_w=spec.payload_power_w or 8.0,
            **spec.camera.model_dump(),
        )
    elif spec.cargo_kg is not None:
        payload = CargoBay(
            name=f"{spec.name}-cargo",
            mass_kg=0.0,
            power_w=spec.payload_power_w or 15.0,
            max_payload_kg=spec.cargo_kg,
            winch_length_m=spec.winch_length_m,
        )
    return payload


def aircraft_from_spec(spec: AircraftSpec) -> Aircraft:
    """Assemble an :class:`Aircraft` from a validated spec sheet."""
    payload = _payload_from_spec(spec)
    # The spec-sheet mass already includes the payload system: keep it in the airframe.
    payload_mass = payload.mass_kg if payload is not None else 0.0
    battery_mass = min(spec.battery_energy_wh / _PACK_WH_PER_KG, 0.6 * spec.mass_kg)
    airframe_mass = spec.mass_kg - battery_mass - payload_mass
    if airframe_mass <= 0:
        raise AircraftError(
            f"aircraft '{spec.name}': mass_kg {spec.mass_kg} is less than its camera and "
            f"battery ({payload_mass + battery_mass:.2f} kg)"
        )
    wing = None
    if spec.wing_area_m2 is not None and spec.wingspan_m is not None:
        wing = Wing(
            area_m2=spec.wing_area_m2,
            span_m=spec.wingspan_m,
            cruise_speed_mps=spec.cruise_speed_mps or 16.0,
            stall_speed_mps=spec.stall_speed_mps or 11.0,
        )
    vehicle = (
        "vtol"
        if wing
        else {4: "quadrotor", 6: "hexarotor", 8: "octorotor"}.get(spec.rotor_count, "quadrotor")
    )
    airframe = Airframe(
        name=f"{spec.name}-frame",
        mass_kg=airframe_mass,
        max_takeoff_mass_kg=spec.max_takeoff_mass_kg,
        drag_area_m2=spec.drag_area_m2 or _drag_area_default(spec.mass_kg),
        max_speed_mps=spec.max_speed_mps,
        max_wind_mps=spec.max_wind_mps,
        avionics_power_w=(
            spec.avionics_power_w
            if spec.avionics_power_w is not None
            else 10.0 + 2.0 * spec.mass_kg
        ),
        vehicle=vehicle,
        wing=wing,
    )
    rotors = RotorSet(
        name=f"{spec.name}-rotors",
        count=spec.rotor_count,
        diameter_m=spec.rotor_diameter_m,
        coaxial=spec.coaxial,
        figure_of_merit=spec.figure_of_merit,
        drive_efficiency=spec.drive_efficiency,
        tip_speed_mps=spec.tip_speed_mps,
        solidity=spec.rotor_solidity,
        blade_loading=spec.blade_loading,
        motor_kv=spec.motor_kv,
        motor_resistance_ohm=spec.motor_resistance_ohm,
        motor_no_load_a=spec.motor_no_load_a,
        motor_power_w=spec.motor_power_w,
        thrust_to_weight=spec.thrust_to_weight,
    )
    return Aircraft(
        name=spec.name,
        airframe=airframe,
        rotors=rotors,
        battery=_battery_from_spec(spec, battery_mass),
        battery_count=spec.battery_packs,
        payload=payload,
        reserve_frac=spec.reserve_frac,
        description=spec.description,
        temperature_c=spec.temperature_c,
        calibration=Calibration(**spec.calibration.model_dump()) if spec.calibration else None,
    )


def _default_cells(energy_wh: float) -> int:
    """Cells in series when the sheet gives none: 4S up to 100 Wh, 6S up to 400 Wh, else
    12S (the classes of small, mid-size and large drone packs); only the reported pack
    voltage and a Kv thrust limit depend on it."""
    return 4 if energy_wh <= 100 else 6 if energy_wh <= 400 else 12


def _battery_from_spec(spec: AircraftSpec, battery_mass_kg: float) -> BatteryPack:
    packs = spec.battery_packs
    chem = CHEMISTRIES[spec.battery_chemistry]
    cells = spec.battery_cells or _default_cells(spec.battery_energy_wh / packs)
    return BatteryPack(
        name=f"{spec.name}-battery",
        energy_wh=spec.battery_energy_wh / packs,
        mass_kg=battery_mass_kg / packs,
        voltage_v=cells * chem.v_label_v,
        usable_frac=spec.battery_usable_frac,
        cells=cells,
        chemistry=spec.battery_chemistry,
        capacity_ah=None if spec.battery_capacity_ah is None else spec.battery_capacity_ah / packs,
        resistance_ohm=(
            None if spec.battery_resistance_ohm is None else spec.battery_resistance_ohm * packs
        ),
        c_rating=spec.battery_c_rating,
    )


def _format_validation(
    path: str, exc: ValidationError, what: str = "invalid aircraft description"
) -> str:
    lines = [f"{path}: {what}:"]
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "(file)"
        lines.append(f"  {loc}: {err['msg']}")
    return "\n".join(lines)


class CalibratedPresetSpec(BaseModel):
    """A preset with a calibration fitted from its logs (``airwork aircraft calibrate``)."""

    model_config = ConfigDict(extra="forbid")
    preset: str
    calibration: CalibrationSpec | None = None
    reserve_frac: float | None = Field(None, ge=0, lt=0.9)
    temperature_c: float | None = Field(None, ge=-30, le=60)


def _from_preset_file(path: Path, data: dict[str, Any]) -> Aircraft:
    try:
        spec = CalibratedPresetSpec.model_validate(data)
    except ValidationError as exc:
        raise AircraftError(_format_validation(str(path), exc)) from None
    presets = catalogue().aircraft
    if spec.preset not in presets:
        raise AircraftError(
            f"{path}: preset: unknown aircraft '{spec.preset}' (presets: {', '.join(presets)})"
        )
    ac = presets[spec.preset]
    if spec.calibration is not None:
        ac = ac.with_calibration(Calibration(**spec.calibration.model_dump()))
    if spec.reserve_frac is not None:
        ac = ac.with_reserve(spec.reserve_frac)
    if spec.temperature_c is not None:
        ac = ac.with_temperature(spec.temperature_c)
    return ac


def read_aircraft_file(path: Path) -> dict[str, Any]:
    """The mapping of keys in an aircraft YAML file.

    Raises
    ------
    InputFileError
        Missing, unreadable or empty file.
    """
    if not path.is_file():
        raise InputFileError(f"{path}: aircraft file not found")
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise InputFileError(f"{path}: cannot read aircraft file: {exc}") from exc
    if not isinstance(data, dict) or not data:
        raise InputFileError(f"{path}: aircraft file is empty or not a mapping of keys")
    return data


def load_aircraft(name_or_path: str | Path) -> Aircraft:
    """A preset by name, or an aircraft from a YAML file: a spec sheet
    (:class:`AircraftSpec`), a calibrated preset (``preset:`` and ``calibration:``) or a
    whole aircraft as :func:`~airwork.aircraft.serial.aircraft_to_dict` writes it.

    Raises
    ------
    AircraftError
        Unknown name, or an impossible description (with the key at fault).
    InputFileError
        Unreadable or empty file.
    """
    key = str(name_or_path)
    presets = catalogue().aircraft
    if key in presets:
        return presets[key]
    path = Path(key)
    if path.suffix.lower() not in (".yaml", ".yml", ".json") and not path.exists():
        raise AircraftError(
            f"unknown aircraft '{key}': not a preset ({', '.join(presets)}) nor a YAML file"
        )
    data = read_aircraft_file(path)
    if data.get("type") == "Aircraft":  # a whole aircraft as a mission file carries it
        from airwork.aircraft.serial import aircraft_from_dict

        return aircraft_from_dict(data, str(path))
    if "preset" in data:
        return _from_preset_file(path, data)
    try:
        spec = AircraftSpec.model_validate(data)
    except ValidationError as exc:
        raise AircraftError(_format_validation(str(path), exc)) from None
    return aircraft_from_spec(spec)
