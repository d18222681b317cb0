"""Seeded synthetic field jobs for tests and benchmarks (local metric frame, metres).

:func:`generate_field` draws one farmer's field of a given kind and area: rectangles, random
convex polygons, L and U shapes, fields with wavy edges, a 20 m wide strip, fields with ponds
(holes, one with a 10 m no-spray ring) and fields crossed by a row of power pylons with a tree
island.  Stations lie outside the field, 10-40 m off a corner.

Each job is centred on a farmland location picked by the seed from :data:`FARMLAND_LONLAT`
(seed 0: the Lauragais near Toulouse, France; other seeds: Beauce, Picardy, Iowa, Illinois,
Kansas) and drawn in metres in the UTM frame of that location, as offsets around the
location's projected point, so missions export to real coordinates.  Everything is
deterministic per ``(kind, area_ha, seed)``; only numpy, shapely and the frame's pyproj are
used, and nothing is read or written.

:func:`field_suite` is the fixed set the field-work quality bars and benchmark run on.
"""

from __future__ import annotations

import math
import zlib
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import shapely
from shapely import affinity

from airwork.geo.frame import LocalFrame

__all__ = [
    "FARMLAND_LONLAT",
    "FIELD_KINDS",
    "SUITE_AREAS_HA",
    "SyntheticJob",
    "field_suite",
    "generate_field",
    "suite_frame",
]

FIELD_KINDS = ("rectangle", "convex", "l_shape", "u_shape", "wavy", "strip", "ponds", "pylons")
"""Kinds of field :func:`generate_field` draws."""

SUITE_AREAS_HA = (1.0, 5.0, 20.0, 50.0, 200.0)
"""Areas of :func:`field_suite` (the strip only at 1 and 5 ha). [ha]"""

FARMLAND_LONLAT = (
    (1.45, 43.55),  # Lauragais, near Toulouse, France (seed 0)
    (1.70, 48.25),  # Beauce, France
    (2.80, 49.85),  # Santerre, Picardy, France
    (-93.50, 42.05),  # central Iowa, USA
    (-88.90, 40.45),  # McLean County, Illinois, USA
    (-97.60, 38.40),  # central Kansas, USA
)
"""Arable locations (lon, lat) [°] a job is centred on: ``FARMLAND_LONLAT[seed % 6]``."""

_LON0, _LAT0 = FARMLAND_LONLAT[0]
_MIN_ARM_M = 60.0  # narrowest arm of an L or U shape [m]
_STRIP_WIDTH_M = 20.0
_POND_RING_M = 10.0  # no-spray ring around one pond [m]
_PYLON_SPACING_M = 180.0
_POND_MARGIN_M = 20.0  # ponds (with their ring) at least this far from the field edge [m]


@lru_cache(maxsize=len(FARMLAND_LONLAT))
def _frame_for(lon_deg: float, lat_deg: float) -> LocalFrame:
    return LocalFrame.for_lonlat(lon_deg, lat_deg)


def suite_frame() -> LocalFrame:
    """The frame of the seed-0 jobs, :func:`field_suite`'s default (UTM zone of 1.45° E,
    43.55° N)."""
    return _frame_for(_LON0, _LAT0)


@dataclass(frozen=True)
class SyntheticJob:
    """A synthetic field job in the local frame of :func:`suite_frame`.

    Attributes
    ----------
    kind : str
        One of :data:`FIELD_KINDS`.
    area_ha : float
        Requested area; the field's area (holes excluded) is within 2 % of it. [ha]
    seed : int
    field : shapely Polygon
        The field, with holes for ponds. [m]
    obstacles : geometry or None
        Obstacle footprints strictly inside the field (pylons, tree islands). [m]
    no_spray : geometry or None
        Zones inside the field never to be sprayed. [m]
    stations : tuple of (x, y)
        One or two stations outside the field, 10-40 m off a corner. [m]
    origin_lonlat : (float, float)
        Farmland location (lon, lat) the field is centred on; ``frame`` is
        ``LocalFrame.for_lonlat(*origin_lonlat)``. [°]
    frame : LocalFrame
        UTM frame of ``origin_lonlat``; all geometry is in its metres.
    """

    kind: str
    area_ha: float
    seed: int
    field: shapely.Polygon
    obstacles: shapely.Geometry | None
    no_spray: shapely.Geometry | None
    stations: tuple[tuple[float, float], ...]
    origin_lonlat: tuple[float, float]
    frame: LocalFrame

    @property
    def name(self) -> str:
        """Short id such as ``"l_shape-50ha"``."""
        return f"{self.kind}-{self.area_ha:g}ha"


