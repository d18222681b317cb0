"""The common form every mission is checked in: per sortie, arrays of 3-D waypoints.

Whatever planned a mission (an airwork planner, QGroundControl, Mission Planner), it is
converted to :class:`FlightInput`: a local frame, one :class:`Track` per sortie and the
fences and rally points the file carries.  A track is the path the aircraft flies, as
arrays (positions, altitude and its reference per waypoint, the item each waypoint comes
from, per-leg speeds, payloads, whether the leg is a vertical take-off/landing).

Readers: :func:`from_mission` (an airwork :class:`~airwork.mission.model.Mission`),
:func:`from_mission_file` (a ``.plan``/``.waypoints`` read by
:mod:`airwork.export.read`) and :func:`from_mission_geojson` (our ``mission.geojson``);
:func:`read_flight` picks one by suffix.

How MAVLink items become a path (ArduPilot Copter behaviour, reference
``mission-formats.md``): ``NAV_TAKEOFF`` climbs vertically where the aircraft is;
``NAV_LAND`` flies level to its location (if it has one) and descends vertically there;
``NAV_RETURN_TO_LAUNCH`` flies level to home and descends (RTL_ALT climbs are not
modelled); every other ``NAV_*`` command with a location is a waypoint (``NAV_WAYPOINT`` and
``NAV_LOITER_TIME`` hold for param1 seconds); ``DO_CHANGE_SPEED`` sets the speed of the
following legs.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from pymavlink import mavutil

from airwork.aircraft.model import Aircraft
from airwork.aircraft.serial import aircraft_from_dict
from airwork.autopilot.read import MissionFile, read_mission_file
from airwork.errors import AircraftError, InputFileError, MissionFileError
from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS
from airwork.geo.frame import LocalFrame
from airwork.mission.model import AltitudeRef, LegKind, Mission
from airwork.site.roles import ROLES, canonical_role, validate_properties
from airwork.site.wind import Wind
from airwork.site.zones import Zone, zone_from_geometry

__all__ = [
    "REF_GROUND",
    "REF_MSL",
    "REF_TAKEOFF",
    "FlightInput",
    "Track",
    "from_mission",
    "from_mission_file",
    "from_mission_geojson",
    "read_flight",
]

_ML = mavutil.mavlink

REF_TAKEOFF, REF_MSL, REF_GROUND = 0, 1, 2
_REF_CODE = {AltitudeRef.TAKEOFF: REF_TAKEOFF, AltitudeRef.MSL: REF_MSL, AltitudeRef.GROUND: 2}
_FRAME_REF = {
    _ML.MAV_FRAME_GLOBAL: REF_MSL,
    _ML.MAV_FRAME_GLOBAL_INT: REF_MSL,
    _ML.MAV_FRAME_GLOBAL_RELATIVE_ALT: REF_TAKEOFF,
    _ML.MAV_FRAME_GLOBAL_RELATIVE_ALT_INT: REF_TAKEOFF,
    _ML.MAV_FRAME_GLOBAL_TERRAIN_ALT: REF_GROUND,
    _ML.MAV_FRAME_GLOBAL_TERRAIN_ALT_INT: REF_GROUND,
}
_HOLD_CMDS = {_ML.MAV_CMD_NAV_WAYPOINT, _ML.MAV_CMD_NAV_LOITER_TIME}
_TAKEOFF_CMDS = {_ML.MAV_CMD_NAV_TAKEOFF, _ML.MAV_CMD_NAV_VTOL_TAKEOFF}
_LAND_CMDS = {_ML.MAV_CMD_NAV_LAND, _ML.MAV_CMD_NAV_VTOL_LAND}


@dataclass
class Track:
    """One sortie as arrays (``n`` waypoints, ``n - 1`` legs), local frame.

    Attributes
    ----------
    sortie : int
        1-based sortie number.
    xy_m : (n, 2) array
        Positions. [m]
    alt_m : (n,) array
        Altitude of each waypoint in its own reference. [m]
    ref : (n,) int array
        :data:`REF_TAKEOFF` (above the take-off point), :data:`REF_MSL` or
        :data:`REF_GROUND` (above the ground below).
    item : (n,) int array
        Item the waypoint comes from (mission waypoint index, or MAVLink sequence number).
    vertical : (n - 1,) bool array
        Vertical take-off or landing legs (exempt from the minimum height check).
    speed_mps : (n - 1,) array
        Commanded horizontal speed; vertical speed on vertical legs. [m/s]
    payload_kg : (n - 1,) array
        Mean payload on the leg. [kg]
    working : (n - 1,) bool array
        Payload system running.
    hold_s : (n,) array
        Hover on arrival. [s]
    energy_wh : (n - 1,) array or None
        The planner's calm-air prediction, when the mission carries one. [Wh]
    home_xy_m : (2,) array
        Take-off point (reference of :data:`REF_TAKEOFF` altitudes). [m]
    commands : list of (item, MAV_CMD id)
        Every item of the source file, for the autopilot command check.
    aircraft : Aircraft or None
        The aircraft flying this sortie, when the mission says.
    climb_mps, descent_mps : (n - 1,) array or None
        Vertical speed limits in force on each leg (``DO_CHANGE_SPEED`` types 2 and 3 of a
        mission file; NaN where the autopilot's own setting applies). [m/s]
    """

    sortie: int
    xy_m: np.ndarray
    alt_m: np.ndarray
    ref: np.ndarray
    item: np.ndarray
    vertical: np.ndarray
    speed_mps: np.ndarray
    payload_kg: np.ndarray
    working: np.ndarray
    hold_s: np.ndarray
    energy_wh: np.ndarray | None = None
    home_xy_m: np.ndarray | None = None
    commands: list[tuple[int, int]] = field(default_factory=list)
    aircraft: Aircraft | None = None
    climb_mps: np.ndarray | None = None
    descent_mps: np.ndarray | None = None

    def __post_init__(self) -> None:
        if self.home_xy_m is None:
            self.home_xy_m = np.asarray(self.xy_m[0], dtype=float)


@dataclass
class FlightInput:
    """A mission in the common form.

    Attributes
    ----------
    name : str
    frame : LocalFrame
    tracks : list of Track
    zones : list of Zone
        Fences carried by the mission itself (a ``.plan`` geofence, ``Mission.geofence``).
    rally_xy_m : (k, 2) array
        Rally points. [m]
    rally_alt_m : (k,) array
        Rally altitudes above home. [m]
    home_amsl_m : float or None
        Elevation of home from the file, if it gives one. [m]
    source : str
        ``mission``, ``plan``, ``wpl`` or ``geojson``.
    usable_energy_wh, reserve_frac : float or None
        Battery budget carried by a planned mission.
    aircraft_name : str or None
    aircraft : Aircraft or None
        The aircraft the mission carries (airwork's own files).
    payload_known : bool
        Whether the tracks' payloads come from the mission (else they are zeros).
    mission : Mission or None
        The planned mission, when checking one (for the autopilot command check).
    notes : list of str
    fence_items, fence_bytes : int
        MAVLink fence items (vertices and circles) of a mission file and the ArduPilot fence
        storage they need (4 + polygons 2 + 8 per vertex + circles 13). [-], [bytes]
    source_file : MissionFile or None
        The ``.plan``/``.waypoints`` file as read, for the item checks
        (:mod:`airwork.airspace.integrity`).
    planned_wind : Wind or None
        The wind the file's leg energies were priced in (``mission.geojson``'s
        ``airwork.planned_wind``); None: calm.
    """

    name: str
    frame: LocalFrame
    tracks: list[Track]
    zones: list[Zone] = field(default_factory=list)
    rally_xy_m: np.ndarray = field(default_factory=lambda: np.zeros((0, 2)))
    rally_alt_m: np.ndarray = field(default_factory=lambda: np.zeros(0))
    home_amsl_m: float | None = None
    source: str = "mission"
    usable_energy_wh: float | None = None
    reserve_frac: float | None = None
    aircraft_name: str | None = None
    aircraft: Aircraft | None = None
    payload_known: bool = False
    mission: Mission | None = None
    notes: list[str] = field(default_factory=list)
    fence_items: int = 0
    fence_bytes: int = 0
    source_file: MissionFile | None = None
    planned_wind: Wind | None = None

    def bounds_m(self) -> tuple[float, float, float, float]:
        """Box around every waypoint and rally point. [m]"""
        pts = [t.xy_m for t in self.tracks] + [self.rally_xy_m.reshape(-1, 2)]
        xy = np.concatenate([p for p in pts if len(p)]) if any(len(p) for p in pts) else None
        if xy is None:
            return (0.0, 0.0, 0.0, 0.0)
        return (
            float(xy[:, 0].min()),
            float(xy[:, 1].min()),
            float(xy[:, 0].max()),
            float(xy[:, 1].max()),
        )


# --------------------------------------------------------------------------- Mission


def from_mission(mission: Mission) -> FlightInput:
    """A planned :class:`~airwork.mission.model.Mission` in the common form."""
    code = _REF_CODE[AltitudeRef(mission.altitude_ref)]
    tracks = []
    for s in mission.sorties:
        wps = s.waypoints
        n = len(wps)
        xyz = np.array([(w.x_m, w.y_m, w.alt_m) for w in wps], dtype=float).reshape(n, 3)
        vertical = np.array(
            [leg.kind in (LegKind.TAKEOFF, LegKind.LANDING) for leg in s.legs], dtype=bool
        )
        tracks.append(
            Track(
                sortie=s.index,
                xy_m=xyz[:, :2],
                alt_m=xyz[:, 2],
                ref=np.full(n, code, dtype=np.int8),
                item=np.arange(n),
                vertical=vertical,
                speed_mps=np.array([leg.speed_mps for leg in s.legs], dtype=float),
                payload_kg=np.array(
                    [0.5 * (leg.payload_kg + leg.payload_end_kg) for leg in s.legs], dtype=float
                ),
                working=np.array([leg.spraying or leg.camera for leg in s.legs], dtype=bool),
                hold_s=np.array([w.hold_s for w in wps], dtype=float),
                energy_wh=np.array([leg.energy_wh for leg in s.legs], dtype=float),
                aircraft=mission.aircraft_of(s),
            )
        )
    zones = []
    if mission.geofence is not None and not mission.geofence.is_empty:
        zones.append(Zone(mission.geofence, inclusion=True, name="the mission's geofence"))
    return FlightInput(
        name=mission.name,
        frame=mission.frame,
        tracks=tracks,
        zones=zones,
        home_amsl_m=mission.home_amsl_m,
        source="mission",
        usable_energy_wh=mission.usable_energy_wh,
        reserve_frac=mission.reserve_frac,
        aircraft_name=mission.aircraft_name,
        aircraft=mission.aircraft,
        payload_known=True,
        mission=mission,
    )


# --------------------------------------------------------------------------- .plan / WPL


def _has_position(item) -> bool:
    return (
        item.has_location
        and math.isfinite(item.lat_deg)
        and math.isfinite(item.lon_deg)
        and not (item.lat_deg == 0.0 and item.lon_deg == 0.0)
    )


class _PathBuilder:
    def __init__(self, home_xy: np.ndarray, default_speed_mps: float):
        self.xy = [home_xy]
        self.alt = [0.0]
        self.ref = [REF_GROUND]
        self.item = [0]
        self.vertical: list[bool] = []
        self.speed: list[float] = []
        self.hold = [0.0]
        self.v = default_speed_mps
        self.up = math.nan  # climb / descent speeds commanded (NaN: the autopilot's own)
        self.dn = math.nan
        self.ups: list[float] = []
        self.dns: list[float] = []
        self.airborne = False

    def add(self, xy, alt, ref, item, *, vertical=False, speed=None, hold=0.0):
        self.xy.append(np.asarray(xy, dtype=float))
        self.alt.append(float(alt))
        self.ref.append(int(ref))
        self.item.append(int(item))
        self.vertical.append(bool(vertical))
        if speed is None:
            speed = CLIMB_SPEED_MPS if vertical else self.v
        self.speed.append(float(speed))
        self.hold.append(float(hold))
        self.ups.append(self.up)
        self.dns.append(self.dn)

    def climb_to(self, alt, ref, item):
        self.add(self.xy[-1], alt, ref, item, vertical=True, speed=CLIMB_SPEED_MPS)
        self.airborne = True

    def land_at(self, xy, item):
        if np.hypot(*(np.asarray(xy) - self.xy[-1])) > 0.01:
            self.add(xy, self.alt[-1], self.ref[-1], item)
        self.add(xy, 0.0, REF_GROUND, item, vertical=True, speed=DESCENT_SPEED_MPS)
        self.airborne = False


def from_mission_file(
    mf: MissionFile, *, name: str = "mission", default_speed_mps: float = 5.0
) -> FlightInput:
    """A mission read from a ``.plan`` or ``.waypoints`` file in the common form.

    Parameters
    ----------
    mf : MissionFile
    name : str
    default_speed_mps : float
        Horizontal speed before any ``DO_CHANGE_SPEED``. [m/s]

    Raises
    ------
    MissionFileError
        No position anywhere, or a navigation item in a frame that is not global
        (AMSL, relative or terrain).
    """
    located = [it for it in mf.items if _has_position(it)]
    if mf.home is not None:
        home_ll = (mf.home[0], mf.home[1])
    elif located:
        home_ll = (located[0].lat_deg, located[0].lon_deg)
    else:
        raise MissionFileError(f"{name}: the mission has no home and no item with a position")
    frame = LocalFrame.for_lonlat(home_ll[1], home_ll[0])

    def local(lat, lon):
        x, y = frame.to_local(lon, lat)
        return np.array([float(x), float(y)])

    home_xy = local(*home_ll)
    notes: list[str] = list(mf.notes)
    b = _PathBuilder(home_xy, default_speed_mps)
    body = [it for it in mf.items if not (mf.home is not None and it.seq == 0)]
    commands = _fly_items(b, body, local, home_xy, name, notes)
    if len(b.xy) < 2:
        raise MissionFileError(f"{name}: the mission has no navigation item to fly")
    if b.airborne:
        notes.append("the mission ends in the air (no NAV_LAND or RTL at the end)")
    n = len(b.xy)
    block = _airwork_block(mf.airwork, name, notes)
    payload, working = _block_legs(block, np.array(b.item, dtype=int))
    track = Track(
        sortie=1,
        xy_m=np.array(b.xy, dtype=float).reshape(n, 2),
        alt_m=np.array(b.alt, dtype=float),
        ref=np.array(b.ref, dtype=np.int8),
        item=np.array(b.item, dtype=int),
        vertical=np.array(b.vertical, dtype=bool),
        speed_mps=np.array(b.speed, dtype=float),
        payload_kg=payload,
        working=working,
        hold_s=np.array(b.hold, dtype=float),
        home_xy_m=home_xy,
        commands=commands,
        aircraft=block.get("aircraft"),
        climb_mps=np.array(b.ups, dtype=float),
        descent_mps=np.array(b.dns, dtype=float),
    )
    zones, fence_items, fence_bytes = _file_fence(mf, frame, local, name)
    rally = np.array([local(p[0], p[1]) for p in mf.rally_points]).reshape(-1, 2)
    rally_alt = np.array([p[2] for p in mf.rally_points], dtype=float)
    return FlightInput(
        name=name,
        frame=frame,
        tracks=[track],
        zones=zones,
        rally_xy_m=rally,
        rally_alt_m=rally_alt,
        home_amsl_m=float(mf.home[2]) if mf.home is not None else None,
        source=mf.source_format,
        reserve_frac=block.get("reserve_frac"),
        aircraft=block.get("aircraft"),
        payload_known="legs" in block,
        notes=notes,
        fence_items=fence_items,
        fence_bytes=fence_bytes,
        source_file=mf,
    )


def _fly_items(b: _PathBuilder, body, local, home_xy, name: str, notes: list[str]):
    """Fly the items of a mission file through the path builder; returns every item's
    (sequence number, command) for the command check."""
    commands: list[tuple[int, int]] = []
    for it in body:
        commands.append((it.seq, it.command))
        cmd = it.command
        if cmd == _ML.MAV_CMD_DO_JUMP:
            notes.append(
                f"item {it.seq}: DO_JUMP repeats are not expanded; the items are checked once "
                "and repeated flights' energy is not counted"
            )
            continue
        if cmd == _ML.MAV_CMD_DO_CHANGE_SPEED:
            # SPEED_TYPE 0 (air) / 1 (ground) set the horizontal speed; 2 and 3 are the
            # climb and descent speeds, which do not change it
            kind, value = it.params[0], it.params[1]
            if math.isfinite(value) and value > 0:
                if kind in (_ML.SPEED_TYPE_AIRSPEED, _ML.SPEED_TYPE_GROUNDSPEED):
                    b.v = float(value)
                elif kind == _ML.SPEED_TYPE_CLIMB_SPEED:
                    b.up = float(value)
                elif kind == _ML.SPEED_TYPE_DESCENT_SPEED:
                    b.dn = float(value)
            continue
        if cmd >= 100 and cmd not in _LAND_CMDS | _TAKEOFF_CMDS:
            continue  # DO_/CONDITION_ commands do not move the aircraft
        if cmd == _ML.MAV_CMD_NAV_RETURN_TO_LAUNCH:
            if b.airborne:
                b.land_at(home_xy, it.seq)
            continue
        if it.has_location and it.frame not in _FRAME_REF:
            raise MissionFileError(
                f"{name}: item {it.seq}: frame {it.frame} is not a global frame the checker "
                "reads (0/5 AMSL, 3/6 relative, 10/11 terrain)"
            )
        ref = _FRAME_REF.get(it.frame, REF_TAKEOFF)
        if cmd in _TAKEOFF_CMDS:
            b.climb_to(it.alt_m if math.isfinite(it.alt_m) else 0.0, ref, it.seq)
            continue
        if cmd in _LAND_CMDS:
            xy = local(it.lat_deg, it.lon_deg) if _has_position(it) else b.xy[-1]
            if b.airborne:
                b.land_at(xy, it.seq)
            continue
        if not _has_position(it) or not math.isfinite(it.alt_m):
            notes.append(f"item {it.seq} ({cmd}) has no position and is not flown by the check")
            continue
        xy = local(it.lat_deg, it.lon_deg)
        if not b.airborne:
            b.climb_to(it.alt_m, ref, it.seq)
            if len(b.item) == 2:
                notes.append(
                    f"sortie starts without NAV_TAKEOFF: a vertical climb to item {it.seq}'s "
                    "altitude at home is assumed"
                )
        hold = it.params[0] if cmd in _HOLD_CMDS and math.isfinite(it.params[0]) else 0.0
        b.add(xy, it.alt_m, ref, it.seq, hold=max(hold, 0.0))
    return commands


def _file_fence(mf: MissionFile, frame: LocalFrame, local, name: str):
    """The file's fence as zones, with its size in fence items and bytes."""
    zones = []
    for i, (vertices, inclusion) in enumerate(mf.geofence_polygons):
        lat = np.array([v[0] for v in vertices])
        lon = np.array([v[1] for v in vertices])
        x, y = frame.to_local(lon, lat)
        poly = shapely.make_valid(shapely.Polygon(np.column_stack([x, y])))
        zones.append(Zone(poly, inclusion=inclusion, name=f"{name} geoFence.polygons[{i}]"))
    for i, ((lat, lon), radius, inclusion) in enumerate(mf.geofence_circles):
        c = local(lat, lon)
        factor = 1.0 if inclusion else 1.0 / math.cos(math.pi / 64)
        poly = shapely.Point(c).buffer(radius * factor, quad_segs=16)
        zones.append(Zone(poly, inclusion=inclusion, name=f"{name} geoFence.circles[{i}]"))
    n_vertices = [len(v) for v, _ in mf.geofence_polygons]
    n_circles = len(mf.geofence_circles)
    fence_items = sum(n_vertices) + n_circles
    fence_bytes = 4 + sum(2 + 8 * n for n in n_vertices) + 13 * n_circles if fence_items else 0
    return zones, fence_items, fence_bytes


def _airwork_block(raw: dict | None, name: str, notes: list[str]) -> dict:
    """The ``airwork`` member of a ``.plan`` we wrote, decoded: aircraft, reserve and the
    legs' payloads (:mod:`airwork.export.annotate`); empty when absent or unreadable."""
    if not isinstance(raw, dict):
        return {}
    out: dict = {}
    try:
        if raw.get("aircraft") is not None:
            out["aircraft"] = aircraft_from_dict(raw["aircraft"], f"{name} airwork.aircraft")
        r = raw.get("reserve_frac")
        if r is not None:
            out["reserve_frac"] = float(r)
        legs = raw.get("legs")
        if legs is not None:
            out["legs"] = {int(seq): (float(kg), bool(w)) for seq, kg, w in legs}
    except (AircraftError, TypeError, ValueError) as exc:
        notes.append(f"the file's airwork member is not readable, ignored ({exc})")
        return {}
    if not all(math.isfinite(kg) and kg >= 0 for kg, _ in out.get("legs", {}).values()):
        notes.append("the file's airwork member has an impossible payload, ignored")
        out.pop("legs")
    return out


def _block_legs(block: dict, item: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Payload [kg] and working flag of each leg (ending at vertex ``k + 1``'s item)."""
    legs = block.get("legs", {})
    n = len(item) - 1
    payload, working = np.zeros(n), np.zeros(n, dtype=bool)
    for k in range(n):
        kg, w = legs.get(int(item[k + 1]), (0.0, False))
        payload[k], working[k] = kg, w
    return payload, working


# --------------------------------------------------------------------------- GeoJSON

_ZONE_SPELLINGS = frozenset(
    a for r in ("no_fly", "geofence") for a in (r, r.replace("_", "-"), *ROLES[r].aliases)
)


def from_mission_geojson(path: str | Path) -> FlightInput:
    """Our ``mission.geojson`` (see :func:`airwork.export.geojson.to_geojson`) in the common
    form: the ``leg`` features grouped by sortie; airspace features in the same file
    (roles ``geofence``, ``no_fly``, ...) become zones.

    Raises
    ------
    InputFileError, MissionFileError
    """
    path = Path(path)
    doc = _read_geojson(path)
    legs, zone_feats = _legs_and_zones(doc, path)
    first = next(iter(legs.values()))[0][2][0]
    frame = LocalFrame.for_lonlat(first[0], first[1])
    tracks = [_geojson_track(sortie, legs[sortie], frame, path) for sortie in sorted(legs)]
    block = doc.get("airwork") if isinstance(doc.get("airwork"), dict) else {}
    notes: list[str] = []
    decoded = _airwork_block({k: v for k, v in block.items() if k != "legs"}, path.name, notes)
    for t in tracks:
        own = (block.get("sortie_aircraft") or {}).get(str(t.sortie))
        t.aircraft = decoded.get("aircraft")
        if own is not None:
            t.aircraft = _airwork_block({"aircraft": own}, path.name, notes).get("aircraft")
    zones = [
        zone_from_geometry(
            frame.geometry_to_local(shapely.force_2d(g)),
            kind == "geofence",
            validate_properties(kind, props, where),
            where,
        )
        for kind, g, props, where in zone_feats
    ]
    return FlightInput(
        name=path.stem,
        frame=frame,
        tracks=tracks,
        zones=zones,
        planned_wind=_planned_wind(block.get("planned_wind"), path.name, notes),
        source="geojson",
        reserve_frac=decoded.get("reserve_frac"),
        aircraft=decoded.get("aircraft"),
        payload_known=True,
        notes=notes,
    )


def _read_geojson(path: Path) -> dict:
    """The parsed JSON document of a mission.geojson (a FeatureCollection)."""
    try:
        doc = json.loads(path.read_text(encoding="utf-8-sig"))
    except FileNotFoundError:
        raise InputFileError(f"{path}: mission file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read ({exc})") from None
    except json.JSONDecodeError as exc:
        raise MissionFileError(f"{path}: invalid JSON at line {exc.lineno}: {exc.msg}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("features"), list):
        raise MissionFileError(f"{path}: not a GeoJSON FeatureCollection")
    return doc


def _legs_and_zones(doc: dict, path: Path):
    """The ``leg`` features by sortie as (leg number, properties, (2, 3) lon/lat/alt), and
    the airspace features as (role, geometry, properties, where)."""
    legs: dict[int, list[tuple[int, dict, np.ndarray]]] = {}
    zone_feats = []
    for i, f in enumerate(doc["features"]):
        props = (f or {}).get("properties") or {}
        geom = (f or {}).get("geometry") or {}
        role = str(props.get("role", "")).lower()
        if role == "leg":
            sortie, leg, c = _geojson_leg(props, geom, f"{path}: feature {i}")
            legs.setdefault(sortie, []).append((leg, props, c))
        elif role in _ZONE_SPELLINGS:
            where = f"{path.name} feature {i}"
            kind = canonical_role(role, where)
            zone_feats.append((kind, shapely.geometry.shape(geom), props, where))
    if not legs:
        raise MissionFileError(f"{path}: no feature with role 'leg' (not an airwork mission?)")
    return legs, zone_feats


def _geojson_leg(props: dict, geom: dict, where: str) -> tuple[int, int, np.ndarray]:
    """One leg feature's sortie, leg number and [lon, lat, alt] end points, checked."""
    try:
        c = np.asarray(geom.get("coordinates"), dtype=float)
        sortie, leg = int(props["sortie"]), int(props["leg"])
    except (KeyError, TypeError, ValueError):
        raise MissionFileError(
            f"{where}: a leg needs sortie, leg and [lon, lat, alt] coordinates"
        ) from None
    if c.shape != (2, 3) or not np.all(np.isfinite(c)):
        raise MissionFileError(f"{where}: a leg is a LineString of two [lon, lat, alt] points")
    if np.any(np.abs(c[:, 0]) > 180) or np.any(np.abs(c[:, 1]) > 90):
        raise MissionFileError(
            f"{where}: leg coordinates {c[:, :2].tolist()} are outside the "
            "WGS84 range (GeoJSON is lon, lat)"
        )
    _check_leg_numbers(props, where)
    return sortie, leg, c


def _geojson_track(sortie: int, legs: list, frame: LocalFrame, path: Path) -> Track:
    """One sortie's track from its leg features."""
    rows = sorted(legs, key=lambda r: r[0])
    lonlatalt = np.vstack([rows[0][2][0]] + [r[2][1] for r in rows])
    x, y = frame.to_local(lonlatalt[:, 0], lonlatalt[:, 1])
    ref_name = str(rows[0][1].get("altitude_ref", "takeoff"))
    try:
        code = _REF_CODE[AltitudeRef(ref_name)]
    except ValueError:
        raise MissionFileError(
            f"{path}: sortie {sortie}: unknown altitude_ref {ref_name!r}"
        ) from None
    n = len(lonlatalt)
    kinds = [str(r[1].get("kind", "transit")) for r in rows]

    def num(key, default=0.0):
        return np.array([float(r[1].get(key, default) or 0.0) for r in rows])

    return Track(
        sortie=sortie,
        xy_m=np.column_stack([x, y]),
        alt_m=lonlatalt[:, 2],
        ref=np.full(n, code, dtype=np.int8),
        item=np.arange(n),
        vertical=np.array([k in ("takeoff", "landing") for k in kinds]),
        speed_mps=num("speed_mps", 5.0),
        payload_kg=0.5 * (num("payload_kg") + num("payload_end_kg")),
        working=np.array([bool(r[1].get("spraying")) or bool(r[1].get("camera")) for r in rows]),
        hold_s=np.zeros(n),
        energy_wh=num("energy_wh"),
    )


def _planned_wind(raw, name: str, notes: list[str]) -> Wind | None:
    """The ``planned_wind`` of a mission.geojson's airwork member (``speed_mps``,
    ``from_deg``, ``bands``), or None (calm) when absent or unreadable (noted)."""
    if raw is None:
        return None
    try:
        bands = tuple(tuple(float(x) for x in b) for b in raw.get("bands") or ())
        return Wind(float(raw["speed_mps"]), float(raw["from_deg"]), bands)
    except (AttributeError, KeyError, TypeError, ValueError) as exc:
        notes.append(f"{name}: airwork.planned_wind is not readable, taken as calm ({exc})")
        return None


_LEG_NUMBERS = {"speed_mps": 0.0, "payload_kg": None, "payload_end_kg": None, "energy_wh": None}


def _check_leg_numbers(props: dict, where: str) -> None:
    """A leg's speed (> 0 m/s), payloads (≥ 0 kg) and energy (≥ 0 Wh), when given, must be
    finite numbers: a leg that says otherwise is a corrupt file.

    Raises
    ------
    MissionFileError
    """
    for key, above in _LEG_NUMBERS.items():
        value = props.get(key)
        if value is None:
            continue
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if isinstance(value, str):
            try:
                number = float(value)
            except ValueError:
                number = None
        ok = number is not None and math.isfinite(number)
        ok = ok and (number > above if above is not None else number >= 0)
        if not ok:
            rule = "> 0" if above is not None else "≥ 0"
            raise MissionFileError(f"{where}: {key} = {value!r} must be a finite number {rule}")


def read_flight(path: str | Path, *, default_speed_mps: float = 5.0) -> FlightInput:
    """Read ``mission.geojson``, a ``.plan`` or a ``.waypoints`` file into the common form.

    Raises
    ------
    InputFileError
        Missing file or unsupported suffix.
    MissionFileError
        Malformed content (the message names the place).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".geojson", ".json"):
        return from_mission_geojson(path)
    if suffix in (".plan", ".waypoints", ".txt"):
        mf = read_mission_file(path)
        try:
            return from_mission_file(mf, name=path.name, default_speed_mps=default_speed_mps)
        except MissionFileError as exc:
            raise MissionFileError(str(exc)) from None
    raise InputFileError(
        f"{path}: unsupported mission file {suffix or '(no suffix)'!r} "
        "(expected mission.geojson, .plan or .waypoints)"
    )
