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
* ``DO_CHANGE_SPEED`` before the nav item ending a leg whose speed differs from the one last
  commanded for its kind of motion: ``SPEED_TYPE`` 1 (ground speed) for a horizontal leg
  (1 m or more, or more horizontal than vertical), 2 (climb) or 3 (descent) for a vertical
  leg, whose speed is its vertical speed capped at the profile's ``climb_speed_mps`` /
  ``descent_speed_mps`` (ArduCopter ``ModeAuto::do_change_speed`` applies types 2 and 3 to
  ``WPNAV_SPEED_UP`` / ``WPNAV_SPEED_DN``, types 0 and 1 to the horizontal speed).  The
  first leg of each kind always gets one, so the mission does not depend on the vehicle's
  parameters.  Take-off and landing keep the autopilot's own speeds;
* camera pointing and the end of camera runs as :mod:`airwork.autopilot.pointing` writes them
  for the profile's gimbal (``DO_GIMBAL_MANAGER_PITCHYAW``, ``CONDITION_YAW``; never the
  legacy ``DO_MOUNT_CONTROL``, whose yaw ArduCopter takes relative to the nose).

Command choices were checked against pymavlink's ``MAV_CMD`` enums, ArduPilot's
``AP_Mission::mavlink_int_to_mission_cmd`` and PX4's ``MavlinkMissionManager`` (see
``/work/shared/reference/mission-formats.md`` section 3).  In particular ArduPilot never gets
``DO_SET_ROI_LOCATION`` (195): it rejects it as a mission item.  PX4 rejects
``DO_SET_SERVO`` (183) and the terrain frame (10) in missions, so a PX4 export of a spraying
mission or of a ``GROUND``-referenced mission raises :class:`~airwork.errors.ExportError`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from pymavlink import mavutil

from airwork.autopilot.items import (
    ACCEPTED_COMMANDS,
    DEFAULT_SPRAY,
    Autopilot,
    MissionItem,
    SprayOutput,
    command_name,
    location_frame,
)
from airwork.autopilot.pointing import (
    DoItem,
    end_photo_needed,
    gimbal_items,
    point_items,
    uses_roi,
)
from airwork.autopilot.profiles import AutopilotProfile, resolve_profile
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

__all__ = ["mission_items", "resolve_sortie"]

_ML = mavutil.mavlink


_VERTICAL_LEGS = frozenset({LegKind.TAKEOFF, LegKind.LANDING})
_MAX_VERTICAL_OFFSET_M = 1.0
_MIN_CLIMB_M = 0.05
_NAN = float("nan")
_SPEED_TYPES = (
    _ML.SPEED_TYPE_GROUNDSPEED,
    _ML.SPEED_TYPE_CLIMB_SPEED,
    _ML.SPEED_TYPE_DESCENT_SPEED,
)