def _rng(kind: str, area_ha: float, seed: int) -> np.random.Generator:
    key = zlib.crc32(f"{kind}:{area_ha:.6f}".encode())
    return np.random.default_rng([int(seed) & 0xFFFFFFFF, key])


def _origin(frame: LocalFrame, lon_deg: float, lat_deg: float) -> tuple[float, float]:
    x0, y0 = frame.to_local(lon_deg, lat_deg)
    return float(x0), float(y0)


# ----------------------------------------------------------------------------- shapes
def _rectangle(rng, area_m2):
    aspect = rng.uniform(1.5, 4.0)
    w = math.sqrt(area_m2 / aspect)
    return shapely.box(0.0, 0.0, aspect * w, w)


def _convex(rng, area_m2):
    while True:
        n = int(rng.integers(5, 10))
        # angles with a minimum gap so no vertex is degenerate; points on an ellipse are in
        # convex position
        gaps = rng.uniform(0.5, 1.5, n)
        ang = np.cumsum(gaps / gaps.sum() * 2 * np.pi) + rng.uniform(0, 2 * np.pi)
        ratio = rng.uniform(1.0, 2.5)
        pts = np.column_stack([ratio * np.cos(ang), np.sin(ang)])
        hull = shapely.convex_hull(shapely.multipoints(pts))
        if len(hull.exterior.coords) - 1 >= 5:
            return _scale_to(hull, area_m2)


def _l_shape(rng, area_m2):
    r = rng.uniform(1.0, 1.6)  # Lx / Ly
    fh, fw = rng.uniform(0.3, 0.5, 2)
    ly = math.sqrt(area_m2 / (r * (fh + fw * (1 - fh))))
    lx, h, w = r * ly, fh * ly, fw * r * ly
    if min(h, w) < _MIN_ARM_M:
        h, w = max(h, _MIN_ARM_M), max(w, _MIN_ARM_M)
        ly = (area_m2 + w * h) / (r * h + w)
        lx = r * ly
    return shapely.Polygon([(0, 0), (lx, 0), (lx, h), (w, h), (w, ly), (0, ly)])


def _u_shape(rng, area_m2):
    """Two uprights >= 60 m wide on a base; on small fields (about 1 ha) three 60 m arms and
    a real notch do not fit, so the base narrows to no less than 40 m there."""
    r = rng.uniform(0.8, 1.6)  # W / H
    fh = rng.uniform(0.25, 0.45)
    f1, f2 = rng.uniform(0.2, 0.33, 2)
    hh = math.sqrt(area_m2 / (r * (fh + (f1 + f2) * (1 - fh))))
    ww, h, w1, w2 = r * hh, fh * hh, f1 * r * hh, f2 * r * hh
    if min(w1, w2) < _MIN_ARM_M:
        w1, w2 = max(w1, _MIN_ARM_M), max(w2, _MIN_ARM_M)
        ww = max(ww, w1 + w2 + 40.0)
        h = max(h, 40.0)
        hh = h + (area_m2 - ww * h) / (w1 + w2)
        if hh - h < 30.0:  # keep a notch at least 30 m deep
            h = (area_m2 - (w1 + w2) * 30.0) / ww
            hh = h + 30.0
    return shapely.Polygon(
        [(0, 0), (ww, 0), (ww, hh), (ww - w2, hh), (ww - w2, h), (w1, h), (w1, hh), (0, hh)]
    )


def _wavy(rng, area_m2):
    aspect = rng.uniform(1.5, 3.0)
    w = math.sqrt(area_m2 / aspect)
    length = aspect * w
    amp_max = min(20.0, 0.15 * w)
    n = max(int(length / 4.0), 16)
    x = np.linspace(0.0, length, n + 1)

    def edge(y0):
        amp = rng.uniform(min(5.0, amp_max), amp_max)
        periods = rng.uniform(1.0, 4.0)
        phase = rng.uniform(0, 2 * np.pi)
        return y0 + amp * np.sin(2 * np.pi * periods * x / length + phase)

    bottom = edge(0.0)
    top = edge(w) if rng.random() < 0.5 else np.full_like(x, w)
    coords = np.vstack([np.column_stack([x, bottom]), np.column_stack([x[::-1], top[::-1]])])
    return shapely.Polygon(coords)


def _strip(rng, area_m2):
    return shapely.box(0.0, 0.0, area_m2 / _STRIP_WIDTH_M, _STRIP_WIDTH_M)


def _scale_to(geom, area_m2):
    s = math.sqrt(area_m2 / geom.area)
    return affinity.scale(geom, s, s, origin=(0, 0))


def _ellipse(cx, cy, a, b, theta_deg):
    circle = shapely.Point(0, 0).buffer(1.0, quad_segs=12)
    return affinity.translate(
        affinity.rotate(affinity.scale(circle, a, b, origin=(0, 0)), theta_deg, origin=(0, 0)),
        cx,
        cy,
    )


