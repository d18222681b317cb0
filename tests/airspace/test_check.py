"""Planted violations of every kind, each found at the right place and by the right amount."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from airspace_data import X0, Y0, line_mission, synthetic_heights

from airwork.aircraft import load_aircraft
from airwork.airspace.check import CheckConfig, preflight, require_clear
from airwork.autopilot import Autopilot
from airwork.errors import GeometryError, InfeasibleMissionError
from airwork.mission.model import Action, ActionKind, AltitudeRef
from airwork.site.terrain import FlatTerrain, read_dem
from airwork.site.wind import Wind
from airwork.site.zones import Obstacle, Zone

A = (X0 + 200.0, Y0 + 200.0)
B = (X0 + 1200.0, Y0 + 200.0)


def _kinds(report):
    return sorted({v.kind for v in report.violations})


def _lonlat(frame, x, y):
    lon, lat = frame.to_lonlat(x, y)
    return float(lon), float(lat)


def _near(frame, v, x, y, tol_m=2.0):
    vx, vy = frame.to_local(v.lon_deg, v.lat_deg)
    return math.hypot(vx - x, vy - y) <= tol_m


def test_clean_mission_passes(frame):
    m = line_mission(frame, [A, B], 30.0)
    report = preflight(m, CheckConfig())
    assert report.ok, report.lines()
    assert report.samples >= 1000  # 1 km at 1 m steps, plus climbs
    require_clear(report)


def test_no_fly_entry_located_with_depth(frame):
    zone = Zone(shapely.box(A[0] + 400, A[1] - 50, A[0] + 500, A[1] + 20), False, name="nfz")
    report = preflight(line_mission(frame, [A, B], 30.0), CheckConfig(zones=(zone,)))
    assert _kinds(report) == ["no_fly_entry"]
    (v,) = report.violations
    # deepest point of a line crossing a 100 m wide, 70 m deep box 20 m from its north edge
    assert v.amount == pytest.approx(20.0, abs=1.0)
    assert v.what == "nfz"
    assert A[0] + 400 <= frame.to_local(v.lon_deg, v.lat_deg)[0] <= A[0] + 500
    assert v.item == 2  # flying to the second waypoint of the polyline (after the climb)
    with pytest.raises(InfeasibleMissionError, match="no_fly_entry"):
        require_clear(report)


@pytest.mark.parametrize(
    ("floor", "ceiling", "ref", "hit"),
    [
        (None, 25.0, "agl", False),  # ceiling under the 30 m flight: fly over
        (40.0, None, "agl", False),  # floor above: fly under
        (20.0, 50.0, "agl", True),
        (200.0, 240.0, "amsl", True),  # ground at 200 m AMSL, flight at 230 m AMSL
        (240.0, 300.0, "amsl", False),
    ],
)
def test_no_fly_band(frame, floor, ceiling, ref, hit):
    zone = Zone(
        shapely.box(A[0] + 400, A[1] - 50, A[0] + 500, A[1] + 50),
        False,
        floor_m=-math.inf if floor is None else floor,
        ceiling_m=math.inf if ceiling is None else ceiling,
        altitude_ref=ref,
        name="band",
    )
    m = line_mission(frame, [A, B], 30.0, home_amsl_m=200.0)
    report = preflight(m, CheckConfig(zones=(zone,)))
    assert ("no_fly_entry" in _kinds(report)) is hit


def test_geofence_exit(frame):
    fence = Zone(shapely.box(A[0] - 10, A[1] - 10, A[0] + 700, A[1] + 10), True, name="fence")
    report = preflight(line_mission(frame, [A, B], 30.0), CheckConfig(zones=(fence,)))
    assert _kinds(report) == ["geofence_exit"]
    (v,) = report.violations
    assert v.amount == pytest.approx(B[0] - (A[0] + 700), abs=1.0)  # worst at the far end
    assert _near(frame, v, *B)


def test_geofence_ceiling(frame):
    fence = Zone(shapely.box(A[0] - 10, A[1] - 10, B[0] + 10, B[1] + 10), True, ceiling_m=25.0)
    report = preflight(line_mission(frame, [A, B], 30.0), CheckConfig(zones=(fence,)))
    assert _kinds(report) == ["geofence_exit"]
    assert report.violations[0].amount == pytest.approx(5.0, abs=0.01)


def test_mission_geofence_is_used(frame):
    from dataclasses import replace

    m = line_mission(frame, [A, B], 30.0)
    m = replace(m, geofence=shapely.box(A[0] - 10, A[1] - 10, A[0] + 500, A[1] + 10))
    assert "geofence_exit" in _kinds(preflight(m))


def test_height_limits(frame):
    report = preflight(line_mission(frame, [A, B], 130.0), CheckConfig())
    assert "agl_over_max" in _kinds(report)
    v = next(v for v in report.violations if v.kind == "agl_over_max")
    assert v.amount == pytest.approx(10.0, abs=1e-6)
    report = preflight(line_mission(frame, [A, B], 30.0), CheckConfig(max_agl_m=20.0))
    assert "agl_over_max" in _kinds(report)
    report = preflight(line_mission(frame, [A, B], 0.5), CheckConfig(min_agl_m=2.0))
    assert _kinds(report) == ["agl_under_min"]
    assert report.violations[0].amount == pytest.approx(1.5, abs=1e-6)


def test_relative_altitude_over_rising_terrain(frame, dem_path):
    # take off on the plain, fly 20 m above take-off over the 60 m hill
    a = (X0 + 100.0, Y0 + 1000.0)
    b = (X0 + 1000.0, Y0 + 1000.0)
    m = line_mission(frame, [a, b], 20.0)
    terrain = read_dem(dem_path, frame)
    report = preflight(m, CheckConfig(terrain=terrain, min_agl_m=5.0))
    assert "relative_altitude_terrain" in _kinds(report)
    v = next(v for v in report.violations if v.kind == "relative_altitude_terrain")
    # worst at the hill top: ground 260 m, aircraft at 200 + 20 m
    x, _ = frame.to_local(v.lon_deg, v.lat_deg)
    assert x == pytest.approx(X0 + 600.0, abs=15.0)
    top = synthetic_heights(np.array([X0 + 600.0]), np.array([Y0 + 1000.0]))[0]
    assert v.amount == pytest.approx(5.0 - (200.0 + 20.0 - top), abs=0.5)
    # the same flight declared above mean sea level is 'agl_under_min', not relative
    m_msl = line_mission(frame, [a, b], 220.0, altitude_ref=AltitudeRef.MSL)
    report = preflight(m_msl, CheckConfig(terrain=terrain, min_agl_m=5.0))
    assert "agl_under_min" in _kinds(report)
    assert "relative_altitude_terrain" not in _kinds(report)


def test_terrain_frame_follows_ground(frame, dem_path):
    a = (X0 + 100.0, Y0 + 1000.0)
    b = (X0 + 1000.0, Y0 + 1000.0)
    m = line_mission(frame, [a, b], 20.0, altitude_ref=AltitudeRef.GROUND)
    report = preflight(m, CheckConfig(terrain=read_dem(dem_path, frame), min_agl_m=5.0))
    assert report.ok, report.lines()
    assert report.sorties[0]["max_agl_m"] == pytest.approx(20.0, abs=1e-6)


def test_obstacle_clearance(frame):
    tower = Obstacle(shapely.Point(A[0] + 500, A[1] + 3).buffer(1.0), 50.0, name="mast")
    report = preflight(line_mission(frame, [A, B], 30.0), CheckConfig(obstacles=(tower,)))
    assert _kinds(report) == ["obstacle_clearance"]
    assert report.violations[0].amount == pytest.approx(50 + 5 - 30, abs=1e-6)
    assert report.violations[0].what == "mast"
    # over it with the vertical clearance: clean
    report = preflight(line_mission(frame, [A, B], 56.0), CheckConfig(obstacles=(tower,)))
    assert report.ok
    # 20 m to the side: clean
    far = Obstacle(shapely.Point(A[0] + 500, A[1] + 20).buffer(1.0), 50.0)
    assert preflight(line_mission(frame, [A, B], 30.0), CheckConfig(obstacles=(far,))).ok


def test_energy_with_wind(frame):
    craft = load_aircraft("mapper-quad")
    # out and back, about 85 % of the budget in calm air
    per_m = float(craft.leg_performance(1.0, 8.0, 0.0).energy_wh)
    half = 0.42 * craft.mission_energy_wh / per_m
    pts = [A, (A[0] + half, A[1]), A]
    m = line_mission(frame, pts, 30.0)
    calm = preflight(m)
    assert calm.ok, calm.lines()
    calm_frac = calm.sorties[0]["battery_frac_of_budget"]
    assert 0.75 < calm_frac < 0.95
    # east wind: out at 15 m/s airspeed, back at 1 m/s, for the same 8 m/s ground speed
    windy = preflight(m, CheckConfig(wind=Wind(7.0, 90.0)))
    d = half
    out = craft.leg_performance(d, 15.0, 0.0, headwind_mps=7.0).energy_wh
    back = craft.leg_performance(d, 1.0, 0.0, headwind_mps=-7.0).energy_wh
    calm_legs = 2 * craft.leg_performance(d, 8.0, 0.0).energy_wh
    expected = calm.sorties[0]["energy_wh"] + float(out + back - calm_legs)
    assert windy.sorties[0]["energy_wh"] == pytest.approx(expected, rel=1e-3)
    assert "energy" in _kinds(windy)
    v = next(v for v in windy.violations if v.kind == "energy")
    assert v.amount == pytest.approx(windy.sorties[0]["energy_wh"] - v.limit, abs=0.01)
    assert v.amount > 0


def test_wind_and_speed_limits(frame):
    m = line_mission(frame, [A, B], 30.0, speed_mps=15.0)
    report = preflight(m, CheckConfig(wind=Wind(11.0, 90.0)))
    kinds = _kinds(report)
    assert "wind_limit" in kinds  # mapper-quad: 10 m/s
    v = next(v for v in report.violations if v.kind == "speed_limit")
    # flying east at 15 m/s ground speed into an 11 m/s east wind: 26 m/s airspeed
    assert v.amount == pytest.approx(26.0 - 16.0, abs=1e-6)
    banded = Wind(bands=((20.0, 3.0, 90.0), (200.0, 11.0, 90.0)))
    low = preflight(line_mission(frame, [A, B], 15.0), CheckConfig(wind=banded))
    assert "wind_limit" not in _kinds(low)
    high = preflight(line_mission(frame, [A, B], 30.0), CheckConfig(wind=banded))
    assert "wind_limit" in _kinds(high)


def test_unsupported_command_for_px4(frame):
    from dataclasses import replace

    m = line_mission(frame, [A, B], 30.0)
    s = m.sorties[0]
    wp = replace(s.waypoints[2], actions=(Action(ActionKind.SPRAY_ON),))
    s = replace(s, waypoints=(*s.waypoints[:2], wp, *s.waypoints[3:]))
    m = replace(m, sorties=(s,))
    assert preflight(m, CheckConfig(autopilot=Autopilot.ARDUPILOT)).ok
    report = preflight(m, CheckConfig(autopilot=Autopilot.PX4))
    assert _kinds(report) == ["unsupported_command"]
    assert "DO_SET_SERVO" in report.violations[0].message


def test_flat_ground_default_uses_home_elevation(frame):
    m = line_mission(frame, [A, B], 30.0, altitude_ref=AltitudeRef.MSL, home_amsl_m=10.0)
    report = preflight(m)
    assert report.sorties[0]["max_agl_m"] == pytest.approx(20.0)
    assert preflight(m, CheckConfig(terrain=FlatTerrain(0.0))).sorties[0]["max_agl_m"] == 30.0


def test_path_off_dem_is_a_located_error(frame, dem_path):
    m = line_mission(frame, [A, (X0 + 2500.0, A[1])], 30.0)
    with pytest.raises(GeometryError, match="leaves the extent"):
        preflight(m, CheckConfig(terrain=read_dem(dem_path, frame)))


def test_reversed_band_is_an_error():
    with pytest.raises(GeometryError, match="reversed"):
        Zone(shapely.box(0, 0, 1, 1), False, floor_m=50.0, ceiling_m=20.0, name="zone 7")


def test_wind_already_in_the_energies_is_not_added_twice():
    """A planner that flew its legs in the wind (delivery) passes wind_in_energy: the check
    takes its leg energies as they are; otherwise a headwind adds to them."""
    from airwork.aircraft import load_aircraft
    from airwork.airspace.check import CheckConfig, preflight
    from airwork.geo.frame import LocalFrame
    from airwork.mission.build import SortieBuilder
    from airwork.mission.model import AltitudeRef, LegKind, Mission
    from airwork.site.wind import Wind

    ac = load_aircraft("delivery-hex")
    frame = LocalFrame.for_lonlat(1.45, 43.55)
    x0, y0 = frame.to_local(1.45, 43.55)
    b = SortieBuilder(ac, (x0, y0), 40.0, 2.0)
    b.goto(x0 + 2000.0, y0, 40.0, kind=LegKind.TRANSIT, speed_mps=12.0)
    b.goto(x0, y0, 40.0, kind=LegKind.RETURN, speed_mps=12.0)
    b.land(x0, y0)
    s = b.build(1)
    m = Mission("t", frame, AltitudeRef.TAKEOFF, (s,), ac.name, ac.usable_energy_wh,
                ac.reserve_frac, ((x0, y0),))  # fmt: skip
    wind = Wind(6.0, 90.0)
    taken = preflight(m, CheckConfig(aircraft=ac, wind=wind, wind_in_energy=True))
    added = preflight(m, CheckConfig(aircraft=ac, wind=wind))
    assert taken.sorties[0]["energy_wh"] == pytest.approx(s.energy_wh, abs=0.01)
    assert added.sorties[0]["energy_wh"] > s.energy_wh + 1.0
