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

import time
from dataclasses import dataclass, replace

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError, InfeasibleMissionError
from airwork.flight.conditions import Conditions
from airwork.flight.kinematics import WAYPOINT_ACCEL_MPS2
from airwork.mission.model import Action, ActionKind, LegKind, Mission
from airwork.planners.coverage import (
    candidate_angles_deg,
    cell_options,
    cell_region,
    decompose,
    line_intervals,
    longest_edge_angle_deg,
    order_options,
    require_coverage_budget,
    sweep_lines,
    work_polyline,
)
from airwork.planners.fence import inclusion_fence
from airwork.planners.fieldwork.model import SortieReport, SprayParams, SprayProblem, SprayResult
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
@dataclass(frozen=True)
class _Setup:
    """The job's settled numbers: aircraft (with reserve), swath, speeds, load."""

    aircraft: Aircraft
    conditions: Conditions
    swath_m: float
    spacing_m: float
    speed_mps: float
    transit_speed_mps: float
    capacity_kg: float
    density_kg_per_unit: float
    unit: str
    warnings: tuple[str, ...]


def _setup(problem: SprayProblem, params: SprayParams, conditions: Conditions | None) -> _Setup:
    """Aircraft with the planning reserve, swath and line spacing, work speed (within what
    the pump delivers and what the aircraft can fly in the wind), transit speed and load."""
    ac = problem.aircraft
    if params.reserve_frac is not None:
        ac = ac.with_reserve(params.reserve_frac)
    cond = Conditions(ac) if conditions is None else conditions.with_aircraft(ac)
    tank, spreader = ac.spray_tank, ac.spreader
    swath = float(params.swath_m or (tank.swath_m if tank else spreader.swath_m))
    spacing = swath * (1.0 - params.overlap_frac)  # effective swath: lines and dose
    speed, warns = _default_speed(ac, params, spacing, cond)
    usual = min(ac.cruise_speed_mps, ac.max_speed_mps)
    transit = float(params.transit_speed_mps or min(usual, cond.max_ground_speed_mps()))
    if params.transit_speed_mps is None and transit < usual:
        transit = max(transit, 2.0)
        warns.append(
            f"transit speed lowered to {transit:.1f} m/s so that the wind stays within the "
            f"aircraft's {ac.max_speed_mps:g} m/s"
        )
    if tank:
        density, unit = tank.liquid_density_kg_per_l, "l"
        capacity_kg = min(tank.capacity_l * density, ac.max_payload_kg)
    else:
        density, unit = 1.0, "kg"
        capacity_kg = min(spreader.capacity_kg, ac.max_payload_kg)
    if capacity_kg <= 0:
        raise InfeasibleMissionError(f"aircraft '{ac.name}' cannot lift any product")
    return _Setup(
        ac, cond, swath, spacing, speed, transit, capacity_kg, density, unit, tuple(warns)
    )


def _default_speed(
    aircraft: Aircraft, params: SprayParams, swath_m: float, cond: Conditions
) -> tuple[float, list[str]]:
    warns: list[str] = []
    speed = params.speed_mps
    if speed is None:
        speed = min(6.0, aircraft.max_speed_mps)
        if cond.max_ground_speed_mps(params.height_m) < speed:
            speed = max(cond.max_ground_speed_mps(params.height_m), 1.0)
            warns.append(
                f"work speed lowered to {speed:.1f} m/s so that the wind stays within the "
                f"aircraft's {aircraft.max_speed_mps:g} m/s"
            )
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


def _sprayable_area(problem: SprayProblem, swath_m: float) -> shapely.Geometry:
    """Field less obstacle and no-spray zones; refused when nothing sprayable is left."""
    area = problem.sprayable
    if area.is_empty or area.area < 1.0:
        raise InfeasibleMissionError(
            f"{problem.name}: nothing left to spray once obstacles and no-spray zones are taken out"
        )
    if area.area < swath_m**2:
        raise InfeasibleMissionError(
            f"{problem.name}: the sprayable area ({area.area:.0f} m²) is smaller than one "
            f"swath square ({swath_m:g} m x {swath_m:g} m): too small to spray with this aircraft"
        )
    return area


def _exclusions(problem: SprayProblem) -> shapely.Geometry | None:
    """Everything the swath lines are cut at: obstacle zones, no-spray zones, field holes."""
    holes = (
        shapely.union_all(
            [shapely.Polygon(r) for p in shapely.get_parts(problem.field) for r in p.interiors]
        )
        if _has_holes(problem.field)
        else None
    )
    parts = [g for g in (problem.forbidden, problem.no_spray, holes) if g is not None]
    parts = [g for g in parts if not g.is_empty]
    return shapely.union_all(parts) if parts else None


