"""Reading .plan and .waypoints files back (airwork.export.read)."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path

import pytest
from export_samples import build_mission
from pyproj import Geod

from airwork.autopilot.items import MissionItem
from airwork.autopilot.mission_items import mission_items
from airwork.autopilot.read import (
    mission_file_summary,
    parse_qgc_plan,
    parse_wpl,
    read_mission_file,
)
from airwork.errors import InputFileError, MissionFileError
from airwork.export.qgc_plan import to_qgc_plan, write_qgc_plan
from airwork.export.wpl import to_wpl, write_wpl
from airwork.mission.model import AltitudeRef

DATA = Path(__file__).parent / "data"
SURVEY_PLAN = DATA / "qgc_survey.plan"
HOME_ROW = "QGC WPL 110\n0\t1\t0\t16\t0\t0\t0\t0\t48\t9\t312\t1\n"
UTM_K0 = 0.9996  # UTM scale factor on the central meridian (9° E for zone 32)


def assert_same_items(read: tuple[MissionItem, ...], written: list[MissionItem]) -> None:
    """Same commands, frames and parameters; positions within 1e-7°; NaN matches NaN."""
    assert len(read) == len(written)
    for a, b in zip(read, written, strict=True):
        assert (a.seq, a.frame, a.command) == (b.seq, b.frame, b.command)
        assert (a.autocontinue, a.current) == (b.autocontinue, b.current)
        for x, y in zip(a.params, b.params, strict=True):
            assert (math.isnan(x) and math.isnan(y)) or x == pytest.approx(y, abs=1e-6)
        assert a.lat_deg == pytest.approx(b.lat_deg, abs=1e-7)
        assert a.lon_deg == pytest.approx(b.lon_deg, abs=1e-7)
        assert a.alt_m == pytest.approx(b.alt_m, abs=1e-6)


@pytest.mark.parametrize("ref", list(AltitudeRef))
@pytest.mark.parametrize("sortie", [1, 2])
def test_plan_round_trip(tmp_path, ref, sortie):
    """Writing a .plan and reading it back gives the same items, home and fence."""
    mission = build_mission(ref)
    path = write_qgc_plan(mission, sortie, tmp_path / "m.plan")
    mf = read_mission_file(path)
    written = mission_items(mission, sortie)
    assert_same_items(mf.items, written)
    assert mf.source_format == "plan"
    assert mf.home == pytest.approx((written[0].lat_deg, written[0].lon_deg, 312.0), abs=1e-8)
    assert len(mf.geofence_polygons) == 1 and mf.geofence_polygons[0][1] is True
    assert len(mf.geofence_polygons[0][0]) == 4
    assert len(mf.rally_points) == 2


def test_plan_round_trip_px4_nan(tmp_path):
    """PX4 NaN parameters survive a .plan round trip as NaN (written as null)."""
    mission = build_mission()
    path = write_qgc_plan(mission, 2, tmp_path / "px4.plan", autopilot="px4")
    mf = read_mission_file(path)
    assert_same_items(mf.items, mission_items(mission, 2, autopilot="px4"))
    assert math.isnan(mf.items[1].params[3])


@pytest.mark.parametrize("sortie", [1, 2])
def test_wpl_round_trip(tmp_path, sortie):
    """Writing .waypoints and reading it back gives the same items within 1e-7°."""
    mission = build_mission()
    path = write_wpl(mission, sortie, tmp_path / "m.waypoints")
    mf = read_mission_file(path)
    assert_same_items(mf.items, mission_items(mission, sortie))
    assert mf.source_format == "wpl"
    assert mf.home == (mf.items[0].lat_deg, mf.items[0].lon_deg, 312.0)
    assert mf.geofence_polygons == () and mf.rally_points == ()


def test_wpl_accepts_spaces_and_blank_lines_and_120():
    """Space-separated columns and blank lines are read; a 120 file has no home row."""
    text = "QGC WPL 110\n0 1 0 16 0 0 0 0 48.0 9.0 312 1\n\n1  0 3 22 0 0 0 0 0 0 20 1\n"
    mf = parse_wpl(text)
    assert [it.command for it in mf.items] == [16, 22]
    assert mf.home == (48.0, 9.0, 312.0)
    mf = parse_wpl("QGC WPL 120\n0\t0\t3\t22\t0\t0\t0\t0\t0\t0\t20\t1\n")
    assert mf.home is None
    assert [(it.seq, it.command) for it in mf.items] == [(1, 22)]


def test_qgc_survey_plan_is_flattened():
    """A QGC survey ComplexItem is flattened from TransectStyleComplexItem.Items, items
    renumbered, DO_JUMP's doJumpId 5 turned into the new sequence number 4."""
    mf = read_mission_file(SURVEY_PLAN)
    assert [it.command for it in mf.items] == [16, 22, 16, 206, 16, 16, 16, 206, 177, 20]
    assert [it.seq for it in mf.items] == list(range(10))
    jump = mf.items[8]
    assert jump.params[:2] == (4.0, 1.0)
    assert mf.items[4].command == 16 and mf.items[4].lon_deg == 149.167  # doJumpId 5
    assert math.isnan(mf.items[1].params[3])  # null take-off yaw
    assert mf.home == (-35.3632621, 149.1652374, 584.0)
    assert mf.geofence_circles == (((-35.3620133, 149.166), 40.0, False),)
    assert mf.geofence_polygons[0][1] is True and len(mf.geofence_polygons[0][0]) == 4
    assert mf.rally_points == ((-35.363, 149.165, 40.0),)


