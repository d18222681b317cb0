"""The mapping-survey planner: camera geometry against published figures, and image coverage
measured independently from the mission's camera legs."""

from __future__ import annotations

import itertools
import json
import math

import numpy as np
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from numpy.testing import assert_allclose

from airwork.aircraft import load_aircraft
from airwork.aircraft.components import Camera
from airwork.autopilot.mission_items import mission_items
from airwork.errors import AircraftError, GeometryError, InfeasibleMissionError
from airwork.geo import LocalFrame
from airwork.planners.survey import (
    SurveyParams,
    SurveyProblem,
    altitude_for_gsd_m,
    footprint_m,
    ground_sample_distance_m,
    line_spacing_m,
    plan_survey,
    trigger_distance_m,
)
from airwork.testing.fields import generate_field

FRAME = LocalFrame.for_lonlat(1.45, 43.55)
X0, Y0 = FRAME.to_local(1.45, 43.55)
MAV_CMD_DO_SET_CAM_TRIGG_DIST = 206
NAV_COMMANDS = {16, 21, 22}  # NAV_WAYPOINT, NAV_LAND, NAV_TAKEOFF


def area(coords) -> shapely.Polygon:
    return shapely.Polygon([(X0 + x, Y0 + y) for x, y in coords])


QUAD = area([(0, 0), (900, 150), (850, 700), (-50, 600)])  # ~52 ha, slanted edges
SQUARE = area([(0, 0), (500, 0), (500, 500), (0, 500)])  # 25 ha
L_SHAPE = area([(0, 0), (700, 0), (700, 250), (250, 250), (250, 700), (0, 700)])  # concave
STATION = ((X0 - 30.0, Y0 - 30.0),)
MAPPER = load_aircraft("mapper-quad")


def problem(geom=QUAD, aircraft=MAPPER, **kw) -> SurveyProblem:
    return SurveyProblem(area=geom, stations=STATION, aircraft=aircraft, frame=FRAME, **kw)


# ----------------------------------------------------------------------------- independent checks
def camera_runs(mission) -> list[tuple[np.ndarray, np.ndarray]]:
    """(start, end) of every camera leg, read from the mission's legs. [m]"""
    runs = []
    for s in mission.sorties:
        for i, leg in enumerate(s.legs):
            if leg.camera:
                a, b = s.waypoints[i], s.waypoints[i + 1]
                runs.append((np.array([a.x_m, a.y_m]), np.array([b.x_m, b.y_m])))
    return runs


def footprints(mission, trigger_m, across_m, along_m) -> list[shapely.Polygon]:
    """Footprint rectangles of photos taken at the start of every camera leg and then every
    ``trigger_m`` along it, oriented along the leg (image width across the track)."""
    out = []
    for a, b in camera_runs(mission):
        length = float(np.hypot(*(b - a)))
        u = (b - a) / length
        n = np.array([-u[1], u[0]])
        for t in np.arange(0.0, length + 1e-9, trigger_m):
            c = a + t * u
            du, dn = u * along_m / 2, n * across_m / 2
            out.append(shapely.Polygon([c - du - dn, c + du - dn, c + du + dn, c - du + dn]))
    return out


def covered_fraction(mission, geom, trigger_m, across_m, along_m) -> float:
    covered = shapely.union_all(footprints(mission, trigger_m, across_m, along_m))
    return shapely.intersection(covered, geom).area / geom.area


def side_overlaps(mission, across_m) -> np.ndarray:
    """Side overlap of neighbouring lines of each direction, 1 - offset / footprint width,
    from the perpendicular offsets of the camera legs."""
    runs = camera_runs(mission)
    by_dir: dict[int, tuple[float, list[np.ndarray]]] = {}
    for a, b in runs:
        ang = math.atan2(b[1] - a[1], b[0] - a[0]) % math.pi  # direction, either way
        by_dir.setdefault(round(math.degrees(ang)) % 180, (ang, []))[1].append(a)
    out = []
    for ang, starts in by_dir.values():
        n = np.array([-math.sin(ang), math.cos(ang)])
        o = np.unique(np.round(np.asarray(starts) @ n, 3))  # a split line counts once
        out.extend(1.0 - np.diff(o) / across_m)
    return np.asarray(out)


