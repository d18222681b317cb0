"""Mapping-survey planner: camera geometry, parallel photo lines, battery-split sorties.

Two layers, as in pvlib:

* small functions of the camera geometry (:func:`ground_sample_distance_m`,
  :func:`altitude_for_gsd_m`, :func:`footprint_m`, :func:`line_spacing_m`,
  :func:`trigger_distance_m`), each with units and a source;
* the planner, shaped as in PyVRP: a validated :class:`SurveyProblem`, checked
  :class:`SurveyParams`, a pure :func:`plan_survey` and a frozen :class:`SurveyResult`.

Geometry.  The camera looks straight down in landscape: the image width lies across the
flight line, the image height along it.  Lines are the swath lines of
:func:`~airwork.planners.coverage.line_intervals` with the line spacing as the "swath": at
most one spacing apart, the outer ones half a spacing inside the area's extreme points, so
the outer footprints (wider than the spacing) reach past them.  Along each line the camera
works over the extent of the area inside that line's band, extended by ``extend_m`` at both
ends, so slanted edges and the ends of the area are imaged with the full front overlap.  The
camera triggers by distance (``DO_SET_CAM_TRIGG_DIST``) along the whole extended line and
stops at its end.  The direction is the candidate (longest edges, compass directions) of
least estimated flight time, unless given.  A crosshatch adds a second grid at 90°, flown
after the first from where the first ended.

Concave areas, areas in several parts and obstacles: a line's band may meet the area in
several parts; parts whose extended intervals overlap are flown as one run with the camera
on (a mapping flight keeps its altitude, and a few extra photos cost less than extra turns),
the others become separate intervals.  Where a line crosses an obstacle grown by the
clearance, the interval is cut at the zone's edge.  Intervals are grouped into cells by
:func:`~airwork.planners.coverage.decompose`, each cell flown back and forth, cells chained
nearest-first from the station (:func:`~airwork.planners.coverage.order_cells`); turns and
transits that would cross an obstacle zone are routed around it on shortest paths
(:class:`~airwork.geo.pathfinding.PathFinder`), preferring to stay over the area.

Sorties are cut by :func:`~airwork.planners.sorties.split_sorties` (no payload is used): a
sortie ends where the battery, with the reserve and the flight home, allows no more, and the
next one resumes there with the camera trigger switched on again.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, replace

import numpy as np
import shapely
import shapely.affinity

from airwork.aircraft.components import Camera
from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError, GeometryError, InfeasibleMissionError
from airwork.flight.conditions import Conditions
from airwork.flight.kinematics import WAYPOINT_ACCEL_MPS2
from airwork.geo.pathfinding import PathFinder
from airwork.mission.model import Action, ActionKind, Mission, Sortie
from airwork.planners.coverage import (
    Intervals,
    candidate_angles_deg,
    decompose,
    line_intervals,
    longest_edge_angle_deg,
    order_cells,
    require_coverage_budget,
    work_polyline,
)
from airwork.planners.fence import inclusion_fence
from airwork.planners.sorties import SortieSettings, WorkPath, split_sorties
from airwork.planners.survey.camera import (
    altitude_for_gsd_m,
    footprint_m,
    ground_sample_distance_m,
    line_spacing_m,
    photo_count,
    trigger_distance_m,
)
from airwork.planners.survey.model import (
    DEFAULT_ALTITUDE_M,
    MAX_ALTITUDE_M,
    SurveyParams,
    SurveyProblem,
    SurveyResult,
    SurveySortieReport,
)

__all__ = [
    "DEFAULT_ALTITUDE_M",
    "MAX_ALTITUDE_M",
    "SurveyParams",
    "SurveyProblem",
    "SurveyResult",
    "SurveySortieReport",
    "altitude_for_gsd_m",
    "footprint_m",
    "ground_sample_distance_m",
    "line_spacing_m",
    "photo_count",
    "photo_intervals",
    "plan_survey",
    "trigger_distance_m",
]

TURN_ACCEL_MPS2 = WAYPOINT_ACCEL_MPS2
"""Deceleration and acceleration in a turn, as the sortie builder prices it. [m/s²]"""

_EPS = 1e-9


# ----------------------------------------------------------------------------- geometry
def photo_intervals(
    area: shapely.Geometry,
    spacing_m: float,
    angle_deg: float,
    extend_m: float = 0.0,
    exclusions: shapely.Geometry | None = None,
    reach_m: float = 0.0,
) -> Intervals:
    """Camera intervals of a grid of photo lines over ``area``.

    The lines and their intervals are :func:`~airwork.planners.coverage.line_intervals`
    with ``spacing_m`` as the swath.  Each interval is then lengthened by ``extend_m`` at
    both ends, intervals of one line that now overlap are merged (the camera stays on across
    the gap), and whatever lies in ``exclusions`` is cut out.  Pieces farther than
    ``reach_m`` from the area (beyond an obstacle at its edge) are dropped.

    Parameters
    ----------
    area : Polygon or MultiPolygon
        [m]
    spacing_m : float
        Largest distance between lines. [m]
    angle_deg : float
        Line direction, counter-clockwise from local east. [°]
    extend_m : float
        Length added at both ends of every interval. [m]
    exclusions : geometry or None
        Zones never flown (obstacles grown by the clearance). [m]
    reach_m : float
        Half the footprint along the track: how far from its centre a photo sees. [m]

    Returns
    -------
    Intervals
        Sorted by line, then position along the line.
    """
    require_coverage_budget(area, spacing_m, "--gsd-cm, --height-m or --side-overlap")
    iv = line_intervals(area, spacing_m, angle_deg, min_length_m=0.0)
    if len(iv) == 0:
        return iv
    line, x0, x1 = _merge_runs(iv.line, iv.x0 - extend_m, iv.x1 + extend_m)
    if exclusions is not None and not exclusions.is_empty:
        iv = Intervals(line, x0, x1, iv.y, iv.angle_deg)
        lines = shapely.linestrings(iv.segments())
        # cut 5 cm outside the zones, so cut ends never fall inside one by rounding
        grown = shapely.buffer(exclusions, 0.05, quad_segs=2, join_style="mitre")
        pieces, idx = shapely.get_parts(shapely.difference(lines, grown), return_index=True)
        keep = (shapely.get_type_id(pieces) == 1) & (shapely.length(pieces) > 0.5)
        if reach_m > 0:
            keep &= shapely.distance(pieces, area) <= reach_m
        pieces, idx = pieces[keep], idx[keep]
        u = np.array([math.cos(math.radians(angle_deg)), math.sin(math.radians(angle_deg))])
        along = np.stack(
            [shapely.get_coordinates(shapely.get_point(pieces, k)) @ u for k in (0, -1)], axis=1
        )
        line = line[idx]
        x0, x1 = along.min(axis=1), along.max(axis=1)
        order = np.lexsort((x0, line))
        line, x0, x1 = line[order], x0[order], x1[order]
    return Intervals(line, x0, x1, iv.y, iv.angle_deg)


def _merge_runs(line: np.ndarray, x0: np.ndarray, x1: np.ndarray):
    """Merge intervals of one line that overlap or touch (rows sorted by line, then x0)."""
    order = np.lexsort((x0, line))
    line, x0, x1 = line[order], x0[order], x1[order]
    out_l, out_a, out_b = [], [], []
    for ln, a, b in zip(line.tolist(), x0.tolist(), x1.tolist(), strict=True):
        if out_l and out_l[-1] == ln and a <= out_b[-1] + 1e-6:
            out_b[-1] = max(out_b[-1], b)
        else:
            out_l.append(ln), out_a.append(a), out_b.append(b)
    return np.asarray(out_l, dtype=int), np.asarray(out_a), np.asarray(out_b)


def _best_angle(area, spacing_m, extend_m, speed_mps) -> float:
    """Line direction of least estimated camera-flight time: line length (with the
    extensions) at work speed plus, per interval, a stop-and-go turn (2 v / a) and the
    crossing to the next line (s / v)."""
    turn_s = 2.0 * speed_mps / TURN_ACCEL_MPS2 + spacing_m / speed_mps
    best = None
    for angle in candidate_angles_deg(area):
        iv = line_intervals(area, spacing_m, float(angle), min_length_m=0.0)
        if len(iv) == 0:
            continue
        cost = (iv.total_length_m + 2.0 * extend_m * len(iv)) / speed_mps + len(iv) * turn_s
        if best is None or cost < best[0] - 1e-9:
            best = (cost, float(angle))
    return best[1] if best is not None else longest_edge_angle_deg(area)


def _camera_runs(sortie: Sortie) -> list[float]:
    """Lengths of the runs of consecutive camera legs of a sortie. [m]"""
    runs: list[float] = []
    on = False
    for leg in sortie.legs:
        if leg.camera:
            if on:
                runs[-1] += leg.distance_m
            else:
                runs.append(leg.distance_m)
            on = True
        else:
            on = False
    return runs


# ----------------------------------------------------------------------------- planner
def _survey_altitude(camera: Camera, params: SurveyParams) -> float:
    if params.gsd_cm is None:
        return float(params.altitude_m if params.altitude_m is not None else DEFAULT_ALTITUDE_M)
    altitude = float(
        altitude_for_gsd_m(
            params.gsd_cm / 100.0,
            camera.focal_length_mm,
            camera.sensor_width_mm,
            camera.image_width_px,
        )
    )
    if altitude > params.max_altitude_m:
        best = ground_sample_distance_m(
            params.max_altitude_m,
            camera.focal_length_mm,
            camera.sensor_width_mm,
            camera.image_width_px,
        )
        raise InfeasibleMissionError(
            f"a GSD of {params.gsd_cm:g} cm with camera '{camera.name}' needs an altitude of "
            f"{altitude:.0f} m, above the {params.max_altitude_m:g} m ceiling; ask for at most "
            f"{float(best) * 100:.2f} cm (or set max_altitude_m if authorised higher)"
        )
    if altitude < 2.0:
        raise InfeasibleMissionError(
            f"a GSD of {params.gsd_cm:g} cm with camera '{camera.name}' needs an altitude of "
            f"{altitude:.2f} m, too low to fly a survey (at least 2 m)"
        )
    return altitude


def _work_speed(
    aircraft: Aircraft, camera: Camera, params: SurveyParams, trigger_m: float
) -> tuple[float, list[str]]:
    """Work speed and warnings: cruise speed, or the speed at which photos ``trigger_m``
    apart come every ``min_trigger_interval_s``, whichever is lower."""
    warns: list[str] = []
    cruise = min(aircraft.cruise_speed_mps, aircraft.max_speed_mps)
    interval = camera.min_trigger_interval_s
    camera_max = trigger_m / interval if interval > 0 else math.inf
    speed = cruise
    if params.speed_mps is not None:
        speed = float(params.speed_mps)
        if speed > aircraft.max_speed_mps + _EPS:
            raise AircraftError(
                f"aircraft '{aircraft.name}': work speed {speed:g} m/s above its maximum "
                f"{aircraft.max_speed_mps:g} m/s"
            )
        if speed > camera_max * (1 + 1e-9):
            raise InfeasibleMissionError(
                f"photos {trigger_m:.1f} m apart at {speed:g} m/s come every "
                f"{trigger_m / speed:.2f} s, camera '{camera.name}' needs {interval:g} s "
                f"between photos: fly at most {camera_max:.2f} m/s or lower the front overlap"
            )
    elif camera_max < cruise:
        if camera_max < 0.5:
            raise InfeasibleMissionError(
                f"photos {trigger_m:.2f} m apart every {interval:g} s allow only "
                f"{camera_max:.2f} m/s: fly higher or lower the front overlap"
            )
        speed = camera_max
        warns.append(
            f"work speed limited to {camera_max:.2f} m/s (cruise {cruise:g} m/s): camera "
            f"'{camera.name}' needs {interval:g} s between photos {trigger_m:.1f} m apart"
        )
    wing = aircraft.airframe.wing
    if wing is not None and speed < 1.2 * wing.stall_speed_mps:
        warns.append(
            f"work speed {speed:.2f} m/s is below 1.2 x the wing's stall speed "
            f"({wing.stall_speed_mps:g} m/s): the VTOL flies the lines as a multirotor "
            f"(fly higher or lower the front overlap to fly them on the wing)"
        )
    return float(speed), warns


@dataclass(frozen=True)
class _Setup:
    """The survey's settled numbers from the camera, the overlaps and the aircraft."""

    aircraft: Aircraft
    conditions: Conditions
    camera: Camera
    altitude_m: float
    transit_height_m: float
    gsd_m: float
    across_m: float
    along_m: float
    spacing_m: float
    trigger_m: float
    extend_m: float
    speed_mps: float
    transit_speed_mps: float
    warnings: tuple[str, ...]


