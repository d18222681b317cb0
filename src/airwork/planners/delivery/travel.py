"""Travel between hubs and drop points: paths around no-fly zones, ground speed in wind.

Paths are the shortest paths of :class:`airwork.geo.pathfinding.PathFinder` around the
no-fly zones grown by the clearance.  The drone holds a fixed airspeed :math:`V`; in a wind
:math:`\\vec w` its ground speed along a course of unit direction :math:`\\hat u` follows
from the wind triangle (e.g. FAA, *Pilot's Handbook of Aeronautical Knowledge*,
FAA-H-8083-25C, ch. 16 "Navigation", wind triangle; R. W. Beard and T. W. McLain, *Small
Unmanned Aircraft*, Princeton 2012, sec. 2.5):

.. math::

    V_g = \\vec w \\cdot \\hat u + \\sqrt{V^2 - (\\vec w \\times \\hat u)^2}

(the aircraft crabs into the crosswind so its track stays on the course).  The aircraft
model prices a leg by airspeed and a head-wind component :math:`V_h` with ground speed
:math:`V - V_h` (:meth:`airwork.aircraft.model.Aircraft.leg_performance`), so a leg is
passed the *equivalent head wind* :math:`V_h = V - V_g`, which makes the time and hence the
energy at constant power exact.

The travel-time table between all points is built vectorised: the straight segment where it
is clear (a numpy bounding-circle test first, the exact shapely test only for the segments
that pass near a zone) and the visibility graph otherwise.  A routed (bent) path is timed at
the worst ground speed :math:`V - |\\vec w|`, an upper bound of its true time, so the table
never promises a drone more than it can fly.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from airwork.errors import AircraftError
from airwork.flight.conditions import ground_speed_for_airspeed_mps, unit_vectors
from airwork.geo.pathfinding import PathFinder

__all__ = ["TravelModel", "ground_speed_mps", "wind_vector_mps"]


def wind_vector_mps(speed_mps: float, from_deg: float) -> tuple[float, float]:
    """Wind velocity (east, north) for a wind *from* ``from_deg`` (clockwise from north,
    the meteorological convention) at ``speed_mps``. [m/s]"""
    a = math.radians(from_deg)
    return (-speed_mps * math.sin(a), -speed_mps * math.cos(a))


def ground_speed_mps(airspeed_mps: float, wind_xy_mps, dx, dy) -> np.ndarray:
    """Ground speed along courses (dx, dy) at a fixed airspeed in a wind: the flight
    model's wind triangle (:func:`airwork.flight.conditions.ground_speed_for_airspeed_mps`);
    zero vectors get the course east. [m/s]

    Raises
    ------
    AircraftError
        The wind is not below the airspeed.
    """
    wx, wy = (float(v) for v in wind_xy_mps)
    v = float(airspeed_mps)
    if math.hypot(wx, wy) >= v:
        raise AircraftError(
            f"wind {math.hypot(wx, wy):.1f} m/s is not below the airspeed {v:.1f} m/s"
        )
    ux, uy, n = unit_vectors(dx, dy)
    ux = np.where(n > 0, ux, 1.0)
    return ground_speed_for_airspeed_mps(ux, uy, v, wx, wy)


@dataclass
class TravelModel:
    """Paths and travel times around no-fly zones in a wind (local frame, metres).

    Parameters
    ----------
    zones : sequence of Polygon
        No-fly polygons already grown by the clearance. [m]
    airspeed_mps : float
    wind_xy_mps : (float, float)
        Wind velocity (east, north). [m/s]
    margin_m : float
        Extra distance kept from the grown zones at path bends. [m]
    """

    zones: Sequence[shapely.Geometry]
    airspeed_mps: float
    wind_xy_mps: tuple[float, float] = (0.0, 0.0)
    margin_m: float = 2.0

    def __post_init__(self) -> None:
        ground_speed_mps(self.airspeed_mps, self.wind_xy_mps, 1.0, 0.0)  # validates
        self.finder = PathFinder(list(self.zones), margin_m=self.margin_m)
        parts = self.finder.zones
        if parts:
            circles = shapely.minimum_bounding_circle(np.array(parts, dtype=object))
            c = shapely.centroid(circles)
            self._centres = np.column_stack([shapely.get_x(c), shapely.get_y(c)])
            self._radii = np.sqrt(shapely.area(circles) / math.pi) * 1.02 + 1.0
            # inscribed circles: a segment through one certainly enters the zone
            inner = shapely.maximum_inscribed_circle(np.array(parts, dtype=object), 0.5)
            a = shapely.get_coordinates(inner).reshape(-1, 2, 2)
            self._in_centres = a[:, 0]
            self._in_radii = np.maximum(np.hypot(*(a[:, 1] - a[:, 0]).T) - 1.0, 0.0)
        else:
            self._centres = np.zeros((0, 2))
            self._radii = np.zeros(0)
            self._in_centres = np.zeros((0, 2))
            self._in_radii = np.zeros(0)
        self._paths: dict[tuple, np.ndarray] = {}

    @property
    def worst_ground_speed_mps(self) -> float:
        return self.airspeed_mps - math.hypot(*self.wind_xy_mps)

    def headwind_mps(self, dx, dy) -> np.ndarray:
        """Equivalent head wind :math:`V - V_g` of courses (dx, dy), for the aircraft model."""
        return self.airspeed_mps - ground_speed_mps(self.airspeed_mps, self.wind_xy_mps, dx, dy)

    def inside(self, xy: np.ndarray) -> np.ndarray:
        """Index of the grown zone containing each point, -1 if none."""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        out = np.full(len(xy), -1)
        pts = shapely.points(xy)
        for i, z in enumerate(self.zones):
            hit = shapely.intersects(z.buffer(-0.01), pts)
            out[(out < 0) & hit] = i
        return out

    def path(self, a_xy, b_xy) -> np.ndarray:
        """(k, 2) vertices of the shortest path from a to b around the zones. [m]"""
        key = (*np.round(a_xy, 3), *np.round(b_xy, 3))
        p = self._paths.get(key)
        if p is None:
            p = self.finder.path(a_xy, b_xy)
            self._paths[key] = p
        return p

    @staticmethod
    def _seg_dist(a: np.ndarray, d: np.ndarray, dd: np.ndarray, c: np.ndarray) -> np.ndarray:
        t = np.clip(((c[0] - a[:, 0]) * d[:, 0] + (c[1] - a[:, 1]) * d[:, 1]) / dd, 0.0, 1.0)
        return np.hypot(a[:, 0] + t * d[:, 0] - c[0], a[:, 1] + t * d[:, 1] - c[1])

    def _near_zone(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(passes within a zone's bounding circle, certainly crosses a zone's inscribed
        circle) for each segment, numpy only; segments whose bounding box misses a circle's
        box are skipped for that zone."""
        near = np.zeros(len(a), dtype=bool)
        deep = np.zeros(len(a), dtype=bool)
        lo = np.minimum(a, b)
        hi = np.maximum(a, b)
        for c, r, ci, ri in zip(
            self._centres, self._radii, self._in_centres, self._in_radii, strict=True
        ):
            k = np.flatnonzero(np.all((lo <= c + r) & (hi >= c - r), axis=1))
            if len(k) == 0:
                continue
            ak = a[k]
            d = b[k] - ak
            dd = np.maximum(d[:, 0] ** 2 + d[:, 1] ** 2, 1e-12)
            near[k] |= self._seg_dist(ak, d, dd, c) <= r
            if ri > 0:
                deep[k] |= self._seg_dist(ak, d, dd, ci) < ri
        return near, deep

    def time_matrix_s(self, xy: np.ndarray, *, rows_per_chunk: int | None = None) -> np.ndarray:
        """(n, n) flight time between all points at cruise, around the zones, in the wind. [s]

        Clear pairs: straight length over the wind-triangle ground speed of their direction.
        Blocked pairs: graph length over the worst ground speed (an upper bound).
        """
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        n = len(xy)
        out = np.zeros((n, n))
        if n < 2:
            return out
        rows = rows_per_chunk or max(1, 2_000_000 // n)
        blocked_a: list[np.ndarray] = []
        blocked_b: list[np.ndarray] = []
        v, w = self.airspeed_mps, self.wind_xy_mps
        for r0 in range(0, n, rows):
            r1 = min(n, r0 + rows)
            ii, jj = np.nonzero(np.arange(r0, r1)[:, None] < np.arange(n)[None, :])
            ii = ii + r0
            a, b = xy[ii], xy[jj]
            d = b - a
            length = np.hypot(d[:, 0], d[:, 1])
            clear = np.ones(len(ii), dtype=bool)
            if len(self._radii):
                near, deep = self._near_zone(a, b)
                clear[deep] = False
                check = np.flatnonzero(near & ~deep)
                if len(check):
                    clear[check] = self.finder.clear_many(a[check], b[check])
            g_fwd = ground_speed_mps(v, w, d[:, 0], d[:, 1])
            g_back = ground_speed_mps(v, w, -d[:, 0], -d[:, 1])
            out[ii, jj] = length / g_fwd
            out[jj, ii] = length / g_back
            blocked_a.append(ii[~clear])
            blocked_b.append(jj[~clear])
        ia = np.concatenate(blocked_a)
        ib = np.concatenate(blocked_b)
        if len(ia):
            lengths = self.finder.pair_lengths_m(xy, ia, ib, clear=np.zeros(len(ia), bool))
            t = lengths / self.worst_ground_speed_mps
            out[ia, ib] = t
            out[ib, ia] = t
        return out
