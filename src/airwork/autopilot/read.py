"""Reading MAVLink missions back (``.plan``, ``QGC WPL 110``) for ``airwork mission show``.

The readers enforce what QGroundControl enforces (reference ``mission-formats.md``
sections 1-2) and report every problem as :class:`~airwork.errors.MissionFileError` naming
the place: a JSON path such as ``mission.items[3]`` or a line number.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pymavlink import mavutil
from pyproj import Geod

from airwork.autopilot.items import MissionItem, command_name
from airwork.errors import InputFileError, MissionFileError

__all__ = [
    "MissionFile",
    "mission_file_summary",
    "parse_qgc_plan",
    "parse_wpl",
    "read_mission_file",
]

_ML = mavutil.mavlink
_GEOD = Geod(ellps="WGS84")

LatLon = tuple[float, float]
#: (vertices as (lat °, lon °), inclusion)
FencePolygon = tuple[tuple[LatLon, ...], bool]
#: (centre (lat °, lon °), radius [m], inclusion)
FenceCircle = tuple[LatLon, float, bool]

_CAMERA_COMMANDS = frozenset(
    {
        _ML.MAV_CMD_DO_SET_CAM_TRIGG_DIST,
        _ML.MAV_CMD_DO_SET_CAM_TRIGG_INTERVAL,
        _ML.MAV_CMD_DO_DIGICAM_CONTROL,
        _ML.MAV_CMD_IMAGE_START_CAPTURE,
    }
)
_TRANSECT_TYPES = ("survey", "CorridorScan")
_PWM_MID_US = 1500.0


@dataclass(frozen=True)
class MissionFile:
    """A mission as read from a file.

    Attributes
    ----------
    items : tuple of MissionItem
        Home first (sequence 0) when the file has one, then the mission items renumbered
        1, 2, ... in flight order (survey/corridor items flattened).
    home : (lat °, lon °, alt m AMSL) or None
    geofence_polygons : tuple of (vertices, inclusion)
        Vertices as (lat °, lon °), no repeated closing vertex; inclusion is a bool.
    geofence_circles : tuple of ((lat °, lon °), radius m, inclusion)
    rally_points : tuple of (lat °, lon °, alt m above home)
    source_format : str
        ``"plan"`` or ``"wpl"``.
    airwork : dict or None
        The ``airwork`` member of a ``.plan`` airwork wrote (aircraft, reserve, payloads;
        :mod:`airwork.export.annotate`), as it is in the file.
    notes : tuple of str
        What was read but not used (a version 1 fence or rally object QGC ignores).
    """

    items: tuple[MissionItem, ...]
    home: tuple[float, float, float] | None
    geofence_polygons: tuple[FencePolygon, ...] = ()
    geofence_circles: tuple[FenceCircle, ...] = ()
    rally_points: tuple[tuple[float, float, float], ...] = ()
    source_format: str = "plan"
    airwork: dict[str, Any] | None = None
    notes: tuple[str, ...] = ()


# --------------------------------------------------------------------------- .plan


def parse_qgc_plan(text: str) -> MissionFile:
    """Parse QGroundControl ``.plan`` JSON text.

    Parameters
    ----------
    text : str

    Returns
    -------
    MissionFile
        ``SimpleItem`` objects as they are; ``survey`` and ``CorridorScan`` complex items
        flattened from ``TransectStyleComplexItem.Items``; ``null`` parameters as NaN;
        ``DO_JUMP`` targets converted from ``doJumpId`` to the new sequence number.  A fence
        or rally object whose ``version`` is not 2 is ignored, as QGC ignores it.

    Raises
    ------
    MissionFileError
        Invalid JSON (with line and column), a missing or mistyped key QGC requires, a
        wrong ``fileType``/``version``, an item without exactly 7 params, a
        ``StructureScan`` (QGC stores no items for it) or an unknown item type.
    """
    try:
        doc = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise MissionFileError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except ValueError as exc:
        found = _CONSTANT_RE.search(text)
        line = text.count("\n", 0, found.start()) + 1 if found else 0
        raise MissionFileError(f"invalid JSON at line {line}: {exc}") from None
    _require_type(doc, dict, "the top level", "an object")
    if _get(doc, "fileType", str, "") != "Plan":
        raise MissionFileError(f"fileType must be 'Plan', got {doc['fileType']!r}")
    version = _get(doc, "version", (int, float), "")
    if version != 1:
        raise MissionFileError(f"version must be 1 (the only .plan version), got {version!r}")
    _get(doc, "groundStation", str, "")
    mission = _get(doc, "mission", dict, "")
    fence = _get(doc, "geoFence", dict, "")
    rally = _get(doc, "rallyPoints", dict, "")

    _get(mission, "firmwareType", (int, float), "mission")
    home_raw = _get(mission, "plannedHomePosition", list, "mission")
    home = _numbers(home_raw, 3, "mission", "plannedHomePosition", allow_null=False)
    _check_latlon(home[0], home[1], "mission.plannedHomePosition")
    raw_items = _get(mission, "items", list, "mission")

    simple: list[tuple[dict[str, Any], str]] = []
    for i, entry in enumerate(raw_items):
        where = f"mission.items[{i}]"
        _require_type(entry, dict, where, "an object")
        kind = entry.get("type")
        if kind == "SimpleItem":
            simple.append((entry, where))
        elif kind == "ComplexItem":
            simple.extend(_transect_items(entry, where))
        else:
            raise MissionFileError(f"{where}: unknown item type {kind!r}")

    jump_ids: dict[int, int] = {}  # doJumpId -> new sequence number
    body = []
    for seq, (entry, where) in enumerate(simple, start=1):
        body.append(_simple_item(entry, where, seq))
        jump_id = entry.get("doJumpId")
        if jump_id is not None:
            if not _is_number(jump_id):
                raise MissionFileError(f"{where}.doJumpId: must be a number, got {jump_id!r}")
            jump_ids.setdefault(int(jump_id), seq)
    items = [_home_item(home)]
    for item, (_, where) in zip(body, simple, strict=True):
        items.append(_retarget_jump(item, jump_ids, where))

    notes = [
        f"{key}: version 1 (or no version) is ignored, as QGroundControl ignores it"
        for key, obj in (("geoFence", fence), ("rallyPoints", rally))
        if not _current_version(obj, key)
    ]
    return MissionFile(
        items=tuple(items),
        home=(home[0], home[1], home[2]),
        geofence_polygons=_fence_polygons(fence),
        geofence_circles=_fence_circles(fence),
        rally_points=_rally_points(rally),
        source_format="plan",
        airwork=doc.get("airwork") if isinstance(doc.get("airwork"), dict) else None,
        notes=tuple(notes),
    )


_CONSTANT_RE = re.compile(r"\b(NaN|-?Infinity)\b")


def _no_constant(name: str) -> float:
    """``json`` calls this for ``NaN`` and ``Infinity``, which strict JSON (and QGC) refuse."""
    raise ValueError(
        f"{name} is not a JSON number (QGroundControl refuses the file; it writes null for "
        "an unset parameter)"
    )


def _current_version(obj: dict[str, Any], key: str) -> bool:
    """Whether a fence or rally object is QGC's version 2 (read); version 1 or none is
    ignored, as QGC ignores it; any other version is refused, as QGC refuses it."""
    version = obj.get("version")
    if version is None or version == 1:
        return False
    if version != 2:
        raise MissionFileError(
            f"{key}.version: QGroundControl reads version 2 (and ignores 1), got {version!r}"
        )
    return True


def _transect_items(entry: dict[str, Any], where: str) -> list[tuple[dict[str, Any], str]]:
    complex_type = entry.get("complexItemType")
    if complex_type == "StructureScan":
        raise MissionFileError(
            f"{where}: ComplexItem 'StructureScan' is not supported: QGC stores no mission "
            "items for it and regenerates its flight path; expand it in QGC and save again"
        )
    if complex_type not in _TRANSECT_TYPES:
        raise MissionFileError(
            f"{where}: unknown ComplexItem type {complex_type!r} "
            f"(readable: {', '.join(_TRANSECT_TYPES)})"
        )
    transect = _get(entry, "TransectStyleComplexItem", dict, where)
    inner = _get(transect, "Items", list, f"{where}.TransectStyleComplexItem")
    out = []
    for j, sub in enumerate(inner):
        sub_where = f"{where}.TransectStyleComplexItem.Items[{j}]"
        _require_type(sub, dict, sub_where, "an object")
        if sub.get("type") != "SimpleItem":
            raise MissionFileError(
                f"{sub_where}: expected type 'SimpleItem', got {sub.get('type')!r}"
            )
        out.append((sub, sub_where))
    return out


def _simple_item(entry: dict[str, Any], where: str, seq: int) -> MissionItem:
    command = _get(entry, "command", (int, float), where)
    frame = _get(entry, "frame", (int, float), where)
    autocontinue = _get(entry, "autoContinue", bool, where)
    params_raw = _get(entry, "params", list, where)
    params = _numbers(params_raw, 7, where, "params", allow_null=True)
    alt_keys = [k for k in ("AltitudeMode", "Altitude", "AMSLAltAboveTerrain") if k in entry]
    if alt_keys and len(alt_keys) != 3:
        raise MissionFileError(
            f"{where}: AltitudeMode, Altitude and AMSLAltAboveTerrain go together, "
            f"found only {', '.join(alt_keys)}"
        )
    item = MissionItem(
        seq=seq,
        frame=_integer(frame, f"{where}.frame"),
        command=_integer(command, f"{where}.command"),
        params=(params[0], params[1], params[2], params[3]),
        lat_deg=params[4],
        lon_deg=params[5],
        alt_m=params[6],
        autocontinue=autocontinue,
    )
    if item.has_location and (abs(item.lat_deg) > 90 or abs(item.lon_deg) > 180):
        raise MissionFileError(
            f"{where}.params: latitude/longitude out of range ({item.lat_deg}, {item.lon_deg}); "
            "params[4] is the latitude and params[5] the longitude"
        )
    return item


def _home_item(home: list[float]) -> MissionItem:
    return MissionItem(
        seq=0,
        frame=_ML.MAV_FRAME_GLOBAL,
        command=_ML.MAV_CMD_NAV_WAYPOINT,
        params=(0.0, 0.0, 0.0, 0.0),
        lat_deg=home[0],
        lon_deg=home[1],
        alt_m=home[2],
        current=True,
    )


def _retarget_jump(item: MissionItem, jump_ids: dict[int, int], where: str) -> MissionItem:
    if item.command != _ML.MAV_CMD_DO_JUMP:
        return item
    target = item.params[0]
    if not math.isfinite(target) or int(target) not in jump_ids:
        raise MissionFileError(f"{where}: DO_JUMP target doJumpId {target} matches no item")
    params = (float(jump_ids[int(target)]), *item.params[1:])
    return MissionItem(
        seq=item.seq,
        frame=item.frame,
        command=item.command,
        params=params,  # type: ignore[arg-type]
        lat_deg=item.lat_deg,
        lon_deg=item.lon_deg,
        alt_m=item.alt_m,
        autocontinue=item.autocontinue,
        current=item.current,
    )


def _fence_polygons(fence: dict[str, Any]) -> tuple[FencePolygon, ...]:
    if not _current_version(fence, "geoFence"):
        return ()
    out = []
    for i, entry in enumerate(_get(fence, "polygons", list, "geoFence")):
        where = f"geoFence.polygons[{i}]"
        _require_type(entry, dict, where, "an object")
        inclusion = _get(entry, "inclusion", bool, where)
        vertices = _get(entry, "polygon", list, where)
        if len(vertices) < 3:
            raise MissionFileError(
                f"{where}.polygon: needs at least 3 vertices, got {len(vertices)}"
            )
        points = tuple(_latlon(v, where, f"polygon[{j}]") for j, v in enumerate(vertices))
        out.append((points, inclusion))
    return tuple(out)


def _fence_circles(fence: dict[str, Any]) -> tuple[FenceCircle, ...]:
    if not _current_version(fence, "geoFence"):
        return ()
    out = []
    for i, entry in enumerate(_get(fence, "circles", list, "geoFence")):
        where = f"geoFence.circles[{i}]"
        _require_type(entry, dict, where, "an object")
        inclusion = _get(entry, "inclusion", bool, where)
        circle = _get(entry, "circle", dict, where)
        centre = _latlon(_get(circle, "center", list, f"{where}.circle"), where, "circle.center")
        radius_m = _get(circle, "radius", (int, float), f"{where}.circle")
        if not radius_m > 0:
            raise MissionFileError(f"{where}.circle.radius: must be > 0 m, got {radius_m}")
        out.append((centre, float(radius_m), inclusion))
    return tuple(out)


def _rally_points(rally: dict[str, Any]) -> tuple[tuple[float, float, float], ...]:
    if not _current_version(rally, "rallyPoints"):
        return ()
    points = _get(rally, "points", list, "rallyPoints")
    out = []
    for i, point in enumerate(points):
        where = f"rallyPoints.points[{i}]"
        lat, lon, alt = _numbers(point, 3, "rallyPoints", f"points[{i}]", allow_null=False)
        _check_latlon(lat, lon, where)
        out.append((lat, lon, alt))
    return tuple(out)


def _get(obj: dict[str, Any], key: str, kind: type | tuple[type, ...], where: str) -> Any:
    path = f"{where}.{key}" if where else key
    if key not in obj:
        raise MissionFileError(f"{path}: required key is missing")
    value = obj[key]
    names = {dict: "an object", list: "an array", str: "a string", bool: "true or false"}
    expected = names.get(kind, "a number") if isinstance(kind, type) else "a number"
    _require_type(value, kind, path, expected)
    return value


def _require_type(value: Any, kind: type | tuple[type, ...], where: str, expected: str) -> None:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    is_bool = isinstance(value, bool)
    if not isinstance(value, kinds) or (is_bool and bool not in kinds):
        raise MissionFileError(f"{where}: must be {expected}, got {_json_type(value)}")


def _json_type(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return {dict: "an object", list: "an array", str: "a string"}.get(type(value), "a number")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _numbers(values: Any, count: int, owner: str, key: str, *, allow_null: bool) -> list[float]:
    """Exactly ``count`` numbers at ``owner.key``; null -> NaN where allowed."""
    path = f"{owner}.{key}"
    _require_type(values, list, path, "an array")
    if len(values) != count:
        raise MissionFileError(f"{owner}: {key} must have {count} numbers, got {len(values)}")
    out = []
    for j, v in enumerate(values):
        if v is None and allow_null:
            out.append(math.nan)  # QGC: "Null type signals a NaN on a double value"
        elif _is_number(v):
            out.append(float(v))
        else:
            raise MissionFileError(f"{path}[{j}]: must be a number, got {_json_type(v)}")
    return out


def _integer(value: float, where: str) -> int:
    if not float(value).is_integer():
        raise MissionFileError(f"{where}: must be an integer, got {value}")
    return int(value)


def _latlon(value: Any, owner: str, key: str) -> LatLon:
    lat, lon = _numbers(value, 2, owner, key, allow_null=False)
    _check_latlon(lat, lon, f"{owner}.{key}")
    return (lat, lon)


def _check_latlon(lat: float, lon: float, where: str) -> None:
    if abs(lat) > 90 or abs(lon) > 180:
        raise MissionFileError(f"{where}: latitude/longitude out of range ({lat}, {lon})")


# --------------------------------------------------------------------------- WPL


def parse_wpl(text: str) -> MissionFile:
    """Parse a ``QGC WPL 110`` (or home-less ``QGC WPL 120``) waypoint file.

    Parameters
    ----------
    text : str

    Returns
    -------
    MissionFile
        For 110, row 0 is the home (``home`` and ``items[0]``); for 120 there is no home
        and the items count from sequence 1.  Rows are renumbered in file order.

    Raises
    ------
    MissionFileError
        Wrong header, a row without 12 columns (tabs or spaces), or a value that is not a
        number; the message names the line.
    """
    lines = text.lstrip("\ufeff").splitlines()
    header = lines[0].strip() if lines else ""
    if header not in ("QGC WPL 110", "QGC WPL 120"):
        raise MissionFileError(
            f"line 1: header must be 'QGC WPL 110' (or 'QGC WPL 120'), got {header!r}"
        )
    has_home = header == "QGC WPL 110"
    rows: list[MissionItem] = []
    for line_no, line in enumerate(lines[1:], start=2):
        columns = line.split()
        if not columns:
            continue
        if len(columns) != 12:
            raise MissionFileError(
                f"line {line_no}: expected 12 columns "
                "(INDEX CURRENT FRAME COMMAND P1 P2 P3 P4 X Y Z AUTOCONTINUE), "
                f"got {len(columns)}"
            )
        rows.append(_wpl_row(columns, line_no, seq=len(rows) + (0 if has_home else 1)))
    home = None
    if has_home:
        if not rows:
            raise MissionFileError("line 2: a QGC WPL 110 file needs a home row, found none")
        first = rows[0]
        if not all(math.isfinite(v) for v in (first.lat_deg, first.lon_deg, first.alt_m)):
            raise MissionFileError(
                "the home row (first row) needs a finite latitude, longitude and altitude, got "
                f"({first.lat_deg}, {first.lon_deg}, {first.alt_m})"
            )
        home = (first.lat_deg, first.lon_deg, first.alt_m)
        rows[0] = _home_item([first.lat_deg, first.lon_deg, first.alt_m])
    return MissionFile(items=tuple(rows), home=home, source_format="wpl")


def _wpl_row(columns: list[str], line_no: int, seq: int) -> MissionItem:
    names = ("INDEX", "CURRENT", "FRAME", "COMMAND")
    ints = []
    for name, text in zip(names, columns[:4], strict=True):
        try:
            ints.append(int(text))
        except ValueError:
            raise MissionFileError(
                f"line {line_no}: {name} must be an integer, got {text!r}"
            ) from None
    floats = []
    for j, text in enumerate(columns[4:11]):
        label = ("P1", "P2", "P3", "P4", "X", "Y", "Z")[j]
        try:
            floats.append(float(text))
        except ValueError:
            raise MissionFileError(
                f"line {line_no}: {label} must be a number, got {text!r}"
            ) from None
    if columns[11] not in ("0", "1"):
        raise MissionFileError(f"line {line_no}: AUTOCONTINUE must be 0 or 1, got {columns[11]!r}")
    item = MissionItem(
        seq=seq,
        frame=ints[2],
        command=ints[3],
        params=(floats[0], floats[1], floats[2], floats[3]),
        lat_deg=floats[4],
        lon_deg=floats[5],
        alt_m=floats[6],
        autocontinue=columns[11] == "1",
        current=ints[1] == 1,
    )
    if item.has_location and (abs(item.lat_deg) > 90 or abs(item.lon_deg) > 180):
        raise MissionFileError(
            f"line {line_no}: latitude/longitude out of range ({item.lat_deg}, {item.lon_deg})"
        )
    return item


# --------------------------------------------------------------------------- files


def read_mission_file(path: str | os.PathLike[str]) -> MissionFile:
    """Read a ``.plan``, ``.waypoints`` or ``.txt`` (QGC WPL) mission file.

    Parameters
    ----------
    path : str or path-like

    Returns
    -------
    MissionFile

    Raises
    ------
    InputFileError
        Missing, empty, undecodable file or an unsupported extension.
    MissionFileError
        Malformed content; the message starts with the path.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    parsers = {".plan": parse_qgc_plan, ".waypoints": parse_wpl, ".txt": parse_wpl}
    if suffix not in parsers:
        raise InputFileError(
            f"{path}: unsupported mission file extension {suffix or '(none)'!r} "
            "(expected .plan, .waypoints or .txt)"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputFileError(f"{path}: mission file not found") from None
    except UnicodeDecodeError as exc:
        raise InputFileError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except OSError as exc:
        raise InputFileError(f"{path}: cannot read ({exc.strerror})") from None
    if not text.strip():
        raise InputFileError(f"{path}: mission file is empty")
    try:
        return parsers[suffix](text)
    except MissionFileError as exc:
        raise MissionFileError(f"{path}: {exc}") from None


# --------------------------------------------------------------------------- summary


def mission_file_summary(mf: MissionFile) -> dict[str, Any]:
    """Counts and lengths describing a mission file, for display.

    Parameters
    ----------
    mf : MissionFile

    Returns
    -------
    dict
        ``format``; ``items`` (excluding home); ``nav_waypoints`` (``NAV_*`` commands,
        ids below 100, excluding home); ``path_length_m`` [m], the WGS84 geodesic length
        from home through every nav item with a location (items at 0°, 0°, such as a
        take-off "here", are skipped; ``NAV_RETURN_TO_LAUNCH`` returns to home);
        ``max_altitude_m`` [m] over those items (in their own frames, listed in
        ``altitude_frames``) or None; ``commands``, name -> count in order of first use;
        ``spray_on`` / ``spray_off``, ``DO_SET_SERVO`` items above / below 1500 µs;
        ``camera_trigger_items`` (distance or interval triggers, photos, captures);
        ``home``; counts of fence polygons, fence circles and rally points.
    """
    body = [it for it in mf.items if not (mf.home is not None and it.seq == 0)]
    commands = Counter(command_name(it.command) for it in body)
    nav = [it for it in body if it.command < 100]

    lats: list[float] = []
    lons: list[float] = []
    if mf.home is not None:
        lats.append(mf.home[0])
        lons.append(mf.home[1])
    altitudes: list[float] = []
    frames: set[int] = set()
    for it in nav:
        if it.command == _ML.MAV_CMD_NAV_RETURN_TO_LAUNCH and mf.home is not None:
            lats.append(mf.home[0])
            lons.append(mf.home[1])
        elif _is_position(it):
            lats.append(it.lat_deg)
            lons.append(it.lon_deg)
            altitudes.append(it.alt_m)
            frames.add(it.frame)
    path_length_m = float(_GEOD.line_length(lons, lats)) if len(lats) > 1 else 0.0

    servo = [it for it in body if it.command == _ML.MAV_CMD_DO_SET_SERVO]
    return {
        "format": mf.source_format,
        "items": len(body),
        "nav_waypoints": len(nav),
        "path_length_m": path_length_m,
        "max_altitude_m": max(altitudes) if altitudes else None,
        "altitude_frames": sorted(frames),
        "commands": dict(commands),
        "spray_on": sum(1 for it in servo if it.params[1] >= _PWM_MID_US),
        "spray_off": sum(1 for it in servo if it.params[1] < _PWM_MID_US),
        "camera_trigger_items": sum(1 for it in body if it.command in _CAMERA_COMMANDS),
        "home": mf.home,
        "geofence_polygons": len(mf.geofence_polygons),
        "geofence_circles": len(mf.geofence_circles),
        "rally_points": len(mf.rally_points),
    }


def _is_position(item: MissionItem) -> bool:
    values = (item.lat_deg, item.lon_deg, item.alt_m)
    return (
        item.has_location
        and all(math.isfinite(v) for v in values)
        and not (item.lat_deg == 0.0 and item.lon_deg == 0.0)
    )
