"""MAVLink mission items built from a Mission (airwork.autopilot.mission_items)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
from export_samples import FRAME, HOME_AMSL_M, X0, Y0, build_mission, spray_sortie
from hypothesis import given, settings
from hypothesis import strategies as st
from pymavlink import mavutil
from pyproj import Transformer

from airwork.autopilot.items import (
    ARDUPILOT_COPTER_COMMANDS,
    PX4_MISSION_COMMANDS,
    Autopilot,
    SprayOutput,
    command_name,
    vehicle_mav_type,
)
from airwork.autopilot.mission_items import mission_items
from airwork.autopilot.profiles import PRESETS, GimbalType
from airwork.errors import ExportError
from airwork.mission.model import Action, ActionKind, AltitudeRef, Mission, Waypoint

ML = mavutil.mavlink
# Independent inverse projection (UTM 32N -> WGS84), not through LocalFrame.
TO_LONLAT = Transformer.from_crs(32632, 4326, always_xy=True)

# Sortie 1 worked out by hand from export_samples.spray_sortie and the ordering rules
# (default profile arducopter-4.6: 3-axis gimbal).
EXPECTED_SORTIE_1 = [
    16,  # home
    22,  # take-off to 20 m
    1000,  # gimbal -90, yaw 0 in the vehicle frame (waypoint 1 action)
    178,  # 8 m/s for the transit leg 1
    16,  # waypoint 2
    183,  # spray on
    206,  # camera every 15 m
    178,  # 5 m/s for the work leg 2
    16,  # waypoint 3
    183,  # spray off
    206,  # camera stop (100 m run, last photo at 90 m: no end photo)
    16,  # waypoint 4 (hold 3 s), leg 3 at 5 m/s: no speed change
    183,  # spray on
    16,  # waypoint 5
    183,  # spray off
    1000,  # gimbal pointed at the target, yaw in the earth frame
    203,  # one photo
    178,  # 8 m/s for the return leg 5
    16,  # waypoint 6
    # the cancelled target writes nothing on ArduPilot
    21,  # land
]


def test_sortie_command_sequence_ardupilot():
    """Sortie 1 gives exactly the hand-derived ArduPilot command sequence."""
    items = mission_items(build_mission(), 1)
    assert [it.command for it in items] == EXPECTED_SORTIE_1
    assert [it.seq for it in items] == list(range(len(items)))


def test_home_item():
    """Item 0 is the home: frame 0, NAV_WAYPOINT, first waypoint's position, AMSL altitude."""
    home = mission_items(build_mission(), 1)[0]
    assert (home.frame, home.command, home.current) == (0, 16, True)
    assert home.lat_deg == pytest.approx(48.0, abs=1e-9)
    assert home.lon_deg == pytest.approx(9.0, abs=1e-9)
    assert home.alt_m == HOME_AMSL_M


def test_nav_item_positions_match_independent_projection():
    """Nav item lat/lon equal the waypoints projected by an independent UTM transformer."""
    sortie = spray_sortie()
    items = mission_items(build_mission(), sortie)
    nav = [it for it in items[1:] if it.command in (16, 21, 22)]
    wps = sortie.waypoints[1:]  # waypoint 0 is the home item
    assert len(nav) == len(wps)
    lon, lat = TO_LONLAT.transform([w.x_m for w in wps], [w.y_m for w in wps])
    np.testing.assert_allclose([it.lat_deg for it in nav], lat, atol=1e-9)
    np.testing.assert_allclose([it.lon_deg for it in nav], lon, atol=1e-9)
    assert [it.alt_m for it in nav] == [20.0] * 6 + [0.0]  # land at alt 0


def test_item_params():
    """Speeds, hold, servo, camera, gimbal and ROI parameters are the ones specified."""
    items = mission_items(build_mission(), 1)
    by_cmd = {}
    for it in items:
        by_cmd.setdefault(it.command, []).append(it)
    assert [it.params for it in by_cmd[178]] == [
        (1.0, 8.0, -1.0, 0.0),
        (1.0, 5.0, -1.0, 0.0),
        (1.0, 8.0, -1.0, 0.0),
    ]
    assert [it.params[:2] for it in by_cmd[183]] == [(9, 1900), (9, 1100), (9, 1900), (9, 1100)]
    assert [it.params[:3] for it in by_cmd[206]] == [(15.0, 0.0, 1.0), (0.0, 0.0, 0.0)]
    gimbal, point = by_cmd[1000]
    assert gimbal.params == (-90.0, 0.0, 0.0, 0.0)
    assert (gimbal.lat_deg, gimbal.alt_m) == (0.0, 0.0)  # flags 0: yaw in the vehicle frame
    # the target from waypoint 5 (photo there): 50 m east, 40 m north, 18 m below
    assert point.params[0] == round(math.degrees(math.atan2(-18.0, math.hypot(50, 40))))
    assert point.params[1] == pytest.approx(math.degrees(math.atan2(50, 40)), abs=1.0)
    assert point.params[2:] == (0.0, 0.0)  # rates 0 (ArduPilot rejects NaN)
    assert point.lat_deg == ML.GIMBAL_MANAGER_FLAGS_YAW_LOCK == 16  # earth-frame yaw
    photo = by_cmd[203][0]
    assert photo.lat_deg == 1.0  # param5 = shoot
    assert [it.params[0] for it in by_cmd[16][1:]] == [0, 0, 3, 0, 0]  # hold 3.4 s -> 3
    assert 201 not in by_cmd and 205 not in by_cmd


