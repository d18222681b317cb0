"""Passes along a line: the low tracks beside it (corridor photos, tower vantages) and the
mapping strips over it, and their pieces span by span.

The work on a line is a sequence of passes, alternately forward and backward: low passes on
the left (+1) and right (-1) of the line direction at the design's track offset, then the
mapping strips, the first on the side where the low passes ended.  A low track follows the
mean phase height plus ``corridor_above_m`` along the sag (legs of at most ``seg_m``); a
mapping strip flies the mapping altitude, over terrain above the highest ground under each
piece of it and never below the crossing altitudes of its span.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from airwork.mission.model import Action, ActionKind
from airwork.planners.powerline.design import Design
from airwork.planners.powerline.line import PowerLine, conductor_height_m
from airwork.planners.powerline.pieces import TRANSIT, WORK, Piece, spec
from airwork.planners.powerline.problem import PowerlineParams
from airwork.planners.powerline.vantage import TowerVantages
from airwork.site.terrain import ground_under_pieces

__all__ = [
    "TERRAIN_PIECE_M",
    "TERRAIN_STEP_M",
    "Pass",
    "line_passes",
    "pass_pieces",
    "pass_speed_mps",
]

TERRAIN_PIECE_M = 100.0
"""Longest straight piece of a mapping strip over terrain. [m]"""

TERRAIN_STEP_M = 10.0
"""Spacing of the DEM samples under a mapping strip. [m]"""


@dataclass
class Pass:
    """One pass along a whole line: ``kind`` ``"low"`` (beside the line) or ``"map"``
    (mapping strip), its lateral offset (positive on the left) [m], its direction, and
    whether it takes corridor photos and tower vantages."""

    kind: str
    lateral_m: float
    forward: bool
    corridor: bool = False
    towers: bool = False


def line_passes(params: PowerlineParams, design: Design) -> list[Pass]:
    """The passes every line is flown in, in order."""
    corridor = "corridor" in params.modes
    towers_mode = "towers" in params.modes
    passes: list[Pass] = []
    low_sides: list[float] = []
    if towers_mode or (corridor and params.sides == "both"):
        low_sides = [1.0, -1.0]
    elif corridor:
        low_sides = [1.0 if params.sides == "left" else -1.0]
    wanted = {"both": (1.0, -1.0), "left": (1.0,), "right": (-1.0,)}[params.sides]
    for k, side in enumerate(low_sides):
        passes.append(
            Pass(
                "low",
                side * design.track_m,
                k % 2 == 0,
                corridor=corridor and side in wanted,
                towers=towers_mode,
            )
        )
    offsets = design.mapping_offsets_m
    if len(offsets):
        # start the strips on the side where the low passes ended
        order = offsets if (passes and passes[-1].lateral_m < 0) else offsets[::-1]
        for off in order:
            passes.append(Pass("map", float(off), len(passes) % 2 == 0))
    return passes


def pass_name(ps: Pass) -> str:
    """How error messages name a pass."""
    if ps.kind == "map":
        return f"mapping strip {ps.lateral_m:+.1f} m"
    side = "left" if ps.lateral_m > 0 else "right"
    what = "corridor" if ps.corridor else "towers"
    return f"{what}, {side} side"


def pass_track(
    ln: PowerLine, ps: Pass, design: Design, cross_alt: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Tower points (n, 3) and per-span inner points of a pass track (datum heights). [m]"""
    n = ln.n
    X = cross_alt
    xy = ln.offset_xy_m(ps.lateral_m)
    if ps.kind == "map" and design.terrain is not None:
        # the strip keeps map_alt above the highest ground under each piece of it, and
        # stays above the crossing altitudes of its span
        vxy, top, at = ground_under_pieces(
            xy, design.terrain, piece_m=TERRAIN_PIECE_M, step_m=TERRAIN_STEP_M
        )
        known = np.isfinite(top)
        top = np.where(known, top, np.nanmax(top) if known.any() else design.datum_amsl_m)
        z = design.mapping_altitude_m + top - design.datum_amsl_m
        for i in range(n - 1):
            z[at[i] : at[i + 1] + 1] = np.maximum(z[at[i] : at[i + 1] + 1], max(X[i], X[i + 1]))
        pts = np.column_stack([vxy, z])
        inner = [pts[at[i] + 1 : at[i + 1]] for i in range(n - 1)]
        return pts[at], inner
    if ps.kind == "map":
        z = np.full(n, design.mapping_altitude_m)
        inner = [np.zeros((0, 3)) for _ in range(n - 1)]
        return np.column_stack([xy, z]), inner
    p = design.params
    mean_att = ln.attach_height_m.mean(axis=1)
    length = ln.span_length_m
    sag = ln.sag_per_span_m
    z = mean_att + p.corridor_above_m
    inner = []
    for i in range(n - 1):
        m = max(1, math.ceil(length[i] / p.seg_m))
        t = np.arange(1, m) / m
        pxy = xy[i][None, :] + t[:, None] * (xy[i + 1] - xy[i])[None, :]
        pz = conductor_height_m(t, mean_att[i], mean_att[i + 1], sag[i]) + p.corridor_above_m
        inner.append(np.column_stack([pxy, pz]))
    return np.column_stack([xy, z]), inner


