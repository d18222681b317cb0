"""Issue 15, case by case: never guess, never half-write, bounded work.

Each test is one case of the issue, run through the command line as a user would, and
asserts what is measured: the exit code, the one line naming the problem, the files that
exist afterwards, and for accepted jobs the flight itself (where it takes off, how close it
comes to an obstacle, whether an independent ``airwork check`` is clean).
"""

from __future__ import annotations

import json
import math
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pytest
import shapely
from click.testing import CliRunner

from airwork.cli.main import app

EXAMPLE = Path(str(resources.files("airwork").joinpath("data/example_field.geojson")))
LON0, LAT0 = 1.4500, 43.5470


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args], env={"COLUMNS": "200"})


def ll(x_m: float, y_m: float) -> list[float]:
    """WGS84 of a point x m east, y m north of the job's corner."""
    return [LON0 + x_m / (111_320.0 * math.cos(math.radians(LAT0))), LAT0 + y_m / 111_320.0]


def poly(*pts) -> dict:
    return {"type": "Polygon", "coordinates": [[ll(*p) for p in [*pts, pts[0]]]]}


def feat(geom: dict, **props) -> dict:
    return {"type": "Feature", "properties": props, "geometry": geom}


def job(tmp_path: Path, *extra: dict, name: str = "job.geojson") -> Path:
    feats = [
        feat(poly((0, 0), (300, 0), (300, 200), (0, 200)), role="field"),
        feat({"type": "Point", "coordinates": ll(-20, -20)}, role="station"),
        *extra,
    ]
    path = tmp_path / name
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


BARN = feat(poly((100, 80), (112, 80), (112, 92), (100, 92)))  # 12 m, no role
TREE = feat({"type": "Point", "coordinates": ll(150, 100)}, radius_m=8, height_m=15)
BUFFER = feat(poly((0, 0), (30, 0), (30, 200), (0, 200)))  # a no-spray strip, no role


def refused(r, *names: str) -> str:
    """The one error line of a refusal, after checking it names every string given."""
    assert r.exit_code == 1, r.output
    lines = [ln for ln in r.output.splitlines() if ln.startswith("error:")]
    assert len(lines) == 1, r.output
    assert "Traceback" not in r.output and "internal error" not in r.output
    flat = " ".join(r.output.split())
    for name in names:
        assert name in flat, flat
    return flat


def legs(out: Path) -> list[dict]:
    doc = json.loads((out / "mission.geojson").read_text())
    return [f for f in doc["features"] if f["properties"]["role"] == "leg"]


def local_m(lonlat) -> np.ndarray:
    lon, lat = np.asarray(lonlat, dtype=float).T[:2]
    return np.column_stack(
        [(lon - LON0) * 111_320.0 * math.cos(math.radians(LAT0)), (lat - LAT0) * 111_320.0]
    )


# ------------------------------------------------------------------- roles are never guessed
@pytest.mark.parametrize("kind", ["spray", "survey"])
@pytest.mark.parametrize(("extra", "what"), [(BARN, "Polygon"), (TREE, "Point"), (BUFFER, "")])
def test_a_feature_without_role_is_refused_naming_it(tmp_path, kind, extra, what):
    """The 12 m barn, the tree point and the no-spray buffer without a role: refused,
    the feature named, nothing written (a barn was sprayed and flown through at 3 m)."""
    out = tmp_path / "out"
    r = run("plan", kind, job(tmp_path, extra), "-o", out)
    refused(r, "job.geojson feature 2", f"({what}" if what else "feature 2", "--unlabelled")
    assert not out.exists()


def test_the_barn_said_to_be_an_obstacle_is_neither_sprayed_nor_flown_through(tmp_path):
    out = tmp_path / "out"
    r = run(
        "plan", "spray", job(tmp_path, BARN), "--unlabelled", "obstacle", "-o", out, "--no-picture"
    )
    assert r.exit_code == 0, r.output
    barn = shapely.box(100, 80, 112, 92)
    nearest = min(
        shapely.LineString(local_m(f["geometry"]["coordinates"])).distance(barn)
        for f in legs(out)
        if f["properties"]["kind"] != "takeoff"
    )
    assert nearest >= 5.0 - 0.05  # the default --clearance-m, measured on the flown path