def test_delivery_actions_and_takeoff_hold():
    """Winch and gripper items carry instance 1, relative length and release."""
    items = mission_items(build_mission(), 2)
    assert [it.command for it in items] == [16, 22, 178, 16, 42600, 211, 16, 21]
    winch = items[4]
    assert winch.params == (1.0, 1.0, 12.5, 0.0)
    assert items[5].params == (1.0, 0.0, 0.0, 0.0)
    assert items[3].params[0] == 5.0  # hold


@pytest.mark.parametrize(
    ("ref", "frame"),
    [(AltitudeRef.TAKEOFF, 3), (AltitudeRef.MSL, 0), (AltitudeRef.GROUND, 10)],
)
def test_frames(ref, frame):
    """Location items use the altitude reference's frame, DO items frame 2, home frame 0."""
    items = mission_items(build_mission(ref), 1)
    assert items[0].frame == 0
    for it in items[1:]:
        expected = frame if it.command in (16, 21, 22, 201) else 2
        assert it.frame == expected, command_name(it.command)


def test_msl_altitudes_include_home_elevation():
    """An MSL mission's nav altitudes are AMSL (home elevation + 20 m)."""
    items = mission_items(build_mission(AltitudeRef.MSL), 1)
    assert items[1].alt_m == pytest.approx(HOME_AMSL_M + 20.0)


def test_ardupilot_never_nan_and_only_known_commands():
    """ArduPilot items have no NaN anywhere and only commands ArduCopter accepts."""
    for ref in AltitudeRef:
        mission = build_mission(ref)
        for sortie in mission.sorties:
            for it in mission_items(mission, sortie):
                values = (*it.params, it.lat_deg, it.lon_deg, it.alt_m)
                assert all(math.isfinite(v) for v in values)
                assert it.command in ARDUPILOT_COPTER_COMMANDS
                assert it.command != 195


def test_px4_variants():
    """PX4 with a 3-axis gimbal gets DO_GIMBAL_MANAGER_PITCHYAW with NaN rates, and with a
    tilt-only one DO_SET_ROI_LOCATION/NONE (the vehicle faces the ROI); NaN yaw."""
    mission = build_mission()
    sortie = spray_sortie()
    no_spray = tuple(
        dataclasses.replace(
            w,
            actions=tuple(
                a for a in w.actions if a.kind not in (ActionKind.SPRAY_ON, ActionKind.SPRAY_OFF)
            ),
        )
        for w in sortie.waypoints
    )
    sortie = dataclasses.replace(sortie, waypoints=no_spray)
    items = mission_items(mission, sortie, autopilot="px4")
    commands = [it.command for it in items]
    assert commands.count(1000) == 2 and 195 not in commands and 197 not in commands
    assert set(commands) <= PX4_MISSION_COMMANDS
    gimbal = items[commands.index(1000)]
    assert gimbal.params[:2] == (-90.0, 0.0) and math.isnan(gimbal.params[2])
    assert math.isnan(items[1].params[3])  # take-off yaw: keep the yaw mode
    tilt = dataclasses.replace(PRESETS["px4-1.15"], gimbal=GimbalType.TILT)
    items = mission_items(mission, sortie, profile=tilt)
    commands = [it.command for it in items]
    assert 195 in commands and 197 in commands and 1000 in commands
    assert 201 not in commands and 205 not in commands
    assert set(commands) <= PX4_MISSION_COMMANDS
    roi = items[commands.index(195)]
    assert roi.frame == 3 and roi.alt_m == 2.0
    assert items[commands.index(197)].frame == 2


def test_px4_rejects_spray_servo_and_terrain_frame():
    """PX4 refuses DO_SET_SERVO and terrain-relative frames with a clear ExportError."""
    with pytest.raises(
        ExportError, match=r"sortie 1, waypoint 2: PX4 does not accept DO_SET_SERVO"
    ):
        mission_items(build_mission(), 1, autopilot=Autopilot.PX4)
    with pytest.raises(ExportError, match="MAV_FRAME_GLOBAL_TERRAIN_ALT"):
        mission_items(build_mission(AltitudeRef.GROUND), 2, autopilot=Autopilot.PX4)


def test_spray_output_is_used():
    """A custom SprayOutput changes the servo number and pulse widths."""
    items = mission_items(build_mission(), 1, spray=SprayOutput(servo=11, pwm_on_us=2000))
    servo = [it.params[:2] for it in items if it.command == 183]
    assert servo[:2] == [(11.0, 2000.0), (11.0, 1100.0)]
    with pytest.raises(ValueError, match="servo >= 1"):
        SprayOutput(servo=0)


