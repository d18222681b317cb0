"""Power-line inspection planner: corridor imagery, tower vantage points, right-of-way
mapping, split into battery-sized flights from road-side stations by dynamic programming.

Geometry (see :mod:`.line` for the line model): heights are above the job's datum, the
lowest tower foot or station (on flat ground, the ground itself); towers stand on their own
ground (``Tower.ground_m``) and stations on theirs (``station_ground_m``), and each flight
is exported with altitudes above its own take-off station.

* **Clearance** ``c`` from every conductor: OSHA 1926.1408 Table A by voltage plus a GPS
  margin, unless given.  Every low flight point (corridor track, vantage points, moves between
  them) keeps a *horizontal* distance of at least ``D = max |lateral offset| + c`` from the
  line's centre-line polyline, hence at least ``c`` from every conductor (see :mod:`.line`).
  The line is crossed only at a tower, at ``X_i = max(top of towers i-1, i, i+1) + c``, which
  is at least ``c`` above every conductor of the spans meeting there; transits along the
  line fly above the centre line at these altitudes (an *overhead track*).
* **corridor**: a track ``D`` beside the line on each requested side, following the mean
  phase height plus ``corridor_above_m`` (so the gimbal pitch is the same everywhere),
  camera yawed 90° towards the line, photos by distance spaced for ``front_overlap`` of the
  image width at the nearest conductor, plus one photo at every tower.
* **towers**: at each tower, vantage points at ``standoff_m`` (horizontal, from the tower
  axis) on both sides, ahead of and behind the tower, at insulator and top heights, looking
  ``vantage_pitch_deg`` down; ROI (``MAV_CMD_DO_SET_ROI``) on the tower, gimbal pitch, one
  photo each after a hover.  Moves between vantage points follow the standoff circle.
* **mapping**: nadir strips parallel to the line over the right-of-way, with the survey
  planner's camera functions (GSD, footprint, spacing, trigger distance), at an altitude at
  least the highest crossing altitude of the line.

Flights.  The work on a line is a sequence of *passes* (side tracks, then mapping strips),
alternately forward and backward; a flight does every pass over a range of spans ``[a, b)``,
turning at the end towers (a crossing at ``X``).  It takes off at a station, climbs to
``X`` of the station's nearest tower, flies over the line to tower ``a``, works, flies back
over the line to its landing station.  With an even number of passes a flight may also be
reversed: in and out at tower ``b``, passes in reverse order.  Every flight's energy and time
are sums of priced legs, so a dynamic programme over (tower, station) finds the ranges and
stations of least crew time (flight + battery swap + driving at ``road_factor`` times the
straight distance), every flight within the battery less reserve.  The chosen flights are

Modules, in the order :func:`plan_powerline` uses them: :mod:`.problem` (inputs),
:mod:`.design` (clearance, corridor, standoff, mapping), :mod:`.passes` and
:mod:`.vantage` (the work along a line), :mod:`.lineplan` (every piece of a line, priced by
:mod:`.pieces`), :mod:`.access` (stations), :mod:`.checks` (allowed area),
:mod:`.flights` (the dynamic programme), :mod:`.sorties` (sorties, crew, mission) and
:mod:`.result`.
"""

from __future__ import annotations

import time

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError
from airwork.flight.conditions import Conditions
from airwork.planners.powerline.access import drive_matrix, station_access
from airwork.planners.powerline.checks import (
    allowed_area,
    check_allowed,
    check_other_lines,
    forbidden_zones,
)
from airwork.planners.powerline.design import Design, inspection_design
from airwork.planners.powerline.flights import choose_flights
from airwork.planners.powerline.lineplan import LinePlan, line_plan
from airwork.planners.powerline.passes import line_passes
from airwork.planners.powerline.problem import PowerlineParams, PowerlineProblem
from airwork.planners.powerline.result import FlightReport, PowerlineResult
from airwork.planners.powerline.sorties import (
    CrewSchedule,
    build_sorties,
    crew_schedule,
    flight_reports,
    powerline_mission,
)

__all__ = ["plan_powerline"]


def plan_powerline(
    problem: PowerlineProblem,
    params: PowerlineParams | None = None,
    conditions: Conditions | None = None,
) -> PowerlineResult:
    """Plan a power-line inspection: flights, stations and crew moves of least crew time.

    ``conditions`` are the job's flight conditions (its wind), in which every flight is
    priced and split; None is calm air.

    Raises
    ------
    AircraftError
        No camera on the aircraft.
    InfeasibleMissionError
        A clearance the right-of-way (or obstacles, no-fly zones, the ceiling) makes
        impossible, a span no flight from any station can cover, a standoff too small:
        each names the tower or span.
    """
    t0 = time.perf_counter()
    params = params or PowerlineParams()
    warns: list[str] = []
    ac = _inspection_aircraft(problem.aircraft, params)
    stations, ground = _stations(problem)
    row = _right_of_way(problem, params)
    design = inspection_design(problem, params, ac, stations, ground, warns, conditions)
    passes = line_passes(params, design)
    plans = [line_plan(ln, passes, design) for ln in problem.lines]
    _reach_stations(problem, plans, stations, ground, design, row, warns)
    allowed, fence = allowed_area(problem, row, plans)
    if allowed is not None:
        check_allowed(plans, allowed)
    drive = drive_matrix(stations)
    chosen = choose_flights(plans, drive, ac.mission_energy_wh, params, problem.name)
    sorties, photos, items = build_sorties(
        plans, chosen, stations, ground, design.conditions, params.max_mission_items, problem.frame
    )
    crew = crew_schedule(chosen, sorties, drive, params)
    towers = "towers" in params.modes
    reports = flight_reports(plans, chosen, sorties, photos, items, crew, towers)
    mission = powerline_mission(
        problem, ac, sorties, stations, ground, fence, design.transit_speed_mps
    )
    return _result(problem, design, mission, reports, crew, warns, time.perf_counter() - t0)