@pytest.fixture(scope="module")
def quad_result():
    return plan_survey(problem(), SurveyParams())


# ----------------------------------------------------------------------------- camera geometry
def test_altitude_for_gsd_pix4d_example():
    """Pix4D's worked example: image width 4000 px, GSD 5 cm, real focal length 5 mm, sensor
    width 6.17 mm -> flight height 162.07 m (Pix4D support article 202557469, "Ground
    sampling distance (GSD) in photogrammetry", eq. 4,
    https://support.pix4d.com/hc/en-us/articles/202557469)."""
    h = altitude_for_gsd_m(0.05, 5.0, 6.17, 4000)
    assert_allclose(h, 162.07, atol=0.005)  # published to 2 decimals
    assert_allclose(ground_sample_distance_m(162.07, 5.0, 6.17, 4000), 0.05, rtol=1e-4)


def test_gsd_and_footprint_pix4d_calculator():
    """Pix4D's GSD calculator spreadsheet (www.pix4d.com; copy at
    https://docs.google.com/spreadsheets/d/1Im4dpy2UP7ZKYenxhoYPUFXY-3BCemYo): Sw 13.125 mm,
    FR 15.4 mm, H 100 m, 4608 x 3456 px -> GSD 1.85 cm/px, footprint Dw 85 m x DH 64 m."""
    gsd = ground_sample_distance_m(100.0, 15.4, 13.125, 4608)
    assert_allclose(gsd * 100, 1.85, atol=0.005)  # published to 2 decimals
    cam = Camera(
        name="pix4d-example",
        mass_kg=0.1,
        sensor_width_mm=13.125,
        sensor_height_mm=13.125 * 3456 / 4608,  # square pixels
        image_width_px=4608,
        image_height_px=3456,
        focal_length_mm=15.4,
    )
    across, along = footprint_m(100.0, cam)
    assert_allclose([across, along], [85.0, 64.0], atol=0.5)  # published to whole metres


def test_gsd_is_linear_in_altitude_and_inverts():
    """GSD doubles with altitude, and altitude_for_gsd_m inverts ground_sample_distance_m."""
    h = np.array([20.0, 40.0, 80.0, 120.0])
    gsd = ground_sample_distance_m(h, 8.8, 13.2, 5472)
    assert_allclose(gsd / h, gsd[0] / h[0], rtol=1e-12)
    assert_allclose(altitude_for_gsd_m(gsd, 8.8, 13.2, 5472), h, rtol=1e-12)


def test_line_spacing_and_trigger_from_overlaps():
    """1-inch 20 MP camera (13.2 x 8.8 mm, 8.8 mm) at 80 m: footprint 120 x 80 m by hand, so
    70 % side overlap gives 36 m between lines and 75 % front overlap 20 m between photos."""
    across, along = footprint_m(80.0, MAPPER.camera)
    assert_allclose([across, along], [120.0, 80.0], rtol=1e-12)
    assert_allclose(line_spacing_m(across, 0.70), 36.0, rtol=1e-12)
    assert_allclose(trigger_distance_m(along, 0.75), 20.0, rtol=1e-12)
    assert_allclose(line_spacing_m(100.0, 0.0), 100.0)


# ----------------------------------------------------------------------------- planner
def test_result_figures(quad_result):
    """Default survey: 80 m, GSD 2.19 cm (80 * 13.2 / (8.8 * 5472) m), 36 m lines, 20 m
    trigger, 10 m/s (cruise; the camera's 2 s interval allows exactly 10 m/s)."""
    r = quad_result
    assert r.altitude_m == 80.0
    assert_allclose(r.gsd_m, 80 * 13.2 / (8.8 * 5472), rtol=1e-12)
    assert (r.line_spacing_m, r.trigger_distance_m) == pytest.approx((36.0, 20.0))
    assert r.speed_mps == pytest.approx(10.0)
    assert r.area_ha == pytest.approx(QUAD.area / 1e4)
    assert r.mission.kind == "survey" and r.mission.vehicle == "quadrotor"
    s = r.summary()
    assert s["gsd_cm"] == pytest.approx(2.193, abs=1e-3)
    assert s["photos"] == r.photo_count > 0
    assert s["sorties"] == len(r.mission.sorties) >= 2  # 52 ha needs more than one battery
    json.dumps(s)


