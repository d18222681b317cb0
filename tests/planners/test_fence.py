"""The mission's inclusion fence: one polygon around everything flown."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from airwork.planners.fence import inclusion_fence

FIELD = shapely.box(0, 0, 300, 200)


def inside(fence, pts) -> bool:
    return bool(np.all(shapely.contains_xy(fence, pts[:, 0], pts[:, 1])))


def test_an_obstacle_inside_is_carved_by_half_the_clearance():
    pts = np.array([[-20.0, -20.0], [10, 10], [290, 190]])
    tree = shapely.Point(150, 100).buffer(8)
    fence, notes = inclusion_fence(FIELD, pts, tree, 2.5, 20.0)
    assert fence.geom_type == "Polygon" and inside(fence, pts) and notes == ()
    assert len(fence.interiors) == 1
    hole = shapely.Polygon(fence.interiors[0])
    grown = shapely.buffer(tree, 2.5, join_style="mitre", mitre_limit=1.5)
    assert hole.area == pytest.approx(grown.area, rel=1e-9)
    assert hole.area == pytest.approx(np.pi * 10.5**2, rel=0.01)  # the tree, 2.5 m round it
    hull = shapely.convex_hull(shapely.union(FIELD, shapely.multipoints(pts))).buffer(20.0)
    assert fence.area == pytest.approx(hull.area - hole.area, rel=1e-9)


def test_a_strip_across_the_field_keeps_the_fence_whole_around_the_detour():
    """The path goes round the strip's end: the fence holds that detour and stays one
    polygon (the old fence kept the larger half and the flight 'left the geofence')."""
    strip = shapely.box(-60, 95, 360, 110)
    detour = np.array([[-20.0, -20.0], [10, 50], [370, 90], [370, 120], [10, 150], [290, 190]])
    fence, notes = inclusion_fence(FIELD, detour, strip, 2.5, 20.0)
    assert fence.geom_type == "Polygon" and inside(fence, detour) and notes == ()
    assert not fence.intersects(strip.buffer(2.4))  # still carved
    assert fence.intersects(strip.buffer(2.6))


def test_an_obstacle_that_would_cut_the_fence_in_two_is_left_in_with_a_note():
    strip = shapely.box(-500, 95, 800, 110)  # wider than everything flown
    pts = np.array([[-20.0, -20.0], [10, 50], [10, 150], [290, 190]])
    fence, notes = inclusion_fence(FIELD, pts, strip, 2.5, 20.0)
    assert fence.geom_type == "Polygon" and inside(fence, pts)
    assert len(notes) == 1 and "1 obstacle(s)" in notes[0]
    tree = shapely.Point(150, 30).buffer(5)  # carved all the same
    fence2, notes2 = inclusion_fence(FIELD, pts, shapely.union(strip, tree), 2.5, 20.0)
    assert inside(fence2, pts) and len(fence2.interiors) == 1 and len(notes2) == 1


def test_a_square_pylon_stays_a_four_vertex_hole():
    """Mitred carving: a pylon's footprint costs the autopilot's fence 4 vertices, not 30,
    and no corner reaches past 1.5 x the carve distance (within the path's clearance)."""
    pts = np.array([[-20.0, -20.0], [290, 190]])
    pylon = shapely.box(148, 98, 152, 102)
    fence, _ = inclusion_fence(FIELD, pts, pylon, 2.5, 20.0)
    hole = shapely.Polygon(fence.interiors[0])
    assert len(hole.exterior.coords) - 1 == 4
    assert hole.covers(pylon.buffer(2.5))
    assert pylon.hausdorff_distance(hole) <= 1.5 * 2.5 + 1e-9
