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

from airwork.flight.conditions import Conditions
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


def _price(conditions: Conditions, pieces: list[Piece]) -> tuple[np.ndarray, np.ndarray]:
    """Energy [Wh] and time [s] of every piece, priced by the shared flight model in the
    job's conditions and wind
    (:meth:`~airwork.flight.conditions.Conditions.price_legs`, as SortieBuilder prices legs);
    each piece starts and ends at rest, which bounds whatever corner joins it to the next."""
    if not pieces:
        return np.zeros(0), np.zeros(0)
    counts = np.array([len(p.specs) for p in pieces])
    # one path through every piece: its start, then its specs; the legs joining one piece
    # to the next are priced too and dropped
    xyz: list = []
    speed: list[float] = []
    cam: list[bool] = []
    hold: list[float] = []
    keep: list[bool] = []
    rest: list[bool] = []
    for k, p in enumerate(pieces):
        if k:  # the leg from the previous piece's end to this one's start
            speed.append(1.0), cam.append(False), hold.append(0.0), keep.append(False)
        xyz.append(np.asarray(p.start, dtype=float)[None, :])
        rest.append(True)
        for spec in p.specs:
            xyz.append(np.asarray(spec[:3], dtype=float)[None, :])
            speed.append(float(spec[4])), cam.append(bool(spec[5])), hold.append(float(spec[6]))
            keep.append(True)
            rest.append(False)
        rest[-1] = True
    path = np.vstack(xyz)
    prices = conditions.price_legs(
        path,
        np.array(speed),
        np.zeros(len(speed)),
        working=np.array(cam),
        hold_s=np.array(hold),
        rest=np.array(rest),
    )
    keep_a = np.array(keep)
    e_legs, t_legs = prices.energy_wh[keep_a], prices.time_s[keep_a]
    nz = counts > 0
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    e = np.zeros(len(pieces))
    t = np.zeros(len(pieces))
    e[nz] = np.add.reduceat(e_legs, starts[nz])
    t[nz] = np.add.reduceat(t_legs, starts[nz])
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