def test_photo_count_matches_legs(quad_result):
    """Photo count = floor(L / d) + 1 per camera leg, summed, from the mission's legs."""
    d = quad_result.trigger_distance_m
    expect = sum(
        math.floor(np.hypot(*(b - a)) / d + 1e-9) + 1 for a, b in camera_runs(quad_result.mission)
    )
    assert quad_result.photo_count == expect


def test_images_cover_the_area(quad_result):
    """Footprints of photos every trigger distance along the camera legs cover >= 99.5 % of
    the area; side overlap of neighbouring lines is at least the requested one less 1 %."""
    r = quad_result
    across, along = 80 * 13.2 / 8.8, 80 * 8.8 / 8.8  # by hand, not from the planner
    assert covered_fraction(r.mission, QUAD, r.trigger_distance_m, across, along) >= 0.995
    ov = side_overlaps(r.mission, across)
    assert len(ov) == r.line_count - 1
    assert ov.min() >= 0.70 - 0.01


def test_lines_extend_one_footprint_past_the_area(quad_result):
    """Camera legs run at survey altitude and work speed; every whole line starts and ends
    one footprint along the track (the default extension) beyond the area's extent in its
    band (one line spacing wide)."""
    r = quad_result
    for s in r.mission.sorties:
        for i, leg in enumerate(s.legs):
            if leg.camera:
                assert s.waypoints[i].alt_m == s.waypoints[i + 1].alt_m == 80.0
                assert leg.speed_mps == pytest.approx(r.speed_mps)
    whole = 0
    for a, b in camera_runs(r.mission):
        if shapely.intersects(shapely.points([a, b]), QUAD).any():
            continue  # a sortie stopped mid-line here
        u = (b - a) / np.hypot(*(b - a))
        n = np.array([-u[1], u[0]]) * r.line_spacing_m / 2
        band = shapely.Polygon([a - 1e4 * u - n, b + 1e4 * u - n, b + 1e4 * u + n, a - 1e4 * u + n])
        along = shapely.get_coordinates(shapely.intersection(band, QUAD)) @ u
        assert along.min() - a @ u == pytest.approx(80.0, abs=1e-6)
        assert b @ u - along.max() == pytest.approx(80.0, abs=1e-6)
        whole += 1
    assert whole >= r.line_count - 2 * (len(r.mission.sorties) - 1)


def test_sorties_within_battery_with_reserve(quad_result):
    """Every sortie spends at most the usable energy less the reserve, also with a larger
    reserve, which needs at least as many sorties."""
    for s in quad_result.mission.sorties:
        assert s.energy_wh <= MAPPER.mission_energy_wh * (1 + 1e-6)
    r30 = plan_survey(problem(), SurveyParams(reserve_frac=0.3))
    budget = MAPPER.with_reserve(0.3).mission_energy_wh
    assert all(s.energy_wh <= budget * (1 + 1e-6) for s in r30.mission.sorties)
    assert len(r30.mission.sorties) >= len(quad_result.mission.sorties)


def test_trigger_commands_in_mavlink(quad_result):
    """DO_SET_CAM_TRIGG_DIST (206) follows the nav item of every camera-leg start with the
    trigger distance (param3 = 1: shoot at once) and of every camera-leg end with 0."""
    r = quad_result
    for s in r.mission.sorties:
        items = mission_items(r.mission, s)
        starts, ends = [], []
        for i, leg in enumerate(s.legs):
            if leg.camera and not s.legs[i - 1].camera:
                starts.append(s.waypoints[i])
            if leg.camera and not (i + 1 < len(s.legs) and s.legs[i + 1].camera):
                ends.append(s.waypoints[i + 1])
        found_on, found_off, last_nav = [], [], None
        for it in items[1:]:
            if it.command in NAV_COMMANDS:
                last_nav = it
            elif it.command == MAV_CMD_DO_SET_CAM_TRIGG_DIST:
                (found_on if it.params[0] > 0 else found_off).append((it, last_nav))
        assert len(found_on) == len(starts) >= 1 and len(found_off) == len(ends)
        for (it, nav), wp in zip(found_on, starts, strict=True):
            assert it.params[0] == pytest.approx(r.trigger_distance_m) and it.params[2] == 1
            lon, lat = r.mission.frame.to_lonlat(wp.x_m, wp.y_m)
            assert (nav.lat_deg, nav.lon_deg) == pytest.approx((lat, lon), abs=1e-9)
        for (it, nav), wp in zip(found_off, ends, strict=True):
            assert it.params[0] == 0.0
            lon, lat = r.mission.frame.to_lonlat(wp.x_m, wp.y_m)
            assert (nav.lat_deg, nav.lon_deg) == pytest.approx((lat, lon), abs=1e-9)


