"""Stations: which tower each one reaches, the priced climb to it and descent from it, the
legs around no-fly zones, and the distances the crew drives between stations."""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import shapely

from airwork.errors import GeometryError, InfeasibleMissionError
from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS
from airwork.geo.pathfinding import PathFinder
from airwork.mission.model import LegKind
from airwork.planners.powerline.design import Design
from airwork.planners.powerline.line import PowerLine
from airwork.planners.powerline.lineplan import LinePlan
from airwork.planners.powerline.pieces import TRANSIT, Piece, _price, spec

__all__ = ["StationAccess", "drive_matrix", "nearest_tower", "station_access"]


class StationAccess(NamedTuple):
    """How every station of a job reaches one line: its nearest tower, the priced climb to
    above it (energy [Wh], time [s]) and descent from it (inf: unusable station), the bends
    of the leg around no-fly zones (k, 2) [m], and the mission items of both legs."""

    tower: np.ndarray
    up_e: np.ndarray
    up_t: np.ndarray
    down_e: np.ndarray
    down_t: np.ndarray
    vias: list[np.ndarray]
    up_n: np.ndarray  # mission items after the take-off: the bends and the tower top
    down_n: np.ndarray  # ... and before the landing: the bends and above the station


def nearest_tower(ln: PowerLine, stations: np.ndarray) -> np.ndarray:
    """Index of the tower of ``ln`` nearest to every station."""
    d = np.hypot(
        stations[:, None, 0] - ln.xy_m[None, :, 0], stations[:, None, 1] - ln.xy_m[None, :, 1]
    )
    return d.argmin(axis=1)


def drive_matrix(stations: np.ndarray) -> np.ndarray:
    """Straight-line distances between stations. [m]"""
    d = stations[:, None, :] - stations[None, :, :]
    return np.hypot(d[..., 0], d[..., 1])


def station_access(
    lp: LinePlan,
    stations: np.ndarray,
    ground: np.ndarray,
    design: Design,
    row,
    forbidden,
    warns: list[str],
) -> StationAccess:
    """Per station: nearest tower, take-off + leg to above it, and leg back + landing
    (energy, time), and the bends of that leg.  Stations farther than ``max_access_m`` are
    unusable (inf); with a right-of-way, so are stations whose leg to the line leaves it,
    unless no station of the line has a leg inside it: then those legs get 10 m access lanes
    (added to the geofence, ``lp.lanes``, with a warning).  A leg that would cross a no-fly
    zone or an obstacle's clearance goes around it on the shortest path (the shared
    :class:`~airwork.geo.pathfinding.PathFinder`); a station with no such path, or whose
    path leaves the right-of-way, is unusable.  ``ground`` is every station's elevation
    above the datum. [m]"""
    ln = lp.line
    t_s = nearest_tower(ln, stations)
    d_line = shapely.distance(shapely.points(stations), ln.centreline)
    usable = d_line <= design.params.max_access_m
    segs = shapely.linestrings(np.stack([stations, ln.xy_m[t_s]], axis=1).reshape(-1, 2, 2))
    vias = [np.zeros((0, 2)) for _ in range(len(stations))]
    if forbidden is not None:
        usable &= ~_route_around(ln, stations, t_s, forbidden, row, usable, segs, vias)
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
    up, down = _climbs_and_descents(lp, stations, ground, t_s, vias, design.transit_speed_mps)
    ue, ut = _price(design.conditions, up)
    de, dt = _price(design.conditions, down)
    inf = np.where(usable, 0.0, np.inf)
    n_items = np.array([len(v) + 1.0 for v in vias])
    return StationAccess(t_s, ue + inf, ut + inf, de + inf, dt + inf, vias, n_items, n_items)


def _route_around(ln, stations, t_s, forbidden, row, usable, segs, vias) -> np.ndarray:
    """Legs of usable stations that cross ``forbidden`` go around it on the shortest path
    (``segs`` and ``vias`` changed in place); returns the stations still blocked."""
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
    return blocked


def _climbs_and_descents(lp: LinePlan, stations, ground, t_s, vias, tw: float):
    """Per station: the take-off to the crossing altitude of its tower and the leg to above
    the tower, and the way back and the landing (pieces)."""
    ln = lp.line
    X = lp.cross_alt
    up, down = [], []
    for s, t in enumerate(t_s):
        st = (stations[s, 0], stations[s, 1], float(ground[s]))
        top = (ln.xy_m[t, 0], ln.xy_m[t, 1], X[t])
        bends = [spec(x, y, X[t], TRANSIT, tw) for x, y in vias[s]]
        up.append(
            Piece(
                st,
                [
                    spec(st[0], st[1], X[t], LegKind.TAKEOFF, CLIMB_SPEED_MPS),
                    *bends,
                    spec(*top, TRANSIT, tw),
                ],
                f"station {s + 1}",
            )
        )
        down.append(
            Piece(
                top,
                [
                    *bends[::-1],
                    spec(st[0], st[1], X[t], TRANSIT, tw),
                    spec(*st, LegKind.LANDING, DESCENT_SPEED_MPS),
                ],
                f"station {s + 1}",
            )
        )
    return up, down
