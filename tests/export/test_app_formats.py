"""DJI WPML, Litchi CSV and QGC's editable Survey/CorridorScan items (issue 13 G), each
validated against the format rules of ``mission-formats.md`` (sections 1.4, 4 and 5):
archive layout, namespaces, required keys, units, ranges and what the format refuses."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
import shapely
from export_samples import FRAME, X0, Y0, build_mission
from pyproj import Geod

from airwork.aircraft import load_aircraft
from airwork.autopilot.mission_items import mission_items
from airwork.autopilot.read import parse_qgc_plan
from airwork.errors import ExportError
from airwork.export.dji_wpml import AIRCRAFT
from airwork.export.qgc_plan import plan_dict
from airwork.export.registry import ExportOptions, render
from airwork.planners.powerline import PowerlineParams, plan_powerline, powerline_problem
from airwork.planners.survey import SurveyParams, SurveyProblem, plan_survey
from airwork.site import load_site

ROOT = Path(__file__).parents[2]
KML = "{http://www.opengis.net/kml/2.2}"
WPML = "{http://www.dji.com/wpmz/1.0.2}"
GEOD = Geod(ellps="WGS84")
#: The Litchi header as the reference gives it (section 5).
LITCHI_HEADER = (
    ["latitude", "longitude", "altitude(m)", "heading(deg)", "curvesize(m)", "rotationdir"]
    + ["gimbalmode", "gimbalpitchangle"]
    + [f"{k}{i}" for i in range(1, 16) for k in ("actiontype", "actionparam")]
    + ["altitudemode", "speed(m/s)", "poi_latitude", "poi_longitude", "poi_altitude(m)"]
    + ["poi_altitudemode", "photo_timeinterval", "photo_distinterval"]
)


@pytest.fixture(scope="module")
def survey():
    area = shapely.Polygon(
        [(X0, Y0), (X0 + 600, Y0 + 90), (X0 + 560, Y0 + 420), (X0 - 30, Y0 + 380)]
    )
    res = plan_survey(
        SurveyProblem(
            area=area,
            stations=((X0 - 30.0, Y0 - 30.0),),
            aircraft=load_aircraft("mapper-quad"),
            frame=FRAME,
        ),
        SurveyParams(crosshatch=True),
    )
    return res


@pytest.fixture(scope="module")
def powerline():
    job = load_site(ROOT / "examples" / "powerline.geojson")
    pb, _ = powerline_problem(job, "inspector-quad", "powerline")
    return plan_powerline(pb, PowerlineParams()).mission


def nav_latlon(mission, sortie):
    """(lat, lon, alt) of the airborne nav items (take-off top .. last before landing)."""
    items = mission_items(mission, sortie)
    navs = [it for it in items[1:] if it.command in (16, 22)]
    land = next(it for it in items if it.command == 21)
    return [(it.lat_deg, it.lon_deg, it.alt_m) for it in navs], land


# ----------------------------------------------------------------------------- DJI WPML
def _kmz(files, name="sortie-01.kmz"):
    z = zipfile.ZipFile(io.BytesIO(files[name]))
    return z, {n: ET.fromstring(z.read(n)) for n in z.namelist()}


def test_wpml_package_layout_and_namespaces(survey):
    files = render(survey.mission, ["dji-wpml"], ExportOptions(extra={"dji_aircraft": "M3E"}))
    assert sorted(files) == [f"sortie-{s.index:02d}.kmz" for s in survey.mission.sorties]
    z, docs = _kmz(files)
    assert z.namelist() == ["wpmz/template.kml", "wpmz/waylines.wpml"]
    for root in docs.values():
        assert root.tag == f"{KML}kml"
        cfg = root.find(f"{KML}Document/{WPML}missionConfig")
        for key in (
            "flyToWaylineMode",
            "finishAction",
            "exitOnRCLost",
            "executeRCLostAction",
            "takeOffSecurityHeight",
            "globalTransitionalSpeed",
            "globalRTHHeight",
        ):
            assert cfg.find(f"{WPML}{key}") is not None, key
        drone = cfg.find(f"{WPML}droneInfo")
        assert int(drone.find(f"{WPML}droneEnumValue").text) == 77
        assert int(drone.find(f"{WPML}droneSubEnumValue").text) == 0
        assert int(cfg.find(f"{WPML}payloadInfo/{WPML}payloadEnumValue").text) == 66
        assert 1.2 <= float(cfg.find(f"{WPML}takeOffSecurityHeight").text) <= 1500
    folder = docs["wpmz/template.kml"].find(f"{KML}Document/{KML}Folder")
    assert folder.find(f"{WPML}templateType").text == "waypoint"
    mode = folder.find(f"{WPML}waylineCoordinateSysParam/{WPML}heightMode").text
    assert mode == "relativeToStartPoint"


def test_wpml_waylines_follow_the_mission(survey):
    """Placemarks are the airborne nav items in order (lon,lat order, heights above the
    take-off point), speeds in [1, 15] m/s, action groups within the route, photo windows
    every trigger distance."""
    mission = survey.mission
    files = render(mission, ["dji-wpml"], ExportOptions())
    for s in mission.sorties:
        _, docs = _kmz(files, f"sortie-{s.index:02d}.kmz")
        folder = docs["wpmz/waylines.wpml"].find(f"{KML}Document/{KML}Folder")
        assert folder.find(f"{WPML}executeHeightMode").text == "relativeToStartPoint"
        assert folder.find(f"{WPML}waylineId").text == "0"
        marks = folder.findall(f"{KML}Placemark")
        navs, land = nav_latlon(mission, s)
        assert len(marks) == len(navs)
        distances = []
        for i, (pm, (lat, lon, alt)) in enumerate(zip(marks, navs, strict=True)):
            x, y = (float(v) for v in pm.find(f"{KML}Point/{KML}coordinates").text.split(","))
            assert (y, x) == pytest.approx((lat, lon), abs=1e-8)
            assert int(pm.find(f"{WPML}index").text) == i
            assert float(pm.find(f"{WPML}executeHeight").text) == pytest.approx(alt, abs=1e-3)
            assert 1.0 <= float(pm.find(f"{WPML}waypointSpeed").text) <= 15.0
            for g in pm.findall(f"{WPML}actionGroup"):
                a = int(g.find(f"{WPML}actionGroupStartIndex").text)
                b = int(g.find(f"{WPML}actionGroupEndIndex").text)
                assert 0 <= a <= b < len(marks)
                trig = g.find(f"{WPML}actionTrigger/{WPML}actionTriggerType").text
                assert trig in ("reachPoint", "multipleDistance")
                if trig == "multipleDistance":
                    distances.append(
                        float(g.find(f"{WPML}actionTrigger/{WPML}actionTriggerParam").text)
                    )
        assert distances
        assert all(d == pytest.approx(survey.trigger_distance_m, abs=1e-3) for d in distances)
        # the last waypoint is above the landing point (finishAction autoLand)
        assert (navs[-1][0], navs[-1][1]) == pytest.approx((land.lat_deg, land.lon_deg), abs=1e-9)


def test_wpml_tower_photos_face_the_tower(powerline):
    """Power line: at every tower photo waypoint the heading is towardPOI at the tower (from
    the example file) and a takePhoto runs there."""
    towers = [
        f["geometry"]["coordinates"]
        for f in json.loads((ROOT / "examples" / "powerline.geojson").read_text())["features"]
        if f["properties"]["role"] == "tower"
    ]
    files = render(powerline, ["dji-wpml"], ExportOptions(extra={"dji_aircraft": "m300"}))
    _, docs = _kmz(files)
    n = 0
    for pm in docs["wpmz/waylines.wpml"].iter(f"{KML}Placemark"):
        head = pm.find(f"{WPML}waypointHeadingParam")
        if head.find(f"{WPML}waypointHeadingMode").text != "towardPOI":
            continue
        lat, lon, _ = (float(v) for v in head.find(f"{WPML}waypointPoiPoint").text.split(","))
        assert min(GEOD.inv(lon, lat, t[0], t[1])[2] for t in towers) < 0.5
        funcs = [a.text for a in pm.iter(f"{WPML}actionActuatorFunc")]
        assert "takePhoto" in funcs and "gimbalRotate" in funcs
        n += 1
    assert n == 80


def test_wpml_refuses_what_it_cannot_carry(survey):
    with pytest.raises(ExportError, match="cannot switch a sprayer"):
        render(build_mission(), ["dji-wpml"], ExportOptions())
    with pytest.raises(ExportError, match="does not support aircraft 'MAVIC'"):
        render(survey.mission, ["dji-wpml"], ExportOptions(extra={"dji_aircraft": "mavic"}))
    fast = dataclasses.replace(
        survey.mission,
        sorties=tuple(
            dataclasses.replace(
                s, legs=tuple(dataclasses.replace(leg, speed_mps=17.0) for leg in s.legs)
            )
            for s in survey.mission.sorties
        ),
    )
    with pytest.raises(ExportError, match="17 m/s is over WPML's 15 m/s"):
        render(fast, ["dji-wpml"], ExportOptions())
    assert {"M300", "M3E", "M4T"} <= set(AIRCRAFT)


# ----------------------------------------------------------------------------- Litchi
def test_litchi_columns_and_values(survey):
    mission = survey.mission
    files = render(mission, ["litchi"], ExportOptions())
    for s in mission.sorties:
        rows = list(csv.reader(io.StringIO(files[f"sortie-{s.index:02d}.litchi.csv"].decode())))
        assert rows[0] == LITCHI_HEADER
        navs, _ = nav_latlon(mission, s)
        assert len(rows) - 1 == len(navs) <= 99
        col = {name: i for i, name in enumerate(LITCHI_HEADER)}
        windows = 0
        for row, (lat, lon, alt) in zip(rows[1:], navs, strict=True):
            assert len(row) == len(LITCHI_HEADER)
            assert (float(row[0]), float(row[1])) == pytest.approx((lat, lon), abs=1e-8)
            assert float(row[col["altitude(m)"]]) == pytest.approx(alt, abs=0.01)
            assert 0 <= float(row[col["speed(m/s)"]]) <= 15
            assert 0 <= float(row[col["heading(deg)"]]) < 360
            assert row[col["altitudemode"]] == "0"
            for k in range(1, 16):
                assert int(row[col[f"actiontype{k}"]]) in (-1, 0, 1, 2, 3, 4, 5)
            dist = float(row[col["photo_distinterval"]])
            assert dist == -1 or dist == pytest.approx(survey.trigger_distance_m)
            windows += dist > 0
        assert windows > 0


def test_litchi_refuses_long_sorties_and_spraying(powerline):
    with pytest.raises(ExportError, match=r"sortie 1: \d+ waypoints, more than the 99"):
        render(powerline, ["litchi"], ExportOptions())
    with pytest.raises(ExportError, match="Litchi cannot switch a sprayer"):
        render(build_mission(), ["litchi"], ExportOptions())


# ----------------------------------------------------------------------------- QGC editable
SURVEY_KEYS = {"angle", "entryLocation", "flyAlternateTransects", "splitConcavePolygons", "polygon"}
TRANSECT_KEYS = {
    "version",
    "TurnAroundDistance",
    "CameraTriggerInTurnAround",
    "HoverAndCapture",
    "Refly90Degrees",
    "CameraShots",
    "CameraCalc",
    "VisualTransectPoints",
    "Items",
}
CAMERA_CALC_KEYS = {
    "version",
    "CameraName",
    "AdjustedFootprintSide",
    "AdjustedFootprintFrontal",
    "DistanceToSurface",
    "DistanceMode",
}


def test_qgc_survey_item_keys_and_values(survey):
    mission = survey.mission
    files = render(mission, ["qgc-plan-editable"], ExportOptions())
    for s in mission.sorties:
        doc = json.loads(files[f"sortie-{s.index:02d}.editable.plan"])
        (cx,) = [it for it in doc["mission"]["items"] if it["type"] == "ComplexItem"]
        assert cx["complexItemType"] == "survey" and cx["version"] == 5
        assert set(cx) >= SURVEY_KEYS
        ts = cx["TransectStyleComplexItem"]
        assert set(ts) == TRANSECT_KEYS and ts["version"] == 2
        cc = ts["CameraCalc"]
        assert set(cc) == CAMERA_CALC_KEYS and cc["version"] == 2
        assert cc["CameraName"] == "Manual (no camera specs)" and cc["DistanceMode"] == 1
        assert cc["AdjustedFootprintSide"] == pytest.approx(survey.line_spacing_m, abs=1e-3)
        assert cc["AdjustedFootprintFrontal"] == pytest.approx(survey.trigger_distance_m, abs=1e-3)
        assert cc["DistanceToSurface"] == pytest.approx(survey.altitude_m, abs=1e-3)
        assert ts["Refly90Degrees"] is True
        assert all(len(p) == 2 for p in cx["polygon"]) and len(cx["polygon"]) == 4
        # the angle is the bearing of the first grid's transects (mod 180)
        (a, b) = ts["VisualTransectPoints"][:2]
        az = GEOD.inv(a[1], a[0], b[1], b[0])[0] % 180.0
        if s.index == 1:
            assert min(abs(az - cx["angle"]), 180 - abs(az - cx["angle"])) < 1.5
        assert ts["CameraShots"] > 0


def test_qgc_editable_plan_flies_the_same_items(survey):
    """Read back (QGC flattens ``Items``, as our reader does), the editable plan is the plain
    plan item for item."""
    mission = survey.mission
    files = render(mission, ["qgc-plan-editable"], ExportOptions())
    for s in mission.sorties:
        editable = parse_qgc_plan(files[f"sortie-{s.index:02d}.editable.plan"].decode())
        plain = parse_qgc_plan(json.dumps(plan_dict(mission, s)))
        assert [it.command for it in editable.items] == [it.command for it in plain.items]
        for a, b in zip(editable.items, plain.items, strict=True):
            assert (a.lat_deg, a.lon_deg, a.alt_m) == pytest.approx((b.lat_deg, b.lon_deg, b.alt_m))
            assert a.params == pytest.approx(b.params, nan_ok=True)
        assert editable.geofence_polygons == plain.geofence_polygons


def test_qgc_corridor_item_from_meta(survey):
    """A corridor description in Mission.meta gives a CorridorScan item (version 2)."""
    meta = dict(survey.mission.meta["survey"])
    corridor = {
        "polyline_xy_m": [[X0, Y0], [X0 + 300, Y0 + 50], [X0 + 600, Y0 + 60]],
        "width_m": 40.0,
        **{k: meta[k] for k in ("line_spacing_m", "trigger_distance_m", "altitude_m", "extend_m")},
    }
    mission = dataclasses.replace(survey.mission, meta={"corridor": corridor})
    doc = json.loads(
        render(mission, ["qgc-plan-editable"], ExportOptions())["sortie-01.editable.plan"]
    )
    (cx,) = [it for it in doc["mission"]["items"] if it["type"] == "ComplexItem"]
    assert cx["complexItemType"] == "CorridorScan" and cx["version"] == 2
    assert {"CorridorWidth", "EntryPoint", "polyline"} <= set(cx) and len(cx["polyline"]) == 3
    assert set(cx["TransectStyleComplexItem"]) == TRANSECT_KEYS


def test_qgc_editable_refuses_missions_without_meta():
    with pytest.raises(ExportError, match="no survey or corridor description"):
        render(build_mission(), ["qgc-plan-editable"], ExportOptions())
