"""Coverage geometry shared by field planners: swath intervals, cells, their order.

The sweep is a boustrophedon decomposition done directly on the swath lines: every line
(one swath band wide) is cut into intervals where the sprayable area lies inside its band;
intervals on neighbouring lines that overlap one-to-one belong to one cell, and a split or
a merge (a hole, a concave notch, an obstacle) starts new cells.  Each cell is then flown
back and forth, and cells are chained nearest-first.

* On the outer boundary an interval spans the whole extent of the area inside its band, so
  slanted edges are covered (the overspray stays small: half a swath times the slope).
* Inside, where the line's centre crosses an exclusion (an obstacle with its clearance, a
  no-spray zone, a hole of the field), the interval is cut exactly at the exclusion's edge:
  the sprayer switches off there and the aircraft never flies through an obstacle.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from airwork.limits import MAX_SWEEP_LINES, MAX_WORK_PATH_KM, require_budget

__all__ = [
    "Cell",
    "candidate_angles_deg",
    "cell_options",
    "cell_region",
    "decompose",
    "line_intervals",
    "longest_edge_angle_deg",
    "obstacle_zones",
    "order_cells",
    "order_options",
    "require_coverage_budget",
    "sweep_lines",
    "work_polyline",
]


def obstacle_zones(
    obstacles: shapely.Geometry | None, clearance_m: float
) -> shapely.Geometry | None:
    """Obstacles grown by a clearance: where the aircraft never goes. [m]

    A buffer's arcs are chords inside the true circle, so the radius is grown until the
    polygon circumscribes it (R / cos(pi / 4q)), plus 1 cm: the clearance is never short.
    """
    if obstacles is None or obstacles.is_empty:
        return None
    quad_segs = 8
    grown = clearance_m / math.cos(math.pi / (4 * quad_segs)) + 0.01
    return shapely.buffer(obstacles, grown, quad_segs=quad_segs)


def require_coverage_budget(area: shapely.Geometry, spacing_m: float, widen: str) -> None:
    """Refuse, before any line is laid, a layout whose sweep lines (across the area's
    diagonal, the widest extent at any angle) or work path (area / spacing) pass the budgets
    of :mod:`airwork.limits`.

    Parameters
    ----------
    area : Polygon or MultiPolygon
        [m]
    spacing_m : float
        Distance between lines. [m]
    widen : str
        What the user changes for a wider spacing, e.g. ``"--swath-m or --overlap-frac"``.

    Raises
    ------
    BudgetError
    """
    x0, y0, x1, y1 = area.bounds
    across_m = math.hypot(x1 - x0, y1 - y0)
    require_budget(
        across_m / spacing_m + 1.0,
        MAX_SWEEP_LINES,
        f"lines {spacing_m:.3g} m apart across the {across_m:,.0f} m of the area need up to",
        "sweep lines",
        f"lines at least {across_m / MAX_SWEEP_LINES:.2g} m apart are needed: change {widen}",
    )
    path_km = area.area / spacing_m / 1000.0
    require_budget(
        path_km,
        MAX_WORK_PATH_KM,
        f"lines {spacing_m:.3g} m apart over {area.area / 1e4:,.1f} ha need",
        "km of work path",
        f"lines at least {area.area / (MAX_WORK_PATH_KM * 1000.0):.2g} m apart are needed: "
        f"change {widen}, or split the area",
    )


def longest_edge_angle_deg(poly: shapely.Geometry) -> float:
    """Direction of the longest exterior edge, degrees from local east in [0, 180)."""
    hull = poly.convex_hull if poly.geom_type != "Polygon" else poly
    xy = shapely.get_coordinates(hull.exterior)
    d = np.diff(xy, axis=0)
    i = int(np.argmax(np.hypot(d[:, 0], d[:, 1])))
    return float(np.degrees(np.arctan2(d[i, 1], d[i, 0])) % 180.0)


def candidate_angles_deg(area: shapely.Geometry, count: int = 8) -> np.ndarray:
    """Sweep directions worth trying: the longest edges of the area and its hull, and the
    four compass-ish directions, deduplicated to 1°. [°, in [0, 180)]"""
    rings = [shapely.get_exterior_ring(p) for p in shapely.get_parts(area)]
    xy = [shapely.get_coordinates(r) for r in [*rings, area.convex_hull.exterior]]
    d = np.concatenate([np.diff(c, axis=0) for c in xy])
    length = np.hypot(d[:, 0], d[:, 1])
    ang = np.degrees(np.arctan2(d[:, 1], d[:, 0])) % 180.0
    best = ang[np.argsort(-length)[:count]]
    cand = np.concatenate([best, [0.0, 45.0, 90.0, 135.0]])
    keys = np.round(cand) % 180
    _, first = np.unique(keys, return_index=True)
    return cand[np.sort(first)]


def _rotation(angle_deg: float) -> np.ndarray:
    a = np.radians(angle_deg)
    return np.array([[np.cos(a), -np.sin(a)], [np.sin(a), np.cos(a)]])


def _merge(idx: np.ndarray, x0: np.ndarray, x1: np.ndarray, span: float):
    """Merge overlapping intervals per line (rows sorted by line then start), vectorised
    with a running maximum kept per line by offsetting lines by a stride wider than the
    span."""
    stride = span + 10.0
    run_end = np.maximum.accumulate(x1 + idx * stride) - idx * stride
    new_line = np.r_[True, idx[1:] != idx[:-1]]
    starts = np.flatnonzero(new_line | (x0 > np.r_[-np.inf, run_end[:-1]] + 1e-6))
    return idx[starts], np.minimum.reduceat(x0, starts), np.maximum.reduceat(x1, starts)


@dataclass(frozen=True)
class Intervals:
    """Swath intervals in a frame rotated so lines run along +x.

    Attributes
    ----------
    line : (m,) int
        Line number, increasing across the field.
    x0, x1 : (m,) float
        Start and end along the line, rotated frame. [m]
    y : (n_lines,) float
        Offset of every line, rotated frame. [m]
    angle_deg : float
    """

    line: np.ndarray
    x0: np.ndarray
    x1: np.ndarray
    y: np.ndarray
    angle_deg: float

    def __len__(self) -> int:
        return len(self.line)

    def segments(self, rows=None) -> np.ndarray:
        """(k, 2, 2) [start, end] in the local frame for rows (all by default). [m]"""
        rows = np.arange(len(self)) if rows is None else np.asarray(rows)
        rot = _rotation(-self.angle_deg)
        y = self.y[self.line[rows]]
        a = np.column_stack([self.x0[rows], y]) @ rot
        b = np.column_stack([self.x1[rows], y]) @ rot
        return np.stack([a, b], axis=1)

    @property
    def total_length_m(self) -> float:
        return float(np.sum(self.x1 - self.x0))


def line_intervals(
    area: shapely.Geometry,
    swath_m: float,
    angle_deg: float,
    exclusions: shapely.Geometry | None = None,
    min_length_m: float = 0.5,
) -> Intervals:
    """Swath intervals covering ``area`` along ``angle_deg``.

    The n = ceil((H - w) / w) + 1 lines across the area's height H are evenly spaced so the
    outer swath edges lie on its extreme points.  Along each line an interval is the extent
    of one part of ``area`` inside the line's band [y - w/2, y + w/2] (parts that overlap
    along the line are merged); then whatever of the line's centre lies in ``exclusions``
    is cut out.

    Parameters
    ----------
    area : Polygon or MultiPolygon
        Sprayable area. [m]
    swath_m : float
        [m]
    angle_deg : float
        Line direction, counter-clockwise from local east. [°]
    exclusions : geometry or None
        Where the centre line must not work (obstacle zones, no-spray zones, holes). [m]
    min_length_m : float
        Shorter intervals are dropped. [m]
    """
    rot = _rotation(-angle_deg)
    local = shapely.transform(area, lambda c: c @ rot.T)
    xmin, ymin, xmax, ymax = local.bounds
    height = ymax - ymin
    n = max(1, math.ceil(max(height - swath_m, 0.0) / swath_m - 1e-9) + 1)
    ys = (
        np.array([0.5 * (ymin + ymax)])
        if n == 1
        else np.linspace(ymin + 0.5 * swath_m, ymax - 0.5 * swath_m, n)
    )
    bands = shapely.box(xmin - 1.0, ys - 0.5 * swath_m, xmax + 1.0, ys + 0.5 * swath_m)
    parts, idx = shapely.get_parts(shapely.intersection(bands, local), return_index=True)
    keep = shapely.area(parts) > 1e-6
    b = shapely.bounds(parts[keep])
    idx = idx[keep]
    order = np.lexsort((b[:, 0], idx))
    empty = Intervals(np.zeros(0, int), np.zeros(0), np.zeros(0), ys, angle_deg)
    if len(order) == 0:
        return empty
    line, x0, x1 = _merge(idx[order], b[order, 0], b[order, 2], xmax - xmin)
    if exclusions is not None and not exclusions.is_empty:
        line, x0, x1 = _cut(
            line, x0, x1, ys, xmin, xmax, shapely.transform(exclusions, lambda c: c @ rot.T)
        )
    keep = (x1 - x0) >= min_length_m
    return Intervals(line[keep], x0[keep], x1[keep], ys, angle_deg)


def _cut(line, x0, x1, ys, xmin, xmax, excl_local):
    """Remove from each interval what of its line's centre lies in the exclusions."""
    centre = shapely.linestrings(
        np.stack(
            [
                np.column_stack([np.full(len(ys), xmin - 2.0), ys]),
                np.column_stack([np.full(len(ys), xmax + 2.0), ys]),
            ],
            axis=1,
        )
    )
    hit = shapely.intersects(centre, excl_local)
    if not hit.any():
        return line, x0, x1
    lines_hit = np.flatnonzero(hit)
    blocked, bidx = shapely.get_parts(
        shapely.intersection(centre[lines_hit], excl_local), return_index=True
    )
    bb = shapely.bounds(blocked)
    bline = lines_hit[bidx]
    out_l, out_a, out_b = (
        [line[~np.isin(line, lines_hit)]],
        [x0[~np.isin(line, lines_hit)]],
        [x1[~np.isin(line, lines_hit)]],
    )
    for ln in lines_hit:  # only the few lines that cross an exclusion
        rows = np.flatnonzero(line == ln)
        cuts = bb[bline == ln][:, [0, 2]]
        cuts = cuts[np.argsort(cuts[:, 0])]
        for a, b in zip(x0[rows], x1[rows], strict=True):
            start = a
            for c0, c1 in cuts:
                if c1 <= start or c0 >= b:
                    continue
                if c0 > start:
                    out_l.append([ln]), out_a.append([start]), out_b.append([c0])
                start = max(start, c1)
            if start < b:
                out_l.append([ln]), out_a.append([start]), out_b.append([b])
    line = np.concatenate(out_l).astype(int)
    a = np.concatenate(out_a).astype(float)
    b = np.concatenate(out_b).astype(float)
    order = np.lexsort((a, line))
    return line[order], a[order], b[order]


