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
then built with :class:`~airwork.mission.build.SortieBuilder` from the very same legs.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError, GeometryError, InfeasibleMissionError
from airwork.flight.kinematics import (
    CLIMB_SPEED_MPS,
    DESCENT_SPEED_MPS,
    corner_speed_mps,
    reachable_speeds_mps,
    speed_change_loss_s,
)
from airwork.geo.frame import LocalFrame
from airwork.geo.pathfinding import PathFinder
from airwork.mission.build import SortieBuilder, shift_altitudes
from airwork.mission.model import (
    Action,
    ActionKind,
    AltitudeRef,
    Feature,
    LegKind,
    Mission,
    Sortie,
)
from airwork.planners.powerline.line import (
    PowerLine,
    conductor_height_m,
    min_approach_distance_m,
)
from airwork.planners.survey import (
    altitude_for_gsd_m,
    footprint_m,
    ground_sample_distance_m,
    line_spacing_m,
    trigger_distance_m,
)
from airwork.site.terrain import ground_under_pieces

__all__ = [
    "MODES",
    "FlightReport",
    "PowerlineParams",
    "PowerlineProblem",
    "PowerlineResult",
    "on_terrain",
    "plan_powerline",
]

MODES = ("corridor", "towers", "mapping")

LEVEL_GROUND_M = 5.0
"""Largest spread of ground elevation (towers and stations) over which the mapping strip is
flown level when no terrain is given. [m]"""

TERRAIN_PIECE_M = 100.0
"""Longest straight piece of a mapping strip over terrain. [m]"""

TERRAIN_STEP_M = 10.0
"""Spacing of the DEM samples under a mapping strip. [m]"""

_TRANSIT, _WORK = LegKind.TRANSIT, LegKind.WORK


# ----------------------------------------------------------------------------- inputs
@dataclass(frozen=True)
class PowerlineProblem:
    """What to inspect, from where, with which aircraft (local frame, metres).

    Attributes
    ----------
    lines : tuple of PowerLine
    stations : tuple of (x, y)
        Candidate launch points (road-side). [m]
    aircraft : Aircraft
    frame : LocalFrame
    right_of_way : Polygon/MultiPolygon or None
        The corridor the aircraft must stay in. [m]
    obstacles, no_fly : geometry or None
        Never entered (obstacles grown by ``obstacle_clearance_m``). [m]
    obstacle_clearance_m : float
        [m]
    features : tuple of Feature
    name : str
    station_ground_m : tuple of float
        Elevation of each station above the datum (see :mod:`.line`), from a DEM; empty:
        every station at 0 (flat ground).  Each flight's altitudes are exported relative to
        its own take-off station. [m]
    datum_amsl_m : float
        The datum (z = 0) above mean sea level. [m]
    terrain : Terrain or None
        Ground elevation above sea level in the local frame (``airwork.site.terrain``,
        a DEM), for the mapping strip to keep its height above the ground; None: flat.
    """

    lines: tuple[PowerLine, ...]
    stations: tuple[tuple[float, float], ...]
    aircraft: Aircraft
    frame: LocalFrame
    right_of_way: shapely.Geometry | None = None
    obstacles: shapely.Geometry | None = None
    no_fly: shapely.Geometry | None = None
    obstacle_clearance_m: float = 5.0
    features: tuple[Feature, ...] = ()
    name: str = "powerline"
    station_ground_m: tuple[float, ...] = ()
    datum_amsl_m: float = 0.0
    terrain: Any = None

    def __post_init__(self) -> None:
        if not self.lines:
            raise GeometryError(f"{self.name}: no power line (towers or line features)")
        ids = [ln.line_id for ln in self.lines]
        if len(set(ids)) != len(ids):
            raise GeometryError(f"{self.name}: two lines share the id(s) {sorted(set(ids))}")
        if not len(self.stations):
            raise GeometryError(f"{self.name}: no station to take off from")
        st = np.asarray(self.stations, dtype=float)
        if st.ndim != 2 or st.shape[1] != 2 or not np.isfinite(st).all():
            raise GeometryError(f"{self.name}: stations must be finite (x, y) pairs")
        g = np.asarray(self.station_ground_m, dtype=float)
        if len(g) and (len(g) != len(st) or not np.isfinite(g).all()):
            raise GeometryError(
                f"{self.name}: station_ground_m needs one finite elevation per station "
                f"({len(st)}), got {len(g)}"
            )
        row = self.right_of_way
        if row is not None and (row.is_empty or not row.is_valid):
            raise GeometryError(f"{self.name}: the right-of-way is empty or invalid")


@dataclass(frozen=True)
class PowerlineParams:
    """Settings of a power-line inspection.

    Attributes
    ----------
    modes : tuple of str
        Any of ``corridor``, ``towers``, ``mapping``.
    sides : str
        Corridor sides: ``both``, ``left`` or ``right`` (of the line direction).
    voltage_kv : float or None
        Voltage for the clearance when the towers carry none; default 110 kV. [kV]
    clearance_m : float or None
        Clearance from conductors; default OSHA Table A by voltage + ``gps_margin_m``. [m]
    gps_margin_m : float
        Added to the tabulated clearance for position error. [m]
    corridor_above_m : float
        Corridor track height above the mean phase conductor. [m]
    corridor_offset_m : float or None
        Horizontal distance of the corridor track from the centre line; default 5 m more
        than the least the clearance allows (a wider view for fewer photos). [m]
    front_overlap : float
        Overlap of consecutive corridor photos at the nearest conductor. [-]
    zoom : float
        Zoom factor of the camera (1 = widest). [-]
    speed_mps : float or None
        Corridor speed; default the cruise speed, lowered so photos come no faster than the
        camera's minimum interval. [m/s]
    standoff_m : float or None
        Horizontal distance of the vantage points from the tower axis; default the least
        one that keeps the clearance at every tower, rounded up to a metre. [m]
    vantage_per_side : int
        Vantage positions per side of a tower (1 to 3), each at the insulator and top
        heights: 4 to 12 photos per tower (default 8). [-]
    vantage_pitch_deg : float
        Downward look of vantage photos (the camera is that much above the aim point). [°]
    vantage_angle_deg : float
        Angle between the line and the ahead/behind vantage directions. [°]
    photo_hold_s : float
        Hover before every vantage photo. [s]
    mapping_gsd_cm, mapping_altitude_m : float or None
        Mapping GSD or altitude (not both); default the line's lowest safe altitude.
    mapping_width_m : float or None
        Width of the mapped strip, centred on the line; default ``row_width_m``, else 40 m.
        [m]
    mapping_front_overlap, mapping_side_overlap : float
        [-]
    row_width_m : float or None
        Right-of-way width around the lines when no right-of-way polygon is given. [m]
    max_altitude_m : float
        Ceiling above ground. [m]
    reserve_frac : float or None
        Landing reserve; default the aircraft's. [-]
    swap_time_s : float
        Battery swap and checks between flights. [s]
    drive_speed_kmh : float
        Mean driving speed between stations. [km/h]
    road_factor : float
        Road distance over straight-line distance (about 1.3 for rural roads). [-]
    setup_time_s : float
        Packing up and setting up again for every move to another station (unloading,
        pre-flight checks, landowner gates; an assumption, not a measured value). [s]
    workday_h : float
        Working day of a crew, for km of line per crew-day. [h]
    mobilisation_h : float
        Part of the day spent travelling between depot and line, not inspecting (an
        assumption). [h]
    max_access_m : float
        A station serves a line only if it is at most this far from it. [m]
    seg_m : float
        Longest corridor leg (the track follows the sag in legs of at most this). [m]
    """

    modes: tuple[str, ...] = ("corridor", "towers")
    sides: str = "both"
    voltage_kv: float | None = None
    clearance_m: float | None = None
    gps_margin_m: float = 2.0
    corridor_above_m: float = 2.0
    corridor_offset_m: float | None = None
    front_overlap: float = 0.3
    zoom: float = 1.0
    speed_mps: float | None = None
    standoff_m: float | None = None
    vantage_per_side: int = 2
    vantage_pitch_deg: float = 15.0
    vantage_angle_deg: float = 50.0
    photo_hold_s: float = 2.0
    mapping_gsd_cm: float | None = None
    mapping_altitude_m: float | None = None
    mapping_width_m: float | None = None
    mapping_front_overlap: float = 0.75
    mapping_side_overlap: float = 0.6
    row_width_m: float | None = None
    max_altitude_m: float = 120.0
    reserve_frac: float | None = None
    swap_time_s: float = 300.0
    drive_speed_kmh: float = 40.0
    road_factor: float = 1.3
    setup_time_s: float = 900.0
    workday_h: float = 8.0
    mobilisation_h: float = 1.5
    max_access_m: float = 1500.0
    seg_m: float = 60.0

    def __post_init__(self) -> None:
        modes = tuple(str(m).lower() for m in self.modes)
        bad = [m for m in modes if m not in MODES]
        if bad or not modes:
            raise ValueError(f"Expected modes among {MODES}, got {self.modes}.")
        object.__setattr__(self, "modes", modes)
        if self.sides not in ("both", "left", "right"):
            raise ValueError(f"Expected sides 'both', 'left' or 'right', got {self.sides!r}.")
        if self.mapping_gsd_cm is not None and self.mapping_altitude_m is not None:
            raise ValueError("Give mapping_gsd_cm or mapping_altitude_m, not both.")
        for key in ("front_overlap", "mapping_front_overlap", "mapping_side_overlap"):
            v = getattr(self, key)
            if not (0.0 <= v < 0.95):
                raise ValueError(f"Expected {key} in [0, 0.95), got {v}.")
        if not 1 <= self.vantage_per_side <= 3:
            raise ValueError(f"Expected vantage_per_side in 1..3, got {self.vantage_per_side}.")
        if not 10.0 <= self.vantage_angle_deg <= 80.0:
            raise ValueError(
                f"Expected vantage_angle_deg in [10, 80], got {self.vantage_angle_deg}."
            )
        if not 0.0 <= self.vantage_pitch_deg <= 60.0:
            raise ValueError(
                f"Expected vantage_pitch_deg in [0, 60], got {self.vantage_pitch_deg}."
            )
        positive = {
            "zoom": self.zoom,
            "max_altitude_m": self.max_altitude_m,
            "drive_speed_kmh": self.drive_speed_kmh,
            "workday_h": self.workday_h,
            "seg_m": self.seg_m,
            "max_access_m": self.max_access_m,
        }
        for key in (
            "clearance_m",
            "voltage_kv",
            "speed_mps",
            "standoff_m",
            "row_width_m",
            "mapping_gsd_cm",
            "mapping_altitude_m",
            "mapping_width_m",
        ):
            if getattr(self, key) is not None:
                positive[key] = getattr(self, key)
        for key, v in positive.items():
            if not (math.isfinite(v) and v > 0):
                raise ValueError(f"Expected {key} > 0, got {v}.")
        if self.road_factor < 1.0:
            raise ValueError(f"Expected road_factor >= 1, got {self.road_factor}.")
        if not 0 <= self.mobilisation_h < self.workday_h:
            raise ValueError(
                f"Expected mobilisation_h in [0, workday_h), got {self.mobilisation_h}."
            )
        for key in (
            "swap_time_s",
            "setup_time_s",
            "mobilisation_h",
            "gps_margin_m",
            "photo_hold_s",
            "corridor_above_m",
        ):
            if not (math.isfinite(getattr(self, key)) and getattr(self, key) >= 0):
                raise ValueError(f"Expected {key} >= 0, got {getattr(self, key)}.")
        if self.reserve_frac is not None and not 0.0 <= self.reserve_frac < 0.9:
            raise ValueError(f"Expected reserve_frac in [0, 0.9), got {self.reserve_frac}.")


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class FlightReport:
    """Figures of one flight: line km, counts, times [s], energy [Wh], crew move [m]."""

    sortie: int
    line_id: str
    first_tower: str
    last_tower: str
    line_km: float
    spans: int
    towers: int
    photos: int
    flight_time_s: float
    energy_wh: float
    battery_frac: float
    takeoff_station: int
    landing_station: int
    drive_before_m: float


