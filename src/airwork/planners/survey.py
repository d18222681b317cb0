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
from dataclasses import dataclass, field, replace

import numpy as np
import shapely
import shapely.affinity

from airwork.aircraft.components import Camera
from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError, GeometryError, InfeasibleMissionError
from airwork.flight.kinematics import WAYPOINT_ACCEL_MPS2
from airwork.geo.frame import LocalFrame
from airwork.geo.pathfinding import PathFinder
from airwork.mission.model import Action, ActionKind, AltitudeRef, Feature, Mission, Sortie
from airwork.planners.coverage import (
    Intervals,
    candidate_angles_deg,
    decompose,
    line_intervals,
    longest_edge_angle_deg,
    obstacle_zones,
    order_cells,
)
from airwork.planners.sorties import SortieSettings, WorkPath, split_sorties
from airwork.planners.spray import _work_polyline

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

DEFAULT_ALTITUDE_M = 80.0
"""Survey altitude above take-off when neither a GSD nor an altitude is given. [m]"""

MAX_ALTITUDE_M = 120.0
"""Default ceiling: the usual legal limit for drones (EU open category, 120 m above the
closest point of the ground; US Part 107, 400 ft). [m]"""

MAX_LINES = 20_000
"""Most flight lines one survey may have (guards against a tiny GSD over a huge area)."""

TURN_ACCEL_MPS2 = WAYPOINT_ACCEL_MPS2
"""Deceleration and acceleration in a turn, as the sortie builder prices it. [m/s²]"""

_EPS = 1e-9


# ----------------------------------------------------------------------------- camera geometry
def ground_sample_distance_m(altitude_m, focal_length_mm, sensor_width_mm, image_width_px):
    r"""Ground sample distance of a nadir camera over flat ground [1]_.

    Parameters
    ----------
    altitude_m : numeric
        Height of the camera above the ground. [m]
    focal_length_mm : numeric
        Real focal length (not the 35 mm equivalent). [mm]
    sensor_width_mm : numeric
        Real sensor width. [mm]
    image_width_px : numeric
        Image width. [px]

    Returns
    -------
    gsd_m : numeric
        Distance on the ground between two neighbouring pixel centres,
        :math:`H s_w / (f W)` (similar triangles, [1]_ eq. 2-3). [m]

    References
    ----------
    .. [1] Pix4D, "Ground sampling distance (GSD) in photogrammetry", PIX4Dmapper support
           article 202557469. https://support.pix4d.com/hc/en-us/articles/202557469

    Examples
    --------
    >>> round(float(ground_sample_distance_m(100.0, 8.8, 13.2, 5472)) * 100, 3)  # cm
    2.741
    """
    return (
        np.asarray(altitude_m, dtype=float)
        * sensor_width_mm
        / (np.asarray(focal_length_mm, dtype=float) * image_width_px)
    )


def altitude_for_gsd_m(gsd_m, focal_length_mm, sensor_width_mm, image_width_px):
    r"""Height above the ground that gives a ground sample distance [1]_.

    Parameters
    ----------
    gsd_m : numeric
        Wanted ground sample distance. [m]
    focal_length_mm : numeric
        Real focal length. [mm]
    sensor_width_mm : numeric
        Real sensor width. [mm]
    image_width_px : numeric
        Image width. [px]

    Returns
    -------
    altitude_m : numeric
        :math:`H = \mathrm{GSD}\, W f / s_w` ([1]_ eq. 4). [m]

    References
    ----------
    .. [1] Pix4D, "Ground sampling distance (GSD) in photogrammetry", PIX4Dmapper support
           article 202557469. https://support.pix4d.com/hc/en-us/articles/202557469

    Examples
    --------
    >>> round(float(altitude_for_gsd_m(0.05, 5.0, 6.17, 4000)), 2)  # Pix4D's example
    162.07
    """
    return (
        np.asarray(gsd_m, dtype=float)
        * image_width_px
        * np.asarray(focal_length_mm, dtype=float)
        / sensor_width_mm
    )


def footprint_m(altitude_m, camera: Camera) -> tuple[float, float]:
    """Ground footprint of one nadir image, camera in landscape [1]_.

    The image width lies across the flight line, the image height along it.

    Parameters
    ----------
    altitude_m : float
        Height of the camera above the ground. [m]
    camera : Camera
        Uses ``sensor_width_mm``, ``sensor_height_mm`` and ``focal_length_mm`` (widest zoom).

    Returns
    -------
    across_m, along_m : float
        :math:`H s_w / f` and :math:`H s_h / f` ([1]_ eq. 2, :math:`D_W = H S_W / F_R`). [m]

    References
    ----------
    .. [1] Pix4D, "Ground sampling distance (GSD) in photogrammetry", PIX4Dmapper support
           article 202557469. https://support.pix4d.com/hc/en-us/articles/202557469
    """
    h_over_f = float(altitude_m) / camera.focal_length_mm
    return h_over_f * camera.sensor_width_mm, h_over_f * camera.sensor_height_mm


def line_spacing_m(footprint_across_m, side_overlap):
    """Largest distance between neighbouring flight lines for a side overlap.

    Parameters
    ----------
    footprint_across_m : numeric
        Footprint across the flight line. [m]
    side_overlap : numeric
        Share of an image's width also seen from the next line. [-]

    Returns
    -------
    spacing_m : numeric
        :math:`D_W (1 - o_s)`. [m]
    """
    return np.asarray(footprint_across_m, dtype=float) * (1.0 - np.asarray(side_overlap))