def pass_speed_mps(ps: Pass, design: Design) -> float:
    """Commanded speed of every leg of a pass: the corridor speed on a low pass taking
    corridor photos, else the transit speed. [m/s]"""
    if ps.kind == "low" and ps.corridor:
        return design.corridor_speed_mps
    return design.transit_speed_mps


def _camera_actions(ps: Pass, design: Design) -> tuple[tuple, tuple]:
    """Actions switching the photos on at the start and off at the end of a span."""
    side = 1.0 if ps.lateral_m >= 0 else -1.0
    if ps.kind == "map":
        on = (
            Action(ActionKind.GIMBAL, value=-90.0, value2=0.0),
            Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=design.mapping_trigger_m),
        )
    elif ps.corridor:
        # gimbal yaw relative to the heading, clockwise: the line is on the right when
        # flying forward on the left side or backward on the right side
        yaw = 90.0 * side * (1.0 if ps.forward else -1.0)
        on = (
            Action(ActionKind.GIMBAL, value=design.corridor_pitch_deg, value2=yaw),
            Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=design.corridor_trigger_m),
        )
    else:
        on = ()
    cam = ps.kind == "map" or ps.corridor
    off = (
        (Action(ActionKind.CAMERA_TRIGGER_DISTANCE, value=0.0), Action(ActionKind.CAMERA_PHOTO))
        if cam
        else ()
    )
    return on, off


def pass_pieces(
    ln: PowerLine,
    ps: Pass,
    design: Design,
    tower_pts: np.ndarray,
    inner: list[np.ndarray],
    vantages: TowerVantages | None,
) -> tuple[list[Piece], Piece | None]:
    """The pieces of one pass, span by span in line order (a backward pass flies each
    span from tower ``i + 1`` to ``i``), with the vantages of the tower it starts from, and
    the vantage piece of the last tower (None without towers mode)."""
    n = ln.n
    side = 1.0 if ps.lateral_m >= 0 else -1.0
    fwd = ps.forward
    cam = ps.kind == "map" or ps.corridor
    # one speed for the whole pass (vantage moves never reach it): no speed-change items
    speed = pass_speed_mps(ps, design)
    on, off = _camera_actions(ps, design)
    per_tower = 2 * design.params.vantage_per_side
    pieces: list[Piece] = []
    for i in range(n - 1):
        a_pt, b_pt = tower_pts[i], tower_pts[i + 1]
        mids = inner[i]
        if not fwd:
            a_pt, b_pt, mids = b_pt, a_pt, mids[::-1]
        specs: list = []
        if ps.towers and fwd:
            specs += vantages.excursion(i, side, True, a_pt, speed)
        photos = 0
        if on:
            specs.append(spec(*a_pt, TRANSIT, speed, actions=on))
        kind = WORK if cam else TRANSIT
        for q in mids:
            specs.append(spec(*q, kind, speed, cam))
        specs.append(spec(*b_pt, kind, speed, cam, actions=off))
        if cam:
            trig = design.mapping_trigger_m if ps.kind == "map" else design.corridor_trigger_m
            photos += math.floor(_path_len(a_pt, mids, b_pt) / trig + 1e-9) + 2
        if ps.towers and not fwd:
            specs += vantages.excursion(i, side, False, b_pt, speed)
        if ps.towers:
            photos += per_tower
        label = f"{ln.span_label(i)} ({pass_name(ps)})"
        pieces.append(Piece(tuple(a_pt), specs, label, photos))
    end = None
    if ps.towers:
        e = n - 1
        st = tower_pts[e]
        label = f"{ln.tower_label(e)} ({pass_name(ps)})"
        end = Piece(tuple(st), vantages.excursion(e, side, fwd, st, speed), label, per_tower)
    return pieces, end


def _path_len(a, mids, b) -> float:
    """Horizontal length of the path from ``a`` through ``mids`` to ``b``. [m]"""
    pts = np.vstack(
        [np.asarray(a)[None, :2], np.asarray(mids).reshape(-1, 3)[:, :2], np.asarray(b)[None, :2]]
    )
    return float(np.hypot(*np.diff(pts, axis=0).T).sum())
