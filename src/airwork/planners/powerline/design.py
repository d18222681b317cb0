"""The inspection's design before any flight: clearance, corridor track and photo spacing,
vantage standoff, mapping altitude and strips.

* **Clearance** ``c`` from every conductor: OSHA 29 CFR 1926.1408 Table A by voltage plus a
  GPS margin, unless given; low flight keeps ``D = max |lateral offset| + c`` from the
  centre line (see :mod:`.line`).
* **Corridor**: a track ``D + 5 m`` (or ``corridor_offset_m``) beside the line,
  ``corridor_above_m`` above the mean phase height, pitched
  ``-atan(corridor_above_m / track)``; photos every ``2 depth tan(HFOV / 2) (1 - overlap)``
  with ``depth`` the distance along the optical axis to the nearest conductor (pinhole
  camera); the speed lowered so photos come no faster than the camera's interval.
* **Mapping**: the survey planner's camera functions (GSD, footprint, spacing, trigger
  distance) at an altitude at least the tower tops plus the clearance; strips spaced for
  the side overlap across the mapped width.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError, InfeasibleMissionError
from airwork.flight.conditions import Conditions
from airwork.planners.powerline.line import min_approach_distance_m
from airwork.planners.powerline.problem import PowerlineParams, PowerlineProblem
from airwork.planners.powerline.vantage import vantage_standoff_m
from airwork.planners.survey import (
    altitude_for_gsd_m,
    footprint_m,
    ground_sample_distance_m,
    line_spacing_m,
    trigger_distance_m,
)

__all__ = ["LEVEL_GROUND_M", "Design", "check_stations", "inspection_design"]

LEVEL_GROUND_M = 5.0
"""Largest spread of ground elevation (towers and stations) over which the mapping strip is
flown level when no terrain is given. [m]"""


@dataclass(frozen=True)
class Design:
    """Everything the flights of every line share (local frame, datum heights).

    Attributes
    ----------
    aircraft : Aircraft
        With the reserve of the parameters.
    params : PowerlineParams
    clearance_m : float
        Clearance from every conductor. [m]
    lateral_m : float
        Least horizontal distance of low flight from the centre line. [m]
    track_m : float
        Horizontal distance of the low passes (corridor track) from the centre line. [m]
    hfov_rad : float
        Horizontal field of view at the zoom. [rad]
    transit_speed_mps : float
        Speed of every move that takes no distance-triggered photos. [m/s]
    standoff_m : float or None
        Vantage distance from the tower axes (towers mode). [m]
    corridor_trigger_m, corridor_pitch_deg, corridor_speed_mps : float or None
        Corridor photo spacing [m], gimbal pitch [°] and speed [m/s] (corridor mode).
    mapping_altitude_m, mapping_gsd_cm, mapping_trigger_m : float or None
        Mapping altitude above the ground [m], GSD [cm] and photo spacing [m].
    mapping_offsets_m : ndarray
        Lateral offsets of the mapping strips (empty without mapping). [m]
    terrain : Terrain or None
        The problem's DEM, for the mapping strip.
    datum_amsl_m : float
        The job's datum above mean sea level. [m]
    flight : Conditions or None
        The job's flight conditions (its wind), in which every piece is priced; None is
        calm air. See :attr:`conditions`.
    """

    aircraft: Aircraft
    params: PowerlineParams
    clearance_m: float
    lateral_m: float
    track_m: float
    hfov_rad: float
    transit_speed_mps: float
    standoff_m: float | None = None
    corridor_trigger_m: float | None = None
    corridor_pitch_deg: float | None = None
    corridor_speed_mps: float | None = None
    mapping_altitude_m: float | None = None
    mapping_gsd_cm: float | None = None
    mapping_trigger_m: float | None = None
    mapping_offsets_m: np.ndarray = field(default_factory=lambda: np.zeros(0))
    terrain: Any = None
    datum_amsl_m: float = 0.0
    flight: Conditions | None = None

    @property
    def conditions(self) -> Conditions:
        """The shared flight model for :attr:`aircraft` in the job's conditions (calm air
        when none were given): every piece of every flight is priced in it."""
        if self.flight is None:
            return Conditions(self.aircraft)
        return self.flight.with_aircraft(self.aircraft)


def inspection_design(
    problem: PowerlineProblem,
    params: PowerlineParams,
    aircraft: Aircraft,
    stations: np.ndarray,
    station_ground_m: np.ndarray,
    warns: list[str],
    flight: Conditions | None = None,
) -> Design:
    """The clearance, corridor, standoff and mapping settings of a problem, checked.

    Warnings (a default voltage, a speed or altitude changed) are appended to ``warns``.

    Raises
    ------
    AircraftError, InfeasibleMissionError
        A station under the line, a corridor offset within the clearance, conductors out
        of the image, a speed the aircraft or camera cannot fly, a standoff too small, a
        mapping altitude above the ceiling or uneven ground without terrain.
    """
    camera = aircraft.camera
    lines = problem.lines
    clearance = _clearance_m(lines, params, warns)
    lateral = max(ln.max_lateral_m for ln in lines) + clearance
    hfov = 2.0 * math.atan(camera.sensor_width_mm / 2.0 / (camera.focal_length_mm * params.zoom))
    check_stations(problem, stations, lateral)
    transit = float(min(aircraft.cruise_speed_mps, aircraft.max_speed_mps))
    corridor: tuple = (lateral, None, None, None)
    if "corridor" in params.modes:
        corridor = _corridor(lines, aircraft, params, clearance, lateral, hfov, transit, warns)
    standoff = None
    if "towers" in params.modes:
        standoff = vantage_standoff_m(lines, lateral, params)
    mapping: tuple = (None, None, None, np.zeros(0))
    if "mapping" in params.modes:
        mapping = _mapping(problem, params, camera, clearance, station_ground_m, warns)
    track, trig, pitch, speed_c = corridor
    map_alt, map_gsd, map_trig, offsets = mapping
    return Design(
        aircraft=aircraft,
        flight=flight,
        params=params,
        clearance_m=clearance,
        lateral_m=lateral,
        track_m=track,
        hfov_rad=hfov,
        transit_speed_mps=transit,
        standoff_m=standoff,
        corridor_trigger_m=trig,
        corridor_pitch_deg=pitch,
        corridor_speed_mps=speed_c,
        mapping_altitude_m=map_alt,
        mapping_gsd_cm=map_gsd,
        mapping_trigger_m=map_trig,
        mapping_offsets_m=offsets,
        terrain=problem.terrain,
        datum_amsl_m=problem.datum_amsl_m,
    )


def _clearance_m(lines, params: PowerlineParams, warns: list[str]) -> float:
    """The given clearance, or OSHA Table A for the highest voltage + the GPS margin. [m]"""
    if params.clearance_m is not None:
        return float(params.clearance_m)
    volts = [t.voltage_kv for ln in lines for t in ln.towers if t.voltage_kv is not None]
    v = max(volts) if volts else (params.voltage_kv or 110.0)
    if not volts and params.voltage_kv is None:
        warns.append("no voltage given: clearance for 110 kV")
    return float(min_approach_distance_m(v)) + params.gps_margin_m


def check_stations(problem: PowerlineProblem, stations: np.ndarray, lateral: float) -> None:
    """Every station at least ``lateral`` from every line (its take-off and landing are low
    flight), or an error names the station."""
    pts = shapely.points(stations)
    for ln in problem.lines:
        d = shapely.distance(pts, ln.centreline)
        clearance_h = lateral - ln.max_lateral_m
        need = ln.max_lateral_m + clearance_h  # = lateral
        bad = d < need - 1e-6
        if bad.any():
            i = int(np.argmax(bad))
            raise InfeasibleMissionError(
                f"{problem.name}: station {i + 1} is {d[i]:.1f} m from line {ln.line_id!r}: "
                f"a take-off needs at least {need:.1f} m (conductors plus clearance)"
            )


def _corridor(lines, ac: Aircraft, params, clearance, lateral, hfov, transit_speed, warns):
    """Corridor track offset [m], photo spacing [m], gimbal pitch [°] and speed [m/s] (the
    same for every span: the track follows the sag)."""
    camera = ac.camera
    track = lateral + 5.0
    if params.corridor_offset_m is not None:
        track = float(params.corridor_offset_m)
        if track < lateral:
            raise InfeasibleMissionError(
                f"corridor offset {track:g} m is within the clearance: the track must be at "
                f"least {lateral:.2f} m from the line (conductors {lateral - clearance:.1f} m "
                f"+ clearance {clearance:.2f} m)"
            )
    pitch = -math.degrees(math.atan2(params.corridor_above_m, track))
    depth = _min_depth(lines, track, params.corridor_above_m, pitch)
    vfov = 2.0 * math.atan(camera.sensor_height_mm / 2.0 / (camera.focal_length_mm * params.zoom))
    _check_vertical_fov(lines, track, params.corridor_above_m, pitch, vfov)
    trig = 2.0 * depth * math.tan(hfov / 2.0) * (1.0 - params.front_overlap)
    speed_c = params.speed_mps or transit_speed
    if speed_c > ac.max_speed_mps:
        raise AircraftError(f"speed {speed_c:g} m/s above the aircraft's maximum")
    interval = camera.min_trigger_interval_s
    if interval > 0 and trig / speed_c < interval:
        if params.speed_mps is not None:
            raise InfeasibleMissionError(
                f"corridor photos {trig:.1f} m apart at {speed_c:g} m/s come faster than "
                f"camera '{camera.name}' allows ({interval:g} s): fly at most "
                f"{trig / interval:.2f} m/s"
            )
        speed_c = trig / interval
        warns.append(f"corridor speed limited to {speed_c:.2f} m/s by the camera interval")
    return track, trig, pitch, speed_c


def _min_depth(lines, lateral: float, above: float, pitch_deg: float) -> float:
    """Least distance along the optical axis to any conductor seen from the corridor track
    (camera yawed square to the line, pitched ``pitch_deg``). [m]"""
    phi = math.radians(pitch_deg)
    best = math.inf
    for ln in lines:
        fr = np.array([p[0] for p in ln.phases])
        drop = np.array([p[1] for p in ln.phases])
        x = lateral - np.abs(fr) * ln.half_m.max()  # nearest horizontal distance
        dz = (drop.mean() - drop) - above  # conductor height above the camera
        depth = x * math.cos(phi) + dz * math.sin(phi)
        best = min(best, float(depth.min()))
    return best


def _check_vertical_fov(lines, track: float, above: float, pitch_deg: float, vfov: float):
    """Every conductor must fit the image height seen from the corridor track."""
    phi = math.radians(pitch_deg)
    for ln in lines:
        fr = np.array([p[0] for p in ln.phases])
        drop = np.array([p[1] for p in ln.phases])
        dz = (drop.mean() - drop) - above
        for sign in (1.0, -1.0):
            x = track - sign * fr * ln.half_m.max()
            depth = x * math.cos(phi) + dz * math.sin(phi)
            vert = -x * math.sin(phi) + dz * math.cos(phi)
            ang = np.degrees(np.abs(np.arctan2(vert, depth)))
            if ang.max() > math.degrees(vfov / 2.0):
                raise InfeasibleMissionError(
                    f"line {ln.line_id!r}: from the corridor track {track:.1f} m away a "
                    f"conductor is {ang.max():.0f}° off the camera axis, the image reaches "
                    f"{math.degrees(vfov / 2):.0f}°: widen the zoom or fly farther from the line"
                )


def _mapping(problem: PowerlineProblem, params, camera, clearance, st_ground, warns):
    """Mapping altitude [m], GSD [cm], photo spacing [m] and strip offsets [m]."""
    lines = problem.lines
    feet = np.concatenate([st_ground, *(ln.ground_m for ln in lines)])
    if problem.terrain is None and feet.max() - feet.min() > LEVEL_GROUND_M:
        raise InfeasibleMissionError(
            f"mapping mode: the ground under the towers and stations spreads over "
            f"{feet.max() - feet.min():.0f} m; a level mapping strip would image it at "
            f"changing scale: give the terrain (a DEM) for the strip to follow the ground"
        )
    # tower tops + clearance above their own ground (on flat ground: the highest
    # crossing altitude); over terrain each strip vertex is also kept above the
    # crossing altitudes of its span (passes.pass_track)
    safe = max(float((ln.height_m + clearance).max()) for ln in lines)
    if params.mapping_altitude_m is not None:
        map_alt = float(params.mapping_altitude_m)
    elif params.mapping_gsd_cm is not None:
        map_alt = float(
            altitude_for_gsd_m(
                params.mapping_gsd_cm / 100.0,
                camera.focal_length_mm,
                camera.sensor_width_mm,
                camera.image_width_px,
            )
        )
    else:
        map_alt = math.ceil(safe)
    if map_alt < safe:
        warns.append(
            f"mapping altitude raised from {map_alt:.1f} m to {math.ceil(safe)} m "
            "(tower tops + clearance)"
        )
        map_alt = float(math.ceil(safe))
    if map_alt > params.max_altitude_m:
        raise InfeasibleMissionError(
            f"mapping altitude {map_alt:.0f} m is above the {params.max_altitude_m:g} m ceiling"
        )
    map_gsd = (
        float(
            ground_sample_distance_m(
                map_alt, camera.focal_length_mm, camera.sensor_width_mm, camera.image_width_px
            )
        )
        * 100.0
    )
    across, along = footprint_m(map_alt, camera)
    spacing = float(line_spacing_m(across, params.mapping_side_overlap))
    map_trig = float(trigger_distance_m(along, params.mapping_front_overlap))
    # strips cover the width: the outer footprint edges reach the strip's edges
    width = params.mapping_width_m or params.row_width_m or 40.0
    n_strips = max(1, math.ceil((width - across) / spacing) + 1)
    offsets = (np.arange(n_strips) - (n_strips - 1) / 2.0) * spacing
    if n_strips == 1:
        offsets = np.zeros(1)
    return map_alt, map_gsd, map_trig, offsets
