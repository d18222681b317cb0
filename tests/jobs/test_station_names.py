"""Each station of a plan carries the name the site gave it, and every leg the index of the
station its sortie takes off from and lands at: the sortie table, the web map and KML name
stations from these, not from positions."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import pytest

from airwork import run_job
from airwork.service.sorties import sortie_table

EXAMPLE = Path(str(resources.files("airwork").joinpath("data/example_field.geojson")))


def _site(tmp_path: Path, stations: list[dict]) -> Path:
    """The example field with the given station features (no stations when empty)."""
    data = json.loads(EXAMPLE.read_text())
    field = [f for f in data["features"] if f["properties"]["role"] == "field"]
    data["features"] = field + stations
    path = tmp_path / "site.geojson"
    path.write_text(json.dumps(data))
    return path


def _station(lon: float, lat: float, **props) -> dict:
    return {
        "type": "Feature",
        "properties": {"role": "station", **props},
        "geometry": {"type": "Point", "coordinates": [lon, lat]},
    }


def _plan(site: Path):
    request = {
        "kind": "spray",
        "site": {"files": [str(site)]},
        "aircraft": ["sprayer-40"],
        "output": {"formats": ["geojson", "kml"]},
    }
    return run_job(request)


@pytest.fixture(scope="module")
def two_named(tmp_path_factory):
    """Two named stations 60 m apart at the field's south-west corner (a sortie may end at
    either) and an unnamed third one at the far corner."""
    site = _site(
        tmp_path_factory.mktemp("names"),
        [
            _station(1.4490904, 43.5464504, name="barn"),
            _station(1.4498330, 43.5464504, id="track"),
            _station(1.4560, 43.5500),
        ],
    )
    return _plan(site)


def test_mission_stations_carry_the_sites_names(two_named):
    mission = two_named.mission
    assert mission.station_names == ("barn", "track", None)
    assert [mission.station_name(i) for i in range(3)] == ["barn", "track", "station 3"]


def test_geojson_legs_carry_their_stations_and_station_points_their_names(two_named):
    mission = two_named.mission
    fc = json.loads(two_named.files["mission.geojson"])
    points = [f["properties"] for f in fc["features"] if f["properties"]["role"] == "station"]
    planned = {p["station"]: p["name"] for p in points if "station" in p}
    assert planned == {0: "barn", 1: "track", 2: "station 3"}
    expected = {s.index: (s.station_index, s.landing_station_index) for s in mission.sorties}
    for f in fc["features"]:
        p = f["properties"]
        if p["role"] == "leg":
            assert (p["station"], p["landing_station"]) == expected[p["sortie"]]


def test_the_sortie_table_names_each_sorties_own_station(two_named):
    mission = two_named.mission
    fc = json.loads(two_named.files["mission.geojson"])
    rows = sortie_table(fc["features"], two_named.summary)
    assert [r["sortie"] for r in rows] == [s.index for s in mission.sorties]
    names = ("barn", "track", "station 3")
    assert len({s.station_index for s in mission.sorties}) >= 2  # a test that can fail
    for row, sortie in zip(rows, mission.sorties, strict=True):
        assert row["station"] == names[sortie.station_index]


def test_kml_names_stations_as_the_site_does(two_named):
    kml = two_named.files["mission.kml"]
    text = kml.decode() if isinstance(kml, bytes) else kml
    for name in ("barn", "track", "station 3"):
        assert f"<name>{name}</name>" in text


def test_a_station_the_planner_placed_has_no_site_name(tmp_path):
    outcome = _plan(_site(tmp_path, []))
    assert outcome.mission.station_names == ()
    fc = json.loads(outcome.files["mission.geojson"])
    points = [f["properties"] for f in fc["features"] if f["properties"]["role"] == "station"]
    assert [p["name"] for p in points] == ["station 1"]
