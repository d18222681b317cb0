"""Autopilot profiles, fences fitted to them, and the limits the exporters and the check
report (issue 13 A and B).

Fence rules are checked here with shapely from the written files (lat/lon read back), not
with the exporter's own geometry."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
import shapely
from export_samples import FRAME, X0, Y0, build_mission, legs_for

from airwork.aircraft import load_aircraft
from airwork.airspace.check import CheckConfig, check_flight, preflight
from airwork.airspace.tracks import read_flight
from airwork.autopilot.fence import FENCE_MARGIN_M, mission_fence, round_ring
from airwork.autopilot.limits import device_problems, limit_problems
from airwork.autopilot.profiles import (
    PRESETS,
    AutopilotProfile,
    GimbalType,
    load_profile,
    profile_names,
)
from airwork.autopilot.read import parse_qgc_plan
from airwork.errors import ExportError, InputFileError
from airwork.export.qgc_plan import to_qgc_plan
from airwork.export.registry import ExportOptions, render
from airwork.jobs import run_job
from airwork.mission.model import Action, ActionKind, Feature, LegKind, Sortie, Waypoint
from airwork.planners.survey import SurveyParams, SurveyProblem, plan_survey

ROOT = Path(__file__).parents[2]
SITL = ROOT / "tests" / "data" / "sitl"
AP = PRESETS["arducopter-4.6"]


# ----------------------------------------------------------------------------- profiles
def test_presets_and_their_limits():
    assert {"arducopter-4.6", "arducopter-4.6-sd", "px4-1.15"} <= set(profile_names())
    assert AP.max_mission_items == 650 and AP.max_fence_items == 70
    assert AP.fence_storage_bytes == 560 and AP.max_rally_points == 46
    assert PRESETS["arducopter-4.6-sd"].max_mission_items == (65536 - 4) // 15
    assert PRESETS["arducopter-4.6-tilt"].gimbal is GimbalType.TILT
    assert PRESETS["arducopter-4.6-tilt"].servos.gimbal_pan is None  # no pan servo
    px4 = PRESETS["px4-1.15"]
    assert px4.firmware == "px4" and px4.fence_storage_bytes is None


def test_profile_from_yaml(tmp_path):
    path = tmp_path / "my-quad.yaml"
    path.write_text(
        "base: arducopter-4.6-sd\nmax_fence_items: 40\n"
        "devices: {gimbal: tilt, winch: false}\nservos: {camera_trigger: 11}\n"
        "params: {wpnav_speed: 800}\n"
    )
    p = load_profile(path)
    assert p.name == "my-quad" and p.max_mission_items == 4368 and p.max_fence_items == 40
    assert p.gimbal is GimbalType.TILT and not p.winch and p.servos.camera_trigger == 11
    assert p.params == {"BRD_SD_MISSION": 64, "WPNAV_SPEED": 800}


@pytest.mark.parametrize(
    ("text", "match"),
    [
        ("max_items: 3\n", "unknown key"),
        ("base: ardu\n", "unknown base profile"),
        ("max_mission_items: -4\n", "max_mission_items"),
        ("devices: {gimbal: 2-axis}\n", "2-axis"),
        ("servos: {gripper: 10}\n", "SERVO10 is already"),
    ],
)
def test_bad_profile_file_names_the_key(tmp_path, text, match):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises((ExportError, ValueError), match=match):
        load_profile(path)


def test_unknown_profile_name():
    with pytest.raises(InputFileError, match="no such autopilot profile"):
        load_profile("arducopter-9")


# ----------------------------------------------------------------------------- fences
def _local(lat, lon):
    x, y = FRAME.to_local(lon, lat)
    return float(x), float(y)


def fence_from_plan(doc, frame):
    """Polygons and circles of a written .plan's geofence, in the local frame."""
    polys = [
        (p["inclusion"], shapely.Polygon([frame.to_local(lo, la) for la, lo in p["polygon"]]))
        for p in doc["geoFence"]["polygons"]
    ]
    circles = []
    for c in doc["geoFence"]["circles"]:
        la, lo = c["circle"]["center"]
        x, y = frame.to_local(lo, la)
        circles.append((c["inclusion"], shapely.Point(x, y), c["circle"]["radius"]))
    return polys, circles


