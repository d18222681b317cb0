"""run_job's refusals that come before any input is read."""

from __future__ import annotations

import pytest

from airwork import run_job
from airwork.errors import AircraftError


@pytest.mark.parametrize(
    ("kind", "aircraft", "needs"),
    [("spray", "spreader-50", "no spray tank"), ("spread", "sprayer-40", "no spreader")],
)
def test_an_aircraft_without_the_kinds_payload_is_refused_before_reading(
    tmp_path, kind, aircraft, needs
):
    missing = tmp_path / "does-not-exist.geojson"  # reading it would fail differently
    request = {"kind": kind, "site": {"files": [str(missing)]}, "aircraft": [aircraft]}
    with pytest.raises(AircraftError, match=needs):
        run_job(request)


@pytest.mark.parametrize(
    ("kind", "formats", "profile", "setup_sheet"),
    [
        ("spray", ["waypoints"], None, True),
        ("spray", ["qgc-plan", "geojson"], "arducopter-4.6-sd", True),
        ("spray", ["geojson", "kml"], None, False),
        ("survey", ["litchi"], None, False),
        ("survey", ["qgc-plan"], "px4-1.15", False),
    ],
)
def test_every_ardupilot_mission_file_comes_with_its_setup_sheet(
    kind, formats, profile, setup_sheet
):
    """Issue 13: autopilot.param goes with .plan/.waypoints for ArduPilot whichever formats
    are asked for (it came only when none were)."""
    from importlib import resources

    field = resources.files("airwork").joinpath("data/example_field.geojson")
    output = {"formats": formats, **({"profile": profile} if profile else {})}
    out = run_job({"kind": kind, "site": {"files": [str(field)]}, "output": output})
    assert ("autopilot.param" in out.files) is setup_sheet
    if setup_sheet:
        assert b"WPNAV_SPEED" in out.files["autopilot.param"]
