"""GeoJSON and KML map exports (airwork.export.geojson, airwork.export.kml)."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
import shapely
from export_samples import FRAME, build_mission

from airwork.export.geojson import json_safe, to_geojson, write_geojson
from airwork.export.kml import KML_NS, to_kml, write_kml
from airwork.mission.model import AltitudeRef

NS = {"k": KML_NS}
LEG_PROPERTIES = {
    "sortie",
    "leg",
    "kind",
    "spraying",
    "camera",
    "altitude_m",
    "altitude_start_m",
    "altitude_ref",
    "speed_mps",
    "distance_m",
    "time_s",
    "energy_wh",
    "battery_frac",
    "payload_kg",
    "payload_end_kg",
}


def leg_features(doc: dict) -> list[dict]:
    return [f for f in doc["features"] if f["properties"].get("role") == "leg"]


def test_geojson_structure():
    """A FeatureCollection without crs or top-level properties, strict-JSON serialisable;
    its one foreign member (RFC 7946 section 6.1) is airwork's, with the reserve."""
    doc = to_geojson(build_mission())
    assert set(doc) == {"type", "features", "airwork"}
    assert doc["airwork"]["version"] == 1 and "reserve_frac" in doc["airwork"]
    assert doc["type"] == "FeatureCollection"
    json.dumps(doc, allow_nan=False)  # NaN feature properties became null


def test_geojson_one_linestring_per_leg_with_properties():
    """One LineString per leg, carrying the leg's own numbers."""
    mission = build_mission()
    legs = leg_features(to_geojson(mission))
    assert len(legs) == sum(len(s.legs) for s in mission.sorties) == 11
    for feature in legs:
        assert feature["geometry"]["type"] == "LineString"
        props = feature["properties"]
        assert props.keys() >= LEG_PROPERTIES
        sortie = mission.sorties[props["sortie"] - 1]
        leg = sortie.legs[props["leg"]]
        assert props["kind"] == leg.kind.value
        assert props["spraying"] is leg.spraying and props["camera"] is leg.camera
        assert props["speed_mps"] == leg.speed_mps
        assert props["energy_wh"] == leg.energy_wh
        assert props["payload_end_kg"] == leg.payload_end_kg
        assert props["altitude_start_m"] == sortie.waypoints[props["leg"]].alt_m
        assert props["altitude_m"] == sortie.waypoints[props["leg"] + 1].alt_m
        assert props["altitude_ref"] == "takeoff"
    first = legs[0]["properties"]
    assert (first["sortie"], first["leg"], first["kind"]) == (1, 0, "takeoff")
    work = legs[2]["properties"]
    assert work["kind"] == "work" and work["spraying"] is True
    assert work["payload_kg"] - work["payload_end_kg"] == pytest.approx(0.02 * 100.0)


def test_geojson_coordinates_convert_back_within_1cm():
    """Leg coordinates projected back into the local frame land within 1 cm of the waypoints."""
    mission = build_mission()
    legs = leg_features(to_geojson(mission))
    coords = np.array([c for f in legs for c in f["geometry"]["coordinates"]])
    x, y = FRAME.to_local(coords[:, 0], coords[:, 1])
    expected = np.array(
        [
            (w.x_m, w.y_m, w.alt_m)
            for s in mission.sorties
            for i in range(len(s.legs))
            for w in (s.waypoints[i], s.waypoints[i + 1])
        ]
    )
    np.testing.assert_allclose(x, expected[:, 0], atol=0.01)
    np.testing.assert_allclose(y, expected[:, 1], atol=0.01)
    np.testing.assert_array_equal(coords[:, 2], expected[:, 2])
    takeoff = legs[0]["geometry"]["coordinates"]
    assert takeoff[0][:2] == takeoff[1][:2] and takeoff[0][2] != takeoff[1][2]


def test_geojson_input_features_and_stations():
    """Input features keep role and JSON-safe properties; polygons follow the right-hand rule."""
    doc = to_geojson(build_mission(AltitudeRef.MSL))
    by_role = {f["properties"]["role"]: f for f in doc["features"] if f["properties"]["role"]}
    field = by_role["field"]
    assert field["properties"] == {
        "name": "north-12",
        "crop": "wheat",
        "area_ha": 0.65,
        "role": "field",
    }
    assert by_role["obstacle"]["properties"]["height_m"] is None
    assert by_role["no_spray"]["properties"]["reason"] == ["buffer", "stream"]
    polygon = shapely.geometry.shape(field["geometry"])
    assert len(polygon.interiors) == 1
    assert polygon.exterior.is_ccw and not polygon.interiors[0].is_ccw
    back = FRAME.geometry_to_local(polygon)
    local = build_mission().features[0].geometry
    assert back.hausdorff_distance(local) < 0.01  # m: 8-decimal rounding is ~1 mm
    stations = [f for f in doc["features"] if f["properties"]["role"] == "station"]
    assert [f["properties"]["station"] for f in stations] == [0, 1]
    assert leg_features(doc)[0]["properties"]["altitude_ref"] == "msl"