def _setup(problem: SurveyProblem, params: SurveyParams, conditions: Conditions | None) -> _Setup:
    """Camera, altitude from the GSD, footprint, line spacing and trigger distance from the
    overlaps, work speed the camera keeps up with, and a transit speed the wind allows."""
    ac = problem.aircraft
    camera = params.camera or ac.camera
    if camera is None:
        raise AircraftError(
            f"aircraft '{ac.name}' carries no camera (payload: "
            f"{ac.payload.name if ac.payload else 'none'}); choose a mapping aircraft or give "
            f"SurveyParams(camera=...)"
        )
    if params.camera is not None and ac.payload is not params.camera:
        ac = replace(ac, payload=params.camera)
    if params.reserve_frac is not None:
        ac = ac.with_reserve(params.reserve_frac)
    cond = Conditions(ac) if conditions is None else conditions.with_aircraft(ac)
    altitude = _survey_altitude(camera, params)
    transit_height = float(
        params.transit_height_m if params.transit_height_m is not None else altitude
    )
    gsd = float(
        ground_sample_distance_m(
            altitude, camera.focal_length_mm, camera.sensor_width_mm, camera.image_width_px
        )
    )
    across, along = footprint_m(altitude, camera)
    spacing = float(line_spacing_m(across, params.side_overlap))
    trigger = float(trigger_distance_m(along, params.front_overlap))
    extend = float(params.extend_m if params.extend_m is not None else along)
    speed, warns = _work_speed(ac, camera, params, trigger)
    usual = float(min(ac.cruise_speed_mps, ac.max_speed_mps))
    windy = cond.max_ground_speed_mps(altitude)
    if params.speed_mps is None and windy < speed:
        speed = max(windy, 1.0)
        warns.append(f"work speed lowered to {speed:.1f} m/s so that the wind stays within limits")
    transit = usual if windy >= usual else max(windy, 2.0)
    return _Setup(
        ac,
        cond,
        camera,
        altitude,
        transit_height,
        gsd,
        across,
        along,
        spacing,
        trigger,
        extend,
        speed,
        transit,
        tuple(warns),
    )


