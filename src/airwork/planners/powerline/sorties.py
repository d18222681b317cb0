"""The chosen flights as sorties, the crew's schedule around them, and the mission.

Each flight is built with :class:`~airwork.mission.build.SortieBuilder` from the very same
pieces the dynamic programme priced, in the job's datum frame, then its altitudes are given
relative to its own take-off station, as flown.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely

from airwork.aircraft.model import Aircraft
from airwork.autopilot.mission_items import mission_items
from airwork.errors import InfeasibleMissionError
from airwork.flight.conditions import Conditions
from airwork.geo.frame import LocalFrame
from airwork.mission.build import SortieBuilder, shift_altitudes
from airwork.mission.model import AltitudeRef, LegKind, Mission, Sortie
from airwork.planners.powerline.flights import Flight
from airwork.planners.powerline.lineplan import LinePlan
from airwork.planners.powerline.pieces import TRANSIT, Piece, Spec, merge_repeats, spec
from airwork.planners.powerline.problem import PowerlineParams, PowerlineProblem
from airwork.planners.powerline.result import FlightReport

__all__ = [
    "CrewSchedule",
    "build_sortie",
    "build_sorties",
    "crew_schedule",
    "flight_reports",
    "flight_specs",
    "mission_item_count",
    "powerline_mission",
]


def flight_specs(lp: LinePlan, flight: Flight, stations: np.ndarray) -> tuple[list[Spec], int]:
    """Every waypoint of a flight after its take-off, up to above its landing station (the
    landing itself is not a spec), in the datum frame, with repeated points merged
    (:func:`~.pieces.merge_repeats`); and the photos it takes."""
    _li, a, b, s1, s2, rev = flight
    ln = lp.line
    X = lp.cross_alt
    t_s, vias = lp.access.tower, lp.access.vias
    t1, t2 = int(t_s[s1]), int(t_s[s2])
    tw = lp.over_f[0].specs[0][4] if lp.over_f else 5.0
    out = [spec(x, y, X[t1], TRANSIT, tw) for x, y in vias[s1]]
    out.append(spec(ln.xy_m[t1, 0], ln.xy_m[t1, 1], X[t1], TRANSIT, tw))
    for pc in _overhead_pieces(lp, t1, b if rev else a):
        out += pc.specs
    P = len(lp.passes)
    order = list(range(P - 1, -1, -1)) if rev else list(range(P))
    e_in = b if rev else a
    out += lp.in_rev[e_in].specs if rev else lp.in_pieces[e_in].specs
    photos = 0
    for k, j in enumerate(order):
        fwd = lp.passes[j].forward
        rng = range(a, b) if fwd else range(b - 1, a - 1, -1)
        work = [lp.span_pieces[j][i] for i in rng]
        ev = lp.end_vantage[j]
        if ev is not None and b == ln.n - 1:  # the last tower's vantages
            work = [*work, ev] if fwd else [ev, *work]
        for pc in work:
            out += pc.specs
            photos += pc.photos
        if k < P - 1:
            e = b if fwd else a
            nxt = order[k + 1]
            out += lp.turn_pieces[j][e].specs if nxt == j + 1 else lp.rev_turn_pieces[nxt][e].specs
    e_end = b if (rev or P % 2 == 1) else a
    out += lp.out_rev[e_end].specs if rev else lp.out_pieces[e_end].specs
    for pc in _overhead_pieces(lp, e_end, t2):
        out += pc.specs
    for x, y in [*vias[s2][::-1], stations[s2]]:
        out.append(spec(x, y, X[t2], LegKind.RETURN, tw))
    return merge_repeats(out), photos


def _overhead_pieces(lp: LinePlan, t_from: int, t_to: int) -> list[Piece]:
    """The overhead track from tower ``t_from`` to tower ``t_to``."""
    if t_to >= t_from:
        return lp.over_f[t_from:t_to]
    return [lp.over_b[i] for i in range(t_from - 1, t_to - 1, -1)]


def build_sortie(
    lp: LinePlan,
    flight: Flight,
    stations: np.ndarray,
    ground: np.ndarray,
    conditions: Conditions,
    index: int,
) -> tuple[Sortie, int]:
    """One flight as sortie ``index``: built in the datum frame and priced in the job's
    ``conditions`` (aircraft and wind), then its altitudes given relative to its own
    take-off station (``ground[s1]`` above the datum), as flown; and the photos it takes."""
    _li, _a, _b, s1, s2, _rev = flight
    t1 = int(lp.access.tower[s1])
    sb = SortieBuilder(
        conditions.aircraft,
        (float(stations[s1, 0]), float(stations[s1, 1])),
        float(lp.cross_alt[t1]),
        0.0,
        ground_alt_m=float(ground[s1]),
        conditions=conditions,
    )
    specs, photos = flight_specs(lp, flight, stations)
    for x, y, z, kind, speed, cam, hold, actions in specs:
        sb.goto(x, y, z, kind=kind, speed_mps=speed, camera=cam, hold_s=hold, actions=actions)
    st = stations[s2]
    sb.land(float(st[0]), float(st[1]), ground_alt_m=float(ground[s2]))
    sortie = sb.build(index, station_index=s1, landing_station_index=s2)
    return shift_altitudes(sortie, -float(ground[s1])), photos


def build_sorties(
    plans: list[LinePlan],
    chosen: list[Flight],
    stations: np.ndarray,
    ground: np.ndarray,
    conditions: Conditions,
    max_items: int | None,
    frame: LocalFrame,
) -> tuple[list[Sortie], list[int], list[int]]:
    """Every chosen flight as a sortie (numbered from 1), its photo count and its mission
    items (:func:`mission_item_count`).

    Raises
    ------
    InfeasibleMissionError
        A built flight over the energy or the mission items allowed (the programme chose
        it within both).
    """
    emax = conditions.aircraft.mission_energy_wh
    sorties, photos, items = [], [], []
    for k, flight in enumerate(chosen, start=1):
        lp = plans[flight[0]]
        sortie, n_photos = build_sortie(lp, flight, stations, ground, conditions, k)
        n_items = mission_item_count(sortie, frame)
        a, b = flight[1], flight[2]
        what = f"flight {k} ({lp.line.span_label(a)} to {lp.line.tower_label(b)})"
        if sortie.energy_wh > emax * (1 + 1e-6):
            raise InfeasibleMissionError(
                f"{what} needs {sortie.energy_wh:.0f} Wh, more than the {emax:.0f} Wh allowed"
            )
        if max_items is not None and n_items > max_items:
            raise InfeasibleMissionError(
                f"{what} has {n_items} mission items, more than the {max_items} allowed"
            )
        sorties.append(sortie)
        photos.append(n_photos)
        items.append(n_items)
    return sorties, photos, items


def mission_item_count(sortie: Sortie, frame: LocalFrame) -> int:
    """MAVLink mission items of a sortie exactly as the ArduPilot export writes them for
    the default profile (:func:`airwork.autopilot.mission_items.mission_items`: home,
    take-off, navigation items, actions, speed changes, camera pointing, landing). [-]"""
    probe = Mission(
        name="count",
        frame=frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=(sortie,),
        aircraft_name="",
        usable_energy_wh=1.0,
        reserve_frac=0.0,
        stations=(),
    )
    return len(mission_items(probe, sortie))


@dataclass(frozen=True)
class CrewSchedule:
    """The crew's day around the flights.

    Attributes
    ----------
    crew_time_s : float
        Flights + swaps + driving and set-up at every new station (a one-way flight counts
        the longer of the flight and the crew's move to its landing station). [s]
    drive_m : float
        Road distance driven. [m]
    moves : int
        Moves to another station.
    drive_before_m : tuple of float
        Road distance driven before each flight. [m]
    """

    crew_time_s: float
    drive_m: float
    moves: int
    drive_before_m: tuple[float, ...]


def crew_schedule(
    chosen: list[Flight], sorties: list[Sortie], drive: np.ndarray, params: PowerlineParams
) -> CrewSchedule:
    """Crew time, driving and moves of the flights in order (``drive``: straight-line
    distances between stations [m], times ``road_factor`` on the road)."""
    prev_land: int | None = None
    drive_total = 0.0
    crew_time = 0.0
    moves = 0
    before = []
    for (_li, _a, _b, s1, s2, _rev), sortie in zip(chosen, sorties, strict=True):
        d_before = 0.0 if prev_land is None else drive[prev_land, s1] * params.road_factor
        if d_before > 0:
            moves += 1
        d_during = drive[s1, s2] * params.road_factor
        if d_during > 0:
            moves += 1
        v = params.drive_speed_kmh / 3.6
        setup = params.setup_time_s
        crew_time += (d_before / v + setup if d_before > 0 else 0.0) + max(
            sortie.time_s, d_during / v + setup if d_during > 0 else 0.0
        )
        crew_time += params.swap_time_s
        drive_total += d_before + d_during
        prev_land = s2
        before.append(float(d_before))
    return CrewSchedule(crew_time, drive_total, moves, tuple(before))


def flight_reports(
    plans: list[LinePlan],
    chosen: list[Flight],
    sorties: list[Sortie],
    photos: list[int],
    items: list[int],
    crew: CrewSchedule,
    towers_mode: bool,
) -> list[FlightReport]:
    """The figures of every flight."""
    reports = []
    for k, ((li, a, b, s1, s2, _rev), sortie) in enumerate(zip(chosen, sorties, strict=True)):
        ln = plans[li].line
        n_tw = b - a + (1 if b == ln.n - 1 else 0)
        reports.append(
            FlightReport(
                sortie=sortie.index,
                line_id=ln.line_id,
                first_tower=ln.towers[a].id,
                last_tower=ln.towers[b].id,
                line_km=float(ln.span_length_m[a:b].sum()) / 1000.0,
                spans=b - a,
                towers=n_tw if towers_mode else 0,
                photos=photos[k],
                flight_time_s=sortie.time_s,
                energy_wh=sortie.energy_wh,
                battery_frac=sortie.battery_frac,
                takeoff_station=s1,
                landing_station=s2,
                drive_before_m=crew.drive_before_m[k],
                mission_items=items[k],
            )
        )
    return reports


def powerline_mission(
    problem: PowerlineProblem,
    ac: Aircraft,
    sorties: list[Sortie],
    stations: np.ndarray,
    ground: np.ndarray,
    fence,
    cruise_speed_mps: float,
) -> Mission:
    """The mission of the flights, with the geofence (the right-of-way and access lanes,
    else the hull of the flights and stations grown by 20 m) less the no-fly zones, and
    altitudes above each flight's take-off station."""
    if fence is None:
        pts = np.vstack([s.xy_m for s in sorties])
        fence = shapely.convex_hull(shapely.multipoints(np.vstack([pts, stations]))).buffer(20.0)
    if problem.no_fly is not None and not problem.no_fly.is_empty:
        # no-fly zones inside the fence become exclusion polygons (holes) of the .plan fence
        cut = shapely.difference(fence, problem.no_fly)
        if cut.geom_type == "Polygon" and not cut.is_empty:
            fence = cut
    return Mission.flown_by(
        ac,
        name=problem.name,
        frame=problem.frame,
        sorties=tuple(sorties),
        stations=tuple(map(tuple, stations.tolist())),
        home_amsl_m=problem.datum_amsl_m + float(ground[0]),
        geofence=fence,
        features=problem.features,
        kind="powerline",
        cruise_speed_mps=cruise_speed_mps,
    )