def dirs_of(a, b) -> int:
    """Direction of a leg, whole degrees in [0, 180)."""
    return round(math.degrees(math.atan2(b[1] - a[1], b[0] - a[0]))) % 180


def test_crosshatch_doubles_lines():
    """On a square a crosshatch flies twice the lines, the second grid at 90° after the
    first, and covers the area from both directions."""
    single = plan_survey(problem(SQUARE), SurveyParams(angle_deg=0.0))
    cross = plan_survey(problem(SQUARE), SurveyParams(angle_deg=0.0, crosshatch=True))
    assert cross.line_count == 2 * single.line_count
    assert cross.photo_count == pytest.approx(2 * single.photo_count, rel=0.05)
    dirs = [dirs_of(a, b) for a, b in camera_runs(cross.mission)]
    first_90 = dirs.index(90)
    assert set(dirs[:first_90]) == {0} and set(dirs[first_90:]) == {90}
    assert side_overlaps(cross.mission, cross.footprint_across_m).min() >= 0.70 - 0.01
    for grid in (0, 90):  # each grid alone covers the area
        legs = [(a, b) for a, b in camera_runs(cross.mission) if dirs_of(a, b) == grid]
        covered = shapely.union_all(
            shapely.buffer(
                shapely.linestrings(legs), cross.footprint_across_m / 2, cap_style="flat"
            )
        )
        assert shapely.intersection(covered, SQUARE).area >= 0.995 * SQUARE.area


def test_concave_l_shape_is_covered():
    """An L-shaped area is covered >= 99.5 % (lines cross the notch with the camera on)."""
    r = plan_survey(problem(L_SHAPE), SurveyParams(altitude_m=60.0))
    across, along = footprint_m(60.0, MAPPER.camera)
    assert covered_fraction(r.mission, L_SHAPE, r.trigger_distance_m, across, along) >= 0.995
    assert side_overlaps(r.mission, across).min() >= 0.70 - 0.01
    assert all(s.energy_wh <= MAPPER.mission_energy_wh * (1 + 1e-6) for s in r.mission.sorties)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    w=st.floats(40.0, 600.0),
    h=st.floats(40.0, 600.0),
    skew=st.floats(-150.0, 150.0),
    angle=st.one_of(st.none(), st.floats(0.0, 180.0)),
    gsd=st.floats(1.0, 3.0),
)
def test_coverage_invariant(w, h, skew, angle, gsd):
    """Random convex quadrilaterals, GSDs and line angles: footprints cover >= 99.5 % and
    every sortie fits the battery with reserve."""
    geom = area([(0, 0), (w, 0), (w + skew, h), (skew, h)])
    r = plan_survey(problem(geom), SurveyParams(gsd_cm=gsd, angle_deg=angle))
    assert (
        covered_fraction(
            r.mission, geom, r.trigger_distance_m, r.footprint_across_m, r.footprint_along_m
        )
        >= 0.995
    )
    assert all(s.energy_wh <= MAPPER.mission_energy_wh * (1 + 1e-6) for s in r.mission.sorties)


def test_gsd_sets_altitude_and_speed_is_limited_by_the_camera():
    """1.5 cm asks for 54.7 m; photos 13.7 m apart every 2 s limit the speed to 6.84 m/s,
    with a warning."""
    r = plan_survey(problem(SQUARE), SurveyParams(gsd_cm=1.5))
    assert r.altitude_m == pytest.approx(0.015 * 5472 * 8.8 / 13.2)
    assert r.gsd_m == pytest.approx(0.015)
    assert r.speed_mps == pytest.approx(r.trigger_distance_m / 2.0)
    assert any("camera" in w and "2 s" in w for w in r.warnings)


