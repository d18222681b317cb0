"""Delivery planner: every exported trip re-checked independently of the planner.

The checks here recompute what the planner claims from the mission alone, with the aircraft
model and a wind triangle written again in this file: payload at take-off equals the
parcels of the trip and falls at each drop by that parcel's mass, energy leg by leg within
the battery less reserve, no leg entering a no-fly zone or its clearance, every order served
exactly once or reported unserved, every arrival within its window, drones never flying two
trips at once.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
import shapely
from delivery_checks import (
    DO_CHANGE_SPEED,
    DO_GRIPPER,
    DO_WINCH,
    NAV_LAND,
    NAV_TAKEOFF,
    NAV_WAYPOINT,
    corner_losses,
    ground_speed,
    replay_items,
)
from hypothesis import given, settings
from hypothesis import strategies as st

from airwork.aircraft import load_aircraft
from airwork.autopilot.items import MissionItem
from airwork.autopilot.mission_items import mission_items
from airwork.errors import AircraftError, GeometryError, InputFileError
from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS
from airwork.geo.frame import LocalFrame
from airwork.geo.pathfinding import PathFinder
from airwork.mission.model import ActionKind, LegKind
from airwork.planners.delivery import (
    DeliveryParams,
    DeliveryProblem,
    DeliveryWeights,
    FleetType,
    Hub,
    Order,
    TravelModel,
    baseline_plan,
    ground_speed_mps,
    parse_time_s,
    plan_delivery,
    wind_vector_mps,
)
from airwork.planners.delivery import budget as budget_mod
from airwork.planners.delivery.context import LAND_DROP_ALT_M, TERRAIN_PIECE_M
from airwork.planners.delivery.routing import LATE_TIERS, late_tiers
from airwork.planners.delivery.screen import FAR_FROM_HUB_M
from airwork.site.zones import Zone
from airwork.testing.delivery import generate_delivery

ROOT = Path(__file__).resolve().parents[2]
HEX = load_aircraft("delivery-hex")
LIGHT = load_aircraft(str(ROOT / "examples" / "delivery-light-quad.yaml"))
FRAME = LocalFrame.for_lonlat(1.444, 43.604)
X0, Y0 = FRAME.to_local(1.444, 43.604)


# ------------------------------------------------------------------ independent re-checks
def wind_xy(speed, from_deg):
    """Air moves *to* from_deg + 180°: (east, north)."""
    a = math.radians(from_deg + 180.0)
    return np.array([speed * math.sin(a), speed * math.cos(a)])


def recheck(problem: DeliveryProblem, params: DeliveryParams, result, *, tol_s=1e-3):
    """Assert every quality bar on a result; return figures for further asserts."""
    fleet = {f.name: f for f in problem.fleet}
    if params.reserve_frac is not None:
        fleet = {
            n: FleetType(f.aircraft.with_reserve(params.reserve_frac), f.count_per_hub)
            for n, f in fleet.items()
        }
    orders = {o.id: o for o in problem.orders}
    hubs = {h.id: h for h in problem.hubs}
    w = wind_xy(params.wind_speed_mps, params.wind_from_deg)
    v = result.mission.cruise_speed_mps
    alt = params.cruise_alt_m
    # zones met at cruise: those whose band holds the cruise altitude (the drone flies over
    # a zone whose ceiling is below it, and under one whose floor is above it)
    zones = [z.geometry for z in problem.no_fly if z.floor_m <= alt <= z.ceiling_m]
    grown = [z.buffer(params.clearance_m - 0.5) for z in zones]
    served: list[str] = []
    energies = []
    for report, sortie in zip(result.trips, result.mission.sorties, strict=True):
        assert report.sortie == sortie.index
        ft = fleet[report.aircraft]
        a = ft.aircraft
        hub = hubs[report.hub]
        wps = sortie.waypoints
        # starts and ends on the ground at its hub
        assert (wps[0].x_m, wps[0].y_m, wps[0].alt_m) == pytest.approx((*hub.xy_m, 0.0))
        assert (wps[-1].x_m, wps[-1].y_m, wps[-1].alt_m) == pytest.approx((*hub.xy_m, 0.0))
        parcels = [orders[o] for o in report.orders]
        payload = sum(o.mass_kg for o in parcels)
        assert payload <= ft.payload_kg + 1e-9
        assert sortie.legs[0].payload_kg == pytest.approx(payload)
        assert sortie.legs[-1].payload_end_kg == pytest.approx(0.0, abs=1e-9)
        # energy and time leg by leg, mass falling at each drop
        t = report.depart_s
        e = 0.0
        load = payload
        k_order = 0
        lost = corner_losses(sortie, v)  # hovered: energy
        saved = np.minimum(corner_losses(sortie, v, signed=True), 0.0)  # sloped legs: time
        for i, leg in enumerate(sortie.legs):
            p, q = wps[i], wps[i + 1]
            assert leg.payload_kg == pytest.approx(load)
            d = np.array([q.x_m - p.x_m, q.y_m - p.y_m])
            dist = float(np.hypot(*d))
            dz = q.alt_m - p.alt_m
            if leg.kind in (LegKind.TAKEOFF, LegKind.LANDING):
                vs = leg.speed_mps
            else:
                vs = CLIMB_SPEED_MPS if dz > 0 else DESCENT_SPEED_MPS
            head = v - ground_speed(v, w, d) if dist > 0 else 0.0
            if dist > 0 and leg.kind not in (LegKind.TAKEOFF, LegKind.LANDING):
                # commanded: the ground speed that holds the cruise airspeed in the wind
                assert leg.speed_mps == pytest.approx(ground_speed(v, w, d), rel=1e-9)
            mean = 0.5 * (leg.payload_kg + leg.payload_end_kg)
            perf = a.leg_performance(
                dist,
                v if dist > 0 else 1.0,
                mean,
                climb_m=dz,
                vertical_speed_mps=vs,
                headwind_mps=head,
                hold_s=q.hold_s + lost[i],
            )
            e += float(perf.energy_wh)
            t += float(perf.time_s) + float(saved[i])
            assert float(perf.energy_wh) == pytest.approx(leg.energy_wh, rel=1e-6, abs=1e-9)
            # horizontal legs stay out of the zones and their clearance
            if dist > 0:
                seg = shapely.LineString([(p.x_m, p.y_m), (q.x_m, q.y_m)])
                for g in grown:
                    assert not seg.intersects(g), f"sortie {sortie.index} leg {i} enters a zone"
            # arrival over the next drop point (after any hovering wait)
            if k_order < len(parcels) and dist > 0:
                o = parcels[k_order]
                if np.allclose((q.x_m, q.y_m), o.xy_m, atol=1e-6):
                    assert o.earliest_s - tol_s <= t <= o.latest_s + params.late_tolerance_s + tol_s
                    assert t == pytest.approx(report.arrivals_s[k_order], abs=1e-3)
            # the parcel leaves at the drop point and only there
            if leg.payload_end_kg < leg.payload_kg - 1e-12:
                o = parcels[k_order]
                assert (p.x_m, p.y_m) == pytest.approx(o.xy_m)
                assert leg.payload_kg - leg.payload_end_kg == pytest.approx(o.mass_kg)
                # during the release hold, released on arrival at its start; a winch winds
                # the line in after it (the drop's steps: test_drops_complete_on_the_autopilot)
                assert ActionKind.PAYLOAD_RELEASE in {x.kind for x in p.actions}
                assert q.hold_s > 0
                wind_in = [x.value for x in q.actions if x.kind == ActionKind.WINCH]
                assert (wind_in != []) == (o.drop == "winch")
                assert all(x < 0 for x in wind_in)
                assert dist == 0 and dz == 0
                k_order += 1
            load = leg.payload_end_kg
        assert k_order == len(parcels), "every parcel of the trip is dropped"
        assert e <= a.mission_energy_wh + 1e-9, f"sortie {sortie.index}: {e:.1f} Wh"
        assert t == pytest.approx(report.return_s, abs=1e-3)
        assert report.depart_s >= hub.open_s - tol_s and t <= hub.close_s + tol_s
        energies.append(e)
        served += list(report.orders)
    # each order exactly once, or unserved with a reason
    assert len(served) == len(set(served))
    unserved = {u.order_id: u.reason for u in result.unserved}
    assert not set(served) & set(unserved)
    assert set(served) | set(unserved) == set(orders)
    assert all(r for r in unserved.values())
    # drones: trips of one drone never overlap, with the swap between them
    by_drone: dict[str, list] = {}
    for r in result.trips:
        by_drone.setdefault(r.drone, []).append(r)
    for name, trips in by_drone.items():
        trips.sort(key=lambda r: r.depart_s)
        swap = hubs[trips[0].hub].swap_time_s
        for r1, r2 in itertools.pairwise(trips):
            assert r2.depart_s >= r1.return_s + swap - tol_s, name
    for h in problem.hubs:
        for f in problem.fleet:
            used = {r.drone for r in result.trips if r.hub == h.id and r.aircraft == f.name}
            assert len(used) <= f.count_at(h)
    return {"served": len(served), "energies": energies}


# ------------------------------------------------------------------ fixtures
@pytest.fixture(scope="module")
def two_types():
    fleet = [FleetType(HEX, count_per_hub=2), FleetType(LIGHT, count_per_hub=2)]
    problem = generate_delivery(60, 3, 2, fleet=fleet, seed=4, hub_spacing_m=5000, spread_m=2000)
    params = DeliveryParams(runtime_s=2.0, wind_speed_mps=5.0, wind_from_deg=250.0)
    return problem, params, plan_delivery(problem, params)


def test_generated_day_passes_every_quality_bar(two_types):
    problem, params, result = two_types
    figures = recheck(problem, params, result)
    assert figures["served"] >= 0.9 * len(problem.orders)
    assert result.on_time_share == 1.0
    # multi-drop trips exist (PyVRP combines orders) and both types fly
    assert max(len(t.orders) for t in result.trips) >= 2
    assert {t.aircraft for t in result.trips} == {"delivery-hex", "light-quad"}
    s = result.summary()
    assert s["served"] == figures["served"] and s["trips"] == len(result.trips)
    assert s["distance_km"] == pytest.approx(result.mission.distance_m / 1000, abs=1e-3)


def test_routes_bend_around_zones_in_the_wind():
    """Two hubs either side of a wide zone: trips must go round it."""
    zone = shapely.Polygon(
        [(X0 - 300, Y0 - 1500), (X0 + 300, Y0 - 1500), (X0 + 300, Y0 + 1500), (X0 - 300, Y0 + 1500)]
    )
    hubs = (Hub("W", (X0 - 2500, Y0)), Hub("E", (X0 + 4000, Y0 + 3000), drone_count=0))
    orders = tuple(
        Order(f"o{i}", (X0 + 1500 + 200 * i, Y0 - 800 + 400 * i), 0.5 + 0.3 * i) for i in range(4)
    )
    problem = DeliveryProblem(hubs, orders, (FleetType(HEX),), (Zone(zone, False, id="Z"),), FRAME)
    params = DeliveryParams(runtime_s=1.0, wind_speed_mps=6.0, wind_from_deg=90.0)
    result = plan_delivery(problem, params)
    recheck(problem, params, result)
    assert len(result.unserved) == 0
    straight = sum(2 * np.hypot(o.xy_m[0] - hubs[0].xy_m[0], o.xy_m[1] - Y0) for o in orders)
    # any path round the zone is longer than the straight line through it
    for s in result.mission.sorties:
        assert len(s.waypoints) > 2 + 5 * 1 + 1
    assert result.distance_m > 0 and straight > 0


def test_low_zone_is_flown_over_and_a_high_one_around():
    """The same wide zone between a hub and its orders: with a 30 m ceiling the drones cruise
    over it at 60 m (the trips fly no farther than for no zone at all); reaching to 200 m,
    they go round it (farther). Either way the independent re-check passes."""
    box = [(X0 - 300, Y0 - 1500), (X0 + 300, Y0 - 1500), (X0 + 300, Y0 + 1500),
           (X0 - 300, Y0 + 1500)]  # fmt: skip
    zone = shapely.Polygon(box)
    hubs = (Hub("W", (X0 - 2500, Y0)),)
    orders = tuple(Order(f"o{i}", (X0 + 1500, Y0 - 600 + 400 * i), 0.5) for i in range(4))
    params = DeliveryParams(runtime_s=1.0)
    km = {}
    for name, zones in (
        ("none", ()),
        ("low", (Zone(zone, False, 0.0, 30.0, id="Z"),)),
        ("high", (Zone(zone, False, 0.0, 200.0, id="Z"),)),
    ):
        problem = DeliveryProblem(hubs, orders, (FleetType(HEX),), zones, FRAME)
        result = plan_delivery(problem, params)
        recheck(problem, params, result)
        assert not result.unserved
        km[name] = result.distance_m
    assert km["low"] == pytest.approx(km["none"], rel=1e-6)
    assert km["high"] > km["none"] * 1.01


def test_falling_mass_costs_less_than_carrying_everything():
    """The same multi-drop trip priced with the mass carried to the end uses more energy."""
    fleet = [FleetType(HEX)]
    problem = generate_delivery(30, 1, 0, fleet=fleet, seed=2, spread_m=1500)
    result = plan_delivery(problem, DeliveryParams(runtime_s=1.0))
    multi = [
        (r, s)
        for r, s in zip(result.trips, result.mission.sorties, strict=True)
        if len(r.orders) >= 2
    ]
    assert multi
    for r, s in multi:
        legs = s.legs
        full = HEX.leg_performance(
            np.array([leg.distance_m for leg in legs]),
            np.array([leg.speed_mps if leg.distance_m > 0 else 1.0 for leg in legs]),
            r.payload_kg,
            climb_m=np.array([leg.climb_m for leg in legs]),
            vertical_speed_mps=np.array(
                [
                    leg.speed_mps
                    if leg.kind in (LegKind.TAKEOFF, LegKind.LANDING)
                    else (CLIMB_SPEED_MPS if leg.climb_m > 0 else DESCENT_SPEED_MPS)
                    for leg in legs
                ]
            ),
            hold_s=np.array([w.hold_s for w in s.waypoints[1:]]),
        )
        assert float(np.sum(full.energy_wh)) > s.energy_wh * 1.01


def test_exact_check_repairs_trips_an_optimistic_budget_lets_through(monkeypatch):
    """Make the PyVRP energy budget far too generous: the exact check must split or drop
    trips so that every exported trip still fits the battery."""
    monkeypatch.setattr(
        budget_mod,
        "_fixed_energy_wh",
        lambda ft, alt, payload_kg=None: -2.0 * ft.aircraft.mission_energy_wh,
    )
    fleet = [FleetType(HEX, count_per_hub=4)]
    problem = generate_delivery(40, 1, 1, fleet=fleet, seed=3, spread_m=4000)
    params = DeliveryParams(runtime_s=1.0)
    result = plan_delivery(problem, params)
    assert result.repaired_trips > 0
    recheck(problem, params, result)


def test_baseline_one_order_per_trip(two_types):
    problem, params, result = two_types
    base = baseline_plan(problem, params)
    assert base["trips"] == base["served"]
    assert len(result.trips) < base["trips"]
    assert result.distance_m / 1000 < base["distance_km"]


# ------------------------------------------------------------------ bad input
def small_problem(orders, hubs=None, zones=(), fleet=None):
    hubs = hubs or (Hub("H", (X0, Y0), drone_count=2, open_s=7 * 3600, close_s=21 * 3600),)
    return DeliveryProblem(
        hubs, tuple(orders), tuple(fleet or (FleetType(HEX),)), tuple(zones), FRAME
    )


def test_bad_orders_are_unserved_with_reasons():
    zone = shapely.Polygon(
        [(X0 + 1000, Y0), (X0 + 1500, Y0), (X0 + 1500, Y0 + 500), (X0 + 1000, Y0 + 500)]
    )
    orders = [
        Order("ok", (X0 + 800, Y0 - 600), 1.0, 9 * 3600, 12 * 3600),
        Order("inside", (X0 + 1200, Y0 + 200), 1.0),
        Order("near", (X0 + 1510, Y0 + 200), 1.0),
        Order("heavy", (X0 + 500, Y0), 7.5),
        Order("reversed", (X0 + 500, Y0 + 100), 1.0, 12 * 3600, 10 * 3600),
        Order("past", (X0 + 500, Y0 + 200), 1.0, 6 * 3600, 9 * 3600),
        Order("far", (X0 + 30_000, Y0), 1.0),
        Order("late", (X0 + 400, Y0 + 300), 1.0, 22 * 3600, 23 * 3600),
    ]
    problem = small_problem(orders, zones=[Zone(zone, False, id="airport")])
    params = DeliveryParams(runtime_s=0.5, start_s=10 * 3600)
    result = plan_delivery(problem, params)
    recheck(problem, params, result)
    why = {u.order_id: u.reason for u in result.unserved}
    assert set(why) == {"inside", "near", "heavy", "reversed", "past", "far", "late"}
    assert "no-fly zone 'airport'" in why["inside"] and "clearance" in why["near"]
    assert "heavier" in why["heavy"] and "reversed" in why["reversed"]
    assert "closed" in why["past"]
    assert "Wh" in why["far"]


def test_hub_inside_a_zone_is_an_error():
    zone = shapely.box(X0 - 100, Y0 - 100, X0 + 100, Y0 + 100)
    problem = small_problem([Order("a", (X0 + 900, Y0), 1.0)], zones=[Zone(zone, False, id="Z")])
    with pytest.raises(GeometryError, match="hub 'H' is inside no-fly zone 'Z'"):
        plan_delivery(problem, DeliveryParams(runtime_s=0.5))


def test_duplicate_ids_and_bad_values_are_errors():
    with pytest.raises(InputFileError, match="duplicate order id 'a'"):
        small_problem([Order("a", (X0 + 1, Y0), 1.0), Order("a", (X0 + 2, Y0), 1.0)])
    with pytest.raises(InputFileError, match="drop"):
        small_problem([Order("a", (X0 + 1, Y0), 1.0, drop="parachute")])
    with pytest.raises(InputFileError, match="mass_kg"):
        small_problem([Order("a", (X0 + 1, Y0), -1.0)])
    with pytest.raises(AircraftError, match="no cargo bay"):
        FleetType(load_aircraft("sprayer-40"))
    with pytest.raises(AircraftError, match="wind"):
        plan_delivery(
            small_problem([Order("a", (X0 + 500, Y0), 1.0)]),
            DeliveryParams(wind_speed_mps=15.0, speed_mps=18.0),
        )
    with pytest.raises(InputFileError, match="HH:MM"):
        parse_time_s("noon", "order 'a': earliest")


# ------------------------------------------------------------------ physics and geometry
@settings(max_examples=60, deadline=None)
@given(
    v=st.floats(5.0, 20.0),
    frac=st.floats(0.0, 0.9),
    wind_dir=st.floats(0.0, 360.0),
    course=st.floats(0.0, 2 * math.pi),
)
def test_wind_triangle_closes(v, frac, wind_dir, course):
    """Ground velocity = air velocity + wind, the air velocity has the airspeed, and the
    ground track lies along the course."""
    w = np.array(wind_vector_mps(frac * v, wind_dir))
    u = np.array([math.cos(course), math.sin(course)])
    g = float(ground_speed_mps(v, tuple(w), u[0], u[1]))
    assert g > 0
    air = g * u - w
    assert np.linalg.norm(air) == pytest.approx(v, rel=1e-9)
    assert g == pytest.approx(ground_speed(v, wind_xy(frac * v, wind_dir), u), rel=1e-9)


def test_wind_triangle_special_cases():
    assert float(ground_speed_mps(10.0, wind_vector_mps(4.0, 90.0), 1.0, 0.0)) == pytest.approx(6.0)
    assert float(ground_speed_mps(10.0, wind_vector_mps(4.0, 270.0), 1.0, 0.0)) == pytest.approx(
        14.0
    )
    assert float(ground_speed_mps(10.0, wind_vector_mps(6.0, 0.0), 1.0, 0.0)) == pytest.approx(8.0)
    with pytest.raises(AircraftError):
        ground_speed_mps(10.0, (10.0, 0.0), 1.0, 0.0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pair_lengths_match_the_dense_table(seed):
    rng = np.random.default_rng(seed)
    zones = [shapely.Point(rng.uniform(200, 800, 2)).buffer(rng.uniform(50, 150)) for _ in range(3)]
    pf = PathFinder(zones, margin_m=1.0)
    pts = rng.uniform(0, 1000, (40, 2))
    pts = pts[~shapely.intersects(shapely.points(pts), shapely.union_all(zones).buffer(2))][:25]
    dense = pf.lengths_m(pts, pts)
    ia, ib = np.nonzero(np.ones((len(pts), len(pts)), bool))
    pairs = pf.pair_lengths_m(pts, ia, ib, chunk=50)
    np.testing.assert_allclose(pairs.reshape(len(pts), len(pts)), dense, rtol=1e-9)


def test_time_table_is_exact_when_clear_and_an_upper_bound_when_routed():
    rng = np.random.default_rng(5)
    zone = shapely.Point(500, 500).buffer(200)
    wind = wind_vector_mps(4.0, 30.0)
    tm = TravelModel([zone], 12.0, wind)
    pts = rng.uniform(0, 1000, (60, 2))
    pts = pts[~shapely.intersects(shapely.points(pts), zone.buffer(5))]
    tt = tm.time_matrix_s(pts)
    for i in range(0, len(pts), 7):
        for j in range(len(pts)):
            if i == j:
                continue
            path = tm.path(pts[i], pts[j])
            seg = np.diff(path, axis=0)
            exact = sum(np.hypot(*s) / ground_speed(12.0, np.array(wind), s) for s in seg)
            if len(path) == 2:
                assert tt[i, j] == pytest.approx(exact, rel=1e-9)
            else:
                assert tt[i, j] >= exact - 1e-9


def test_an_iteration_budget_makes_the_plan_independent_of_the_clock():
    """With ``iterations`` PyVRP stops on its iteration count, not on ``runtime_s`` (here
    20 s, 300 iterations take well under a second), and two runs give the same plan."""
    fleet = [FleetType(HEX, count_per_hub=2)]
    problem = generate_delivery(40, 2, 1, fleet=fleet, seed=5, spread_m=2000)
    params = DeliveryParams(runtime_s=20.0, iterations=300, seed=1)
    runs = [plan_delivery(problem, params) for _ in range(2)]
    assert all(r.solve_time_s < 10.0 for r in runs)
    a, b = (
        [(t.drone, t.orders, t.depart_s, t.arrivals_s, t.energy_wh) for t in r.trips] for r in runs
    )
    assert a == b and len(a) > 0
    with pytest.raises(ValueError, match="iterations"):
        DeliveryParams(iterations=0)


@pytest.mark.parametrize("late_weight", [0.0, 100.0])
def test_late_tolerance_serves_late_and_reports_it(late_weight):
    """An order whose window closes before a drone can get there is served late within the
    tolerance (and reported late), or unserved without one."""
    hub = Hub("H", (X0, Y0), drone_count=1, open_s=8 * 3600, close_s=20 * 3600)
    orders = [
        Order("tight", (X0 + 5000, Y0), 1.0, 8 * 3600, 8 * 3600 + 300),
        Order("easy", (X0 - 1000, Y0), 1.0, 9 * 3600, 11 * 3600),
    ]
    problem = small_problem(orders, hubs=(hub,))
    weights = DeliveryWeights(late_hour=late_weight)
    strict = plan_delivery(problem, DeliveryParams(runtime_s=0.5, weights=weights))
    assert [u.order_id for u in strict.unserved] == ["tight"]
    params = DeliveryParams(runtime_s=0.5, late_tolerance_s=900.0, weights=weights)
    result = plan_delivery(problem, params)
    recheck(problem, params, result)
    assert not result.unserved
    late = {o: x for t in result.trips for o, x in zip(t.orders, t.late_s, strict=True)}
    assert late["easy"] == 0.0
    # arrival: the take-off climb to 60 m and 5 km at 10 m/s from rest to rest, as
    # ArduCopter flies them (S-curve, airwork.flight.scurve, checked against SITL flights
    # in tests/flight), after 08:00: about 232 s after 08:05; the uniform-acceleration
    # bound 60/2.5 + 500 + 2 x 10/(2 x 2.5) = 528 s after 08:00 is a few seconds less
    from airwork.flight.scurve import scurve_leg_time_s, takeoff_time_s

    arrival = takeoff_time_s(60.0) + scurve_leg_time_s(5000.0, 10.0)
    assert 0 < late["tight"] <= 900.0
    assert late["tight"] == pytest.approx(arrival - 300, abs=1.0)
    assert late["tight"] > 60 / 2.5 + 500 + 10 / 2.5 - 300
    assert result.on_time_share == pytest.approx(0.5)


def test_reading_roles_csv_and_stations_as_hubs(tmp_path):
    import json

    from airwork.planners.delivery import problem_from_job, read_orders_csv
    from airwork.site import load_site

    lon, lat = 1.444, 43.604
    feats = [
        {
            "type": "Feature",
            "properties": {"role": "station", "name": "depot", "drone_count": 3},
            "geometry": {"type": "Point", "coordinates": [lon, lat]},
        },
        {
            "type": "Feature",
            "properties": {
                "role": "order",
                "id": "g1",
                "mass_kg": 1.5,
                "earliest": "09:30",
                "latest": 39600,
                "drop": "Land",
            },
            "geometry": {"type": "Point", "coordinates": [lon + 0.01, lat]},
        },
        {
            "type": "Feature",
            "properties": {"role": "no_fly", "id": "z", "floor_m": 150},
            "geometry": {
                "type": "Polygon",
                "coordinates": [
                    [
                        [lon + 0.02, lat],
                        [lon + 0.03, lat],
                        [lon + 0.03, lat + 0.01],
                        [lon + 0.02, lat],
                    ]
                ],
            },
        },
    ]
    job_path = tmp_path / "job.geojson"
    job_path.write_text(json.dumps({"type": "FeatureCollection", "features": feats}))
    csv = tmp_path / "o.csv"
    csv.write_text("id,lat,lon,mass_kg,latest\nc1,43.61,1.45,0.5,18:00\n")
    job = load_site(job_path)
    extra = read_orders_csv(csv, job.frame)
    problem = problem_from_job(job, [FleetType(HEX)], orders=extra)
    assert [h.id for h in problem.hubs] == ["depot"] and problem.hubs[0].drone_count == 3
    g1, c1 = problem.orders
    assert (g1.earliest_s, g1.latest_s, g1.drop) == (34200.0, 39600.0, "land")
    assert c1.latest_s == 18 * 3600 and c1.drop == "winch"
    x, y = job.frame.to_local(1.45, 43.61)
    assert c1.xy_m == pytest.approx((x, y))
    # a zone whose floor is above the cruise altitude does not apply
    assert problem.no_fly[0].floor_m == 150 and not problem.no_fly[0].reaches_down_to(60.0)


def test_a_hub_never_flies_more_drones_than_it_has():
    """Four heavy parcels (one per trip) due in the same five minutes from a hub with one
    drone: one is served, the others are unserved because no drone is free."""
    hub = Hub("H", (X0, Y0), drone_count=1, open_s=8 * 3600, close_s=20 * 3600)
    orders = [
        Order(
            f"p{k}",
            (X0 + 1500 * math.cos(k * 1.6), Y0 + 1500 * math.sin(k * 1.6)),
            2.6,
            9 * 3600,
            9 * 3600 + 300,
        )
        for k in range(4)
    ]
    problem = small_problem(orders, hubs=(hub,))
    params = DeliveryParams(runtime_s=0.5)
    result = plan_delivery(problem, params)
    recheck(problem, params, result)
    assert len(result.trips) == 1 and result.drones_used == 1
    reasons = [u.reason for u in result.unserved]
    assert len(reasons) == 3 and all("drone free at hub 'H'" in r for r in reasons)
    # with three drones more of them fly
    problem3 = small_problem(orders, hubs=(replace(hub, drone_count=3),))
    more = plan_delivery(problem3, params)
    recheck(problem3, params, more)
    assert more.served_count == 3 and more.drones_used == 3


@settings(max_examples=25, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    wind=st.floats(0.0, 8.0),
    wind_from=st.floats(0.0, 360.0),
)
def test_paths_never_enter_zones_and_the_table_bounds_their_time(seed, wind, wind_from):
    """Random zones and points: every path stays out of every zone, and the table's time is
    the path's exact time when straight, an upper bound when it bends."""
    rng = np.random.default_rng(seed)
    zones = [
        shapely.Point(rng.uniform(0, 3000, 2)).buffer(rng.uniform(80, 400), quad_segs=4)
        for _ in range(3)
    ]
    tm = TravelModel(zones, 12.0, wind_vector_mps(wind, wind_from))
    pts = rng.uniform(-500, 3500, (30, 2))
    pts = pts[tm.inside(pts) < 0]
    pts = pts[~shapely.intersects(shapely.points(pts), shapely.union_all(zones).buffer(3.0))]
    tt = tm.time_matrix_s(pts)
    inner = shapely.union_all(zones).buffer(-0.05)
    w = np.array(wind_vector_mps(wind, wind_from))
    for i in range(len(pts)):
        j = (i * 7 + 3) % len(pts)
        if i == j:
            continue
        path = tm.path(pts[i], pts[j])
        assert not shapely.LineString(path).intersects(inner)
        exact = sum(np.hypot(*s) / ground_speed(12.0, w, s) for s in np.diff(path, axis=0))
        assert tt[i, j] >= exact * (1 - 1e-9)
        if len(path) == 2:
            assert tt[i, j] == pytest.approx(exact, rel=1e-9)


