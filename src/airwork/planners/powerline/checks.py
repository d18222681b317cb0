"""Where the flights may go: no-fly zones and obstacles, the right-of-way with access
lanes, and the checks that every piece of every line stays there and out of the other
lines' clearance bands (each error names the piece)."""

from __future__ import annotations

import numpy as np
import shapely

from airwork.errors import InfeasibleMissionError
from airwork.planners.powerline.lineplan import LinePlan
from airwork.planners.powerline.pieces import Piece
from airwork.planners.powerline.problem import PowerlineProblem

__all__ = ["allowed_area", "check_allowed", "check_other_lines", "forbidden_zones"]


def forbidden_zones(problem: PowerlineProblem) -> shapely.Geometry | None:
    """No-fly zones and obstacles grown by their clearance, or None."""
    parts = []
    if problem.no_fly is not None and not problem.no_fly.is_empty:
        parts.append(problem.no_fly)
    if problem.obstacles is not None and not problem.obstacles.is_empty:
        parts.append(shapely.buffer(problem.obstacles, problem.obstacle_clearance_m))
    return shapely.union_all(parts) if parts else None


def allowed_area(problem: PowerlineProblem, row, plans: list[LinePlan]):
    """The area every path must stay in (right-of-way plus access lanes to stations outside
    it, less no-fly zones and grown obstacles) and the geofence to export."""
    zone = forbidden_zones(problem)
    forbidden = [] if zone is None else [zone]
    if row is None and not forbidden:
        return None, None
    fence = None
    base = row
    if row is not None:
        lanes = [lane for lp in plans for lane in lp.lanes]
        fence = shapely.union_all([row, *lanes]) if lanes else row
        base = fence
    if base is None:
        base = shapely.box(-1e9, -1e9, 1e9, 1e9)
    allowed = shapely.difference(base, shapely.union_all(forbidden)) if forbidden else base
    # a MultiPolygon fence is fine: the .plan writes every part as an inclusion polygon
    return shapely.buffer(allowed, 0.01), fence


def _piece_geoms(lp: LinePlan) -> tuple[list[Piece], np.ndarray]:
    """Every piece of a line and its ground track."""
    pieces = [pc for row in lp.span_pieces for pc in row]
    pieces += [pc for pc in lp.end_vantage if pc is not None]
    pieces += [pc for row in lp.turn_pieces for pc in row]
    pieces += [pc for row in lp.rev_turn_pieces for pc in row]
    pieces += lp.over_f + lp.in_pieces + lp.out_pieces + lp.in_rev + lp.out_rev
    geoms = []
    for pc in pieces:
        xy = np.vstack(
            [np.asarray(pc.start)[None, :2], np.array([s[:2] for s in pc.specs], dtype=float)]
        )
        geoms.append(shapely.linestrings(xy) if len(xy) > 1 else shapely.points(xy[0]))
    return pieces, np.array(geoms, dtype=object)


def check_other_lines(plans: list[LinePlan], zones: list) -> None:
    """No piece of a line enters another line's clearance band (e.g. at a shared junction
    tower), or an error names the piece and the other line."""
    for k, lp in enumerate(plans):
        pieces, geoms = _piece_geoms(lp)
        for j, other in enumerate(plans):
            if j == k:
                continue
            hit = shapely.intersects(geoms, zones[j])
            if hit.any():
                i = int(np.argmax(hit))
                raise InfeasibleMissionError(
                    f"{pieces[i].label}: the flight path comes within the clearance of line "
                    f"{other.line.line_id!r} (lines crossing or sharing a tower are not "
                    "supported: start the branch at its first own tower)"
                )


def check_allowed(plans, allowed) -> None:
    """Every piece of every line stays in the allowed area, or an error names it."""
    shapely.prepare(allowed)
    for lp in plans:
        pieces, geoms = _piece_geoms(lp)
        ok = shapely.covered_by(geoms, allowed)
        if not ok.all():
            i = int(np.argmax(~ok))
            raise InfeasibleMissionError(
                f"{pieces[i].label}: the flight path leaves the right-of-way or enters a no-fly "
                f"zone / obstacle clearance (low flight keeps {_lat_of(lp):.1f} m from the "
                "line, vantage points the standoff)"
            )


def _lat_of(lp: LinePlan) -> float:
    low = [abs(p.lateral_m) for p in lp.passes if p.kind == "low"]
    return max(low) if low else 0.0