def test_bad_inputs_raise_export_error():
    """Unknown sortie, autopilot, bad shape or a NaN target raise ExportError naming it."""
    mission = build_mission()
    with pytest.raises(ExportError, match=r"no sortie 7 \(sorties \[1, 2\]\)"):
        mission_items(mission, 7)
    with pytest.raises(ExportError, match="unknown autopilot 'inav'"):
        mission_items(mission, 1, autopilot="inav")
    sortie = spray_sortie()
    moved = list(sortie.waypoints)
    moved[1] = dataclasses.replace(moved[1], x_m=moved[1].x_m + 5)
    with pytest.raises(ExportError, match=r"takeoff leg 0 must be vertical, but moves 5\.00 m"):
        mission_items(mission, dataclasses.replace(sortie, waypoints=tuple(moved)))
    held = list(sortie.waypoints)
    held[3] = dataclasses.replace(held[3], hold_s=float("nan"))
    with pytest.raises(ExportError, match="sortie 1: waypoint 3 needs finite x, y, alt"):
        mission_items(mission, dataclasses.replace(sortie, waypoints=tuple(held)))
    nan_target = list(sortie.waypoints)
    nan_target[5] = Waypoint(
        X0 + 50,
        Y0 + 10,
        20.0,
        actions=(Action(ActionKind.POINT_CAMERA, target_m=(X0, Y0, float("nan"))),),
    )
    with pytest.raises(ExportError, match=r"sortie 1, waypoint 5: camera target"):
        mission_items(mission, dataclasses.replace(sortie, waypoints=tuple(nan_target)))


def test_vehicle_mav_type():
    """Vehicle names map to MAV_TYPE; missing attribute means quadrotor."""
    mission = build_mission()
    assert vehicle_mav_type(mission) == 2

    class WithVehicle:
        name = "m"

        def __init__(self, vehicle):
            self.vehicle = vehicle

    expected = {"quadrotor": 2, "hexarotor": 13, "octorotor": 14, "coaxial": 14, "vtol": 20}
    for vehicle, mav_type in expected.items():
        assert vehicle_mav_type(WithVehicle(vehicle)) == mav_type
    with pytest.raises(ExportError, match="unknown vehicle 'blimp'"):
        vehicle_mav_type(WithVehicle("blimp"))


def test_command_names():
    """command_name strips the MAV_CMD_ prefix and survives unknown ids."""
    assert command_name(16) == "NAV_WAYPOINT"
    assert command_name(42600) == "DO_WINCH"
    assert command_name(65000) == "CMD_65000"


_actions = st.one_of(
    st.builds(
        Action,
        st.sampled_from(list(ActionKind)),
        st.floats(-90, 90, allow_nan=False),
        st.floats(-180, 180, allow_nan=False),
    ),
    st.builds(
        lambda dx, dy, alt: Action(ActionKind.POINT_CAMERA, target_m=(X0 + dx, Y0 + dy, alt)),
        st.floats(-500, 500, allow_nan=False),
        st.floats(-500, 500, allow_nan=False),
        st.floats(0, 100, allow_nan=False),
    ),
    st.just(Action(ActionKind.POINT_CAMERA, target_m=None)),
)


def _valid(action: Action) -> Action:
    """Trigger distances are non-negative; anything else is kept."""
    if action.kind == ActionKind.CAMERA_TRIGGER_DISTANCE:
        return dataclasses.replace(action, value=abs(action.value))
    return action


@settings(max_examples=60, deadline=None)
@given(
    actions=st.lists(st.lists(_actions, max_size=4), min_size=8, max_size=8),
    ref=st.sampled_from(list(AltitudeRef)),
)
def test_ardupilot_export_never_contains_195(actions, ref):
    """Whatever actions a mission has, ArduPilot items never use 195 and contain no NaN."""
    base = build_mission(ref)
    sortie = base.sorties[0]
    wps = tuple(
        dataclasses.replace(w, actions=tuple(_valid(a) for a in acts))
        for w, acts in zip(sortie.waypoints, actions, strict=True)
    )
    mission: Mission = dataclasses.replace(
        base, sorties=(dataclasses.replace(sortie, waypoints=wps),)
    )
    items = mission_items(mission, 1)
    assert all(it.command != ML.MAV_CMD_DO_SET_ROI_LOCATION for it in items)
    assert all(it.command in ARDUPILOT_COPTER_COMMANDS for it in items)
    assert all(math.isfinite(v) for it in items for v in (*it.params, it.alt_m))
    n_actions = sum(len(w.actions) for w in wps)
    n_speed = sum(1 for it in items if it.command == 178)
    n_nav = sum(1 for it in items if it.command in (16, 21, 22))
    assert n_nav == 1 + 7  # home and 7 nav items
    # at most two items per action (a tilt gimbal and a yaw), never more
    assert len(items) <= 1 + 7 + 2 * n_actions + n_speed


def test_frame_fixture_is_utm32():
    """The fixture frame is UTM 32N, so the independent transformer above is valid."""
    assert FRAME.epsg == 32632
