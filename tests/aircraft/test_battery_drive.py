"""Battery and drive physics against hand values, independent quadrature and the laws
they cite; and the model's energy accounting that planners rely on."""

from __future__ import annotations

import numpy as np
import pytest
from numpy.testing import assert_allclose
from scipy.integrate import quad
from scipy.optimize import brentq

from airwork.aircraft import AircraftSpec, aircraft_from_spec, battery, drive, load_aircraft
from airwork.errors import AircraftError

LIPO = battery.CHEMISTRIES["lipo"]


def test_shepherd_curve_passes_the_datasheet_points():
    """Tremblay's extraction puts the curve through V_full at 0 and V_nom at Q_nom, and
    within the exponential term's e^-3 of V_exp at Q_exp."""
    for chem in battery.CHEMISTRIES.values():
        e = battery.open_circuit_voltage_v([0.0, chem.f_exp, chem.f_nom], chem)
        assert e[0] == pytest.approx(chem.v_full_v, abs=1e-9)
        assert e[2] == pytest.approx(chem.v_nom_v, abs=1e-9)
        a = chem.v_full_v - chem.v_exp_v
        assert abs(e[1] - chem.v_exp_v) <= a * np.exp(-3.0) + 0.02
        f = np.linspace(0, 0.99, 200)
        assert np.all(np.diff(battery.open_circuit_voltage_v(f, chem)) < 0)


def test_current_at_power_solves_the_terminal_equation():
    """E i - R i^2 = P, the smaller root; without resistance i = P / E."""
    e, r = np.array([50.0, 44.0]), 0.05
    p = np.array([2000.0, 5000.0])
    i = battery.current_at_power_a(p, e, r)
    assert_allclose(e * i - r * i * i, p, rtol=1e-12)
    assert np.all(i < e / (2 * r))
    assert_allclose(battery.current_at_power_a(p, e, 1e-12), p / e, rtol=1e-9)
    assert np.isnan(battery.current_at_power_a(1e6, 50.0, 0.05))  # beyond E^2/4R


def test_constant_power_discharge_matches_quadrature():
    """Without resistance, t = Q ∫ E(f) df / P up to E(f_cut) = V_cut (scipy quad)."""
    cells, cap, p = 6, 10.0, 400.0
    t_h, w_wh, depth = battery.constant_power_discharge([p], cap, 1e-9, LIPO, cells, steps=4000)
    f_cut = brentq(
        lambda f: battery.open_circuit_voltage_v(f, LIPO, cells) - cells * 3.3, 0.5, 0.99
    )
    ref_h = cap * quad(lambda f: float(battery.open_circuit_voltage_v(f, LIPO, cells)), 0, f_cut)[0]
    ref_h /= p
    assert t_h[0] == pytest.approx(ref_h, rel=2e-3)
    assert w_wh[0] == pytest.approx(p * ref_h, rel=2e-3)
    assert depth[0] == pytest.approx(f_cut, abs=1e-3)


def test_rate_effect_and_cold():
    """Delivered energy falls with power (R i drop reaches cut-off sooner, i^2 R heats);
    a 0 °C pack has twice the resistance and delivers less at high power."""
    cells, cap = 6, 10.0
    e_nom = cells * cap * 3.7
    r = cells * LIPO.r_ah_ohm / cap
    p = np.array([0.1, 1.0, 3.0, 6.0, 10.0]) * e_nom
    _, w, _ = battery.constant_power_discharge(p, cap, r, LIPO, cells)
    assert np.all(np.diff(w) < 0)
    assert w[-1] < 0.92 * w[0]
    assert battery.resistance_temperature_factor(0.0) == pytest.approx(2.0, abs=0.02)
    assert battery.resistance_temperature_factor(25.0) == pytest.approx(1.0)
    _, w_cold, _ = battery.constant_power_discharge(p, cap, 2 * r, LIPO, cells)
    assert np.all(w_cold[1:] < w[1:])


def test_figure_of_merit_spans_leishmans_ranges():
    """Small UAV rotors (Re ~ 5e4-1e5) about 0.5-0.65; full-size rotors (Re ~ 3e6) about
    0.7-0.8 (Leishman §2.3.6; the model sits at the lower edges: 0.47 and 0.69); the BEMT
    formula by hand at Re = 1e5; drag rises steeply below the critical Re."""
    fm = drive.figure_of_merit(drive.profile_drag_coefficient(np.array([5e4, 1e5, 3e6])))
    assert 0.45 <= fm[0] <= 0.65 and 0.5 <= fm[1] <= 0.65 and 0.68 <= fm[2] <= 0.8
    hand = 1 / (1.15 + np.sqrt(2) * 0.030 / (8 * np.sqrt(0.08) * 0.1**1.5))
    assert fm[1] == pytest.approx(hand, rel=1e-12)
    cd = drive.profile_drag_coefficient(np.array([4e4, 8e4, 1.6e5]))
    assert cd[0] / cd[1] == pytest.approx(2.0) and cd[1] / cd[2] == pytest.approx(2**0.2)


