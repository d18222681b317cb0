"""QGroundControl .plan and QGC WPL 110 writers, checked against the format reference."""

from __future__ import annotations

import dataclasses
import json
import re

import numpy as np
import pytest
import shapely
from export_samples import HOME_AMSL_M, X0, Y0, build_mission
from pymavlink import mavwp
from pyproj import Transformer

from airwork.autopilot.mission_items import mission_items
from airwork.export.qgc_plan import to_qgc_plan, write_qgc_plan
from airwork.export.wpl import to_wpl, write_wpl
from airwork.mission.model import AltitudeRef

TO_LONLAT = Transformer.from_crs(32632, 4326, always_xy=True)
LOCATION_COMMANDS = {16, 21, 22, 195, 201}
ALT_KEYS = {"AltitudeMode", "Altitude", "AMSLAltAboveTerrain"}


def plan(ref=AltitudeRef.TAKEOFF, sortie=1, **kw):
    return json.loads(to_qgc_plan(build_mission(ref), sortie, **kw))


def test_plan_top_level_keys():
    """Top level: fileType Plan, version 1, groundStation and the three objects, plus
    airwork's own member (QGC ignores keys it does not know)."""
    doc = plan()
    assert set(doc) == {
        "fileType",
        "version",
        "groundStation",
        "mission",
        "geoFence",
        "rallyPoints",
        "airwork",
    }
    navs = [it for it in doc["mission"]["items"] if it["command"] in (16, 21, 22)]
    assert len(doc["airwork"]["legs"]) == len(navs)
    assert (doc["fileType"], doc["version"], doc["groundStation"]) == ("Plan", 1, "QGroundControl")
    mission = doc["mission"]
    assert mission["version"] == 2
    assert mission["firmwareType"] == 3
    assert mission["vehicleType"] == 2
    assert mission["cruiseSpeed"] == mission["hoverSpeed"] == 8
    assert mission["globalPlanAltitudeMode"] == 1
    lat, lon, alt = mission["plannedHomePosition"]
    assert (lat, lon, alt) == (pytest.approx(48.0, abs=1e-8), pytest.approx(9.0, abs=1e-8), 312)


@pytest.mark.parametrize(
    ("ref", "mode", "frame"),
    [(AltitudeRef.TAKEOFF, 1, 3), (AltitudeRef.MSL, 2, 0), (AltitudeRef.GROUND, 4, 10)],
)
def test_plan_items_schema(ref, mode, frame):
    """Every item is a SimpleItem with 7 numeric params; the altitude triple only on
    location commands; DO items in frame 2; doJumpId = sequence from 1."""
    doc = plan(ref)
    assert doc["mission"]["globalPlanAltitudeMode"] == mode
    items = doc["mission"]["items"]
    assert len(items) == len(mission_items(build_mission(ref), 1)) - 1
    for seq, item in enumerate(items, start=1):
        assert item["type"] == "SimpleItem"
        assert item["doJumpId"] == seq
        assert item["autoContinue"] is True
        assert len(item["params"]) == 7
        # ArduPilot: no null (NaN) anywhere, all numbers
        assert all(isinstance(p, int | float) and not isinstance(p, bool) for p in item["params"])
        if item["command"] in LOCATION_COMMANDS:
            assert set(item) >= ALT_KEYS
            assert item["frame"] == frame
            assert item["AltitudeMode"] == mode
            assert item["Altitude"] == item["params"][6]
            assert item["AMSLAltAboveTerrain"] is None
        else:
            assert not ALT_KEYS & set(item)
            assert item["frame"] == 2


def test_plan_item_coordinates_have_8_decimals():
    """Waypoint lat/lon in the .plan match the independent projection to 1e-8 deg."""
    doc = plan()
    wp2 = doc["mission"]["items"][3]  # take-off, gimbal, speed, then waypoint 2
    assert wp2["command"] == 16
    lon, lat = TO_LONLAT.transform(X0 + 50, Y0)
    assert wp2["params"][4] == pytest.approx(lat, abs=6e-9)
    assert wp2["params"][5] == pytest.approx(lon, abs=6e-9)


def test_plan_geofence_and_rally():
    """The geofence is one inclusion polygon without closing vertex; rally = stations."""
    doc = plan(sortie=2)
    fence = doc["geoFence"]
    assert fence["version"] == 2 and fence["circles"] == []
    (polygon,) = fence["polygons"]
    assert polygon["inclusion"] is True and polygon["version"] == 1
    vertices = polygon["polygon"]
    assert len(vertices) == 4
    assert vertices[0] != vertices[-1]
    lats = [v[0] for v in vertices]
    lons = [v[1] for v in vertices]
    assert all(47.99 < a < 48.01 for a in lats)  # [lat, lon] order
    assert all(8.99 < o < 9.01 for o in lons)
    rally = doc["rallyPoints"]
    assert rally["version"] == 2
    assert [p[2] for p in rally["points"]] == [30, 30]  # sortie 2 flies at 30 m
    lon1, lat1 = TO_LONLAT.transform(X0 + 200, Y0)
    assert rally["points"][1][:2] == [pytest.approx(lat1, abs=1e-8), pytest.approx(lon1, abs=1e-8)]


def test_plan_rally_altitude_relative_to_home_for_msl():
    """Rally altitudes are relative to home, so an MSL mission subtracts the home elevation."""
    doc = plan(AltitudeRef.MSL)
    assert [p[2] for p in doc["rallyPoints"]["points"]] == [20, 20]


