"""Which flights to fly: a dynamic programme over (tower, crew station) of least crew time.

A flight does every pass over spans ``[a, b)``.  Forward, it enters the first pass at
tower ``a``; with an even number of passes it may also be *reversed*: enter the last pass
at ``b``, fly the passes in reverse order and leave at ``b`` (pass directions, and so the
pieces, are the same).  Its energy and time are sums of the prices of its pieces
(:mod:`.lineplan`), prefix sums along the line.  The crew time of a flight is

``drive to s1 + set-up + swap + max(flight time, drive s1 -> s2 + set-up)``

(straight-line distance times the road factor at the driving speed, set-up only for a
move), and ``cost[b, s2]``, the least crew time to cover the spans before tower ``b`` ending
at station ``s2``, is relaxed from every ``cost[a, s]`` with every flight ``[a, b)`` within
the battery less reserve.  Ranges and stations that cannot fit the battery are pruned
exactly (the cheapest entry and exit bound every choice).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from airwork.errors import InfeasibleMissionError
from airwork.planners.powerline.lineplan import LinePlan
from airwork.planners.powerline.problem import PowerlineParams

__all__ = ["Flight", "choose_flights"]

Flight = tuple[int, int, int, int, int, bool]
"""``(line index, first tower a, last tower b, take-off station, landing station,
reversed)``."""


def choose_flights(
    plans: list[LinePlan], drive: np.ndarray, emax_wh: float, params: PowerlineParams, name: str
) -> list[Flight]:
    """The flights of least crew time over every line, line after line (the crew carried
    over from one line's last station to the next line).  ``drive`` are the straight-line
    distances between stations [m], ``emax_wh`` the energy a flight may use [Wh].

    Raises
    ------
    InfeasibleMissionError
        A span no flight from any station can cover, naming it.
    """
    init = np.zeros(len(drive))
    chosen: list[Flight] = []
    for li, lp in enumerate(plans):
        search = _FlightSearch.for_line(lp, drive, emax_wh, params)
        flights, final = search.run(init, name)
        chosen += [(li, *f) for f in flights]
        init = final
    return chosen


def _overhead(lp: LinePlan, t_from: np.ndarray, t_to: np.ndarray, what: str) -> np.ndarray:
    """Cost of the overhead track between towers (broadcast arrays)."""
    fe = np.concatenate([[0.0], np.cumsum(lp.over_fe if what == "e" else lp.over_ft)])
    be = np.concatenate([[0.0], np.cumsum(lp.over_be if what == "e" else lp.over_bt)])
    fwd = fe[np.maximum(t_to, t_from)] - fe[t_from]
    bwd = be[np.maximum(t_from, t_to)] - be[t_to]
    return np.where(t_to >= t_from, fwd, bwd)


def _directions(lp: LinePlan) -> list[dict]:
    """Per direction of flight (forward; reversed with an even pass count): entry (m, n) at
    the entry tower and exit (m, n) at the exit tower, from and to every station (energy,
    time), the turn costs at b and at a, and whether entry / exit are at a or b."""
    n, P = lp.line.n, len(lp.passes)
    t_s, ue, ut, de, dt, _vias, up_n, down_n = lp.access
    towers = np.arange(n)
    hops_in = np.abs(t_s[:, None] - towers[None, :])  # overhead pieces, one item each
    ov_in_e = _overhead(lp, t_s[:, None], towers[None, :], "e")
    ov_in_t = _overhead(lp, t_s[:, None], towers[None, :], "t")
    ov_out_e = _overhead(lp, towers[None, :], t_s[:, None], "e")
    ov_out_t = _overhead(lp, towers[None, :], t_s[:, None], "t")
    even = np.arange(P - 1) % 2 == 0

    def tsum(arr, mask):
        return arr[:-1][mask].sum(axis=0) if P > 1 else np.zeros(n)

    dirs = [
        dict(
            ent=(ue[:, None] + ov_in_e + lp.in_e[None, :], ut[:, None] + ov_in_t + lp.in_t),
            ext=(lp.out_e[None, :] + ov_out_e + de[:, None], lp.out_t + ov_out_t + dt[:, None]),
            tb=(tsum(lp.turn_e, even), tsum(lp.turn_t, even)),  # after forward passes
            ta=(tsum(lp.turn_e, ~even), tsum(lp.turn_t, ~even)),
            ent_n=up_n[:, None] + hops_in + lp.in_n[None, :],
            ext_n=lp.out_n[None, :] + hops_in + down_n[:, None],
            tb_n=tsum(lp.turn_n, even),
            ta_n=tsum(lp.turn_n, ~even),
            enter_b=False,
            exit_b=P % 2 == 1,
        )
    ]
    if P % 2 == 0:
        dirs.append(
            dict(
                ent=(
                    ue[:, None] + ov_in_e + lp.in_rev_e[None, :],
                    ut[:, None] + ov_in_t + lp.in_rev_t,
                ),
                ext=(
                    lp.out_rev_e[None, :] + ov_out_e + de[:, None],
                    lp.out_rev_t + ov_out_t + dt[:, None],
                ),
                # reversed: the turn from pass j + 1 to pass j is at a for even j
                tb=(tsum(lp.rev_turn_e, ~even), tsum(lp.rev_turn_t, ~even)),
                ta=(tsum(lp.rev_turn_e, even), tsum(lp.rev_turn_t, even)),
                ent_n=up_n[:, None] + hops_in + lp.in_rev_n[None, :],
                ext_n=lp.out_rev_n[None, :] + hops_in + down_n[:, None],
                tb_n=tsum(lp.rev_turn_n, ~even),
                ta_n=tsum(lp.rev_turn_n, even),
                enter_b=True,
                exit_b=True,
            )
        )
    return dirs


@dataclass
class _FlightSearch:
    """The dynamic programme over one line: ``cost[b, s]`` [s] and its back pointers."""

    lp: LinePlan
    drive_t: np.ndarray  # (m, m) crew move between stations, set-up included [s]
    swap_s: float
    emax_wh: float  # energy a flight may use [Wh]
    lim_wh: float  # the same, less a rounding margin [Wh]
    we: np.ndarray  # prefix sums of the span pieces' energy over all passes [Wh]
    wt: np.ndarray  # ... and time [s]
    endv_e: float  # vantages of the last tower, all passes [Wh]
    endv_t: float  # [s]
    dirs: list[dict]
    wn: np.ndarray  # prefix sums of the span pieces' mission items over all passes
    endv_n: float  # mission items of the last tower's vantages
    fixed_n: float  # items of every flight: home, take-off, landing, speed changes
    max_n: float  # most mission items a flight may have (inf: no limit)

    @classmethod
    def for_line(cls, lp: LinePlan, drive, emax, params: PowerlineParams) -> _FlightSearch:
        v = params.drive_speed_kmh / 3.6
        drive_t = drive * params.road_factor / v + np.where(drive > 0, params.setup_time_s, 0.0)
        return cls(
            lp=lp,
            drive_t=drive_t,
            swap_s=params.swap_time_s,
            emax_wh=emax,
            lim_wh=emax * (1 - 1e-9),
            we=np.concatenate([[0.0], np.cumsum(lp.span_e.sum(axis=0))]),
            wt=np.concatenate([[0.0], np.cumsum(lp.span_t.sum(axis=0))]),
            endv_e=float(lp.endv_e.sum()),
            endv_t=float(lp.endv_t.sum()),
            dirs=_directions(lp),
            wn=np.concatenate([[0.0], np.cumsum(lp.span_n.sum(axis=0))]),
            endv_n=float(lp.endv_n.sum()),
            # home, take-off, landing, the first speed, into and out of every fast pass
            fixed_n=4.0 + 2.0 * lp.fast_passes,
            max_n=math.inf if params.max_mission_items is None else params.max_mission_items,
        )

    def run(self, init: np.ndarray, name: str) -> tuple[list[tuple], np.ndarray]:
        """Flights ``(a, b, s1, s2, reversed)`` over the line minimising crew time, from a
        crew-time vector ``init`` by station; returns them and the crew-time vector by
        final station."""
        n, m = self.lp.line.n, len(init)
        self.cost = np.full((n, m), np.inf)
        self.cost[0] = init
        self.back_a = np.full((n, m), -1, dtype=int)
        self.back_s1 = np.full((n, m), -1, dtype=int)
        self.back_sp = np.full((n, m), -1, dtype=int)
        self.back_rev = np.zeros((n, m), dtype=bool)
        for a in range(n - 1):
            if not np.isfinite(self.cost[a]).any():
                continue
            # crew at s_prev, drives to s1: c1[s1] = min_s cost[a, s] + drive_t[s, s1]
            tot = self.cost[a][:, None] + self.drive_t
            sp = tot.argmin(axis=0)
            c1 = tot[sp, np.arange(m)]
            for k_dir, d in enumerate(self.dirs):
                self._relax(a, c1, sp, k_dir, d)
        if not np.isfinite(self.cost[n - 1]).any():
            self._infeasible(name)
        return self._backtrack(), self.cost[n - 1]

    def _relax(self, a: int, c1: np.ndarray, sp: np.ndarray, k_dir: int, d: dict) -> None:
        """Relax ``cost[b, s2]`` with every flight from tower ``a`` in direction ``d``."""
        n, lim = self.lp.line.n, self.lim_wh
        bs = np.arange(a + 1, n)
        last_b = np.where(bs == n - 1, self.endv_e, 0.0)
        w_e = self.we[bs] - self.we[a] + d["tb"][0][bs] + d["ta"][0][a] + last_b
        e_in = bs if d["enter_b"] else np.full(len(bs), a)
        e_out = bs if d["exit_b"] else np.full(len(bs), a)
        ent = d["ent"][0][:, e_in]  # (m, nb)
        ext = d["ext"][0][:, e_out]
        w_n = self.fixed_n + self.wn[bs] - self.wn[a] + d["tb_n"][bs] + d["ta_n"][a]
        w_n = w_n + np.where(bs == n - 1, self.endv_n, 0.0)
        ent_n, ext_n = d["ent_n"][:, e_in], d["ext_n"][:, e_out]
        # prune: ranges, take-off and landing stations that cannot fit the battery (or the
        # mission-item limit)
        keep_b = ent.min(axis=0) + w_e + ext.min(axis=0) <= lim
        keep_b &= ent_n.min(axis=0) + w_n + ext_n.min(axis=0) <= self.max_n
        if not keep_b.any():
            return
        nb = int(np.flatnonzero(keep_b).max()) + 1
        bs, w_e, e_in, e_out = bs[:nb], w_e[:nb], e_in[:nb], e_out[:nb]
        ent, ext = ent[:, :nb], ext[:, :nb]
        w_n, ent_n, ext_n = w_n[:nb], ent_n[:, :nb], ext_n[:, :nb]
        i1 = np.flatnonzero((ent + w_e[None, :] + ext.min(axis=0)[None, :] <= lim).any(1))
        i2 = np.flatnonzero((ext + w_e[None, :] + ent.min(axis=0)[None, :] <= lim).any(1))
        if not len(i1) or not len(i2):
            return
        w_t = (
            self.wt[bs]
            - self.wt[a]
            + d["tb"][1][bs]
            + d["ta"][1][a]
            + np.where(bs == n - 1, self.endv_t, 0.0)
        )
        # energy and time (b, s1, s2)
        E = ent[i1].T[:, :, None] + w_e[:, None, None] + ext[i2].T[:, None, :]
        ok = lim >= E
        if math.isfinite(self.max_n):
            n_items = ent_n[i1].T[:, :, None] + w_n[:, None, None] + ext_n[i2].T[:, None, :]
            ok &= n_items <= self.max_n
        if not ok.any():
            return
        T = (
            d["ent"][1][i1][:, e_in].T[:, :, None]
            + w_t[:, None, None]
            + d["ext"][1][i2][:, e_out].T[:, None, :]
        )
        dsub = self.drive_t[np.ix_(i1, i2)]
        crew = c1[None, i1, None] + self.swap_s + np.maximum(T, dsub[None, :, :])
        crew = np.where(ok, crew, np.inf)
        # best s1 per (b, s2)
        k1 = crew.argmin(axis=1)
        cb = np.take_along_axis(crew, k1[:, None, :], axis=1)[:, 0, :]
        better = cb < self.cost[bs][:, i2]
        if better.any():
            bi, si = np.nonzero(better)
            s2i, s1i = i2[si], i1[k1[bi, si]]
            self.cost[bs[bi], s2i] = cb[bi, si]
            self.back_a[bs[bi], s2i] = a
            self.back_s1[bs[bi], s2i] = s1i
            self.back_sp[bs[bi], s2i] = sp[s1i]
            self.back_rev[bs[bi], s2i] = k_dir == 1

    def _infeasible(self, name: str) -> None:
        """Name the first span no flight can cover."""
        reach = np.isfinite(self.cost).any(axis=1)
        last = int(np.flatnonzero(reach).max())
        emax = self.emax_wh
        items = "" if not math.isfinite(self.max_n) else f" and {self.max_n:.0f} mission items"
        raise InfeasibleMissionError(
            f"{name}: {self.lp.line.span_label(last)} cannot be covered by any flight from any "
            f"station within the battery ({emax:.0f} Wh with reserve){items}: add a station "
            "nearer to it, inspect fewer modes, use a bigger battery or allow more items"
        )

    def _backtrack(self) -> list[tuple]:
        flights = []
        n = self.lp.line.n
        b, s2 = n - 1, int(self.cost[n - 1].argmin())
        while b > 0:
            a, s1, sp = int(self.back_a[b, s2]), int(self.back_s1[b, s2]), int(self.back_sp[b, s2])
            flights.append((a, b, s1, s2, bool(self.back_rev[b, s2])))
            b, s2 = a, sp
        flights.reverse()
        return flights
