"""The spray/spread planner's problem, parameters and result (PyVRP-style frozen types)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import shapely

from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError, GeometryError
from airwork.geo.frame import LocalFrame
from airwork.mission.model import Feature, Mission
from airwork.planners.coverage import (
    obstacle_zones,
)

__all__ = ["SortieReport", "SprayParams", "SprayProblem", "SprayResult"]

_EPS = 1e-9


@dataclass(frozen=True)
class SprayProblem:
    """What to spray, from where, with which aircraft (local frame, metres).

    Attributes
    ----------
    field : shapely Polygon or MultiPolygon
        Area to treat. [m]
    stations : (n, 2) array-like
        Take-off / refill / battery-swap points. [m]
    aircraft : Aircraft
        Needs a spray tank or a spreader.
    frame : LocalFrame
        For the exported mission.
    features : tuple of Feature
        Input features carried to maps and GeoJSON.
    name : str
    obstacles : geometry or None
        Obstacle footprints (pylons, trees, buildings): never flown through, nor within
        ``clearance_m`` of them, and never sprayed. [m]
    clearance_m : float
        Horizontal clearance kept from obstacles. [m]
    no_spray : geometry or None
        Zones that may be overflown but never sprayed (water buffers, neighbours). [m]
    """

    field: shapely.Geometry
    stations: tuple[tuple[float, float], ...]
    aircraft: Aircraft
    frame: LocalFrame
    features: tuple[Feature, ...] = ()
    name: str = "spray"
    obstacles: shapely.Geometry | None = None
    clearance_m: float = 5.0
    no_spray: shapely.Geometry | None = None

    def __post_init__(self) -> None:
        if self.field is None or self.field.is_empty:
            raise GeometryError(f"{self.name}: the field is empty")
        if self.field.geom_type not in ("Polygon", "MultiPolygon"):
            raise GeometryError(
                f"{self.name}: the field must be a polygon, got {self.field.geom_type}"
            )
        if not self.field.is_valid:
            raise GeometryError(
                f"{self.name}: invalid field geometry: {shapely.is_valid_reason(self.field)}"
            )
        if not self.stations:
            raise GeometryError(f"{self.name}: no station to take off from")
        if not (math.isfinite(self.clearance_m) and self.clearance_m >= 0):
            raise GeometryError(f"{self.name}: clearance_m must be >= 0, got {self.clearance_m}")
        for key in ("obstacles", "no_spray"):
            g = getattr(self, key)
            if g is not None and not g.is_empty and not g.is_valid:
                raise GeometryError(
                    f"{self.name}: invalid {key} geometry: {shapely.is_valid_reason(g)}"
                )
        if self.aircraft.spray_tank is None and self.aircraft.spreader is None:
            raise AircraftError(
                f"aircraft '{self.aircraft.name}' has no spray tank or spreader "
                f"(payload: {self.aircraft.payload.name if self.aircraft.payload else 'none'})"
            )

    def replace(self, **changes) -> SprayProblem:
        """A checked copy with some attributes changed (what-if variants)."""
        return replace(self, **changes)

    @property
    def forbidden(self) -> shapely.Geometry | None:
        """Obstacles grown by the clearance: the aircraft never enters them. [m]"""
        return obstacle_zones(self.obstacles, self.clearance_m)

    @property
    def sprayable(self) -> shapely.Geometry:
        """Field less obstacle zones and no-spray zones. [m]"""
        area = self.field
        for g in (self.forbidden, self.no_spray):
            if g is not None and not g.is_empty:
                area = shapely.difference(area, g)
        return area


@dataclass(frozen=True)
class SprayParams:
    """Settings of a spray or spread job.

    Attributes
    ----------
    rate_per_ha : float
        Application rate: litres per hectare for a sprayer, kilograms per hectare for a
        spreader. [L/ha or kg/ha]
    swath_m : float or None
        Effective swath; default from the payload system. [m]
    speed_mps : float or None
        Work speed; default 6 m/s, lowered if the pump or spreader cannot deliver the rate.
    height_m : float
        Work height above the take-off point (≈ above crop on flat fields). [m]
    transit_height_m : float
        Height of take-off, ferry and return flights. [m]
    transit_speed_mps : float or None
        Ferry speed; default the aircraft's cruise speed.
    angle_deg : float or None
        Swath direction, degrees counter-clockwise from local east; default along the
        longest field edge.
    refill_time_s : float
        Ground time to refill and swap batteries between sorties (for work rate). [s]
    reserve_frac : float or None
        Landing reserve as a share of usable energy; default the aircraft's.
    boundary_passes : int
        Passes flown around the edge of the sprayable area first (headland), each one swath
        further in; the parallel lines then cover what is inside them.
    start_corner : str or None
        ``"sw"``, ``"se"``, ``"nw"`` or ``"ne"``: start the work at that corner of the
        field instead of the one nearest the station.
    overlap_frac : float
        Overlap of neighbouring swaths: lines are spaced (1 - overlap) swaths apart. [-]
    exclusion_rings : bool
        Spray once around every obstacle zone, hole and no-spray zone, half a swath off its
        edge, so the strips beside it that the cut lines leave are sprayed (as operators do
        around pylons).  Implied by ``boundary_passes``.
    """

    rate_per_ha: float
    swath_m: float | None = None
    speed_mps: float | None = None
    height_m: float = 3.0
    transit_height_m: float = 10.0
    transit_speed_mps: float | None = None
    angle_deg: float | None = None
    refill_time_s: float = 180.0
    reserve_frac: float | None = None
    boundary_passes: int = 0
    start_corner: str | None = None
    exclusion_rings: bool = True
    overlap_frac: float = 0.0

    def __post_init__(self) -> None:
        if not (math.isfinite(self.overlap_frac) and 0.0 <= self.overlap_frac < 0.9):
            raise ValueError(f"Expected overlap_frac in [0, 0.9), got {self.overlap_frac}.")
        if not 0 <= self.boundary_passes <= 10:
            raise ValueError(f"Expected boundary_passes in [0, 10], got {self.boundary_passes}.")
        if self.start_corner not in (None, "sw", "se", "nw", "ne"):
            raise ValueError(f"Expected start_corner in sw, se, nw, ne, got {self.start_corner!r}.")
        if self.angle_deg is not None and not math.isfinite(self.angle_deg):
            raise ValueError(f"Expected a finite angle_deg, got {self.angle_deg}.")
        checks = {
            "rate_per_ha": (self.rate_per_ha, 0.0, 1000.0),
            "height_m": (self.height_m, 0.5, 120.0),
            "transit_height_m": (self.transit_height_m, 0.5, 120.0),
            "refill_time_s": (self.refill_time_s, -_EPS, 7200.0),
        }
        for key in ("swath_m", "speed_mps", "transit_speed_mps"):
            value = getattr(self, key)
            if value is not None:
                checks[key] = (value, 0.0, 100.0)
        if self.reserve_frac is not None:
            checks["reserve_frac"] = (self.reserve_frac, -_EPS, 0.9)
        for key, (value, lo, hi) in checks.items():
            if not (math.isfinite(value) and lo < value <= hi):
                raise ValueError(f"Expected {key} in ({lo:g}, {hi:g}], got {value}.")


@dataclass(frozen=True)
class SortieReport:
    """Figures of one sortie."""

    sortie: int
    area_ha: float
    payload_kg: float
    flight_time_s: float
    energy_wh: float
    battery_frac: float
    work_distance_m: float
    distance_m: float


@dataclass(frozen=True)
class SprayResult:
    """Outcome of :func:`plan_spray`.

    Areas in hectares, lengths in metres, times in seconds, energy in Wh, liquid in litres
    (or product in kg for a spreader); fractions are of the field area.
    """

    mission: Mission
    field_area_ha: float
    covered_frac: float
    overspray_frac: float
    overlap_frac: float
    product_total: float
    product_unit: str
    swath_m: float
    speed_mps: float
    angle_deg: float
    line_count: int
    lower_bound_m: float
    work_path_m: float
    cell_count: int
    flight_time_s: float
    ground_time_s: float
    energy_wh: float
    work_rate_ha_per_h: float
    sorties: tuple[SortieReport, ...]
    runtime_s: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def path_length_m(self) -> float:
        return self.mission.distance_m

    def summary(self) -> dict:
        """Plain figures for tables and ``summary.json``."""
        return {
            "job": self.mission.kind,
            "aircraft": self.mission.aircraft_name,
            "sprayable_area_ha": round(self.field_area_ha, 4),
            "covered_fraction": round(self.covered_frac, 5),
            "overspray_fraction": round(self.overspray_frac, 5),
            "overlap_fraction": round(self.overlap_frac, 5),
            "swath_m": round(self.swath_m, 3),
            "speed_mps": round(self.speed_mps, 3),
            "angle_deg": round(self.angle_deg, 2),
            "lines": self.line_count,
            "sorties": len(self.sorties),
            f"product_{self.product_unit.replace('/', '_')}": round(self.product_total, 3),
            "path_length_m": round(self.path_length_m, 1),
            "cells": self.cell_count,
            "work_path_m": round(self.work_path_m, 1),
            "work_path_over_lower_bound": round(self.work_path_m / self.lower_bound_m, 4)
            if self.lower_bound_m > 0
            else None,
            "flight_time_s": round(self.flight_time_s, 1),
            "ground_time_s": round(self.ground_time_s, 1),
            "energy_wh": round(self.energy_wh, 1),
            "work_rate_ha_per_h": round(self.work_rate_ha_per_h, 3),
            "planning_time_s": round(self.runtime_s, 4),
            "warnings": list(self.warnings),
            "per_sortie": [
                {
                    "sortie": s.sortie,
                    "area_ha": round(s.area_ha, 4),
                    f"product_{self.product_unit}": round(s.payload_kg, 3),
                    "flight_time_s": round(s.flight_time_s, 1),
                    "energy_wh": round(s.energy_wh, 1),
                    "battery_fraction": round(s.battery_frac, 4),
                    "work_distance_m": round(s.work_distance_m, 1),
                    "distance_m": round(s.distance_m, 1),
                }
                for s in self.sorties
            ],
        }