def test_drone_weight_prices_busy_time_and_objective_is_reported():
    """Two 1 kg orders on opposite sides of the hub within one 10 min window.  PyVRP prices
    a trip's energy at its load class on every leg: both parcels in one trip put it in the
    full-payload (3 kg) class, dearer per km than two half-payload trips, so priced by
    energy alone the plan flies two trips.  Two trips cost a second battery swap, climb and
    descent, i.e. more of a drone-day: priced by fleet size alone, the plan flies one."""
    hub = Hub("H", (X0, Y0), drone_count=3, open_s=8 * 3600, close_s=20 * 3600)
    t0 = 10 * 3600
    orders = [
        Order("E", (X0 + 1500, Y0), 1.0, t0, t0 + 600),
        Order("W", (X0 - 1500, Y0), 1.0, t0, t0 + 600),
    ]
    problem = small_problem(orders, hubs=(hub,))
    W = DeliveryWeights
    by_energy = W(drone=0, trip=0, flight_hour=0, energy_kwh=1000)
    by_fleet = W(drone=1000, trip=0, flight_hour=0, energy_kwh=0)
    results = {}
    for name, w in (("energy", by_energy), ("fleet", by_fleet)):
        params = DeliveryParams(runtime_s=0.5, weights=w)
        r = plan_delivery(problem, params)
        recheck(problem, params, r)
        busy = sum(t.return_s - t.depart_s + hub.swap_time_s for t in r.trips)
        results[name] = (r, busy)
    e, busy_e = results["energy"]
    f, busy_f = results["fleet"]
    assert len(e.trips) == 2 and len(f.trips) == 1
    assert busy_f < busy_e
    # the reported objective is weight x measured quantity, term by term
    s = f.summary()
    obj = s["objective"]
    assert obj["drones"] == pytest.approx(1000 * s["drones_used"])
    assert obj["energy_kwh"] == 0.0 and obj["unserved"] == 0.0
    assert obj["total"] == pytest.approx(sum(v for k, v in obj.items() if k != "total"))
    se = e.summary()["objective"]
    assert se["energy_kwh"] == pytest.approx(1000 * e.energy_wh / 1000, abs=0.01)
    assert s["weights"]["drone"] == 1000


