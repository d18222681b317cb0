"""Property test: random missions around random zones are classified like an exact oracle.

The oracle works on exact geometry, not samples: a zone is entered when the flight's 2-D
line meets it at an altitude inside its band, or a vertical climb/descent at a take-off or
landing point inside it crosses its band.  The checker samples every metre, so crossings
shorter than two metres may go either way and are not asserted; everything else must
agree exactly.
"""

from __future__ import annotations

import math

import numpy as np
import shapely
from airspace_data import X0, Y0, line_mission
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airwork.airspace.check import CheckConfig, preflight
from airwork.site.zones import Zone

coord = st.floats(0.0, 400.0, allow_nan=False)
point = st.tuples(coord, coord)


@st.composite
def zones(draw):
    out = []
    for i in range(draw(st.integers(1, 5))):
        cx, cy = draw(point)
        if draw(st.booleans()):
            geom = shapely.Point(X0 + cx, Y0 + cy).buffer(draw(st.floats(10, 80)), quad_segs=8)
        else:
            w, h = draw(st.floats(10, 150)), draw(st.floats(10, 150))
            geom = shapely.box(X0 + cx, Y0 + cy, X0 + cx + w, Y0 + cy + h)
        kind = draw(st.sampled_from(["none", "floor", "ceiling", "both"]))
        floor, ceiling = -math.inf, math.inf
        if kind in ("floor", "both"):
            floor = draw(st.floats(0, 120))
        if kind in ("ceiling", "both"):
            ceiling = draw(st.floats(max(floor, 0) + 5, 160))
        out.append(Zone(geom, False, floor, ceiling, "agl", f"z{i}"))
    return out


def _oracle(zone: Zone, xy: np.ndarray, h: float) -> str:
    """'yes', 'no' or 'unsure' (a crossing too short for 1 m sampling)."""
    in_band = zone.floor_m <= h <= zone.ceiling_m
    line = shapely.LineString(xy)
    # vertical legs at the first and last point: altitudes 0..h
    lo, hi = max(zone.floor_m, 0.0), min(zone.ceiling_m, h)
    vertical_hit = hi - lo >= 1.0
    vertical_near = hi - lo > -1.0
    ends = [shapely.Point(xy[0]), shapely.Point(xy[-1])]
    end_in = [
        zone.geometry.distance(p) == 0 and zone.geometry.boundary.distance(p) > 0.01 for p in ends
    ]
    end_near = [zone.geometry.boundary.distance(p) <= 0.01 for p in ends]
    if any(end_in) and vertical_hit:
        return "yes"
    length = line.intersection(zone.geometry).length
    if in_band and length >= 2.0:
        return "yes"
    touches = line.distance(zone.geometry) <= 0.01
    if (
        touches and (length < 2.0 or abs(h - zone.floor_m) < 1e-6 or abs(h - zone.ceiling_m) < 1e-6)
    ) or (any(end_near) and vertical_near):
        return "unsure"
    if any(end_in) and vertical_near:
        return "unsure"
    if not touches or not in_band:
        return "no"
    return "unsure"


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pts=st.lists(point, min_size=2, max_size=5, unique=True),
    h=st.floats(5.0, 110.0),
    zs=zones(),
)
def test_no_fly_classification_matches_exact_oracle(frame, pts, h, zs):
    xy = np.array([(X0 + x, Y0 + y) for x, y in pts])
    if np.min(np.hypot(*np.diff(xy, axis=0).T)) < 1.0:
        return
    report = preflight(line_mission(frame, xy, h), CheckConfig(zones=tuple(zs)))
    hit = {v.what for v in report.violations if v.kind == "no_fly_entry"}
    for z in zs:
        expect = _oracle(z, xy, h)
        if expect == "yes":
            assert z.name in hit, (z.name, h, z.floor_m, z.ceiling_m)
        elif expect == "no":
            assert z.name not in hit, (z.name, h, z.floor_m, z.ceiling_m)


@settings(max_examples=60, deadline=None)
@given(
    pts=st.lists(point, min_size=2, max_size=5, unique=True),
    fence_xy=point,
    size=st.tuples(st.floats(50, 400), st.floats(50, 400)),
    h=st.floats(5.0, 110.0),
    ceiling=st.one_of(st.none(), st.floats(20.0, 150.0)),
)
def test_geofence_classification_matches_exact_oracle(frame, pts, fence_xy, size, h, ceiling):
    xy = np.array([(X0 + x, Y0 + y) for x, y in pts])
    if np.min(np.hypot(*np.diff(xy, axis=0).T)) < 1.0:
        return
    fx, fy = X0 + fence_xy[0], Y0 + fence_xy[1]
    geom = shapely.box(fx, fy, fx + size[0], fy + size[1])
    fence = Zone(geom, True, ceiling_m=math.inf if ceiling is None else ceiling, name="fence")
    report = preflight(line_mission(frame, xy, h), CheckConfig(zones=(fence,)))
    exits = [v for v in report.violations if v.kind == "geofence_exit"]
    line = shapely.LineString(xy)
    outside = line.difference(geom).length
    over = ceiling is not None and h > ceiling
    if outside >= 2.0 or (ceiling is not None and h > ceiling + 1e-6):
        assert exits
    elif line.distance(geom.boundary) > 0.01 and outside == 0 and not over:
        assert not exits