def test_summary_of_survey_plan():
    """Survey summary: camera items, geodesic path from home round the transects and back."""
    summary = mission_file_summary(read_mission_file(SURVEY_PLAN))
    assert summary["items"] == 9
    assert summary["nav_waypoints"] == 6  # takeoff, 4 waypoints, RTL
    assert summary["camera_trigger_items"] == 2
    assert summary["commands"]["NAV_WAYPOINT"] == 4
    assert summary["max_altitude_m"] == 50
    geod = Geod(ellps="WGS84")
    lats = [-35.3632621, -35.3632621, -35.3615, -35.3615, -35.3625, -35.3625, -35.3632621]
    lons = [149.1652374, 149.1652374, 149.164, 149.167, 149.167, 149.164, 149.1652374]
    # independent figure: sum of the inverse-geodesic distances of each hop
    _, _, hops = geod.inv(lons[:-1], lats[:-1], lons[1:], lats[1:])
    assert summary["path_length_m"] == pytest.approx(sum(hops), rel=1e-9)
    # by hand: 225 m out, 272 + 111 + 272 m of transects, 140 m back to home
    assert 1000 < summary["path_length_m"] < 1050


def test_summary_of_our_spray_sortie(tmp_path):
    """Spray sortie summary: 2 on / 2 off, 3 camera items, path = local length / UTM k0."""
    mission = build_mission()
    mf = read_mission_file(write_wpl(mission, 1, tmp_path / "s.waypoints"))
    summary = mission_file_summary(mf)
    assert summary["items"] == len(mf.items) - 1 == 19
    assert summary["nav_waypoints"] == 7
    assert (summary["spray_on"], summary["spray_off"]) == (2, 2)
    assert summary["camera_trigger_items"] == 3
    assert summary["max_altitude_m"] == 20
    assert summary["altitude_frames"] == [3]
    assert summary["commands"]["DO_CHANGE_SPEED"] == 3
    # ~150 m from the central meridian the UTM scale is k0 to within 2e-10.
    expected_m = mission.sorties[0].distance_m / UTM_K0
    assert summary["path_length_m"] == pytest.approx(expected_m, rel=1e-6)
    json.dumps(summary)  # displayable as JSON


def _plan() -> dict:
    return json.loads(to_qgc_plan(build_mission(), 1))


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.update(fileType="Mission"), "fileType must be 'Plan', got 'Mission'"),
        (lambda d: d.update(version=2), "version must be 1"),
        (lambda d: d.pop("groundStation"), "groundStation: required key is missing"),
        (lambda d: d.pop("geoFence"), "geoFence: required key is missing"),
        (lambda d: d.update(rallyPoints=[]), "rallyPoints: must be an object, got an array"),
        (
            lambda d: d["mission"].pop("plannedHomePosition"),
            "mission.plannedHomePosition: required key is missing",
        ),
        (
            lambda d: d["mission"].update(plannedHomePosition=[48.0, 9.0]),
            "mission: plannedHomePosition must have 3 numbers, got 2",
        ),
        (lambda d: d["mission"].pop("items"), "mission.items: required key is missing"),
        (
            lambda d: d["mission"]["items"][3]["params"].pop(),
            r"mission.items\[3\]: params must have 7 numbers, got 6",
        ),
        (
            lambda d: d["mission"]["items"][2]["params"].__setitem__(1, "8"),
            r"mission.items\[2\].params\[1\]: must be a number, got a string",
        ),
        (
            lambda d: d["mission"]["items"][0].pop("Altitude"),
            r"mission.items\[0\]: AltitudeMode, Altitude and AMSLAltAboveTerrain go together",
        ),
        (
            lambda d: d["mission"]["items"][1].update(type="Waypoint"),
            r"mission.items\[1\]: unknown item type 'Waypoint'",
        ),
        (
            lambda d: d["mission"]["items"][1].pop("autoContinue"),
            r"mission.items\[1\].autoContinue: required key is missing",
        ),
    ],
)
def test_plan_errors_name_the_place(edit, message):
    """Each malformed .plan raises MissionFileError naming what and where."""
    doc = _plan()
    edit(doc)
    with pytest.raises(MissionFileError, match=message):
        parse_qgc_plan(json.dumps(doc))


