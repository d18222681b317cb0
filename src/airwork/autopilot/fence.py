"""The geofence an autopilot gets: inclusion and exclusion polygons and circles that fit the
profile's fence storage, never cut into the flight path.

Sources, in the mission's local frame:

* ``Mission.geofence``: its outer ring is an inclusion polygon, its holes (obstacles kept
  out by the planner) exclusion zones;
* mission features with an exclusion role (``no_fly`` ...; ``airspace.zones.EXCLUSION_ROLES``) that
  reach into the inclusion fence (or every one, without an inclusion fence, as delivery
  jobs have): exclusion zones.  A zone some leg crosses (flown over above its ceiling) is
  left out with a note: a MAVLink fence zone has no altitude band, the autopilot would
  breach it;
* a round exclusion ring (12 vertices or more, all within 2 % of the same distance from
  their centroid, and enclosing at least 95 % of the area of the regular polygon those
  vertices would make: a long buffered strip has its vertices on two end caps only)
  becomes a circle (``NAV_FENCE_CIRCLE_EXCLUSION``, QGC ``circles``) with the largest of
  those distances as radius, which covers the polygon; a point feature with a
  ``radius_m`` property becomes a circle of that radius.

Fitting the profile (``max_fence_items``: a vertex or a circle is one item;
``fence_storage_bytes``: ArduPilot counts 4 header bytes, a polygon 2 + 8 per vertex, a
circle 13): while the fence is too large, polygons are replaced by simplifications (at least 3
vertices for an inclusion polygon, 4 for an exclusion one) found by
:func:`simplify_conservatively`.  **The rule**, checked for every replacement:

* the polygon with the most vertices is asked for as many fewer vertices as the fence is over
  (items or bytes), then the next, until the fence fits;
* an inclusion polygon ``F`` becomes ``S = DP(F ⊕ t, t)`` (grown outward by ``t`` with mitred
  corners, then Douglas-Peucker simplified with tolerance ``t``); ``S`` must contain every
  waypoint and every leg of every sortie with a margin ``m = min(margin_m, the path's own
  clearance inside F)``, and must lie within ``F ⊕ T`` for the simplification tolerance
  ``T = 2t``;
* an exclusion polygon ``E`` becomes ``S = DP(E ⊕ 2t, t)``; ``S`` must cover ``E``, keep
  ``margin_m`` (or the path's own clearance, if smaller) from every leg, and lie within
  ``E ⊕ T``, ``T = 3t``;
* ``t`` is the smallest of 0.25, 0.5, 1, 2 ... m up to ``max_tolerance_m`` that gives few
  enough vertices.  When no ``t`` does, the fence is left over the limit: the exporters
  refuse it and ``airwork check`` reports it (:mod:`airwork.autopilot.limits`); nothing is cut
  silently.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
import shapely

from airwork.autopilot.profiles import AutopilotProfile
from airwork.mission.model import Mission

__all__ = [
    "FENCE_MARGIN_M",
    "MAX_TOLERANCE_M",
    "Fence",
    "FenceCircle",
    "FencePolygon",
    "mission_fence",
    "round_ring",
    "simplify_conservatively",
]

FENCE_MARGIN_M = 5.0
"""Distance kept between the flight path and a simplified fence edge (ArduPilot's
``FENCE_MARGIN`` default is 2 m, plus GPS error). [m]"""

MAX_TOLERANCE_M = 64.0
"""Largest simplification tolerance ``t`` tried. [m]"""

_ROUND_MIN_VERTICES = 12
_ROUND_REL_SPREAD = 0.02


@dataclass(frozen=True)
class FencePolygon:
    """A fence polygon (outer ring only) in the local frame.

    Attributes
    ----------
    polygon : shapely.Polygon
    inclusion : bool
    name : str
    original_vertices : int
        Vertex count before simplification (equal to :attr:`vertices` when kept). [-]
    tolerance_m : float
        The simplification tolerance ``T`` (0 when kept as it was). [m]
    """

    polygon: shapely.Polygon
    inclusion: bool
    name: str
    original_vertices: int = 0
    tolerance_m: float = 0.0

    @property
    def vertices(self) -> int:
        """Vertices without the closing one. [-]"""
        return len(self.polygon.exterior.coords) - 1

    def xy(self) -> np.ndarray:
        """(n, 2) vertices without the closing one, counter-clockwise. [m]"""
        ring = shapely.geometry.polygon.orient(self.polygon, 1.0).exterior
        return np.asarray(ring.coords)[:-1, :2]


@dataclass(frozen=True)
class FenceCircle:
    """A fence circle in the local frame: centre (x, y) [m], radius [m]."""

    center_xy: tuple[float, float]
    radius_m: float
    inclusion: bool
    name: str


@dataclass(frozen=True)
class Fence:
    """The fence of a mission for one autopilot profile.

    Attributes
    ----------
    polygons : tuple of FencePolygon
    circles : tuple of FenceCircle
    notes : tuple of str
        What was converted, simplified or left out, and why.
    """

    polygons: tuple[FencePolygon, ...] = ()
    circles: tuple[FenceCircle, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def items(self) -> int:
        """MAVLink fence items: every polygon vertex and every circle. [-]"""
        return sum(p.vertices for p in self.polygons) + len(self.circles)

    @property
    def storage_bytes(self) -> int:
        """ArduPilot fence storage needed (``AC_PolyFence_loader::
        fence_storage_space_required``). [bytes]"""
        if not self.polygons and not self.circles:
            return 0
        return 4 + sum(2 + 8 * p.vertices for p in self.polygons) + 13 * len(self.circles)

    @property
    def is_empty(self) -> bool:
        return not self.polygons and not self.circles

    def fits(self, profile: AutopilotProfile) -> bool:
        """Within the profile's item count and byte budget."""
        if self.items > profile.max_fence_items:
            return False
        cap = profile.fence_storage_bytes
        return cap is None or self.storage_bytes <= cap