@dataclass(frozen=True)
class PowerlineResult:
    """Outcome of :func:`plan_powerline`.

    Attributes
    ----------
    mission : Mission
        Kind ``"powerline"``.
    flights : tuple of FlightReport
    clearance_m : float
        Clearance kept from every conductor. [m]
    lateral_offset_m : float
        Horizontal distance of low flight from the centre line. [m]
    standoff_m : float or None
        Vantage distance from the tower axes. [m]
    corridor_trigger_m : float or None
        Corridor photo spacing. [m]
    corridor_pitch_deg : float or None
        Gimbal pitch along the corridor (negative down). [°]
    mapping_altitude_m, mapping_gsd_cm, mapping_trigger_m : float or None
    mapping_strips : int
    crew_time_s : float
        Flights + swaps + driving and set-up at every new station (a one-way flight counts
        the longer of the flight and the crew's move to its landing station). [s]
    drive_m : float
        Road distance driven between stations. [m]
    crew_moves : int
    line_km : float
    towers : int
    spans : int
    photos : int
    km_per_crew_day : float
        Line length over crew days of ``workday_h - mobilisation_h`` productive hours. [km]
    workday_h : float
    runtime_s : float
    warnings : tuple of str
    """

    mission: Mission
    flights: tuple[FlightReport, ...]
    modes: tuple[str, ...]
    clearance_m: float
    lateral_offset_m: float
    standoff_m: float | None
    corridor_trigger_m: float | None
    corridor_pitch_deg: float | None
    corridor_speed_mps: float | None
    mapping_altitude_m: float | None
    mapping_gsd_cm: float | None
    mapping_trigger_m: float | None
    mapping_strips: int
    crew_time_s: float
    drive_m: float
    crew_moves: int
    line_km: float
    towers: int
    spans: int
    photos: int
    km_per_crew_day: float
    workday_h: float
    runtime_s: float
    warnings: tuple[str, ...] = field(default_factory=tuple)

    @property
    def flight_time_s(self) -> float:
        return self.mission.time_s

    def summary(self) -> dict:
        """Plain figures for tables and ``summary.json``."""

        def r(v, n=2):
            return None if v is None else round(float(v), n)

        return {
            "job": "powerline",
            "aircraft": self.mission.aircraft_name,
            "modes": list(self.modes),
            "clearance_m": r(self.clearance_m),
            "lateral_offset_m": r(self.lateral_offset_m),
            "standoff_m": r(self.standoff_m),
            "corridor_trigger_m": r(self.corridor_trigger_m),
            "corridor_pitch_deg": r(self.corridor_pitch_deg),
            "corridor_speed_mps": r(self.corridor_speed_mps),
            "mapping_altitude_m": r(self.mapping_altitude_m),
            "mapping_gsd_cm": r(self.mapping_gsd_cm, 3),
            "mapping_trigger_m": r(self.mapping_trigger_m),
            "mapping_strips": self.mapping_strips,
            "line_km": r(self.line_km, 3),
            "towers": self.towers,
            "spans": self.spans,
            "photos": self.photos,
            "flights": len(self.flights),
            "flight_time_s": r(self.flight_time_s, 1),
            "energy_wh": r(self.mission.energy_wh, 1),
            "crew_time_s": r(self.crew_time_s, 1),
            "crew_moves": self.crew_moves,
            "drive_km": r(self.drive_m / 1000.0, 3),
            "workday_h": self.workday_h,
            "km_per_crew_day": r(self.km_per_crew_day),
            "planning_time_s": r(self.runtime_s, 4),
            "warnings": list(self.warnings),
            "per_flight": [
                {
                    "sortie": f.sortie,
                    "line": f.line_id,
                    "towers": f"{f.first_tower}..{f.last_tower}",
                    "line_km": round(f.line_km, 3),
                    "spans": f.spans,
                    "towers_inspected": f.towers,
                    "photos": f.photos,
                    "flight_time_s": round(f.flight_time_s, 1),
                    "energy_wh": round(f.energy_wh, 1),
                    "battery_fraction": round(f.battery_frac, 4),
                    "takeoff_station": f.takeoff_station,
                    "landing_station": f.landing_station,
                    "drive_before_km": round(f.drive_before_m / 1000.0, 3),
                }
                for f in self.flights
            ],
        }


# ----------------------------------------------------------------------------- path pieces
# A spec is one waypoint reached by one leg: (x, y, z, kind, speed, camera, hold_s, actions).


def _spec(x, y, z, kind=_TRANSIT, speed=5.0, camera=False, hold=0.0, actions=()):
    return (
        float(x),
        float(y),
        float(z),
        kind,
        float(speed),
        bool(camera),
        float(hold),
        tuple(actions),
    )


@dataclass
class _Piece:
    """Legs from ``start`` through ``specs``; ``label`` names the span or tower."""

    start: tuple[float, float, float]
    specs: list
    label: str
    photos: int = 0


