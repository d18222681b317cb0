"""The vectorised design evaluation against the aircraft model built from the same parts."""

from __future__ import annotations

import numpy as np
import pytest

from airwork.aircraft import drive
from airwork.aircraft.assemble import DesignChoice, assemble_design, choice_batch
from airwork.aircraft.catalogue import catalogue
from airwork.aircraft.designs import evaluate_designs

D = DesignChoice
CHOICES = [
    (D("fr-c3-x30", 4, False, "m6010-kv180", "prop-2211", "esc-40a-12s", "lipo-12s-16ah", 1,
       "cargo-2kg-hook"), 2.0),
    (D("fr-c3-x30", 6, False, "m7215-kv135", "prop-2810", "esc-80a-12s", "lipo-12s-22ah", 2,
       "cargo-5kg-winch"), 4.0),
    (D("fr-c3-x25", 4, False, "m4114-kv400", "prop-1870", "esc-40a-6s", "liion-6s-15ah", 2,
       "cargo-2kg-hook"), 2.0),
    (D("fr-ag-modular", 4, True, "ag-x11-kv85", "prop-4816", None, "ag-52v-20ah", 2,
       "tank-30l"), 30.0),
    (D("fr-ent-x4", 4, False, "m6010-kv180", "prop-2110", "esc-40a-12s", "smart-52v-274wh", 2,
       "cam-zoom-20mp"), 0.0),
]  # fmt: skip


@pytest.mark.parametrize(("choice", "payload"), CHOICES, ids=lambda c: getattr(c, "motor", ""))
def test_vector_figures_match_the_aircraft_model(choice, payload):
    cat = catalogue()
    a = assemble_design(cat, choice, payload)
    f = evaluate_designs(choice_batch(cat, [choice], payload), payload, cruise_speed_mps=10.0)
    assert f.takeoff_mass_kg[0] == pytest.approx(a.mass_kg + payload, rel=1e-12)
    assert f.thrust_margin[0] == pytest.approx(a.thrust_margin(payload), rel=1e-9)
    assert f.hover_power_w[0] == pytest.approx(float(a.terminal_hover_power_w(payload)), rel=1e-9)
    assert f.usable_energy_wh[0] == pytest.approx(a.usable_energy_wh, rel=1e-9)
    # away from the thrust-margin knee the pack table and the direct integral agree
    assert a.thrust_margin(payload) > 1.9
    assert f.hover_endurance_min[0] == pytest.approx(
        float(a.hover_endurance_min(payload)), rel=5e-3
    )
    fwd = float(a.forward_power_w(payload, 10.0))
    assert f.cruise_loaded_budget_w[0] == pytest.approx(fwd, rel=5e-3)
    p = float(a.terminal_hover_power_w(payload))
    assert f.hover_c_rate[0] == pytest.approx(float(a.pack_current_a(p)) / a._capacity_ah, rel=1e-9)


def test_the_vector_path_sees_the_motor_and_propeller_limits():
    cat = catalogue()
    base, payload = CHOICES[0]
    heavy = DesignChoice(
        base.frame,
        4,
        False,
        "m4114-kv400",
        "prop-1555",
        "esc-40a-6s",
        "lipo-6s-22ah",
        2,
        base.payload,
    )
    batch = choice_batch(cat, [base, heavy], payload)
    f = evaluate_designs(batch, payload, figures=("hover",))
    assert f.thrust_margin[0] > drive.MIN_THRUST_TO_WEIGHT > f.thrust_margin[1]
    assert np.isnan(f.delivery_radius_km).sum() == 0  # not asked: zero, not NaN
    a = assemble_design(cat, heavy, payload)
    assert a.thrust_margin(payload) == pytest.approx(f.thrust_margin[1], rel=1e-9)
