"""Split a planned work path into sorties by payload and battery: shared by field planners.

A planner describes its work as a :class:`WorkPath`: a polyline in the local frame whose
segments either work (spray, spread, photograph) or not (turns, detours), and how much
payload each segment uses.  :func:`split_sorties` cuts it into sorties.  Each sortie takes
off from its station, flies to where the last sortie stopped, works, then lands at the
nearest station; the next sortie resumes exactly there.

Where to stop is chosen to make the whole job short, not each sortie long.  From every
resume point the farthest feasible stop is found (payload used up, or the energy to fly
home and land would eat into the reserve); every end of a working run before it (a line
end, where a stop costs no extra turn) and that farthest point are candidate stops.  A
shortest-path search over resume points then picks the stops that minimise the job's time:
ferries out and back (routed around obstacles when the planner gives a router), work,
climbs and descents, plus a fixed time per sortie for refill or battery swap.  So a sortie
may stop at the end of a line near the station rather than in the middle of the next line
far from it.  Each sortie loads just the payload its own work uses (at most a full load),
which also makes it lighter.

Cost: energies are priced for a window of segments at once, the window doubling until the
sortie's end falls inside it, so each reach costs time in proportion to the sortie's length;
the search prices one reach per resume point, about two per working run.  A sortie never
ends during a non-working segment; inside a working one it ends at the last point that
still allows the flight home, found on two nested grids of 257 fractions (under 1 cm on a
500 m line).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from airwork.aircraft.model import Aircraft
from airwork.errors import InfeasibleMissionError
from airwork.flight.conditions import Conditions
from airwork.flight.kinematics import (
    CLIMB_SPEED_MPS,
    DESCENT_SPEED_MPS,
)
from airwork.mission.build import SortieBuilder
from airwork.mission.model import Action, LegKind, Sortie

__all__ = ["LOAD_STEPS", "SortieSettings", "WorkPath", "split_sorties"]

LOAD_STEPS = (1.0, 0.75, 0.5, 0.3, 0.15)
_REPLAN_TRIES = 12
"""Shares of a full load tried, in turn, when a full load cannot reach the next work."""

Route = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``route(a_xy, b_xy) -> (k, 2)`` vertices from a to b (obstacle-avoiding transits)."""

RouteLengths = Callable[[np.ndarray, np.ndarray], np.ndarray]
"""``lengths(a (n, 2), b (m, 2)) -> (n, m)`` routed transit lengths (or costs). [m]"""


@dataclass(frozen=True)
class WorkPath:
    """The work of a job as one polyline.

    Attributes
    ----------
    points_m : (n + 1, 2) ndarray
        Vertices in the local frame. [m]
    working : (n,) ndarray of bool
        Whether the payload system works along each segment.
    payload_used_kg : (n,) ndarray
        Payload sprayed or dropped along each segment. [kg]
    """

    points_m: np.ndarray
    working: np.ndarray
    payload_used_kg: np.ndarray

    def __post_init__(self) -> None:
        n = len(self.points_m) - 1
        if n < 1 or len(self.working) != n or len(self.payload_used_kg) != n:
            raise ValueError(
                f"work path: {len(self.points_m)} points need {n} flags and payload values, "
                f"got {len(self.working)} and {len(self.payload_used_kg)}"
            )

    @property
    def segment_lengths_m(self) -> np.ndarray:
        return np.hypot(*np.diff(self.points_m, axis=0).T)


@dataclass(frozen=True)
class SortieSettings:
    """How sorties fly their work.

    Attributes
    ----------
    work_speed_mps, transit_speed_mps : float
        [m/s]
    work_height_m, transit_height_m : float
        Above take-off. [m]
    on_actions, off_actions : tuple of Action
        Run where a working run starts and ends (spray on/off, camera trigger on/off).
    flag : str
        ``"spraying"`` or ``"camera"``: which leg flag working segments set.
    route : callable or None
        Obstacle-avoiding transit router; straight lines when None.
    route_lengths : callable or None
        Lengths of ``route`` between many points at once, used to choose stops and landing
        stations; straight-line distances when None.
    sortie_overhead_s : float
        Ground time each sortie adds (refill, battery swap), weighed when choosing stops. [s]
    """

    work_speed_mps: float
    transit_speed_mps: float
    work_height_m: float
    transit_height_m: float
    on_actions: tuple[Action, ...] = ()
    off_actions: tuple[Action, ...] = ()
    flag: str = "spraying"
    route: Route | None = None
    route_lengths: RouteLengths | None = None
    sortie_overhead_s: float = 0.0