def _price(aircraft: Aircraft, pieces: list[_Piece]) -> tuple[np.ndarray, np.ndarray]:
    """Energy [Wh] and time [s] of every piece, priced exactly as SortieBuilder prices
    legs (level part at the leg speed, vertical part at the climb or descent speed)."""
    if not pieces:
        return np.zeros(0), np.zeros(0)
    counts = np.array([len(p.specs) for p in pieces])
    pts, prev = [], []
    for p in pieces:
        arr = np.array([s[:3] for s in p.specs], dtype=float).reshape(-1, 3)
        pts.append(arr)
        prev.append(np.vstack([np.asarray(p.start, dtype=float)[None, :], arr[:-1]]))
    pts_a, prev_a = np.vstack(pts), np.vstack(prev)
    flat = [s for p in pieces for s in p.specs]
    speed = np.array([s[4] for s in flat])
    cam = np.array([s[5] for s in flat])
    hold = np.array([s[6] for s in flat])
    d = pts_a - prev_a
    horiz = np.hypot(d[:, 0], d[:, 1])
    climb = d[:, 2]
    vs = np.where(climb > 0, CLIMB_SPEED_MPS, DESCENT_SPEED_MPS)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # time lost at corners, as SortieBuilder prices it; a piece is taken to start and end
    # at rest, which bounds whatever corner joins it to the next piece
    v = np.where(horiz > 0, speed, 0.0)
    nz = counts > 0
    entry, exit_ = np.zeros(len(flat)), np.zeros(len(flat))
    inner = np.ones(len(flat), dtype=bool)
    inner[starts[nz]] = False  # legs that follow another leg of the same piece
    i = np.flatnonzero(inner)
    if i.size:
        with np.errstate(invalid="ignore", divide="ignore"):
            cos_t = np.sum(d[i - 1, :2] * d[i, :2], axis=1) / (horiz[i - 1] * horiz[i])
        cos_t = np.where((hold[i - 1] > 0) | ~np.isfinite(cos_t), 0.0, cos_t)
        entry[i] = exit_[i - 1] = corner_speed_mps(v[i - 1], v[i], cos_t)
    # one speed per vertex (0 where pieces join), lowered where a short leg cannot change
    # speed enough, as SortieBuilder does
    vertex = reachable_speeds_mps(np.concatenate([entry, [0.0]]), horiz)
    corner = speed_change_loss_s(horiz, v, vertex[:-1], vertex[1:])
    perf = aircraft.leg_performance(
        horiz,
        speed,
        np.zeros(len(flat)),
        climb_m=climb,
        vertical_speed_mps=vs,
        working=cam,
        hold_s=hold + corner,
    )
    e = np.zeros(len(pieces))
    t = np.zeros(len(pieces))
    e[nz] = np.add.reduceat(perf.energy_wh, starts[nz])
    t[nz] = np.add.reduceat(perf.time_s, starts[nz])
    return e, t


def _rot(v: np.ndarray, deg) -> np.ndarray:
    a = np.radians(deg)
    c, s = np.cos(a), np.sin(a)
    return np.column_stack([c * v[..., 0] - s * v[..., 1], s * v[..., 0] + c * v[..., 1]])


@dataclass
class _Pass:
    kind: str  # "low" or "map"
    lateral_m: float
    forward: bool
    corridor: bool = False
    towers: bool = False


@dataclass
class _LinePlan:
    """Priced building blocks of one line."""

    line: PowerLine
    passes: list[_Pass]
    cross_alt: np.ndarray  # X_i [m]
    span_pieces: list[list[_Piece]]  # [pass][span]
    end_vantage: list[_Piece | None]  # [pass] vantage of the last tower
    turn_pieces: list[list[_Piece]]  # [pass][tower] turn after pass j at tower e
    span_e: np.ndarray  # (P, n-1)
    span_t: np.ndarray
    endv_e: np.ndarray  # (P,)
    endv_t: np.ndarray
    turn_e: np.ndarray  # (P, n)
    turn_t: np.ndarray
    over_f: list[_Piece]  # overhead i -> i+1
    over_b: list[_Piece]  # overhead i+1 -> i
    over_fe: np.ndarray
    over_ft: np.ndarray
    over_be: np.ndarray
    over_bt: np.ndarray
    in_pieces: list[_Piece]  # above P_a at X_a -> first pass start (per tower)
    out_pieces: list[_Piece]  # last pass end at tower e -> above P_e at X_e
    in_e: np.ndarray
    in_t: np.ndarray
    out_e: np.ndarray
    out_t: np.ndarray
    rev_turn_pieces: list[list[_Piece]] = field(default_factory=list)
    rev_turn_e: np.ndarray | None = None
    rev_turn_t: np.ndarray | None = None
    in_rev: list[_Piece] = field(default_factory=list)
    out_rev: list[_Piece] = field(default_factory=list)
    in_rev_e: np.ndarray | None = None
    in_rev_t: np.ndarray | None = None
    out_rev_e: np.ndarray | None = None
    out_rev_t: np.ndarray | None = None
    access: tuple = ()
    lanes: list = field(default_factory=list)


# ----------------------------------------------------------------------------- planner
def on_terrain(problem: PowerlineProblem, terrain) -> PowerlineProblem:
    """The problem with its towers and stations standing on a terrain (a DEM).

    The job's *datum* (the planner's z = 0) is the lowest ground under a tower or station;
    every tower gets its foot's elevation above it (``Tower.ground_m``) and every station
    its own (``PowerlineProblem.station_ground_m``), so conductors, crossings and vantage
    points are placed at their true heights and each flight's altitudes are given relative
    to its own take-off station.  The terrain goes with the problem, for the mapping strip
    to keep its height above the ground.

    Returns
    -------
    PowerlineProblem
        The problem on the DEM's ground, with its datum above mean sea level.

    Raises
    ------
    GeometryError
        A tower or station outside the DEM or over a nodata hole (named).
    """
    names: list[str] = []
    xy: list[tuple[float, float]] = []
    several = len(problem.lines) > 1
    for line in problem.lines:
        for t in line.towers:
            names.append(f"tower {t.id!r}" + (f" (line {line.line_id!r})" if several else ""))
            xy.append((t.x_m, t.y_m))
    for i, st in enumerate(problem.stations, start=1):
        names.append(f"station {i}")
        xy.append(st)
    pts = np.asarray(xy, dtype=float)
    z = np.asarray(terrain.elevation_m(pts[:, 0], pts[:, 1]), dtype=float)
    unknown = ~np.isfinite(z)
    if unknown.any():
        where = ", ".join(names[i] for i in np.flatnonzero(unknown)[:5])
        raise GeometryError(
            f"the DEM has no elevation under {where} (outside its extent or nodata): "
            "give a DEM that covers the whole line and every station"
        )
    datum = float(z.min())
    g = z - datum
    lines, k = [], 0
    for line in problem.lines:
        towers = tuple(replace(t, ground_m=float(g[k + j])) for j, t in enumerate(line.towers))
        k += len(towers)
        lines.append(replace(line, towers=towers, _cache={}))
    stations_g = tuple(float(v) for v in g[k:])
    return replace(
        problem,
        lines=tuple(lines),
        station_ground_m=stations_g,
        datum_amsl_m=datum,
        terrain=terrain,
    )


