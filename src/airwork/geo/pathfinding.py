"""Shortest 2D paths around forbidden zones: one module for every planner.

Field transits around pylons and trees, delivery legs around no-fly zones, inspection
repositioning: all ask "how do I get from A to B without entering these polygons?".  The
answer here is the classic visibility graph (Lozano-Pérez & Wesley 1979): the shortest
path around polygonal obstacles bends only at obstacle vertices, so a graph of the
mutually visible vertices of slightly grown zones, searched with Dijkstra, gives it.

To keep graphs small each zone is grown by ``margin_m`` and simplified to an outline that
still contains it (Douglas-Peucker, then grown back by the tolerance with mitre joins), so a
64-vertex circle becomes about eight nodes.  Node-to-node shortest distances are computed
once (scipy's all-pairs Dijkstra); a query then only finds what its two endpoints see.
Visibility tests are vectorised shapely predicates against the zones shrunk by 1 cm, so a
path may graze a zone's edge but never enter it; a segment farther from a zone part's
bounding-circle centre than its radius cannot meet it, so only the (segment, part) pairs
that pass that numpy test go to the exact predicate.

References
----------
.. [1] T. Lozano-Pérez and M. A. Wesley, "An algorithm for planning collision-free paths
       among polyhedral obstacles," Commun. ACM 22(10), 560-570, 1979.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import shapely
from scipy.sparse.csgraph import shortest_path

from airwork.errors import GeometryError, InfeasibleMissionError

__all__ = ["PathFinder"]

_GRAZE_M = 0.01


def _segment_point_distance(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> np.ndarray:
    """(n, m) distance from each segment a[i] -> b[i] to each point c[j] (vectorised). [m]"""
    d = b - a  # (n, 2)
    dd = np.einsum("ij,ij->i", d, d)
    rel = c[None, :, :] - a[:, None, :]  # (n, m, 2)
    t = np.einsum("ijk,ik->ij", rel, d) / np.where(dd > 0, dd, 1.0)[:, None]
    np.clip(t, 0.0, 1.0, out=t)
    rel -= t[:, :, None] * d[:, None, :]
    return np.hypot(rel[..., 0], rel[..., 1])


class PathFinder:
    """Shortest paths between points around forbidden zones (local frame, metres).

    Parameters
    ----------
    zones : geometry, sequence of geometries or None
        Forbidden polygons, already grown by whatever clearance the caller wants.
    margin_m : float
        Extra distance kept from the zones at the bends of a path. [m]
    prefer_inside : geometry or None
        Edges whose middle lies outside this polygon cost ``outside_penalty`` times their
        length (e.g. stay over the field where possible); reported lengths are true lengths.
    outside_penalty : float
        [-], at least 1.
    """

    def __init__(
        self,
        zones: shapely.Geometry | Sequence[shapely.Geometry] | None,
        *,
        margin_m: float = 0.5,
        prefer_inside: shapely.Geometry | None = None,
        outside_penalty: float = 1.0,
    ):
        if zones is None:
            zones = []
        if isinstance(zones, shapely.Geometry):
            zones = [zones]
        union = shapely.union_all([z for z in zones if z is not None and not z.is_empty])
        self.zones = [p for p in shapely.get_parts(union) if p.area > 0]
        self._inner = shapely.union_all([p.buffer(-_GRAZE_M) for p in self.zones])
        shapely.prepare(self._inner)
        # each part of the zones with its bounding circle: a segment farther from the centre
        # than the radius cannot meet the part, so only the rest need the exact predicate
        self._parts = np.asarray(
            [q for q in shapely.get_parts(self._inner) if not q.is_empty], dtype=object
        )
        shapely.prepare(self._parts)
        self._centre = np.zeros((len(self._parts), 2))
        self._radius = np.zeros(len(self._parts))
        for k, q in enumerate(self._parts):
            xy = shapely.get_coordinates(q)
            lo, hi = xy.min(axis=0), xy.max(axis=0)
            self._centre[k] = 0.5 * (lo + hi)
            self._radius[k] = np.sqrt(np.max(np.sum((xy - self._centre[k]) ** 2, axis=1)))
        self._inside = prefer_inside
        if prefer_inside is not None:
            shapely.prepare(prefer_inside)
        self._penalty = max(1.0, float(outside_penalty))
        self.nodes = self._make_nodes(margin_m)
        n = len(self.nodes)
        if n:
            a = np.repeat(np.arange(n), n)
            b = np.tile(np.arange(n), n)
            upper = a < b
            a, b = a[upper], b[upper]
            ok = self.clear_many(self.nodes[a], self.nodes[b])
            w = np.full((n, n), np.inf)
            cost = self._cost(self.nodes[a[ok]], self.nodes[b[ok]])
            w[a[ok], b[ok]] = cost
            w[b[ok], a[ok]] = cost
            np.fill_diagonal(w, 0.0)
            self._dist, self._pred = shortest_path(
                w, method="D", directed=False, return_predecessors=True
            )
        else:
            self._dist = np.zeros((0, 0))
            self._pred = np.zeros((0, 0), int)

    def _make_nodes(self, margin_m: float) -> np.ndarray:
        pts = []
        grown = shapely.union_all([z.buffer(margin_m, join_style="mitre") for z in self.zones])
        for poly in shapely.get_parts(grown):
            outline = poly
            if shapely.get_num_coordinates(poly) > 16:  # round zones: a few nodes only
                tol = max(0.25, 0.04 * np.sqrt(poly.area))
                outline = poly.simplify(tol).buffer(tol, join_style="mitre", mitre_limit=4.0)
            for ring in (outline.exterior, *outline.interiors):
                pts.append(shapely.get_coordinates(ring)[:-1])
        if not pts:
            return np.zeros((0, 2))
        nodes = np.concatenate(pts)
        free = ~shapely.intersects(shapely.points(nodes), self._inner)
        return nodes[free]

    def _cost(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        length = np.hypot(*(b - a).T)
        if self._inside is None or self._penalty == 1.0:
            return length
        mid = shapely.points(0.5 * (a + b))
        return np.where(shapely.contains(self._inside, mid), length, length * self._penalty)

    # ------------------------------------------------------------------ queries
    def clear_many(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """Whether each straight segment a[i] -> b[i] stays out of every zone (vectorised)."""
        a = np.asarray(a, dtype=float).reshape(-1, 2)
        b = np.asarray(b, dtype=float).reshape(-1, 2)
        if not self.zones or len(a) == 0:
            return np.ones(len(a), dtype=bool)
        out = np.ones(len(a), dtype=bool)
        if len(self._parts) == 0:
            return out
        step = max(1, 2_000_000 // len(self._parts))
        for s0 in range(0, len(a), step):
            sa, sb = a[s0 : s0 + step], b[s0 : s0 + step]
            near = _segment_point_distance(sa, sb, self._centre) <= self._radius[None, :] + 1e-6
            seg, part = np.nonzero(near)
            if len(seg) == 0:
                continue
            pa, pb = sa[seg], sb[seg]
            same = np.all(np.abs(pa - pb) < 1e-9, axis=1)
            geoms = np.where(
                same, shapely.points(pa), shapely.linestrings(np.stack([pa, pb], axis=1))
            )
            hit = shapely.intersects(geoms, self._parts[part])
            out[s0 + seg[hit]] = False
        return out

    def is_clear(self, a_xy, b_xy) -> bool:
        """Whether the straight segment a -> b stays out of every zone."""
        return bool(self.clear_many(np.asarray(a_xy)[None], np.asarray(b_xy)[None])[0])

    def _check_free(self, p: np.ndarray) -> None:
        bad = shapely.intersects(shapely.points(p), self._inner)
        if np.any(bad):
            q = p[np.argmax(bad)]
            zi = next(
                i
                for i, z in enumerate(self.zones)
                if z.buffer(-_GRAZE_M).intersects(shapely.Point(q))
            )
            raise GeometryError(
                f"point (x={q[0]:.1f} m, y={q[1]:.1f} m) is inside forbidden zone {zi}"
            )

    def _visibility(self, p: np.ndarray) -> np.ndarray:
        """(len(p), n_nodes) cost from each point to each node it sees (inf if hidden)."""
        n = len(self.nodes)
        pa = np.repeat(p, n, axis=0)
        nb = np.tile(self.nodes, (len(p), 1))
        ok = self.clear_many(pa, nb)
        cost = np.where(ok, self._cost(pa, nb), np.inf)
        return cost.reshape(len(p), n)

    def _route(self, a: np.ndarray, b: np.ndarray) -> tuple[float, list[int]]:
        va, vb = self._visibility(a[None])[0], self._visibility(b[None])[0]
        total = va[:, None] + self._dist + vb[None, :]
        i, j = np.unravel_index(np.argmin(total), total.shape)
        if not np.isfinite(total[i, j]):
            raise InfeasibleMissionError(
                f"no path from (x={a[0]:.1f} m, y={a[1]:.1f} m) to (x={b[0]:.1f} m, "
                f"y={b[1]:.1f} m) around the forbidden zones"
            )
        chain = [j]
        while chain[-1] != i:
            chain.append(int(self._pred[i, chain[-1]]))
        return float(total[i, j]), chain[::-1]

    def path(self, a_xy, b_xy) -> np.ndarray:
        """(k, 2) vertices from a to b inclusive; exactly [a, b] when the segment is clear."""
        a = np.asarray(a_xy, dtype=float)
        b = np.asarray(b_xy, dtype=float)
        self._check_free(np.stack([a, b]))
        if self.is_clear(a, b) and (
            self._inside is None
            or self._penalty == 1.0
            or self._cost(a[None], b[None])[0] <= np.hypot(*(b - a)) + 1e-9
        ):
            return np.stack([a, b])
        if self.is_clear(a, b):  # clear but outside the preferred area: compare with the graph
            try:
                cost, chain = self._route(a, b)
            except InfeasibleMissionError:
                return np.stack([a, b])
            if cost >= self._cost(a[None], b[None])[0]:
                return np.stack([a, b])
            return np.vstack([a, self.nodes[chain], b])
        if len(self.nodes) == 0:
            raise InfeasibleMissionError("no path around the forbidden zones")
        _, chain = self._route(a, b)
        return np.vstack([a, self.nodes[chain], b])

    def length_m(self, a_xy, b_xy) -> float:
        """True length of :meth:`path`. [m]"""
        p = self.path(a_xy, b_xy)
        return float(np.sum(np.hypot(*np.diff(p, axis=0).T)))

    def lengths_m(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """(n, m) shortest-path lengths between all pairs (true lengths when no
        ``prefer_inside`` is set, else path costs). [m]"""
        a = np.asarray(a, dtype=float).reshape(-1, 2)
        b = np.asarray(b, dtype=float).reshape(-1, 2)
        self._check_free(np.vstack([a, b]))
        straight = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
        aa = np.repeat(a, len(b), axis=0)
        bb = np.tile(b, (len(a), 1))
        clear = self.clear_many(aa, bb).reshape(len(a), len(b))
        out = np.where(clear, straight, np.inf)
        if clear.all() or len(self.nodes) == 0:
            return out
        # only the ends of blocked pairs need what they see of the graph
        ra = np.flatnonzero(~clear.all(axis=1))
        cb = np.flatnonzero(~clear.all(axis=0))
        va, vb = self._visibility(a[ra]), self._visibility(b[cb])
        # min over i, j of va[p, i] + D[i, j] + vb[q, j]: two min-plus products
        via_a = np.min(va[:, :, None] + self._dist[None, :, :], axis=1)  # (n', N)
        graph = np.min(via_a[:, None, :] + vb[None, :, :], axis=2)  # (n', m')
        sub = out[np.ix_(ra, cb)]
        out[np.ix_(ra, cb)] = np.where(clear[np.ix_(ra, cb)], sub, graph)
        return out

    def pair_lengths_m(
        self,
        points: np.ndarray,
        ia: np.ndarray,
        ib: np.ndarray,
        *,
        clear: np.ndarray | None = None,
        chunk: int = 250_000,
    ) -> np.ndarray:
        """Shortest-path lengths for many pairs of points, with memory linear in the pairs.

        Pair ``k`` joins ``points[ia[k]]`` to ``points[ib[k]]``: the straight length where
        the segment is clear, else :math:`\\min_{i,j} |a-n_i| + D_{ij} + |n_j-b|` over the
        graph nodes each end sees (the same value as :meth:`lengths_m`, which builds an
        ``(n, m, nodes)`` array and suits small tables only).  True lengths when no
        ``prefer_inside`` is set, else path costs. [m]

        Parameters
        ----------
        points : (n, 2) array
        ia, ib : int arrays of equal length
            Pair ends, indices into ``points``.
        clear : bool array or None
            Whether each pair's segment is clear, if the caller already knows.
        chunk : int
            Pairs processed at once.

        Raises
        ------
        GeometryError
            A point used by a pair is inside a zone.
        """
        p = np.asarray(points, dtype=float).reshape(-1, 2)
        ia = np.asarray(ia, dtype=np.int64).ravel()
        ib = np.asarray(ib, dtype=np.int64).ravel()
        used = np.unique(np.concatenate([ia, ib]))
        if len(used):
            self._check_free(p[used])
        straight = np.hypot(p[ib, 0] - p[ia, 0], p[ib, 1] - p[ia, 1])
        if clear is None:
            clear = self.clear_many(p[ia], p[ib])
        clear = np.asarray(clear, dtype=bool)
        out = np.where(clear, straight, np.inf)
        blocked = np.flatnonzero(~clear)
        if len(blocked) == 0 or len(self.nodes) == 0:
            return out
        used = np.unique(np.concatenate([ia[blocked], ib[blocked]]))
        n_nodes = len(self.nodes)
        vis = np.full((len(p), n_nodes), np.inf)
        via = np.full((len(p), n_nodes), np.inf)
        step = max(1, chunk // max(n_nodes * n_nodes, 1))
        for s in range(0, len(used), step):
            rows = used[s : s + step]
            v = self._visibility(p[rows])
            vis[rows] = v
            via[rows] = np.min(v[:, :, None] + self._dist[None, :, :], axis=1)
        for s in range(0, len(blocked), chunk):
            k = blocked[s : s + chunk]
            out[k] = np.min(via[ia[k]] + vis[ib[k]], axis=1)
        return out
