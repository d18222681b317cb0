"""Power-line problems from a read job: towers and lines, stations, right-of-way, no-fly
zones and obstacles (local frame).

Job file roles: ``tower`` (Point: ``id``, ``height_m``, optional ``line_id``, ``seq``,
``voltage_kv``, ``crossarm_half_m``, ``sag_m``), ``line`` (LineString whose vertices are
towers: ``line_id``, ``tower_heights_m`` (list or comma-separated) or ``height_m``, optional
``voltage_kv``, ``crossarm_half_m``), ``station``, ``right_of_way`` (or ``row``) polygons,
``obstacle`` and ``no_fly`` polygons.
"""

from __future__ import annotations

from typing import Any

import shapely

from airwork.aircraft import load_aircraft
from airwork.aircraft.model import Aircraft
from airwork.errors import GeometryError
from airwork.mission.model import Feature
from airwork.planners.powerline.line import PowerLine, Tower
from airwork.planners.powerline.problem import PowerlineProblem
from airwork.site.model import Site, SiteFeature

__all__ = ["lines_from_job", "powerline_problem"]

_ROW_ROLES = ("right_of_way", "row", "right-of-way")


def _num(f: SiteFeature, key: str, default: float | None = None) -> float | None:
    """A numeric property of a feature, or ``default`` when absent."""
    value = f.properties.get(key)
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GeometryError(f"{f.source}: {key} must be a number, got {value!r}") from None


def _role(f: SiteFeature) -> str:
    """A feature's role, normalised (``right-of-way`` -> ``right_of_way``)."""
    return str(f.role).strip().lower().replace("-", "_").replace(" ", "_")


def lines_from_job(
    job: Site, *, sag_frac: float = 0.03, default_height_m: float | None = None
) -> list[PowerLine]:
    """Power lines from the ``tower`` and ``line`` features of a job (local frame).

    Towers are grouped by ``line_id`` (default ``"1"``) and ordered by ``seq`` when every
    tower of the line has one, else in file order.  Raises GeometryError naming the feature
    for a missing height, a non-point tower, a duplicated ``seq``.
    """
    groups: dict[str, list[tuple[float | None, int, Tower]]] = {}
    out: list[PowerLine] = []
    k = 0
    for f in job.other:
        role = _role(f)
        if role == "tower":
            lid, seq, tower = _tower(f, k, default_height_m)
            groups.setdefault(lid, []).append((seq, k, tower))
            k += 1
        elif role == "line":
            out.append(_line(f, len(out), sag_frac, default_height_m))
    for lid, items in groups.items():
        out.append(_line_of_towers(lid, items, sag_frac))
    if not out:
        raise GeometryError(
            "the job has no feature with role 'tower' or 'line' (the power line to inspect)"
        )
    return out


def _tower(
    f: SiteFeature, k: int, default_height_m: float | None
) -> tuple[str, float | None, Tower]:
    """A ``tower`` feature (the ``k``-th): its line id, ``seq`` and the tower."""
    if f.geometry.geom_type != "Point":
        raise GeometryError(f"{f.source}: a tower must be a Point, got {f.geometry.geom_type}")
    h = _num(f, "height_m", default_height_m)
    if h is None:
        raise GeometryError(f"{f.source}: the tower has no height_m")
    lid = str(f.properties.get("line_id", "1"))
    tid = str(f.properties.get("id", f.properties.get("name", f"{lid}-{k + 1}")))
    tower = Tower(
        tid,
        float(f.geometry.x),
        float(f.geometry.y),
        float(h),
        float(_num(f, "crossarm_half_m", 3.0)),
        _num(f, "voltage_kv"),
        _num(f, "sag_m"),
    )
    return lid, _num(f, "seq"), tower


def _line(f: SiteFeature, before: int, sag_frac: float, default_height_m) -> PowerLine:
    """A ``line`` feature (``before`` lines read before it): towers at its vertices."""
    geom = f.geometry
    if geom.geom_type != "LineString":
        raise GeometryError(f"{f.source}: a line must be a LineString, got {geom.geom_type}")
    xy = shapely.get_coordinates(geom)
    lid = str(f.properties.get("line_id", f.properties.get("id", f"line{before + 1}")))
    hs: Any = f.properties.get("tower_heights_m")
    if isinstance(hs, str):
        hs = [v for v in hs.replace(";", ",").split(",") if v.strip()]
    if hs is None:
        h = _num(f, "height_m", default_height_m)
        if h is None:
            raise GeometryError(f"{f.source}: the line needs tower_heights_m or height_m")
        hs = [h] * len(xy)
    try:
        hs = [float(v) for v in hs]
    except (TypeError, ValueError):
        raise GeometryError(f"{f.source}: tower_heights_m must be numbers") from None
    if len(hs) != len(xy):
        raise GeometryError(f"{f.source}: {len(hs)} tower heights for {len(xy)} vertices (towers)")
    half = float(_num(f, "crossarm_half_m", 3.0))
    volt = _num(f, "voltage_kv")
    towers = tuple(
        Tower(f"{lid}-{i + 1}", float(p[0]), float(p[1]), hs[i], half, volt)
        for i, p in enumerate(xy)
    )
    return PowerLine(lid, towers, sag_frac=sag_frac)


def _line_of_towers(lid: str, items: list, sag_frac: float) -> PowerLine:
    """The towers ``(seq, k, tower)`` of line ``lid`` in ``seq`` order when every one has
    a ``seq``, else in file order."""
    seqs = [s for s, _, _ in items]
    if all(s is not None for s in seqs):
        dup = {s for s in seqs if seqs.count(s) > 1}
        if dup:
            ids = [t.id for s, _, t in items if s in dup]
            raise GeometryError(f"line {lid!r}: towers {ids} share the seq {sorted(dup)}")
        items = sorted(items, key=lambda it: it[0])
    return PowerLine(lid, tuple(t for _, _, t in items), sag_frac=sag_frac)


def powerline_problem(
    job: Site, aircraft: str | Aircraft, name: str, *, sag_frac: float = 0.03
) -> tuple[PowerlineProblem, list[str]]:
    """Turn a read job into a power-line problem with the named catalogue ``aircraft``;
    also returns notes for the person planning (ignored fields).

    Raises
    ------
    GeometryError
        No station, no tower or line, or a bad tower or line feature (named).
    """
    notes: list[str] = []
    lines = lines_from_job(job, sag_frac=sag_frac)
    row = [f.geometry for f in job.other if _role(f) in _ROW_ROLES]
    no_fly = [f.geometry for f in job.other if _role(f) == "no_fly"]
    if job.stations:
        stations = tuple((p.geometry.x, p.geometry.y) for p in job.stations)
    else:
        raise GeometryError("the job has no station (role 'station'): give road-side launch points")
    if job.fields:
        notes.append(f"{len(job.fields)} field(s) ignored by a power-line inspection")
    features = tuple(
        Feature(_role(f) if _role(f) in _ROW_ROLES else f.role, f.geometry, dict(f.properties))
        for f in (*job.other, *job.obstacles, *job.stations)
    )
    problem = PowerlineProblem(
        lines=tuple(lines),
        stations=stations,
        aircraft=aircraft if isinstance(aircraft, Aircraft) else load_aircraft(aircraft),
        frame=job.frame,
        right_of_way=shapely.union_all(row) if row else None,
        obstacles=shapely.union_all([f.geometry for f in job.obstacles]) if job.obstacles else None,
        no_fly=shapely.union_all(no_fly) if no_fly else None,
        features=features,
        name=name,
    )
    return problem, notes