def plan_powerline(
    problem: PowerlineProblem, params: PowerlineParams | None = None
) -> PowerlineResult:
    """Plan a power-line inspection: flights, stations and crew moves of least crew time.

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
    ac = problem.aircraft
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
    warns: list[str] = []
    modes = params.modes
    lines = problem.lines

    # clearance and lateral offset
    if params.clearance_m is not None:
        clearance = float(params.clearance_m)
    else:
        volts = [t.voltage_kv for ln in lines for t in ln.towers if t.voltage_kv is not None]
        v = max(volts) if volts else (params.voltage_kv or 110.0)
        if not volts and params.voltage_kv is None:
            warns.append("no voltage given: clearance for 110 kV")
        clearance = float(min_approach_distance_m(v)) + params.gps_margin_m
    lateral = max(ln.max_lateral_m for ln in lines) + clearance
    hfov = 2.0 * math.atan(camera.sensor_width_mm / 2.0 / (camera.focal_length_mm * params.zoom))

    # right-of-way, allowed area
    row = problem.right_of_way
    if row is None and params.row_width_m is not None:
        row = shapely.union_all(
            [
                shapely.buffer(
                    ln.centreline, params.row_width_m / 2.0, join_style="mitre", mitre_limit=10.0
                )
                for ln in lines
            ]
            + [
                shapely.buffer(shapely.multipoints(ln.xy_m[[0, -1]]), params.row_width_m / 2.0)
                for ln in lines
            ]
        )
    stations = np.asarray(problem.stations, dtype=float).reshape(-1, 2)
    _check_stations(problem, stations, lateral)
    st_ground = np.zeros(len(stations))
    if len(problem.station_ground_m):
        st_ground = np.asarray(problem.station_ground_m, dtype=float)
    track = lateral

    # corridor photo geometry (same for every span: the track follows the sag)
    corridor = "corridor" in modes
    towers_mode = "towers" in modes
    trig = pitch = speed_c = None
    transit_speed = float(min(ac.cruise_speed_mps, ac.max_speed_mps))
    if corridor:
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
        vfov = 2.0 * math.atan(
            camera.sensor_height_mm / 2.0 / (camera.focal_length_mm * params.zoom)
        )
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

    # standoff
    standoff = None
    if towers_mode:
        standoff = _standoff(lines, lateral, params)

    # mapping geometry
    map_alt = map_gsd = map_trig = None
    offsets: np.ndarray = np.zeros(0)
    if "mapping" in modes:
        feet = np.concatenate([st_ground, *(ln.ground_m for ln in lines)])
        if problem.terrain is None and feet.max() - feet.min() > LEVEL_GROUND_M:
            raise InfeasibleMissionError(
                f"mapping mode: the ground under the towers and stations spreads over "
                f"{feet.max() - feet.min():.0f} m; a level mapping strip would image it at "
                f"changing scale: give the terrain (a DEM) for the strip to follow the ground"
            )
        # tower tops + clearance above their own ground (on flat ground: the highest
        # crossing altitude); over terrain each strip vertex is also kept above the
        # crossing altitudes of its span (_line_plan)
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

    # passes
    passes: list[_Pass] = []
    low_sides: list[float] = []
    if towers_mode or (corridor and params.sides == "both"):
        low_sides = [1.0, -1.0]
    elif corridor:
        low_sides = [1.0 if params.sides == "left" else -1.0]
    wanted = {"both": (1.0, -1.0), "left": (1.0,), "right": (-1.0,)}[params.sides]
    for k, side in enumerate(low_sides):
        passes.append(
            _Pass(
                "low",
                side * track,
                k % 2 == 0,
                corridor=corridor and side in wanted,
                towers=towers_mode,
            )
        )
    if len(offsets):
        # start the strips on the side where the low passes ended
        order = offsets if (passes and passes[-1].lateral_m < 0) else offsets[::-1]
        for off in order:
            passes.append(_Pass("map", float(off), len(passes) % 2 == 0))

    ctx = _Ctx(
        ac,
        params,
        clearance,
        lateral,
        standoff,
        trig,
        pitch,
        speed_c,
        transit_speed,
        map_alt,
        map_trig,
        hfov,
        problem.terrain,
        problem.datum_amsl_m,
    )
    plans = [_line_plan(ln, passes, ctx) for ln in lines]
    # low flight of one line must also keep clear of every other line's conductors
    zones = [shapely.buffer(lp.line.centreline, lateral * (1 - 1e-9)) for lp in plans]
    if len(plans) > 1:
        _check_other_lines(plans, zones)
    for k, lp in enumerate(plans):
        forb = [z for z in (_forbidden(problem), *zones[:k], *zones[k + 1 :]) if z is not None]
        lp.access = _access(
            lp,
            stations,
            ac,
            transit_speed,
            params,
            row,
            shapely.union_all(forb) if forb else None,
            warns,
            st_ground,
        )

    # allowed area checks
    allowed, fence = _allowed(problem, row, plans, stations)
    if allowed is not None:
        _check_allowed(plans, allowed)

    # flights by dynamic programming, line after line
    drive = _drive_matrix(stations)
    emax = ac.mission_energy_wh
    init = np.zeros(len(stations))
    chosen: list[tuple[int, int, int, int, int, bool]] = []
    for li, lp in enumerate(plans):
        flights, final = _dp(lp, stations, drive, init, emax, params, problem.name)
        chosen += [(li, *f) for f in flights]
        init = final

    # build the sorties
    sorties: list[Sortie] = []
    reports: list[FlightReport] = []
    prev_land: int | None = None
    drive_total = 0.0
    crew_time = 0.0
    moves = 0
    for k, (li, a, b, s1, s2, rev) in enumerate(chosen, start=1):
        lp = plans[li]
        sortie, photos = _build(lp, a, b, s1, s2, rev, stations, ac, k, st_ground)
        if sortie.energy_wh > emax * (1 + 1e-6):
            raise InfeasibleMissionError(
                f"flight {k} ({lp.line.span_label(a)} to {lp.line.tower_label(b)}) needs "
                f"{sortie.energy_wh:.0f} Wh, more than the {emax:.0f} Wh allowed"
            )
        sorties.append(sortie)
        d_before = 0.0 if prev_land is None else drive[prev_land, s1] * params.road_factor
        if d_before > 0:
            moves += 1
        d_during = drive[s1, s2] * params.road_factor
        if d_during > 0:
            moves += 1
        v = params.drive_speed_kmh / 3.6
        setup = params.setup_time_s
        crew_time += (d_before / v + setup if d_before > 0 else 0.0) + max(
            sortie.time_s, d_during / v + setup if d_during > 0 else 0.0
        )
        crew_time += params.swap_time_s
        drive_total += d_before + d_during
        prev_land = s2
        ln = lp.line
        n_tw = b - a + (1 if b == ln.n - 1 else 0)
        reports.append(
            FlightReport(
                sortie=k,
                line_id=ln.line_id,
                first_tower=ln.towers[a].id,
                last_tower=ln.towers[b].id,
                line_km=float(ln.span_length_m[a:b].sum()) / 1000.0,
                spans=b - a,
                towers=n_tw if towers_mode else 0,
                photos=photos,
                flight_time_s=sortie.time_s,
                energy_wh=sortie.energy_wh,
                battery_frac=sortie.battery_frac,
                takeoff_station=s1,
                landing_station=s2,
                drive_before_m=float(d_before),
            )
        )
    if fence is None:
        pts = np.vstack([s.xy_m for s in sorties])
        fence = shapely.convex_hull(shapely.multipoints(np.vstack([pts, stations]))).buffer(20.0)
    if problem.no_fly is not None and not problem.no_fly.is_empty:
        # no-fly zones inside the fence become exclusion polygons (holes) of the .plan fence
        cut = shapely.difference(fence, problem.no_fly)
        if cut.geom_type == "Polygon" and not cut.is_empty:
            fence = cut
    mission = Mission(
        name=problem.name,
        frame=problem.frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=tuple(sorties),
        aircraft_name=ac.name,
        aircraft=ac,
        usable_energy_wh=ac.usable_energy_wh,
        reserve_frac=ac.reserve_frac,
        stations=tuple(map(tuple, stations.tolist())),
        home_amsl_m=problem.datum_amsl_m + float(st_ground[0]),
        geofence=fence,
        features=problem.features,
        kind="powerline",
        cruise_speed_mps=transit_speed,
        vehicle=ac.airframe.vehicle,
    )
    line_km = sum(ln.length_m for ln in lines) / 1000.0
    days = crew_time / ((params.workday_h - params.mobilisation_h) * 3600.0)
    return PowerlineResult(
        mission=mission,
        flights=tuple(reports),
        modes=modes,
        clearance_m=clearance,
        lateral_offset_m=track,
        standoff_m=standoff,
        corridor_trigger_m=trig,
        corridor_pitch_deg=pitch,
        corridor_speed_mps=speed_c,
        mapping_altitude_m=map_alt,
        mapping_gsd_cm=map_gsd,
        mapping_trigger_m=map_trig,
        mapping_strips=len(offsets),
        crew_time_s=crew_time,
        drive_m=drive_total,
        crew_moves=moves,
        line_km=line_km,
        towers=sum(ln.n for ln in lines),
        spans=sum(ln.n - 1 for ln in lines),
        photos=int(sum(r.photos for r in reports)),
        km_per_crew_day=line_km / days if days > 0 else 0.0,
        workday_h=params.workday_h,
        runtime_s=time.perf_counter() - t0,
        warnings=tuple(warns),
    )


@dataclass
class _Ctx:
    ac: Aircraft
    params: PowerlineParams
    clearance: float
    lateral: float
    standoff: float | None
    trig: float | None
    pitch: float | None
    speed_c: float | None
    transit: float
    map_alt: float | None
    map_trig: float | None
    hfov: float
    terrain: Any = None
    datum_amsl_m: float = 0.0


def _cross_alt(line: PowerLine, clearance: float) -> np.ndarray:
    """X_i = max(top of towers i-1, i, i+1) + clearance, above the datum. [m]"""
    h = line.top_m
    m = h.copy()
    m[1:] = np.maximum(m[1:], h[:-1])
    m[:-1] = np.maximum(m[:-1], h[1:])
    return m + clearance


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


def _check_stations(problem: PowerlineProblem, stations: np.ndarray, lateral: float) -> None:
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


def _standoff(lines, lateral: float, params: PowerlineParams) -> float:
    """Vantage standoff: the given one, checked, or the least that keeps ``lateral`` from
    the centre line at every tower (2 % margin for the legs along the standoff circle)."""
    need, where = 0.0, None
    for ln in lines:
        gam = _vantage_gamma(ln, params)
        req = lateral / np.sin(np.radians(gam)) * 1.02
        i, j = np.unravel_index(int(np.argmax(req)), req.shape)
        if req[i, j] > need:
            need, where = float(req[i, j]), ln.tower_label(int(i))
    if params.standoff_m is None:
        return float(math.ceil(need))
    if params.standoff_m < need:
        raise InfeasibleMissionError(
            f"standoff {params.standoff_m:g} m is too close at {where}: vantage points need "
            f"{need:.1f} m to stay {lateral:.1f} m from the line (conductors + clearance)"
        )
    return float(params.standoff_m)


def _sectors(ln: PowerLine) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Forward rays, backward rays (n, 2) and the sector angle (n, 2) on the left (+1) and
    right (-1) side at every tower. [°]"""
    u = ln.unit_m
    r_f = np.vstack([u, u[-1:]])
    r_b = -np.vstack([u[:1], u])
    ang_f = np.degrees(np.arctan2(r_f[:, 1], r_f[:, 0]))
    ang_b = np.degrees(np.arctan2(r_b[:, 1], r_b[:, 0]))
    left = (ang_b - ang_f) % 360.0  # counter-clockwise from r_f to r_b
    left = np.where(left == 0, 180.0, left)
    return r_f, r_b, np.column_stack([left, 360.0 - left])


