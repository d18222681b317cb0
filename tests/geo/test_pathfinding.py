"""The shared path-finder against analytic shortest paths and a brute-force check."""

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from airwork.errors import GeometryError, InfeasibleMissionError
from airwork.geo.pathfinding import PathFinder


def length(p: np.ndarray) -> float:
    return float(np.sum(np.hypot(*np.diff(p, axis=0).T)))


def enters(path: np.ndarray, zones) -> float:
    """Length of the path inside the zones' interiors (shrunk 1 cm). [m]"""
    inner = shapely.union_all([z.buffer(-0.011) for z in zones])
    return shapely.intersection(shapely.LineString(path), inner).length


def test_straight_when_clear():
    pf = PathFinder(shapely.box(0, 0, 10, 10))
    p = pf.path((-5, -5), (-5, 20))
    assert p.shape == (2, 2)
    assert pf.length_m((-5, -5), (-5, 20)) == pytest.approx(25.0)


def test_around_a_circle_near_analytic():
    """Tangent-arc-tangent around a circle of r = 10 m from 30 m each side: the path is
    at most 2 % longer (0.5 m margin plus the polygon outline) and never shorter."""
    pf = PathFinder(shapely.Point(0, 0).buffer(10))
    r, d = 10.0, 30.0
    exact = 2 * np.sqrt(d * d - r * r) + r * (np.pi - 2 * np.arccos(r / d))
    got = pf.length_m((-30, 0), (30, 0))
    assert exact <= got <= 1.02 * exact
    assert enters(pf.path((-30, 0), (30, 0)), pf.zones) == 0.0


def test_around_a_square_exact():
    """Around a 20 m square the shortest path touches two corners: grown by the margin."""
    pf = PathFinder(shapely.box(-10, -10, 10, 10), margin_m=0.5)
    got = pf.length_m((-30, 0), (30, 0))
    corner = np.hypot(19.5, 10.5)
    assert got == pytest.approx(2 * corner + 21.0, rel=0.01)


def test_point_inside_zone_raises():
    pf = PathFinder(shapely.box(0, 0, 10, 10))
    with pytest.raises(GeometryError, match="inside forbidden zone 0"):
        pf.path((5, 5), (50, 50))


def test_enclosed_target_raises():
    ring = shapely.Point(0, 0).buffer(50).difference(shapely.Point(0, 0).buffer(40))
    pf = PathFinder(ring)
    with pytest.raises(InfeasibleMissionError):
        pf.path((0, 0), (100, 0))


def test_prefer_inside_keeps_to_the_corridor():
    """Two equally short ways round a square; the one inside the corridor is taken."""
    block = shapely.box(-5, -5, 5, 5)
    corridor = shapely.box(-40, -2, 40, 30)  # the northern detour lies inside
    pf = PathFinder(block, prefer_inside=corridor, outside_penalty=3.0)
    p = pf.path((-20, 0), (20, 0))
    assert np.all(p[:, 1] >= -1e-9)


def test_lengths_matrix_matches_pairwise():
    zones = [shapely.box(0, 0, 10, 40), shapely.Point(40, 20).buffer(8)]
    pf = PathFinder(zones)
    a = np.array([[-10.0, 20.0], [25.0, -10.0]])
    b = np.array([[60.0, 20.0], [20.0, 60.0], [5.0, 50.0]])
    m = pf.lengths_m(a, b)
    for i in range(len(a)):
        for j in range(len(b)):
            assert m[i, j] == pytest.approx(pf.length_m(a[i], b[j]), rel=1e-9)


def _brute_force(zones, a, b, margin=0.5):
    """Naive visibility graph over all grown-zone vertices (no simplification)."""
    grown = shapely.union_all([z.buffer(margin, join_style="mitre") for z in zones])
    inner = shapely.union_all([z.buffer(-0.011) for z in zones])
    nodes = [np.asarray(a), np.asarray(b)]
    for p in shapely.get_parts(grown):
        nodes += list(shapely.get_coordinates(p.exterior)[:-1])
    nodes = np.array(nodes)
    n = len(nodes)
    dist = np.full(n, np.inf)
    dist[0] = 0
    done = np.zeros(n, bool)
    for _ in range(n):
        u = int(np.argmin(np.where(done, np.inf, dist)))
        if not np.isfinite(dist[u]):
            break
        done[u] = True
        for v in range(n):
            if done[v]:
                continue
            seg = shapely.LineString([nodes[u], nodes[v]])
            if not seg.intersects(inner):
                dist[v] = min(dist[v], dist[u] + np.hypot(*(nodes[v] - nodes[u])))
    return dist[1]


@settings(max_examples=30, deadline=None)
@given(
    centres=st.lists(
        st.tuples(st.floats(-80, 80), st.floats(-80, 80), st.floats(3, 15)), min_size=1, max_size=5
    ),
    ends=st.tuples(
        st.floats(-120, 120), st.floats(-120, 120), st.floats(-120, 120), st.floats(-120, 120)
    ),
)
def test_random_zones_paths_are_clear_and_short(centres, ends):
    """Random square zones: the path never enters a zone, is no shorter than the straight
    line, and no longer than 1.08 x a naive full visibility graph (outline simplification)."""
    zones = [shapely.box(x - r, y - r, x + r, y + r) for x, y, r in centres]
    a, b = np.array(ends[:2]), np.array(ends[2:])
    union = shapely.union_all(zones)
    if union.buffer(1.0).contains(shapely.Point(a)) or union.buffer(1.0).contains(shapely.Point(b)):
        return
    pf = PathFinder(zones)
    try:
        p = pf.path(a, b)
    except InfeasibleMissionError:
        assert not np.isfinite(_brute_force(zones, a, b))
        return
    assert enters(p, zones) < 1e-6
    got = length(p)
    assert got >= np.hypot(*(b - a)) - 1e-9
    brute = _brute_force(zones, a, b)
    assert got <= 1.08 * brute + 1e-6


@settings(max_examples=40, deadline=None)
@given(
    centres=st.lists(
        st.tuples(st.floats(-80, 80), st.floats(-80, 80), st.floats(1, 30), st.integers(0, 2)),
        min_size=1,
        max_size=6,
    ),
    seed=st.integers(0, 2**31 - 1),
)
def test_clear_many_matches_the_plain_predicate(centres, seed):
    """The bounding-circle shortcut in ``clear_many`` never changes an answer: each segment
    (points too) is clear exactly when it misses every zone shrunk by 1 cm, tested here with
    one shapely predicate against the union.  Circles, squares and rings (zones with a hole,
    whose inside is free) of random size."""
    zones = []
    for x, y, r, kind in centres:
        if kind == 0:
            zones.append(shapely.Point(x, y).buffer(r))
        elif kind == 1:
            zones.append(shapely.box(x - r, y - r, x + r, y + r))
        else:
            zones.append(
                shapely.Point(x, y).buffer(r).difference(shapely.Point(x, y).buffer(r / 2))
            )
    pf = PathFinder(zones)
    rng = np.random.default_rng(seed)
    a = rng.uniform(-130, 130, (400, 2))
    b = np.where(rng.random((400, 1)) < 0.05, a, rng.uniform(-130, 130, (400, 2)))
    inner = shapely.union_all(
        [z.buffer(-0.01) for z in shapely.get_parts(shapely.union_all(zones))]
    )
    same = np.all(a == b, axis=1)
    geoms = np.where(same, shapely.points(a), shapely.linestrings(np.stack([a, b], axis=1)))
    expected = ~shapely.intersects(geoms, inner)
    np.testing.assert_array_equal(pf.clear_many(a, b), expected)