def _photo_runs(problem: SurveyProblem, params: SurveyParams, setup: _Setup, stations, start):
    """Photo lines of each grid (one, or two crossed), decomposed into cells flown nearest
    first; returns the runs, the first grid's angle and the line and cell counts."""
    forbidden = problem.forbidden
    require_coverage_budget(problem.area, setup.spacing_m, "--gsd-cm, --height-m or --side-overlap")
    angle = float(
        params.angle_deg
        if params.angle_deg is not None
        else _best_angle(problem.area, setup.spacing_m, setup.extend_m, setup.speed_mps)
    )
    angles = [angle, angle + 90.0] if params.crosshatch else [angle]
    runs: list[np.ndarray] = []
    here = start
    n_lines = n_cells = 0
    for a in angles:
        iv = photo_intervals(
            problem.area, setup.spacing_m, a, setup.extend_m, forbidden, reach_m=0.5 * setup.along_m
        )
        if len(iv) == 0:
            raise InfeasibleMissionError(
                f"{problem.name}: no photo line fits the area outside the obstacle zones"
            )
        cells = decompose(iv)
        ordered = order_cells(cells, iv, here)
        runs += [seg for cell in ordered for seg in cell]
        here = runs[-1][-1]
        n_lines += len(np.unique(iv.line))
        n_cells += len(cells)
    return runs, angle, n_lines, n_cells