def sweep_lines(
    area: shapely.Geometry,
    swath_m: float,
    angle_deg: float,
    exclusions: shapely.Geometry | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """Segments covering ``area``: ``(segments (m, 2, 2) [m], line numbers (m,))``.

    See :func:`line_intervals`; segments are grouped by line in increasing offset, each
    line's segments in increasing position along the direction.
    """
    iv = line_intervals(area, swath_m, angle_deg, exclusions)
    return iv.segments(), iv.line.copy()


@dataclass(frozen=True)
class Cell:
    """Rows of :class:`Intervals` (one per line, consecutive lines) swept as one block."""

    rows: np.ndarray

    def path(self, iv: Intervals, reverse_lines: bool, flip_first: bool) -> np.ndarray:
        """(k, 2, 2) segments in flying order, alternating direction. [m]"""
        rows = self.rows[::-1] if reverse_lines else self.rows
        segs = iv.segments(rows)
        flip = (np.arange(len(rows)) % 2 == 1) != flip_first
        segs[flip] = segs[flip][:, ::-1]
        return segs


def decompose(iv: Intervals, min_overlap_m: float = 1.0, kink_m: float | None = None) -> list[Cell]:
    """Group intervals into cells: consecutive lines whose intervals overlap one-to-one.

    An interval joins its predecessor's cell when it has exactly one overlapping interval on
    the previous line and that one has exactly one on this line; otherwise it starts a cell
    (a split, a merge, or a gap between lines).  With ``kink_m``, a cell also ends at a
    reflex corner of its boundary: where an end of the line moves outward by more than
    ``kink_m`` beyond how it moved on the line before (the inner corner of an L; never at
    a convex corner), so each part can be swept at its own angle. [m]
    """
    m = len(iv)
    if m == 0:
        return []
    starts = np.flatnonzero(np.r_[True, iv.line[1:] != iv.line[:-1]])
    ends = np.r_[starts[1:], m]
    line_of_group = iv.line[starts]
    n_succ = np.zeros(m, int)
    n_pred = np.zeros(m, int)
    pred = np.full(m, -1)
    for g in range(len(starts) - 1):
        if line_of_group[g + 1] != line_of_group[g] + 1:
            continue
        a = np.arange(starts[g], ends[g])
        b = np.arange(starts[g + 1], ends[g + 1])
        ov = (
            np.minimum(iv.x1[a][:, None], iv.x1[b][None, :])
            - np.maximum(iv.x0[a][:, None], iv.x0[b][None, :])
        ) >= min_overlap_m
        n_succ[a] = ov.sum(axis=1)
        n_pred[b] = ov.sum(axis=0)
        ia, ib = np.nonzero(ov)
        pred[b[ib]] = a[ia]
    cell_of = np.full(m, -1)
    members: list[list[int]] = []
    step0 = np.zeros(m)
    step1 = np.zeros(m)
    has_step = np.zeros(m, bool)  # whether a row's step from its predecessor is known
    for r in range(m):
        p = pred[r]
        joined = n_pred[r] == 1 and n_succ[p] == 1
        if joined:
            step0[r], step1[r] = iv.x0[r] - iv.x0[p], iv.x1[r] - iv.x1[p]
            has_step[r] = True
            # on a convex boundary the left end's step never decreases and the right end's
            # never increases from line to line; a jump against that is a reflex corner
            if (
                kink_m is not None
                and has_step[p]
                and (step0[r] - step0[p] < -kink_m or step1[r] - step1[p] > kink_m)
            ):
                joined = False
                has_step[r] = False
        if joined:
            cell_of[r] = cell_of[p]
            members[cell_of[r]].append(r)
        else:
            cell_of[r] = len(members)
            members.append([r])
    return [Cell(np.asarray(rows)) for rows in members]


def cell_options(cell: Cell, iv: Intervals) -> list[np.ndarray]:
    """The four ways to fly a cell: from its first or last line, first line either way."""
    return [cell.path(iv, r, f) for r in (False, True) for f in (False, True)]


def cell_region(
    cell: Cell, iv: Intervals, area: shapely.Geometry, spacing_m: float
) -> shapely.Geometry:
    """The part of ``area`` a cell's swath bands cover (local frame). [m]"""
    rows = cell.rows
    y = iv.y[iv.line[rows]]
    boxes = shapely.box(
        iv.x0[rows] - 0.01, y - 0.5 * spacing_m, iv.x1[rows] + 0.01, y + 0.5 * spacing_m
    )
    rot = _rotation(-iv.angle_deg)
    local = shapely.transform(shapely.union_all(boxes), lambda c: c @ rot)
    return shapely.intersection(local, area)


def order_cells(cells: list[Cell], iv: Intervals, start_xy: np.ndarray) -> list[np.ndarray]:
    """Chain cells nearest-first from ``start_xy``, choosing each cell's entry corner.

    Returns each cell's (k, 2, 2) segments in flying order and direction.
    """
    return order_options([cell_options(c, iv) for c in cells], start_xy)


def order_options(options: list[list[np.ndarray]], start_xy: np.ndarray) -> list[np.ndarray]:
    """Chain blocks nearest-first from ``start_xy``; each block offers alternative paths
    ((k, 2, 2) segments) and the one whose start is nearest is flown."""
    cells = options
    entries = np.array([[p[0, 0] for p in opts] for opts in options])  # (c, 4, 2)
    remaining = np.ones(len(cells), bool)
    here = np.asarray(start_xy, dtype=float)
    out = []
    for _ in range(len(cells)):
        d = np.hypot(entries[..., 0] - here[0], entries[..., 1] - here[1])
        d[~remaining] = np.inf
        c, k = np.unravel_index(np.argmin(d), d.shape)
        out.append(options[c][k])
        remaining[c] = False
        here = options[c][k][-1, 1]
    return out


def work_polyline(runs: list[np.ndarray], router) -> tuple[np.ndarray, np.ndarray]:
    """The whole work as one polyline: spray runs (lines, headland rings), joined by turns
    and cell-to-cell transits; a link whose straight line is blocked by an obstacle zone is
    routed around it."""
    ends = np.array([r[-1] for r in runs[:-1]]).reshape(-1, 2)
    starts = np.array([r[0] for r in runs[1:]]).reshape(-1, 2)
    clear = (
        router.clear_many(ends, starts)
        if router is not None and len(ends)
        else np.ones(len(ends), bool)
    )
    pts, work = [runs[0][:1]], []
    for i, run in enumerate(runs):
        if i:
            if not clear[i - 1]:
                via = router.path(ends[i - 1], starts[i - 1])[1:-1]
                pts.append(via)
                work.extend([False] * len(via))
            pts.append(run[:1])
            work.append(False)
        pts.append(run[1:])
        work.extend([True] * (len(run) - 1))
    return np.concatenate(pts), np.asarray(work, dtype=bool)
