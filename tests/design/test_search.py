"""The design search: feasibility re-checked independently, a non-dominated front, targets
met by the aircraft every planner flies, and spec files that load and plan."""

from __future__ import annotations

import itertools
from pathlib import Path

import numpy as np
import pytest

from airwork import run_job
from airwork.aircraft import physics
from airwork.aircraft.assemble import assemble_design
from airwork.aircraft.catalogue import catalogue, load_aircraft
from airwork.aircraft.parts import fit_problems, max_prop_diameter_m
from airwork.design.pareto import dominates, pareto_front
from airwork.design.profile import MASS_CLASSES, MissionProfile
from airwork.design.search import search_designs
from airwork.design.spec import design_spec, write_spec
from airwork.errors import AircraftError

MIN_TW = 1.0 / 0.6  # ArduPilot's hover throttle 0.6: written out, not imported


@pytest.fixture(scope="module")
def quad():
    return search_designs(catalogue(), MissionProfile(payload_kg=2, range_km=10, mass_class="c3"))


@pytest.fixture(scope="module")
def hover_c2():
    return search_designs(
        catalogue(), MissionProfile(payload_kg=0.5, hover_min=15, mass_class="c2")
    )


def _recheck(row, profile, tmp: Path) -> list[str]:
    """Every limit of one design, on the aircraft loaded from its written spec file."""
    cat = catalogue()
    c, payload = row.choice, profile.payload_mass_kg()
    spec = design_spec(assemble_design(cat, c, payload, name=f"d{row.id}"), c)
    a = load_aircraft(write_spec(tmp / f"d{row.id}.yaml", spec))
    bad = []
    frame, motor, prop = cat.frames[c.frame], cat.motors[c.motor], cat.propellers[c.propeller]
    esc = cat.escs[c.esc] if c.esc else None
    cells = cat.batteries[c.battery].cells_series
    mount = cat.file.payloads[c.payload].mount
    bad += fit_problems(
        frame,
        c.arms,
        motor,
        prop,
        esc,
        cells,
        cat.file.batteries[c.battery].connector,
        mount,
        c.packs,
    )
    if prop.diameter_m > 2 * frame.arm_length_m * np.sin(np.pi / c.arms):
        bad.append("propellers touch")
    mass = a.mass_kg + payload
    limit, strict = MASS_CLASSES[profile.mass_class]
    if mass >= limit if strict else mass > limit:
        bad.append("mass class")
    if mass > frame.max_takeoff_mass_kg + 1e-9:
        bad.append("frame MTOM")
    if a.thrust_margin(payload) < MIN_TW:
        bad.append("thrust margin")
    if a.thrust_margin(payload) < 1.0:  # cannot lift: the model refuses to price a hover
        with pytest.raises(AircraftError, match="its rotors can lift"):
            a.terminal_hover_power_w(payload)
        return [*bad, "cannot lift"]
    # pack current in hover at half charge, per motor and as a C-rate
    i_hover = float(a.pack_current_a(a.terminal_hover_power_w(payload)))
    if i_hover / a.rotors.count > motor.continuous_current_a:
        bad.append("motor thermal")
    if (
        i_hover / (cat.batteries[c.battery].capacity_ah_total * c.packs)
        > cat.batteries[c.battery].c_rating
    ):
        bad.append("C-rate")
    # full thrust: the power the hover curve needs for it, through the pack
    t_max = a.thrust_margin(payload) * mass * physics.G_MPS2
    p_full = float(
        a._hover_electrical_w(t_max, physics.RHO_SEA_LEVEL_KGPM3, -a.airframe.avionics_power_w)
    )
    i_full = float(a.pack_current_a(p_full)) / a.rotors.count
    if not i_full <= motor.max_current_a:
        bad.append("current at full thrust")
    if esc is not None and not i_full <= esc.max_current_a:
        bad.append("ESC current")
    return bad