def test_a_tree_point_never_becomes_a_station(tmp_path):
    """Taken as an obstacle when the user says so: every sortie takes off at the truck,
    none at the tree."""
    out = tmp_path / "out"
    r = run(
        "plan", "spray", job(tmp_path, TREE), "--unlabelled", "obstacle", "-o", out, "--no-picture"
    )
    assert r.exit_code == 0, r.output
    takeoffs = [
        local_m(f["geometry"]["coordinates"])[0]
        for f in legs(out)
        if f["properties"]["kind"] == "takeoff"
    ]
    assert takeoffs and all(np.hypot(*(p - (-20, -20))) < 1.0 for p in takeoffs)


def test_a_file_of_unlabelled_polygons_is_a_file_of_fields_said_in_one_line(tmp_path):
    path = tmp_path / "fields.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [feat(poly((0, 0), (300, 0), (300, 200), (0, 200)))],
            }
        )
    )
    r = run("plan", "spray", path, "-o", tmp_path / "out", "--no-picture")
    assert r.exit_code == 0, r.output
    assert sum("taken as fields" in ln for ln in r.output.splitlines()) == 1


@pytest.mark.parametrize("sidecar", [".dbf", ".shx"])
def test_a_shapefile_missing_a_sidecar_is_refused(tmp_path, sidecar):
    import pyogrio.raw

    shp = tmp_path / "f.shp"
    field = shapely.Polygon([ll(0, 0), ll(300, 0), ll(300, 200), ll(0, 200)])
    pyogrio.raw.write(
        shp,
        shapely.to_wkb(np.array([field], dtype=object)),
        field_data=[np.array(["field"], dtype=object)],
        fields=["role"],
        crs="EPSG:4326",
        geometry_type="Polygon",
        driver="ESRI Shapefile",
    )
    shp.with_suffix(sidecar).unlink()
    refused(run("plan", "spray", shp, "-o", tmp_path / "out"), sidecar, "missing")


# ------------------------------------------------------------------- check is never clean
def plan_doc(tmp_path: Path) -> tuple[dict, Path]:
    out = tmp_path / "good"
    assert run("plan", "spray", EXAMPLE, "-o", out, "--no-picture").exit_code == 0
    return json.loads((out / "sortie-01.plan").read_text()), out


def items_of(doc, command):
    return [i for i in doc["mission"]["items"] if i["command"] == command]


@pytest.mark.parametrize(
    ("case", "kind"),
    [
        ("waypoint latitude null", "invalid_item"),
        ("waypoint hold time null", "invalid_item"),
        ("DO_CHANGE_SPEED speed null", "invalid_item"),
        ("no take-off", "missing_takeoff"),
        ("no landing", "missing_landing"),
        ("unknown command", "unsupported_command"),
    ],
)
def test_check_exits_3_on_a_corrupt_mission_naming_the_item(tmp_path, case, kind):
    doc, _ = plan_doc(tmp_path)
    wp, items = items_of(doc, 16)[1], doc["mission"]["items"]
    if case == "waypoint latitude null":
        wp["params"][4] = None
    elif case == "waypoint hold time null":
        wp["params"][0] = None
    elif case == "DO_CHANGE_SPEED speed null":
        items_of(doc, 178)[0]["params"][1] = None
    elif case == "no take-off":
        doc["mission"]["items"] = [i for i in items if i["command"] != 22]
    elif case == "no landing":
        doc["mission"]["items"] = [i for i in items if i["command"] not in (20, 21)]
    else:
        items_of(doc, 178)[0]["command"] = 999
    path = tmp_path / "m.plan"
    path.write_text(json.dumps(doc))
    r = run("check", path, "--json")
    assert r.exit_code == 3, r.output
    report = json.loads(r.output)
    assert not report["ok"] and kind in report["violation_counts"]
    found = [v for v in report["violations"] if v["kind"] == kind]
    assert all(f"item {v['item']}" in v["message"] or kind == "unsupported_command" for v in found)


@pytest.mark.parametrize(
    ("edit", "names"),
    [
        (lambda d: d.update(geoFence="garbage"), ("geoFence", "must be an object")),
        (lambda d: d["geoFence"].update(version=7), ("geoFence.version",)),
        (
            lambda d: items_of(d, 16)[1]["params"].__setitem__(4, 143.5),
            ("mission.items[", "out of range (143.5"),
        ),
    ],
)
def test_check_refuses_a_garbage_file_with_its_place(tmp_path, edit, names):
    doc, _ = plan_doc(tmp_path)
    edit(doc)
    path = tmp_path / "m.plan"
    path.write_text(json.dumps(doc))
    text = refused(run("check", path), *names)
    assert "repeats may not contain negative values" not in text


