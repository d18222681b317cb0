"""The spray planner on convex fields, measured independently of its own bookkeeping."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from airwork.aircraft import load_aircraft
from airwork.errors import AircraftError, InfeasibleMissionError
from airwork.geo import LocalFrame
from airwork.mission import LegKind
from airwork.planners.fieldwork.spray import SprayParams, SprayProblem, plan_spray, sweep_lines

FRAME = LocalFrame.for_lonlat(1.45, 43.55)
X0, Y0 = FRAME.to_local(1.45, 43.55)


def field(coords) -> shapely.Polygon:
    return shapely.Polygon([(X0 + x, Y0 + y) for x, y in coords])


QUAD = field([(0, 0), (480, 130), (420, 380), (-30, 260)])  # ~12 ha, slanted edges
STATION = ((X0 - 20.0, Y0 - 20.0),)


def spray_legs(mission) -> np.ndarray:
    """(n, 2, 2) start/end of every spray-on leg, read from the mission's legs."""
    segs = []
    for s in mission.sorties:
        for i, leg in enumerate(s.legs):
            if leg.spraying:
                a, b = s.waypoints[i], s.waypoints[i + 1]
                segs.append([(a.x_m, a.y_m), (b.x_m, b.y_m)])
    return np.asarray(segs, dtype=float)


def measured_coverage(mission, area, swath_m) -> tuple[float, float]:
    """Covered fraction and overspray fraction from spray legs buffered by half the swath
    (flat ends), as the field-work issue defines them."""
    bands = shapely.buffer(shapely.linestrings(spray_legs(mission)), swath_m / 2, cap_style="flat")
    covered = shapely.union_all(bands)
    inside = shapely.intersection(covered, area).area
    return inside / area.area, (covered.area - inside) / area.area


@pytest.fixture(scope="module")
def result_40():
    problem = SprayProblem(
        field=QUAD, stations=STATION, aircraft=load_aircraft("sprayer-40"), frame=FRAME, name="quad"
    )
    return plan_spray(problem, SprayParams(rate_per_ha=15.0))


def test_covers_the_field(result_40):
    """At least 99 % of the field lies under a spray-on swath; overspray stays under 2 %."""
    cov, over = measured_coverage(result_40.mission, QUAD, result_40.swath_m)
    assert cov >= 0.99
    assert over <= 0.02


def test_swaths_run_along_longest_edge(result_40):
    """Default direction is the longest edge's (here the 0 -> 480,130 edge, 15.2°)."""
    assert result_40.angle_deg == pytest.approx(np.degrees(np.arctan2(130, 480)), abs=1e-6)
    d = np.diff(spray_legs(result_40.mission), axis=1)[:, 0]
    ang = np.degrees(np.arctan2(d[:, 1], d[:, 0])) % 180
    assert np.allclose(ang, result_40.angle_deg, atol=1e-6)


def test_spray_switches_at_the_boundary(result_40):
    """On every line the sprayer runs exactly over the field's extent inside that line's
    swath band (computed here by clipping the band to the field), to 1 cm."""
    segs = spray_legs(result_40.mission)
    a = np.radians(result_40.angle_deg)
    u, n = np.array([np.cos(a), np.sin(a)]), np.array([-np.sin(a), np.cos(a)])
    along = segs @ u  # (k, 2)
    offset = np.round((segs[:, 0] @ n) * 1000) / 1000
    w = result_40.swath_m
    for off in np.unique(offset):
        on = along[offset == off]
        lo, hi = on.min(), on.max()
        c = off * n
        band = shapely.Polygon(
            [
                c + t * u + s * n
                for t, s in [
                    (lo - 1e4, -w / 2),
                    (hi + 1e4, -w / 2),
                    (hi + 1e4, w / 2),
                    (lo - 1e4, w / 2),
                ]
            ]
        )
        clip = shapely.get_coordinates(shapely.intersection(band, QUAD)) @ u
        assert lo == pytest.approx(clip.min(), abs=0.01)
        assert hi == pytest.approx(clip.max(), abs=0.01)