def _split(problem: SurveyProblem, setup: _Setup, pts, working, router, stations):
    """Battery-split sorties with the camera trigger on along every photo run."""
    settings = SortieSettings(
        work_speed_mps=setup.speed_mps,
        transit_speed_mps=setup.transit_speed_mps,
        work_height_m=setup.altitude_m,
        transit_height_m=setup.transit_height_m,
        on_actions=(Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=setup.trigger_m),),
        off_actions=(Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=0.0),),
        flag="camera",
        route=router.path if router is not None else None,
        route_lengths=router.lengths_m if router is not None else None,
    )
    sorties = split_sorties(
        setup.aircraft,
        WorkPath(pts, working, np.zeros(len(working))),
        stations,
        0.0,
        settings,
        name=problem.name,
        conditions=setup.conditions,
    )
    ac = setup.aircraft
    for s in sorties:  # every sortie must be flyable by the flight model
        if s.energy_wh > ac.mission_energy_wh * (1 + 1e-6):
            raise InfeasibleMissionError(
                f"sortie {s.index}: needs {s.energy_wh:.0f} Wh, usable battery less reserve is "
                f"{ac.mission_energy_wh:.0f} Wh (aircraft '{ac.name}')"
            )
    return sorties


def _geofence(
    problem: SurveyProblem, stations: np.ndarray, pts: np.ndarray
) -> tuple[shapely.Polygon, tuple[str, ...]]:
    """Hull of area, stations and path grown by 20 m, less half the planning clearance
    around obstacles where that keeps it one polygon around the flight
    (:func:`~airwork.planners.fence.inclusion_fence`)."""
    return inclusion_fence(
        problem.area,
        np.vstack([stations, pts]),
        problem.obstacles,
        0.5 * problem.clearance_m,
        20.0,
    )