def test_vtol_below_wing_speed_warns():
    """The VTOL mapper at 80 m must slow to 10 m/s for the camera, below 1.2 x its 11 m/s
    stall speed: a warning says it flies the lines as a multirotor; at 120 m (15 m/s) none."""
    vtol = load_aircraft("vtol-mapper")
    low = plan_survey(problem(SQUARE, vtol), SurveyParams(altitude_m=80.0))
    assert low.speed_mps == pytest.approx(10.0)
    assert any("multirotor" in w for w in low.warnings)
    high = plan_survey(problem(SQUARE, vtol), SurveyParams(altitude_m=120.0))
    assert high.speed_mps == pytest.approx(15.0)
    assert not any("multirotor" in w for w in high.warnings)


def test_same_input_same_plan():
    """Planning is deterministic."""
    a = plan_survey(problem(L_SHAPE), SurveyParams())
    b = plan_survey(problem(L_SHAPE), SurveyParams())
    assert [s.waypoints for s in a.mission.sorties] == [s.waypoints for s in b.mission.sorties]


# ----------------------------------------------------------------------------- bad input
@pytest.mark.parametrize(
    ("kw", "match"),
    [
        ({"gsd_cm": 2.0, "altitude_m": 80.0}, "not both"),
        ({"front_overlap": 0.95}, "front_overlap"),
        ({"side_overlap": -0.1}, "side_overlap"),
        ({"altitude_m": 150.0}, "120 m ceiling"),
        ({"altitude_m": -5.0}, "altitude_m"),
        ({"transit_height_m": 121.0}, "transit_height_m"),
        ({"gsd_cm": 0.0}, "gsd_cm"),
        ({"speed_mps": float("nan")}, "speed_mps"),
        ({"extend_m": -1.0}, "extend_m"),
        ({"reserve_frac": 0.95}, "reserve_frac"),
        ({"camera": "cam-1in-20mp"}, "Camera"),
    ],
)
def test_params_validation(kw, match):
    """Bad parameters are refused on construction, naming the parameter."""
    with pytest.raises(ValueError, match=match):
        SurveyParams(**kw)


def test_higher_ceiling_when_authorised():
    """max_altitude_m lifts the 120 m ceiling."""
    assert SurveyParams(altitude_m=150.0, max_altitude_m=200.0).altitude_m == 150.0


def test_gsd_too_coarse_for_the_ceiling():
    """A GSD needing more than 120 m is refused, naming the coarsest GSD allowed (3.29 cm)."""
    with pytest.raises(InfeasibleMissionError, match=r"at most 3\.29 cm"):
        plan_survey(problem(SQUARE), SurveyParams(gsd_cm=5.0))


def test_aircraft_without_camera():
    """A sprayer has no camera: refused unless a camera is given in the params."""
    with pytest.raises(AircraftError, match="carries no camera"):
        plan_survey(problem(SQUARE, load_aircraft("sprayer-10")), SurveyParams())
    r = plan_survey(
        problem(SQUARE, load_aircraft("inspector-quad")),
        SurveyParams(camera=MAPPER.camera, altitude_m=60.0),
    )
    assert r.footprint_across_m == pytest.approx(60 * 13.2 / 8.8)


def all_legs(mission) -> list[shapely.LineString]:
    """Every horizontal leg of every sortie, transits included. [m]"""
    out = []
    for s in mission.sorties:
        xy = np.array([[w.x_m, w.y_m] for w in s.waypoints])
        for a, b in itertools.pairwise(xy):
            if np.hypot(*(b - a)) > 1e-9:
                out.append(shapely.LineString([a, b]))
    return out


