"""Camera pointing and camera-run items: which MAVLink commands point the camera and end a
distance-triggered run, by the aircraft's gimbal (:class:`~airwork.autopilot.profiles.GimbalType`).

Pointing at a target (an action ``POINT_CAMERA`` with a target, optionally with a ``GIMBAL``
action in the same group giving the pitch; its yaw is then an offset from the target's
bearing):

========== ============================================================================
3-axis     ``DO_GIMBAL_MANAGER_PITCHYAW`` (1000): pitch, yaw = the geodesic bearing from
           the camera's position to the target, flags ``GIMBAL_MANAGER_FLAGS_YAW_LOCK``
           (16: yaw in the earth frame, ArduPilot ``AP_Mission::start_command_do_gimbal_
           manager_pitchyaw`` and PX4's gimbal manager); the vehicle's heading does not
           matter.
tilt       ``DO_GIMBAL_MANAGER_PITCHYAW`` with the pitch and yaw 0 (vehicle frame), then
           ArduPilot ``CONDITION_YAW`` (115) to the bearing (absolute, shortest way,
           default rate) / PX4 ``DO_SET_ROI_LOCATION`` (195; the vehicle faces the ROI).
none       ArduPilot ``CONDITION_YAW`` only / PX4 ``DO_SET_ROI_LOCATION``; the camera's
           pitch is fixed to the airframe.
========== ============================================================================

Order matters on ArduPilot: the first DO item after a navigation item starts before the
next navigation item, whose start (``ModeAuto::wp_start``) resets a fixed yaw to the
``WP_YAW_BEHAVIOR`` default; later DO items start after it.  ``CONDITION_YAW`` is therefore
written after the gimbal item; alone it still holds, because its verify step
(``ModeAuto::verify_yaw``) puts the yaw back into fixed mode until the heading is reached.
The heading then stays until the next navigation item starts.

The camera's position is the waypoint after the pointing one (the planner points the camera
on the way to the photo waypoint), or the pointing waypoint itself when the same group
takes the photo.  Angles are whole degrees: ArduPilot stores the gimbal command's angles as
integers.  A ``GIMBAL`` action without a target keeps its yaw in the vehicle frame (flags 0).
A cancelled target writes nothing on ArduPilot (the angle commands hold until the next one
and the yaw returns to its waypoint behaviour at the next waypoint) and
``DO_SET_ROI_NONE`` (197) on PX4 after an ROI.

End of a distance-triggered camera run (``CAMERA_TRIGGER_DISTANCE`` 0): the stop is
``DO_SET_CAM_TRIGG_DIST`` (206) with distance 0; its param3 = 1 ("trigger once now",
ArduPilot ``start_command_camera``) also takes one photo there when the run's last planned
photo lies within :data:`END_PHOTO_MARGIN_FRAC` of the trigger distance (at least
:data:`END_PHOTO_MARGIN_MIN_M`) of the run's end, where the distance trigger, which fires a
little late at every photo and stops when the end waypoint is reached within the
acceptance radius, would miss it; and always when the group's next action is a single photo
(one item instead of two).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from pymavlink import mavutil
from pyproj import Geod

from airwork.autopilot.items import Autopilot
from airwork.autopilot.profiles import AutopilotProfile, GimbalType

__all__ = [
    "END_PHOTO_MARGIN_FRAC",
    "END_PHOTO_MARGIN_MIN_M",
    "DoItem",
    "bearing_deg",
    "end_photo_needed",
    "gimbal_items",
    "point_items",
    "uses_roi",
]

_ML = mavutil.mavlink
_GEOD = Geod(ellps="WGS84")
_NAN = float("nan")

END_PHOTO_MARGIN_FRAC = 0.25
"""Share of the trigger distance within which a run's last planned photo counts as taken
at its end. [-]"""

END_PHOTO_MARGIN_MIN_M = 2.0
"""Smallest such margin: ArduCopter's default waypoint radius ``WPNAV_RADIUS``. [m]"""

YAW_LOCK = int(_ML.GIMBAL_MANAGER_FLAGS_YAW_LOCK)


@dataclass(frozen=True)
class DoItem:
    """A DO/CONDITION item to write: command, param1..4 and raw param5..7."""

    command: int
    params: tuple[float, float, float, float]
    x: float = 0.0
    y: float = 0.0
    z: float = 0.0
    frame: int | None = None  #: None: MAV_FRAME_MISSION (no location)