def _vantage_gamma(ln: PowerLine, params: PowerlineParams) -> np.ndarray:
    """(n, 2) smallest angle between a vantage direction and the line, per tower and side."""
    _, _, beta = _sectors(ln)
    k = params.vantage_per_side
    if k == 1:
        return beta / 2.0
    return np.minimum(params.vantage_angle_deg, beta / 3.0)


def _vantage_angles(beta: float, gamma: float, k: int) -> list[float]:
    if k == 1:
        return [beta / 2.0]
    if k == 2:
        return [gamma, beta - gamma]
    return [gamma, beta / 2.0, beta - gamma]


def _arc(center, r, a0, a1, sign, z, speed, ray) -> list:
    """Points along the standoff circle from angle a0 to a1 (from ``ray``, towards the side
    ``sign``), at most 15° apart, excluding a0."""
    n = max(1, math.ceil(abs(a1 - a0) / 15.0))
    out = []
    for k in range(1, n + 1):
        a = a0 + (a1 - a0) * k / n
        d = _rot(ray[None, :], sign * a)[0]
        out.append(_spec(center[0] + r * d[0], center[1] + r * d[1], z, _TRANSIT, speed))
    return out


def _line_plan(ln: PowerLine, passes: list[_Pass], ctx: _Ctx) -> _LinePlan:
    p = ctx.params
    n = ln.n
    X = _cross_alt(ln, ctx.clearance)
    agl = X - ln.ground_m  # the crossing above the ground at the tower
    if agl.max() > p.max_altitude_m:
        i = int(np.argmax(agl))
        raise InfeasibleMissionError(
            f"{ln.tower_label(i)}: crossing the line needs {agl[i]:.0f} m above the ground "
            f"(tower tops + {ctx.clearance:.1f} m clearance), above the "
            f"{p.max_altitude_m:g} m ceiling"
        )
    tw = ctx.transit
    mean_att = ln.attach_height_m.mean(axis=1)
    length = ln.span_length_m
    sag = ln.sag_per_span_m
    r_f, _r_b, beta = _sectors(ln)
    gamma = _vantage_gamma(ln, p) if ctx.standoff is not None else None

    def track_xyz(lat: float, kind: str) -> tuple[np.ndarray, list[np.ndarray]]:
        """Tower points (n, 3) and per-span inner points of a pass track."""
        xy = ln.offset_xy_m(lat)
        if kind == "map" and ctx.terrain is not None:
            # the strip keeps map_alt above the highest ground under each piece of it, and
            # stays above the crossing altitudes of its span
            vxy, top, at = ground_under_pieces(
                xy, ctx.terrain, piece_m=TERRAIN_PIECE_M, step_m=TERRAIN_STEP_M
            )
            known = np.isfinite(top)
            top = np.where(known, top, np.nanmax(top) if known.any() else ctx.datum_amsl_m)
            z = ctx.map_alt + top - ctx.datum_amsl_m
            for i in range(n - 1):
                z[at[i] : at[i + 1] + 1] = np.maximum(z[at[i] : at[i + 1] + 1], max(X[i], X[i + 1]))
            pts = np.column_stack([vxy, z])
            inner = [pts[at[i] + 1 : at[i + 1]] for i in range(n - 1)]
            return pts[at], inner
        if kind == "map":
            z = np.full(n, ctx.map_alt)
            inner = [np.zeros((0, 3)) for _ in range(n - 1)]
            return np.column_stack([xy, z]), inner
        z = mean_att + p.corridor_above_m
        inner = []
        for i in range(n - 1):
            m = max(1, math.ceil(length[i] / p.seg_m))
            t = np.arange(1, m) / m
            pxy = xy[i][None, :] + t[:, None] * (xy[i + 1] - xy[i])[None, :]
            pz = conductor_height_m(t, mean_att[i], mean_att[i + 1], sag[i]) + p.corridor_above_m
            inner.append(np.column_stack([pxy, pz]))
        return np.column_stack([xy, z]), inner

    def vantage(i: int, side: float, forward: bool, start) -> list:
        """Excursion from the track point ``start`` at tower i on ``side`` and back."""
        S = ctx.standoff
        sidx = 0 if side > 0 else 1
        b, g = float(beta[i, sidx]), float(gamma[i, sidx])
        angles = _vantage_angles(b, g, p.vantage_per_side)
        if forward:  # behind first (larger angles from the forward ray)
            angles = angles[::-1]
        c = ln.xy_m[i]
        ray = r_f[i]
        sign = 1.0 if side > 0 else -1.0
        z_ins, z_top = float(mean_att[i]), float(ln.top_m[i])
        lift = S * math.tan(math.radians(p.vantage_pitch_deg))
        specs = []
        # radial move out to the circle on the sector bisector, then along the circle
        mid = b / 2.0
        d = _rot(ray[None, :], sign * mid)[0]
        z_cur = start[2]
        specs.append(_spec(c[0] + S * d[0], c[1] + S * d[1], z_cur, _TRANSIT, tw))
        cur = mid
        heights = [(z_ins, z_ins + lift), (z_top, z_top + lift)]
        for k, a in enumerate(angles):
            if abs(a - cur) > 1e-9:
                specs += _arc(c, S, cur, a, sign, z_cur, tw, ray)
            cur = a
            hs = heights if k % 2 == 0 else heights[::-1]
            for aim, zc in hs:
                # point the camera from the waypoint before, photograph on arrival
                w = specs[-1]
                aim_at = (float(c[0]), float(c[1]), aim)
                point = (
                    Action(ActionKind.POINT_CAMERA, target_m=aim_at),
                    Action(ActionKind.GIMBAL, value=-p.vantage_pitch_deg, value2=0.0),
                )
                specs[-1] = (*w[:7], w[7] + point)
                specs.append(
                    _spec(
                        specs[-1][0],
                        specs[-1][1],
                        zc,
                        _TRANSIT,
                        tw,
                        hold=p.photo_hold_s,
                        actions=(Action(ActionKind.CAMERA_PHOTO),),
                    )
                )
                z_cur = zc
        if abs(cur - mid) > 1e-9:
            specs += _arc(c, S, cur, mid, sign, z_cur, tw, ray)
        specs.append(
            _spec(
                start[0],
                start[1],
                start[2],
                _TRANSIT,
                tw,
                actions=(Action(ActionKind.POINT_CAMERA, target_m=None),),
            )
        )
        return specs

    n_pass = len(passes)
    span_pieces: list[list[_Piece]] = []
    end_vantage: list[_Piece | None] = []
    turn_pieces: list[list[_Piece]] = []
    starts_xyz, ends_xyz = [], []
    for ps in passes:
        tower_pts, inner = track_xyz(ps.lateral_m, ps.kind)
        side = 1.0 if ps.lateral_m >= 0 else -1.0
        fwd = ps.forward
        cam = ps.kind == "map" or ps.corridor
        speed = (ctx.speed_c if ps.kind == "low" else tw) if cam else tw
        if ps.kind == "map":
            on = (
                Action(ActionKind.GIMBAL, value=-90.0, value2=0.0),
                Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=ctx.map_trig),
            )
        elif ps.corridor:
            # gimbal yaw relative to the heading, clockwise: the line is on the right when
            # flying forward on the left side or backward on the right side
            yaw = 90.0 * side * (1.0 if fwd else -1.0)
            on = (
                Action(ActionKind.GIMBAL, value=ctx.pitch, value2=yaw),
                Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=ctx.trig),
            )
        else:
            on = ()
        off = (
            (Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=0.0), Action(ActionKind.CAMERA_PHOTO))
            if cam
            else ()
        )
        pieces: list[_Piece] = []
        for i in range(n - 1):
            a_pt, b_pt = tower_pts[i], tower_pts[i + 1]
            mids = inner[i]
            if not fwd:
                a_pt, b_pt, mids = b_pt, a_pt, mids[::-1]
            specs: list = []
            if ps.towers and fwd:
                specs += vantage(i, side, True, a_pt)
            photos = 0
            if on:
                specs.append(_spec(*a_pt, _TRANSIT, tw, actions=on))
            kind = _WORK if cam else _TRANSIT
            for q in mids:
                specs.append(_spec(*q, kind, speed, cam))
            specs.append(_spec(*b_pt, kind, speed, cam, actions=off))
            if cam:
                trig = ctx.map_trig if ps.kind == "map" else ctx.trig
                photos += math.floor(_path_len(a_pt, mids, b_pt) / trig + 1e-9) + 2
            if ps.towers and not fwd:
                specs += vantage(i, side, False, b_pt)
            if ps.towers:
                photos += 2 * p.vantage_per_side
            label = f"{ln.span_label(i)} ({_pass_name(ps)})"
            pieces.append(_Piece(tuple(a_pt), specs, label, photos))
        span_pieces.append(pieces)
        if ps.towers:
            e = n - 1
            st = tower_pts[e]
            end_vantage.append(
                _Piece(
                    tuple(st),
                    vantage(e, side, fwd, st),
                    f"{ln.tower_label(e)} ({_pass_name(ps)})",
                    2 * p.vantage_per_side,
                )
            )
        else:
            end_vantage.append(None)
        starts_xyz.append(tower_pts)
        ends_xyz.append(tower_pts)

    # turns between passes at every tower: j -> j + 1, and j + 1 -> j for reversed flights
    def turn(pe, qe, e):
        h = max(pe[2], qe[2], X[e])
        specs = [
            _spec(pe[0], pe[1], h, _TRANSIT, tw),
            _spec(qe[0], qe[1], h, _TRANSIT, tw),
            _spec(*qe, _TRANSIT, tw),
        ]
        return _Piece(tuple(pe), specs, f"{ln.tower_label(e)} (crossing)")

    rev_turn_pieces: list[list[_Piece]] = []
    for j in range(n_pass - 1):
        turn_pieces.append([turn(starts_xyz[j][e], starts_xyz[j + 1][e], e) for e in range(n)])
        rev_turn_pieces.append([turn(starts_xyz[j + 1][e], starts_xyz[j][e], e) for e in range(n)])
    turn_pieces.append([])
    rev_turn_pieces.append([])

    # overhead track and entry/exit
    over_f, over_b = [], []
    for i in range(n - 1):
        a = (ln.xy_m[i][0], ln.xy_m[i][1], X[i])
        b = (ln.xy_m[i + 1][0], ln.xy_m[i + 1][1], X[i + 1])
        over_f.append(_Piece(a, [_spec(*b, _TRANSIT, tw)], f"{ln.span_label(i)} (overhead)"))
        over_b.append(_Piece(b, [_spec(*a, _TRANSIT, tw)], f"{ln.span_label(i)} (overhead)"))

    def entry(e, q):
        top = (ln.xy_m[e][0], ln.xy_m[e][1], X[e])
        return _Piece(
            top,
            [_spec(q[0], q[1], X[e], _TRANSIT, tw), _spec(*q, _TRANSIT, tw)],
            f"{ln.tower_label(e)} (entry)",
        )

    def exit_(e, r):
        top = (ln.xy_m[e][0], ln.xy_m[e][1], X[e])
        h = max(X[e], r[2])
        return _Piece(
            tuple(r),
            [
                _spec(r[0], r[1], h, _TRANSIT, tw),
                _spec(*top[:2], h, _TRANSIT, tw),
                _spec(*top, _TRANSIT, tw),
            ],
            f"{ln.tower_label(e)} (exit)",
        )

    last = n_pass - 1
    in_pieces = [entry(e, starts_xyz[0][e]) for e in range(n)]
    out_pieces = [exit_(e, ends_xyz[last][e]) for e in range(n)]
    # a reversed flight (even pass count) enters the last pass and leaves the first at b
    in_rev = [entry(e, starts_xyz[last][e]) for e in range(n)]
    out_rev = [exit_(e, ends_xyz[0][e]) for e in range(n)]

    # price everything in a few vectorised calls
    flat_spans = [pc for row in span_pieces for pc in row]
    se, st_ = _price(ctx.ac, flat_spans)
    ev = [pc for pc in end_vantage if pc is not None]
    eve, evt = _price(ctx.ac, ev)
    endv_e, endv_t = np.zeros(n_pass), np.zeros(n_pass)
    k = 0
    for j, pc in enumerate(end_vantage):
        if pc is not None:
            endv_e[j], endv_t[j] = eve[k], evt[k]
            k += 1
    flat_turns = [pc for row in turn_pieces for pc in row]
    te, tt = _price(ctx.ac, flat_turns)
    turn_e = np.zeros((n_pass, n))
    turn_t = np.zeros((n_pass, n))
    if n_pass > 1:
        turn_e[:-1] = te.reshape(n_pass - 1, n)
        turn_t[:-1] = tt.reshape(n_pass - 1, n)
    rte, rtt = _price(ctx.ac, [pc for row in rev_turn_pieces for pc in row])
    rev_turn_e = np.zeros((n_pass, n))
    rev_turn_t = np.zeros((n_pass, n))
    if n_pass > 1:
        rev_turn_e[:-1] = rte.reshape(n_pass - 1, n)
        rev_turn_t[:-1] = rtt.reshape(n_pass - 1, n)
    ire, irt = _price(ctx.ac, in_rev)
    ore, ort = _price(ctx.ac, out_rev)
    ofe, oft = _price(ctx.ac, over_f)
    obe, obt = _price(ctx.ac, over_b)
    ie, it = _price(ctx.ac, in_pieces)
    oe, ot = _price(ctx.ac, out_pieces)
    return _LinePlan(
        line=ln,
        passes=passes,
        cross_alt=X,
        span_pieces=span_pieces,
        end_vantage=end_vantage,
        turn_pieces=turn_pieces,
        span_e=se.reshape(n_pass, n - 1),
        span_t=st_.reshape(n_pass, n - 1),
        endv_e=endv_e,
        endv_t=endv_t,
        turn_e=turn_e,
        turn_t=turn_t,
        over_f=over_f,
        over_b=over_b,
        over_fe=ofe,
        over_ft=oft,
        over_be=obe,
        over_bt=obt,
        in_pieces=in_pieces,
        out_pieces=out_pieces,
        in_e=ie,
        in_t=it,
        out_e=oe,
        out_t=ot,
        rev_turn_pieces=rev_turn_pieces,
        rev_turn_e=rev_turn_e,
        rev_turn_t=rev_turn_t,
        in_rev=in_rev,
        out_rev=out_rev,
        in_rev_e=ire,
        in_rev_t=irt,
        out_rev_e=ore,
        out_rev_t=ort,
    )