def test_every_returned_design_passes_an_independent_recheck(quad, hover_c2, tmp_path):
    for result in (quad, hover_c2):
        assert result.feasible and result.front
        rows = result.feasible[:: max(1, len(result.feasible) // 40)] + result.front
        for row in rows:
            assert _recheck(row, result.profile, tmp_path) == [], row.label


def test_the_recheck_can_fail(quad, tmp_path):
    """A design the search rejected fails the same re-check."""
    from dataclasses import replace

    row = quad.front[0]
    heavy = replace(row, choice=replace(row.choice, propeller="prop-1555", motor="m4114-kv400"))
    profile = quad.profile.model_copy(update={"payload_kg": 12.0})
    assert _recheck(heavy, profile, tmp_path)


def test_front_is_non_dominated_and_meets_the_target_exactly(quad, hover_c2):
    cat = catalogue()
    for result in (quad, hover_c2):
        objs = [np.array([r.cost_eur, r.takeoff_mass_kg, -r.figure]) for r in result.front]
        for a, b in itertools.permutations(range(len(objs)), 2):
            assert not dominates(objs[a], objs[b])
        payload = result.profile.payload_mass_kg()
        for r in result.front:
            ac = assemble_design(cat, r.choice, payload)
            if result.target == "hover_min":
                got = float(ac.hover_endurance_min(payload))
            else:
                v = 10.0
                p = float(ac.forward_power_w(payload, v)) + float(ac.forward_power_w(0.0, v))
                got = ac.mission_energy_wh * v / p * 3.6
            assert got == pytest.approx(r.figure, rel=1e-9)
            assert got >= result.profile.target_value


def test_pareto_front_against_brute_force():
    rng = np.random.default_rng(7)
    for _ in range(20):
        obj = rng.integers(0, 6, size=(60, 3)).astype(float)
        front = set(pareto_front(obj).tolist())
        brute = {i for i in range(60) if not any(dominates(obj[j], obj[i]) for j in range(60))}
        assert front == brute


def test_work_rate_target_is_planned_on_the_reference_field(tmp_path):
    profile = MissionProfile(tank_l=30, work_rate_ha_per_h=10, mass_class="ag", max_packs=2)
    result = search_designs(catalogue(), profile, max_exact=3)
    assert result.front
    row = result.front[0]
    ac = assemble_design(catalogue(), row.choice, 30.0, name="s30")
    path = write_spec(tmp_path / "s30.yaml", design_spec(ac, row.choice))
    request = {
        "kind": "spray",
        "site": {"files": [profile.reference_field]},
        "aircraft": [str(path)],
        "params": {"rate_l_per_ha": 15.0},
        "output": {"formats": []},
    }
    out = run_job(request)
    assert out.summary["work_rate_ha_per_h"] == pytest.approx(row.figure, rel=1e-9)
    assert row.figure >= 10.0
    assert load_aircraft(path).max_payload_kg == pytest.approx(30.0)


def test_limits_shape_the_answer():
    cat = catalogue()
    tight = search_designs(
        cat, MissionProfile(payload_kg=2, range_km=10, mass_class="c3", budget_eur=2050)
    )
    assert all(r.cost_eur <= 2050 for r in tight.feasible)
    assert tight.rejected["budget"] > 0
    none = search_designs(cat, MissionProfile(payload_kg=2, range_km=10, mass_class="c2"))
    assert none.front == [] and none.feasible == []
    small = search_designs(
        cat, MissionProfile(payload_kg=2, range_km=8, mass_class="c3", max_span_m=1.3)
    )
    assert small.feasible and all(r.span_m <= 1.3 for r in small.feasible)
    assert small.rejected["span"] > 0
    assert max_prop_diameter_m(0.42, 4) > 0.5  # the C3 25 mm frame takes 21 in propellers


def test_profile_refuses_two_targets():
    with pytest.raises(ValueError, match="one target"):
        MissionProfile(payload_kg=2, range_km=10, hover_min=20)
    with pytest.raises(ValueError, match="payload_kg or tank_l"):
        MissionProfile(range_km=10)
