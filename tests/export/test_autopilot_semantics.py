"""What the exported items make ArduCopter do: vertical speed types, the last photo of a
camera run, and where the camera points at every tower photo (for each gimbal type).

The autopilot's behaviour comes from :mod:`autopilot_sim` (written from ArduPilot's sources);
targets and bearings are computed here from the example files with our own geodesy."""

from __future__ import annotations

import dataclasses
import json
import math
from pathlib import Path

import numpy as np
import pytest
from autopilot_sim import angle_diff, bearing, distance, simulate
from export_samples import FRAME, X0, Y0, build_mission, legs_for

from airwork.autopilot.mission_items import mission_items
from airwork.autopilot.pointing import END_PHOTO_MARGIN_FRAC, end_photo_needed
from airwork.autopilot.profiles import PRESETS, GimbalType
from airwork.mission.model import Action, ActionKind, LegKind, Sortie, Waypoint
from airwork.planners.powerline import PowerlineParams, plan_powerline, powerline_problem
from airwork.planners.survey import SurveyParams, SurveyProblem, plan_survey
from airwork.site import load_site

ROOT = Path(__file__).parents[2]
POWERLINE = ROOT / "examples" / "powerline.geojson"
CHANGE_SPEED = 178


# ----------------------------------------------------------------------------- D: speeds
def _delivery_like_sortie() -> Sortie:
    """Out at 10 m/s, descend to 2 m at 1.5 m/s, hold, climb at 2.5 m/s, a power-line-style
    5 m vertical step flown at the 9 m/s transit speed, back and land."""
    wps = [
        Waypoint(X0, Y0, 0.0),
        Waypoint(X0, Y0, 60.0),
        Waypoint(X0 + 300, Y0, 60.0),
        Waypoint(X0 + 300, Y0, 2.0),
        Waypoint(X0 + 300, Y0, 2.0, hold_s=20.0),
        Waypoint(X0 + 300, Y0, 60.0),
        Waypoint(X0 + 300, Y0, 65.0),
        Waypoint(X0 + 300, Y0 + 80, 65.0),
        Waypoint(X0, Y0, 60.0),
        Waypoint(X0, Y0, 0.0),
    ]
    kinds = [LegKind.TAKEOFF, *[LegKind.TRANSIT] * 7, LegKind.LANDING]
    speeds = [2.5, 10.0, 1.5, 1.5, 2.5, 9.0, 9.0, 10.0, 1.5]
    legs = legs_for(wps, kinds, speeds, [False] * 9, [False] * 9, 2.0, 0.0)
    return Sortie(index=1, waypoints=tuple(wps), legs=legs)


def speed_changes_before_legs(items):
    """(speed type, value, leg horizontal m, leg climb m) for every DO_CHANGE_SPEED, with the
    leg flown to the next navigation item."""
    out = []
    pos = (items[0].lat_deg, items[0].lon_deg, 0.0)
    pending = []
    for it in items[1:]:
        if it.command == CHANGE_SPEED:
            pending.append(it)
        elif it.command in (16, 21, 22):
            target = (it.lat_deg, it.lon_deg, it.alt_m)
            if it.command == 22:
                target = (pos[0], pos[1], it.alt_m)
            horiz = distance(pos[0], pos[1], target[0], target[1])
            out += [(int(p.params[0]), p.params[1], horiz, target[2] - pos[2]) for p in pending]
            pending = []
            pos = target
    return out


def test_vertical_speeds_use_climb_and_descent_types():
    """Vertical legs get SPEED_TYPE 2 (climb) / 3 (descent) with their vertical speed (capped
    at the profile's WPNAV_SPEED_UP/DN), horizontal legs type 1; never a vertical leg after a
    type 1, never a horizontal one after a type 2 or 3."""
    mission = dataclasses.replace(build_mission(), sorties=(_delivery_like_sortie(),))
    changes = speed_changes_before_legs(mission_items(mission, 1))
    assert [(t, v) for t, v, _, _ in changes] == [
        (1, 10.0),  # out
        (3, 1.5),  # down to the drop
        (2, 2.5),  # back up (the hold in place changes nothing)
        # the 5 m step at the 9 m/s transit speed: capped at 2.5, already set
        (1, 9.0),  # the short horizontal leg
        (1, 10.0),  # home
    ]
    for kind, _, horiz, climb in changes:
        if kind == 1:
            assert horiz >= 1.0
        else:
            assert horiz < 1.0 and (climb > 0) == (kind == 2)


def test_vertical_speed_cap_follows_the_profile():
    """A profile with faster vertical speeds lets the 9 m/s step climb at its own limit."""
    mission = dataclasses.replace(build_mission(), sorties=(_delivery_like_sortie(),))
    fast = dataclasses.replace(PRESETS["arducopter-4.6"], climb_speed_mps=4.0)
    changes = speed_changes_before_legs(mission_items(mission, 1, profile=fast))
    climbs = [v for t, v, _, _ in changes if t == 2]
    assert climbs == [2.5, 4.0]