def test_obstacles_avoided_with_clearance():
    """A mast in the middle and a row of pylons across a 25 ha square: no leg, camera legs,
    turns and transits alike, comes within the clearance; the photos still cover >= 99.5 %
    of the area outside the clearance zones; lines are cut there, giving more cells."""
    mast = shapely.Point(X0 + 250, Y0 + 250).buffer(3.0)
    pylons = shapely.union_all(
        [shapely.Point(X0 + x, Y0 + 120).buffer(2.0) for x in (60, 190, 320, 450)]
    )
    obstacles = shapely.union(mast, pylons)
    prob = problem(SQUARE, obstacles=obstacles, clearance_m=10.0)
    r = plan_survey(prob, SurveyParams(angle_deg=90.0))
    legs = all_legs(r.mission)
    assert min(shapely.distance(legs, obstacles)) >= 10.0 - 0.02
    free = shapely.difference(SQUARE, obstacles.buffer(10.0))
    across, along = footprint_m(80.0, MAPPER.camera)
    assert covered_fraction(r.mission, free, r.trigger_distance_m, across, along) >= 0.995
    assert r.cell_count > 1
    assert all(s.energy_wh <= MAPPER.mission_energy_wh * (1 + 1e-6) for s in r.mission.sorties)
    plain = plan_survey(problem(SQUARE), SurveyParams(angle_deg=90.0))
    assert plain.cell_count == 1 and r.line_count == plain.line_count


@pytest.mark.parametrize(
    ("kind", "area_ha"), [("u_shape", 50.0), ("ponds", 50.0), ("pylons", 20.0), ("wavy", 200.0)]
)
def test_synthetic_fields(kind, area_ha):
    """Seeded suite fields (concave, holes, pylon rows): photos cover >= 99.5 % of the area
    outside the clearance zones, no leg enters them, and every sortie fits the battery."""
    job = generate_field(kind, area_ha, seed=0)
    prob = SurveyProblem(
        area=job.field,
        stations=job.stations,
        aircraft=MAPPER,
        frame=job.frame,
        obstacles=job.obstacles,
    )
    r = plan_survey(prob, SurveyParams(gsd_cm=2.0))
    free = job.field if prob.forbidden is None else shapely.difference(job.field, prob.forbidden)
    cov = covered_fraction(
        r.mission, free, r.trigger_distance_m, r.footprint_across_m, r.footprint_along_m
    )
    assert cov >= 0.995
    if job.obstacles is not None:
        assert min(shapely.distance(all_legs(r.mission), job.obstacles)) >= 5.0 - 0.02
    assert all(s.energy_wh <= MAPPER.mission_energy_wh * (1 + 1e-6) for s in r.mission.sorties)


def test_station_within_clearance_refused():
    """A station inside an obstacle's clearance zone is refused, naming the station."""
    tree = shapely.Point(*STATION[0]).buffer(2.0)
    with pytest.raises(InfeasibleMissionError, match=r"station 1 .* within 5 m of an obstacle"):
        plan_survey(problem(SQUARE, obstacles=tree), SurveyParams())


def test_parts_far_apart_are_separate_cells():
    """Two 4 ha blocks 600 m apart: each is its own cell, the camera is off over the gap
    (no camera leg crosses its middle), and both are covered."""
    a = area([(0, 0), (200, 0), (200, 200), (0, 200)])
    b = area([(800, 0), (1000, 0), (1000, 200), (800, 200)])
    geom = shapely.union(a, b)
    r = plan_survey(problem(geom), SurveyParams(altitude_m=60.0, angle_deg=0.0))
    across, along = footprint_m(60.0, MAPPER.camera)
    assert r.cell_count == 2
    gap = shapely.LineString([(X0 + 500, Y0 - 1e3), (X0 + 500, Y0 + 1e3)])
    assert not any(
        shapely.intersects(shapely.LineString([p, q]), gap) for p, q in camera_runs(r.mission)
    )
    assert covered_fraction(r.mission, geom, r.trigger_distance_m, across, along) >= 0.995


def test_speed_faster_than_the_camera():
    """A work speed at which photos would come faster than the camera allows is refused."""
    with pytest.raises(InfeasibleMissionError, match=r"at most 10\.00 m/s"):
        plan_survey(problem(SQUARE), SurveyParams(speed_mps=12.0))
    with pytest.raises(AircraftError, match="maximum"):
        plan_survey(problem(SQUARE), SurveyParams(speed_mps=20.0))


def test_bad_area():
    """An empty or non-polygon area is refused."""
    with pytest.raises(GeometryError, match="empty"):
        problem(shapely.Polygon())
    with pytest.raises(GeometryError, match="polygon"):
        problem(shapely.LineString([(X0, Y0), (X0 + 10, Y0)]))