def path_of(mission):
    return shapely.union_all([shapely.LineString(s.xy_m) for s in mission.sorties])


def assert_rule(original: shapely.Polygon, written: shapely.Polygon, path, tolerance_m):
    """The simplification rule: the path inside with the margin (or its own clearance), the
    written fence within the original grown by the tolerance."""
    keep = min(FENCE_MARGIN_M, path.distance(original.exterior))
    assert written.covers(path)
    assert path.distance(written.exterior) >= keep - 0.01
    assert original.buffer(tolerance_m + 0.01).covers(written)


@pytest.fixture(scope="module")
def farm():
    request = {
        "kind": "spray",
        "site": {"files": [str(ROOT / "examples" / "farm-with-pylons.geojson")]},
        "params": {"rate_l_per_ha": 15, "boundary_passes": 1, "clearance_m": 5.0},
        "output": {"formats": ["geojson"]},
    }
    return run_job(request).planned.mission


def test_farm_obstacles_become_circles_and_fence_fits(farm):
    """The farm's 5 round obstacles (64-vertex holes, mitred, 390 fence points with the outer ring)
    are written as 5 fence circles that cover them; the fence fits ArduCopter's 70 items
    and 560 bytes, and keeps the flight path inside with the margin."""
    raw = mission_fence(farm)
    assert sum(len(h.coords) - 1 for h in farm.geofence.interiors) == 5 * 64
    assert raw.items == 70 + 5 and len(raw.circles) == 5
    doc = json.loads(to_qgc_plan(farm, 1))
    polys, circles = fence_from_plan(doc, farm.frame)
    assert [inc for inc, _ in polys] == [True] and len(circles) == 5
    items = sum(len(p.exterior.coords) - 1 for _, p in polys) + len(circles)
    size = 4 + sum(2 + 8 * (len(p.exterior.coords) - 1) for _, p in polys) + 13 * len(circles)
    assert items <= 70 and size <= 560
    for hole in farm.geofence.interiors:
        hole = shapely.Polygon(hole)
        cover = [c.buffer(r, quad_segs=64) for inc, c, r in circles if not inc]
        assert any(c.buffer(0.01).covers(hole) for c in cover)
    assert_rule(shapely.Polygon(farm.geofence.exterior), polys[0][1], path_of(farm), 2.0)
    # the file reads back, circles included
    assert len(parse_qgc_plan(json.dumps(doc)).geofence_circles) == 5


def test_round_ring_detection():
    assert round_ring(shapely.Point(0, 0).buffer(10, quad_segs=8).exterior) is not None
    assert round_ring(shapely.box(0, 0, 10, 10).exterior) is None
    ellipse = shapely.affinity.scale(shapely.Point(0, 0).buffer(10), 1.2, 1.0)
    assert round_ring(ellipse.exterior) is None
    # a long strip buffered with round caps: every vertex on the caps, all near one distance
    # from the middle, yet no circle (a 213 m circle once replaced a 20 m wide strip)
    strip = shapely.box(-200, -8, 200, 8).buffer(2.5)
    r = np.hypot(*(np.asarray(strip.exterior.coords) - (0, 0)).T)
    assert r.min() > 0.98 * r.max()  # the spread test alone would take it
    assert round_ring(strip.exterior) is None
    for n in (12, 36, 64):  # sampled circles of as few as 12 vertices stay circles
        ang = 2 * np.pi * np.arange(n) / n
        ring = shapely.LinearRing(np.column_stack([50 * np.cos(ang), 50 * np.sin(ang)]))
        assert round_ring(ring)[1] == pytest.approx(50.0)


@pytest.fixture(scope="module")
def survey87():
    """A survey of an 87-vertex area (a wavy disc): its fence has more vertices than
    ArduCopter's fence stores."""
    k = np.arange(87)
    ang = 2 * np.pi * k / 87
    r = 300 + 25 * np.sin(5 * ang)
    area = shapely.Polygon(np.column_stack([X0 + r * np.cos(ang), Y0 + r * np.sin(ang)]))
    assert len(area.exterior.coords) - 1 == 87
    res = plan_survey(
        SurveyProblem(
            area=area,
            stations=((X0 - 340.0, Y0),),
            aircraft=load_aircraft("mapper-quad"),
            frame=FRAME,
        ),
        SurveyParams(),
    )
    return res.mission