def plan_survey(
    problem: SurveyProblem,
    params: SurveyParams | None = None,
    conditions: Conditions | None = None,
) -> SurveyResult:
    """Plan a mapping survey of ``problem.area`` with battery-split sorties.

    Parameters
    ----------
    problem : SurveyProblem
    params : SurveyParams or None
        Defaults: 80 m, 75 % front and 70 % side overlap.
    conditions : Conditions, optional
        Wind and flight model the sorties are priced in (calm air when None).

    Returns
    -------
    SurveyResult

    Raises
    ------
    AircraftError
        No camera on the aircraft nor in ``params``; a speed above the aircraft's maximum.
    InfeasibleMissionError
        A GSD that needs an altitude above the ceiling, a speed the camera cannot keep up
        with, a station within an obstacle's clearance or walled in by obstacles, or a
        battery that cannot fly to the work and back.
    """
    t0 = time.perf_counter()
    params = params or SurveyParams()
    setup = _setup(problem, params, conditions)
    stations = np.asarray(problem.stations, dtype=float).reshape(-1, 2)
    router = _router(problem, problem.forbidden, stations)
    runs, angle, n_lines, n_cells = _photo_runs(problem, params, setup, stations, stations[0])
    pts, working = work_polyline(runs, router)
    sorties = _split(problem, setup, pts, working, router, stations)
    flown = np.vstack([pts] + [np.array([(w.x_m, w.y_m) for w in s.waypoints]) for s in sorties])
    fence, fence_notes = _geofence(problem, stations, flown)
    setup = replace(setup, warnings=setup.warnings + fence_notes)
    mission = _mission(problem, setup, sorties, stations, fence, angle, params.crosshatch)
    return _result(problem, params, setup, mission, angle, n_lines, n_cells, t0)


