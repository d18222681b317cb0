"""The inclusion geofence a planned mission carries: one polygon around everything it flies.

An autopilot takes an inclusion fence as one polygon the aircraft must stay in (ArduPilot
requires every inclusion polygon to hold the vehicle), so the fence must be one connected
polygon that contains the whole flight.  It is the convex hull of the work area, the
stations and every waypoint, grown by a margin; obstacles are carved out of it by half the
planning clearance, mitred, (GPS error near an obstacle then breaches the fence while the plan keeps
the full clearance), except an obstacle whose carving would cut the fence in two or leave a
waypoint outside: a strip of trees or a power line across the whole field is kept out of
the plan by the path-finder, not by the fence (and the planner says so).
"""

from __future__ import annotations

import numpy as np
import shapely

__all__ = ["inclusion_fence"]


def inclusion_fence(
    area: shapely.Geometry,
    points_xy: np.ndarray,
    obstacles: shapely.Geometry | None,
    carve_m: float,
    margin_m: float,
) -> tuple[shapely.Polygon, tuple[str, ...]]:
    """The mission's inclusion fence and a note per obstacle left uncarved.

    Parameters
    ----------
    area : Polygon or MultiPolygon
        The work area (field, survey area). [m]
    points_xy : (n, 2) array
        Every point the flight passes: stations and waypoints. [m]
    obstacles : geometry or None
        Obstacles to carve out. [m]
    carve_m : float
        Distance around each obstacle taken out of the fence (half the planning
        clearance). [m]
    margin_m : float
        Growth of the hull. [m]

    Returns
    -------
    (Polygon, tuple of str)
        One polygon containing every point; notes naming the obstacles not carved.
    """
    pts = np.asarray(points_xy, dtype=float).reshape(-1, 2)
    hull = shapely.convex_hull(shapely.union(area, shapely.multipoints(pts))).buffer(margin_m)
    if obstacles is None or obstacles.is_empty:
        return hull, ()
    parts = shapely.get_parts(obstacles)
    carved = shapely.difference(hull, _grown(shapely.union_all(parts), carve_m))
    if _holds(carved, pts):
        return carved, ()
    fence = hull
    skipped = 0
    for part in sorted(parts, key=lambda g: -g.area):  # the big ones decide connectivity
        trial = shapely.difference(fence, _grown(part, carve_m))
        if _holds(trial, pts):
            fence = trial
        else:
            skipped += 1
    note = (
        f"{skipped} obstacle(s) cross the whole flight area, so the geofence cannot leave "
        "them out and stay one polygon: the path keeps its clearance from them, the fence "
        "does not enforce it",
    )
    return fence, note


def _grown(obstacle: shapely.Geometry, carve_m: float) -> shapely.Geometry:
    """The obstacle grown by ``carve_m`` with mitred corners (a pylon's square stays a
    4-vertex square, which an autopilot's small fence storage holds; round corners would
    cost some 30 vertices a pylon), each corner reaching at most ``1.5 carve_m`` out, within
    the planning clearance of ``2 carve_m`` the path keeps."""
    return shapely.buffer(obstacle, carve_m, join_style="mitre", mitre_limit=1.5)


def _holds(fence: shapely.Geometry, pts: np.ndarray) -> bool:
    """One polygon that contains every point."""
    return (
        fence.geom_type == "Polygon"
        and not fence.is_empty
        and bool(np.all(shapely.contains_xy(fence, pts[:, 0], pts[:, 1])))
    )