@pytest.mark.parametrize("name", ["arducopter-4.6", "px4-1.15"])
def test_survey_fence_simplified_conservatively(survey87, name):
    prof = PRESETS[name]
    raw = len(survey87.geofence.exterior.coords) - 1
    assert raw > prof.max_fence_items
    doc = json.loads(to_qgc_plan(survey87, 1, profile=prof))
    polys, circles = fence_from_plan(doc, FRAME)
    ((inc, written),) = polys
    n = len(written.exterior.coords) - 1
    assert inc and not circles and 3 <= n <= prof.max_fence_items
    if prof.fence_storage_bytes is not None:
        assert 4 + 2 + 8 * n <= prof.fence_storage_bytes
    fence = mission_fence(survey87, prof)
    assert_rule(survey87.geofence, written, path_of(survey87), fence.polygons[0].tolerance_m)
    assert fence.polygons[0].tolerance_m <= 2.0
    assert any("simplified" in note for note in fence.notes)
    assert not [p for p in limit_problems(survey87, prof) if p.kind.startswith("fence")]


def _delivery_with_zones() -> tuple:
    """Out 400 m east and back at 60 m; a no-fly square to the north (off the path) and a
    low zone the path crosses (flown over)."""
    wps = [
        Waypoint(X0, Y0, 0.0),
        Waypoint(X0, Y0, 60.0),
        Waypoint(X0 + 400, Y0, 60.0, hold_s=5, actions=(Action(ActionKind.PAYLOAD_RELEASE),)),
        Waypoint(X0, Y0, 60.0),
        Waypoint(X0, Y0, 0.0),
    ]
    kinds = [LegKind.TAKEOFF, LegKind.TRANSIT, LegKind.RETURN, LegKind.LANDING]
    legs = legs_for(wps, kinds, [2.5, 10, 10, 1.5], [False] * 4, [False] * 4, 2.0, 0.0)
    north = shapely.box(X0 + 100, Y0 + 100, X0 + 300, Y0 + 250)
    crossed = shapely.box(X0 + 150, Y0 - 20, X0 + 180, Y0 + 20)
    hospital = shapely.Point(X0 + 200, Y0 - 200).buffer(60.0, quad_segs=16)
    mission = dataclasses.replace(
        build_mission(),
        sorties=(Sortie(1, tuple(wps), legs),),
        geofence=None,
        features=(
            Feature("no_fly", north, {"id": "airfield"}),
            Feature("no_fly", crossed, {"id": "park", "ceiling_m": 30}),
            Feature("no_fly", hospital, {"id": "hospital"}),
        ),
        kind="delivery",
    )
    return mission, north, hospital


def test_delivery_no_fly_zones_in_the_fence():
    """Job no-fly zones are exclusion zones in the .plan fence (round ones as circles); a
    zone the route crosses above its ceiling is left out, with a note."""
    mission, north, hospital = _delivery_with_zones()
    doc = json.loads(to_qgc_plan(mission, 1))
    polys, circles = fence_from_plan(doc, FRAME)
    assert [inc for inc, _ in polys] == [False]
    assert (
        polys[0][1].equals_exact(north, 0.01) or polys[0][1].symmetric_difference(north).area < 1.0
    )
    ((inc, c, r),) = circles
    assert not inc and c.distance(hospital.centroid) < 0.05 and r >= 60.0
    assert any("'park'" in n and "flown over" in n for n in mission_fence(mission).notes)