class _Prices:
    """The aircraft model's energies at the splitter's fixed speeds, tabulated against payload.

    Electrical power grows convexly with mass (induced power goes as mass to the 1.5 in
    hover and roughly its square in forward flight, Leishman 2006, eqs. 2.18 and 5.18), so
    linear interpolation between 65 tabulated payloads never prices a leg below the model:
    sorties planned on these prices fit the exact ones of :class:`SortieBuilder`.  A look-up
    costs microseconds where a model call costs about 0.1 ms.
    """

    def __init__(
        self,
        ac: Aircraft,
        s: SortieSettings,
        max_payload_kg: float,
        transit_factor: float = 1.0,
        conditions: Conditions | None = None,
    ):
        self.transit_factor = transit_factor
        self.kg = np.linspace(0.0, max(float(max_payload_kg), 1e-3), 65)
        kg = self.kg
        self.w_work = ac.forward_power_w(kg, s.work_speed_mps, working=True)
        self.w_idle = ac.forward_power_w(kg, s.work_speed_mps, working=False)
        self.w_transit = ac.forward_power_w(kg, s.transit_speed_mps)
        one_up = ac.leg_performance(
            0.0, s.transit_speed_mps, kg, climb_m=1.0, vertical_speed_mps=CLIMB_SPEED_MPS
        )
        one_down = ac.leg_performance(
            0.0, s.transit_speed_mps, kg, climb_m=-1.0, vertical_speed_mps=DESCENT_SPEED_MPS
        )
        self.wh_up_per_m = one_up.energy_wh
        self.wh_down_per_m = one_down.energy_wh
        self.w_hover_work = ac.hover_power_w(kg, working=True)
        self.w_hover_idle = ac.hover_power_w(kg)
        # a sortie's transits start and end at rest, and it is taken to stop where its work
        # starts and ends: the time that costs as the autopilot flies it, each way (a
        # transit from rest to rest, half a work leg's)
        cond = conditions if conditions is not None else Conditions(ac)
        self.stops_s = _stop_time_s(cond, s.transit_speed_mps) + 0.5 * _stop_time_s(
            cond, s.work_speed_mps
        )

    def stops_wh(self, payload_kg) -> np.ndarray:
        """Energy of the stops of one way out or home (:attr:`stops_s`, hover power). [Wh]"""
        return np.interp(payload_kg, self.kg, self.w_hover_idle) * self.stops_s / 3600.0

    def corners_wh(self, corner_s, payload_kg, working) -> np.ndarray:
        """Energy of the time lost at corners, at hover power. [Wh]"""
        w = np.where(
            working,
            np.interp(payload_kg, self.kg, self.w_hover_work),
            np.interp(payload_kg, self.kg, self.w_hover_idle),
        )
        return w * np.asarray(corner_s, dtype=float) / 3600.0

    def vertical_wh(self, dz_m: float, payload_kg) -> np.ndarray:
        """Energy to change altitude by ``dz_m`` (positive up). [Wh]"""
        table = self.wh_up_per_m if dz_m > 0 else self.wh_down_per_m
        return abs(dz_m) * np.interp(payload_kg, self.kg, table)

    def transit_wh(self, distance_m, payload_kg, speed_mps: float) -> np.ndarray:
        """Energy of level transit legs (the worst wind direction). [Wh]"""
        w = np.interp(payload_kg, self.kg, self.w_transit) * self.transit_factor
        return w * np.asarray(distance_m, dtype=float) / speed_mps / 3600.0

    def work_wh(self, distance_m, payload_kg, working, speed_mps: float) -> np.ndarray:
        """Energy of work-height legs, payload system on where ``working``. [Wh]"""
        w = np.where(
            working,
            np.interp(payload_kg, self.kg, self.w_work),
            np.interp(payload_kg, self.kg, self.w_idle),
        )
        return w * np.asarray(distance_m, dtype=float) / speed_mps / 3600.0


