"""Physics functions against textbook and standard values."""

import numpy as np
import pytest
from numpy.testing import assert_allclose

from airwork.aircraft import physics


def test_isa_density_matches_icao_table():
    """ISA density at 0, 1000, 2000 and 5000 m equals the ICAO Doc 7488 table (4 digits)."""
    table = {0: 1.2250, 1000: 1.1117, 2000: 1.0066, 5000: 0.7364}
    got = physics.air_density_kgpm3(np.array(list(table)))
    assert_allclose(got, list(table.values()), atol=6e-4)  # table is rounded to 4 digits


def test_ideal_hover_power_worked_example():
    """T = 100 N over 1 m² at sea level: P = 100^1.5 / sqrt(2.45) = 638.9 W (hand value)."""
    assert_allclose(physics.ideal_hover_power_w(100.0, 1.0), 1000.0 / np.sqrt(2.45), rtol=1e-12)


def test_induced_velocity_times_thrust_is_ideal_power():
    """Momentum theory: P_ideal = T v_h."""
    t, a = 250.0, 2.3
    assert_allclose(
        physics.hover_induced_velocity_mps(t, a) * t, physics.ideal_hover_power_w(t, a), rtol=1e-12
    )


def test_climb_factor_limits():
    """No climb gives factor 1; climbing at 2 v_h gives 1 + sqrt(2) (Leishman eq. 2.63)."""
    assert physics.climb_power_factor(0.0, 5.0) == pytest.approx(1.0)
    assert physics.climb_power_factor(10.0, 5.0) == pytest.approx(1.0 + np.sqrt(2.0))
    assert physics.climb_power_factor(-3.0, 5.0) == pytest.approx(1.0)  # descent: hover power


def test_forward_flight_tends_to_hover_and_has_a_bucket():
    """At zero speed forward-flight power equals hover power; it dips at moderate speed
    (induced power falls) and rises again at high speed (parasite power grows as V³)."""
    w, a, cda = 200.0, 2.0, 0.2
    p_ideal = physics.ideal_hover_power_w(w, a)
    p0 = 0.3 * p_ideal
    v = np.array([0.0, 8.0, 30.0])
    p = physics.forward_flight_power_w(
        w, v, a, cda, profile_power_hover_w=p0, tip_speed_mps=110.0, induced_factor=1.15
    )
    assert_allclose(p[0], 1.15 * p_ideal + p0, rtol=1e-6)
    assert p[1] < p[0] < p[2]


def test_forward_flight_high_speed_induced_limit():
    """Far above v_h, induced velocity tends to T / (2 rho A V) (Glauert), so the
    induced power tends to kappa T² / (2 rho A V)."""
    w, a = 100.0, 1.0
    v = 60.0
    p = physics.forward_flight_power_w(
        w, v, a, 1e-9, profile_power_hover_w=0.0, tip_speed_mps=1e9, induced_factor=1.0
    )
    assert_allclose(p, w**2 / (2 * 1.225 * a * v), rtol=1e-3)


def test_fixed_wing_minimum_drag_speed():
    """Power/V (drag) is least where induced drag equals zero-lift drag (Anderson §5.4)."""
    w, s, cd0, ar, e = 50.0, 0.6, 0.03, 9.0, 0.8
    v = np.linspace(8, 40, 4001)
    drag = (
        physics.fixed_wing_power_w(
            w,
            v,
            s,
            zero_lift_drag_coeff=cd0,
            aspect_ratio=ar,
            oswald_efficiency=e,
            propulsive_efficiency=1.0,
        )
        / v
    )
    k = 1 / (np.pi * e * ar)
    v_md = np.sqrt(2 * w / (1.225 * s) * np.sqrt(k / cd0))
    assert v[np.argmin(drag)] == pytest.approx(v_md, rel=2e-3)