def test_every_sortie_within_tank_and_battery(result_40):
    """Liquid per sortie <= tank; energy per sortie <= usable energy less reserve."""
    ac = load_aircraft("sprayer-40")
    for s in result_40.mission.sorties:
        assert s.payload_start_kg <= ac.spray_tank.capacity_l + 1e-9
        assert s.payload_used_kg <= s.payload_start_kg + 1e-9
        assert s.energy_wh <= ac.usable_energy_wh * (1 - ac.reserve_frac) + 1e-6
        assert s.legs[0].kind == LegKind.TAKEOFF and s.legs[-1].kind == LegKind.LANDING
        assert s.waypoints[0].alt_m == 0 and s.waypoints[-1].alt_m == 0


def test_liquid_matches_rate(result_40):
    """Liquid sprayed = rate x sprayed swath area (length x swath), to 0.1 %."""
    segs = spray_legs(result_40.mission)
    length = np.hypot(*np.diff(segs, axis=1)[:, 0].T).sum()
    expected = 15.0 * length * result_40.swath_m / 10_000
    used = sum(s.payload_used_kg for s in result_40.mission.sorties)
    assert used == pytest.approx(expected, rel=1e-3)


def test_sorties_resume_where_the_last_stopped(result_40):
    """The first spray point of each sortie is the last spray point of the previous one, or
    the start of the next line."""
    sorties = result_40.mission.sorties
    assert len(sorties) >= 2
    for prev, nxt in itertools.pairwise(sorties):
        last = [
            (w.x_m, w.y_m)
            for w, leg in zip(prev.waypoints[1:], prev.legs, strict=True)
            if leg.spraying
        ][-1]
        first = next(
            (prev_w.x_m, prev_w.y_m)
            for prev_w, leg in zip(nxt.waypoints, nxt.legs, strict=False)
            if leg.spraying
        )
        gap = np.hypot(last[0] - first[0], last[1] - first[1])
        assert gap < 1e-6 or gap <= result_40.swath_m * 1.01 + 1e-6


def test_battery_limit_splits_sorties():
    """With a 60 % reserve the battery, not the tank, ends sorties, and each still fits.

    Each sortie loads just what it sprays, so battery-limited sorties carry less than a
    full tank (and are lighter for it)."""
    ac = load_aircraft("sprayer-40")
    problem = SprayProblem(field=QUAD, stations=STATION, aircraft=ac, frame=FRAME)
    r = plan_spray(problem, SprayParams(rate_per_ha=15.0, reserve_frac=0.6))
    budget = ac.usable_energy_wh * 0.4
    tank = ac.payload
    tank_kg = min(tank.capacity_l * tank.liquid_density_kg_per_l, ac.max_payload_kg)
    assert all(s.payload_start_kg < tank_kg - 1.0 for s in r.mission.sorties[:-1])
    assert all(abs(s.payload_used_kg - s.payload_start_kg) < 1e-6 for s in r.mission.sorties)
    assert all(s.energy_wh <= budget + 1e-6 for s in r.mission.sorties)
    cov, _ = measured_coverage(r.mission, QUAD, r.swath_m)
    assert cov >= 0.99


def test_pump_limit_lowers_speed():
    """A rate the pump cannot deliver at 6 m/s lowers the work speed, with a warning."""
    problem = SprayProblem(
        field=QUAD, stations=STATION, aircraft=load_aircraft("sprayer-10"), frame=FRAME
    )
    r = plan_spray(problem, SprayParams(rate_per_ha=15.0))
    flow_l_min = 15.0 * r.swath_m * r.speed_mps / 10_000 * 60
    assert flow_l_min == pytest.approx(2.4, rel=1e-6)
    assert r.warnings


def test_impossible_battery_is_refused():
    """A station 20 km away: refused with a message naming the aircraft, not planned."""
    far = ((X0 - 20_000.0, Y0),)
    problem = SprayProblem(
        field=QUAD, stations=far, aircraft=load_aircraft("sprayer-40"), frame=FRAME
    )
    with pytest.raises(InfeasibleMissionError, match="sprayer-40"):
        plan_spray(problem, SprayParams(rate_per_ha=15.0))


