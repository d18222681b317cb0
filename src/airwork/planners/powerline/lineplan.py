"""The priced building blocks of one line: every piece a flight over it can be made of.

A flight over spans ``[a, b)`` is a concatenation of: the climb from its station and the
overhead track to its entry tower, the *entry* down to the first pass, the *span pieces*
of every pass over ``[a, b)`` (with the last tower's vantages when ``b`` is the last tower),
the *turns* between passes at the end towers, the *exit* up to the crossing altitude, the
overhead track to its landing station's tower and the descent.  Each kind of piece is
built for every tower or span and priced once (:func:`~.pieces._price`), so any flight's
energy and time are sums of these prices (the dynamic programme of :mod:`.flights`).

Crossings: the line is crossed only at a tower ``i``, at ``X_i = max(top of towers i-1,
i, i+1) + c``, at least ``c`` above every conductor of the spans meeting there; transits
along the line fly above the centre line at these altitudes (an *overhead track*).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from airwork.errors import InfeasibleMissionError
from airwork.flight.conditions import Conditions
from airwork.planners.powerline.design import Design
from airwork.planners.powerline.line import PowerLine
from airwork.planners.powerline.passes import Pass, pass_pieces, pass_speed_mps, pass_track
from airwork.planners.powerline.pieces import TRANSIT, Piece, _price, item_counts, spec
from airwork.planners.powerline.vantage import TowerVantages

__all__ = ["LinePlan", "cross_alt", "line_plan"]


@dataclass
class LinePlan:
    """Priced building blocks of one line (energy ``*_e`` [Wh], time ``*_t`` [s])."""

    line: PowerLine
    passes: list[Pass]
    cross_alt: np.ndarray  # X_i [m]
    span_pieces: list[list[Piece]]  # [pass][span]
    end_vantage: list[Piece | None]  # [pass] vantage of the last tower
    turn_pieces: list[list[Piece]]  # [pass][tower] turn after pass j at tower e
    span_e: np.ndarray  # (P, n-1)
    span_t: np.ndarray
    endv_e: np.ndarray  # (P,)
    endv_t: np.ndarray
    turn_e: np.ndarray  # (P, n)
    turn_t: np.ndarray
    over_f: list[Piece]  # overhead i -> i+1
    over_b: list[Piece]  # overhead i+1 -> i
    over_fe: np.ndarray
    over_ft: np.ndarray
    over_be: np.ndarray
    over_bt: np.ndarray
    in_pieces: list[Piece]  # above P_a at X_a -> first pass start (per tower)
    out_pieces: list[Piece]  # last pass end at tower e -> above P_e at X_e
    in_e: np.ndarray
    in_t: np.ndarray
    out_e: np.ndarray
    out_t: np.ndarray
    rev_turn_pieces: list[list[Piece]] = field(default_factory=list)
    rev_turn_e: np.ndarray | None = None
    rev_turn_t: np.ndarray | None = None
    in_rev: list[Piece] = field(default_factory=list)
    out_rev: list[Piece] = field(default_factory=list)
    in_rev_e: np.ndarray | None = None
    in_rev_t: np.ndarray | None = None
    out_rev_e: np.ndarray | None = None
    out_rev_t: np.ndarray | None = None
    access: tuple = ()
    lanes: list = field(default_factory=list)
    # mission items of the same pieces (:func:`~.pieces.item_counts`), shaped as the prices
    span_n: np.ndarray | None = None
    endv_n: np.ndarray | None = None
    turn_n: np.ndarray | None = None
    rev_turn_n: np.ndarray | None = None
    over_n: np.ndarray | None = None  # (n-1,) either way
    in_n: np.ndarray | None = None
    out_n: np.ndarray | None = None
    in_rev_n: np.ndarray | None = None
    out_rev_n: np.ndarray | None = None
    fast_passes: int = 0  # passes flown at another speed than transit (2 speed items each)


def cross_alt(line: PowerLine, clearance: float) -> np.ndarray:
    """X_i = max(top of towers i-1, i, i+1) + clearance, above the datum. [m]"""
    h = line.top_m
    m = h.copy()
    m[1:] = np.maximum(m[1:], h[:-1])
    m[:-1] = np.maximum(m[:-1], h[1:])
    return m + clearance


def line_plan(ln: PowerLine, passes: list[Pass], design: Design) -> LinePlan:
    """Build and price every piece of a line.

    Raises
    ------
    InfeasibleMissionError
        A crossing above the ceiling, naming the tower.
    """
    X = cross_alt(ln, design.clearance_m)
    _check_ceiling(ln, X, design)
    tw = design.transit_speed_mps
    vantages = None
    if design.standoff_m is not None:
        vantages = TowerVantages.for_line(ln, design.standoff_m, design.lateral_m, design.params)
    span_pieces: list[list[Piece]] = []
    end_vantage: list[Piece | None] = []
    ends_xyz: list[np.ndarray] = []
    for ps in passes:
        tower_pts, inner = pass_track(ln, ps, design, X)
        spans, end = pass_pieces(ln, ps, design, tower_pts, inner, vantages)
        span_pieces.append(spans)
        end_vantage.append(end)
        ends_xyz.append(tower_pts)
    turn_pieces, rev_turn_pieces = _turns(ln, X, ends_xyz, tw)
    over_f, over_b = _overhead_track(ln, X, tw)
    first, last = ends_xyz[0], ends_xyz[-1]
    n = ln.n
    pieces = dict(
        span_pieces=span_pieces,
        end_vantage=end_vantage,
        turn_pieces=turn_pieces,
        rev_turn_pieces=rev_turn_pieces,
        over_f=over_f,
        over_b=over_b,
        in_pieces=[_entry(ln, X, e, first[e], tw) for e in range(n)],
        out_pieces=[_exit(ln, X, e, last[e], tw) for e in range(n)],
        # a reversed flight (even pass count) enters the last pass and leaves the first at b
        in_rev=[_entry(ln, X, e, last[e], tw) for e in range(n)],
        out_rev=[_exit(ln, X, e, first[e], tw) for e in range(n)],
    )
    prices = _prices(design.conditions, pieces, len(passes), n)
    counts = _counts(pieces, len(passes), n)
    tw = design.transit_speed_mps
    fast = sum(not math.isclose(pass_speed_mps(ps, design), tw, abs_tol=1e-6) for ps in passes)
    return LinePlan(
        line=ln, passes=passes, cross_alt=X, **pieces, **prices, **counts, fast_passes=fast
    )


def _check_ceiling(ln: PowerLine, X: np.ndarray, design: Design) -> None:
    """Every crossing within the ceiling above the ground at its tower."""
    ceiling = design.params.max_altitude_m
    agl = X - ln.ground_m  # the crossing above the ground at the tower
    if agl.max() > ceiling:
        i = int(np.argmax(agl))
        raise InfeasibleMissionError(
            f"{ln.tower_label(i)}: crossing the line needs {agl[i]:.0f} m above the ground "
            f"(tower tops + {design.clearance_m:.1f} m clearance), above the "
            f"{ceiling:g} m ceiling"
        )


def _turn(ln: PowerLine, X: np.ndarray, pe, qe, e: int, tw: float) -> Piece:
    """From the end ``pe`` of one pass at tower ``e`` up to the crossing altitude, across,
    and down to the start ``qe`` of the next."""
    h = max(pe[2], qe[2], X[e])
    specs = [
        spec(pe[0], pe[1], h, TRANSIT, tw),
        spec(qe[0], qe[1], h, TRANSIT, tw),
        spec(*qe, TRANSIT, tw),
    ]
    return Piece(tuple(pe), specs, f"{ln.tower_label(e)} (crossing)")


def _turns(ln: PowerLine, X, ends_xyz, tw) -> tuple[list[list[Piece]], list[list[Piece]]]:
    """Turns between passes at every tower: j -> j + 1, and j + 1 -> j for reversed
    flights ([pass][tower], an empty row after the last pass)."""
    n = ln.n
    turn_pieces: list[list[Piece]] = []
    rev_turn_pieces: list[list[Piece]] = []
    for j in range(len(ends_xyz) - 1):
        p, q = ends_xyz[j], ends_xyz[j + 1]
        turn_pieces.append([_turn(ln, X, p[e], q[e], e, tw) for e in range(n)])
        rev_turn_pieces.append([_turn(ln, X, q[e], p[e], e, tw) for e in range(n)])
    turn_pieces.append([])
    rev_turn_pieces.append([])
    return turn_pieces, rev_turn_pieces


def _overhead_track(ln: PowerLine, X, tw) -> tuple[list[Piece], list[Piece]]:
    """Spans flown above the centre line at the crossing altitudes, forward and back."""
    over_f, over_b = [], []
    for i in range(ln.n - 1):
        a = (ln.xy_m[i][0], ln.xy_m[i][1], X[i])
        b = (ln.xy_m[i + 1][0], ln.xy_m[i + 1][1], X[i + 1])
        over_f.append(Piece(a, [spec(*b, TRANSIT, tw)], f"{ln.span_label(i)} (overhead)"))
        over_b.append(Piece(b, [spec(*a, TRANSIT, tw)], f"{ln.span_label(i)} (overhead)"))
    return over_f, over_b


def _entry(ln: PowerLine, X, e: int, q, tw: float) -> Piece:
    """From above tower ``e`` at its crossing altitude to above the pass start ``q``, and
    down to it."""
    top = (ln.xy_m[e][0], ln.xy_m[e][1], X[e])
    return Piece(
        top,
        [spec(q[0], q[1], X[e], TRANSIT, tw), spec(*q, TRANSIT, tw)],
        f"{ln.tower_label(e)} (entry)",
    )


def _exit(ln: PowerLine, X, e: int, r, tw: float) -> Piece:
    """From the pass end ``r`` up to the crossing altitude of tower ``e`` and over it."""
    top = (ln.xy_m[e][0], ln.xy_m[e][1], X[e])
    h = max(X[e], r[2])
    return Piece(
        tuple(r),
        [
            spec(r[0], r[1], h, TRANSIT, tw),
            spec(*top[:2], h, TRANSIT, tw),
            spec(*top, TRANSIT, tw),
        ],
        f"{ln.tower_label(e)} (exit)",
    )


def _price_rows(ac: Conditions, rows: list[list[Piece]], n_pass: int, n: int):
    """Prices (n_pass, n) of per-pass, per-tower pieces whose last row is empty."""
    e, t = _price(ac, [pc for row in rows for pc in row])
    out_e, out_t = np.zeros((n_pass, n)), np.zeros((n_pass, n))
    if n_pass > 1:
        out_e[:-1] = e.reshape(n_pass - 1, n)
        out_t[:-1] = t.reshape(n_pass - 1, n)
    return out_e, out_t


def _prices(ac: Conditions, pieces: dict, n_pass: int, n: int) -> dict:
    """The energy and time arrays of :class:`LinePlan` for its ``pieces``, priced in a few
    vectorised calls."""
    se, st_ = _price(ac, [pc for row in pieces["span_pieces"] for pc in row])
    eve, evt = _price(ac, [pc for pc in pieces["end_vantage"] if pc is not None])
    endv_e, endv_t = np.zeros(n_pass), np.zeros(n_pass)
    k = 0
    for j, pc in enumerate(pieces["end_vantage"]):
        if pc is not None:
            endv_e[j], endv_t[j] = eve[k], evt[k]
            k += 1
    out = dict(
        span_e=se.reshape(n_pass, n - 1),
        span_t=st_.reshape(n_pass, n - 1),
        endv_e=endv_e,
        endv_t=endv_t,
    )
    out["turn_e"], out["turn_t"] = _price_rows(ac, pieces["turn_pieces"], n_pass, n)
    out["rev_turn_e"], out["rev_turn_t"] = _price_rows(ac, pieces["rev_turn_pieces"], n_pass, n)
    for key, e_name, t_name in (
        ("in_pieces", "in_e", "in_t"),
        ("out_pieces", "out_e", "out_t"),
        ("in_rev", "in_rev_e", "in_rev_t"),
        ("out_rev", "out_rev_e", "out_rev_t"),
        ("over_f", "over_fe", "over_ft"),
        ("over_b", "over_be", "over_bt"),
    ):
        out[e_name], out[t_name] = _price(ac, pieces[key])
    return out


def _count_rows(rows: list[list[Piece]], n_pass: int, n: int) -> np.ndarray:
    """Mission items (n_pass, n) of per-pass, per-tower pieces whose last row is empty."""
    out = np.zeros((n_pass, n))
    if n_pass > 1:
        out[:-1] = item_counts([pc for row in rows for pc in row]).reshape(n_pass - 1, n)
    return out


def _counts(pieces: dict, n_pass: int, n: int) -> dict:
    """The mission-item arrays of :class:`LinePlan` for its ``pieces``."""
    ends = pieces["end_vantage"]
    endv = item_counts([pc for pc in ends if pc is not None])
    endv_n = np.zeros(n_pass)
    endv_n[[j for j, pc in enumerate(ends) if pc is not None]] = endv
    return dict(
        span_n=item_counts([pc for row in pieces["span_pieces"] for pc in row]).reshape(
            n_pass, n - 1
        ),
        endv_n=endv_n,
        turn_n=_count_rows(pieces["turn_pieces"], n_pass, n),
        rev_turn_n=_count_rows(pieces["rev_turn_pieces"], n_pass, n),
        over_n=item_counts(pieces["over_f"]),
        in_n=item_counts(pieces["in_pieces"]),
        out_n=item_counts(pieces["out_pieces"]),
        in_rev_n=item_counts(pieces["in_rev"]),
        out_rev_n=item_counts(pieces["out_rev"]),
    )
