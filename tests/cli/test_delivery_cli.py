"""``airwork plan delivery`` end to end: files written and read back, errors without output."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from airwork.autopilot.read import parse_qgc_plan
from airwork.cli.main import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "delivery.geojson"
ORDERS = ROOT / "examples" / "delivery-orders.csv"
LIGHT = ROOT / "examples" / "delivery-light-quad.yaml"
MAV_CMD_DO_GRIPPER = 211
MAV_CMD_DO_WINCH = 42600
MAV_CMD_NAV_TAKEOFF = 22
MAV_CMD_NAV_LAND = 21


def run(*args):
    return runner.invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


@pytest.fixture(scope="module")
def planned(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("delivery") / "out"
    res = run(
        "plan",
        "delivery",
        EXAMPLE,
        "--orders",
        ORDERS,
        "-a",
        "delivery-hex",
        "-a",
        f"{LIGHT}:1",
        "--runtime-s",
        "1",
        "--wind-mps",
        "5",
        "--wind-from-deg",
        "250",
        "--no-picture",
        "--out",
        out,
    )
    assert res.exit_code == 0, res.output
    return out


def test_every_trip_is_a_mission_file_with_its_drops(planned):
    summary = json.loads((planned / "summary.json").read_text())
    features = json.loads(EXAMPLE.read_text())["features"]
    n_orders = sum(f["properties"]["role"] == "order" for f in features)
    n_orders += len(ORDERS.read_text().strip().splitlines()) - 1
    assert summary["orders"] == n_orders
    assert summary["served"] + len(summary["unserved"]) == n_orders
    assert summary["served"] >= 0.9 * n_orders
    plans = sorted(planned.glob("sortie-*.plan"))
    assert len(plans) == summary["trips"] == len(list(planned.glob("sortie-*.waypoints")))
    trips = {t["sortie"]: t for d in summary["schedule"].values() for t in d}
    drops = {
        f["properties"]["id"]: f["properties"]["drop"]
        for f in features
        if f["properties"]["role"] == "order"
    }
    for line in ORDERS.read_text().strip().splitlines()[1:]:
        cells = line.split(",")
        drops[cells[0]] = cells[-1]
    for k, path in enumerate(plans, start=1):
        items = parse_qgc_plan(path.read_text()).items
        cmds = [it.command for it in items]
        ids = [o["id"] for o in trips[k]["orders"]]
        assert cmds.count(MAV_CMD_DO_GRIPPER) == len(ids)
        # a winch drop pays the line out and winds it back in, with the release between
        assert cmds.count(MAV_CMD_DO_WINCH) == 2 * sum(drops[i] == "winch" for i in ids)
        winch = [it for it in items if it.command == MAV_CMD_DO_WINCH]
        assert all(w.params[2] > 0 for w in winch[::2]) and all(
            w.params[2] < 0 for w in winch[1::2]
        )
        assert cmds.count(MAV_CMD_NAV_TAKEOFF) == 1 and cmds[-1] == MAV_CMD_NAV_LAND
    geo = json.loads((planned / "mission.geojson").read_text())
    assert geo["type"] == "FeatureCollection"


@pytest.mark.parametrize(
    ("features", "message"),
    [
        (
            [
                {"role": "hub", "id": "H", "_pt": [1.40, 43.60]},
                {"role": "no_fly", "id": "Z", "_poly": [1.39, 43.59, 1.41, 43.61]},
                {"role": "order", "id": "a", "mass_kg": 1, "_pt": [1.42, 43.60]},
            ],
            "hub 'H' is inside no-fly zone 'Z'",
        ),
        (
            [
                {"role": "hub", "id": "H", "_pt": [1.40, 43.60]},
                {"role": "order", "id": "a", "mass_kg": 1, "_pt": [1.42, 43.60]},
                {"role": "order", "id": "a", "mass_kg": 2, "_pt": [1.41, 43.60]},
            ],
            "duplicate order id 'a'",
        ),
        (
            [
                {"role": "hub", "id": "H", "_pt": [1.40, 43.60]},
                {"role": "order", "id": "a", "_pt": [1.42, 43.60]},
            ],
            "has no mass_kg",
        ),
        (
            [
                {"role": "hub", "id": "H", "_pt": [1.40, 43.60]},
                {
                    "role": "order",
                    "id": "a",
                    "mass_kg": 1,
                    "earliest": "25:99",
                    "_pt": [1.42, 43.6],
                },
            ],
            "earliest",
        ),
        (
            [{"role": "order", "id": "a", "mass_kg": 1, "_pt": [1.42, 43.60]}],
            "no hub",
        ),
    ],
)
def test_bad_input_fails_cleanly_without_output(tmp_path, features, message):
    feats = []
    for f in features:
        props = {k: v for k, v in f.items() if not k.startswith("_")}
        if "_pt" in f:
            geom = {"type": "Point", "coordinates": f["_pt"]}
        else:
            x0, y0, x1, y1 = f["_poly"]
            geom = {
                "type": "Polygon",
                "coordinates": [[[x0, y0], [x1, y0], [x1, y1], [x0, y1], [x0, y0]]],
            }
        feats.append({"type": "Feature", "properties": props, "geometry": geom})
    job = tmp_path / "job.geojson"
    job.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    out = tmp_path / "out"
    res = run("plan", "delivery", job, "--runtime-s", "0.5", "--out", out)
    assert res.exit_code == 1, res.output
    assert message in " ".join(res.output.split())
    assert "Traceback" not in res.output
    assert not out.exists()


def test_bad_csv_and_fleet_fail_cleanly(tmp_path):
    csv = tmp_path / "orders.csv"
    csv.write_text("id,lat,mass_kg\na,43.6,1\n")
    out = tmp_path / "out"
    res = run("plan", "delivery", EXAMPLE, "--orders", csv, "--out", out)
    assert res.exit_code == 1 and "needs lat and lon columns" in res.output
    res = run("plan", "delivery", EXAMPLE, "-a", "sprayer-40", "--out", out)
    assert res.exit_code == 1 and "no cargo bay" in res.output
    res = run("plan", "delivery", EXAMPLE, "-a", "delivery-hex:x", "--out", out)
    assert res.exit_code == 1 and "whole number" in res.output
    assert not out.exists()


def test_unservable_orders_are_listed_not_fatal(tmp_path):
    feats = [
        {
            "type": "Feature",
            "properties": {"role": "hub", "id": "H"},
            "geometry": {"type": "Point", "coordinates": [1.40, 43.60]},
        },
        {
            "type": "Feature",
            "properties": {"role": "order", "id": "heavy", "mass_kg": 9},
            "geometry": {"type": "Point", "coordinates": [1.41, 43.60]},
        },
        {
            "type": "Feature",
            "properties": {"role": "order", "id": "ok", "mass_kg": 1},
            "geometry": {"type": "Point", "coordinates": [1.41, 43.605]},
        },
    ]
    job = tmp_path / "job.geojson"
    job.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    out = tmp_path / "out"
    res = run("plan", "delivery", job, "--runtime-s", "0.5", "--no-picture", "--out", out)
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["served"] == 1
    assert summary["unserved"][0]["id"] == "heavy"
    assert "heavier" in summary["unserved"][0]["reason"]


def test_every_trip_passed_the_shared_preflight_per_aircraft(planned):
    """summary.json carries the preflight of each aircraft type's trips, checked against
    the job's own no-fly zones."""
    summary = json.loads((planned / "summary.json").read_text())
    pre = summary["preflight"]
    assert pre["ok"] is True
    features = json.loads(EXAMPLE.read_text())["features"]
    zones = [f for f in features if f["properties"]["role"] == "no_fly"]
    assert pre["by_aircraft"] and all(b["zones"] == len(zones) for b in pre["by_aircraft"].values())


