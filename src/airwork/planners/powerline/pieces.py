"""Path pieces: the building blocks of power-line flights, and their price.

A *spec* is one waypoint reached by one leg: ``(x, y, z, kind, speed, camera, hold_s,
actions)`` in the job's datum frame (see :mod:`.line`), speeds in m/s and holds in s.  A
:class:`Piece` is a run of specs from a start point (a span of one pass, a turn, an overhead
transit, a station's climb); flights are concatenations of pieces, so their energy and time
are sums of the pieces' prices (:func:`_price`) and their mission items
(:func:`item_counts`).

A spec at the very position of the one before it, without a hold, is no waypoint of its
own: :func:`merge_repeats` runs its actions on arrival at the one before (a zero-length
leg costs a mission item, and an autopilot reaching it at once may skip the DO items
before it).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from airwork.aircraft.model import Aircraft
from airwork.flight.kinematics import (
    CLIMB_SPEED_MPS,
    DESCENT_SPEED_MPS,
    corner_speed_mps,
    reachable_speeds_mps,
    speed_change_loss_s,
)
from airwork.mission.model import LegKind

__all__ = [
    "TRANSIT",
    "WORK",
    "Piece",
    "Spec",
    "_price",
    "item_counts",
    "merge_repeats",
    "spec",
]

TRANSIT, WORK = LegKind.TRANSIT, LegKind.WORK

Spec = tuple
"""``(x [m], y [m], z [m], kind, speed [m/s], camera, hold [s], actions)``."""


def spec(x, y, z, kind=TRANSIT, speed=5.0, camera=False, hold=0.0, actions=()) -> Spec:
    """One waypoint reached by one leg, as a plain tuple (see the module docstring)."""
    return (
        float(x),
        float(y),
        float(z),
        kind,
        float(speed),
        bool(camera),
        float(hold),
        tuple(actions),
    )


@dataclass
class Piece:
    """Legs from ``start`` through ``specs``; ``label`` names the span or tower for error
    messages; ``photos`` counts the photos taken on it."""

    start: tuple[float, float, float]
    specs: list
    label: str
    photos: int = 0


def _price(aircraft: Aircraft, pieces: list[Piece]) -> tuple[np.ndarray, np.ndarray]:
    """Energy [Wh] and time [s] of every piece, priced exactly as SortieBuilder prices
    legs (level part at the leg speed, vertical part at the climb or descent speed)."""
    if not pieces:
        return np.zeros(0), np.zeros(0)
    counts = np.array([len(p.specs) for p in pieces])
    pts, prev = [], []
    for p in pieces:
        arr = np.array([s[:3] for s in p.specs], dtype=float).reshape(-1, 3)
        pts.append(arr)
        prev.append(np.vstack([np.asarray(p.start, dtype=float)[None, :], arr[:-1]]))
    pts_a, prev_a = np.vstack(pts), np.vstack(prev)
    flat = [s for p in pieces for s in p.specs]
    speed = np.array([s[4] for s in flat])
    cam = np.array([s[5] for s in flat])
    hold = np.array([s[6] for s in flat])
    d = pts_a - prev_a
    horiz = np.hypot(d[:, 0], d[:, 1])
    climb = d[:, 2]
    vs = np.where(climb > 0, CLIMB_SPEED_MPS, DESCENT_SPEED_MPS)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    # time lost at corners, as SortieBuilder prices it; a piece is taken to start and end
    # at rest, which bounds whatever corner joins it to the next piece
    v = np.where(horiz > 0, speed, 0.0)
    nz = counts > 0
    entry, exit_ = np.zeros(len(flat)), np.zeros(len(flat))
    inner = np.ones(len(flat), dtype=bool)
    inner[starts[nz]] = False  # legs that follow another leg of the same piece
    i = np.flatnonzero(inner)
    if i.size:
        with np.errstate(invalid="ignore", divide="ignore"):
            cos_t = np.sum(d[i - 1, :2] * d[i, :2], axis=1) / (horiz[i - 1] * horiz[i])
        cos_t = np.where((hold[i - 1] > 0) | ~np.isfinite(cos_t), 0.0, cos_t)
        entry[i] = exit_[i - 1] = corner_speed_mps(v[i - 1], v[i], cos_t)
    # one speed per vertex (0 where pieces join), lowered where a short leg cannot change
    # speed enough, as SortieBuilder does
    vertex = reachable_speeds_mps(np.concatenate([entry, [0.0]]), horiz)
    corner = speed_change_loss_s(horiz, v, vertex[:-1], vertex[1:])
    perf = aircraft.leg_performance(
        horiz,
        speed,
        np.zeros(len(flat)),
        climb_m=climb,
        vertical_speed_mps=vs,
        working=cam,
        hold_s=hold + corner,
    )
    e = np.zeros(len(pieces))
    t = np.zeros(len(pieces))
    e[nz] = np.add.reduceat(perf.energy_wh, starts[nz])
    t[nz] = np.add.reduceat(perf.time_s, starts[nz])
    return e, t


def merge_repeats(specs: list[Spec]) -> list[Spec]:
    """``specs`` with every spec at the position of the one before it and without a hold
    merged into that one: its actions run on arrival there, after that one's own (the
    order they ran in before)."""
    out: list[Spec] = []
    for s in specs:
        prev = out[-1] if out else None
        if prev is not None and s[:3] == prev[:3] and s[6] == 0.0:
            out[-1] = (*prev[:7], prev[7] + s[7])
        else:
            out.append(s)
    return out


def item_counts(pieces: list[Piece]) -> np.ndarray:
    """MAVLink mission items each piece adds to a flight: one navigation item per spec that
    moves or holds (a spec repeating the position before it, the piece's start for the
    first, without a hold is merged into the one before) and one item per action.  The
    flight adds home, take-off, landing and speed changes. [-]"""
    out = np.zeros(len(pieces))
    for k, p in enumerate(pieces):
        prev = tuple(float(v) for v in p.start[:3])
        n = 0
        for s in p.specs:
            if not (s[:3] == prev and s[6] == 0.0):
                n += 1
            n += len(s[7])
            prev = s[:3]
        out[k] = n
    return out
