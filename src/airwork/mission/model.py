"""Typed mission model: a Mission of Sorties, each a path of Waypoints joined by Legs.

Coordinates are metres in the mission's local frame (``Mission.frame``); altitudes are
metres in the mission's ``altitude_ref``.  A sortie is one battery and one load: it starts
on the ground at a station and ends on the ground at a station.  Leg ``i`` joins waypoint
``i`` to waypoint ``i + 1``; actions on a waypoint run on arrival, before the next leg.
Every leg carries the aircraft model's prediction of its time, energy and battery share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.geo.frame import LocalFrame

__all__ = [
    "Action",
    "ActionKind",
    "AltitudeRef",
    "Feature",
    "Leg",
    "LegKind",
    "Mission",
    "Sortie",
    "Waypoint",
]


class AltitudeRef(StrEnum):
    """What a waypoint altitude is measured from."""

    TAKEOFF = "takeoff"  #: above the take-off point (MAVLink frame 3)
    GROUND = "ground"  #: above the terrain below (MAVLink frame 10)
    MSL = "msl"  #: above mean sea level (MAVLink frame 0)


class LegKind(StrEnum):
    """Role of a leg in a sortie."""

    TAKEOFF = "takeoff"
    TRANSIT = "transit"
    WORK = "work"
    RETURN = "return"
    LANDING = "landing"


class ActionKind(StrEnum):
    """Things the aircraft does on reaching a waypoint."""

    SPRAY_ON = "spray_on"
    SPRAY_OFF = "spray_off"
    CAMERA_TRIGGER_DISTANCE = "camera_trigger_distance"  #: value = distance [m]; 0 stops
    CAMERA_PHOTO = "camera_photo"  #: one photo now
    GIMBAL = "gimbal"  #: value = pitch [°] (negative down), value2 = yaw [°]
    POINT_CAMERA = "point_camera"  #: target = (x [m], y [m], alt [m]); None target cancels
    PAYLOAD_RELEASE = "payload_release"
    WINCH = "winch"  #: value = line length [m]


@dataclass(frozen=True, slots=True)
class Action:
    """An action run on arrival at a waypoint."""

    kind: ActionKind
    value: float = 0.0
    value2: float = 0.0
    target_m: tuple[float, float, float] | None = None


@dataclass(frozen=True, slots=True)
class Waypoint:
    """A point of the path in the local frame.

    Attributes
    ----------
    x_m, y_m : float
        Position in the mission frame. [m]
    alt_m : float
        Altitude in the mission's altitude reference. [m]
    hold_s : float
        Time to hover on arrival. [s]
    actions : tuple of Action
        Run on arrival.
    """

    x_m: float
    y_m: float
    alt_m: float
    hold_s: float = 0.0
    actions: tuple[Action, ...] = ()


@dataclass(frozen=True, slots=True)
class Leg:
    """Flight from one waypoint to the next, with the aircraft model's prediction.

    Attributes
    ----------
    kind : LegKind
    speed_mps : float
        Commanded speed along the leg (vertical speed for take-off and landing). [m/s]
    payload_kg : float
        Payload mass at the start of the leg. [kg]
    payload_end_kg : float
        Payload mass at the end of the leg (less where it is sprayed or dropped). [kg]
    spraying, camera : bool
        Whether the sprayer / distance camera trigger runs along the leg.
    distance_m : float
        Horizontal length. [m]
    climb_m : float
        Altitude change, positive up. [m]
    time_s, energy_wh : float
        Predicted duration [s] and battery energy [Wh], including any hold at the end.
    battery_frac : float
        Share of the usable battery energy this leg uses. [-]
    """

    kind: LegKind
    speed_mps: float
    payload_kg: float
    payload_end_kg: float
    spraying: bool
    camera: bool
    distance_m: float
    climb_m: float
    time_s: float
    energy_wh: float
    battery_frac: float


@dataclass(frozen=True)
class Sortie:
    """One flight: take-off to landing on one battery and one load.

    ``aircraft`` is set where a mission's sorties are flown by different aircraft (a
    delivery fleet); otherwise the mission's aircraft flies it (:meth:`Mission.aircraft_of`).
    """

    index: int
    waypoints: tuple[Waypoint, ...]
    legs: tuple[Leg, ...]
    station_index: int = 0
    landing_station_index: int = 0
    aircraft: Aircraft | None = None

    def __post_init__(self) -> None:
        if self.index < 1:
            raise ValueError(f"sortie index counts from 1, got {self.index}")
        if len(self.legs) != len(self.waypoints) - 1:
            raise ValueError(
                f"sortie {self.index}: {len(self.waypoints)} waypoints need "
                f"{len(self.waypoints) - 1} legs, got {len(self.legs)}"
            )

    @property
    def xy_m(self) -> np.ndarray:
        """Waypoint positions as an (n, 2) array. [m]"""
        return np.array([(w.x_m, w.y_m) for w in self.waypoints], dtype=float)

    @property
    def time_s(self) -> float:
        return float(sum(leg.time_s for leg in self.legs))

    @property
    def energy_wh(self) -> float:
        return float(sum(leg.energy_wh for leg in self.legs))

    @property
    def battery_frac(self) -> float:
        return float(sum(leg.battery_frac for leg in self.legs))

    @property
    def distance_m(self) -> float:
        return float(sum(leg.distance_m for leg in self.legs))

    @property
    def work_distance_m(self) -> float:
        return float(sum(leg.distance_m for leg in self.legs if leg.kind == LegKind.WORK))

    @property
    def payload_start_kg(self) -> float:
        return self.legs[0].payload_kg if self.legs else 0.0

    @property
    def payload_used_kg(self) -> float:
        return float(sum(leg.payload_kg - leg.payload_end_kg for leg in self.legs))


@dataclass(frozen=True)
class Feature:
    """An input feature carried with the mission for maps and exports (local frame)."""

    role: str
    geometry: shapely.Geometry
    properties: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Mission:
    """A complete job: sorties in a local frame plus what is needed to export them.

    Attributes
    ----------
    name : str
    frame : LocalFrame
        Local metric frame of every coordinate here.
    altitude_ref : AltitudeRef
        Reference of every waypoint altitude.
    sorties : tuple of Sortie
    aircraft_name : str
    usable_energy_wh : float
        Usable battery energy of the aircraft (before reserve). [Wh]
    reserve_frac : float
        Share of usable energy kept for landing. [-]
    stations : tuple of (x, y)
        Take-off/landing/refill points. [m]
    station_names : tuple of (str or None)
        The name of each station (``name``, else ``id``, of the site's station or hub it
        is), None for one the planner placed itself; empty when nobody named them.
    home_amsl_m : float
        Ground elevation of the first station above mean sea level. [m]
    geofence : shapely Polygon or None
        Inclusion fence in the local frame.
    features : tuple of Feature
        Input features (field, obstacles, ...) for maps and GeoJSON.
    kind : str
        Job kind, e.g. ``"spray"``.
    cruise_speed_mps : float
        Default transit speed. [m/s]
    vehicle : str
        ``quadrotor``, ``hexarotor``, ``octorotor`` or ``vtol`` (for exporters).
    aircraft : Aircraft or None
        The aircraft the mission was planned for (model and components, so that a check
        re-prices it exactly, spec-sheet aircraft included).
    meta : dict
        Kind-specific facts an exporter may need beyond the path (e.g. a survey's line
        spacing and angle for QGroundControl's editable Survey item). JSON-safe values.
    """

    name: str
    frame: LocalFrame
    altitude_ref: AltitudeRef
    sorties: tuple[Sortie, ...]
    aircraft_name: str
    usable_energy_wh: float
    reserve_frac: float
    stations: tuple[tuple[float, float], ...]
    home_amsl_m: float = 0.0
    geofence: shapely.Polygon | None = None
    features: tuple[Feature, ...] = ()
    kind: str = "generic"
    cruise_speed_mps: float = 5.0
    vehicle: str = "quadrotor"
    aircraft: Aircraft | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    station_names: tuple[str | None, ...] = ()

    def __post_init__(self) -> None:
        if self.station_names and len(self.station_names) != len(self.stations):
            raise ValueError(
                f"station_names has {len(self.station_names)} names for "
                f"{len(self.stations)} stations"
            )

    def station_name(self, index: int) -> str:
        """The name of station ``index`` (from 0): its own, else ``station N`` (from 1)."""
        own = self.station_names[index] if index < len(self.station_names) else None
        return own if own else f"station {index + 1}"

    @classmethod
    def flown_by(cls, aircraft: Aircraft, **fields: Any) -> Mission:
        """A mission of one aircraft: its name, usable energy, reserve and vehicle type
        taken from it; altitudes above take-off unless ``altitude_ref`` is given; every
        other field as for the constructor."""
        fields.setdefault("altitude_ref", AltitudeRef.TAKEOFF)
        return cls(
            aircraft_name=aircraft.name,
            aircraft=aircraft,
            usable_energy_wh=aircraft.usable_energy_wh,
            reserve_frac=aircraft.reserve_frac,
            vehicle=aircraft.airframe.vehicle,
            **fields,
        )

    def aircraft_of(self, sortie: Sortie) -> Aircraft | None:
        """The aircraft flying a sortie (its own, else the mission's)."""
        return sortie.aircraft if sortie.aircraft is not None else self.aircraft

    @property
    def time_s(self) -> float:
        return float(sum(s.time_s for s in self.sorties))

    @property
    def energy_wh(self) -> float:
        return float(sum(s.energy_wh for s in self.sorties))

    @property
    def distance_m(self) -> float:
        return float(sum(s.distance_m for s in self.sorties))

    def legs_table(self) -> list[dict[str, Any]]:
        """One dict per leg with its sortie, index and local start/end coordinates."""
        rows: list[dict[str, Any]] = []
        for s in self.sorties:
            for i, leg in enumerate(s.legs):
                a, b = s.waypoints[i], s.waypoints[i + 1]
                rows.append(
                    {
                        "sortie": s.index,
                        "leg": i,
                        "start": (a.x_m, a.y_m, a.alt_m),
                        "end": (b.x_m, b.y_m, b.alt_m),
                        "leg_obj": leg,
                    }
                )
        return rows
