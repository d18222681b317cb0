"""Seeded power-line generator for tests, benchmarks and examples.

Kinds of line (heading east from the first tower):

``straight``
    Equal spans on a straight line.
``zigzag``
    Spans turning alternately left and right by ``turn_deg``.
``branch``
    A straight main line and a second line leaving its middle tower at 60°.
``long``
    Spans 1.8 to 2.4 times ``span_m`` (river or valley crossings).
``hilly``
    Tower heights varying from 0.6 to 1.8 times ``height_m`` and a gently winding line.

Stations are road-side points beside every ``station_every`` towers, alternately left and
right of the line, ``station_offset_m`` from it, inside the right-of-way.  Coordinates are
metres in the UTM frame of ``origin_lonlat``, the first tower at that origin.
:meth:`SynthLineJob.to_geojson` gives the job as a GeoJSON dict for callers to write.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import shapely

from airwork.geo.frame import LocalFrame
from airwork.planners.powerline.line import PowerLine, Tower

__all__ = ["KINDS", "SynthLineJob", "synth_line_job"]

KINDS = ("straight", "zigzag", "branch", "long", "hilly")


@dataclass(frozen=True)
class SynthLineJob:
    """A generated job: lines, stations and right-of-way (local frame, metres)."""

    lines: tuple[PowerLine, ...]
    stations: np.ndarray
    right_of_way: shapely.Geometry
    row_width_m: float
    frame: LocalFrame

    def to_geojson(self) -> dict:
        """The job as a GeoJSON FeatureCollection in lon/lat (towers, stations, row)."""
        frame = self.frame
        feats = []
        for ln in self.lines:
            lon, lat = frame.to_lonlat(ln.xy_m[:, 0], ln.xy_m[:, 1])
            for k, t in enumerate(ln.towers):
                props = {
                    "role": "tower",
                    "id": t.id,
                    "line_id": ln.line_id,
                    "seq": k,
                    "height_m": t.height_m,
                    "crossarm_half_m": t.crossarm_half_m,
                }
                if t.voltage_kv is not None:
                    props["voltage_kv"] = t.voltage_kv
                feats.append(_feature("Point", [float(lon[k]), float(lat[k])], props))
        lon, lat = frame.to_lonlat(self.stations[:, 0], self.stations[:, 1])
        for k in range(len(self.stations)):
            feats.append(
                _feature(
                    "Point",
                    [float(lon[k]), float(lat[k])],
                    {"role": "station", "name": f"S{k + 1}"},
                )
            )
        row = frame.geometry_to_lonlat(self.right_of_way)
        for part in shapely.get_parts(row):
            ring = np.round(np.asarray(part.exterior.coords), 8).tolist()
            holes = [np.round(np.asarray(r.coords), 8).tolist() for r in part.interiors]
            feats.append(_feature("Polygon", [ring, *holes], {"role": "right_of_way"}))
        return {"type": "FeatureCollection", "features": feats}


def _feature(kind: str, coords, props: dict) -> dict:
    return {
        "type": "Feature",
        "geometry": {"type": kind, "coordinates": coords},
        "properties": props,
    }


def _chain(start, heading_deg, spans, turns_deg) -> np.ndarray:
    pts = [np.asarray(start, dtype=float)]
    h = math.radians(heading_deg)
    for k, s in enumerate(spans):
        if k > 0:
            h += math.radians(turns_deg[k - 1])
        pts.append(pts[-1] + s * np.array([math.cos(h), math.sin(h)]))
    return np.array(pts)


def synth_line_job(
    kind: str = "straight",
    n_towers: int = 12,
    *,
    span_m: float = 300.0,
    height_m: float = 30.0,
    crossarm_half_m: float = 3.0,
    voltage_kv: float = 110.0,
    turn_deg: float = 30.0,
    row_width_m: float = 80.0,
    station_every: int = 6,
    station_offset_m: float = 25.0,
    seed: int = 0,
    origin_lonlat: tuple[float, float] = (11.0, 48.0),
) -> SynthLineJob:
    """Generate a line job of one of :data:`KINDS`, reproducibly from ``seed``.

    Parameters
    ----------
    kind : str
    n_towers : int
        Towers of the (main) line, at least 2.
    span_m : float
        Typical span. [m]
    height_m : float
        Typical tower height. [m]
    crossarm_half_m : float
        [m]
    voltage_kv : float
        [kV]
    turn_deg : float
        Turn of the zig-zag. [°]
    row_width_m : float
        Right-of-way width, centred on the line. [m]
    station_every : int
        A station beside every so many towers (and the last one).
    station_offset_m : float
        Distance of stations from the line. [m]
    seed : int
    origin_lonlat : (float, float)
        Position of the first tower; the frame is its UTM zone. [°]

    Returns
    -------
    SynthLineJob
    """
    if kind not in KINDS:
        raise ValueError(f"Expected kind in {KINDS}, got {kind!r}.")
    if n_towers < 2:
        raise ValueError(f"Expected n_towers >= 2, got {n_towers}.")
    rng = np.random.default_rng(seed)
    ns = n_towers - 1
    spans = span_m * rng.uniform(0.9, 1.1, ns)
    turns = np.zeros(max(ns - 1, 0))
    heights = height_m * rng.uniform(0.95, 1.05, n_towers)
    if kind == "zigzag":
        turns = turn_deg * np.where(np.arange(len(turns)) % 2 == 0, 1.0, -1.0)
    elif kind == "long":
        spans = span_m * rng.uniform(1.8, 2.4, ns)
        heights = height_m * rng.uniform(1.4, 1.6, n_towers)
    elif kind == "hilly":
        heights = height_m * rng.uniform(0.6, 1.8, n_towers)
        turns = rng.uniform(-10.0, 10.0, len(turns))
    frame = LocalFrame.for_lonlat(*origin_lonlat)
    x0, y0 = frame.to_local(*origin_lonlat)
    xy = _chain((float(x0), float(y0)), 0.0, spans, turns)
    chains = [("L1", xy, heights)]
    if kind == "branch":
        mid = n_towers // 2
        nb = max(3, n_towers // 2)
        bs = span_m * rng.uniform(0.9, 1.1, nb - 1)
        bxy = _chain(xy[mid], 60.0, bs, np.zeros(nb - 2))
        # the branch starts beside the junction tower (its own first tower)
        bxy = bxy[1:]
        chains.append(("L2", bxy, height_m * rng.uniform(0.95, 1.05, len(bxy))))
    lines = []
    for lid, pts, hs in chains:
        towers = tuple(
            Tower(f"{lid}-{k + 1}", float(p[0]), float(p[1]), float(h), crossarm_half_m, voltage_kv)
            for k, (p, h) in enumerate(zip(pts, hs, strict=True))
        )
        lines.append(PowerLine(lid, towers))
    stations = []
    for ln in lines:
        idx = list(range(0, ln.n, station_every))
        if idx[-1] != ln.n - 1:
            idx.append(ln.n - 1)
        mitre = ln.mitre_m
        for k, i in enumerate(idx):
            side = 1.0 if k % 2 == 0 else -1.0
            m = mitre[i] / np.hypot(*mitre[i])
            stations.append(ln.xy_m[i] + side * station_offset_m * m)
    row = shapely.union_all(
        [
            shapely.buffer(ln.centreline, row_width_m / 2.0, join_style="mitre", mitre_limit=10.0)
            for ln in lines
        ]
        + [shapely.buffer(shapely.multipoints(ln.xy_m[[0, -1]]), row_width_m / 2.0) for ln in lines]
    )
    return SynthLineJob(tuple(lines), np.array(stations), row, row_width_m, frame)
