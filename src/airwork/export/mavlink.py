"""MAVLink mission items for one sortie of a Mission (ArduPilot Copter or PX4).

This is the one place where an airwork :class:`~airwork.mission.model.Mission` becomes a
MAVLink mission; the ``.plan`` and ``QGC WPL 110`` writers only format the list built here.

Units and frames of the items (MAVLink ``MISSION_ITEM``): latitude and longitude in WGS84
degrees, altitude in metres in the frame given by the mission's ``altitude_ref``
(``TAKEOFF`` -> ``MAV_FRAME_GLOBAL_RELATIVE_ALT`` (3), ``MSL`` -> ``MAV_FRAME_GLOBAL`` (0),
``GROUND`` -> ``MAV_FRAME_GLOBAL_TERRAIN_ALT`` (10)), speeds in m/s, times in s.  Commands
without a location use ``MAV_FRAME_MISSION`` (2) and carry raw param5/param6 in
``lat_deg``/``lon_deg``.

Item order (sequence numbers count from 0):

* item 0: the home position (frame 0, AMSL altitude), overwritten by ArduPilot on upload;
* actions of waypoint 0 (on the ground), then ``NAV_TAKEOFF`` to waypoint 1's altitude;
* every later waypoint except the last: ``NAV_WAYPOINT`` (param1 = hold [s]);
* the last waypoint: ``NAV_LAND`` at its position;
* a waypoint's actions right after its nav item.  ArduPilot and PX4 run the DO items that
  follow a nav item once that nav item completes, so they run on arrival, after any hold;
* ``DO_CHANGE_SPEED`` (ground speed) before the nav item ending the first horizontal leg
  and every horizontal leg whose speed differs from the previous one.

Command choices were checked against pymavlink's ``MAV_CMD`` enums, ArduPilot's
``AP_Mission::mavlink_int_to_mission_cmd`` and PX4's ``MavlinkMissionManager`` (see
``/work/shared/reference/mission-formats.md`` section 3).  In particular ArduPilot never gets
``DO_SET_ROI_LOCATION`` (195): it rejects it as a mission item, so ``DO_SET_ROI`` (201) is
used.  PX4 rejects ``DO_SET_SERVO`` (183) and the terrain frame (10) in missions, so a PX4
export of a spraying mission or of a ``GROUND``-referenced mission raises
:class:`~airwork.errors.ExportError`.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from pymavlink import mavutil

from airwork.autopilot.items import (
    ACCEPTED_COMMANDS,
    ARDUPILOT_COPTER_COMMANDS,
    DEFAULT_SPRAY,
    PX4_MISSION_COMMANDS,
    Autopilot,
    MissionItem,
    SprayOutput,
    command_name,
    location_frame,
    vehicle_mav_type,
)
from airwork.errors import ExportError
from airwork.mission.model import (
    Action,
    ActionKind,
    AltitudeRef,
    LegKind,
    Mission,
    Sortie,
    Waypoint,
)

__all__ = [
    "ARDUPILOT_COPTER_COMMANDS",
    "DEFAULT_SPRAY",
    "PX4_MISSION_COMMANDS",
    "Autopilot",
    "MissionItem",
    "SprayOutput",
    "command_name",
    "location_frame",
    "mission_items",
    "resolve_sortie",
    "vehicle_mav_type",
]

_ML = mavutil.mavlink


_VERTICAL_LEGS = frozenset({LegKind.TAKEOFF, LegKind.LANDING})
_MAX_VERTICAL_OFFSET_M = 1.0
_NAN = float("nan")


def mission_items(
    mission: Mission,
    sortie: Sortie | int,
    *,
    autopilot: Autopilot | str = Autopilot.ARDUPILOT,
    spray: SprayOutput = DEFAULT_SPRAY,
) -> list[MissionItem]:
    """MAVLink mission items flying one sortie.

    Parameters
    ----------
    mission : Mission
        The mission; its frame converts local metres to WGS84 degrees.
    sortie : Sortie or int
        The sortie, or its 1-based index in ``mission.sorties``.
    autopilot : Autopilot or str
        Firmware the items are for.  ArduPilot gets 0 for every unused parameter (it
        rejects NaN); PX4 gets NaN where MAVLink means "unset" (yaw, gimbal rates).
    spray : SprayOutput
        Servo output switching the sprayer.

    Returns
    -------
    list of MissionItem
        Item 0 is the home; see the module docstring for the order.  Latitude and
        longitude in [°], altitudes in [m] in :func:`location_frame` of
        ``mission.altitude_ref``, speeds in [m/s], holds in [s].

    Raises
    ------
    ExportError
        If the sortie is not take-off ... landing, if the autopilot does not accept a
        command or frame the mission needs, or if any value is out of range or NaN where
        the autopilot rejects it.
    """
    autopilot = _autopilot(autopilot)
    sortie = resolve_sortie(mission, sortie)
    _check_sortie_shape(sortie)
    label = f"sortie {sortie.index}"
    if autopilot is Autopilot.PX4 and mission.altitude_ref == AltitudeRef.GROUND:
        raise ExportError(
            f"{label}: PX4 does not accept MAV_FRAME_GLOBAL_TERRAIN_ALT (10) in missions; "
            "plan with altitude_ref 'takeoff' or 'msl' for PX4"
        )

    xy = sortie.xy_m
    lon, lat = (np.asarray(v, dtype=float) for v in mission.frame.to_lonlat(xy[:, 0], xy[:, 1]))
    builder = _ItemBuilder(
        autopilot=autopilot,
        loc_frame=location_frame(mission.altitude_ref),
        spray=spray,
        mission=mission,
        label=label,
    )
    wps = sortie.waypoints
    last = len(wps) - 1

    builder.add(
        _ML.MAV_FRAME_GLOBAL,
        _ML.MAV_CMD_NAV_WAYPOINT,
        (0.0, 0.0, 0.0, 0.0),
        lat[0],
        lon[0],
        mission.home_amsl_m,
        current=True,
    )
    builder.actions(wps[0], 0)
    builder.nav(_ML.MAV_CMD_NAV_TAKEOFF, 0.0, lat[1], lon[1], wps[1].alt_m)
    if round(wps[1].hold_s) > 0:
        # NAV_TAKEOFF has no hold: hover with a waypoint at the top of the climb.
        builder.nav(_ML.MAV_CMD_NAV_WAYPOINT, round(wps[1].hold_s), lat[1], lon[1], wps[1].alt_m)
    builder.actions(wps[1], 1)

    speed_mps: float | None = None
    for k in range(2, last):
        leg = sortie.legs[k - 1]
        if leg.kind not in _VERTICAL_LEGS and (
            speed_mps is None or not math.isclose(leg.speed_mps, speed_mps, abs_tol=1e-6)
        ):
            speed_mps = float(leg.speed_mps)
            builder.do(
                _ML.MAV_CMD_DO_CHANGE_SPEED,
                (float(_ML.SPEED_TYPE_GROUNDSPEED), speed_mps, -1.0, 0.0),
            )
        builder.nav(_ML.MAV_CMD_NAV_WAYPOINT, round(wps[k].hold_s), lat[k], lon[k], wps[k].alt_m)
        builder.actions(wps[k], k)

    builder.nav(_ML.MAV_CMD_NAV_LAND, 0.0, lat[last], lon[last], 0.0)
    builder.actions(wps[last], last)

    _check_items(builder.items, autopilot, label)
    return builder.items


@dataclass
class _ItemBuilder:
    """Collects items, numbering them in order."""

    autopilot: Autopilot
    loc_frame: int
    spray: SprayOutput
    mission: Mission
    label: str

    def __post_init__(self) -> None:
        self.items: list[MissionItem] = []
        # PX4 reads NaN yaw as "keep the yaw mode"; ArduPilot Copter ignores param4 here.
        self.yaw = 0.0 if self.autopilot is Autopilot.ARDUPILOT else _NAN

    def add(
        self,
        frame: int,
        command: int,
        params: tuple[float, float, float, float],
        x: float = 0.0,
        y: float = 0.0,
        z: float = 0.0,
        *,
        current: bool = False,
    ) -> None:
        self.items.append(
            MissionItem(
                seq=len(self.items),
                frame=int(frame),
                command=int(command),
                params=tuple(float(p) for p in params),
                lat_deg=float(x),
                lon_deg=float(y),
                alt_m=float(z),
                current=current,
            )
        )

    def nav(self, command: int, p1: float, lat: float, lon: float, alt: float) -> None:
        self.add(self.loc_frame, command, (float(p1), 0.0, 0.0, self.yaw), lat, lon, alt)

    def do(
        self,
        command: int,
        params: tuple[float, float, float, float],
        x: float = 0.0,
        y: float = 0.0,
        z: float = 0.0,
    ) -> None:
        self.add(_ML.MAV_FRAME_MISSION, command, params, x, y, z)

    def actions(self, waypoint: Waypoint, index: int) -> None:
        for action in waypoint.actions:
            self.action(action, index)

    def action(self, action: Action, index: int) -> None:
        kind = ActionKind(action.kind)
        ardupilot = self.autopilot is Autopilot.ARDUPILOT
        if kind in (ActionKind.SPRAY_ON, ActionKind.SPRAY_OFF):
            if not ardupilot:
                raise ExportError(
                    f"{self.label}, waypoint {index}: PX4 does not accept DO_SET_SERVO (183) "
                    "in missions; spraying missions export for ArduPilot only"
                )
            pwm = self.spray.pwm_on_us if kind is ActionKind.SPRAY_ON else self.spray.pwm_off_us
            self.do(_ML.MAV_CMD_DO_SET_SERVO, (self.spray.servo, pwm, 0.0, 0.0))
        elif kind is ActionKind.CAMERA_TRIGGER_DISTANCE:
            distance_m = float(action.value)
            if distance_m < 0:
                raise ExportError(
                    f"{self.label}, waypoint {index}: camera trigger distance must be >= 0 m, "
                    f"got {distance_m}"
                )
            once = 1.0 if distance_m > 0 else 0.0
            self.do(_ML.MAV_CMD_DO_SET_CAM_TRIGG_DIST, (distance_m, 0.0, once, 0.0))
        elif kind is ActionKind.CAMERA_PHOTO:
            # param5 (x) = shooting command, 1 = shoot (MAV_CMD_DO_DIGICAM_CONTROL).
            self.do(_ML.MAV_CMD_DO_DIGICAM_CONTROL, (0.0, 0.0, 0.0, 0.0), x=1.0)
        elif kind is ActionKind.GIMBAL:
            pitch_deg, yaw_deg = float(action.value), float(action.value2)
            if ardupilot:
                self.do(
                    _ML.MAV_CMD_DO_MOUNT_CONTROL,
                    (pitch_deg, 0.0, yaw_deg, 0.0),
                    z=_ML.MAV_MOUNT_MODE_MAVLINK_TARGETING,
                )
            else:
                # Rates NaN = angles only; flags 0 = yaw relative to the vehicle (follow),
                # as ArduPilot's DO_MOUNT_CONTROL yaw; z = 0: all gimbal devices.
                self.do(_ML.MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW, (pitch_deg, yaw_deg, _NAN, _NAN))
        elif kind is ActionKind.POINT_CAMERA:
            self.roi(action, index)
        elif kind is ActionKind.PAYLOAD_RELEASE:
            self.do(_ML.MAV_CMD_DO_GRIPPER, (1.0, float(_ML.GRIPPER_ACTION_RELEASE), 0.0, 0.0))
        elif kind is ActionKind.WINCH:
            self.do(
                _ML.MAV_CMD_DO_WINCH,
                (1.0, float(_ML.WINCH_RELATIVE_LENGTH_CONTROL), float(action.value), 0.0),
            )
        else:  # pragma: no cover - a new ActionKind without an exporter
            raise ExportError(f"{self.label}, waypoint {index}: no MAVLink command for {kind!r}")

    def roi(self, action: Action, index: int) -> None:
        ardupilot = self.autopilot is Autopilot.ARDUPILOT
        if action.target_m is None:
            if ardupilot:
                # ArduPilot cancels the ROI on an all-zero location.
                self.add(
                    self.loc_frame, _ML.MAV_CMD_DO_SET_ROI, (float(_ML.MAV_ROI_NONE), 0.0, 0.0, 0.0)
                )
            else:
                self.do(_ML.MAV_CMD_DO_SET_ROI_NONE, (0.0, 0.0, 0.0, 0.0))
            return
        x_m, y_m, alt_m = (float(v) for v in action.target_m)
        lon, lat = self.mission.frame.to_lonlat(x_m, y_m)
        if ardupilot:
            params = (float(_ML.MAV_ROI_LOCATION), 0.0, 0.0, 0.0)
            self.add(self.loc_frame, _ML.MAV_CMD_DO_SET_ROI, params, lat, lon, alt_m)
        else:
            self.add(
                self.loc_frame,
                _ML.MAV_CMD_DO_SET_ROI_LOCATION,
                (0.0, 0.0, 0.0, 0.0),
                lat,
                lon,
                alt_m,
            )


def _autopilot(autopilot: Autopilot | str) -> Autopilot:
    try:
        return Autopilot(autopilot)
    except ValueError:
        valid = ", ".join(a.value for a in Autopilot)
        raise ExportError(f"unknown autopilot {autopilot!r} (expected one of {valid})") from None


def resolve_sortie(mission: Mission, sortie: Sortie | int) -> Sortie:
    """The sortie itself, or the sortie of ``mission`` with 1-based index ``sortie``.

    Raises
    ------
    ExportError
        If the mission has no sortie with that index.
    """
    if isinstance(sortie, Sortie):
        return sortie
    for candidate in mission.sorties:
        if candidate.index == sortie:
            return candidate
    have = [s.index for s in mission.sorties]
    raise ExportError(f"mission {mission.name!r}: no sortie {sortie} (sorties {have})")


def _check_sortie_shape(sortie: Sortie) -> None:
    label = f"sortie {sortie.index}"
    wps, legs = sortie.waypoints, sortie.legs
    if len(wps) < 3:
        raise ExportError(
            f"{label}: needs at least 3 waypoints (ground, top of climb, landing), got {len(wps)}"
        )
    values = np.array([(w.x_m, w.y_m, w.alt_m, w.hold_s) for w in wps], dtype=float)
    bad = ~np.isfinite(values).all(axis=1) | (values[:, 3] < 0)
    if bad.any():
        i = int(np.argmax(bad))
        raise ExportError(
            f"{label}: waypoint {i} needs finite x, y, alt and a hold >= 0 s, "
            f"got {tuple(values[i].tolist())}"
        )
    for i, leg in enumerate(legs):
        if leg.kind not in _VERTICAL_LEGS and not leg.speed_mps > 0:
            raise ExportError(f"{label}: leg {i} speed must be > 0 m/s, got {leg.speed_mps}")
    for i, kind in ((0, LegKind.TAKEOFF), (len(legs) - 1, LegKind.LANDING)):
        if legs[i].kind != kind:
            raise ExportError(
                f"{label}: leg {i} must be a {kind.value} leg, got {str(legs[i].kind)!r}"
            )
        a, b = wps[i], wps[i + 1]
        offset_m = math.hypot(b.x_m - a.x_m, b.y_m - a.y_m)
        if offset_m > _MAX_VERTICAL_OFFSET_M:
            raise ExportError(
                f"{label}: {kind.value} leg {i} must be vertical, but moves {offset_m:.2f} m "
                f"horizontally (limit {_MAX_VERTICAL_OFFSET_M} m)"
            )


def _check_items(items: list[MissionItem], autopilot: Autopilot, label: str) -> None:
    allowed = ACCEPTED_COMMANDS[autopilot]
    for item in items:
        where = f"{label}, item {item.seq} ({command_name(item.command)})"
        if item.command not in allowed:
            raise ExportError(
                f"{where}: command {item.command} is not accepted by {autopilot.value} in missions"
            )
        values = (*item.params, item.lat_deg, item.lon_deg, item.alt_m)
        if autopilot is Autopilot.ARDUPILOT and not all(math.isfinite(v) for v in values):
            raise ExportError(f"{where}: ArduPilot rejects NaN/inf parameters, got {values}")
        if not all(math.isfinite(v) for v in values[4:]):
            raise ExportError(f"{where}: param5..7 must be finite, got {values[4:]}")
        if item.has_location and (abs(item.lat_deg) > 90 or abs(item.lon_deg) > 180):
            raise ExportError(
                f"{where}: location out of range (lat {item.lat_deg}, lon {item.lon_deg})"
            )


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text to ``path`` through a temporary file and a rename.

    A failed write leaves no partial file.  Shared by the export writers.

    Parameters
    ----------
    path : str or path-like
    text : str

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