def round_ring(ring) -> tuple[tuple[float, float], float] | None:
    """(centre, radius) if a ring is a sampled circle, else None.

    A ring of at least 12 vertices whose distances from their centroid spread by less than
    2 % of the largest and whose area is at least 95 % of the regular polygon of as many
    vertices on that radius (so the vertices go all round: a strip buffered with round caps
    has every vertex on its two caps, near one distance from its middle, and is no circle);
    the radius is the largest distance (the circle covers the ring). [m]
    """
    xy = np.asarray(ring.coords)[:-1, :2]
    if len(xy) < _ROUND_MIN_VERTICES:
        return None
    c = xy.mean(axis=0)
    r = np.hypot(*(xy - c).T)
    if r.max() <= 0 or (r.max() - r.min()) > _ROUND_REL_SPREAD * r.max():
        return None
    n = len(xy)
    regular_m2 = 0.5 * n * r.min() ** 2 * math.sin(2.0 * math.pi / n)
    if shapely.Polygon(xy).area < 0.95 * regular_m2:
        return None
    return (float(c[0]), float(c[1])), float(r.max())


def _flight_path(mission: Mission) -> shapely.Geometry:
    """Every sortie's track as one geometry (lines kept apart: no noding, which costs
    seconds on a mission with hundreds of sorties and changes none of the predicates)."""
    lines, points = [], []
    for s in mission.sorties:
        xy = s.xy_m
        if len(xy) >= 2 and np.ptp(xy, axis=0).max() > 0:
            lines.append(shapely.LineString(xy))
        else:
            points.append(shapely.Point(xy[0]))
    if not points:
        return shapely.multilinestrings(lines)
    return shapely.union_all([shapely.multilinestrings(lines), shapely.multipoints(points)])


def simplify_conservatively(
    poly: shapely.Polygon,
    max_vertices: int,
    *,
    inclusion: bool,
    path: shapely.Geometry,
    margin_m: float = FENCE_MARGIN_M,
    max_tolerance_m: float = MAX_TOLERANCE_M,
) -> tuple[shapely.Polygon, float] | None:
    """A simplification of ``poly`` with at most ``max_vertices`` vertices that never cuts
    into the flight path (the rule in the module docstring), and its tolerance ``T`` [m];
    None if no tolerance up to ``max_tolerance_m`` gives one."""
    if inclusion:
        inside = bool(shapely.covers(poly, path))
        keep = min(margin_m, float(shapely.distance(path, poly.exterior))) if inside else 0.0
    else:
        keep = min(margin_m, float(shapely.distance(path, poly)))
    shapely.prepare(path)
    t = 0.25
    while t <= max_tolerance_m + 1e-9:
        grow = t if inclusion else 2.0 * t
        tol = 2.0 * t if inclusion else 3.0 * t
        grown = shapely.buffer(poly, grow, join_style="mitre", mitre_limit=2.0)
        s = shapely.simplify(grown, t, preserve_topology=True)
        if s.geom_type == "Polygon" and not s.is_empty:
            s = shapely.Polygon(s.exterior)  # a fence polygon has no holes
            n = len(s.exterior.coords) - 1
            within = shapely.covers(shapely.buffer(poly, tol + 1e-6, join_style="mitre"), s)
            if inclusion:
                ok = (not inside or shapely.covers(s, path)) and (
                    shapely.distance(path, s.exterior) >= keep - 1e-6
                )
            else:
                ok = shapely.covers(s, poly) and shapely.distance(path, s) >= keep - 1e-6
            if n <= max_vertices and within and ok and s.is_valid:
                return s, tol
        t *= 2.0
    return None


