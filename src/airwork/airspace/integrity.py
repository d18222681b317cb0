"""Item checks: what an autopilot would refuse in a mission, or fly other than written.

The geometric check (:mod:`airwork.airspace.check`) flies the path the items describe;
these checks look at the items themselves, before any path exists, so that a corrupt file
is never reported clean.  The rules are ArduPilot Copter's (``AP_Mission``), applied to PX4
missions too where PX4 is no more lenient:

``invalid_item``     an item the autopilot refuses on upload or misreads:

                     * NaN in param1-4 where ``AP_Mission::sanity_check_params`` refuses it
                       (everywhere except param4, the yaw, of ``NAV_WAYPOINT``,
                       ``NAV_TAKEOFF``, ``NAV_LAND``, ``NAV_VTOL_TAKEOFF`` and param3-4 of
                       ``NAV_VTOL_LAND``); infinity anywhere;
                     * a navigation item with a position whose latitude, longitude or
                       altitude is not a number (``MAV_MISSION_INVALID_PARAM5_X`` ...);
                     * a hold time (``NAV_WAYPOINT``, ``NAV_LOITER_TIME`` param1) below 0 or
                       over 65,535 s (ArduPilot stores it in 16 bits: -5 s becomes 18 h);
                     * a ``DO_JUMP`` to an item that does not exist, or a negative repeat
                       count other than -1 (forever).
``missing_takeoff``  a position item before any ``NAV_TAKEOFF``: ArduCopter refuses to start
                     AUTO from the ground ("Missing Takeoff Cmd").
``missing_landing``  the last navigation item is not ``NAV_LAND``/``NAV_VTOL_LAND``/
                     ``NAV_RETURN_TO_LAUNCH``: the aircraft hovers where the mission ends
                     until the battery failsafe.
``invalid_fence``    a fence polygon the autopilot cannot use (crossing itself, zero area).

(airwork's own ``mission.geojson`` carries legs, not items: a leg whose numbers are not
finite and in range makes the file unreadable, :func:`~airwork.airspace.tracks.read_flight`.)

Each violation names the item (its sequence number) and the reason; the check's exit is 3.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from pymavlink import mavutil

from airwork.airspace.report import Violation
from airwork.airspace.tracks import FlightInput
from airwork.autopilot.items import Autopilot, MissionItem, command_name
from airwork.autopilot.read import MissionFile
from airwork.geo.frame import LocalFrame

__all__ = ["INTEGRITY_KINDS", "integrity_violations"]

_ML = mavutil.mavlink

INTEGRITY_KINDS = (
    "invalid_item",
    "missing_takeoff",
    "missing_landing",
    "invalid_fence",
)
"""Violation kinds of these checks."""

# param indexes (0-based) that may be NaN, per command (AP_Mission::sanity_check_params)
_NAN_OK: dict[int, frozenset[int]] = {
    _ML.MAV_CMD_NAV_WAYPOINT: frozenset({3}),
    _ML.MAV_CMD_NAV_LAND: frozenset({3}),
    _ML.MAV_CMD_NAV_TAKEOFF: frozenset({3}),
    _ML.MAV_CMD_NAV_VTOL_TAKEOFF: frozenset({3}),
    _ML.MAV_CMD_NAV_VTOL_LAND: frozenset({2, 3}),
}
# navigation commands whose x/y/z are a position the aircraft flies to
_POSITION_CMDS = frozenset(
    {
        _ML.MAV_CMD_NAV_WAYPOINT,
        _ML.MAV_CMD_NAV_LOITER_UNLIM,
        _ML.MAV_CMD_NAV_LOITER_TURNS,
        _ML.MAV_CMD_NAV_LOITER_TIME,
        _ML.MAV_CMD_NAV_LOITER_TO_ALT,
        _ML.MAV_CMD_NAV_SPLINE_WAYPOINT,
        _ML.MAV_CMD_NAV_PAYLOAD_PLACE,
    }
)
_TAKEOFF = frozenset({_ML.MAV_CMD_NAV_TAKEOFF, _ML.MAV_CMD_NAV_VTOL_TAKEOFF})
_LANDING = frozenset(
    {_ML.MAV_CMD_NAV_LAND, _ML.MAV_CMD_NAV_VTOL_LAND, _ML.MAV_CMD_NAV_RETURN_TO_LAUNCH}
)
_LOCATED = _POSITION_CMDS | _TAKEOFF | {_ML.MAV_CMD_NAV_LAND, _ML.MAV_CMD_NAV_VTOL_LAND}
_HOLD_CMDS = frozenset({_ML.MAV_CMD_NAV_WAYPOINT, _ML.MAV_CMD_NAV_LOITER_TIME})
_MAX_HOLD_S = 65_535.0


def integrity_violations(
    flight: FlightInput, autopilot: Autopilot | str | None = Autopilot.ARDUPILOT
) -> list[Violation]:
    """Item-level violations of a mission: every ``invalid_*``/``missing_*`` kind above.

    Parameters
    ----------
    flight : FlightInput
        From a ``.plan``/``.waypoints`` file (its items are checked); a planned Mission
        or a ``mission.geojson`` has no items (none found).
    autopilot : Autopilot or None
        PX4 takes off by itself before a first waypoint (no ``missing_takeoff``); any
        other value, None included, checks ArduPilot's rules.

    Returns
    -------
    list of Violation
    """
    out: list[Violation] = []
    mf = flight.source_file
    if mf is not None:
        body = [it for it in mf.items if not (mf.home is not None and it.seq == 0)]
        home = mf.home if mf.home is not None else _first_position(body)
        out += _item_violations(body, home)
        px4 = autopilot is not None and Autopilot(autopilot) == Autopilot.PX4
        out += _sequence_violations(body, home, takeoff_needed=not px4)
        out += _fence_violations(mf, flight.frame)
    return out


# --------------------------------------------------------------------------- items
def _first_position(items: list[MissionItem]) -> tuple[float, float, float]:
    for it in items:
        if _finite_position(it):
            return (it.lat_deg, it.lon_deg, 0.0)
    return (math.nan, math.nan, math.nan)


def _finite_position(it: MissionItem) -> bool:
    return (
        math.isfinite(it.lat_deg)
        and math.isfinite(it.lon_deg)
        and abs(it.lat_deg) <= 90
        and abs(it.lon_deg) <= 180
    )


def _violation(
    kind: str, item: int, where: tuple, what: str, message: str, sortie: int = 1
) -> Violation:
    lat, lon = float(where[0]), float(where[1])
    return Violation(
        kind=kind,
        sortie=sortie,
        item=int(item),
        lat_deg=round(lat, 8) if math.isfinite(lat) else lat,
        lon_deg=round(lon, 8) if math.isfinite(lon) else lon,
        amsl_m=math.nan,
        agl_m=math.nan,
        amount=0.0,
        unit="",
        limit=None,
        what=what,
        message=message,
    )


def _item_problems(it: MissionItem, count: int) -> list[str]:
    """Why the autopilot would refuse or misread one item (empty when it would not)."""
    name = command_name(it.command)
    why: list[str] = []
    nan_ok = _NAN_OK.get(it.command, frozenset())
    for k, value in enumerate(it.params):
        if math.isinf(value):
            why.append(f"param{k + 1} is infinite")
        elif math.isnan(value) and k not in nan_ok:
            why.append(f"param{k + 1} is NaN (null), which {name} does not allow")
    if it.command in _LOCATED:
        for label, value in (("latitude", it.lat_deg), ("longitude", it.lon_deg)):
            if not math.isfinite(value):
                why.append(f"its {label} is not a number ({value})")
        if not math.isfinite(it.alt_m):
            why.append(f"its altitude is not a number ({it.alt_m})")
    hold = it.params[0]
    if it.command in _HOLD_CMDS and math.isfinite(hold) and not 0 <= hold <= _MAX_HOLD_S:
        why.append(f"hold time {hold:g} s is outside 0-65,535 s (ArduPilot stores it in 16 bits)")
    if it.command == _ML.MAV_CMD_DO_JUMP and math.isfinite(it.params[0]):
        target, repeat = it.params[0], it.params[1]
        if not (target.is_integer() and 1 <= target <= count) or target == it.seq:
            why.append(f"it jumps to item {target:g}, which is not another item of the mission")
        if math.isfinite(repeat) and repeat < 0 and repeat != -1:
            why.append(f"repeat count {repeat:g} is negative (only -1, forever, is)")
    return why


def _item_violations(body: list[MissionItem], home: tuple) -> list[Violation]:
    out = []
    count = max((it.seq for it in body), default=0)
    last = home
    for it in body:
        if _finite_position(it) and it.command in _LOCATED:
            last = (it.lat_deg, it.lon_deg, it.alt_m)
        why = _item_problems(it, count)
        if why:
            name = command_name(it.command)
            out.append(
                _violation(
                    "invalid_item",
                    it.seq,
                    last,
                    name,
                    f"item {it.seq} ({name}): {'; '.join(why)}: the autopilot refuses or "
                    "misreads it",
                )
            )
    return out


def _sequence_violations(
    body: list[MissionItem], home: tuple, *, takeoff_needed: bool
) -> list[Violation]:
    """Missing take-off before the first position item; missing landing at the end."""
    out = []
    nav = [it for it in body if it.command < 100]
    first = next((it for it in nav if it.command in _POSITION_CMDS), None)
    if first is not None and takeoff_needed:
        before = nav[: nav.index(first)]
        if not any(it.command in _TAKEOFF for it in before):
            out.append(
                _violation(
                    "missing_takeoff",
                    first.seq,
                    home,
                    "NAV_TAKEOFF",
                    f"item {first.seq} ({command_name(first.command)}) comes before any "
                    "NAV_TAKEOFF: ArduCopter refuses to start the mission from the ground "
                    "('Missing Takeoff Cmd')",
                )
            )
    if nav and nav[-1].command not in _LANDING:
        end = nav[-1]
        where = (end.lat_deg, end.lon_deg, end.alt_m) if _finite_position(end) else home
        out.append(
            _violation(
                "missing_landing",
                end.seq,
                where,
                "NAV_LAND",
                f"the mission ends at item {end.seq} ({command_name(end.command)}) in the air: "
                "no NAV_LAND or RETURN_TO_LAUNCH after it, so the aircraft hovers there until "
                "its battery failsafe",
            )
        )
    return out


def _fence_violations(mf: MissionFile, frame: LocalFrame) -> list[Violation]:
    """Fence polygons that cross themselves or have no area, in the mission's local frame
    (so a fence across 180° is judged as the autopilot sees it)."""
    out = []
    for i, (vertices, _inclusion) in enumerate(mf.geofence_polygons):
        lat = np.array([v[0] for v in vertices])
        lon = np.array([v[1] for v in vertices])
        x, y = frame.to_local(lon, lat)
        poly = shapely.Polygon(np.column_stack([x, y]))
        reason = None
        if not poly.is_valid:
            reason = shapely.is_valid_reason(poly).split("[")[0].strip()
        elif poly.area <= 0:
            reason = "zero area"
        if reason is None:
            continue
        where = (lat[0], lon[0])
        out.append(
            _violation(
                "invalid_fence",
                i,
                (*where, 0.0),
                f"geoFence.polygons[{i}]",
                f"geoFence.polygons[{i}] is not a simple polygon ({reason}): the autopilot "
                "cannot tell inside from outside",
            )
        )
    return out