def mission_items(
    mission: Mission,
    sortie: Sortie | int,
    *,
    autopilot: Autopilot | str = Autopilot.ARDUPILOT,
    spray: SprayOutput = DEFAULT_SPRAY,
    profile: AutopilotProfile | str | None = None,
) -> list[MissionItem]:
    """MAVLink mission items flying one sortie.

    Parameters
    ----------
    mission : Mission
        The mission; its frame converts local metres to WGS84 degrees.
    sortie : Sortie or int
        The sortie, or its 1-based index in ``mission.sorties``.
    autopilot : Autopilot or str
        Firmware the items are for (when no profile is given).  ArduPilot gets 0 for every
        unused parameter (it rejects NaN); PX4 gets NaN where MAVLink means "unset" (yaw,
        gimbal rates).
    spray : SprayOutput
        Servo output switching the sprayer.
    profile : AutopilotProfile, str or None
        The aircraft's autopilot profile (or its name or YAML path): its firmware replaces
        ``autopilot``, its gimbal type chooses the camera-pointing commands
        (:mod:`airwork.autopilot.pointing`) and its vertical speeds cap the commanded ones.
        None: the firmware's default profile.

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
    prof = resolve_profile(profile, _autopilot(autopilot))
    autopilot = prof.firmware
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
        profile=prof,
        sortie=sortie,
        lat=lat,
        lon=lon,
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

    for k in range(2, last):
        builder.speed(k - 1)
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
    profile: AutopilotProfile
    sortie: Sortie
    lat: np.ndarray
    lon: np.ndarray

    def __post_init__(self) -> None:
        self.items: list[MissionItem] = []
        # PX4 reads NaN yaw as "keep the yaw mode"; ArduPilot Copter ignores param4 here.
        self.yaw = 0.0 if self.autopilot is Autopilot.ARDUPILOT else _NAN
        # speeds last commanded, by SPEED_TYPE (None: not yet commanded)
        self.speeds: dict[int, float | None] = {t: None for t in _SPEED_TYPES}
        self.run_start: int | None = None  # waypoint where the distance trigger started
        self.run_trigger_m = 0.0
        self.roi_set = False

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

    def do_items(self, items: list[DoItem]) -> None:
        for it in items:
            frame = _ML.MAV_FRAME_MISSION if it.frame is None else it.frame
            self.add(frame, it.command, it.params, it.x, it.y, it.z)

    def speed(self, leg_index: int) -> None:
        """``DO_CHANGE_SPEED`` before the navigation item ending leg ``leg_index`` when the
        leg's speed differs from the one last commanded for its kind of motion: ground speed
        (type 1) on a horizontal leg, climb (2) or descent (3) speed on a vertical one."""
        leg = self.sortie.legs[leg_index]
        if leg.kind in _VERTICAL_LEGS:
            return
        a, b = self.sortie.waypoints[leg_index], self.sortie.waypoints[leg_index + 1]
        horiz = math.hypot(b.x_m - a.x_m, b.y_m - a.y_m)
        climb = b.alt_m - a.alt_m
        if horiz >= _MAX_VERTICAL_OFFSET_M or (horiz > 0 and abs(climb) <= horiz):
            kind, value = _ML.SPEED_TYPE_GROUNDSPEED, float(leg.speed_mps)
        elif abs(climb) > _MIN_CLIMB_M:
            # a vertical leg's speed is its vertical speed, at most the autopilot's default
            up = climb > 0
            cap = self.profile.climb_speed_mps if up else self.profile.descent_speed_mps
            kind = _ML.SPEED_TYPE_CLIMB_SPEED if up else _ML.SPEED_TYPE_DESCENT_SPEED
            value = float(min(leg.speed_mps, cap))
        else:
            return  # a hold in place: nothing moves
        last = self.speeds[kind]
        if last is not None and math.isclose(value, last, abs_tol=1e-6):
            return
        self.speeds[kind] = value
        self.do(_ML.MAV_CMD_DO_CHANGE_SPEED, (float(kind), value, -1.0, 0.0))

    def actions(self, waypoint: Waypoint, index: int) -> None:
        acts = list(waypoint.actions)
        done: set[int] = set()
        for i, action in enumerate(acts):
            if i in done:
                continue
            kind = ActionKind(action.kind)
            rest = [(j, ActionKind(a.kind)) for j, a in enumerate(acts) if j > i and j not in done]
            if kind is ActionKind.POINT_CAMERA and action.target_m is not None:
                gimbal = next((j for j, k in rest if k is ActionKind.GIMBAL), None)
                photo_here = any(k is ActionKind.CAMERA_PHOTO for _, k in rest)
                if gimbal is not None:
                    done.add(gimbal)
                self.point(action, acts[gimbal] if gimbal is not None else None, index, photo_here)
            elif kind is ActionKind.CAMERA_TRIGGER_DISTANCE and float(action.value) == 0.0:
                photo_next = bool(rest) and rest[0][1] is ActionKind.CAMERA_PHOTO
                if photo_next:
                    done.add(rest[0][0])
                self.stop_camera(index, photo_next)
            else:
                self.action(action, index)

    def camera_at(self, index: int, photo_here: bool) -> tuple[float, float, float]:
        """Where the camera is when the pointing is used: this waypoint if it takes the
        photo, else the next one (latitude °, longitude °, altitude m)."""
        wps = self.sortie.waypoints
        k = index if photo_here or index + 1 >= len(wps) else index + 1
        return float(self.lat[k]), float(self.lon[k]), float(wps[k].alt_m)

    def point(self, action: Action, gimbal: Action | None, index: int, photo_here: bool) -> None:
        x_m, y_m, alt_m = (float(v) for v in action.target_m)
        angles = (gimbal.value, gimbal.value2) if gimbal is not None else (0.0, 0.0)
        if not all(math.isfinite(float(v)) for v in (x_m, y_m, alt_m, *angles)):
            raise ExportError(
                f"{self.label}, waypoint {index}: camera target {action.target_m} and gimbal "
                f"angles {angles} must be finite"
            )
        tlon, tlat = self.mission.frame.to_lonlat(x_m, y_m)
        pitch = float(gimbal.value) if gimbal is not None else None
        offset = float(gimbal.value2) if gimbal is not None else 0.0
        self.do_items(
            point_items(
                self.profile,
                self.camera_at(index, photo_here),
                (float(tlat), float(tlon), alt_m),
                loc_frame=self.loc_frame,
                pitch_deg=pitch,
                yaw_offset_deg=offset,
            )
        )
        self.roi_set = self.roi_set or uses_roi(self.profile)

    def stop_camera(self, index: int, photo: bool) -> None:
        """End a distance-triggered run, with a last photo when one is planned at its end."""
        if not photo and self.run_start is not None:
            xy = self.sortie.xy_m[self.run_start : index + 1]
            length = float(np.sum(np.hypot(*np.diff(xy, axis=0).T))) if len(xy) > 1 else 0.0
            photo = end_photo_needed(length, self.run_trigger_m)
        self.run_start = None
        self.do(_ML.MAV_CMD_DO_SET_CAM_TRIGG_DIST, (0.0, 0.0, 1.0 if photo else 0.0, 0.0))

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
            if not distance_m > 0:
                raise ExportError(
                    f"{self.label}, waypoint {index}: camera trigger distance must be >= 0 m, "
                    f"got {distance_m}"
                )
            self.run_start, self.run_trigger_m = index, distance_m
            # param3 = 1: one photo at once, where the run starts
            self.do(_ML.MAV_CMD_DO_SET_CAM_TRIGG_DIST, (distance_m, 0.0, 1.0, 0.0))
        elif kind is ActionKind.CAMERA_PHOTO:
            # param5 (x) = shooting command, 1 = shoot (MAV_CMD_DO_DIGICAM_CONTROL).
            self.do(_ML.MAV_CMD_DO_DIGICAM_CONTROL, (0.0, 0.0, 0.0, 0.0), x=1.0)
        elif kind is ActionKind.GIMBAL:
            if not (math.isfinite(float(action.value)) and math.isfinite(float(action.value2))):
                raise ExportError(
                    f"{self.label}, waypoint {index}: gimbal pitch {action.value} and yaw "
                    f"{action.value2} must be finite"
                )
            self.do_items(gimbal_items(self.profile, float(action.value), float(action.value2)))
        elif kind is ActionKind.POINT_CAMERA:  # target None: cancel
            if self.roi_set:
                self.do(_ML.MAV_CMD_DO_SET_ROI_NONE, (0.0, 0.0, 0.0, 0.0))
                self.roi_set = False
        elif kind is ActionKind.PAYLOAD_RELEASE:
            self.do(_ML.MAV_CMD_DO_GRIPPER, (1.0, float(_ML.GRIPPER_ACTION_RELEASE), 0.0, 0.0))
        elif kind is ActionKind.WINCH:
            self.do(
                _ML.MAV_CMD_DO_WINCH,
                (1.0, float(_ML.WINCH_RELATIVE_LENGTH_CONTROL), float(action.value), 0.0),
            )
        else:  # pragma: no cover - a new ActionKind without an exporter
            raise ExportError(f"{self.label}, waypoint {index}: no MAVLink command for {kind!r}")


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
