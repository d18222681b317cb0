"""Spraying and spreading coverage planner (parallel swaths, tank- and battery-split sorties).

Shape follows PyVRP: a validated :class:`SprayProblem`, a :class:`SprayParams` with checked
defaults, a pure :func:`plan_spray` and a frozen :class:`SprayResult`.

Geometry: the sprayable area is swept by parallel lines along the field's longest edge (or
a given angle), spaced by at most one swath and placed so the outer swaths end exactly on the
field's extreme points.  Along each line the sprayer is on over the extent of the sprayable
area inside that line's swath band, so slanted edges are covered (with a little overspray)
instead of leaving triangles unsprayed.  Lines are flown boustrophedon from the corner
nearest the station.  Sorties end where the tank empties or where the battery, with the
landing reserve and the flight home, allows no more; the next sortie resumes there.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError, GeometryError, InfeasibleMissionError
from airwork.flight.kinematics import WAYPOINT_ACCEL_MPS2
from airwork.geo.frame import LocalFrame
from airwork.mission.model import Action, ActionKind, AltitudeRef, Feature, LegKind, Mission
from airwork.planners.coverage import (
    candidate_angles_deg,
    cell_options,
    cell_region,
    decompose,
    line_intervals,
    longest_edge_angle_deg,
    obstacle_zones,
    order_options,
    sweep_lines,
    work_polyline,
)
from airwork.planners.sorties import SortieSettings, WorkPath, split_sorties

__all__ = [
    "SortieReport",
    "SprayParams",
    "SprayProblem",
    "SprayResult",
    "longest_edge_angle_deg",
    "plan_spray",
    "sweep_lines",
]

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


# ----------------------------------------------------------------------------- geometry
def _boustrophedon(segs: np.ndarray, lines: np.ndarray, station: np.ndarray) -> np.ndarray:
    """Order segments line by line, alternating direction, from the corner nearest the
    station (one block, no decomposition); returns (m, 2, 2) segments in flying order."""
    best = None
    line_ids = np.unique(lines)
    for reverse_lines in (False, True):
        ids = line_ids[::-1] if reverse_lines else line_ids
        for flip_first in (False, True):
            out = []
            for j, lid in enumerate(ids):
                seg = segs[lines == lid]
                if (j % 2 == 1) != flip_first:
                    seg = seg[::-1, ::-1]
                out.append(seg)
            ordered = np.concatenate(out)
            ferry = np.hypot(*(ordered[0, 0] - station))
            if best is None or ferry < best[0]:
                best = (ferry, ordered)
    return best[1]


# ----------------------------------------------------------------------------- planner
def _default_speed(
    aircraft: Aircraft, params: SprayParams, swath_m: float
) -> tuple[float, list[str]]:
    warns: list[str] = []
    speed = params.speed_mps if params.speed_mps is not None else min(6.0, aircraft.max_speed_mps)
    if speed > aircraft.max_speed_mps:
        raise AircraftError(
            f"aircraft '{aircraft.name}': work speed {speed} m/s above its maximum "
            f"{aircraft.max_speed_mps} m/s"
        )
    tank, spreader = aircraft.spray_tank, aircraft.spreader
    max_flow_per_s = (tank.max_flow_l_per_min if tank else spreader.max_flow_kg_per_min) / 60.0
    # delivered flow = rate [per ha] * swath [m] * speed [m/s] / 10 000 [m²/ha]
    need = params.rate_per_ha * swath_m * speed / 10_000.0
    if need > max_flow_per_s * (1 + 1e-9):
        limited = max_flow_per_s * 10_000.0 / (params.rate_per_ha * swath_m)
        if params.speed_mps is not None or limited < 1.0:
            raise InfeasibleMissionError(
                f"aircraft '{aircraft.name}': {params.rate_per_ha:g}/ha on a {swath_m:g} m swath "
                f"at {speed:g} m/s needs {need * 60:.2f} per min, the system delivers at most "
                f"{max_flow_per_s * 60:.2f} per min (fly at most {limited:.2f} m/s)"
            )
        warns.append(
            f"work speed lowered from {speed:g} to {limited:.2f} m/s: the "
            f"{'pump' if tank else 'spreader'} delivers at most {max_flow_per_s * 60:.2f} per min"
        )
        speed = limited
    return float(speed), warns


def plan_spray(problem: SprayProblem, params: SprayParams) -> SprayResult:
    """Plan complete coverage of ``problem.field`` with tank- and battery-split sorties.

    Parameters
    ----------
    problem : SprayProblem
    params : SprayParams

    Returns
    -------
    SprayResult

    Raises
    ------
    InfeasibleMissionError
        A field narrower than nothing, a rate the pump cannot deliver, or a battery that
        cannot fly even the first metre of work and come back.
    """
    t0 = time.perf_counter()
    ac = problem.aircraft
    if params.reserve_frac is not None:
        ac = ac.with_reserve(params.reserve_frac)
    tank, spreader = ac.spray_tank, ac.spreader
    swath = float(params.swath_m or (tank.swath_m if tank else spreader.swath_m))
    spacing = swath * (1.0 - params.overlap_frac)  # effective swath: lines and dose
    speed, warns = _default_speed(ac, params, spacing)
    transit_speed = float(params.transit_speed_mps or min(ac.cruise_speed_mps, ac.max_speed_mps))
    if tank:
        density, unit = tank.liquid_density_kg_per_l, "l"
        capacity_kg = min(tank.capacity_l * density, ac.max_payload_kg)
    else:
        density, unit = 1.0, "kg"
        capacity_kg = min(spreader.capacity_kg, ac.max_payload_kg)
    if capacity_kg <= 0:
        raise InfeasibleMissionError(f"aircraft '{ac.name}' cannot lift any product")

    area = problem.sprayable
    if area.is_empty or area.area < 1.0:
        raise InfeasibleMissionError(
            f"{problem.name}: nothing left to spray once obstacles and no-spray zones are taken out"
        )
    if area.area < swath**2:
        raise InfeasibleMissionError(
            f"{problem.name}: the sprayable area ({area.area:.0f} m²) is smaller than one "
            f"swath square ({swath:g} m x {swath:g} m): too small to spray with this aircraft"
        )
    forbidden = problem.forbidden
    holes = (
        shapely.union_all(
            [shapely.Polygon(r) for p in shapely.get_parts(problem.field) for r in p.interiors]
        )
        if _has_holes(problem.field)
        else None
    )
    exclusions = (
        shapely.union_all(
            [g for g in (forbidden, problem.no_spray, holes) if g is not None and not g.is_empty]
        )
        if any(g is not None for g in (forbidden, problem.no_spray, holes))
        else None
    )
    stations = np.asarray(problem.stations, dtype=float).reshape(-1, 2)
    home = stations[0]
    router = _router(forbidden, problem.field)
    if router is not None:
        for i, st in enumerate(stations):
            if not router.is_clear(st, st):
                raise InfeasibleMissionError(
                    f"{problem.name}: station {i + 1} (x={st[0]:.1f} m, y={st[1]:.1f} m) lies "
                    f"within {problem.clearance_m:g} m of an obstacle"
                )
            target = np.asarray(area.representative_point().coords[0])
            try:
                router.path(st, target)
            except InfeasibleMissionError:
                raise InfeasibleMissionError(
                    f"{problem.name}: station {i + 1} (x={st[0]:.1f} m, y={st[1]:.1f} m) cannot "
                    f"reach the field without passing within {problem.clearance_m:g} m of an "
                    f"obstacle"
                ) from None
    start = home if params.start_corner is None else _corner(problem.field, params.start_corner)
    rings, inner = _boundary_rings(area, spacing, params.boundary_passes, start)
    runs: list[np.ndarray] = list(rings)
    if params.exclusion_rings and not params.boundary_passes and exclusions is not None:
        runs += _exclusion_rings(area, exclusions, spacing, start)
    angle, cells = float(params.angle_deg or 0.0), []
    variants: list[list[list[np.ndarray]]] = [[]]
    if not inner.is_empty:
        if params.angle_deg is not None:
            iv = line_intervals(inner, spacing, angle, exclusions)
        else:
            angle, iv = _best_angle(inner, spacing, exclusions, speed)
        cells = decompose(iv, kink_m=KINK_SWATHS * spacing)
        variants = [[cell_options(c, iv) for c in cells]]
        if params.angle_deg is None:
            refined = _refine_cell_angles(cells, iv, variants[0], inner, spacing, exclusions, speed)
            if any(r is not o for r, o in zip(refined, variants[0], strict=True)):
                variants.append(refined)  # kept only if the whole mission is faster
    kg_per_m = params.rate_per_ha * spacing / 10_000.0 * density
    settings = SortieSettings(
        work_speed_mps=speed,
        transit_speed_mps=transit_speed,
        work_height_m=params.height_m,
        transit_height_m=params.transit_height_m,
        on_actions=(Action(ActionKind.SPRAY_ON),),
        off_actions=(Action(ActionKind.SPRAY_OFF),),
        route=router.path if router is not None else None,
        route_lengths=router.lengths_m if router is not None else None,
        sortie_overhead_s=params.refill_time_s,
    )
    best = None
    for options in variants:
        here = runs[-1][-1] if runs else start
        flown = runs + [seg for block in order_options(options, here) for seg in block]
        if not flown:
            raise InfeasibleMissionError(f"{problem.name}: no swath fits in the field")
        pts, spraying = work_polyline(flown, router)
        seg_kg = np.where(spraying, np.hypot(*np.diff(pts, axis=0).T) * kg_per_m, 0.0)
        sorties = split_sorties(
            ac, WorkPath(pts, spraying, seg_kg), stations, capacity_kg, settings, name=problem.name
        )
        total_s = sum(so.time_s for so in sorties) + params.refill_time_s * (len(sorties) - 1)
        if best is None or total_s < best[0]:
            best = (total_s, pts, spraying, seg_kg, sorties)
    _, pts, spraying, seg_kg, sorties = best
    segs_flown = np.stack([pts[:-1][spraying], pts[1:][spraying]], axis=1)
    n_lines = len(np.unique(iv.line)) if cells else 0
    for s in sorties:  # every sortie must be flyable by the aircraft model
        if s.energy_wh > ac.mission_energy_wh:
            raise InfeasibleMissionError(
                f"sortie {s.index}: needs {s.energy_wh:.0f} Wh, usable battery less reserve is "
                f"{ac.mission_energy_wh:.0f} Wh (aircraft '{ac.name}')"
            )

    swaths = shapely.buffer(shapely.linestrings(segs_flown), swath / 2.0, cap_style="flat")
    covered = shapely.union_all(swaths)
    field_area = area.area
    covered_in = shapely.intersection(covered, area).area
    sum_swath = float(np.sum(shapely.area(swaths)))
    geofence = shapely.convex_hull(
        shapely.union(problem.field, shapely.multipoints(stations))
    ).buffer(max(swath, 20.0))
    if problem.obstacles is not None and not problem.obstacles.is_empty:
        # exclusion zones for the autopilot: half the planning clearance, so GPS error near
        # an obstacle does not breach the fence while the plan keeps the full clearance
        geofence = shapely.difference(
            geofence, shapely.buffer(problem.obstacles, 0.5 * problem.clearance_m)
        )
        if geofence.geom_type != "Polygon":
            geofence = max(shapely.get_parts(geofence), key=lambda g: g.area)
    mission = Mission(
        name=problem.name,
        frame=problem.frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=sorties,
        aircraft_name=ac.name,
        aircraft=ac,
        usable_energy_wh=ac.usable_energy_wh,
        reserve_frac=ac.reserve_frac,
        stations=tuple(map(tuple, stations.tolist())),
        geofence=geofence,
        features=problem.features,
        kind="spray" if tank else "spread",
        cruise_speed_mps=transit_speed,
        vehicle=ac.airframe.vehicle,
    )
    reports = tuple(
        SortieReport(
            sortie=s.index,
            area_ha=s.payload_used_kg / density / params.rate_per_ha
            if params.rate_per_ha > 0
            else 0.0,
            payload_kg=s.payload_used_kg / density,
            flight_time_s=s.time_s,
            energy_wh=s.energy_wh,
            battery_frac=s.battery_frac,
            work_distance_m=float(sum(leg.distance_m for leg in s.legs if leg.spraying)),
            distance_m=s.distance_m,
        )
        for s in sorties
    )
    flight = mission.time_s
    ground = params.refill_time_s * (len(sorties) - 1)
    lower = field_area / spacing + (n_lines - 1) * spacing
    work_m = float(
        sum(leg.distance_m for so in sorties for leg in so.legs if leg.kind == LegKind.WORK)
    )
    return SprayResult(
        mission=mission,
        field_area_ha=field_area / 1e4,
        covered_frac=covered_in / field_area,
        overspray_frac=max(covered.area - covered_in, 0.0) / field_area,
        overlap_frac=max(sum_swath - covered.area, 0.0) / field_area,
        product_total=float(np.sum(seg_kg)) / density,
        product_unit=unit,
        swath_m=swath,
        speed_mps=speed,
        angle_deg=float(angle),
        line_count=n_lines,
        lower_bound_m=lower,
        work_path_m=work_m,
        cell_count=len(cells),
        flight_time_s=flight,
        ground_time_s=ground,
        energy_wh=mission.energy_wh,
        work_rate_ha_per_h=field_area / 1e4 / ((flight + ground) / 3600.0),
        sorties=reports,
        runtime_s=time.perf_counter() - t0,
        warnings=tuple(warns),
    )


def _has_holes(geom: shapely.Geometry) -> bool:
    return any(len(p.interiors) for p in shapely.get_parts(geom))


def _router(forbidden: shapely.Geometry | None, field: shapely.Geometry):
    """Shortest paths around obstacle zones, preferring to stay over the field."""
    if forbidden is None or forbidden.is_empty:
        return None
    from airwork.geo.pathfinding import PathFinder

    return PathFinder(forbidden, prefer_inside=field, outside_penalty=1.5)


KINK_SWATHS = 4.0
"""A line end moving this many swaths more than on the line before ends a cell. [-]"""

TURN_ACCEL_MPS2 = WAYPOINT_ACCEL_MPS2
"""Deceleration and acceleration in a turn, as the sortie builder prices it. [m/s²]"""


def _best_angle(area, swath_m, exclusions, speed_mps):
    """Sweep angle of least estimated work time: line length at work speed plus, for every
    interval, a stop-and-go turn (2 v / a) and the crossing to the next line (w / v)."""
    best = None
    for angle in candidate_angles_deg(area):
        iv = line_intervals(area, swath_m, float(angle), exclusions)
        if len(iv) == 0:
            continue
        cost = _sweep_cost_s(iv, speed_mps, swath_m)
        if best is None or cost < best[0] - 1e-9:
            best = (cost, float(angle), iv)
    if best is None:
        angle = longest_edge_angle_deg(area)
        return angle, line_intervals(area, swath_m, angle, exclusions)
    return best[1], best[2]


def _corner(field: shapely.Geometry, corner: str) -> np.ndarray:
    """The field vertex nearest a corner of its bounding box. [m]"""
    x0, y0, x1, y1 = field.bounds
    target = np.array([x0 if corner[1] == "w" else x1, y0 if corner[0] == "s" else y1])
    xy = shapely.get_coordinates(field)
    return xy[np.argmin(np.hypot(*(xy - target).T))]


def _boundary_rings(area, swath_m: float, passes: int, start_xy: np.ndarray):
    """Headland passes: rings of the area inset by (i + 1/2) swaths, each closed and
    started at its vertex nearest ``start_xy``; returns the rings and what is left inside."""
    rings: list[np.ndarray] = []
    for i in range(passes):
        inset = shapely.buffer(area, -(i + 0.5) * swath_m, join_style="mitre")
        for poly in shapely.get_parts(inset):
            for ring in (poly.exterior, *poly.interiors):
                xy = shapely.get_coordinates(ring)[:-1]
                if len(xy) < 3:
                    continue
                k = int(np.argmin(np.hypot(*(xy - start_xy).T)))
                rings.append(np.vstack([np.roll(xy, -k, axis=0), xy[k]]))
    inner = shapely.buffer(area, -passes * swath_m, join_style="mitre") if passes else area
    return rings, inner


def _exclusion_rings(area, exclusions, swath_m: float, start_xy: np.ndarray) -> list[np.ndarray]:
    """Runs half a swath around each exclusion, clipped to the sprayable area, ordered
    nearest-first from ``start_xy`` (each run flown from its nearer end)."""
    parts = shapely.get_parts(exclusions)
    parts = parts[shapely.intersects(parts, shapely.envelope(area))]
    if len(parts) == 0:
        return []
    rings = shapely.get_exterior_ring(shapely.buffer(parts, 0.5 * swath_m, quad_segs=4))
    pieces = shapely.get_parts(shapely.intersection(rings, area))
    pieces = pieces[(shapely.get_type_id(pieces) == 1) & (shapely.length(pieces) > 1.0)]
    runs = (
        [
            shapely.get_coordinates(p)
            for p in shapely.line_merge(pieces)
            if p.geom_type == "LineString"
        ]
        if len(pieces)
        else []
    )
    out, here = [], np.asarray(start_xy, dtype=float)
    while runs:
        d = [min(np.hypot(*(r[0] - here)), np.hypot(*(r[-1] - here))) for r in runs]
        r = runs.pop(int(np.argmin(d)))
        if np.hypot(*(r[-1] - here)) < np.hypot(*(r[0] - here)):
            r = r[::-1]
        out.append(r)
        here = r[-1]
    return out


def _sweep_cost_s(iv, speed_mps: float, spacing_m: float) -> float:
    """Estimated work time of a sweep: lines at work speed plus a stop-and-go turn
    (2 v / a) and a crossing (w / v) per interval. [s]"""
    turn_s = 2.0 * speed_mps / TURN_ACCEL_MPS2 + spacing_m / speed_mps
    return iv.total_length_m / speed_mps + len(iv) * turn_s


def _refine_cell_angles(cells, iv, options, area, spacing_m, exclusions, speed_mps):
    """Give each sizeable cell its own sweep angle when that is faster: the cell's region
    is swept at its own candidate angles and the sweep kept if it stays one cell and its
    estimated time is lower.  Cells of fewer than four lines keep the field's angle."""
    out = list(options)
    for k, cell in enumerate(cells):
        if len(cell.rows) < 4:
            continue
        sub = _rows_of(iv, cell.rows)
        best = _sweep_cost_s(sub, speed_mps, spacing_m) - 1e-6
        region = cell_region(cell, iv, area, spacing_m)
        if region.is_empty or region.area < 4 * spacing_m**2:
            continue
        for angle in candidate_angles_deg(region, count=4):
            if abs((angle - iv.angle_deg + 90.0) % 180.0 - 90.0) < 1.0:
                continue
            cand = line_intervals(region, spacing_m, float(angle), exclusions)
            if len(cand) == 0:
                continue
            cost = _sweep_cost_s(cand, speed_mps, spacing_m)
            if cost < best:
                parts = decompose(cand)
                if len(parts) == 1:
                    best, out[k] = cost, cell_options(parts[0], cand)
    return out


def _rows_of(iv, rows):
    """A view of some rows of ``iv`` (for costing one cell)."""
    return type(iv)(iv.line[rows], iv.x0[rows], iv.x1[rows], iv.y, iv.angle_deg)