def _stop_time_s(cond: Conditions, speed_mps: float) -> float:
    """Time a long level leg flown from rest to rest takes beyond its length over its speed:
    speeding up and braking as the autopilot does. [s]"""
    length = 50.0 * max(speed_mps, 1.0) ** 2
    xyz = np.array([[0.0, 0.0, 10.0], [length, 0.0, 10.0]])
    return float(cond.extra_time_s(xyz, [speed_mps], [0.0])[0])


class _Splitter:
    def __init__(
        self,
        ac: Aircraft,
        path: WorkPath,
        stations: np.ndarray,
        settings: SortieSettings,
        name: str,
        conditions: Conditions,
    ):
        self.ac, self.s, self.name, self.cond = ac, settings, name, conditions
        self.pts = np.asarray(path.points_m, dtype=float)
        self.working = np.asarray(path.working, dtype=bool)
        self.seg_kg = np.asarray(path.payload_used_kg, dtype=float)
        self.seg_len = path.segment_lengths_m
        self.stations = stations
        self.n = len(self.seg_len)
        self.prices: _Prices | None = None
        # time each segment loses to the corners at its ends (the path starts and ends at
        # rest, which the stops of every sortie's way out and home bound)
        v = np.full(self.n, settings.work_speed_mps)
        xyz = np.column_stack([self.pts, np.full(len(self.pts), settings.work_height_m)])
        self.corner_s = conditions.extra_time_s(xyz, v, np.zeros(self.n))
        # the wind: each segment's forward power over calm power, and the worst direction
        # for transits of any direction (Conditions.power_factor)
        self.seg_factor = np.ones(self.n)
        self.transit_factor = 1.0
        if not conditions.calm:
            d = np.diff(self.pts, axis=0)
            mid = 0.5 * ac.max_payload_kg
            self.seg_factor = np.asarray(
                conditions.power_factor(
                    d[:, 0], d[:, 1], settings.work_speed_mps, mid, settings.work_height_m
                ),
                dtype=float,
            )
            self.transit_factor = conditions.worst_power_factor(
                settings.transit_speed_mps, mid, settings.transit_height_m
            )

    def price(self, capacity_kg: float) -> None:
        """Tabulate energies for loads up to ``capacity_kg``."""
        self.prices = _Prices(self.ac, self.s, capacity_kg, self.transit_factor, self.cond)

    def point_at(self, k: int, f) -> np.ndarray:
        f = np.asarray(f, dtype=float)
        return self.pts[k] + f[..., None] * (self.pts[k + 1] - self.pts[k])

    def home_energy(self, xy: np.ndarray, payload: np.ndarray, d=None) -> np.ndarray:
        """Energy to fly from points straight to their nearest station (or over distances
        ``d``) and land. [Wh]"""
        s, pr = self.s, self.prices
        if d is None:
            d = np.hypot(
                self.stations[None, :, 0] - xy[:, None, 0],
                self.stations[None, :, 1] - xy[:, None, 1],
            ).min(axis=1)
        return (
            pr.vertical_wh(s.transit_height_m - s.work_height_m, payload)
            + pr.transit_wh(d, payload, s.transit_speed_mps)
            + pr.vertical_wh(-s.transit_height_m, payload)
            + pr.stops_wh(payload)
        )

    def reach(
        self, pos: tuple[int, float], station: np.ndarray, load: float, budget: float
    ) -> tuple[int, float] | None:
        """Where a sortie with ``load`` from ``station`` must stop; None if nowhere."""
        s, pr, (k0, f0) = self.s, self.prices, pos
        start = self.point_at(k0, f0)
        e_out = float(
            pr.vertical_wh(s.transit_height_m, load)
            + pr.transit_wh(np.hypot(*(start - station)), load, s.transit_speed_mps)
            + pr.vertical_wh(s.work_height_m - s.transit_height_m, load)
            + pr.stops_wh(load)
        )
        window = 32
        while True:
            k = np.arange(k0, min(k0 + window, self.n))
            share = np.ones(len(k))
            share[0] = 1.0 - f0
            lens, kgs = self.seg_len[k] * share, self.seg_kg[k] * share
            cum_kg = np.cumsum(kgs)
            p_end = load - cum_kg
            mean_p = np.clip(p_end + 0.5 * kgs, 0.0, None)
            e_seg = pr.work_wh(lens, mean_p, self.working[k], s.work_speed_mps) * self.seg_factor[k]
            e_seg = e_seg + pr.corners_wh(self.corner_s[k], mean_p, self.working[k])
            cum_e = e_out + np.cumsum(e_seg)
            e_home = self.home_energy(self.pts[k + 1], np.clip(p_end, 0.0, None))
            bad = np.flatnonzero((cum_e + e_home > budget) | (cum_kg > load + 1e-9))
            if len(bad) or k[-1] == self.n - 1:
                break
            window *= 2
        # energy used and payload left at each priced segment end, for other landings
        self.profile = (k, cum_e, np.clip(p_end, 0.0, None))
        if not len(bad):
            return self.n - 1, 1.0
        j = int(bad[0])  # first segment (relative) that cannot be completed
        seg = k0 + j
        f_start = f0 if j == 0 else 0.0
        if self.working[seg]:
            base_e = cum_e[j - 1] if j > 0 else float(e_out)
            base_kg = cum_kg[j - 1] if j > 0 else 0.0

            def ok(f: np.ndarray) -> np.ndarray:
                kg = self.seg_kg[seg] * (f - f_start)
                p = np.maximum(load - base_kg - kg, 0.0)
                mean_p = 0.5 * (load - base_kg + p)
                e = base_e + self.seg_factor[seg] * pr.work_wh(
                    self.seg_len[seg] * (f - f_start), mean_p, True, s.work_speed_mps
                )
                e = e + pr.corners_wh(self.corner_s[seg], mean_p, True)
                e = e + self.home_energy(self.point_at(seg, f), p)
                return (base_kg + kg <= load + 1e-9) & (e <= budget)

            f_best = _last_feasible_fraction(ok, f_start)
        else:
            f_best = f_start  # never stop between working runs: stop at the previous one
        if f_best - f_start > 1e-6:
            return seg, f_best
        if j == 0:
            return None
        return seg - 1, 1.0

    def transit(self, b: SortieBuilder, to_xy: np.ndarray, alt_m: float, kind: LegKind) -> None:
        s = self.s
        a = np.array([b.last.x_m, b.last.y_m])
        via = s.route(a, np.asarray(to_xy, dtype=float)) if s.route is not None else None
        if via is not None and len(via) > 2:
            for x, y in via[1:-1]:
                b.goto(x, y, s.transit_height_m, kind=kind, speed_mps=s.transit_speed_mps)
        b.goto(to_xy[0], to_xy[1], alt_m, kind=kind, speed_mps=s.transit_speed_mps)

    def ferry_lengths(self, xy: np.ndarray) -> np.ndarray:
        """(m, stations) transit lengths from points to every station. [m]"""
        xy = np.asarray(xy, dtype=float).reshape(-1, 2)
        if self.s.route_lengths is not None:
            return np.asarray(self.s.route_lengths(xy, self.stations), dtype=float)
        return np.hypot(
            xy[:, None, 0] - self.stations[None, :, 0], xy[:, None, 1] - self.stations[None, :, 1]
        )

    def landing_station(self, xy: np.ndarray) -> int:
        return int(np.argmin(self.ferry_lengths(xy)[0]))

    def build(
        self, pos, stop, station_i: int, load: float, index: int, land_i: int | None = None
    ) -> tuple[Sortie, float, int]:
        """Fly from ``pos`` to ``stop``: the priced sortie, payload used, landing station
        (the nearest by transit length unless ``land_i`` is given)."""
        s = self.s
        st = self.stations[station_i]
        b = SortieBuilder(
            self.ac, (float(st[0]), float(st[1])), s.transit_height_m, load, conditions=self.cond
        )
        self.transit(b, self.point_at(*pos), s.work_height_m, LegKind.TRANSIT)
        payload, used = load, 0.0
        for k in range(pos[0], stop[0] + 1):
            f_from = pos[1] if k == pos[0] else 0.0
            f_to = stop[1] if k == stop[0] else 1.0
            if f_to - f_from <= 1e-12:
                continue
            p = self.point_at(k, f_to)
            kg = self.seg_kg[k] * (f_to - f_from)
            if self.working[k]:
                starts_run = k == pos[0] or not self.working[k - 1]
                ends_run = k == stop[0] or k + 1 >= self.n or not self.working[k + 1]
                if starts_run:
                    b.add_actions(*s.on_actions)
                b.goto(
                    p[0],
                    p[1],
                    s.work_height_m,
                    kind=LegKind.WORK,
                    speed_mps=s.work_speed_mps,
                    payload_end_kg=payload - kg,
                    **{s.flag: True},
                    actions=s.off_actions if ends_run else (),
                )
            else:
                b.goto(p[0], p[1], s.work_height_m, kind=LegKind.WORK, speed_mps=s.work_speed_mps)
            payload -= kg
            used += kg
        if land_i is None:
            land_i = self.landing_station(self.point_at(*stop))
        self.transit(b, self.stations[land_i], s.transit_height_m, LegKind.RETURN)
        b.land(*self.stations[land_i])
        return b.build(index, station_index=station_i, landing_station_index=land_i), used, land_i