def _path_len(a, mids, b) -> float:
    pts = np.vstack(
        [np.asarray(a)[None, :2], np.asarray(mids).reshape(-1, 3)[:, :2], np.asarray(b)[None, :2]]
    )
    return float(np.hypot(*np.diff(pts, axis=0).T).sum())


def _pass_name(ps: _Pass) -> str:
    if ps.kind == "map":
        return f"mapping strip {ps.lateral_m:+.1f} m"
    side = "left" if ps.lateral_m > 0 else "right"
    what = "corridor" if ps.corridor else "towers"
    return f"{what}, {side} side"


# ----------------------------------------------------------------------------- checks
def _forbidden(problem: PowerlineProblem) -> shapely.Geometry | None:
    """No-fly zones and obstacles grown by their clearance, or None."""
    parts = []
    if problem.no_fly is not None and not problem.no_fly.is_empty:
        parts.append(problem.no_fly)
    if problem.obstacles is not None and not problem.obstacles.is_empty:
        parts.append(shapely.buffer(problem.obstacles, problem.obstacle_clearance_m))
    return shapely.union_all(parts) if parts else None


def _allowed(problem, row, plans, stations):
    """The area every path must stay in (right-of-way plus access lanes to stations outside
    it, less no-fly zones and grown obstacles) and the geofence to export."""
    zone = _forbidden(problem)
    forbidden = [] if zone is None else [zone]
    if row is None and not forbidden:
        return None, None
    fence = None
    base = row
    if row is not None:
        lanes = [lane for lp in plans for lane in lp.lanes]
        fence = shapely.union_all([row, *lanes]) if lanes else row
        base = fence
    if base is None:
        base = shapely.box(-1e9, -1e9, 1e9, 1e9)
    allowed = shapely.difference(base, shapely.union_all(forbidden)) if forbidden else base
    # a MultiPolygon fence is fine: the .plan writes every part as an inclusion polygon
    return shapely.buffer(allowed, 0.01), fence


