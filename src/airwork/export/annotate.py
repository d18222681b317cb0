"""What airwork adds to a mission file so that a check re-prices it exactly.

A ``.plan`` or ``mission.geojson`` written by airwork carries an ``"airwork"`` member: the
aircraft the mission was planned for (every component, :mod:`airwork.aircraft.serial`), its
landing reserve and, in a ``.plan``, the payload and payload-system state of the leg that
ends at each navigation item.  QGroundControl ignores the member (and drops it when it saves
the plan again, so an edited plan is never checked against stale figures); ``airwork check``
reads it (:mod:`airwork.airspace.tracks`).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from airwork.aircraft.serial import aircraft_to_dict
from airwork.autopilot.items import MissionItem
from airwork.mission.model import Mission, Sortie

__all__ = ["BLOCK_VERSION", "mission_block", "sortie_block"]

BLOCK_VERSION = 1
_NAV_MAX = 100  # MAV_CMD ids below 100 are navigation commands
_MATCH_M = 0.5  # a nav item is at a waypoint when within this (and 0.5 m in altitude) [m]


def mission_block(mission: Mission) -> dict[str, Any]:
    """The ``"airwork"`` member of ``mission.geojson``: aircraft and reserve, the wind the
    legs' energies were priced in (``planned_wind``, when the mission says), and the
    aircraft of sorties flown by another one."""
    block: dict[str, Any] = {"version": BLOCK_VERSION, "reserve_frac": mission.reserve_frac}
    if mission.aircraft is not None:
        block["aircraft"] = aircraft_to_dict(mission.aircraft)
    if "planned_wind" in mission.meta:  # the wind the legs' energies are priced in
        block["planned_wind"] = mission.meta["planned_wind"]
    own = {
        str(s.index): aircraft_to_dict(s.aircraft)
        for s in mission.sorties
        if s.aircraft is not None and s.aircraft != mission.aircraft
    }
    if own:
        block["sortie_aircraft"] = own
    return block


def sortie_block(mission: Mission, sortie: Sortie, items: list[MissionItem]) -> dict[str, Any]:
    """The ``"airwork"`` member of one sortie's ``.plan``.

    ``legs`` lists, for every navigation item with a position, ``[seq, payload_kg,
    working]``: the mean payload [kg] of the leg ending there and whether the payload system
    runs on it.  Items are matched to the sortie's waypoints in order by position.
    """
    block: dict[str, Any] = {"version": BLOCK_VERSION, "reserve_frac": mission.reserve_frac}
    aircraft = mission.aircraft_of(sortie)
    if aircraft is not None:
        block["aircraft"] = aircraft_to_dict(aircraft)
    block["legs"] = _item_legs(mission, sortie, items)
    return block


def _item_legs(mission: Mission, sortie: Sortie, items: list[MissionItem]) -> list[list[Any]]:
    xy = sortie.xy_m
    alt = np.array([w.alt_m for w in sortie.waypoints])
    out: list[list[Any]] = []
    k = 1  # waypoint 0 is on the ground at take-off
    for it in items[1:]:
        if it.command >= _NAV_MAX or not it.has_location:
            continue
        x, y = mission.frame.to_local(it.lon_deg, it.lat_deg)
        j = k
        while j < len(xy):
            near = np.hypot(xy[j, 0] - x, xy[j, 1] - y) <= _MATCH_M
            if near and (abs(alt[j] - it.alt_m) <= _MATCH_M or j == len(xy) - 1):
                break
            j += 1
        if j >= len(xy):
            continue
        k = j
        leg = sortie.legs[j - 1]
        payload = 0.5 * (leg.payload_kg + leg.payload_end_kg)
        out.append([it.seq, round(float(payload), 4), bool(leg.spraying or leg.camera)])
    return out