# ----------------------------------------------------------------------------- limits
@pytest.fixture(scope="module")
def powerline():
    """A one-flight inspection with 700 photo stops (a tower orbit's worth of vantage points
    at every one): more items than ArduCopter's 650 without SD storage."""
    from airwork.geo.frame import LocalFrame
    from airwork.mission.build import SortieBuilder
    from airwork.mission.model import Action, ActionKind, AltitudeRef, LegKind, Mission

    frame = LocalFrame.for_lonlat(11.0, 48.0)
    x0, y0 = frame.to_local(11.0, 48.0)
    ac = load_aircraft("inspector-quad")
    b = SortieBuilder(ac, (x0, y0), 30.0, 0.0)
    for k in range(700):
        x, y = x0 + 3.0 * (k % 20), y0 + 3.0 * (k // 20)
        photo = (Action(ActionKind.CAMERA_PHOTO),)
        b.goto(x, y, 30.0, kind=LegKind.WORK, speed_mps=3.0, hold_s=2.0, actions=photo)
    b.goto(x0, y0, 30.0, kind=LegKind.RETURN, speed_mps=5.0)
    b.land(x0, y0)
    sortie = b.build(1)
    return Mission(
        name="powerline",
        frame=frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=(sortie,),
        aircraft_name=ac.name,
        usable_energy_wh=ac.usable_energy_wh,
        reserve_frac=ac.reserve_frac,
        stations=((x0, y0),),
        kind="powerline",
        aircraft=ac,
    )


def test_powerline_over_the_item_limit_is_refused_by_name(powerline):
    (p,) = [p for p in limit_problems(powerline, AP) if p.kind == "mission_items"]
    assert p.sortie == 1 and p.count > 650 and p.limit == 650
    assert f"sortie 1: {p.count} mission items" in p.message and "650" in p.message
    assert not limit_problems(powerline, "arducopter-4.6-sd")
    with pytest.raises(ExportError, match=r"waypoints: sortie 1: \d+ mission items"):
        render(powerline, ["waypoints"], ExportOptions())
    files = render(powerline, ["waypoints"], ExportOptions(profile=PRESETS["arducopter-4.6-sd"]))
    assert len(files["sortie-01.waypoints"].decode().splitlines()) - 1 == p.count


def test_preflight_reports_the_item_limit(powerline):
    report = preflight(powerline, CheckConfig(check_energy=False))
    v = [v for v in report.violations if v.kind == "autopilot_limit"]
    assert len(v) == 1 and v[0].what == "mission_items" and v[0].limit == 650
    ok = preflight(powerline, CheckConfig(check_energy=False, profile="arducopter-4.6-sd"))
    assert not [v for v in ok.violations if v.kind == "autopilot_limit"]


def test_check_reports_the_855_item_reference_flight():
    """The power-line mission flown in SITL with SD storage (855 items + home) is over the
    650 items of ArduCopter without it: airwork check says so."""
    report = check_flight(read_flight(SITL / "line.waypoints"), CheckConfig(check_energy=False))
    (v,) = [v for v in report.violations if v.kind == "autopilot_limit"]
    assert "856 mission items" in v.message and v.limit == 650 and v.amount == 856 - 650
    sd = CheckConfig(check_energy=False, profile="arducopter-4.6-sd")
    assert not [
        v
        for v in check_flight(read_flight(SITL / "line.waypoints"), sd).violations
        if v.kind == "autopilot_limit"
    ]


def test_check_reports_the_refused_survey_fence():
    """The survey's 87-vertex fence (refused in SITL) is over the 70 fence items; the
    69-vertex spray fence (accepted) is not."""
    cfg = CheckConfig(check_energy=False)
    report = check_flight(read_flight(SITL / "survey_cam.plan"), cfg)
    (v,) = [v for v in report.violations if v.kind == "autopilot_limit"]
    assert v.what == "fence_items" and "87 fence items" in v.message
    report = check_flight(read_flight(SITL / "spray01plan.plan"), cfg)
    assert not [v for v in report.violations if v.kind == "autopilot_limit"]


def test_device_missing_is_reported_per_item():
    """A gripper and a winch item for a profile without them: one problem per device, naming
    the waypoint; the check reports them as device_missing."""
    mission = build_mission()
    bare = PRESETS["arducopter-4.6-bare"]
    probs = device_problems(mission, bare)
    kinds = sorted(p.message.split(": ")[1].split(" needs")[0] for p in probs)
    assert "DO_GRIPPER" in kinds and "DO_WINCH" in kinds
    assert any(p.sortie == 2 and p.item == 2 for p in probs)
    assert not device_problems(mission, AP)
    report = preflight(mission, CheckConfig(check_energy=False, profile=bare))
    assert {v.kind for v in report.violations} >= {"device_missing"}
    grip = [v for v in report.violations if "DO_GRIPPER" in v.message]
    assert grip and grip[0].sortie == 2


def test_profile_is_a_dataclass_with_checked_values():
    with pytest.raises(ExportError, match="climb_speed_mps"):
        AutopilotProfile("x", "ardupilot", climb_speed_mps=0.0)
    assert math.isclose(AP.descent_speed_mps, 1.5)
