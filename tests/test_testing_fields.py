"""The seeded synthetic field generator: areas, validity, determinism, shapes."""

from __future__ import annotations

import numpy as np
import pytest
import shapely

from airwork.testing.fields import FIELD_KINDS, SyntheticJob, field_suite, generate_field

SUITE = field_suite()


def ident(job: SyntheticJob) -> str:
    return job.name


@pytest.mark.parametrize("job", SUITE, ids=ident)
def test_area_within_two_percent(job):
    assert job.field.area / 1e4 == pytest.approx(job.area_ha, rel=0.02)


@pytest.mark.parametrize("job", SUITE, ids=ident)
def test_geometry_valid(job):
    assert job.field.geom_type == "Polygon"
    assert job.field.is_valid
    for g in (job.obstacles, job.no_spray):
        if g is not None:
            assert g.is_valid and not g.is_empty


@pytest.mark.parametrize("job", SUITE, ids=ident)
def test_obstacles_strictly_inside_and_off_holes(job):
    """Obstacles and no-spray zones lie inside the field (so off its holes); obstacles keep
    5 m (the default clearance) from the field's edge."""
    if job.obstacles is not None:
        assert job.field.contains(job.obstacles.buffer(5.0))
    if job.no_spray is not None:
        assert job.no_spray.difference(job.field).area < 1e-6


@pytest.mark.parametrize("job", SUITE, ids=ident)
def test_stations_outside_off_a_corner(job):
    assert 1 <= len(job.stations) <= 2
    for st in job.stations:
        d = job.field.exterior.distance(shapely.Point(st))
        assert not job.field.contains(shapely.Point(st))
        assert 10.0 - 1e-6 <= d <= 40.0 + 1e-6


def test_deterministic_per_seed():
    for kind in FIELD_KINDS:
        a, b = generate_field(kind, 20.0, 7), generate_field(kind, 20.0, 7)
        assert shapely.equals_exact(a.field, b.field, 0.0)
        assert a.stations == b.stations
        for ga, gb in ((a.obstacles, b.obstacles), (a.no_spray, b.no_spray)):
            assert (ga is None) == (gb is None)
            if ga is not None:
                assert shapely.equals_exact(ga, gb, 0.0)
        c = generate_field(kind, 20.0, 8)
        assert not shapely.equals_exact(a.field, c.field, 1e-3)


@pytest.mark.parametrize("job", [j for j in SUITE if j.kind in ("l_shape", "u_shape")], ids=ident)
def test_concave_kinds_are_concave(job):
    """L and U shapes fill at most 95 % of their convex hull; their arms are >= 60 m wide,
    so a 29 m inset stays in one piece (a 1 ha U cannot have three 60 m arms and a real
    notch: its base narrows to 40 m there)."""
    solidity = job.field.area / job.field.convex_hull.area
    assert solidity < 0.95
    inset = 19.0 if (job.kind, job.area_ha) == ("u_shape", 1.0) else 29.0
    assert shapely.get_num_geometries(job.field.buffer(-inset)) == 1


@pytest.mark.parametrize("job", [j for j in SUITE if j.kind == "wavy"], ids=ident)
def test_wavy_edges_are_not_straight(job):
    assert job.field.area / job.field.convex_hull.area < 0.99


def test_kinds_have_their_features():
    by = {(j.kind, j.area_ha): j for j in SUITE}
    for a in (1.0, 5.0, 20.0, 50.0, 200.0):
        ponds = by["ponds", a]
        assert 1 <= len(ponds.field.interiors) <= 3 and ponds.no_spray is not None
        pyl = by["pylons", a]
        parts = shapely.get_parts(pyl.obstacles)
        squares = [p for p in parts if p.area < 50.0]
        assert 3 <= len(squares) <= 12
        assert len(parts) == len(squares) + 1  # the tree island
        for kind in ("rectangle", "convex", "l_shape", "u_shape", "wavy"):
            assert by[kind, a].obstacles is None and not by[kind, a].field.interiors
    for a in (1.0, 5.0):
        strip = by["strip", a]
        rect = shapely.minimum_rotated_rectangle(strip.field)
        xy = np.asarray(rect.exterior.coords)
        sides = np.hypot(*np.diff(xy, axis=0).T)
        assert min(sides) == pytest.approx(20.0, abs=1e-3)


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError, match="kind"):
        generate_field("hexagon", 5.0, 0)