# ----------------------------------------------------------------------------- E: last photo
def _run_sortie(run_m: float, trigger_m: float) -> Sortie:
    """One straight camera run of ``run_m`` metres, trigger every ``trigger_m``."""
    on = (Action(ActionKind.CAMERA_TRIGGER_DISTANCE, trigger_m),)
    off = (Action(ActionKind.CAMERA_TRIGGER_DISTANCE, 0.0),)
    wps = [
        Waypoint(X0, Y0, 0.0),
        Waypoint(X0, Y0, 50.0),
        Waypoint(X0 + 20, Y0, 50.0, actions=on),
        Waypoint(X0 + 20 + run_m, Y0, 50.0, actions=off),
        Waypoint(X0, Y0 + 30, 50.0),
        Waypoint(X0, Y0 + 30, 0.0),
    ]
    kinds = [LegKind.TAKEOFF, LegKind.TRANSIT, LegKind.WORK, LegKind.RETURN, LegKind.LANDING]
    legs = legs_for(
        wps, kinds, [2.5, 8, 8, 8, 1.5], [False] * 5, [False, False, True, False, False]
    )
    return Sortie(index=1, waypoints=tuple(wps), legs=legs)


def planned_photos(mission, sortie):
    """Photo positions the planner counts (survey ``photo_count``): 0, d, 2d ... along every
    run from its trigger-on waypoint to its trigger-off waypoint; (lat, lon) list."""
    out = []
    start = d = None
    for k, w in enumerate(sortie.waypoints):
        for a in w.actions:
            if a.kind == ActionKind.CAMERA_TRIGGER_DISTANCE and a.value > 0:
                start, d = k, a.value
            elif a.kind == ActionKind.CAMERA_TRIGGER_DISTANCE and start is not None:
                xy = sortie.xy_m[start : k + 1]
                seg = np.hypot(*np.diff(xy, axis=0).T)
                cum = np.concatenate([[0], np.cumsum(seg)])
                for s in np.arange(0.0, cum[-1] + 1e-9, d):
                    j = min(int(np.searchsorted(cum, s, side="right")) - 1, len(seg) - 1)
                    p = xy[j] + (xy[j + 1] - xy[j]) * (s - cum[j]) / seg[j]
                    lon, lat = mission.frame.to_lonlat(p[0], p[1])
                    out.append((float(lat), float(lon), d))
                start = None
    return out


def unmatched(planned, photos):
    """Planned photos with no photo taken within the end margin (+ 1 m) of them."""
    missing = []
    for lat, lon, d in planned:
        tol = max(END_PHOTO_MARGIN_FRAC * d, 2.0) + 1.0
        if not any(distance(lat, lon, p.lat, p.lon) <= tol for p in photos):
            missing.append((lat, lon))
    return missing


def test_run_ending_on_a_photo_point_takes_it():
    """A 100 m run with a 20 m trigger plans its sixth photo at the very end: the stop item
    shoots once (param3 = 1), and the simulated autopilot takes all six; a plain stop (the
    old export) loses the last one."""
    mission = dataclasses.replace(build_mission(), sorties=(_run_sortie(100.0, 20.0),))
    items = mission_items(mission, 1)
    stop = next(it for it in items if it.command == 206 and it.params[0] == 0)
    assert stop.params[2] == 1
    planned = planned_photos(mission, mission.sorties[0])
    assert len(planned) == 6
    assert unmatched(planned, simulate(items)) == []
    old = [
        dataclasses.replace(it, params=(0.0, 0.0, 0.0, 0.0)) if it is stop else it for it in items
    ]
    assert len(unmatched(planned, simulate(old))) == 1


def test_run_with_its_last_photo_well_inside_has_no_extra_shot():
    """A 110 m run with a 20 m trigger plans its last photo 10 m before the end: the distance
    trigger takes it; the stop does not shoot."""
    mission = dataclasses.replace(build_mission(), sorties=(_run_sortie(110.0, 20.0),))
    items = mission_items(mission, 1)
    stop = next(it for it in items if it.command == 206 and it.params[0] == 0)
    assert stop.params[2] == 0
    planned = planned_photos(mission, mission.sorties[0])
    photos = simulate(items)
    assert unmatched(planned, photos) == [] and len(photos) == len(planned) == 6


@pytest.mark.parametrize(
    ("length", "trigger", "expected"),
    [(100.0, 20.0, True), (104.9, 20.0, True), (105.1, 20.0, False), (61.0, 4.0, True)],
)
def test_end_photo_rule(length, trigger, expected):
    assert end_photo_needed(length, trigger) is expected