def split_sorties(
    aircraft: Aircraft,
    path: WorkPath,
    stations: np.ndarray,
    capacity_kg: float,
    settings: SortieSettings,
    *,
    name: str = "job",
    conditions: Conditions | None = None,
) -> tuple[Sortie, ...]:
    """Cut a work path into priced sorties that each fit payload and battery with reserve.

    Parameters
    ----------
    aircraft : Aircraft
    path : WorkPath
    stations : (m, 2) array
        Take-off / landing / reload points; the first sortie starts at the first. [m]
    capacity_kg : float
        Largest load per sortie. [kg]
    settings : SortieSettings
    name : str
        For messages.
    conditions : Conditions, optional
        The flight model with the wind (calm air when None); sorties are split on energies
        scaled by each segment's wind power factor and priced exactly by the builder.

    Returns
    -------
    tuple of Sortie
        Numbered from 1; each sortie's energy is at most the aircraft's usable energy less
        its reserve (routed transits that come out longer than the straight-line estimate
        tighten that sortie's budget and it is planned again).

    Raises
    ------
    InfeasibleMissionError
        Even the smallest load cannot reach the next work and come back.
    """
    cond = Conditions(aircraft) if conditions is None else conditions.with_aircraft(aircraft)
    st = np.asarray(stations, dtype=float).reshape(-1, 2)
    sp = _Splitter(aircraft, path, st, settings, name, cond)
    sp.price(capacity_kg)
    budget = aircraft.mission_energy_wh
    longest: list[Sortie] = []
    _greedy(sp, (0, 0.0), 0, capacity_kg, budget, longest)  # raises when none can fly
    plan = _choose_stops(sp, capacity_kg, budget)
    if plan is None:
        return tuple(longest)
    chosen: list[Sortie] = []
    for pos, stop, st_i, load, land_i in plan:
        sortie, _used, land_i = sp.build(pos, stop, st_i, load, len(chosen) + 1, land_i)
        if sortie.energy_wh > budget:  # a routed transit came out longer than priced
            _greedy(sp, pos, st_i, capacity_kg, budget, chosen)
            break
        chosen.append(sortie)

    def job_s(sorties: list[Sortie]) -> float:
        return sum(x.time_s for x in sorties) + settings.sortie_overhead_s * len(sorties)

    # the search works on estimates: keep whichever plan is really faster
    return tuple(chosen if job_s(chosen) <= job_s(longest) else longest)