def _checked_router(problem: SprayProblem, area: shapely.Geometry, stations: np.ndarray):
    """The path-finder around obstacle zones, after checking every station can reach the
    field without passing too near an obstacle (None without obstacles)."""
    router = _router(problem.forbidden, problem.field)
    if router is None:
        return None
    target = np.asarray(area.representative_point().coords[0])
    for i, st in enumerate(stations):
        where = f"{problem.name}: station {i + 1} (x={st[0]:.1f} m, y={st[1]:.1f} m)"
        if not router.is_clear(st, st):
            raise InfeasibleMissionError(
                f"{where} lies within {problem.clearance_m:g} m of an obstacle"
            )
        try:
            router.path(st, target)
        except InfeasibleMissionError:
            raise InfeasibleMissionError(
                f"{where} cannot reach the field without passing within "
                f"{problem.clearance_m:g} m of an obstacle"
            ) from None
    return router


@dataclass
class _Layout:
    """The work before sorties: headland/exclusion runs and the cells' sweep variants."""

    start: np.ndarray
    runs: list[np.ndarray]
    angle_deg: float
    cells: list
    intervals: object
    variants: list


def _work_layout(problem, params, area, exclusions, spacing, speed, start) -> _Layout:
    """Headland rings, rings round exclusions, then the cells of parallel lines at the
    sweep angle of least estimated time (and a variant with per-cell angles)."""
    rings, inner = _boundary_rings(area, spacing, params.boundary_passes, start)
    runs: list[np.ndarray] = list(rings)
    if params.exclusion_rings and not params.boundary_passes and exclusions is not None:
        runs += _exclusion_rings(area, exclusions, spacing, start)
    layout = _Layout(start, runs, float(params.angle_deg or 0.0), [], None, [[]])
    if inner.is_empty:
        return layout
    if params.angle_deg is not None:
        iv = line_intervals(inner, spacing, layout.angle_deg, exclusions)
    else:
        layout.angle_deg, iv = _best_angle(inner, spacing, exclusions, speed)
    layout.intervals = iv
    layout.cells = decompose(iv, kink_m=KINK_SWATHS * spacing)
    layout.variants = [[cell_options(c, iv) for c in layout.cells]]
    if params.angle_deg is None:
        first = layout.variants[0]
        refined = _refine_cell_angles(layout.cells, iv, first, inner, spacing, exclusions, speed)
        if any(r is not o for r, o in zip(refined, first, strict=True)):
            layout.variants.append(refined)  # kept only if the whole mission is faster
    return layout


def _best_split(problem, params, setup: _Setup, layout: _Layout, router, stations):
    """Fly each variant's work, split it into sorties, keep the quickest job.

    Returns (points, spraying flags, product per segment [kg], sorties)."""
    settings = SortieSettings(
        work_speed_mps=setup.speed_mps,
        transit_speed_mps=setup.transit_speed_mps,
        work_height_m=params.height_m,
        transit_height_m=params.transit_height_m,
        on_actions=(Action(ActionKind.SPRAY_ON),),
        off_actions=(Action(ActionKind.SPRAY_OFF),),
        route=router.path if router is not None else None,
        route_lengths=router.lengths_m if router is not None else None,
        sortie_overhead_s=params.refill_time_s,
    )
    kg_per_m = params.rate_per_ha * setup.spacing_m / 10_000.0 * setup.density_kg_per_unit
    best = None
    for options in layout.variants:
        here = layout.runs[-1][-1] if layout.runs else layout.start
        flown = layout.runs + [seg for block in order_options(options, here) for seg in block]
        if not flown:
            raise InfeasibleMissionError(f"{problem.name}: no swath fits in the field")
        pts, spraying = work_polyline(flown, router)
        seg_kg = np.where(spraying, np.hypot(*np.diff(pts, axis=0).T) * kg_per_m, 0.0)
        path = WorkPath(pts, spraying, seg_kg)
        sorties = split_sorties(
            setup.aircraft,
            path,
            stations,
            setup.capacity_kg,
            settings,
            name=problem.name,
            conditions=setup.conditions,
        )
        total_s = sum(so.time_s for so in sorties) + params.refill_time_s * (len(sorties) - 1)
        if best is None or total_s < best[0]:
            best = (total_s, pts, spraying, seg_kg, sorties)
    return best[1:]