def test_order_thousands_of_km_away_is_a_coordinate_mistake():
    """Latitude and longitude swapped in one order (43.6 N 1.4 E read as 1.4 N 43.6 E) puts
    it thousands of km from the hubs: unserved with a reason that says so; when every order
    is that far, the job is refused."""
    ok = Order("ok", (X0 + 800, Y0 - 600), 1.0)
    sx, sy = FRAME.to_local(43.604, 1.444)
    swapped = Order("swapped", (float(sx), float(sy)), 1.0)
    result = plan_delivery(small_problem([ok, swapped]), DeliveryParams(runtime_s=0.3))
    (u,) = result.unserved
    assert u.order_id == "swapped" and "latitude/longitude" in u.reason
    km = float(u.reason.split(" km")[0].replace(",", ""))
    assert km == pytest.approx(math.dist((sx, sy), (X0, Y0)) / 1000, rel=0.01)
    assert km > FAR_FROM_HUB_M / 1000
    assert [t.orders for t in result.trips] == [("ok",)]
    with pytest.raises(GeometryError, match="every order is more than 200 km"):
        plan_delivery(small_problem([swapped]), DeliveryParams(runtime_s=0.3))


@settings(max_examples=50, deadline=None)
@given(
    latest=st.floats(0, 80_000),
    tol=st.floats(60, 7200),
    weight=st.floats(1, 1000),
    late_share=st.floats(0, 1),
)
def test_late_tiers_price_lateness_within_half_a_tier(latest, tol, weight, late_share):
    """PyVRP takes the cheapest visit whose window admits the arrival: its price is within
    weight x tolerance / (2 x tiers) of the linear cost of the real lateness (a single
    late step, as before, was off by up to half the whole tolerance)."""
    tiers = late_tiers(latest, tol, weight)
    assert len(tiers) == LATE_TIERS + 1
    assert tiers[0] == (latest, 0.0) and tiers[-1][0] == pytest.approx(latest + tol)
    late = late_share * tol
    arrival = latest + late
    price = min(c for close, c in tiers if arrival <= close + 1e-9)
    linear = weight * late / 3600
    assert abs(price - linear) <= weight * tol / 3600 / (2 * LATE_TIERS) + 1e-9


