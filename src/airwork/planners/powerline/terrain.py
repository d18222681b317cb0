"""Power-line problems on a terrain: towers and stations standing on a DEM's ground."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from airwork.errors import GeometryError
from airwork.planners.powerline.problem import PowerlineProblem

__all__ = ["on_terrain"]


def on_terrain(problem: PowerlineProblem, terrain) -> PowerlineProblem:
    """The problem with its towers and stations standing on a terrain (a DEM).

    The job's *datum* (the planner's z = 0) is the lowest ground under a tower or station;
    every tower gets its foot's elevation above it (``Tower.ground_m``) and every station
    its own (``PowerlineProblem.station_ground_m``), so conductors, crossings and vantage
    points are placed at their true heights and each flight's altitudes are given relative
    to its own take-off station.  The terrain goes with the problem, for the mapping strip
    to keep its height above the ground.

    Returns
    -------
    PowerlineProblem
        The problem on the DEM's ground, with its datum above mean sea level.

    Raises
    ------
    GeometryError
        A tower or station outside the DEM or over a nodata hole (named).
    """
    names: list[str] = []
    xy: list[tuple[float, float]] = []
    several = len(problem.lines) > 1
    for line in problem.lines:
        for t in line.towers:
            names.append(f"tower {t.id!r}" + (f" (line {line.line_id!r})" if several else ""))
            xy.append((t.x_m, t.y_m))
    for i, st in enumerate(problem.stations, start=1):
        names.append(f"station {i}")
        xy.append(st)
    pts = np.asarray(xy, dtype=float)
    z = np.asarray(terrain.elevation_m(pts[:, 0], pts[:, 1]), dtype=float)
    unknown = ~np.isfinite(z)
    if unknown.any():
        where = ", ".join(names[i] for i in np.flatnonzero(unknown)[:5])
        raise GeometryError(
            f"the DEM has no elevation under {where} (outside its extent or nodata): "
            "give a DEM that covers the whole line and every station"
        )
    datum = float(z.min())
    g = z - datum
    lines, k = [], 0
    for line in problem.lines:
        towers = tuple(replace(t, ground_m=float(g[k + j])) for j, t in enumerate(line.towers))
        k += len(towers)
        lines.append(replace(line, towers=towers, _cache={}))
    stations_g = tuple(float(v) for v in g[k:])
    return replace(
        problem,
        lines=tuple(lines),
        station_ground_m=stations_g,
        datum_amsl_m=datum,
        terrain=terrain,
    )