def test_plan_without_geofence_and_with_holes():
    """No geofence gives []; a fence hole becomes an exclusion polygon."""
    mission = build_mission()
    doc = json.loads(to_qgc_plan(dataclasses.replace(mission, geofence=None), 1))
    assert doc["geoFence"]["polygons"] == []
    holed = shapely.Polygon(
        mission.geofence.exterior.coords,
        holes=[[(X0 + 250, Y0), (X0 + 260, Y0), (X0 + 260, Y0 + 10)]],
    )
    doc = json.loads(to_qgc_plan(dataclasses.replace(mission, geofence=holed), 1))
    assert [p["inclusion"] for p in doc["geoFence"]["polygons"]] == [True, False]
    assert len(doc["geoFence"]["polygons"][1]["polygon"]) == 3


def test_plan_px4_uses_null_for_nan_and_firmware_12():
    """PX4 .plan: firmwareType 12, NaN yaw written as null (valid JSON)."""
    doc = plan(sortie=2, autopilot="px4")
    assert doc["mission"]["firmwareType"] == 12
    takeoff = doc["mission"]["items"][0]
    assert takeoff["command"] == 22 and takeoff["params"][3] is None


def test_no_195_in_ardupilot_outputs():
    """Neither the .plan nor the .waypoints of an ArduPilot export contains command 195."""
    for ref in AltitudeRef:
        mission = build_mission(ref)
        for s in mission.sorties:
            doc = json.loads(to_qgc_plan(mission, s))
            assert 195 not in [it["command"] for it in doc["mission"]["items"]]
            rows = to_wpl(mission, s).splitlines()[1:]
            assert "195" not in [row.split("\t")[3] for row in rows]


def test_wpl_format():
    """QGC WPL 110: header, 12 tab-separated columns, home row current=1, 8-decimal lat/lon."""
    text = to_wpl(build_mission(), 1)
    assert text.endswith("\n")
    lines = text.splitlines()
    assert lines[0] == "QGC WPL 110"
    rows = [line.split("\t") for line in lines[1:]]
    assert len(rows) == len(mission_items(build_mission(), 1))
    assert all(len(r) == 12 for r in rows)
    assert rows[0][:4] == ["0", "1", "0", "16"]
    assert rows[0][8:] == ["48.00000000", "9.00000000", "312", "1"]
    assert [r[0] for r in rows] == [str(i) for i in range(len(rows))]
    assert all(r[1] == "0" for r in rows[1:])
    number = re.compile(r"^-?\d+(\.\d{1,8})?$")
    for r in rows:
        assert all(number.match(c) for c in r), r  # no exponent, no nan
        if r[2] != "2":
            assert re.match(r"^-?\d+\.\d{8}$", r[8]) and re.match(r"^-?\d+\.\d{8}$", r[9])
        else:
            assert all(len(c.partition(".")[2]) <= 6 for c in r[4:11])


def test_wpl_small_values_never_in_exponent_notation():
    """A tiny value prints as fixed point (6 decimals), never like 1e-07."""
    from airwork.export.wpl import _fixed

    assert _fixed(1e-7, 6, trim=True) == "0"
    assert _fixed(-1e-7, 6, trim=True) == "0"
    assert _fixed(12.5, 6, trim=True) == "12.5"
    assert _fixed(9.0, 8, trim=False) == "9.00000000"


def test_pymavlink_reads_our_waypoints(tmp_path):
    """pymavlink's MAVWPLoader loads the file with the same count, commands and positions."""
    mission = build_mission()
    for s in mission.sorties:
        path = write_wpl(mission, s, tmp_path / f"sortie-{s.index}.waypoints")
        items = mission_items(mission, s)
        loader = mavwp.MAVWPLoader()
        assert loader.load(str(path)) == len(items)
        loaded = [loader.wp(i) for i in range(loader.count())]
        assert [w.command for w in loaded] == [it.command for it in items]
        assert [w.frame for w in loaded] == [it.frame for it in items]
        np.testing.assert_allclose([w.x for w in loaded], [it.lat_deg for it in items], atol=1e-8)
        np.testing.assert_allclose([w.y for w in loaded], [it.lon_deg for it in items], atol=1e-8)
        np.testing.assert_allclose([w.z for w in loaded], [it.alt_m for it in items], atol=1e-6)
        assert loaded[0].current == 1 and all(w.current == 0 for w in loaded[1:])


def test_writers_write_files(tmp_path):
    """write_qgc_plan / write_wpl write the same text as to_*, leaving no temporary file."""
    mission = build_mission()
    p = write_qgc_plan(mission, 1, tmp_path / "a.plan")
    w = write_wpl(mission, 1, tmp_path / "a.waypoints")
    assert p.read_text() == to_qgc_plan(mission, 1)
    assert w.read_text() == to_wpl(mission, 1)
    assert sorted(f.name for f in tmp_path.iterdir()) == ["a.plan", "a.waypoints"]


def test_home_altitude_is_amsl_in_every_format():
    """The home row carries the AMSL elevation whatever the mission's altitude reference."""
    for ref in AltitudeRef:
        doc = plan(ref)
        assert doc["mission"]["plannedHomePosition"][2] == HOME_AMSL_M
        assert to_wpl(build_mission(ref), 1).splitlines()[1].split("\t")[10] == "312"