def test_plan_invalid_json_gives_line_and_column():
    """Invalid JSON reports line and column."""
    text = to_qgc_plan(build_mission(), 1).replace('"version": 1,', '"version": 1', 1)
    with pytest.raises(
        MissionFileError, match=r"invalid JSON at line 4, column 3: Expecting ',' delimiter"
    ):
        parse_qgc_plan(text)


def test_structure_scan_and_unknown_complex_items_rejected():
    """StructureScan (no stored items) and unknown complex types name index and type."""
    doc = json.loads(SURVEY_PLAN.read_text())
    structure = copy.deepcopy(doc)
    structure["mission"]["items"][1] = {
        "type": "ComplexItem",
        "complexItemType": "StructureScan",
        "version": 3,
    }
    with pytest.raises(MissionFileError, match=r"mission.items\[1\]: ComplexItem 'StructureScan'"):
        parse_qgc_plan(json.dumps(structure))
    doc["mission"]["items"][1]["complexItemType"] = "fwLandingPattern"
    with pytest.raises(
        MissionFileError, match=r"mission.items\[1\]: unknown ComplexItem type 'fwLandingPattern'"
    ):
        parse_qgc_plan(json.dumps(doc))


def test_survey_inner_item_errors_name_the_inner_path():
    """A broken item inside a survey names its path under TransectStyleComplexItem.Items."""
    doc = json.loads(SURVEY_PLAN.read_text())
    doc["mission"]["items"][1]["TransectStyleComplexItem"]["Items"][2]["params"] = [0] * 8
    with pytest.raises(
        MissionFileError,
        match=r"mission.items\[1\].TransectStyleComplexItem.Items\[2\]: params must have 7",
    ):
        parse_qgc_plan(json.dumps(doc))


def test_dangling_do_jump_rejected():
    """A DO_JUMP to a doJumpId no item has is an error."""
    doc = json.loads(SURVEY_PLAN.read_text())
    doc["mission"]["items"][2]["params"][0] = 42
    with pytest.raises(MissionFileError, match=r"mission.items\[2\]: DO_JUMP target doJumpId 42"):
        parse_qgc_plan(json.dumps(doc))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("QGC WPL 100\n", r"line 1: header must be 'QGC WPL 110'.*got 'QGC WPL 100'"),
        ("WPL\n0\t1\t0\t16\t0\t0\t0\t0\t48\t9\t312\t1\n", "line 1: header"),
        (
            HOME_ROW + "1\t0\t3\t16\t0\t0\t0\t48\t9\t20\t1\n",
            "line 3: expected 12 columns .* got 11",
        ),
        (
            HOME_ROW + "1\t0\t3\t16\tx\t0\t0\t0\t48\t9\t20\t1\n",
            "line 3: P1 must be a number, got 'x'",
        ),
        (
            "QGC WPL 110\n0\t1\t0\t16\t0\t0\t0\t0\t98\t9\t312\t1\n",
            r"line 2: latitude/longitude out of range \(98.0, 9.0\)",
        ),
        ("QGC WPL 110\n\n", "needs a home row"),
    ],
)
def test_wpl_errors_name_the_line(text, message):
    """Malformed WPL raises MissionFileError naming the line."""
    with pytest.raises(MissionFileError, match=message):
        parse_wpl(text)


def test_read_mission_file_input_errors(tmp_path):
    """Missing, empty or unsupported files raise InputFileError; content errors name the file."""
    with pytest.raises(InputFileError, match="not found"):
        read_mission_file(tmp_path / "nope.plan")
    (tmp_path / "empty.waypoints").write_text("  \n")
    with pytest.raises(InputFileError, match="empty"):
        read_mission_file(tmp_path / "empty.waypoints")
    (tmp_path / "m.kml").write_text("<kml/>")
    with pytest.raises(InputFileError, match=r"unsupported mission file extension '\.kml'"):
        read_mission_file(tmp_path / "m.kml")
    bad = tmp_path / "bad.txt"
    bad.write_text("QGC WPL 110\n0 1 0\n")
    with pytest.raises(MissionFileError, match=r"bad\.txt: line 2: expected 12 columns"):
        read_mission_file(bad)


def test_round_trip_of_plan_text_is_stable():
    """Parsing our .plan and our .waypoints of the same sortie gives identical items."""
    mission = build_mission()
    a = parse_qgc_plan(to_qgc_plan(mission, 1)).items
    b = parse_wpl(to_wpl(mission, 1)).items
    assert_same_items(a, list(b))