def _mission(
    problem, setup: _Setup, sorties, stations, fence, angle: float, crosshatch: bool
) -> Mission:
    ac = setup.aircraft
    area = problem.area
    ring = area.exterior if area.geom_type == "Polygon" else shapely.convex_hull(area).exterior
    return Mission.flown_by(
        ac,
        name=problem.name,
        frame=problem.frame,
        sorties=sorties,
        stations=tuple(map(tuple, stations.tolist())),
        geofence=fence,
        features=problem.features,
        kind="survey",
        cruise_speed_mps=setup.transit_speed_mps,
        meta={  # for QGroundControl's editable Survey item (airwork.export.qgc_survey)
            "survey": {
                "angle_deg": angle % 180.0,  # line direction, counter-clockwise from east
                "line_spacing_m": setup.spacing_m,
                "trigger_distance_m": setup.trigger_m,
                "altitude_m": setup.altitude_m,
                "extend_m": setup.extend_m,
                "crosshatch": bool(crosshatch),
                "area_xy_m": shapely.get_coordinates(ring).tolist(),
            }
        },
    )


def _result(problem, params, setup: _Setup, mission: Mission, angle, n_lines, n_cells, t0):
    reports = []
    for s in mission.sorties:
        lengths = _camera_runs(s)
        reports.append(
            SurveySortieReport(
                sortie=s.index,
                photos=int(np.sum(photo_count(lengths, setup.trigger_m))) if lengths else 0,
                flight_time_s=s.time_s,
                energy_wh=s.energy_wh,
                battery_frac=s.battery_frac,
                camera_distance_m=float(sum(lengths)),
                distance_m=s.distance_m,
            )
        )
    return SurveyResult(
        mission=mission,
        gsd_m=setup.gsd_m,
        altitude_m=setup.altitude_m,
        footprint_across_m=setup.across_m,
        footprint_along_m=setup.along_m,
        line_spacing_m=setup.spacing_m,
        trigger_distance_m=setup.trigger_m,
        photo_count=int(sum(r.photos for r in reports)),
        area_ha=problem.area.area / 1e4,
        speed_mps=setup.speed_mps,
        angle_deg=angle % 180.0,
        line_count=n_lines,
        cell_count=n_cells,
        front_overlap=params.front_overlap,
        side_overlap=params.side_overlap,
        crosshatch=params.crosshatch,
        flight_time_s=mission.time_s,
        energy_wh=mission.energy_wh,
        sorties=tuple(reports),
        runtime_s=time.perf_counter() - t0,
        warnings=setup.warnings,
    )


def _router(
    problem: SurveyProblem, forbidden: shapely.Geometry | None, stations: np.ndarray
) -> PathFinder | None:
    """Shortest paths around the obstacle zones, preferring to stay over the area; checks
    that every station is clear of them and can reach the area."""
    if forbidden is None or forbidden.is_empty:
        return None
    router = PathFinder(forbidden, prefer_inside=problem.area, outside_penalty=1.5)
    free = shapely.difference(problem.area, forbidden)
    if free.is_empty or free.area < 1.0:
        raise InfeasibleMissionError(
            f"{problem.name}: the obstacles with {problem.clearance_m:g} m clearance cover the "
            f"whole area"
        )
    target = np.asarray(free.representative_point().coords[0])
    for i, st in enumerate(stations):
        where = f"station {i + 1} (x={st[0]:.1f} m, y={st[1]:.1f} m)"
        if shapely.intersects(forbidden, shapely.Point(st)):
            raise InfeasibleMissionError(
                f"{problem.name}: {where} lies within {problem.clearance_m:g} m of an obstacle"
            )
        try:
            router.path(st, target)
        except (InfeasibleMissionError, GeometryError):
            raise InfeasibleMissionError(
                f"{problem.name}: {where} cannot reach the area without passing within "
                f"{problem.clearance_m:g} m of an obstacle"
            ) from None
    return router
