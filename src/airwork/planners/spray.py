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
from airwork.geo.frame import LocalFrame
from airwork.mission.model import Action, ActionKind, AltitudeRef, Feature, Mission
from airwork.planners.sorties import SortieSettings, WorkPath, split_sorties

__all__ = ["SortieReport", "SprayParams", "SprayProblem", "SprayResult", "plan_spray"]

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
    """

    field: shapely.Geometry
    stations: tuple[tuple[float, float], ...]
    aircraft: Aircraft
    frame: LocalFrame
    features: tuple[Feature, ...] = ()
    name: str = "spray"

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
        if self.aircraft.spray_tank is None and self.aircraft.spreader is None:
            raise AircraftError(
                f"aircraft '{self.aircraft.name}' has no spray tank or spreader "
                f"(payload: {self.aircraft.payload.name if self.aircraft.payload else 'none'})"
            )

    def replace(self, **changes) -> SprayProblem:
        """A checked copy with some attributes changed (what-if variants)."""
        return replace(self, **changes)


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

    def __post_init__(self) -> None:
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
            "field_area_ha": round(self.field_area_ha, 4),
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
            "path_over_lower_bound": round(self.path_length_m / self.lower_bound_m, 4)
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
def longest_edge_angle_deg(poly: shapely.Geometry) -> float:
    """Direction of the longest exterior edge, degrees from local east in [0, 180)."""
    hull = poly.convex_hull if poly.geom_type == "MultiPolygon" else poly
    xy = shapely.get_coordinates(hull.exterior)
    d = np.diff(xy, axis=0)
    i = int(np.argmax(np.hypot(d[:, 0], d[:, 1])))
    return float(np.degrees(np.arctan2(d[i, 1], d[i, 0])) % 180.0)


def _rotation(angle_deg: float) -> np.ndarray:
    a = np.radians(angle_deg)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


def sweep_lines(area: shapely.Geometry, swath_m: float, angle_deg: float) -> np.ndarray:
    """Spray segments covering ``area`` with parallel swaths.

    Returns
    -------
    segments : (m, 2, 2) ndarray
        [start, end] of each segment in the local frame, grouped by line in increasing
        offset, each line's segments in increasing position along the direction. [m]
    lines : (m,) ndarray of int
        Line number of each segment.

    The n = ceil((H - w) / w) + 1 lines of a band of height H are evenly spaced so the first
    and last swath edges lie on the area's extreme points; along each line the segments are
    the extents of ``area`` inside the swath band [y - w/2, y + w/2], merged where they
    overlap.
    """
    rot = _rotation(-angle_deg)
    local = shapely.transform(area, lambda c: c @ rot.T)
    xmin, ymin, xmax, ymax = local.bounds
    height = ymax - ymin
    n = max(1, math.ceil(max(height - swath_m, 0.0) / swath_m - 1e-9) + 1)
    ys = (
        np.array([0.5 * (ymin + ymax)])
        if n == 1
        else np.linspace(ymin + 0.5 * swath_m, ymax - 0.5 * swath_m, n)
    )
    bands = shapely.box(xmin - 1.0, ys - 0.5 * swath_m, xmax + 1.0, ys + 0.5 * swath_m)
    cut = shapely.intersection(bands, local)
    parts, idx = shapely.get_parts(cut, return_index=True)
    keep = shapely.area(parts) > 1e-6
    parts, idx = parts[keep], idx[keep]
    b = shapely.bounds(parts)
    order = np.lexsort((b[:, 0], idx))
    idx, x0, x1 = idx[order], b[order, 0], b[order, 2]
    if len(idx) == 0:
        return np.zeros((0, 2, 2)), np.zeros(0, dtype=int)
    # Merge overlapping intervals of the same line, vectorised: a running maximum of the
    # interval ends, kept per line by offsetting each line by a stride larger than the span.
    stride = (xmax - xmin) + 10.0
    x0, x1 = x0 - xmin, x1 - xmin
    run_end = np.maximum.accumulate(x1 + idx * stride) - idx * stride
    new_line = np.r_[True, idx[1:] != idx[:-1]]
    starts = np.flatnonzero(new_line | (x0 > np.r_[-np.inf, run_end[:-1]] + 1e-6))
    gx0 = np.minimum.reduceat(x0, starts) + xmin
    gx1 = np.maximum.reduceat(x1, starts) + xmin
    lines = idx[starts]
    gy = ys[lines]
    a = np.column_stack([gx0, gy]) @ rot
    e = np.column_stack([gx1, gy]) @ rot
    segs = np.stack([a, e], axis=1)
    return np.asarray(segs, dtype=float).reshape(-1, 2, 2), np.asarray(lines, dtype=int)


def _boustrophedon(segs: np.ndarray, lines: np.ndarray, station: np.ndarray) -> np.ndarray:
    """Order segments line by line, alternating direction, from the corner nearest the
    station; returns the (m, 2, 2) segments in flying order and orientation."""
    best = None
    line_ids = np.unique(lines)
    for reverse_lines in (False, True):
        ids = line_ids[::-1] if reverse_lines else line_ids
        for flip_first in (False, True):
            out = []
            for j, lid in enumerate(ids):
                s = segs[lines == lid]
                flip = (j % 2 == 1) != flip_first
                if flip:
                    s = s[::-1, ::-1]
                out.append(s)
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
    speed, warns = _default_speed(ac, params, swath)
    transit_speed = float(params.transit_speed_mps or min(ac.cruise_speed_mps, ac.max_speed_mps))
    if tank:
        density, unit = tank.liquid_density_kg_per_l, "l"
        capacity_kg = min(tank.capacity_l * density, ac.max_payload_kg)
    else:
        density, unit = 1.0, "kg"
        capacity_kg = min(spreader.capacity_kg, ac.max_payload_kg)
    if capacity_kg <= 0:
        raise InfeasibleMissionError(f"aircraft '{ac.name}' cannot lift any product")

    area = problem.field
    angle = params.angle_deg if params.angle_deg is not None else longest_edge_angle_deg(area)
    segs, lines = sweep_lines(area, swath, angle)
    if len(segs) == 0:
        raise InfeasibleMissionError(f"{problem.name}: no swath fits in the field")
    stations = np.asarray(problem.stations, dtype=float).reshape(-1, 2)
    home = stations[0]
    ordered = _boustrophedon(segs, lines, home)

    # The work path: a polyline through every segment end, alternating spray / turn.
    pts = ordered.reshape(-1, 2)
    spraying = np.zeros(len(pts) - 1, dtype=bool)
    spraying[0::2] = True
    seg_len = np.hypot(*np.diff(pts, axis=0).T)
    kg_per_m = params.rate_per_ha * swath / 10_000.0 * density
    seg_kg = np.where(spraying, seg_len * kg_per_m, 0.0)

    settings = SortieSettings(
        work_speed_mps=speed,
        transit_speed_mps=transit_speed,
        work_height_m=params.height_m,
        transit_height_m=params.transit_height_m,
        on_actions=(Action(ActionKind.SPRAY_ON),),
        off_actions=(Action(ActionKind.SPRAY_OFF),),
    )
    sorties = split_sorties(
        ac, WorkPath(pts, spraying, seg_kg), stations, capacity_kg, settings, name=problem.name
    )
    for s in sorties:  # every sortie must be flyable by the aircraft model
        if s.energy_wh > ac.mission_energy_wh * (1 + 1e-6):
            raise InfeasibleMissionError(
                f"sortie {s.index}: needs {s.energy_wh:.0f} Wh, usable battery less reserve is "
                f"{ac.mission_energy_wh:.0f} Wh (aircraft '{ac.name}')"
            )

    swaths = shapely.buffer(shapely.linestrings(ordered), swath / 2.0, cap_style="flat")
    covered = shapely.union_all(swaths)
    field_area = area.area
    covered_in = shapely.intersection(covered, area).area
    sum_swath = float(np.sum(shapely.area(swaths)))
    geofence = shapely.convex_hull(shapely.union(area, shapely.multipoints(stations))).buffer(
        max(swath, 20.0)
    )
    mission = Mission(
        name=problem.name,
        frame=problem.frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=sorties,
        aircraft_name=ac.name,
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
    n_lines = len(np.unique(lines))
    lower = field_area / swath + (n_lines - 1) * swath
    return SprayResult(
        mission=mission,
        field_area_ha=field_area / 1e4,
        covered_frac=covered_in / field_area,
        overspray_frac=(covered.area - covered_in) / field_area,
        overlap_frac=max(sum_swath - covered.area, 0.0) / field_area,
        product_total=float(np.sum(seg_kg)) / density,
        product_unit=unit,
        swath_m=swath,
        speed_mps=speed,
        angle_deg=float(angle),
        line_count=n_lines,
        lower_bound_m=lower,
        flight_time_s=flight,
        ground_time_s=ground,
        energy_wh=mission.energy_wh,
        work_rate_ha_per_h=field_area / 1e4 / ((flight + ground) / 3600.0),
        sorties=reports,
        runtime_s=time.perf_counter() - t0,
        warnings=tuple(warns),
    )
