"""Seeded synthetic parcel registers (like France's RPG or the Netherlands' BRP) for the
batch tests and benches.

:func:`generate_parcels` draws ``n`` field polygons over a square farming region, vectorised
(10^6 parcels in a few seconds): field areas follow a log-normal law with a median of 3 ha,
clipped to [0.3, 200] ha; shapes are rotated rectangles (45 %), convex octagons (20 %),
concave L shapes (25 %) and rectangles with a pond (a hole, 10 %).  Each parcel has a
``parcel_id``, a ``district`` (a cell of a grid laid over the region), a ``crop`` and a
``rate_l_per_ha``.  ``broken`` parcels have one defect each, cycling through
:data:`DEFECTS`; their ``defect`` column names it (empty for good parcels).

The geometries are in a projected CRS (Lambert-93, EPSG:2154, by default) as national
registers publish them; fields may overlap (a planner plans each field on its own).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import shapely

__all__ = ["DEFECTS", "MEDIAN_HA", "generate_parcels"]

MEDIAN_HA = 3.0
"""Median field area. [ha]"""
_SIGMA = 1.1  # log-normal shape: mean ~5.5 ha, 1 field in 10^4 above 180 ha
_MIN_HA, _MAX_HA = 0.3, 200.0
_FILL = 0.4  # share of the region's area that is fields
_CROPS = ("wheat", "barley", "maize", "rapeseed", "sunflower", "vineyard")
_RATES = (10.0, 15.0, 20.0)
_SHAPE_SHARES = {"rectangle": 0.45, "convex": 0.20, "l_shape": 0.25, "pond": 0.10}

DEFECTS = ("bowtie", "empty", "sliver", "huge", "point")
"""Defects of broken parcels: a self-intersecting ring, no geometry, a zero-area polygon,
a 40,000 ha polygon (over any sane field limit), a point instead of a polygon."""


def generate_parcels(
    n: int,
    *,
    seed: int = 0,
    broken: int = 0,
    center_lonlat: tuple[float, float] = (1.70, 48.25),
    districts: tuple[int, int] = (4, 4),
    crs: str = "EPSG:2154",
) -> Any:
    """A parcel register of ``n`` fields as a GeoDataFrame.

    Parameters
    ----------
    n : int
        Number of parcels (broken ones included).
    seed : int
        Same arguments, same parcels.
    broken : int
        How many parcels have a defect (spread evenly through the register).
    center_lonlat : (float, float)
        Centre of the region (default the Beauce, France). [°]
    districts : (int, int)
        The district grid (columns, rows) over the region; names ``D01``, ``D02`` ...
    crs : str
        CRS of the geometries (metres).

    Returns
    -------
    geopandas.GeoDataFrame
        Columns ``parcel_id``, ``district``, ``crop``, ``rate_l_per_ha``, ``area_ha``
        (as drawn, NaN for broken ones), ``shape``, ``defect`` and ``geometry``.
    """
    import geopandas
    from pyproj import Transformer

    if n < 1 or not 0 <= broken <= n:
        raise ValueError(f"need n >= 1 and 0 <= broken <= n, got n={n}, broken={broken}")
    rng = np.random.default_rng(seed)
    area_ha = np.clip(MEDIAN_HA * np.exp(_SIGMA * rng.standard_normal(n)), _MIN_HA, _MAX_HA)
    kinds = rng.choice(list(_SHAPE_SHARES), size=n, p=list(_SHAPE_SHARES.values()))
    geoms = np.empty(n, dtype=object)
    for kind in _SHAPE_SHARES:
        sel = np.flatnonzero(kinds == kind)
        if len(sel):
            geoms[sel] = _SHAPES[kind](rng, area_ha[sel] * 1e4)
    side = math.sqrt(area_ha.sum() * 1e4 / _FILL)
    x0, y0 = Transformer.from_crs("EPSG:4326", crs, always_xy=True).transform(*center_lonlat)
    cx = x0 + rng.uniform(-side / 2, side / 2, n)
    cy = y0 + rng.uniform(-side / 2, side / 2, n)
    theta = rng.uniform(0, math.pi, n)
    geoms = _place(geoms, theta, cx, cy)
    col = np.clip(((cx - x0) / side + 0.5) * districts[0], 0, districts[0] - 1).astype(int)
    row = np.clip(((cy - y0) / side + 0.5) * districts[1], 0, districts[1] - 1).astype(int)
    district = np.array([f"D{k + 1:02d}" for k in range(districts[0] * districts[1])])
    defect = np.full(n, "", dtype=object)
    area_out = area_ha.copy()
    if broken:
        idx = np.linspace(0, n - 1, broken).round().astype(int)
        for j, i in enumerate(idx):
            kind = DEFECTS[j % len(DEFECTS)]
            defect[i] = kind
            geoms[i] = _broken(kind, cx[i], cy[i])
            area_out[i] = np.nan
    width = max(7, len(str(n)))
    return geopandas.GeoDataFrame(
        {
            "parcel_id": [f"P{k:0{width}d}" for k in range(n)],
            "district": district[row * districts[0] + col],
            "crop": rng.choice(_CROPS, size=n),
            "rate_l_per_ha": rng.choice(_RATES, size=n),
            "area_ha": area_out,
            "shape": kinds,
            "defect": defect,
        },
        geometry=geopandas.GeoSeries(geoms, crs=crs),
    )


# --------------------------------------------------------------------------- shapes
# Each returns polygons of the given areas [m²] centred near the origin, unrotated.


def _rectangle(rng, area_m2):
    aspect = rng.uniform(1.2, 4.0, len(area_m2))
    w = np.sqrt(area_m2 / aspect)
    return shapely.box(-aspect * w / 2, -w / 2, aspect * w / 2, w / 2)


def _convex(rng, area_m2):
    m = len(area_m2)
    gaps = rng.uniform(0.5, 1.5, (m, 8))
    ang = np.cumsum(gaps / gaps.sum(axis=1, keepdims=True) * 2 * np.pi, axis=1)
    ratio = rng.uniform(1.0, 2.5, (m, 1))
    xy = np.stack([ratio * np.cos(ang), np.sin(ang)], axis=-1)
    return _scaled(shapely.polygons(_closed(xy)), area_m2)


def _l_shape(rng, area_m2):
    m = len(area_m2)
    r = rng.uniform(1.0, 1.6, m)  # length / height of the bounding box
    fh, fw = rng.uniform(0.3, 0.5, (2, m))  # arm widths as shares of the box
    lx, h, w = r, fh, fw * r
    zeros = np.zeros(m)
    ones = np.ones(m)
    xs = np.stack([zeros, lx, lx, w, w, zeros], axis=1)
    ys = np.stack([zeros, zeros, h, h, ones, ones], axis=1)
    xy = np.stack([xs - lx[:, None] / 2, ys - 0.5], axis=-1)
    return _scaled(shapely.polygons(_closed(xy)), area_m2)


def _pond(rng, area_m2):
    m = len(area_m2)
    frac = rng.uniform(0.02, 0.05, m)  # pond share of the outer rectangle
    outer = _rectangle(rng, area_m2 / (1 - frac))
    x0, y0, x1, y1 = shapely.bounds(outer).T
    ang = np.linspace(0, 2 * np.pi, 9)[:-1]
    # an octagon of the pond's area, placed in the middle third of the rectangle
    r = np.sqrt(frac * (area_m2 / (1 - frac)) / (2 * math.sqrt(2)))
    px = rng.uniform(-(x1 - x0) / 6, (x1 - x0) / 6)
    py = rng.uniform(-(y1 - y0) / 6, (y1 - y0) / 6)
    hx = px[:, None] + r[:, None] * np.cos(ang)[::-1]
    hy = py[:, None] + r[:, None] * np.sin(ang)[::-1]
    holes = shapely.linearrings(_closed(np.stack([hx, hy], axis=-1)))
    shells = shapely.get_exterior_ring(outer)
    return shapely.polygons(shells, holes=holes[:, None])


_SHAPES = {"rectangle": _rectangle, "convex": _convex, "l_shape": _l_shape, "pond": _pond}


def _closed(xy: np.ndarray) -> np.ndarray:
    return np.concatenate([xy, xy[:, :1]], axis=1)


def _scaled(polys: np.ndarray, area_m2: np.ndarray) -> np.ndarray:
    s = np.sqrt(area_m2 / shapely.area(polys))
    return shapely.transform(polys, lambda xy: xy * np.repeat(s, _counts(polys))[:, None])


def _counts(geoms: np.ndarray) -> np.ndarray:
    return shapely.get_num_coordinates(geoms)


def _place(geoms, theta, cx, cy):
    """Rotate each polygon by ``theta`` about the origin, then move it to (cx, cy)."""
    k = _counts(geoms)
    c, s = np.repeat(np.cos(theta), k), np.repeat(np.sin(theta), k)
    dx, dy = np.repeat(cx, k), np.repeat(cy, k)

    def move(xy):
        x, y = xy[:, 0], xy[:, 1]
        return np.column_stack([c * x - s * y + dx, s * x + c * y + dy])

    return shapely.transform(geoms, move)


def _broken(kind: str, x: float, y: float):
    if kind == "bowtie":
        return shapely.Polygon([(x, y), (x + 200, y + 200), (x + 200, y), (x, y + 200)])
    if kind == "empty":
        return None
    if kind == "sliver":
        return shapely.Polygon([(x, y), (x + 100, y), (x + 200, y)])
    if kind == "huge":
        return shapely.box(x, y, x + 20_000, y + 20_000)
    return shapely.Point(x, y)
