"""Sortie splitting: stops chosen to keep ferries short, every sortie within tank and battery.

The work path here is built by hand so that the answer is known: parallel 300 m lines
running away from a station beside their near ends, with a tank that holds 4.5 lines' worth.
Sorties that each go as far as the tank allows stop in the middle of a line, 150 m out;
a good split uses as many sorties but stops at the near end of every fourth line.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airwork.aircraft import load_aircraft
from airwork.flight.kinematics import corner_speed_mps, reachable_speeds_mps, speed_change_loss_s
from airwork.mission.model import LegKind
from airwork.planners import sorties as sorties_mod
from airwork.planners.sorties import SortieSettings, WorkPath, split_sorties

LINE_M, SPACING_M, LINES = 300.0, 10.0, 12
STATION = np.array([[-20.0, 0.0]])
KG_PER_M = 0.012  # 15 L/ha at a 8 m swath, water
TANK_KG = 4.5 * LINE_M * KG_PER_M


def boustrophedon() -> WorkPath:
    pts = []
    for i in range(LINES):
        xs = (0.0, LINE_M) if i % 2 == 0 else (LINE_M, 0.0)
        pts += [(xs[0], i * SPACING_M), (xs[1], i * SPACING_M)]
    pts = np.asarray(pts)
    working = np.arange(len(pts) - 1) % 2 == 0  # lines work, the turns between do not
    seg = np.hypot(*np.diff(pts, axis=0).T)
    return WorkPath(pts, working, np.where(working, seg * KG_PER_M, 0.0))


SETTINGS = SortieSettings(
    work_speed_mps=6.0,
    transit_speed_mps=10.0,
    work_height_m=3.0,
    transit_height_m=10.0,
    sortie_overhead_s=120.0,
)


def job_s(sorties) -> float:
    return sum(s.time_s for s in sorties) + SETTINGS.sortie_overhead_s * len(sorties)


def ferry_m(sorties) -> float:
    return sum(
        leg.distance_m
        for s in sorties
        for leg in s.legs
        if leg.kind in (LegKind.TRANSIT, LegKind.RETURN)
    )


@pytest.fixture(scope="module")
def both():
    ac = load_aircraft("sprayer-40")
    path = boustrophedon()
    chosen = split_sorties(ac, path, STATION, TANK_KG, SETTINGS)
    keep = sorties_mod._choose_stops
    try:
        sorties_mod._choose_stops = lambda *a: None  # each sortie as long as it can be
        longest = split_sorties(ac, path, STATION, TANK_KG, SETTINGS)
    finally:
        sorties_mod._choose_stops = keep
    return ac, path, chosen, longest


def test_chosen_stops_shorten_ferries_and_the_job(both):
    """The chosen split flies less ferry and finishes sooner than the longest sorties."""
    _, _, chosen, longest = both
    assert ferry_m(chosen) < 0.8 * ferry_m(longest)
    assert job_s(chosen) < job_s(longest)


def test_chosen_stops_are_near_line_ends(both):
    """Every sortie but the last ends at the end of a line next to the station."""
    _, _, chosen, _ = both
    for s in chosen[:-1]:
        last_work = max(i for i, leg in enumerate(s.legs) if leg.kind == LegKind.WORK)
        end = s.waypoints[last_work + 1]
        assert end.x_m == pytest.approx(0.0, abs=1e-6)


def test_every_sortie_fits_tank_and_battery_and_work_is_whole(both):
    """Each sortie within tank and usable battery less reserve; the sprayed legs add up
    to every line exactly once; the payload loaded is the payload sprayed."""
    ac, path, chosen, _ = both
    for s in chosen:
        assert s.energy_wh <= ac.mission_energy_wh + 1e-9
        assert s.payload_start_kg <= TANK_KG + 1e-9
        assert s.payload_used_kg == pytest.approx(s.payload_start_kg, abs=1e-6)
    sprayed = sum(leg.distance_m for s in chosen for leg in s.legs if leg.spraying)
    assert sprayed == pytest.approx(LINES * LINE_M, rel=1e-9)
    total_kg = float(np.sum(path.payload_used_kg))
    assert sum(s.payload_used_kg for s in chosen) == pytest.approx(total_kg, rel=1e-9)


def test_speed_change_kinematics():
    """Uniform acceleration at 2.5 m/s²: a long leg at 6 m/s from rest to rest loses v/a =
    2.4 s; through a 60° corner the speed is 3 m/s and each side loses 3²/(2·2.5·6) = 0.3 s;
    a 4 m leg from rest to rest peaks at sqrt(2.5·4) m/s and takes 2·sqrt(4/2.5) s."""
    assert speed_change_loss_s(500.0, 6.0, 6.0, 6.0) == pytest.approx(0.0)
    assert speed_change_loss_s(500.0, 6.0, 0.0, 0.0, 2.5) == pytest.approx(6.0 / 2.5)
    vc = corner_speed_mps(6.0, 6.0, np.cos(np.radians(60.0)))
    assert vc == pytest.approx(3.0)
    assert speed_change_loss_s(500.0, 6.0, vc, 6.0, 2.5) == pytest.approx(0.3)
    short = speed_change_loss_s(4.0, 6.0, 0.0, 0.0, 2.5)
    assert short == pytest.approx(2 * np.sqrt(4.0 / 2.5) - 4.0 / 6.0)
    assert short < 6.0 / 2.5  # never more than a long leg's loss
    # continuous where a leg just reaches its speed: L = v²/a from rest to rest
    edge = 6.0**2 / 2.5
    assert speed_change_loss_s(edge * (1 - 1e-9), 6.0, 0, 0, 2.5) == pytest.approx(
        speed_change_loss_s(edge * (1 + 1e-9), 6.0, 0, 0, 2.5), rel=1e-6
    )


def test_line_end_turns_are_priced(both):
    """A sortie's time is more than its distances at commanded speeds by at least the
    stops of each line-end turn it flies: braking to a stop at the line end and again
    before the next line (the 10 m turn leg is too short to reach 6 m/s: it peaks at
    sqrt(2.5 * 10) = 5 m/s)."""
    _, _, chosen, _ = both
    s = chosen[0]
    level = sum(leg.distance_m / leg.speed_mps for leg in s.legs if leg.distance_m > 0)
    vertical = sum(
        abs(leg.climb_m) / (leg.speed_mps if leg.distance_m == 0 else 1.0)
        for leg in s.legs
        if leg.distance_m == 0
    )
    turns = sum(1 for leg in s.legs if leg.kind == LegKind.WORK and not leg.spraying)
    assert turns >= 1
    line_ends = 2 * 6.0 / (2 * 2.5)  # leave and enter the lines at rest
    turn_leg = 2 * np.sqrt(SPACING_M / 2.5) - SPACING_M / 6.0
    assert s.time_s - level - vertical >= turns * (line_ends + turn_leg) - 1e-6


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.floats(0.0, 40.0), min_size=1, max_size=30),
    st.lists(st.floats(0.0, 12.0), min_size=31, max_size=31),
)
def test_reachable_speeds_match_a_sequential_profile(lengths, caps):
    """The vectorised velocity profile equals the textbook forward-then-backward loop, and
    every leg can then change speed within its length."""
    n = len(lengths)
    length = np.asarray(lengths)
    cap = np.asarray(caps[: n + 1])
    cap[0] = cap[-1] = 0.0
    a = 2.5
    v = cap.copy()
    for j in range(n):
        v[j + 1] = min(v[j + 1], np.sqrt(v[j] ** 2 + 2 * a * length[j]))
    for j in range(n - 1, -1, -1):
        v[j] = min(v[j], np.sqrt(v[j + 1] ** 2 + 2 * a * length[j]))
    got = reachable_speeds_mps(cap, length, a)
    # compared in squared speeds: the running sums leave ~1e-12 of rounding there
    assert np.allclose(got**2, v**2, atol=1e-7)
    assert np.all(np.abs(got[1:] ** 2 - got[:-1] ** 2) <= 2 * a * length + 1e-7)
