"""Live upload (issue 13 I): the MAVLink mission protocol against an in-process responder
that behaves like ArduCopter, refusals in one line, read-back comparison, the CLI; and a
real SITL autopilot only when ``AIRWORK_SITL_BIN`` points at one."""

from __future__ import annotations

import dataclasses
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from airwork.autopilot.read import parse_qgc_plan, read_mission_file
from airwork.autopilot.responder import MissionResponder
from airwork.autopilot.upload import (
    MissionLink,
    UploadError,
    compare_items,
    fence_items,
    upload_mission_file,
)
from airwork.cli.main import app

sys.path.insert(0, str(Path(__file__).parents[1] / "export"))
from export_samples import build_mission

from airwork.export.qgc_plan import to_qgc_plan
from airwork.export.wpl import to_wpl

SITL = Path(__file__).parents[2] / "tests" / "data" / "sitl"
runner = CliRunner()


def _plan_file(tmp_path) -> Path:
    path = tmp_path / "sortie-01.plan"
    path.write_text(to_qgc_plan(build_mission(), 1))
    return path


def test_upload_mission_fence_and_rally_and_read_back(tmp_path):
    """A .plan goes up as mission, fence and rally; what the responder stored reads back
    identical (up to ArduPilot's centimetre altitudes and frame 0 for DO items)."""
    mf = read_mission_file(_plan_file(tmp_path))
    with MissionResponder() as ap, MissionLink(ap.address, timeout_s=1.0) as link:
        report = upload_mission_file(link, mf)
        assert report.counts == {
            "mission": len(mf.items),
            "geofence": len(fence_items(mf)),
            "rally points": len(mf.rally_points),
        }
        assert len(ap.stored[0]) == len(mf.items) and len(ap.stored[1]) == 4
        assert {m.frame for m in ap.stored[0][1:] if m.command == 183} == {0}
        assert report.target == (1, 1)


def test_reference_spray_plan_uploads(tmp_path):
    """The spray .plan that SITL accepted (69-vertex fence, rally point) is accepted."""
    mf = read_mission_file(SITL / "spray01plan.plan")
    with MissionResponder() as ap, MissionLink(ap.address, timeout_s=1.0) as link:
        report = upload_mission_file(link, mf)
    assert report.counts["mission"] == 31 and report.counts["geofence"] == 69


def test_no_space_is_one_clear_line():
    """The 856-item power-line mission: refused with ArduPilot's reason, as in SITL."""
    mf = read_mission_file(SITL / "line.waypoints")
    with (
        MissionResponder() as ap,
        MissionLink(ap.address, timeout_s=1.0) as link,
        pytest.raises(UploadError) as err,
    ):
        upload_mission_file(link, mf)
    assert str(err.value) == (
        "autopilot refused the mission: MAV_MISSION_NO_SPACE (Only 650 items are supported)"
    )
    with MissionResponder({0: 5000}) as ap, MissionLink(ap.address, timeout_s=1.0) as link:
        assert upload_mission_file(link, mf).counts["mission"] == 856


def test_survey_fence_refused_as_in_sitl():
    """The survey .plan: mission accepted, its 87-vertex fence refused (no space)."""
    mf = read_mission_file(SITL / "survey_cam.plan")
    with MissionResponder() as ap, MissionLink(ap.address, timeout_s=1.0) as link:
        with pytest.raises(UploadError, match=r"refused the geofence: MAV_MISSION_NO_SPACE"):
            upload_mission_file(link, mf)
        assert len(ap.stored[0]) == 85  # the mission went up first


def test_bad_frame_names_the_item(tmp_path):
    """A waypoint in a local frame (1): refused at that item, MAV_MISSION_UNSUPPORTED_FRAME."""
    text = (SITL / "spray02wp.waypoints").read_text().splitlines()
    cols = text[4].split("\t")  # item 3, a waypoint
    cols[2] = "1"
    text[4] = "\t".join(cols)
    path = tmp_path / "bad.waypoints"
    path.write_text("\n".join(text) + "\n")
    mf = read_mission_file(path)
    with (
        MissionResponder() as ap,
        MissionLink(ap.address, timeout_s=1.0) as link,
        pytest.raises(UploadError) as err,
    ):
        upload_mission_file(link, mf)
    assert "refused the mission at item 3 (NAV_WAYPOINT): MAV_MISSION_UNSUPPORTED_FRAME" in str(
        err.value
    )


