"""`airwork plan survey` end to end: outputs, the library's figures, clean refusals."""

from __future__ import annotations

import json

import pytest
import shapely
from click.testing import CliRunner

from airwork.aircraft import load_aircraft
from airwork.cli.main import app
from airwork.planners.survey import SurveyParams, SurveyProblem, plan_survey
from airwork.site import load_site

MAV_CMD_DO_SET_CAM_TRIGG_DIST = 206


def all_legs(mission):
    """Every horizontal leg of a mission as LineStrings."""
    return [
        shapely.LineString([(a.x_m, a.y_m), (b.x_m, b.y_m)])
        for s in mission.sorties
        for a, b in zip(s.waypoints[:-1], s.waypoints[1:], strict=True)
        if (a.x_m, a.y_m) != (b.x_m, b.y_m)
    ]


# ----------------------------------------------------------------------------- CLI
def _app():
    return app


def _problem(src, clearance_m=5.0) -> SurveyProblem:
    """The survey problem of a job file, built here from the site (not by the CLI)."""
    site = load_site(src)
    return SurveyProblem(
        area=site.field_union,
        stations=tuple(map(tuple, site.station_xy.tolist())),
        aircraft=load_aircraft("mapper-quad"),
        frame=site.frame,
        obstacles=site.obstacle_union if site.obstacles else None,
        clearance_m=clearance_m,
        name="area",
    )


def _geojson(path, with_obstacle=False, obstacle_at=(1.452, 43.5515)):
    ring = [[1.450, 43.550], [1.454, 43.550], [1.454, 43.553], [1.450, 43.553], [1.450, 43.550]]
    feats = [
        {
            "type": "Feature",
            "properties": {"role": "field"},
            "geometry": {"type": "Polygon", "coordinates": [ring]},
        },
        {
            "type": "Feature",
            "properties": {"role": "station"},
            "geometry": {"type": "Point", "coordinates": [1.4498, 43.5498]},
        },
    ]
    if with_obstacle:
        feats.append(
            {
                "type": "Feature",
                "properties": {"role": "obstacle", "radius_m": 5},
                "geometry": {"type": "Point", "coordinates": list(obstacle_at)},
            }
        )
    path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    return path


def test_cli_survey_end_to_end(tmp_path):
    """`plan survey` writes .plan/.waypoints per sortie and a summary with GSD and photo
    count equal to the library's; the .plan holds DO_SET_CAM_TRIGG_DIST items."""
    src = _geojson(tmp_path / "area.geojson")
    out = tmp_path / "out"
    res = CliRunner().invoke(
        _app(),
        ["plan", "survey", str(src), "--gsd-cm", "2", "--crosshatch", "--out", str(out)],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    names = {p.name for p in out.iterdir()}
    n = summary["sorties"]
    assert len([x for x in names if x.endswith(".plan")]) == n >= 1
    assert len([x for x in names if x.endswith(".waypoints")]) == n
    assert {"mission.geojson", "mission.kml", "mission.png"} <= names
    assert summary["job"] == "survey" and summary["gsd_cm"] == pytest.approx(2.0)
    assert summary["crosshatch"] is True

    prob = _problem(src)
    direct = plan_survey(prob, SurveyParams(gsd_cm=2.0, crosshatch=True))
    assert summary["photos"] == direct.photo_count > 0

    plan = json.loads(sorted(out.glob("sortie-*.plan"))[0].read_text())
    cmds = [it.get("command") for it in plan["mission"]["items"]]
    assert MAV_CMD_DO_SET_CAM_TRIGG_DIST in cmds
    wpl = sorted(out.glob("sortie-*.waypoints"))[0].read_text().splitlines()
    assert any(line.split("\t")[3] == "206" for line in wpl[1:])


def test_cli_obstacle_clearance(tmp_path):
    """A job with a mast (5 m radius) planned with --clearance-m 15: the summary matches the
    library's plan, and no leg comes within 15 m of the mast."""
    src = _geojson(tmp_path / "area.geojson", with_obstacle=True)
    out = tmp_path / "out"
    res = CliRunner().invoke(
        _app(),
        ["plan", "survey", str(src), "--clearance-m", "15", "--out", str(out)],
        env={"COLUMNS": "200"},
    )
    assert res.exit_code == 0, res.output
    summary = json.loads((out / "summary.json").read_text())
    prob = _problem(src, clearance_m=15.0)
    direct = plan_survey(prob, SurveyParams())
    assert summary["photos"] == direct.photo_count and summary["cells"] == direct.cell_count
    assert min(shapely.distance(all_legs(direct.mission), prob.obstacles)) >= 15.0 - 0.02


def test_cli_bad_input_leaves_nothing(tmp_path):
    """A tree 10 m from the station with --clearance-m 20: exits 1 with one clear line naming
    the station, and writes no output."""
    src = _geojson(tmp_path / "area.geojson", with_obstacle=True, obstacle_at=(1.4499, 43.5498))
    out = tmp_path / "out"
    res = CliRunner().invoke(
        _app(), ["plan", "survey", str(src), "--clearance-m", "20", "--out", str(out)]
    )
    assert res.exit_code == 1
    assert "station 1" in res.output and "within 20 m of an obstacle" in res.output
    assert not out.exists()


def test_cli_refuses_both_gsd_and_altitude(tmp_path):
    """--gsd-cm with --altitude-m exits 1 naming the conflict."""
    src = _geojson(tmp_path / "area.geojson")
    res = CliRunner().invoke(
        _app(),
        [
            "plan",
            "survey",
            str(src),
            "--gsd-cm",
            "2",
            "--height-m",
            "80",
            "--out",
            str(tmp_path / "o"),
        ],
    )
    assert res.exit_code == 1
    assert "not both" in res.output