def test_motor_efficiency_peak_and_ends():
    """Drela's model: best efficiency 1/(1 + 2 sqrt(ab)) at x = sqrt(a/b); falls at light
    load and towards full power."""
    a, b = 0.02, 0.12
    x = np.linspace(0.01, 1.0, 10001)
    eta = drive.motor_efficiency(x, a, b)
    assert x[np.argmax(eta)] == pytest.approx(np.sqrt(a / b), abs=1e-3)
    assert eta.max() == pytest.approx(1 / (1 + 2 * np.sqrt(a * b)), rel=1e-6)
    assert eta[0] < 0.5 * eta.max() and eta[-1] < eta.max()


def test_leg_energy_is_the_budget_share_at_its_power():
    """A leg's energy is P t f(P): hovering exactly the hover endurance spends exactly the
    usable energy, so planners that add leg energies get the battery model."""
    for name in ("sprayer-40", "mapper-quad", "delivery-hex"):
        a = load_aircraft(name)
        for payload in (0.0, a.max_payload_kg):
            t = float(a.hover_endurance_min(payload)) * 60.0
            leg = a.leg_performance(0.0, 5.0, payload, hold_s=t)
            assert float(leg.energy_wh) == pytest.approx(a.usable_energy_wh, rel=1e-9)
            p = float(a.terminal_hover_power_w(payload))
            assert float(leg.energy_wh) > p * t / 3600.0  # i^2 R and rate effect on top


def test_heavy_payload_costs_more_than_its_power():
    """At full payload the pack gives a smaller share of its energy than empty."""
    a = load_aircraft("sprayer-40")
    p0 = float(a.terminal_hover_power_w(0.0))
    p1 = float(a.terminal_hover_power_w(a.max_payload_kg))
    f0, f1 = a._pack.budget_factor(p0), a._pack.budget_factor(p1)
    assert f1 > f0 > 1.0


def _spec(**kw):
    base = dict(
        name="t",
        rotor_count=4,
        rotor_diameter_m=0.5,
        mass_kg=5.0,
        battery_energy_wh=300,
        max_takeoff_mass_kg=5.0,
    )
    base.update(kw)
    return AircraftSpec(**base)


def test_at_mtom_accepted_above_refused():
    """Take-off mass equal to the maximum is legal; 1 g more is refused with the limit."""
    a = aircraft_from_spec(_spec())
    assert a.hover_endurance_min(0.0) > 0
    with pytest.raises(AircraftError, match="above the maximum"):
        a.check_payload(0.001)
    with pytest.raises(ValueError, match="above max_takeoff_mass_kg"):
        _spec(mass_kg=5.001)


def test_thrust_margin_from_motor_data_and_warning():
    """With the motors' power the thrust limit follows the hover power curve (T ~ P^2/3);
    below 1/0.6 thrust-to-weight the performance warns."""
    a = aircraft_from_spec(_spec(max_takeoff_mass_kg=9.0, motor_power_w=900.0, cargo_kg=4.0))
    p_max = 4 * 900.0
    t_max = a._thrust_max_n
    assert float(a._hover_shaft_w(t_max, 1.225)) == pytest.approx(p_max, rel=1e-3)
    margins = [a.thrust_margin(p) for p in (0.0, 4.0)]
    assert margins[0] > margins[1]
    assert margins[1] == pytest.approx(t_max / (9.0 * 9.80665))
    low = aircraft_from_spec(_spec(max_takeoff_mass_kg=9.0, motor_power_w=350.0, cargo_kg=4.0))
    perf = low.performance(4.0)
    assert perf.thrust_margin < drive.MIN_THRUST_TO_WEIGHT
    assert any("thrust margin" in w for w in perf.warnings)
    assert aircraft_from_spec(_spec()).thrust_margin() is None  # no motor data: not reported


def test_thrust_limited_pack_lands_earlier():
    """Where thrust runs short as the pack sags, the flight ends before cut-off."""
    kw = dict(max_takeoff_mass_kg=9.0, cargo_kg=4.0)
    free = aircraft_from_spec(_spec(**kw))
    tight = aircraft_from_spec(_spec(thrust_to_weight=1.75, **kw))
    assert tight.hover_endurance_min(4.0) < 0.97 * free.hover_endurance_min(4.0)
    assert tight.hover_endurance_min(0.0) == pytest.approx(free.hover_endurance_min(0.0), rel=0.02)


def test_cold_pack_shortens_heavy_hover():
    a = load_aircraft("sprayer-40")
    warm = float(a.hover_endurance_min(40.0))
    cold = float(a.with_temperature(-10.0).hover_endurance_min(40.0))
    assert cold < 0.97 * warm
    assert a.with_temperature(-10.0).pack_resistance_ohm > 2 * a.pack_resistance_ohm


def test_pack_voltage_under_load_sags():
    a = load_aircraft("inspector-quad")
    p = float(a.terminal_hover_power_w(0.0))
    ocv = float(battery.open_circuit_voltage_v(0.5, a._chem, a._cells))
    v_hover = float(a.pack_voltage_v(p))
    i = float(a.pack_current_a(p))
    assert ocv - v_hover == pytest.approx(a.pack_resistance_ohm * i, rel=1e-9)
    assert float(a.pack_voltage_v(1.0)) > v_hover
    assert v_hover * i == pytest.approx(p, rel=1e-9)
