"""Item checks: what an autopilot would refuse or mis-fly is a violation, never clean."""

from __future__ import annotations

import math

import pytest
from pymavlink import mavutil

from airwork.airspace.check import CheckConfig, check_flight
from airwork.airspace.integrity import integrity_violations
from airwork.airspace.tracks import from_mission_file
from airwork.autopilot.items import MissionItem
from airwork.autopilot.read import MissionFile

ML = mavutil.mavlink
NAN = math.nan
HOME = (43.5465, 1.4491, 150.0)
WP, TO, LAND, RTL = (
    ML.MAV_CMD_NAV_WAYPOINT,
    ML.MAV_CMD_NAV_TAKEOFF,
    ML.MAV_CMD_NAV_LAND,
    ML.MAV_CMD_NAV_RETURN_TO_LAUNCH,
)
SPEED, JUMP, SERVO = ML.MAV_CMD_DO_CHANGE_SPEED, ML.MAV_CMD_DO_JUMP, ML.MAV_CMD_DO_SET_SERVO


def item(seq, command, params=(0, 0, 0, 0), lat=HOME[0], lon=HOME[1], alt=10.0, frame=3):
    if command >= 100:
        frame, lat, lon, alt = 2, 0.0, 0.0, 0.0
    return MissionItem(seq, frame, command, tuple(map(float, params)), lat, lon, alt)


def mission(*body: MissionItem, fence=()) -> MissionFile:
    home = MissionItem(0, 0, WP, (0, 0, 0, 0), *HOME, current=True)
    return MissionFile(items=(home, *body), home=HOME, geofence_polygons=fence)


def good_body() -> list[MissionItem]:
    return [
        item(1, TO, alt=10),
        item(2, SPEED, (1, 5, -1, 0)),
        item(3, WP, lat=HOME[0] + 0.001),
        item(4, WP, (2, 0, 0, NAN), lat=HOME[0] + 0.001, lon=HOME[1] + 0.001),
        item(5, LAND),
    ]


def kinds(mf: MissionFile, autopilot="ardupilot") -> list[tuple[str, int]]:
    flight = from_mission_file(mf, name="m.plan")
    return [(v.kind, v.item) for v in integrity_violations(flight, autopilot)]


def test_a_good_mission_has_no_item_violation_and_checks_clean():
    mf = mission(*good_body())
    assert kinds(mf) == []
    assert check_flight(from_mission_file(mf, name="m.plan"), CheckConfig()).ok


@pytest.mark.parametrize(
    ("seq", "change", "why"),
    [
        (3, {"params": (NAN, 0, 0, 0)}, "param1 is NaN"),  # hold time
        (3, {"params": (0, NAN, 0, 0)}, "param2 is NaN"),
        (3, {"params": (0, 0, 0, math.inf)}, "param4 is infinite"),
        (3, {"lat_deg": NAN}, "latitude is not a number"),
        (3, {"lon_deg": NAN}, "longitude is not a number"),
        (3, {"alt_m": NAN}, "altitude is not a number"),
        (3, {"params": (-5, 0, 0, 0)}, "hold time -5 s"),
        (3, {"params": (70_000, 0, 0, 0)}, "hold time 70000 s"),
        (2, {"params": (1, NAN, -1, 0)}, "param2 is NaN"),  # null speed
        (1, {"alt_m": math.inf}, "altitude is not a number"),
        (5, {"params": (0, 0, NAN, 0)}, "param3 is NaN"),
    ],
)
def test_values_an_autopilot_refuses_are_invalid_items(seq, change, why):
    body = good_body()
    old = body[seq - 1]
    body[seq - 1] = MissionItem(**{**old.__dict__, **change})
    mf = mission(*body)
    flight = from_mission_file(mf, name="m.plan")
    report = check_flight(flight, CheckConfig())
    assert not report.ok
    found = [v for v in report.violations if v.kind == "invalid_item"]
    assert [v.item for v in found] == [seq]
    assert why in found[0].message and f"item {seq}" in found[0].message
    assert math.isfinite(found[0].lat_deg) and math.isfinite(found[0].lon_deg)


def test_nan_yaw_is_allowed_where_ardupilot_allows_it():
    body = good_body()
    body[0] = item(1, TO, (0, 0, 0, NAN), alt=10)
    body[4] = item(5, LAND, (0, 0, 0, NAN))
    assert kinds(mission(*body)) == []


def test_missing_take_off_and_landing():
    body = good_body()
    assert kinds(mission(*body[1:])) == [("missing_takeoff", 3)]
    assert kinds(mission(*body[:-1])) == [("missing_landing", 4)]
    assert kinds(mission(*body[1:-1], item(5, RTL))) == [("missing_takeoff", 3)]
    # PX4 takes off by itself before a first waypoint; a landing is still needed
    assert kinds(mission(*body[1:]), "px4") == []
    assert kinds(mission(*body[1:-1]), "px4") == [("missing_landing", 4)]


def test_a_return_to_launch_ends_a_mission():
    body = [*good_body()[:-1], item(5, RTL)]
    assert kinds(mission(*body)) == []


def test_jumps_to_nowhere_and_negative_repeats():
    body = good_body()
    assert kinds(mission(*body[:4], item(5, JUMP, (99, 1, 0, 0)), body[4])) == [("invalid_item", 5)]
    assert kinds(mission(*body[:4], item(5, JUMP, (3, -2, 0, 0)), body[4])) == [("invalid_item", 5)]
    assert kinds(mission(*body[:4], item(5, JUMP, (3, -1, 0, 0)), body[4])) == []


def test_a_self_crossing_fence_is_invalid_and_a_fence_across_180_is_not():
    bowtie = (((43.545, 1.447), (43.552, 1.456), (43.545, 1.456), (43.552, 1.447)), True)
    square = (((43.545, 1.447), (43.545, 1.456), (43.552, 1.456), (43.552, 1.447)), True)
    assert kinds(mission(*good_body(), fence=(square,))) == []
    assert kinds(mission(*good_body(), fence=(bowtie,))) == [("invalid_fence", 0)]
    lat = -16.8
    across = (
        ((lat, 179.998), (lat, -179.998), (lat + 0.004, -179.998), (lat + 0.004, 179.998)),
        True,
    )
    home = (lat + 0.002, 179.999, 0.0)
    mf = MissionFile(
        items=(
            MissionItem(0, 0, WP, (0, 0, 0, 0), *home, current=True),
            item(1, TO, alt=10),
            item(2, WP, lat=lat + 0.003, lon=-179.9995),
            item(3, LAND, lat=lat + 0.002, lon=179.999),
        ),
        home=home,
        geofence_polygons=(across,),
    )
    assert kinds(mf) == []
    assert check_flight(from_mission_file(mf, name="m.plan"), CheckConfig()).ok


def test_planned_missions_have_no_items_to_check(tmp_path):
    """A planned Mission is checked by the command check (it has no file items)."""
    flight = from_mission_file(mission(*good_body()), name="m.plan")
    flight.source_file = None
    assert integrity_violations(flight) == []
