"""Seeded synthetic delivery days for tests and benchmarks (local metric frame, metres).

:func:`generate_delivery` draws hubs on a jittered grid, no-fly zones (irregular convex
blobs of 0.4-1.5 km kept clear of the hubs) and orders clustered around the hubs (a share
spread uniformly), with parcel masses, arrival windows, service times and drop methods.
The region is centred on Toulouse, France, drawn as offsets around its projected point in
the UTM frame, so missions export to real coordinates.  Deterministic per arguments; only
numpy, shapely and the frame's pyproj are used.

:func:`delivery_geojson` writes a problem back as a GeoJSON job (roles ``hub``, ``order``,
``no_fly``), e.g. for the bundled example.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import numpy as np
import shapely

from airwork.geo.frame import LocalFrame
from airwork.planners.delivery.problem import (
    DeliveryProblem,
    FleetType,
    Hub,
    Order,
    format_time,
)
from airwork.site.zones import Zone

__all__ = ["CITY_LONLAT", "delivery_geojson", "generate_delivery"]

CITY_LONLAT = (1.444, 43.604)
"""Centre of the synthetic region (Toulouse, France). [°]"""


def _blob(rng: np.random.Generator, cx: float, cy: float, r: float) -> shapely.Polygon:
    ang = np.sort(rng.uniform(0, 2 * math.pi, 9))
    rad = r * rng.uniform(0.6, 1.0, 9)
    return shapely.convex_hull(
        shapely.multipoints(np.column_stack([cx + rad * np.cos(ang), cy + rad * np.sin(ang)]))
    )


def generate_delivery(
    n_orders: int,
    n_hubs: int = 3,
    n_zones: int = 2,
    *,
    fleet: Sequence[FleetType],
    seed: int = 0,
    hub_spacing_m: float = 6000.0,
    drones_per_hub: int = 3,
    spread_m: float = 2500.0,
    window_share: float = 0.7,
    day: tuple[float, float] = (8 * 3600.0, 20 * 3600.0),
    zone_clear_m: float = 400.0,
    keep_inside_zones: bool = False,
) -> DeliveryProblem:
    """A seeded delivery day.

    Parameters
    ----------
    n_orders, n_hubs, n_zones : int
    fleet : sequence of FleetType
    seed : int
    hub_spacing_m : float
        Grid spacing of the hubs. [m]
    drones_per_hub : int
        ``drone_count`` of every hub.
    spread_m : float
        Standard deviation of an order's offset from its hub. [m]
    window_share : float
        Share of orders with a 1-3 h window (others: the whole day). [-]
    day : (float, float)
        Order day; hubs open an hour before and close an hour after. [s of day]
    zone_clear_m : float
        Distance kept between zones and hubs. [m]
    keep_inside_zones : bool
        Keep orders drawn inside a zone (bad-input tests); default redraw them.
    """
    rng = np.random.default_rng([seed, n_orders, n_hubs, n_zones])
    frame = LocalFrame.for_lonlat(*CITY_LONLAT)
    x0, y0 = frame.to_local(*CITY_LONLAT)
    cols = math.ceil(math.sqrt(n_hubs))
    rows = math.ceil(n_hubs / cols)
    g = np.array([(c, r) for r in range(rows) for c in range(cols)][:n_hubs], dtype=float)
    g -= g.mean(axis=0)
    hub_xy = g * hub_spacing_m + rng.normal(0, 0.08 * hub_spacing_m, g.shape) + (x0, y0)
    hubs = tuple(
        Hub(
            id=f"H{h + 1}",
            xy_m=(float(x), float(y)),
            drone_count=drones_per_hub,
            swap_time_s=120.0,
            open_s=day[0] - 3600.0,
            close_s=day[1] + 3600.0,
        )
        for h, (x, y) in enumerate(hub_xy)
    )
    half = 0.5 * hub_spacing_m * max(cols, rows) + spread_m
    zones: list[Zone] = []
    tries = 0
    while len(zones) < n_zones and tries < 500:
        tries += 1
        c = np.array([x0, y0]) + rng.uniform(-half, half, 2)
        r = float(rng.uniform(400.0, 1500.0))
        poly = _blob(rng, c[0], c[1], r)
        if np.min(np.hypot(*(hub_xy - c).T)) < r + zone_clear_m:
            continue
        if any(poly.distance(z.geometry) < 200.0 for z in zones):
            continue
        zones.append(Zone(poly, False, id=f"Z{len(zones) + 1}"))
    forbidden = shapely.union_all([z.geometry.buffer(60.0) for z in zones]) if zones else None
    orders: list[Order] = []
    while len(orders) < n_orders:
        k = len(orders)
        if rng.random() < 0.8:
            h = rng.integers(n_hubs)
            xy = hub_xy[h] + rng.normal(0, spread_m, 2)
        else:
            xy = np.array([x0, y0]) + rng.uniform(-half, half, 2)
        if (
            forbidden is not None
            and not keep_inside_zones
            and forbidden.intersects(shapely.Point(xy))
        ):
            continue
        mass = float(np.clip(rng.lognormal(math.log(0.9), 0.6), 0.1, 2.9))
        if rng.random() < window_share:
            length = float(rng.uniform(3600.0, 3 * 3600.0))
            early = float(rng.uniform(day[0], day[1] - length))
            window = (round(early / 60) * 60.0, round((early + length) / 60) * 60.0)
        else:
            window = day
        orders.append(
            Order(
                id=f"O{k + 1:05d}",
                xy_m=(float(xy[0]), float(xy[1])),
                mass_kg=round(mass, 2),
                earliest_s=window[0],
                latest_s=window[1],
                service_s=float(rng.integers(20, 61)),
                drop="land" if rng.random() < 0.2 else "winch",
            )
        )
    return DeliveryProblem(
        hubs=hubs,
        orders=tuple(orders),
        fleet=tuple(fleet),
        no_fly=tuple(zones),
        frame=frame,
        name=f"synthetic-{n_orders}-orders",
    )


def delivery_geojson(problem: DeliveryProblem) -> dict[str, Any]:
    """The problem as a GeoJSON FeatureCollection (WGS84) with roles for ``load_site``."""
    if problem.frame is None:
        raise ValueError("the problem has no frame to convert to lon/lat")
    frame = problem.frame

    def pt(xy) -> list[float]:
        lon, lat = frame.to_lonlat(*xy)
        return [round(float(lon), 7), round(float(lat), 7)]

    feats: list[dict[str, Any]] = []
    for h in problem.hubs:
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "role": "hub",
                    "id": h.id,
                    "drone_count": h.drone_count,
                    "swap_time_s": h.swap_time_s,
                    "open": format_time(h.open_s)[:5],
                    "close": format_time(h.close_s)[:5],
                },
                "geometry": {"type": "Point", "coordinates": pt(h.xy_m)},
            }
        )
    for z in problem.no_fly:
        ring = [pt(c) for c in shapely.get_coordinates(z.geometry.exterior)]
        feats.append(
            {
                "type": "Feature",
                "properties": {"role": "no_fly", "id": z.id},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    for o in problem.orders:
        feats.append(
            {
                "type": "Feature",
                "properties": {
                    "role": "order",
                    "id": o.id,
                    "mass_kg": o.mass_kg,
                    "earliest": format_time(o.earliest_s)[:5],
                    "latest": format_time(o.latest_s)[:5],
                    "service_s": o.service_s,
                    "drop": o.drop,
                },
                "geometry": {"type": "Point", "coordinates": pt(o.xy_m)},
            }
        )
    return {"type": "FeatureCollection", "features": feats}
