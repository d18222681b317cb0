"""The survey planner's problem, parameters and result (PyVRP-style frozen types)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
import shapely.affinity

from airwork.aircraft.components import Camera
from airwork.aircraft.model import Aircraft
from airwork.errors import GeometryError
from airwork.geo.frame import LocalFrame
from airwork.mission.model import Feature, Mission
from airwork.planners.coverage import (
    obstacle_zones,
)

__all__ = [
    "DEFAULT_ALTITUDE_M",
    "MAX_ALTITUDE_M",
    "SurveyParams",
    "SurveyProblem",
    "SurveyResult",
    "SurveySortieReport",
]

DEFAULT_ALTITUDE_M = 80.0
"""Survey altitude above take-off when neither a GSD nor an altitude is given. [m]"""

MAX_ALTITUDE_M = 120.0
"""Default ceiling: the usual legal limit for drones (EU open category, 120 m above the
closest point of the ground; US Part 107, 400 ft). [m]"""

_EPS = 1e-9


# ----------------------------------------------------------------------------- problem, params
@dataclass(frozen=True)
class SurveyProblem:
    """What to map, from where, with which aircraft (local frame, metres).

    Attributes
    ----------
    area : shapely Polygon or MultiPolygon
        Area to map. [m]
    stations : (n, 2) array-like
        Take-off / battery-swap points. [m]
    aircraft : Aircraft
        Must carry a :class:`~airwork.aircraft.components.Camera` unless
        :attr:`SurveyParams.camera` is given (checked by :func:`plan_survey`).
    frame : LocalFrame
        For the exported mission.
    features : tuple of Feature
        Input features carried to maps and GeoJSON.
    obstacles : geometry or None
        Obstacle footprints (masts, pylons, tall trees): never flown through, nor within
        ``clearance_m`` of them; photo lines are cut where they cross. [m]
    clearance_m : float
        Horizontal clearance kept from obstacles. [m]
    name : str
    """

    area: shapely.Geometry
    stations: tuple[tuple[float, float], ...]
    aircraft: Aircraft
    frame: LocalFrame
    features: tuple[Feature, ...] = ()
    obstacles: shapely.Geometry | None = None
    clearance_m: float = 5.0
    name: str = "survey"

    def __post_init__(self) -> None:
        if self.area is None or self.area.is_empty:
            raise GeometryError(f"{self.name}: the area to map is empty")
        if self.area.geom_type not in ("Polygon", "MultiPolygon"):
            raise GeometryError(
                f"{self.name}: the area to map must be a polygon, got {self.area.geom_type}"
            )
        if not self.area.is_valid:
            raise GeometryError(
                f"{self.name}: invalid area geometry: {shapely.is_valid_reason(self.area)}"
            )
        if self.area.area < 1.0:
            raise GeometryError(f"{self.name}: the area to map is {self.area.area:.2f} m²")
        if not len(self.stations):
            raise GeometryError(f"{self.name}: no station to take off from")
        st = np.asarray(self.stations, dtype=float)
        if st.ndim != 2 or st.shape[1] != 2 or not np.isfinite(st).all():
            raise GeometryError(f"{self.name}: stations must be finite (x, y) pairs, got {st}")
        if not (math.isfinite(self.clearance_m) and self.clearance_m >= 0):
            raise GeometryError(f"{self.name}: clearance_m must be >= 0, got {self.clearance_m}")
        obstacles = self.obstacles
        if obstacles is not None and not obstacles.is_empty and not obstacles.is_valid:
            raise GeometryError(
                f"{self.name}: invalid obstacles geometry: "
                f"{shapely.is_valid_reason(self.obstacles)}"
            )

    def replace(self, **changes) -> SurveyProblem:
        """A checked copy with some attributes changed (what-if variants)."""
        return replace(self, **changes)

    @property
    def forbidden(self) -> shapely.Geometry | None:
        """Obstacles grown by the clearance: the aircraft never enters them. [m]"""
        return obstacle_zones(self.obstacles, self.clearance_m)


@dataclass(frozen=True)
class SurveyParams:
    """Settings of a mapping survey.

    Attributes
    ----------
    gsd_cm : float or None
        Wanted ground sample distance; sets the altitude. [cm]
    altitude_m : float or None
        Survey altitude above take-off (≈ above ground on flat land); give this or
        ``gsd_cm``, not both.  Default :data:`DEFAULT_ALTITUDE_M` when neither is given. [m]
    front_overlap, side_overlap : float
        Shares of an image seen again in the next photo / from the next line, in [0, 0.95). [-]
    crosshatch : bool
        Fly a second grid at 90° after the first (for 3D reconstruction).
    angle_deg : float or None
        Line direction, counter-clockwise from local east; default the candidate direction
        (longest edges, compass directions) of least estimated flight time. [°]
    speed_mps : float or None
        Work speed; default the aircraft's cruise speed, lowered so photos ``trigger`` metres
        apart are at least the camera's ``min_trigger_interval_s`` apart. [m/s]
    transit_height_m : float or None
        Height of take-off, ferry and return flights; default the survey altitude. [m]
    extend_m : float or None
        Length added to both ends of every line (camera on); default one footprint along
        the track. [m]
    camera : Camera or None
        Camera to fly instead of the aircraft's payload (it becomes the aircraft's payload
        for mass and power).
    reserve_frac : float or None
        Landing reserve as a share of usable energy; default the aircraft's. [-]
    max_altitude_m : float
        Highest survey or transit altitude accepted; raise it only where the operation is
        authorised higher. [m]
    """

    gsd_cm: float | None = None
    altitude_m: float | None = None
    front_overlap: float = 0.75
    side_overlap: float = 0.70
    crosshatch: bool = False
    angle_deg: float | None = None
    speed_mps: float | None = None
    transit_height_m: float | None = None
    extend_m: float | None = None
    camera: Camera | None = None
    reserve_frac: float | None = None
    max_altitude_m: float = MAX_ALTITUDE_M

    def __post_init__(self) -> None:
        if self.gsd_cm is not None and self.altitude_m is not None:
            raise ValueError(
                f"Give gsd_cm or altitude_m, not both (got gsd_cm={self.gsd_cm}, "
                f"altitude_m={self.altitude_m}): the GSD sets the altitude."
            )
        if not (math.isfinite(self.max_altitude_m) and 0 < self.max_altitude_m <= 1000.0):
            raise ValueError(f"Expected max_altitude_m in (0, 1000], got {self.max_altitude_m}.")
        for key in ("front_overlap", "side_overlap"):
            value = getattr(self, key)
            if not (math.isfinite(value) and 0.0 <= value < 0.95):
                raise ValueError(f"Expected {key} in [0, 0.95), got {value}.")
        for key in ("altitude_m", "transit_height_m"):
            value = getattr(self, key)
            if value is None:
                continue
            if not (math.isfinite(value) and value > 0):
                raise ValueError(f"Expected {key} > 0 m, got {value}.")
            if value > self.max_altitude_m:
                raise ValueError(
                    f"{key} {value:g} m is above the {self.max_altitude_m:g} m ceiling "
                    f"(the usual legal limit for drones); set max_altitude_m if the operation "
                    f"is authorised higher."
                )
        checks = {}
        if self.gsd_cm is not None:
            checks["gsd_cm"] = (self.gsd_cm, 0.0, 100.0)
        if self.speed_mps is not None:
            checks["speed_mps"] = (self.speed_mps, 0.0, 100.0)
        for key, (value, lo, hi) in checks.items():
            if not (math.isfinite(value) and lo < value <= hi):
                raise ValueError(f"Expected {key} in ({lo:g}, {hi:g}], got {value}.")
        if self.extend_m is not None and not (
            math.isfinite(self.extend_m) and 0 <= self.extend_m <= 1000
        ):
            raise ValueError(f"Expected extend_m in [0, 1000], got {self.extend_m}.")
        if self.reserve_frac is not None and not (0.0 <= self.reserve_frac < 0.9):
            raise ValueError(f"Expected reserve_frac in [0, 0.9), got {self.reserve_frac}.")
        if self.angle_deg is not None and not math.isfinite(self.angle_deg):
            raise ValueError(f"Expected a finite angle_deg, got {self.angle_deg}.")
        if self.camera is not None and not isinstance(self.camera, Camera):
            raise ValueError(f"Expected camera to be a Camera, got {type(self.camera).__name__}.")


# ----------------------------------------------------------------------------- result
@dataclass(frozen=True)
class SurveySortieReport:
    """Figures of one sortie: photos [-], times [s], energy [Wh], distances [m]."""

    sortie: int
    photos: int
    flight_time_s: float
    energy_wh: float
    battery_frac: float
    camera_distance_m: float
    distance_m: float


@dataclass(frozen=True)
class SurveyResult:
    """Outcome of :func:`plan_survey`.

    Attributes
    ----------
    mission : Mission
        Kind ``"survey"``; camera legs have ``leg.camera`` set.
    gsd_m : float
        Ground sample distance at the survey altitude. [m]
    altitude_m : float
        Survey altitude above take-off. [m]
    footprint_across_m, footprint_along_m : float
        Ground footprint of one image. [m]
    line_spacing_m : float
        Largest spacing the side overlap allows; lines are evenly spaced at most this. [m]
    trigger_distance_m : float
        Distance between photos. [m]
    photo_count : int
        Photos of every camera run, :func:`photo_count` summed. [-]
    area_ha : float
        Area to map. [ha]
    speed_mps : float
        Work speed. [m/s]
    angle_deg : float
        Direction of the first grid's lines, counter-clockwise from local east. [°]
    line_count : int
        Lines of all grids. [-]
    cell_count : int
        Blocks flown back and forth (several where lines split around gaps or obstacles). [-]
    flight_time_s : float
    energy_wh : float
    sorties : tuple of SurveySortieReport
    runtime_s : float
        Planning time. [s]
    warnings : tuple of str
    """

    mission: Mission
    gsd_m: float
    altitude_m: float
    footprint_across_m: float
    footprint_along_m: float
    line_spacing_m: float
    trigger_distance_m: float
    photo_count: int
    area_ha: float
    speed_mps: float
    angle_deg: float
    line_count: int
    cell_count: int
    front_overlap: float
    side_overlap: float
    crosshatch: bool
    flight_time_s: float
    energy_wh: float
    sorties: tuple[SurveySortieReport, ...]
    runtime_s: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self) -> None:
        if self.runtime_s < 0:
            raise ValueError(f"Expected runtime_s >= 0, got {self.runtime_s}.")

    @property
    def path_length_m(self) -> float:
        return self.mission.distance_m

    @property
    def camera_path_m(self) -> float:
        """Distance flown with the camera trigger on. [m]"""
        return float(sum(s.camera_distance_m for s in self.sorties))

    def summary(self) -> dict:
        """Plain figures for tables and ``summary.json``."""
        return {
            "job": self.mission.kind,
            "aircraft": self.mission.aircraft_name,
            "area_ha": round(self.area_ha, 4),
            "gsd_cm": round(self.gsd_m * 100.0, 3),
            "altitude_m": round(self.altitude_m, 2),
            "footprint_across_m": round(self.footprint_across_m, 2),
            "footprint_along_m": round(self.footprint_along_m, 2),
            "front_overlap": self.front_overlap,
            "side_overlap": self.side_overlap,
            "line_spacing_m": round(self.line_spacing_m, 3),
            "trigger_distance_m": round(self.trigger_distance_m, 3),
            "speed_mps": round(self.speed_mps, 3),
            "angle_deg": round(self.angle_deg, 2),
            "crosshatch": self.crosshatch,
            "lines": self.line_count,
            "cells": self.cell_count,
            "photos": self.photo_count,
            "sorties": len(self.sorties),
            "path_length_m": round(self.path_length_m, 1),
            "camera_path_m": round(self.camera_path_m, 1),
            "flight_time_s": round(self.flight_time_s, 1),
            "energy_wh": round(self.energy_wh, 1),
            "planning_time_s": round(self.runtime_s, 4),
            "warnings": list(self.warnings),
            "per_sortie": [
                {
                    "sortie": s.sortie,
                    "photos": s.photos,
                    "flight_time_s": round(s.flight_time_s, 1),
                    "energy_wh": round(s.energy_wh, 1),
                    "battery_fraction": round(s.battery_frac, 4),
                    "camera_distance_m": round(s.camera_distance_m, 1),
                    "distance_m": round(s.distance_m, 1),
                }
                for s in self.sorties
            ],
        }