def _require_flyable(sorties, ac: Aircraft) -> None:
    for s in sorties:  # every sortie must be flyable by the flight model
        if s.energy_wh > ac.mission_energy_wh:
            raise InfeasibleMissionError(
                f"sortie {s.index}: needs {s.energy_wh:.0f} Wh, usable battery less reserve is "
                f"{ac.mission_energy_wh:.0f} Wh (aircraft '{ac.name}')"
            )


def _geofence(
    problem: SprayProblem, stations: np.ndarray, swath_m: float, sorties
) -> tuple[shapely.Polygon, tuple[str, ...]]:
    """Inclusion fence (:func:`~airwork.planners.fence.inclusion_fence`): the hull of
    field, stations and every waypoint grown by a swath (at least 20 m), less half the
    planning clearance around obstacles where that keeps it one polygon around the flight."""
    pts = [stations] + [np.array([(w.x_m, w.y_m) for w in s.waypoints]) for s in sorties]
    return inclusion_fence(
        problem.field,
        np.vstack([p.reshape(-1, 2) for p in pts]),
        problem.obstacles,
        0.5 * problem.clearance_m,
        max(swath_m, 20.0),
    )


def plan_spray(
    problem: SprayProblem, params: SprayParams, conditions: Conditions | None = None
) -> SprayResult:
    """Plan complete coverage of ``problem.field`` with tank- and battery-split sorties.

    Parameters
    ----------
    problem : SprayProblem
    params : SprayParams
    conditions : Conditions, optional
        Wind and flight model the sorties are priced in (calm air when None).

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
    setup = _setup(problem, params, conditions)
    area = _sprayable_area(problem, setup.swath_m)
    require_coverage_budget(area, setup.spacing_m, "the swath (--swath-m) or --overlap-frac")
    exclusions = _exclusions(problem)
    stations = np.asarray(problem.stations, dtype=float).reshape(-1, 2)
    router = _checked_router(problem, area, stations)
    start = (
        stations[0] if params.start_corner is None else _corner(problem.field, params.start_corner)
    )
    layout = _work_layout(
        problem, params, area, exclusions, setup.spacing_m, setup.speed_mps, start
    )
    pts, spraying, seg_kg, sorties = _best_split(problem, params, setup, layout, router, stations)
    _require_flyable(sorties, setup.aircraft)
    fence, fence_notes = _geofence(problem, stations, setup.swath_m, sorties)
    setup = replace(setup, warnings=setup.warnings + fence_notes)
    mission = _mission(problem, setup, sorties, stations, fence)
    return _result(problem, params, setup, area, layout, mission, pts, spraying, seg_kg, t0)


def _mission(
    problem: SprayProblem, setup: _Setup, sorties, stations: np.ndarray, fence: shapely.Polygon
) -> Mission:
    ac = setup.aircraft
    return Mission.flown_by(
        ac,
        name=problem.name,
        frame=problem.frame,
        sorties=sorties,
        stations=tuple(map(tuple, stations.tolist())),
        geofence=fence,
        features=problem.features,
        kind="spray" if ac.spray_tank else "spread",
        cruise_speed_mps=setup.transit_speed_mps,
    )


def _result(problem, params, setup, area, layout, mission, pts, spraying, seg_kg, t0):
    """Coverage, overspray and the figures of every sortie."""
    sorties = mission.sorties
    swath, density = setup.swath_m, setup.density_kg_per_unit
    segs_flown = np.stack([pts[:-1][spraying], pts[1:][spraying]], axis=1)
    swaths = shapely.buffer(shapely.linestrings(segs_flown), swath / 2.0, cap_style="flat")
    covered = shapely.union_all(swaths)
    field_area = area.area
    covered_in = shapely.intersection(covered, area).area
    sum_swath = float(np.sum(shapely.area(swaths)))
    n_lines = len(np.unique(layout.intervals.line)) if layout.cells else 0
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
        product_unit=setup.unit,
        swath_m=swath,
        speed_mps=setup.speed_mps,
        angle_deg=float(layout.angle_deg),
        line_count=n_lines,
        lower_bound_m=field_area / setup.spacing_m + (n_lines - 1) * setup.spacing_m,
        work_path_m=work_m,
        cell_count=len(layout.cells),
        flight_time_s=flight,
        ground_time_s=ground,
        energy_wh=mission.energy_wh,
        work_rate_ha_per_h=field_area / 1e4 / ((flight + ground) / 3600.0),
        sorties=reports,
        runtime_s=time.perf_counter() - t0,
        warnings=setup.warnings,
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