def test_preflight_refuses_a_zone_over_a_hub(tmp_path):
    """An --airspace no-fly zone over the hubs (unknown to the planner) makes the preflight
    refuse the plan with its place: non-zero exit, nothing written."""
    features = json.loads(EXAMPLE.read_text())["features"]
    hubs = [f["geometry"]["coordinates"] for f in features if f["properties"]["role"] == "hub"]
    zone = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"role": "no_fly", "radius_m": 200.0, "name": "event"},
                "geometry": {"type": "Point", "coordinates": hubs[0]},
            }
        ],
    }
    nfz = tmp_path / "event.geojson"
    nfz.write_text(json.dumps(zone))
    out = tmp_path / "out"
    res = run(
        "plan", "delivery", EXAMPLE, "--orders", ORDERS, "-a", "delivery-hex",
        "--runtime-s", "1", "--no-picture", "--airspace", nfz, "--out", out,
    )  # fmt: skip
    assert res.exit_code != 0
    assert "no_fly" in res.output and "Traceback" not in res.output
    assert not out.exists()


def test_hilly_town_with_a_dem_plans_and_passes_the_preflight(tmp_path):
    """A DEM rising 1.5 m every 0.001° of longitude (about 1.9 %, 290 m across the job):
    the trips cruise above the ground under each piece of each leg and drop above the
    ground at each order, so the shared preflight against the same DEM passes (height above
    ground within 0.5-120 m everywhere).  Planned for flat ground, the same day fails it
    with trips in the ground."""
    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    lon0, lat1, cell = 1.3398, 43.6793, 0.0002
    cols, rows = 900, 700
    lon = lon0 + (np.arange(cols) + 0.5) * cell
    grid = np.tile(150.0 + 1500.0 * (lon - lon0), (rows, 1)).astype(np.float32)
    dem = tmp_path / "hills.tif"
    with rasterio.open(
        dem,
        "w",
        driver="GTiff",
        width=cols,
        height=rows,
        count=1,
        dtype="float32",
        crs="EPSG:4326",
        transform=from_origin(lon0, lat1, cell, cell),
    ) as ds:
        ds.write(grid, 1)
    out = tmp_path / "out"
    args = ["plan", "delivery", EXAMPLE, "--orders", ORDERS, "-a", "delivery-hex"]
    res = run(*args, "--runtime-s", "2", "--no-picture", "--dem", dem, "-o", out)
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    block = summary["preflight"]["by_aircraft"]["delivery-hex"]
    assert block["ok"] is True and block["terrain"].startswith("DEM")
    assert summary["served"] >= 40
    # the flat-ground plan of the same day, checked against the DEM, is refused
    flat = tmp_path / "flat"
    res = run(*args, "--runtime-s", "2", "--no-picture", "-o", flat)
    assert res.exit_code == 0, res.output
    res = run("check", flat / "mission.geojson", "--aircraft", "delivery-hex", "--dem", dem)
    assert res.exit_code == 3, res.output
    assert "ground" in res.output