def _resume(sp: _Splitter, stop: tuple[int, float]) -> tuple[int, float]:
    """Where the sortie after one that stopped at ``stop`` starts working."""
    pos = (stop[0] + 1, 0.0) if stop[1] >= 1.0 - 1e-12 else stop
    while pos[0] < sp.n and not sp.working[pos[0]] and pos[1] == 0.0:
        pos = (pos[0] + 1, 0.0)  # the next sortie starts on a working run
    return pos


def _reach_any_load(
    sp: _Splitter, pos: tuple[int, float], station_i: int, full: float, limit: float
) -> tuple[tuple[int, float] | None, float]:
    """The farthest stop from ``pos`` with the largest load of :data:`LOAD_STEPS` that can
    reach the work, and that load; ``(None, 0)`` when none can."""
    for share in LOAD_STEPS:
        load = full * share
        stop = sp.reach(pos, sp.stations[station_i], load, limit)
        if stop is not None:
            return stop, load
    return None, 0.0


PRUNE = True


def _choose_stops(
    sp: _Splitter, capacity_kg: float, budget: float
) -> list[tuple[tuple[int, float], tuple[int, float], int, float, int]] | None:
    """Stops that minimise the job's time: a shortest-path search over resume points.

    Returns one ``(start, stop, station, load, landing station)`` per sortie, or None when
    no sequence of sorties reaches the end of the work (the greedy split then reports why).
    """
    s, n = sp.s, sp.n
    cum_kg = np.concatenate([[0.0], np.cumsum(sp.seg_kg)])
    cum_t = np.concatenate([[0.0], np.cumsum(sp.seg_len / s.work_speed_mps + sp.corner_s)])
    total_kg = float(cum_kg[-1])

    def along(arr: np.ndarray, pos: tuple[int, float]) -> float:
        k, f = pos
        return float(arr[k] + f * (arr[k + 1] - arr[k])) if k < n else float(arr[-1])

    dz = abs(s.transit_height_m - s.work_height_m)
    fixed_s = (
        s.transit_height_m / CLIMB_SPEED_MPS
        + dz / DESCENT_SPEED_MPS
        + dz / CLIMB_SPEED_MPS
        + s.transit_height_m / DESCENT_SPEED_MPS
        + s.sortie_overhead_s
        + 2.0 * sp.prices.stops_s
    )
    run_end = np.flatnonzero(sp.working & np.r_[~sp.working[1:], True]) if n else np.array([])
    end_xy = sp.pts[run_end + 1] if len(run_end) else np.zeros((0, 2))
    end_ferry = sp.ferry_lengths(end_xy) if len(end_xy) else np.zeros((0, len(sp.stations)))
    ferry_cache: dict[tuple[int, float], np.ndarray] = {
        (int(k), 1.0): end_ferry[i] for i, k in enumerate(run_end)
    }

    def ferry(pos: tuple[int, float]) -> np.ndarray:
        if pos not in ferry_cache:
            ferry_cache[pos] = sp.ferry_lengths(sp.point_at(*pos))[0]
        return ferry_cache[pos]

    start = ((0, 0.0), 0)
    best: dict = {start: (0.0, None, None)}
    heap: list = [(0, 0.0, 0)]
    done: set = set()
    final: tuple[float, tuple | None, tuple | None] = (np.inf, None, None)
    # a resume point's "lag": time so far plus the ferry out to it, less the work done by
    # then; one that another resume point at or beyond it beats on lag is not expanded
    pending: dict = {}
    while heap:
        k, f, st = heapq.heappop(heap)
        state = ((k, f), st)
        if state in done:
            continue
        done.add(state)
        pending.pop(state, None)
        pos, cost = (k, f), best[state][0]
        lag = cost + ferry(pos)[st] / s.transit_speed_mps - along(cum_t, pos)
        if PRUNE and any(v < lag - 1e-6 and (p[0][0], p[0][1]) >= pos for p, v in pending.items()):
            continue
        need = total_kg - along(cum_kg, pos)
        full = min(capacity_kg, need) if need > 1e-9 else 0.0
        reach, load_cap = _reach_any_load(sp, pos, st, full, budget)
        if reach is None:
            continue
        out_s = cost + fixed_s + ferry(pos)[st] / s.transit_speed_mps - along(cum_t, pos)
        here, far = k + f, reach[0] + reach[1]
        ends = run_end[(run_end + 1 > here + 1e-9) & (run_end + 1 <= far + 1e-9)]
        stops = [(int(e), 1.0) for e in ends]
        if not stops or stops[-1] != reach:
            stops.append(reach)
        win_k, win_e, win_p = sp.profile
        for stop in stops:
            back = ferry(stop)
            lands = [int(np.argmin(back))]
            i = stop[0] - win_k[0]
            if stop[1] == 1.0 and 0 <= i < len(win_k) and len(back) > 1:
                # any station the battery reaches from here may be the best to land at:
                # the next sortie takes off from it
                e_home = sp.home_energy(None, np.full(len(back), win_p[i]), back)
                lands = [int(j) for j in np.flatnonzero(win_e[i] + e_home <= budget)] or lands
            kg = along(cum_kg, stop) - along(cum_kg, pos)
            load = min(load_cap, kg * (1.0 + 1e-9) + 1e-9) if load_cap > 0 else 0.0
            nxt = _resume(sp, stop)
            for land in lands:
                t = out_s + along(cum_t, stop) + back[land] / s.transit_speed_mps
                step = (pos, stop, st, load, land)
                if nxt[0] >= n:
                    if t < final[0]:
                        final = (t, state, step)
                    continue
                key = (nxt, land)
                if key not in best or t < best[key][0] - 1e-9:
                    best[key] = (t, state, step)
                    heapq.heappush(heap, (nxt[0], nxt[1], land))
                    pending[key] = t + ferry(nxt)[land] / s.transit_speed_mps - along(cum_t, nxt)
    if final[1] is None:
        return None
    plan = [final[2]]
    state = final[1]
    while best[state][1] is not None:
        plan.append(best[state][2])
        state = best[state][1]
    return plan[::-1]