def _piece_geoms(lp: _LinePlan) -> tuple[list[_Piece], np.ndarray]:
    """Every piece of a line and its ground track."""
    pieces = [pc for row in lp.span_pieces for pc in row]
    pieces += [pc for pc in lp.end_vantage if pc is not None]
    pieces += [pc for row in lp.turn_pieces for pc in row]
    pieces += [pc for row in lp.rev_turn_pieces for pc in row]
    pieces += lp.over_f + lp.in_pieces + lp.out_pieces + lp.in_rev + lp.out_rev
    geoms = []
    for pc in pieces:
        xy = np.vstack(
            [np.asarray(pc.start)[None, :2], np.array([s[:2] for s in pc.specs], dtype=float)]
        )
        geoms.append(shapely.linestrings(xy) if len(xy) > 1 else shapely.points(xy[0]))
    return pieces, np.array(geoms, dtype=object)


def _check_other_lines(plans: list[_LinePlan], zones: list) -> None:
    """No piece of a line enters another line's clearance band (e.g. at a shared junction
    tower), or an error names the piece and the other line."""
    for k, lp in enumerate(plans):
        pieces, geoms = _piece_geoms(lp)
        for j, other in enumerate(plans):
            if j == k:
                continue
            hit = shapely.intersects(geoms, zones[j])
            if hit.any():
                i = int(np.argmax(hit))
                raise InfeasibleMissionError(
                    f"{pieces[i].label}: the flight path comes within the clearance of line "
                    f"{other.line.line_id!r} (lines crossing or sharing a tower are not "
                    "supported: start the branch at its first own tower)"
                )


def _check_allowed(plans, allowed) -> None:
    """Every piece of every line stays in the allowed area, or an error names it."""
    shapely.prepare(allowed)
    for lp in plans:
        pieces, geoms = _piece_geoms(lp)
        ok = shapely.covered_by(geoms, allowed)
        if not ok.all():
            i = int(np.argmax(~ok))
            raise InfeasibleMissionError(
                f"{pieces[i].label}: the flight path leaves the right-of-way or enters a no-fly "
                f"zone / obstacle clearance (low flight keeps {_lat_of(lp):.1f} m from the "
                "line, vantage points the standoff)"
            )


def _lat_of(lp: _LinePlan) -> float:
    low = [abs(p.lateral_m) for p in lp.passes if p.kind == "low"]
    return max(low) if low else 0.0


def _nearest_tower(ln: PowerLine, stations: np.ndarray) -> np.ndarray:
    d = np.hypot(
        stations[:, None, 0] - ln.xy_m[None, :, 0], stations[:, None, 1] - ln.xy_m[None, :, 1]
    )
    return d.argmin(axis=1)


def _drive_matrix(stations: np.ndarray) -> np.ndarray:
    """Straight-line distances between stations. [m]"""
    d = stations[:, None, :] - stations[None, :, :]
    return np.hypot(d[..., 0], d[..., 1])


# ----------------------------------------------------------------------------- DP
def _access(
    lp: _LinePlan,
    stations: np.ndarray,
    ac: Aircraft,
    tw: float,
    params,
    row,
    forbidden,
    warns: list,
    ground: np.ndarray,
):
    """Per station: nearest tower, take-off + leg to above it, and leg back + landing
    (energy, time), and the bends of that leg.  Stations farther than ``max_access_m`` are
    unusable (inf); with a right-of-way, so are stations whose leg to the line leaves it,
    unless no station of the line has a leg inside it: then those legs get 10 m access lanes
    (added to the geofence).  A leg that would cross a no-fly zone or an obstacle's
    clearance goes around it on the shortest path (the shared
    :class:`~airwork.geo.pathfinding.PathFinder`); a station with no such path, or whose
    path leaves the right-of-way, is unusable."""
    ln = lp.line
    X = lp.cross_alt
    t_s = _nearest_tower(ln, stations)
    d_line = shapely.distance(shapely.points(stations), ln.centreline)
    usable = d_line <= params.max_access_m
    segs = shapely.linestrings(np.stack([stations, ln.xy_m[t_s]], axis=1).reshape(-1, 2, 2))
    vias = [np.zeros((0, 2)) for _ in range(len(stations))]
    if forbidden is not None:
        blocked = shapely.intersects(segs, forbidden) & usable
        if blocked.any():
            finder = PathFinder(forbidden, margin_m=1.0)
            inside = None if row is None else shapely.buffer(row, 0.01)
            for s in np.flatnonzero(blocked):
                try:
                    path = finder.path(stations[s], ln.xy_m[t_s[s]])
                except (GeometryError, InfeasibleMissionError):
                    continue  # the station or the tower is inside a zone, or walled in
                route = shapely.linestrings(path)
                if inside is not None and not shapely.covered_by(route, inside):
                    continue
                vias[s] = path[1:-1]
                segs[s] = route
                blocked[s] = False
        usable &= ~blocked
    if row is not None:
        inside = shapely.covered_by(segs, shapely.buffer(row, 0.01))
        if (usable & inside).any():
            usable &= inside
        elif usable.any():
            lp.lanes = list(shapely.buffer(segs[usable], 10.0))
            warns.append(
                f"line {ln.line_id!r}: no station inside the right-of-way; access lanes "
                "10 m wide added to the geofence"
            )
    up, down = [], []
    for s, t in enumerate(t_s):
        st = (stations[s, 0], stations[s, 1], float(ground[s]))
        top = (ln.xy_m[t, 0], ln.xy_m[t, 1], X[t])
        bends = [_spec(x, y, X[t], _TRANSIT, tw) for x, y in vias[s]]
        up.append(
            _Piece(
                st,
                [
                    _spec(st[0], st[1], X[t], LegKind.TAKEOFF, CLIMB_SPEED_MPS),
                    *bends,
                    _spec(*top, _TRANSIT, tw),
                ],
                f"station {s + 1}",
            )
        )
        down.append(
            _Piece(
                top,
                [
                    *bends[::-1],
                    _spec(st[0], st[1], X[t], _TRANSIT, tw),
                    _spec(*st, LegKind.LANDING, DESCENT_SPEED_MPS),
                ],
                f"station {s + 1}",
            )
        )
    ue, ut = _price(ac, up)
    de, dt = _price(ac, down)
    inf = np.where(usable, 0.0, np.inf)
    return t_s, ue + inf, ut + inf, de + inf, dt + inf, vias


def _overhead(lp: _LinePlan, t_from: np.ndarray, t_to: np.ndarray, what: str) -> np.ndarray:
    """Cost of the overhead track between towers (broadcast arrays)."""
    fe = np.concatenate([[0.0], np.cumsum(lp.over_fe if what == "e" else lp.over_ft)])
    be = np.concatenate([[0.0], np.cumsum(lp.over_be if what == "e" else lp.over_bt)])
    fwd = fe[np.maximum(t_to, t_from)] - fe[t_from]
    bwd = be[np.maximum(t_from, t_to)] - be[t_to]
    return np.where(t_to >= t_from, fwd, bwd)