class _Slope:
    """The test's own terrain: a plane rising eastwards (the Terrain protocol)."""

    is_flat = False
    description = "test slope"

    def __init__(self, grade: float, base_m: float = 200.0):
        self.grade, self.base_m = grade, base_m

    def elevation_m(self, x_m, y_m):
        x = np.asarray(x_m, dtype=float)
        return self.base_m + self.grade * (x - X0) + 0.0 * np.asarray(y_m, dtype=float)

    def covers(self, x_m, y_m):
        return np.ones(np.broadcast(np.asarray(x_m), np.asarray(y_m)).shape, dtype=bool)


def test_trips_over_sloping_ground_keep_their_height_above_it():
    """On a 4 % slope (orders up to 120 m above or below their hub), every cruise piece is
    at least the cruise height above the ground under it, and not much more; every drop
    hovers at its height above the ground at the order; altitudes are relative to the hub;
    all the other quality bars hold (energy re-priced leg by leg with the climbs)."""
    hub = Hub("H", (X0, Y0), drone_count=4, open_s=7 * 3600, close_s=21 * 3600)
    rng = np.random.default_rng(7)
    orders = [
        Order(
            f"o{i}",
            (X0 + float(dx), Y0 + float(dy)),
            float(rng.uniform(0.3, 2.5)),
            drop="land" if i % 3 == 0 else "winch",
        )
        for i, (dx, dy) in enumerate(rng.uniform(-3000, 3000, (14, 2)))
    ]
    slope = _Slope(0.04)
    problem = replace(small_problem(orders, hubs=(hub,)), terrain=slope)
    params = DeliveryParams(runtime_s=1.0)
    result = plan_delivery(problem, params)
    recheck(problem, params, result)
    assert result.served_count >= 10
    cruise = params.cruise_alt_m
    piece = TERRAIN_PIECE_M
    by_id = {o.id: o for o in orders}
    drops = 0
    for report, sortie in zip(result.trips, result.mission.sorties, strict=True):
        g_hub = float(slope.elevation_m(X0, Y0))
        wps = sortie.waypoints
        for i, leg in enumerate(sortie.legs):
            p, q = wps[i], wps[i + 1]
            if leg.distance_m > 0:
                t = np.linspace(0.0, 1.0, 21)
                x = p.x_m + t * (q.x_m - p.x_m)
                y = p.y_m + t * (q.y_m - p.y_m)
                agl = p.alt_m + t * (q.alt_m - p.alt_m) + g_hub - slope.elevation_m(x, y)
                assert agl.min() >= cruise - 1e-6
                assert agl.max() <= cruise + 2 * piece * 0.04 + 1e-6
            if leg.payload_end_kg < leg.payload_kg - 1e-12:
                here = np.array([p.x_m, p.y_m])
                o = min((by_id[k] for k in report.orders), key=lambda o: math.dist(o.xy_m, here))
                h = p.alt_m + g_hub - float(slope.elevation_m(p.x_m, p.y_m))
                expect = LAND_DROP_ALT_M if o.drop == "land" else params.winch_alt_m
                assert h == pytest.approx(expect, abs=1e-6)
                drops += 1
    assert drops == result.served_count
    # the terrain really moved the altitudes: some drop hovers far from its flat-ground height
    rel = [
        w.alt_m
        for s in result.mission.sorties
        for w in s.waypoints
        if any(a.kind == ActionKind.PAYLOAD_RELEASE for a in w.actions)
    ]
    assert max(abs(r - params.winch_alt_m) for r in rel) > 50.0