def test_an_infinite_parameter_is_never_clean(tmp_path):
    _, out = plan_doc(tmp_path)
    text = (
        (out / "sortie-01.plan")
        .read_text()
        .replace('"Altitude": 3,', '"Altitude": 3, "x": Infinity,', 1)
    )
    (tmp_path / "inf.plan").write_text(text)
    refused(run("check", tmp_path / "inf.plan"), "Infinity is not a JSON number")
    rows = (out / "sortie-01.waypoints").read_text().splitlines()
    k = next(i for i, row in enumerate(rows[3:], 3) if row.split("\t")[3] == "16")
    cols = rows[k].split("\t")
    cols[10] = "inf"  # the altitude of a waypoint
    rows[k] = "\t".join(cols)
    (tmp_path / "inf.waypoints").write_text("\n".join(rows) + "\n")
    r = run("check", tmp_path / "inf.waypoints")
    assert r.exit_code == 3 and "invalid_item" in r.output


# ------------------------------------------------------------------- crashes and runaways
@pytest.mark.parametrize("value", ["nan", "inf", "-inf"])
def test_angle_not_a_number_is_refused_not_a_geos_exception(tmp_path, value):
    out = tmp_path / "out"
    refused(
        run("plan", "spray", EXAMPLE, "--angle-deg", value, "-o", out),
        "spray --angle-deg",
        "° in [0, 360]",
    )
    assert not out.exists()


def test_runaway_resolutions_are_refused_at_once(tmp_path):
    """A swath of 0.1 mm, 0.5 m over 200 ha with 80 % overlap, a check step of 1 µm:
    each refused in well under a second, before any work."""
    big = tmp_path / "big.geojson"
    side = 1414.0
    big.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [feat(poly((0, 0), (side, 0), (side, side), (0, side)), role="field")],
            }
        )
    )
    _, good = plan_doc(tmp_path)
    cases = [
        (("plan", "spray", EXAMPLE, "--swath-m", "1e-4"), ("--swath-m", "[0.5, 50]")),
        (
            ("plan", "spray", big, "--swath-m", "0.5", "--overlap-frac", "0.8"),
            ("km of work path", "--overlap-frac"),
        ),
        (("check", good / "sortie-01.plan", "--step-m", "1e-6"), ("--step-m", "[0.01, 1000]")),
    ]
    for args, names in cases:
        t0 = time.perf_counter()
        refused(run(*args, "-o", tmp_path / "o") if args[0] == "plan" else run(*args), *names)
        assert time.perf_counter() - t0 < 2.0


def test_the_check_sample_budget_is_stated_before_work(tmp_path):
    """Through the library (no --step-m floor): a step whose samples pass the per-sortie
    budget is refused with the budget and the step that fits, before any array is made."""
    from airwork.airspace.check import CheckConfig, check_flight
    from airwork.airspace.tracks import read_flight
    from airwork.errors import BudgetError

    _, out = plan_doc(tmp_path)
    flight = read_flight(out / "mission.geojson")
    t0 = time.perf_counter()
    with pytest.raises(BudgetError, match=r"samples, more than the budget of 2,000,000 samples"):
        check_flight(flight, CheckConfig(step_m=0.001))
    assert time.perf_counter() - t0 < 1.0


# ------------------------------------------------------------------- accepted nonsense
def test_nonsense_numbers_are_refused_naming_option_and_unit(tmp_path):
    out = tmp_path / "out"
    refused(
        run("plan", "spray", EXAMPLE, "--spray-servo", "99", "-o", out), "--spray-servo", "[1, 32]"
    )
    refused(
        run("plan", "spray", EXAMPLE, "--wind-from-deg", "nan", "-o", out),
        "--wind-from-deg",
        "° in [0, 360]",
    )
    text = refused(
        run("plan", "spray", EXAMPLE, "--wind-mps", "nan", "-o", out),
        "--wind-mps",
        "m/s in [0, 60]",
    )
    assert "transit_speed" not in text
    assert not out.exists()


def delivery_job(tmp_path: Path, order: dict, hub: dict) -> Path:
    feats = [
        feat({"type": "Point", "coordinates": ll(0, 0)}, role="hub", **hub),
        feat({"type": "Point", "coordinates": ll(600, 300)}, role="order", **order),
    ]
    path = tmp_path / "d.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