def test_silent_autopilot_times_out():
    mf = read_mission_file(SITL / "spray02wp.waypoints")
    with (
        MissionResponder(silent=True) as ap,
        MissionLink(ap.address, timeout_s=0.2, retries=1) as link,
    ):
        with pytest.raises(UploadError, match=r"no answer from the autopilot to MISSION_COUNT"):
            upload_mission_file(link, mf)
        assert ap.received.count("MISSION_COUNT") == 2  # sent again once


def test_read_back_differences_are_named():
    mf = read_mission_file(SITL / "spray02wp.waypoints")
    sent = list(mf.items)
    read = [dataclasses.replace(it) for it in sent]
    read[3] = dataclasses.replace(read[3], alt_m=read[3].alt_m + 5.0)
    read[2] = dataclasses.replace(read[2], params=(1.0, 7.0, -1.0, 0.0))
    diff = compare_items(sent, read, "mission")
    assert any("item 3 (NAV_WAYPOINT): altitude 3.00 m read back as 8.00 m" in d for d in diff)
    assert any("item 2 (DO_CHANGE_SPEED): param2 10 read back as 7" in d for d in diff)
    assert len(diff) == 2
    home_only = [dataclasses.replace(read[0], lat_deg=1.0), *sent[1:]]
    assert compare_items(sent, home_only, "mission") == []


def test_cli_upload_ok_and_refused(tmp_path):
    """``airwork upload`` prints what went up; a refusal is one error line, exit 1."""
    plan = _plan_file(tmp_path)
    with MissionResponder() as ap:
        res = runner.invoke(app, ["upload", str(plan), "--connect", ap.address, "--timeout-s", "1"])
    assert res.exit_code == 0, res.output
    assert "mission: " in res.output and "geofence: 4 items" in res.output
    with MissionResponder() as ap:
        res = runner.invoke(
            app, ["upload", str(SITL / "line.waypoints"), "-c", ap.address, "--timeout-s", "1"]
        )
    assert res.exit_code == 1
    lines = [ln for ln in res.output.splitlines() if ln.strip()]
    assert lines == [
        "error: autopilot refused the mission: MAV_MISSION_NO_SPACE (Only 650 items are supported)"
    ]


def test_waypoints_file_round_trip(tmp_path):
    path = tmp_path / "s.waypoints"
    path.write_text(to_wpl(build_mission(), 2))
    mf = read_mission_file(path)
    with MissionResponder() as ap, MissionLink(ap.address, timeout_s=1.0) as link:
        assert upload_mission_file(link, mf).counts == {"mission": len(mf.items)}


def test_plan_reader_gives_circles_to_upload():
    doc = to_qgc_plan(build_mission(), 1)
    assert len(fence_items(parse_qgc_plan(doc))) == 4


@pytest.mark.skipif(not os.environ.get("AIRWORK_SITL_BIN"), reason="AIRWORK_SITL_BIN not set")
def test_real_sitl_autopilot(tmp_path):
    """Against a real ArduCopter SITL binary: our spray .plan uploads and reads back, and the
    856-item mission is refused with MAV_MISSION_NO_SPACE."""
    binary = os.environ["AIRWORK_SITL_BIN"]
    args = [binary, "--model", "quad", "--speedup", "1", "-I0", "--home", "48,9,312,0"]
    defaults = os.environ.get("AIRWORK_SITL_DEFAULTS")
    if defaults:
        args += ["--defaults", defaults]
    proc = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    try:
        time.sleep(3.0)
        mf = read_mission_file(_plan_file(tmp_path))
        with MissionLink("tcp:127.0.0.1:5760", timeout_s=3.0) as link:
            report = upload_mission_file(link, mf)
            assert report.counts["mission"] == len(mf.items)
            with pytest.raises(UploadError, match="MAV_MISSION_NO_SPACE"):
                upload_mission_file(link, read_mission_file(SITL / "line.waypoints"))
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        shutil.rmtree(tmp_path / "logs", ignore_errors=True)