# ------------------------------------------------------------------ drops on the autopilot
def _drop_items(items, xy, to_xy):
    """The items from the arrival over ``xy`` to the top of the climb back, speed changes
    left out."""
    navs = [k for k, it in enumerate(items) if k > 0 and it.command in (NAV_WAYPOINT, NAV_LAND)]
    at = [k for k in navs if math.dist(to_xy(items[k].lat_deg, items[k].lon_deg), xy) < 0.05]
    assert at, "the trip flies over its drop point"
    return [it for it in items[at[0] : at[-1] + 1] if it.command != DO_CHANGE_SPEED]


def test_drops_complete_on_the_autopilot():
    """Issue 13: at each drop the exported MAVLink items read, all at the drop point:
    descend, winch pays out, hold >= line / rate, release, hold >= the release time, winch
    winds in, hold >= line / rate, climb (a land drop: descend and hold, release, hold >=
    the release time, climb); and a replay of the items as ArduPilot runs them (DO items
    after a NAV run alongside the next one) runs every DO item, releases with the line
    fully out, and has the line fully in before the drone climbs or moves away."""
    rate, release = 0.8, 1.5  # not the defaults: the holds must follow the parameters
    orders = [
        Order("w1", (X0 + 1500, Y0 + 300), 1.0, service_s=20.0, drop="winch"),
        Order("l1", (X0 + 1200, Y0 - 800), 0.6, service_s=27.0, drop="land"),
        Order("w2", (X0 - 900, Y0 + 1100), 0.8, service_s=60.0, drop="winch"),
    ]
    problem = small_problem(orders)
    params = DeliveryParams(iterations=300, winch_rate_mps=rate, release_s=release)
    result = plan_delivery(problem, params)
    recheck(problem, params, result)
    assert result.served_count == 3
    by_id = {o.id: o for o in orders}
    frame = result.mission.frame

    def to_xy(lat, lon):
        return tuple(float(v) for v in frame.to_local(lon, lat))

    winch_drops = 0
    for report, sortie in zip(result.trips, result.mission.sorties, strict=True):
        items = mission_items(result.mission, sortie)
        for oid in report.orders:
            o = by_id[oid]
            seq = _drop_items(items, o.xy_m, to_xy)
            cmds = [it.command for it in seq]
            arrive, hover = seq[0], seq[1]
            h = hover.alt_m
            assert h < arrive.alt_m - 10.0  # descended from cruise
            hovers = [it.alt_m for it in seq[1:-1] if it.command == NAV_WAYPOINT]
            assert hovers == pytest.approx([h] * len(hovers))
            assert seq[-1].alt_m > h + 10.0  # the climb, at the drop point too
            if o.drop == "winch":
                winch_drops += 1
                w = NAV_WAYPOINT
                assert cmds == [w, w, DO_WINCH, w, DO_GRIPPER, w, DO_WINCH, w, w]
                line = seq[2].params[2]
                assert line == pytest.approx(h) and seq[6].params[2] == pytest.approx(-line)
                assert seq[3].params[0] >= line / rate  # hold while the line pays out
                assert seq[5].params[0] >= release  # hold while the parcel is released
                assert seq[7].params[0] >= line / rate  # hold while the line winds in
            else:
                assert h == pytest.approx(LAND_DROP_ALT_M)
                w = NAV_WAYPOINT
                assert cmds == [w, w, DO_GRIPPER, w, w]
                assert seq[1].params[0] + seq[3].params[0] >= o.service_s
                assert seq[3].params[0] >= release
        replay = replay_items(items, to_xy, winch_rate_mps=rate, release_s=release)
        assert replay["skipped"] == [] and replay["overlaps"] == []
        assert len(replay["releases"]) == len(report.orders)
        n_winch = sum(by_id[o].drop == "winch" for o in report.orders)
        assert len(replay["winch"]) == 2 * n_winch
        for (_, line_out), oid in zip(replay["releases"], report.orders, strict=True):
            expect = params.winch_alt_m if by_id[oid].drop == "winch" else 0.0
            assert line_out == pytest.approx(expect, abs=1e-9)  # the line is fully out
        assert max(replay["line_out_on_moves"]) == pytest.approx(0.0, abs=1e-9)
        assert replay["line_at_end"] == pytest.approx(0.0, abs=1e-9)
        # the replay's time is the planner's flight time within the corner losses it ignores
        assert replay["end_s"] == pytest.approx(report.return_s - report.depart_s, rel=0.05)
    assert winch_drops == 2