@pytest.mark.parametrize(
    ("order", "hub", "extra", "names"),
    [
        ({"id": "", "mass_kg": 1}, {"id": "H"}, (), ("feature 1", "id", "empty")),
        (
            {"id": "A", "mass_kg": 1, "earliest": "25:00"},
            {"id": "H"},
            (),
            ("feature 1", "earliest", "'25:00'", "00:00 to 23:59"),
        ),
        (
            {"id": "A", "mass_kg": 1},
            {"id": "H", "drone_count": 0},
            (),
            ("feature 0", "drone_count", "whole number in [1, 1000]"),
        ),
        ({"id": "A", "mass_kg": 1}, {"id": "H"}, ("-a", "delivery-hex:0"), ("count", "≥ 1")),
        ({"id": "A", "mass_kg": 1}, {"id": "H"}, ("--start", "25:00"), ("--start", "25:00")),
    ],
)
def test_delivery_nonsense_is_refused_at_load(tmp_path, order, hub, extra, names):
    out = tmp_path / "out"
    path = delivery_job(tmp_path, order, hub)
    refused(run("plan", "delivery", path, *extra, "--runtime-s", "0.2", "-o", out), *names)
    assert not out.exists()


def test_out_under_an_existing_file_says_so(tmp_path):
    (tmp_path / "existing-file").write_text("x")
    text = refused(
        run("plan", "spray", EXAMPLE, "-o", tmp_path / "existing-file" / "sub"),
        "existing-file is a file",
    )
    assert "Errno" not in text


def test_a_field_across_the_antimeridian_plans_and_checks_clean(tmp_path):
    dlon = 300.0 / (111_320.0 * math.cos(math.radians(16.8)))
    lon0, lat0 = 180.0 - dlon / 2, -16.8
    ring = [[lon0, lat0], [lon0 + dlon, lat0], [lon0 + dlon, lat0 + 0.0018], [lon0, lat0 + 0.0018]]
    ring = [[(x + 180) % 360 - 180, y] for x, y in [*ring, ring[0]]]
    path = tmp_path / "fiji.geojson"
    path.write_text(
        json.dumps(
            {
                "type": "FeatureCollection",
                "features": [feat({"type": "Polygon", "coordinates": [ring]}, role="field")],
            }
        )
    )
    out = tmp_path / "out"
    r = run("plan", "spray", path, "-o", out, "--no-picture")
    assert r.exit_code == 0, r.output
    assert "km from the rest" not in r.output and "180°" in r.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["sprayable_area_ha"] == pytest.approx(300 * 199 / 1e4, rel=0.02)
    assert run("check", out / "mission.geojson").exit_code == 0
    assert run("check", out / "sortie-01.plan").exit_code == 0


# ------------------------------------------------------------------- valid jobs in light wind
def test_the_10_l_sprayer_plans_the_example_field_in_3_mps_wind(tmp_path):
    out = tmp_path / "out"
    r = run(
        "plan", "spray", EXAMPLE, "-a", "sprayer-10", "--wind-mps", "3", "-o", out, "--no-picture"
    )
    assert r.exit_code == 0, r.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["preflight"]["ok"] and summary["covered_fraction"] >= 0.99
    for target in [out / "mission.geojson", *sorted(out.glob("sortie-*.plan"))]:
        c = run("check", target, "--wind-mps", "3", "--json")
        assert c.exit_code == 0, c.output


def test_a_field_with_an_obstacle_strip_across_it_plans(tmp_path):
    strip = feat(poly((-60, 95), (360, 95), (360, 110), (-60, 110)), role="obstacle", height_m=20)
    out = tmp_path / "out"
    r = run("plan", "spray", job(tmp_path, strip), "-o", out, "--no-picture")
    assert r.exit_code == 0, r.output
    plan = json.loads((out / "sortie-01.plan").read_text())
    fences = plan["geoFence"]["polygons"]
    assert [f["inclusion"] for f in fences].count(True) == 1  # one inclusion polygon
    assert [f["inclusion"] for f in fences].count(False) == 1  # the strip, carved out
    for target in [out / "mission.geojson", *sorted(out.glob("sortie-*.plan"))]:
        assert run("check", target).exit_code == 0
    strip_m = shapely.box(-60, 95, 360, 110)
    worst = min(
        shapely.LineString(local_m(f["geometry"]["coordinates"])).distance(strip_m)
        for f in legs(out)
    )
    assert worst >= 5.0 - 0.05
