"""The mission model's constructors."""

from __future__ import annotations

import pytest

from airwork.aircraft import load_aircraft
from airwork.geo.frame import LocalFrame
from airwork.mission.model import AltitudeRef, Mission


@pytest.mark.parametrize("name", ["sprayer-40", "sprayer-10"])
def test_flown_by_takes_the_aircrafts_own_figures(name):
    ac = load_aircraft(name)
    frame = LocalFrame.for_lonlat(1.4, 43.6)
    m = Mission.flown_by(ac, name="job", frame=frame, sorties=(), stations=((0.0, 0.0),))
    assert m.aircraft is ac
    assert m.aircraft_name == ac.name
    assert m.usable_energy_wh == pytest.approx(ac.usable_energy_wh)
    assert m.reserve_frac == pytest.approx(ac.reserve_frac)
    assert m.vehicle == ac.airframe.vehicle
    assert m.altitude_ref is AltitudeRef.TAKEOFF


def test_flown_by_keeps_an_explicit_altitude_reference():
    ac = load_aircraft("sprayer-40")
    frame = LocalFrame.for_lonlat(1.4, 43.6)
    m = Mission.flown_by(
        ac, name="j", frame=frame, sorties=(), stations=(), altitude_ref=AltitudeRef.MSL
    )
    assert m.altitude_ref is AltitudeRef.MSL
