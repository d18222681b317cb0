"""Flight time of a sortie in the common form (:class:`~airwork.airspace.tracks.Track`), as
ArduCopter flies it: the time model of :mod:`airwork.flight.scurve` applied to a track.

Vertical take-off legs are timed by :func:`~airwork.flight.scurve.takeoff_time_s` (from
1 m above the ground), vertical landing legs by
:func:`~airwork.flight.scurve.landing_time_s` (to landed), every run of other legs between
them by :func:`~airwork.flight.scurve.path_times_s` (S-curve legs, corners blended as the
autopilot blends them, holds).  Climb and descent speeds are those a mission file commands
(``DO_CHANGE_SPEED`` types 2 and 3), else the autopilot's (``nav``).

Used by ``airwork check`` for imported missions (time and, through the extra time, hover
energy) and by the replay test against the SITL reference flights.
"""

from __future__ import annotations

import numpy as np

from airwork.airspace.tracks import Track
from airwork.flight.scurve import ARDUCOPTER, WaypointNav, leg_extra_s, sortie_leg_times_s

__all__ = [
    "nav_for_profile",
    "track_extra_s",
    "track_leg_times_s",
    "track_time_s",
]


def nav_for_profile(profile=None, autopilot="ardupilot") -> WaypointNav:
    """ArduCopter's waypoint parameters with the profile's climb and descent speeds
    (``WPNAV_SPEED_UP``/``_DN``; :mod:`airwork.autopilot.profiles`)."""
    from dataclasses import replace

    from airwork.autopilot.profiles import resolve_profile

    prof = resolve_profile(profile, autopilot if autopilot is not None else "ardupilot")
    return replace(
        ARDUCOPTER, speed_up_mps=prof.climb_speed_mps, speed_down_mps=prof.descent_speed_mps
    )


def _arrays(track: Track) -> tuple:
    xyz = np.column_stack([track.xy_m, track.alt_m])
    return xyz, track.speed_mps, np.asarray(track.hold_s, dtype=float)[1:], track.vertical


def track_leg_times_s(
    track: Track, nav: WaypointNav = ARDUCOPTER, *, split_corners: bool = False
) -> np.ndarray:
    """Time of each leg of ``track`` (including the hold at its end). [s]

    Parameters
    ----------
    track : Track
    nav : WaypointNav
        The autopilot's waypoint parameters (vertical speeds, accelerations, jerk ...).
    split_corners : bool
        Share a blended corner's saving between its two legs, as the autopilot's "reached"
        events do (for comparisons with logs); else it is taken from the later leg.

    Returns
    -------
    (n - 1,) array
    """
    speeds = {"climb_mps": track.climb_mps, "descent_mps": track.descent_mps}
    return sortie_leg_times_s(*_arrays(track), nav=nav, split_corners=split_corners, **speeds)


def track_time_s(track: Track, nav: WaypointNav = ARDUCOPTER) -> float:
    """Flight time of ``track``: take-off at 1 m to landed. [s]"""
    return float(np.sum(track_leg_times_s(track, nav)))


def track_extra_s(track: Track, nav: WaypointNav = ARDUCOPTER) -> np.ndarray:
    """Time each leg takes beyond distance over speed (:func:`~airwork.flight.scurve.
    leg_extra_s`), for the hover energy the check adds. [s]"""
    speeds = {"climb_mps": track.climb_mps, "descent_mps": track.descent_mps}
    return leg_extra_s(*_arrays(track), nav=nav, **speeds)