def bearing_deg(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic initial bearing from point 1 to point 2, clockwise from true north. [°]"""
    az, _, _ = _GEOD.inv(lon1, lat1, lon2, lat2)
    return float(az) % 360.0


def _wrap180(angle: float) -> float:
    return (angle + 180.0) % 360.0 - 180.0


def _pitchyaw(autopilot: Autopilot, pitch: float, yaw: float, flags: int) -> DoItem:
    rate = 0.0 if autopilot is Autopilot.ARDUPILOT else _NAN
    pitch = float(max(-90, min(90, round(pitch))))
    yaw = float(round(_wrap180(yaw)))
    if yaw == -180.0:
        yaw = 180.0
    return DoItem(_ML.MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW, (pitch, yaw, rate, rate), x=flags)


def gimbal_items(profile: AutopilotProfile, pitch_deg: float, yaw_deg: float) -> list[DoItem]:
    """Items setting the gimbal to ``pitch_deg`` (negative down) and ``yaw_deg`` relative to
    the vehicle's heading; a tilt-only gimbal takes the pitch only, none takes nothing."""
    if profile.gimbal is GimbalType.NONE:
        return []
    yaw = yaw_deg if profile.gimbal is GimbalType.THREE_AXIS else 0.0
    return [_pitchyaw(profile.firmware, pitch_deg, yaw, 0)]


def point_items(
    profile: AutopilotProfile,
    camera_lat_lon_alt: tuple[float, float, float],
    target_lat_lon_alt: tuple[float, float, float],
    *,
    loc_frame: int,
    pitch_deg: float | None = None,
    yaw_offset_deg: float = 0.0,
) -> list[DoItem]:
    """Items pointing the camera at a target seen from the camera's position.

    Parameters
    ----------
    profile : AutopilotProfile
        Its firmware and gimbal type choose the commands (module docstring).
    camera_lat_lon_alt, target_lat_lon_alt : tuple of float
        Latitude [°], longitude [°] and altitude [m] (one altitude reference for both).
    loc_frame : int
        ``MAV_FRAME`` of the target altitude (for PX4's ``DO_SET_ROI_LOCATION``).
    pitch_deg : float or None
        Gimbal pitch (negative down); None aims at the target's altitude. [°]
    yaw_offset_deg : float
        Added to the bearing, clockwise. [°]

    Returns
    -------
    list of DoItem
    """
    clat, clon, calt = camera_lat_lon_alt
    tlat, tlon, talt = target_lat_lon_alt
    bearing = bearing_deg(clat, clon, tlat, tlon)
    if pitch_deg is None:
        _, _, dist = _GEOD.inv(clon, clat, tlon, tlat)
        pitch_deg = math.degrees(math.atan2(talt - calt, max(float(dist), 1e-6)))
    heading = bearing + yaw_offset_deg
    ardupilot = profile.firmware is Autopilot.ARDUPILOT
    if profile.gimbal is GimbalType.THREE_AXIS:
        return [_pitchyaw(profile.firmware, pitch_deg, heading, YAW_LOCK)]
    out = []
    if profile.gimbal is GimbalType.TILT:
        out.append(_pitchyaw(profile.firmware, pitch_deg, 0.0, 0))
    if ardupilot:
        # absolute heading [0, 360), default turn rate, shortest way
        yaw = float(round(heading) % 360)
        out.append(DoItem(_ML.MAV_CMD_CONDITION_YAW, (yaw, 0.0, 0.0, 0.0)))
    else:
        roi = _ML.MAV_CMD_DO_SET_ROI_LOCATION
        out.append(DoItem(roi, (0.0, 0.0, 0.0, 0.0), tlat, tlon, talt, frame=loc_frame))
    return out


def uses_roi(profile: AutopilotProfile) -> bool:
    """Whether pointing leaves an ROI to cancel (PX4 without a 3-axis gimbal)."""
    return profile.firmware is Autopilot.PX4 and profile.gimbal is not GimbalType.THREE_AXIS


def end_photo_needed(run_length_m: float, trigger_m: float) -> bool:
    """Whether a distance-triggered run's last planned photo is at its very end.

    Photos are planned at 0, d, 2d ... along the run (``photo_count`` of the survey planner);
    the last one, at :math:`\\lfloor L/d \\rfloor d`, counts as at the end when it lies within
    ``max(END_PHOTO_MARGIN_FRAC d, END_PHOTO_MARGIN_MIN_M)`` of it.

    Parameters
    ----------
    run_length_m : float
        Horizontal length of the run. [m]
    trigger_m : float
        Trigger distance. [m]
    """
    if not (trigger_m > 0 and run_length_m > 0):
        return False
    n = math.floor(run_length_m / trigger_m + 1e-9)
    gap = run_length_m - n * trigger_m
    return gap < max(END_PHOTO_MARGIN_FRAC * trigger_m, END_PHOTO_MARGIN_MIN_M)