def _random_point_in(rng, region, tries=200):
    if region.is_empty:
        return None
    x0, y0, x1, y1 = region.bounds
    for _ in range(tries):
        p = shapely.Point(rng.uniform(x0, x1), rng.uniform(y0, y1))
        if region.contains(p):
            return p
    return None


def _ponds(rng, area_m2):
    n = int(rng.integers(1, 4))
    fracs = rng.uniform(0.015, 0.05, n)
    outer = _rectangle(rng, area_m2 / (1.0 - fracs.sum()))
    ao = outer.area
    ponds = []
    for frac in fracs:
        ratio = rng.uniform(1.0, 2.5)
        b = math.sqrt(frac * ao / (math.pi * ratio))
        a = ratio * b
        keep = outer.buffer(-(a + _POND_RING_M + _POND_MARGIN_M), join_style="mitre")
        for other in ponds:
            keep = keep.difference(other.buffer(a + 2 * _POND_RING_M + 15.0))
        p = _random_point_in(rng, keep)
        if p is None:
            continue
        ponds.append(_ellipse(p.x, p.y, a, b, rng.uniform(0, 180)))
    if not ponds:  # cannot happen for >= 1 ha, but keep the field well defined
        c = outer.centroid
        b = math.sqrt(0.015 * ao / math.pi)
        ponds.append(_ellipse(c.x, c.y, b, b, 0.0))
    return shapely.Polygon(outer.exterior.coords, [p.exterior.coords for p in ponds])


_SHAPES = {
    "rectangle": _rectangle,
    "convex": _convex,
    "l_shape": _l_shape,
    "u_shape": _u_shape,
    "wavy": _wavy,
    "strip": _strip,
    "ponds": _ponds,
    "pylons": _rectangle,
}


# ----------------------------------------------------------------------------- extras
def _square(cx, cy, side, theta_deg):
    sq = shapely.box(-side / 2, -side / 2, side / 2, side / 2)
    return affinity.translate(affinity.rotate(sq, theta_deg, origin=(0, 0)), cx, cy)