def _inspection_aircraft(ac: Aircraft, params: PowerlineParams) -> Aircraft:
    """The aircraft with the reserve of ``params``, checked for a camera and its zoom."""
    camera = ac.camera
    if camera is None:
        raise AircraftError(
            f"aircraft '{ac.name}' carries no camera; choose an inspection aircraft "
            "(e.g. inspector-quad)"
        )
    if params.reserve_frac is not None:
        ac = ac.with_reserve(params.reserve_frac)
    if params.zoom > camera.max_zoom + 1e-9:
        raise AircraftError(
            f"camera '{camera.name}' zooms at most {camera.max_zoom:g}x, asked {params.zoom:g}x"
        )
    return ac


def _stations(problem: PowerlineProblem) -> tuple[np.ndarray, np.ndarray]:
    """Stations (m, 2) and their ground above the datum (m,), 0 on flat ground. [m]"""
    stations = np.asarray(problem.stations, dtype=float).reshape(-1, 2)
    ground = np.zeros(len(stations))
    if len(problem.station_ground_m):
        ground = np.asarray(problem.station_ground_m, dtype=float)
    return stations, ground


def _right_of_way(problem: PowerlineProblem, params: PowerlineParams):
    """The given right-of-way, else ``row_width_m`` around every line (or None)."""
    row = problem.right_of_way
    if row is None and params.row_width_m is not None:
        half = params.row_width_m / 2.0
        row = shapely.union_all(
            [
                shapely.buffer(ln.centreline, half, join_style="mitre", mitre_limit=10.0)
                for ln in problem.lines
            ]
            + [shapely.buffer(shapely.multipoints(ln.xy_m[[0, -1]]), half) for ln in problem.lines]
        )
    return row


def _reach_stations(
    problem: PowerlineProblem,
    plans: list[LinePlan],
    stations: np.ndarray,
    ground: np.ndarray,
    design: Design,
    row,
    warns: list[str],
) -> None:
    """Give every line its station access (``LinePlan.access``); the low flight of one line
    must also keep clear of every other line's conductors."""
    zones = [shapely.buffer(lp.line.centreline, design.lateral_m * (1 - 1e-9)) for lp in plans]
    if len(plans) > 1:
        check_other_lines(plans, zones)
    for k, lp in enumerate(plans):
        forb = [z for z in (forbidden_zones(problem), *zones[:k], *zones[k + 1 :]) if z is not None]
        forbidden = shapely.union_all(forb) if forb else None
        lp.access = station_access(lp, stations, ground, design, row, forbidden, warns)


def _result(
    problem: PowerlineProblem,
    design: Design,
    mission,
    reports: list[FlightReport],
    crew: CrewSchedule,
    warns: list[str],
    runtime_s: float,
) -> PowerlineResult:
    """The result's figures."""
    params = design.params
    lines = problem.lines
    line_km = sum(ln.length_m for ln in lines) / 1000.0
    days = crew.crew_time_s / ((params.workday_h - params.mobilisation_h) * 3600.0)
    return PowerlineResult(
        mission=mission,
        flights=tuple(reports),
        modes=params.modes,
        clearance_m=design.clearance_m,
        lateral_offset_m=design.track_m,
        standoff_m=design.standoff_m,
        corridor_trigger_m=design.corridor_trigger_m,
        corridor_pitch_deg=design.corridor_pitch_deg,
        corridor_speed_mps=design.corridor_speed_mps,
        mapping_altitude_m=design.mapping_altitude_m,
        mapping_gsd_cm=design.mapping_gsd_cm,
        mapping_trigger_m=design.mapping_trigger_m,
        mapping_strips=len(design.mapping_offsets_m),
        crew_time_s=crew.crew_time_s,
        drive_m=crew.drive_m,
        crew_moves=crew.moves,
        line_km=line_km,
        towers=sum(ln.n for ln in lines),
        spans=sum(ln.n - 1 for ln in lines),
        photos=int(sum(r.photos for r in reports)),
        km_per_crew_day=line_km / days if days > 0 else 0.0,
        workday_h=params.workday_h,
        runtime_s=runtime_s,
        warnings=tuple(warns),
    )