def test_survey_takes_every_planned_photo():
    """Every photo the survey planner plans (including those at the very end of a line) is
    taken by the simulated autopilot flying the exported items."""
    frame = FRAME
    area = __import__("shapely").Polygon(
        [(X0, Y0), (X0 + 600, Y0 + 90), (X0 + 560, Y0 + 420), (X0 - 30, Y0 + 380)]
    )
    from airwork.aircraft import load_aircraft

    res = plan_survey(
        SurveyProblem(
            area=area,
            stations=((X0 - 30.0, Y0 - 30.0),),
            aircraft=load_aircraft("mapper-quad"),
            frame=frame,
        ),
        SurveyParams(crosshatch=True),
    )
    total_planned = 0
    for s in res.mission.sorties:
        items = mission_items(res.mission, s)
        planned = planned_photos(res.mission, s)
        total_planned += len(planned)
        assert unmatched(planned, simulate(items)) == [], f"sortie {s.index}"
    assert total_planned == res.photo_count


# ----------------------------------------------------------------------------- C: pointing
@pytest.fixture(scope="module")
def powerline_example():
    job = load_site(POWERLINE)
    problem, _ = powerline_problem(job, "inspector-quad", "powerline")
    res = plan_powerline(problem, PowerlineParams())
    gj = json.loads(POWERLINE.read_text())
    towers = [
        (f["geometry"]["coordinates"][1], f["geometry"]["coordinates"][0], f["properties"])
        for f in gj["features"]
        if f["properties"].get("role") == "tower"
    ]
    return res, towers


def tower_photo_errors(res, towers, profile, *, clear_earth_flag=False):
    """(camera bearing - bearing to the nearest tower) of every single-shot photo taken
    near a tower, flying the mission with ``profile``."""
    errors = []
    for s in res.mission.sorties:
        items = mission_items(res.mission, s, profile=profile)
        if clear_earth_flag:
            items = [
                dataclasses.replace(it, lat_deg=0.0) if it.command == 1000 else it for it in items
            ]
        for p in simulate(items, gimbal=str(profile.gimbal)):
            if p.source != "digicam":
                continue
            lat, lon, _ = min(towers, key=lambda t: distance(p.lat, p.lon, t[0], t[1]))
            if distance(p.lat, p.lon, lat, lon) > 1.5 * res.standoff_m:
                continue  # an end-of-pass photo along the line
            errors.append(angle_diff(p.camera_bearing_deg, bearing(p.lat, p.lon, lat, lon)))
    return np.array(errors)


@pytest.mark.parametrize(
    "name",
    ["arducopter-4.6", "arducopter-4.6-tilt", "arducopter-4.6-nogimbal", "arducopter-4.6-sd"],
)
def test_every_tower_photo_looks_at_its_tower(powerline_example, name):
    """At all 80 tower photos of the power-line example the camera (vehicle heading plus
    gimbal yaw, as ArduCopter applies the items) points at the tower within 1°."""
    res, towers = powerline_example
    profile = PRESETS[name]
    err = tower_photo_errors(res, towers, profile)
    assert len(err) == 80 == 8 * len(towers)
    assert np.max(np.abs(err)) < 1.0, np.round(err, 1)


def test_pointing_check_detects_a_vehicle_frame_yaw(powerline_example):
    """The same check fails when the gimbal yaw is taken relative to the nose (the old
    DO_MOUNT_CONTROL behaviour): the test can fail."""
    res, towers = powerline_example
    err = tower_photo_errors(res, towers, PRESETS["arducopter-4.6"], clear_earth_flag=True)
    assert np.max(np.abs(err)) > 30.0


def test_tower_photo_pitch_hits_the_tower(powerline_example):
    """With a 3-axis gimbal, the pitch at each tower photo aims between the insulators and the
    tower top (heights from the example file; altitudes relative to the flat take-off)."""
    res, towers = powerline_example
    hits = 0
    for s in res.mission.sorties:
        for p in simulate(mission_items(res.mission, s), gimbal="3-axis"):
            lat, lon, props = min(towers, key=lambda t: distance(p.lat, p.lon, t[0], t[1]))
            d = distance(p.lat, p.lon, lat, lon)
            if p.source != "digicam" or d > 1.5 * res.standoff_m:
                continue
            z = p.alt + d * math.tan(math.radians(p.pitch_deg))
            tol = d * math.tan(math.radians(0.5)) + 0.05
            assert props["height_m"] - 8.0 - tol <= z <= props["height_m"] + tol
            hits += 1
    assert hits == 80


def test_tilt_profile_writes_yaw_after_the_gimbal_item(powerline_example):
    """Tilt-only: the gimbal pitch comes first and CONDITION_YAW second, so the yaw starts
    after the next waypoint has reset the heading mode; gimbal-less: CONDITION_YAW only."""
    res, _ = powerline_example
    s = res.mission.sorties[0]
    tilt = [it.command for it in mission_items(res.mission, s, profile="arducopter-4.6-tilt")]
    i = tilt.index(115)
    assert tilt[i - 1] == 1000
    none = [it.command for it in mission_items(res.mission, s, profile="arducopter-4.6-nogimbal")]
    assert 115 in none and all(c != 1000 for c in none)
    assert PRESETS["arducopter-4.6-nogimbal"].gimbal is GimbalType.NONE