def test_aircraft_without_tank_is_refused():
    with pytest.raises(AircraftError, match="no spray tank"):
        SprayProblem(
            field=QUAD, stations=STATION, aircraft=load_aircraft("mapper-quad"), frame=FRAME
        )


def test_params_are_checked():
    with pytest.raises(ValueError, match="rate_per_ha"):
        SprayParams(rate_per_ha=-1)


def test_same_input_same_plan():
    """The planner is deterministic."""
    problem = SprayProblem(
        field=QUAD, stations=STATION, aircraft=load_aircraft("sprayer-40"), frame=FRAME
    )
    a = plan_spray(problem, SprayParams(rate_per_ha=20.0))
    b = plan_spray(problem, SprayParams(rate_per_ha=20.0))
    assert np.array_equal(spray_legs(a.mission), spray_legs(b.mission))


def test_convex_path_near_lower_bound(result_40):
    """Work path (spray lines and turns) within 10 % of area / swath plus the turns."""
    work = sum(
        leg.distance_m
        for s in result_40.mission.sorties
        for leg in s.legs
        if leg.kind == LegKind.WORK
    )
    assert work <= 1.10 * result_40.lower_bound_m


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pts=st.lists(st.tuples(st.floats(0, 700), st.floats(0, 500)), min_size=5, max_size=12),
    angle=st.one_of(st.none(), st.floats(0, 179)),
)
def test_random_convex_fields_are_covered(pts, angle):
    """Random convex fields: >= 99 % covered, every sortie within tank and battery."""
    hull = shapely.convex_hull(shapely.multipoints([(X0 + x, Y0 + y) for x, y in pts]))
    if (
        hull.geom_type != "Polygon"
        or hull.area < 5_000
        or shapely.minimum_rotated_rectangle(hull).length < 100
    ):
        return
    ac = load_aircraft("sprayer-40")
    problem = SprayProblem(field=hull, stations=STATION, aircraft=ac, frame=FRAME)
    r = plan_spray(problem, SprayParams(rate_per_ha=15.0, angle_deg=angle))
    cov, _ = measured_coverage(r.mission, hull, r.swath_m)
    assert cov >= 0.99
    for s in r.mission.sorties:
        assert s.energy_wh <= ac.mission_energy_wh + 1e-6
        assert s.payload_used_kg <= ac.spray_tank.capacity_l + 1e-9


def test_sweep_lines_thin_strip():
    """A strip narrower than a swath gets exactly one line down its middle."""
    strip = field([(0, 0), (300, 0), (300, 6), (0, 6)])
    segs, _lines = sweep_lines(strip, 11.0, 0.0)
    assert len(segs) == 1
    assert segs[0, 0, 1] == pytest.approx(Y0 + 3.0)


# ------------------------------------------------------------------ obstacles, holes, zones
POND_FIELD = field([(0, 0), (800, 0), (800, 500), (0, 500)]).difference(
    field([(500, 300), (600, 290), (620, 380), (520, 400)])
)
PYLONS = shapely.union_all(
    [
        shapely.box(X0 + x - 2.5, Y0 + 250 + 0.2 * x - 2.5, X0 + x + 2.5, Y0 + 250 + 0.2 * x + 2.5)
        for x in range(60, 800, 180)
    ]
    + [shapely.Point(X0 + 200, Y0 + 400).buffer(15)]
)
NO_SPRAY = field([(0, 0), (800, 0), (800, 15), (0, 15)])


@pytest.fixture(scope="module")
def obstacle_result():
    problem = SprayProblem(
        field=POND_FIELD,
        stations=STATION,
        aircraft=load_aircraft("sprayer-40"),
        frame=FRAME,
        obstacles=PYLONS,
        clearance_m=5.0,
        no_spray=NO_SPRAY,
    )
    return problem, plan_spray(problem, SprayParams(rate_per_ha=15.0))