def _greedy(
    sp: _Splitter,
    pos: tuple[int, float],
    station_i: int,
    capacity_kg: float,
    budget: float,
    out: list[Sortie],
) -> None:
    """Sorties that each go as far as they can, from ``pos`` to the end, appended to ``out``;
    a sortie whose routed transits come out longer than priced is planned again shorter."""
    ac, name = sp.ac, sp.name
    total_kg = float(np.sum(sp.seg_kg))
    used_kg = float(np.sum(sp.seg_kg[: pos[0]])) + (
        float(sp.seg_kg[pos[0]]) * pos[1] if pos[0] < sp.n else 0.0
    )
    while pos[0] < sp.n:
        need = total_kg - used_kg
        full = min(capacity_kg, need) if need > 1e-9 else 0.0
        limit = budget
        for _attempt in range(_REPLAN_TRIES):
            stop, load = _reach_any_load(sp, pos, station_i, full, limit)
            if stop is None:
                p = sp.point_at(*pos)
                raise InfeasibleMissionError(
                    f"{name}: aircraft '{ac.name}' cannot fly from station "
                    f"{station_i + 1} to the work at (x={p[0]:.1f} m, y={p[1]:.1f} m), work and "
                    f"return within its battery ({budget:.0f} Wh usable less reserve), even "
                    f"with {LOAD_STEPS[-1] * 100:.0f} % of a load"
                )
            sortie, used, land_i = sp.build(pos, stop, station_i, load, len(out) + 1)
            excess = sortie.energy_wh - budget
            if excess <= 0.0:
                break
            # routed transits, the wind or the stop at the cut made it longer than priced:
            # plan shorter, by more each time, so a sortie far off its estimate converges
            limit -= (1.5 * excess + 2e-3 * budget) * 2.0**_attempt
        else:
            raise InfeasibleMissionError(
                f"sortie {len(out) + 1}: needs {sortie.energy_wh:.0f} Wh, usable battery less "
                f"reserve is {budget:.0f} Wh (aircraft '{ac.name}')"
            )
        used_kg += used
        out.append(sortie)
        station_i = land_i
        pos = _resume(sp, stop)


def _last_feasible_fraction(ok, f0: float, points: int = 257, passes: int = 2) -> float:
    """Largest fraction in [f0, 1] before the first infeasible one, found on ``passes``
    nested grids of ``points`` values (vectorised ``ok(fractions) -> bool array``)."""
    lo, hi = f0, 1.0
    for _ in range(passes):
        grid = np.linspace(lo, hi, points)
        good = ok(grid)
        if not good[0]:
            return float(lo)
        if good.all():
            return float(hi)
        i = int(np.argmin(good))  # first infeasible
        lo, hi = grid[i - 1], grid[i]
    return float(lo)
