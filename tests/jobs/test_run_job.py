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