def all_legs(mission) -> np.ndarray:
    segs = []
    for s in mission.sorties:
        for i, leg in enumerate(s.legs):
            if leg.distance_m > 0:
                a, b = s.waypoints[i], s.waypoints[i + 1]
                segs.append([(a.x_m, a.y_m), (b.x_m, b.y_m)])
    return np.asarray(segs)


def test_obstacles_holes_and_no_spray_covered(obstacle_result):
    """A field with a pond (hole), five pylons, a tree and a no-spray strip: >= 99 % of the
    sprayable area covered, overspray <= 2 %."""
    problem, r = obstacle_result
    cov, over = measured_coverage(r.mission, problem.sprayable, r.swath_m)
    assert cov >= 0.99
    assert over <= 0.02
    assert r.cell_count > 1


def test_no_leg_enters_an_obstacle_clearance_zone(obstacle_result):
    """Every leg, transits and returns included, stays out of the obstacles' clearance."""
    problem, r = obstacle_result
    zone = PYLONS.buffer(problem.clearance_m - 0.01)
    inside = shapely.length(shapely.intersection(shapely.linestrings(all_legs(r.mission)), zone))
    assert inside.sum() == pytest.approx(0.0, abs=1e-6)


def test_no_spraying_in_no_spray_zone_or_pond(obstacle_result):
    """Spray legs have no length inside the no-spray strip or over the pond."""
    _, r = obstacle_result
    pond = shapely.Polygon(POND_FIELD.interiors[0])
    legs = shapely.linestrings(spray_legs(r.mission))
    for zone in (NO_SPRAY, pond):
        assert shapely.length(shapely.intersection(legs, zone.buffer(-0.01))).sum() < 0.01


def test_station_too_close_to_obstacle_is_refused():
    problem = SprayProblem(
        field=QUAD,
        stations=((X0 + 100.0, Y0 + 100.0),),
        aircraft=load_aircraft("sprayer-40"),
        frame=FRAME,
        obstacles=shapely.Point(X0 + 102, Y0 + 100).buffer(3),
    )
    with pytest.raises(InfeasibleMissionError, match="station 1"):
        plan_spray(problem, SprayParams(rate_per_ha=15.0))


def test_boundary_passes_cover_and_trim_overspray():
    """A U-shaped field with one headland pass: covered, and the overspray of the global
    grid at the inner corners disappears."""
    u = field(
        [(0, 0), (500, 0), (500, 400), (380, 400), (380, 120), (120, 120), (120, 400), (0, 400)]
    )
    problem = SprayProblem(
        field=u, stations=STATION, aircraft=load_aircraft("sprayer-40"), frame=FRAME
    )
    r = plan_spray(problem, SprayParams(rate_per_ha=15.0, boundary_passes=1))
    cov, over = measured_coverage(r.mission, u, r.swath_m)
    assert cov >= 0.99 and over <= 0.005


def test_start_corner():
    """start_corner='ne' makes the first spray leg start at the north-east corner."""
    problem = SprayProblem(
        field=QUAD, stations=STATION, aircraft=load_aircraft("sprayer-40"), frame=FRAME
    )
    r = plan_spray(problem, SprayParams(rate_per_ha=15.0, start_corner="ne"))
    first = spray_legs(r.mission)[0, 0]
    assert np.hypot(first[0] - (X0 + 420), first[1] - (Y0 + 380)) < 3 * r.swath_m


def test_field_too_small_for_one_swath_is_refused():
    """A 3 m x 3 m field: refused with the reason, not planned with 1000 % overspray."""
    tiny = field([(0, 0), (3, 0), (3, 3), (0, 3)])
    problem = SprayProblem(
        field=tiny, stations=STATION, aircraft=load_aircraft("sprayer-40"), frame=FRAME
    )
    with pytest.raises(InfeasibleMissionError, match="too small"):
        plan_spray(problem, SprayParams(rate_per_ha=15.0))