def _pylons_and_tree(rng, field):
    """A diagonal row of 3-12 pylons ~180 m apart (closer on small fields, never under 40 m)
    and one round tree island of radius 8-15 m, all well inside the field."""
    rect = shapely.minimum_rotated_rectangle(field)
    xy = np.asarray(rect.exterior.coords)[:4]
    e1, e2 = xy[1] - xy[0], xy[2] - xy[1]
    long_axis = e1 if np.hypot(*e1) >= np.hypot(*e2) else e2
    width = min(np.hypot(*e1), np.hypot(*e2))
    margin = float(np.clip(0.2 * width, 12.0, 25.0))
    axis_deg = math.degrees(math.atan2(long_axis[1], long_axis[0]))
    sign = rng.choice([-1.0, 1.0])
    tilt = rng.uniform(25.0, 65.0)
    inner = field.buffer(-margin, join_style="mitre")
    c = field.centroid
    jitter = 0.1 * width
    through = np.array([c.x + rng.uniform(-jitter, jitter), c.y + rng.uniform(-jitter, jitter)])
    if not inner.contains(shapely.Point(through)):
        through = np.array([c.x, c.y])
    while True:
        row_deg = axis_deg + sign * tilt
        u = np.array([math.cos(math.radians(row_deg)), math.sin(math.radians(row_deg))])
        line = shapely.LineString([through - 1e5 * u, through + 1e5 * u])
        seg = shapely.intersection(line, inner)
        if seg.geom_type != "LineString":
            seg = max(shapely.get_parts(seg), key=lambda g: g.length)
        length = seg.length
        n = int(np.clip(length // _PYLON_SPACING_M + 1, 3, 12))
        spacing = min(_PYLON_SPACING_M, length / (n - 1))
        if spacing >= 40.0 or tilt < 5.0:
            break
        tilt *= 0.7  # small field: turn the row towards the long axis to fit three pylons
    mid = seg.interpolate(0.5, normalized=True)
    start = np.array([mid.x, mid.y]) - u * spacing * (n - 1) / 2
    pylons = [_square(*(start + k * spacing * u), rng.uniform(4.0, 6.0), row_deg) for k in range(n)]
    row = shapely.union_all(pylons)
    radius = min(rng.uniform(8.0, 15.0), max(8.0, width / 6.0))
    tree = None
    for gap in (40.0, 25.0, 15.0):
        region = field.buffer(-(radius + 13.0), join_style="mitre").difference(
            row.buffer(radius + gap)
        )
        p = _random_point_in(rng, region)
        if p is not None:
            tree = p.buffer(radius, quad_segs=8)
            break
    return shapely.union_all([row] + ([tree] if tree is not None else []))


def _stations(rng, field, count):
    """``count`` stations 10-40 m outside distinct corners of the field."""
    rect = shapely.minimum_rotated_rectangle(field)
    corners = np.asarray(rect.exterior.coords)[:4]
    ring = np.asarray(field.exterior.coords)[:-1]
    c = np.array([field.centroid.x, field.centroid.y])
    out: list[tuple[float, float]] = []
    for k in rng.permutation(4):
        vertex = ring[np.argmin(np.hypot(*(ring - corners[k]).T))]
        u = vertex - c
        u /= np.hypot(*u)
        for _ in range(30):
            d = rng.uniform(10.0, 50.0)
            st = vertex + d * u
            dist = field.exterior.distance(shapely.Point(st))
            if not field.contains(shapely.Point(st)) and 10.0 <= dist <= 40.0:
                out.append((float(st[0]), float(st[1])))
                break
        if len(out) == count:
            break
    if not out:  # fall back: 20 m beyond the field's lowest-left bounding corner
        x0, y0, _, _ = field.bounds
        out.append((x0 - 20.0, y0 - 20.0))
    return tuple(out)


# ----------------------------------------------------------------------------- public
def generate_field(kind: str, area_ha: float, seed: int = 0) -> SyntheticJob:
    """One synthetic field job.

    Parameters
    ----------
    kind : str
        One of :data:`FIELD_KINDS`.
    area_ha : float
        Field area, holes excluded. [ha]
    seed : int
        Same ``(kind, area_ha, seed)``, same job; also picks the farmland location
        (``FARMLAND_LONLAT[seed % 6]``).

    Returns
    -------
    SyntheticJob

    Raises
    ------
    ValueError
        An unknown kind, or an area outside [0.1, 10000] ha.

    Examples
    --------
    >>> job = generate_field("l_shape", 50.0, seed=0)
    >>> round(job.field.area / 1e4, 1), job.field.is_valid, job.origin_lonlat
    (50.0, True, (1.45, 43.55))
    """
    if kind not in _SHAPES:
        raise ValueError(f"Expected kind in {FIELD_KINDS}, got {kind!r}.")
    if not (math.isfinite(area_ha) and 0.1 <= area_ha <= 10_000):
        raise ValueError(f"Expected area_ha in [0.1, 10000], got {area_ha}.")
    rng = _rng(kind, area_ha, seed)
    area_m2 = area_ha * 1e4
    shape = _SHAPES[kind](rng, area_m2)
    # exact area: a strip keeps its 20 m width and stretches along its length
    if kind == "strip":
        shape = affinity.scale(shape, area_m2 / shape.area, 1.0, origin=(0, 0))
    else:
        shape = _scale_to(shape, area_m2)
    theta = rng.uniform(0.0, 180.0)
    lon0, lat0 = FARMLAND_LONLAT[int(seed) % len(FARMLAND_LONLAT)]
    frame = _frame_for(lon0, lat0)
    x0, y0 = _origin(frame, lon0, lat0)
    c = shape.centroid
    shape = affinity.rotate(affinity.translate(shape, -c.x, -c.y), theta, origin=(0, 0))
    shape = shapely.set_precision(affinity.translate(shape, x0, y0), 1e-6)
    shape = shapely.make_valid(shape) if not shape.is_valid else shape
    obstacles = no_spray = None
    if kind == "ponds":
        pond = shapely.Polygon(shape.interiors[int(rng.integers(len(shape.interiors)))])
        no_spray = shapely.difference(pond.buffer(_POND_RING_M, quad_segs=12), pond)
        no_spray = shapely.intersection(no_spray, shape)
    elif kind == "pylons":
        obstacles = _pylons_and_tree(rng, shape)
    n_st = 2 if rng.random() < 0.5 else 1
    stations = _stations(rng, shape, n_st)
    return SyntheticJob(
        kind=kind,
        area_ha=float(area_ha),
        seed=int(seed),
        field=shape,
        obstacles=obstacles,
        no_spray=no_spray,
        stations=stations,
        origin_lonlat=(lon0, lat0),
        frame=frame,
    )


def field_suite(seed: int = 0) -> list[SyntheticJob]:
    """Every kind at 1, 5, 20, 50 and 200 ha (the 20 m strip only at 1 and 5 ha)."""
    jobs = []
    for kind in FIELD_KINDS:
        areas = (1.0, 5.0) if kind == "strip" else SUITE_AREAS_HA
        jobs += [generate_field(kind, a, seed) for a in areas]
    return jobs