def test_json_safe():
    """json_safe turns NaN, numpy values, tuples and enums into JSON values."""
    assert json_safe({"a": float("nan"), 1: np.float32(2.5), "t": (np.int64(3), "x")}) == {
        "a": None,
        "1": 2.5,
        "t": [3, "x"],
    }
    assert json_safe(AltitudeRef.MSL) == "msl"


def test_write_geojson(tmp_path):
    """write_geojson writes the same document as to_geojson."""
    path = write_geojson(build_mission(), tmp_path / "m.geojson")
    assert json.loads(path.read_text()) == json.loads(json.dumps(to_geojson(build_mission())))


def test_kml_parses_and_has_one_folder_per_sortie():
    """KML 2.2 parses; one Folder per sortie holding its LineString runs."""
    mission = build_mission()
    root = ET.fromstring(to_kml(mission))
    assert root.tag == f"{{{KML_NS}}}kml"
    doc = root.find("k:Document", NS)
    folders = doc.findall("k:Folder", NS)
    assert [f.findtext("k:name", namespaces=NS) for f in folders] == ["Sortie 1", "Sortie 2"]
    runs = folders[0].findall("k:Placemark", NS)
    # sortie 1 states by leg: off, off, spray+camera, off, spray, off, off
    assert [r.findtext("k:styleUrl", namespaces=NS) for r in runs] == [
        "#leg-transit",
        "#leg-working",
        "#leg-transit",
        "#leg-working",
        "#leg-transit",
    ]
    coords = [r.findtext("k:LineString/k:coordinates", namespaces=NS).split() for r in runs]
    assert [len(c) for c in coords] == [3, 2, 2, 2, 3]
    assert coords[0][0] == "9.00000000,48.00000000,0"
    assert coords[0][1] == "9.00000000,48.00000000,20"
    for run in runs:
        assert run.findtext("k:LineString/k:altitudeMode", namespaces=NS) == "relativeToGround"
    (single,) = folders[1].findall("k:Placemark", NS)
    assert len(single.findtext("k:LineString/k:coordinates", namespaces=NS).split()) == 5


def test_kml_styles_stations_and_features():
    """Styles exist for every styleUrl; stations are Points; the field has its hole."""
    root = ET.fromstring(to_kml(build_mission(AltitudeRef.MSL)))
    doc = root.find("k:Document", NS)
    style_ids = {s.get("id") for s in doc.findall("k:Style", NS)}
    used = {el.text.lstrip("#") for el in root.iter(f"{{{KML_NS}}}styleUrl")}
    assert used <= style_ids
    assert doc.find("k:Style[@id='leg-working']/k:LineStyle/k:color", NS).text == "ff00c800"
    placemarks = doc.findall("k:Placemark", NS)
    stations = [p for p in placemarks if p.find("k:Point", NS) is not None]
    assert len(stations) == 2
    field = next(p for p in placemarks if p.findtext("k:name", namespaces=NS) == "north-12")
    assert len(field.findall("k:Polygon/k:outerBoundaryIs", NS)) == 1
    assert len(field.findall("k:Polygon/k:innerBoundaryIs", NS)) == 1
    modes = {el.text for el in root.iter(f"{{{KML_NS}}}altitudeMode")}
    assert modes == {"absolute"}


def test_write_kml(tmp_path):
    """write_kml writes to_kml's text."""
    path = write_kml(build_mission(), tmp_path / "m.kml")
    assert path.read_text(encoding="utf-8") == to_kml(build_mission())


def test_geojson_photo_points_are_where_the_plan_takes_single_photos():
    """The power-line example: one ``photo`` point per single photo the exported .plan takes
    (DO_DIGICAM_CONTROL, 203, at the towers; DO_SET_CAM_TRIGG_DIST, 206, stopping with its
    "trigger once" set, the last photo of a corridor line), at the navigation waypoint the
    command follows."""
    from pathlib import Path

    from airwork import run_job

    example = Path(__file__).parents[2] / "examples" / "powerline.geojson"
    out = run_job(
        {
            "kind": "powerline",
            "site": {"files": [str(example)]},
            "output": {"formats": ["geojson", "qgc-plan"]},
        }
    )
    doc = json.loads(out.files["mission.geojson"])
    photos = [f for f in doc["features"] if f["properties"]["role"] == "photo"]
    expected = []
    for name in sorted(n for n in out.files if n.endswith(".plan")):
        sortie = int(name.removeprefix("sortie-").removesuffix(".plan"))
        last_nav = None
        for item in json.loads(out.files[name])["mission"]["items"]:
            if item["command"] in (16, 22, 21):
                last_nav = item["params"][4:6]
            elif item["command"] == 203 or (
                item["command"] == 206 and item["params"][0] == 0 and item["params"][2] == 1
            ):
                expected.append((sortie, *last_nav))
    assert len(photos) == len(expected) > 0
    got = sorted((f["properties"]["sortie"], f["geometry"]["coordinates"][1],
                  f["geometry"]["coordinates"][0]) for f in photos)  # fmt: skip
    for (s1, lat1, lon1), (s2, lat2, lon2) in zip(got, sorted(expected), strict=True):
        assert s1 == s2
        assert abs(lat1 - lat2) < 2e-6 and abs(lon1 - lon2) < 3e-6  # ~0.2 m