def test_the_replay_catches_the_flown_winch_left_out():
    """The layout flown in SITL ``deliv02_payload`` (hold, release and retract after it,
    then a waypoint without a hold at the same place): the replay skips the retract and
    moves away with the line out, as the autopilot did."""
    here, away = (43.6009570, 1.3972490), (43.5864327, 1.3973523)

    def item(seq, cmd, p=(0.0, 0.0, 0.0, 0.0), at=(0.0, 0.0), alt=0.0):
        return MissionItem(seq, 3, cmd, p, at[0], at[1], alt)

    rows = [
        (NAV_WAYPOINT, (0, 0, 0, 0), here, 0.0),
        (NAV_TAKEOFF, (0, 0, 0, 0), here, 60.0),
        (NAV_WAYPOINT, (0, 0, 0, 0), here, 12.0),
        (DO_WINCH, (1, 1, 12, 0), (0, 0), 0.0),
        (NAV_WAYPOINT, (30, 0, 0, 0), here, 12.0),
        (DO_GRIPPER, (1, 0, 0, 0), (0, 0), 0.0),
        (DO_WINCH, (1, 1, -12, 0), (0, 0), 0.0),
        (NAV_WAYPOINT, (0, 0, 0, 0), here, 12.0),
        (NAV_WAYPOINT, (0, 0, 0, 0), here, 60.0),
        (NAV_WAYPOINT, (0, 0, 0, 0), away, 60.0),
    ]
    items = [item(k, c, tuple(map(float, p)), at, alt) for k, (c, p, at, alt) in enumerate(rows)]
    frame = LocalFrame.for_lonlat(here[1], here[0])

    def to_xy(lat, lon):
        return tuple(float(v) for v in frame.to_local(lon, lat))

    replay = replay_items(items, to_xy, winch_rate_mps=1.0, release_s=0.5)
    assert replay["skipped"] == [6]
    assert max(replay["line_out_on_moves"]) == pytest.approx(12.0)
