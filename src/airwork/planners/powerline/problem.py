"""Inputs of the power-line planner: the problem (what to inspect, from where, with which
aircraft) and the parameters of the inspection."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.errors import GeometryError
from airwork.geo.frame import LocalFrame
from airwork.mission.model import Feature
from airwork.planners.powerline.line import PowerLine

__all__ = ["MIN_ITEMS", "MODES", "PowerlineParams", "PowerlineProblem"]

MODES = ("corridor", "towers", "mapping")
"""Kinds of imagery: corridor tracks beside the line, tower vantage photos, a nadir
mapping strip."""

MIN_ITEMS = 50
"""Least ``max_mission_items``: a flight over one span with every mode needs more than a
few dozen items. [-]"""


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
    max_mission_items : int or None
        Most MAVLink mission items one flight may have, counted as the ArduPilot export
        writes them (home, take-off, a navigation item per waypoint, an item per action, a
        speed change where the speed changes, landing); flights are split to fit.  650:
        ArduCopter without SD-card mission storage ("Only 650 items are supported", a
        larger mission is refused at upload with ``MAV_MISSION_NO_SPACE``); None: no
        limit. [-]
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
    max_mission_items: int | None = 650

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
        if self.max_mission_items is not None and not (
            isinstance(self.max_mission_items, int) and self.max_mission_items >= MIN_ITEMS
        ):
            raise ValueError(
                f"Expected max_mission_items an integer >= {MIN_ITEMS} or None, got "
                f"{self.max_mission_items!r}."
            )
        if self.reserve_frac is not None and not 0.0 <= self.reserve_frac < 0.9:
            raise ValueError(f"Expected reserve_frac in [0, 0.9), got {self.reserve_frac}.")