def trigger_distance_m(footprint_along_m, front_overlap):
    """Distance flown between photos for a front (forward) overlap.

    Parameters
    ----------
    footprint_along_m : numeric
        Footprint along the flight line. [m]
    front_overlap : numeric
        Share of an image's height also seen in the next photo. [-]

    Returns
    -------
    distance_m : numeric
        :math:`D_H (1 - o_f)`. [m]
    """
    return np.asarray(footprint_along_m, dtype=float) * (1.0 - np.asarray(front_overlap))


def photo_count(length_m, trigger_m) -> np.ndarray:
    """Photos taken on runs of a distance trigger that fires at the start and then every
    ``trigger_m``: :math:`\\lfloor L / d \\rfloor + 1` per run. [-]"""
    length = np.asarray(length_m, dtype=float)
    return np.floor(length / trigger_m + 1e-9).astype(int) + 1


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
    x0b, y0b, x1b, y1b = area.bounds
    n_max = math.hypot(x1b - x0b, y1b - y0b) / spacing_m + 1
    if n_max > MAX_LINES:
        raise InfeasibleMissionError(
            f"up to {n_max:.0f} lines {spacing_m:.2f} m apart: more than {MAX_LINES} "
            f"(ask for a coarser GSD or map a smaller area)"
        )
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


def plan_survey(problem: SurveyProblem, params: SurveyParams | None = None) -> SurveyResult:
    """Plan a mapping survey of ``problem.area`` with battery-split sorties.

    Parameters
    ----------
    problem : SurveyProblem
    params : SurveyParams or None
        Defaults: 80 m, 75 % front and 70 % side overlap.

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
    transit_speed = float(min(ac.cruise_speed_mps, ac.max_speed_mps))

    area = problem.area
    stations = np.asarray(problem.stations, dtype=float).reshape(-1, 2)
    forbidden = problem.forbidden
    router = _router(problem, forbidden, stations)
    angle = float(
        params.angle_deg
        if params.angle_deg is not None
        else _best_angle(area, spacing, extend, speed)
    )
    angles = [angle, angle + 90.0] if params.crosshatch else [angle]
    runs: list[np.ndarray] = []
    here = stations[0]
    n_lines = n_cells = 0
    for a in angles:
        iv = photo_intervals(area, spacing, a, extend, forbidden, reach_m=0.5 * along)
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
    pts, working = _work_polyline(runs, router)

    settings = SortieSettings(
        work_speed_mps=speed,
        transit_speed_mps=transit_speed,
        work_height_m=altitude,
        transit_height_m=transit_height,
        on_actions=(Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=trigger),),
        off_actions=(Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=0.0),),
        flag="camera",
        route=router.path if router is not None else None,
        route_lengths=router.lengths_m if router is not None else None,
    )
    sorties = split_sorties(
        ac,
        WorkPath(pts, working, np.zeros(len(working))),
        stations,
        0.0,
        settings,
        name=problem.name,
    )
    for s in sorties:  # every sortie must be flyable by the aircraft model
        if s.energy_wh > ac.mission_energy_wh * (1 + 1e-6):
            raise InfeasibleMissionError(
                f"sortie {s.index}: needs {s.energy_wh:.0f} Wh, usable battery less reserve is "
                f"{ac.mission_energy_wh:.0f} Wh (aircraft '{ac.name}')"
            )

    geofence = shapely.convex_hull(
        shapely.union_all([area, shapely.multipoints(np.vstack([stations, pts]))])
    ).buffer(20.0)
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
        usable_energy_wh=ac.usable_energy_wh,
        reserve_frac=ac.reserve_frac,
        stations=tuple(map(tuple, stations.tolist())),
        geofence=geofence,
        features=problem.features,
        kind="survey",
        cruise_speed_mps=transit_speed,
        vehicle=ac.airframe.vehicle,
        meta={  # for QGroundControl's editable Survey item (airwork.export.qgc_survey)
            "survey": {
                "angle_deg": angle % 180.0,  # line direction, counter-clockwise from east
                "line_spacing_m": spacing,
                "trigger_distance_m": trigger,
                "altitude_m": altitude,
                "extend_m": extend,
                "crosshatch": bool(params.crosshatch),
                "area_xy_m": shapely.get_coordinates(shapely.Polygon(area.exterior)).tolist()
                if area.geom_type == "Polygon"
                else shapely.get_coordinates(shapely.convex_hull(area).exterior).tolist(),
            }
        },
    )
    reports = []
    for s in sorties:
        lengths = _camera_runs(s)
        reports.append(
            SurveySortieReport(
                sortie=s.index,
                photos=int(np.sum(photo_count(lengths, trigger))) if lengths else 0,
                flight_time_s=s.time_s,
                energy_wh=s.energy_wh,
                battery_frac=s.battery_frac,
                camera_distance_m=float(sum(lengths)),
                distance_m=s.distance_m,
            )
        )
    return SurveyResult(
        mission=mission,
        gsd_m=gsd,
        altitude_m=altitude,
        footprint_across_m=across,
        footprint_along_m=along,
        line_spacing_m=spacing,
        trigger_distance_m=trigger,
        photo_count=int(sum(r.photos for r in reports)),
        area_ha=area.area / 1e4,
        speed_mps=speed,
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
        warnings=tuple(warns),
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