def _exclusion_features(mission: Mission, inclusion: shapely.Geometry | None, path, notes):
    from airwork.site.roles import ROLES

    exclusion_roles = {"no_fly", *ROLES["no_fly"].aliases}
    polys: list[FencePolygon] = []
    circles: list[FenceCircle] = []
    for k, f in enumerate(mission.features):
        role = str(f.role).lower().replace("-", "_")
        if role not in exclusion_roles:
            continue
        name = str(f.properties.get("id") or f.properties.get("name") or f"{role} {k + 1}")
        geom = f.geometry
        radius = f.properties.get("radius_m")
        if geom.geom_type == "Point" and isinstance(radius, int | float) and radius > 0:
            geom = shapely.buffer(geom, float(radius), quad_segs=16)
        parts = [g for g in shapely.get_parts(geom) if g.geom_type == "Polygon" and g.area > 0]
        for j, part in enumerate(parts):
            label = name if len(parts) == 1 else f"{name} part {j + 1}"
            if inclusion is not None and not shapely.intersects(inclusion, part):
                continue  # outside the inclusion fence: already kept out
            if shapely.intersects(part, path):
                notes.append(
                    f"no-fly zone {label!r} is crossed by the flight path (flown over): not in "
                    "the fence, whose zones have no altitude band"
                )
                continue
            if f.geometry.geom_type == "Point":
                c = f.geometry
                circles.append(FenceCircle((c.x, c.y), float(radius), False, label))
                continue
            rr = round_ring(part.exterior)
            if rr is not None:
                circles.append(FenceCircle(rr[0], rr[1], False, label))
                continue
            part = shapely.Polygon(part.exterior)
            polys.append(FencePolygon(part, False, label, len(part.exterior.coords) - 1))
    return polys, circles


def mission_fence(
    mission: Mission,
    profile: AutopilotProfile | None = None,
    *,
    margin_m: float = FENCE_MARGIN_M,
    max_tolerance_m: float = MAX_TOLERANCE_M,
) -> Fence:
    """The fence of ``mission`` fitted to ``profile`` (the rules in the module docstring).

    Parameters
    ----------
    mission : Mission
    profile : AutopilotProfile or None
        None: no simplification (the fence as the mission describes it).
    margin_m : float
        Least distance from the flight path to a simplified edge. [m]
    max_tolerance_m : float
        Largest simplification tolerance ``t`` tried. [m]

    Returns
    -------
    Fence
        May still be over the profile's limits (see :meth:`Fence.fits`) when no conservative
        simplification exists.
    """
    notes: list[str] = []
    path = _flight_path(mission)
    polys: list[FencePolygon] = []
    circles: list[FenceCircle] = []
    inclusion = None
    if mission.geofence is not None and not mission.geofence.is_empty:
        inclusion = mission.geofence
        for i, part in enumerate(shapely.get_parts(mission.geofence)):
            outer = shapely.Polygon(part.exterior)
            n = len(outer.exterior.coords) - 1
            polys.append(FencePolygon(outer, True, f"geofence {i + 1}", n))
            for j, hole in enumerate(part.interiors):
                label = f"geofence {i + 1} hole {j + 1}"
                rr = round_ring(hole)
                if rr is not None:
                    circles.append(FenceCircle(rr[0], rr[1], False, label))
                else:
                    h = shapely.Polygon(hole)
                    polys.append(FencePolygon(h, False, label, len(hole.coords) - 1))
    if len(circles):
        notes.append(f"{len(circles)} round exclusion zone(s) written as fence circles")
    more_p, more_c = _exclusion_features(mission, inclusion, path, notes)
    polys += more_p
    circles += more_c
    fence = Fence(tuple(polys), tuple(circles), ())
    if profile is not None:
        fence, more = _fit(fence, profile, path, margin_m, max_tolerance_m)
        notes += more
    return replace(fence, notes=tuple(notes))


def _excess(fence: Fence, profile: AutopilotProfile) -> int:
    """Vertices to remove for the fence to fit (items and bytes). [-]"""
    over = fence.items - profile.max_fence_items
    cap = profile.fence_storage_bytes
    if cap is not None:
        over = max(over, math.ceil((fence.storage_bytes - cap) / 8))
    return over


def _fit(fence: Fence, profile, path, margin_m, max_tolerance_m) -> tuple[Fence, list[str]]:
    notes: list[str] = []
    polys = list(fence.polygons)
    stuck: set[int] = set()
    while (excess := _excess(replace(fence, polygons=tuple(polys)), profile)) > 0:
        free = [i for i in range(len(polys)) if i not in stuck]
        if not free:
            break
        i = max(free, key=lambda k: polys[k].vertices)
        p = polys[i]
        target = max(3 if p.inclusion else 4, p.vertices - excess)
        found = None
        if target < p.vertices:
            found = simplify_conservatively(
                p.polygon,
                target,
                inclusion=p.inclusion,
                path=path,
                margin_m=margin_m,
                max_tolerance_m=max_tolerance_m,
            )
        if found is None:
            stuck.add(i)
            continue
        s, tol = found
        polys[i] = FencePolygon(s, p.inclusion, p.name, p.original_vertices, p.tolerance_m + tol)
    for p in polys:
        if p.tolerance_m > 0:
            notes.append(
                f"{p.name}: {p.original_vertices} vertices simplified to {p.vertices} for "
                f"{profile.name} (within {p.tolerance_m:.1f} m outside the original, at least "
                f"{margin_m:g} m or the path's own clearance from the flight path)"
            )
    return replace(fence, polygons=tuple(polys)), notes