def _dp(lp: _LinePlan, stations, drive, init, emax, params, name):
    """Flights ``(a, b, s1, s2, reversed)`` over a line minimising crew time; returns the
    flights and the crew-time vector by final station.

    A flight does every pass over spans ``[a, b)``.  Forward, it enters the first pass at
    tower ``a``; with an even number of passes it may also be *reversed*: enter the last
    pass at ``b``, fly the passes in reverse order and leave at ``b`` (pass directions, and
    so the pieces, are the same)."""
    ln = lp.line
    n = ln.n
    m = len(stations)
    P = len(lp.passes)
    t_s, ue, ut, de, dt, _vias = lp.access
    v = params.drive_speed_kmh / 3.6
    drive_t = drive * params.road_factor / v + np.where(drive > 0, params.setup_time_s, 0.0)
    swap = params.swap_time_s
    towers = np.arange(n)
    ov_in_e = _overhead(lp, t_s[:, None], towers[None, :], "e")
    ov_in_t = _overhead(lp, t_s[:, None], towers[None, :], "t")
    ov_out_e = _overhead(lp, towers[None, :], t_s[:, None], "e")
    ov_out_t = _overhead(lp, towers[None, :], t_s[:, None], "t")
    we = np.concatenate([[0.0], np.cumsum(lp.span_e.sum(axis=0))])
    wt = np.concatenate([[0.0], np.cumsum(lp.span_t.sum(axis=0))])
    endv_e, endv_t = float(lp.endv_e.sum()), float(lp.endv_t.sum())
    even = np.arange(P - 1) % 2 == 0

    def tsum(arr, mask):
        return arr[:-1][mask].sum(axis=0) if P > 1 else np.zeros(n)

    # per direction: entry (m, n) at the entry tower, exit (m, n) at the exit tower, turn
    # costs at b and at a, and whether entry / exit are at a or b
    dirs = [
        dict(
            ent=(ue[:, None] + ov_in_e + lp.in_e[None, :], ut[:, None] + ov_in_t + lp.in_t),
            ext=(lp.out_e[None, :] + ov_out_e + de[:, None], lp.out_t + ov_out_t + dt[:, None]),
            tb=(tsum(lp.turn_e, even), tsum(lp.turn_t, even)),  # after forward passes
            ta=(tsum(lp.turn_e, ~even), tsum(lp.turn_t, ~even)),
            enter_b=False,
            exit_b=P % 2 == 1,
        )
    ]
    if P % 2 == 0:
        dirs.append(
            dict(
                ent=(
                    ue[:, None] + ov_in_e + lp.in_rev_e[None, :],
                    ut[:, None] + ov_in_t + lp.in_rev_t,
                ),
                ext=(
                    lp.out_rev_e[None, :] + ov_out_e + de[:, None],
                    lp.out_rev_t + ov_out_t + dt[:, None],
                ),
                # reversed: the turn from pass j + 1 to pass j is at a for even j
                tb=(tsum(lp.rev_turn_e, ~even), tsum(lp.rev_turn_t, ~even)),
                ta=(tsum(lp.rev_turn_e, even), tsum(lp.rev_turn_t, even)),
                enter_b=True,
                exit_b=True,
            )
        )

    lim = emax * (1 - 1e-9)
    cost = np.full((n, m), np.inf)
    cost[0] = init
    back_a = np.full((n, m), -1, dtype=int)
    back_s1 = np.full((n, m), -1, dtype=int)
    back_sp = np.full((n, m), -1, dtype=int)
    back_rev = np.zeros((n, m), dtype=bool)
    for a in range(n - 1):
        if not np.isfinite(cost[a]).any():
            continue
        # crew at s_prev, drives to s1: c1[s1] = min_s cost[a, s] + drive_t[s, s1]
        tot = cost[a][:, None] + drive_t
        sp = tot.argmin(axis=0)
        c1 = tot[sp, np.arange(m)]
        for k_dir, d in enumerate(dirs):
            bs = np.arange(a + 1, n)
            last_b = np.where(bs == n - 1, endv_e, 0.0)
            w_e = we[bs] - we[a] + d["tb"][0][bs] + d["ta"][0][a] + last_b
            e_in = bs if d["enter_b"] else np.full(len(bs), a)
            e_out = bs if d["exit_b"] else np.full(len(bs), a)
            ent = d["ent"][0][:, e_in]  # (m, nb)
            ext = d["ext"][0][:, e_out]
            # prune: ranges, take-off and landing stations that cannot fit the battery
            keep_b = ent.min(axis=0) + w_e + ext.min(axis=0) <= lim
            if not keep_b.any():
                continue
            nb = int(np.flatnonzero(keep_b).max()) + 1
            bs, w_e, e_in, e_out = bs[:nb], w_e[:nb], e_in[:nb], e_out[:nb]
            ent, ext = ent[:, :nb], ext[:, :nb]
            i1 = np.flatnonzero((ent + w_e[None, :] + ext.min(axis=0)[None, :] <= lim).any(1))
            i2 = np.flatnonzero((ext + w_e[None, :] + ent.min(axis=0)[None, :] <= lim).any(1))
            if not len(i1) or not len(i2):
                continue
            w_t = (
                wt[bs] - wt[a] + d["tb"][1][bs] + d["ta"][1][a] + np.where(bs == n - 1, endv_t, 0.0)
            )
            # energy and time (b, s1, s2)
            E = ent[i1].T[:, :, None] + w_e[:, None, None] + ext[i2].T[:, None, :]
            ok = lim >= E
            if not ok.any():
                continue
            T = (
                d["ent"][1][i1][:, e_in].T[:, :, None]
                + w_t[:, None, None]
                + d["ext"][1][i2][:, e_out].T[:, None, :]
            )
            dsub = drive_t[np.ix_(i1, i2)]
            crew = c1[None, i1, None] + swap + np.maximum(T, dsub[None, :, :])
            crew = np.where(ok, crew, np.inf)
            # best s1 per (b, s2)
            k1 = crew.argmin(axis=1)
            cb = np.take_along_axis(crew, k1[:, None, :], axis=1)[:, 0, :]
            better = cb < cost[bs][:, i2]
            if better.any():
                bi, si = np.nonzero(better)
                s2i, s1i = i2[si], i1[k1[bi, si]]
                cost[bs[bi], s2i] = cb[bi, si]
                back_a[bs[bi], s2i] = a
                back_s1[bs[bi], s2i] = s1i
                back_sp[bs[bi], s2i] = sp[s1i]
                back_rev[bs[bi], s2i] = k_dir == 1
    if not np.isfinite(cost[n - 1]).any():
        # name the first span no flight can cover
        reach = np.isfinite(cost).any(axis=1)
        last = int(np.flatnonzero(reach).max())
        raise InfeasibleMissionError(
            f"{name}: {ln.span_label(last)} cannot be covered by any flight from any station "
            f"within the battery ({emax:.0f} Wh with reserve): add a station nearer to it, "
            "inspect fewer modes or use a bigger battery"
        )
    # backtrack
    flights = []
    b, s2 = n - 1, int(cost[n - 1].argmin())
    while b > 0:
        a, s1, sp = int(back_a[b, s2]), int(back_s1[b, s2]), int(back_sp[b, s2])
        flights.append((a, b, s1, s2, bool(back_rev[b, s2])))
        b, s2 = a, sp
    flights.reverse()
    return flights, cost[n - 1]


# ----------------------------------------------------------------------------- building
def _build(
    lp: _LinePlan, a: int, b: int, s1: int, s2: int, rev: bool, stations, ac, index: int, ground
):
    """Build one flight in the datum frame, then give its altitudes relative to its own
    take-off station (``ground[s1]`` above the datum), as flown."""
    ln = lp.line
    X = lp.cross_alt
    t_s = lp.access[0]
    t1, t2 = int(t_s[s1]), int(t_s[s2])
    sb = SortieBuilder(
        ac,
        (float(stations[s1, 0]), float(stations[s1, 1])),
        float(X[t1]),
        0.0,
        ground_alt_m=float(ground[s1]),
    )
    photos = 0

    def run(specs):
        for x, y, z, kind, speed, cam, hold, actions in specs:
            sb.goto(x, y, z, kind=kind, speed_mps=speed, camera=cam, hold_s=hold, actions=actions)

    tw = lp.over_f[0].specs[0][4] if lp.over_f else 5.0
    vias = lp.access[5]
    run([_spec(x, y, X[t1], _TRANSIT, tw) for x, y in vias[s1]])
    run([_spec(ln.xy_m[t1, 0], ln.xy_m[t1, 1], X[t1], _TRANSIT, tw)])
    for pc in _overhead_pieces(lp, t1, b if rev else a):
        run(pc.specs)
    P = len(lp.passes)
    order = list(range(P - 1, -1, -1)) if rev else list(range(P))
    e_in = b if rev else a
    run(lp.in_rev[e_in].specs if rev else lp.in_pieces[e_in].specs)
    for k, j in enumerate(order):
        fwd = lp.passes[j].forward
        rng = range(a, b) if fwd else range(b - 1, a - 1, -1)
        ev = lp.end_vantage[j]
        if ev is not None and b == ln.n - 1 and not fwd:
            run(ev.specs)
            photos += ev.photos
        for i in rng:
            pc = lp.span_pieces[j][i]
            run(pc.specs)
            photos += pc.photos
        if ev is not None and b == ln.n - 1 and fwd:
            run(ev.specs)
            photos += ev.photos
        if k < P - 1:
            e = b if fwd else a
            nxt = order[k + 1]
            run(lp.turn_pieces[j][e].specs if nxt == j + 1 else lp.rev_turn_pieces[nxt][e].specs)
    e_end = b if (rev or P % 2 == 1) else a
    run(lp.out_rev[e_end].specs if rev else lp.out_pieces[e_end].specs)
    for pc in _overhead_pieces(lp, e_end, t2):
        run(pc.specs)
    st = stations[s2]
    for x, y in vias[s2][::-1]:
        sb.goto(float(x), float(y), float(X[t2]), kind=LegKind.RETURN, speed_mps=tw)
    sb.goto(float(st[0]), float(st[1]), float(X[t2]), kind=LegKind.RETURN, speed_mps=tw)
    sb.land(float(st[0]), float(st[1]), ground_alt_m=float(ground[s2]))
    sortie = sb.build(index, station_index=s1, landing_station_index=s2)
    return shift_altitudes(sortie, -float(ground[s1])), photos


def _overhead_pieces(lp: _LinePlan, t_from: int, t_to: int) -> list[_Piece]:
    if t_to >= t_from:
        return lp.over_f[t_from:t_to]
    return [lp.over_b[i] for i in range(t_from - 1, t_to - 1, -1)]
