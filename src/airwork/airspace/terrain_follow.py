"""Terrain following: fly a constant height above the ground with few waypoints.

:func:`follow_terrain` takes a horizontal path, a terrain and a target height above ground
(one value, or one per path vertex), and returns waypoints whose linearly interpolated
altitude stays within ``± tolerance_m`` of the target height everywhere the path is sampled:

1. the path is sampled every ``step_m`` (default 0.5 m) and the ground taken from the
   terrain (bilinear DEM);
2. the lowest altitude profile that is never closer to the ground than
   ``target - tolerance`` and that climbs and descends no steeper than the aircraft's limits
   is built with two cumulative-maximum passes (forward for descents, backward for climbs;
   each a closed form ``z_i = max_j (L_j ± g (s_i - s_j))``, vectorised);
3. the band is closed above by the highest profile under ``max(target + tol, step 2)`` that
   also respects the limits (two cumulative-minimum passes), so from any height inside the
   band the band ahead stays reachable;
4. waypoints are chosen greedily, each as far along as a straight segment from the previous
   one can stay inside the band at every sample with a slope inside the climb/descent limits
   (a window of feasible slopes that shrinks sample by sample, vectorised per waypoint; the
   segment takes the middle of the last open window).  Original path vertices are kept.

Where the climb limit forces the profile above ``target + tolerance`` (ahead of a cliff),
the result says where and by how much (``over_tolerance_m``): the aircraft is then higher,
never lower, than asked.

:func:`terrain_follow_mission` applies this to every sortie of a planned mission, taking
each waypoint's planned altitude as its height above ground, and exports altitudes above
take-off computed from the DEM (reference ``AltitudeRef.TAKEOFF``, relative to the ground
at the sortie's take-off point, where the autopilot sets home): one reference for the whole
mission, never mixed.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, replace

import numpy as np

from airwork.aircraft.model import Aircraft
from airwork.errors import GeometryError
from airwork.flight.kinematics import CLIMB_SPEED_MPS, DESCENT_SPEED_MPS
from airwork.mission.build import SortieBuilder
from airwork.mission.model import AltitudeRef, LegKind, Mission, Sortie
from airwork.site.terrain import Terrain

__all__ = ["TerrainFollowResult", "follow_terrain", "terrain_follow_mission"]

_WINDOW = 8000  # samples searched ahead of a waypoint (4 km at 0.5 m)


@dataclass(frozen=True)
class TerrainFollowResult:
    """Waypoints following the terrain.

    Attributes
    ----------
    xy_m : (k, 2) array
        Waypoint positions (original vertices included). [m]
    amsl_m : (k,) array
        Waypoint altitudes above mean sea level. [m]
    vertex_index : (n,) int array
        Row of ``xy_m`` of each input path vertex.
    ground_m : (k,) array
        Ground elevation under each waypoint. [m]
    sample_count : int
        Samples along the path.
    max_error_m : float
        Largest deviation of the interpolated height above ground from the target at the
        samples, where the climb limits do not force the aircraft higher. [m]
    over_tolerance_m : float
        Largest height above ``target + tolerance`` forced by the climb/descent limits
        (0 when none). [m]
    over_tolerance_at_m : float
        Distance along the path of that place. [m]
    """

    xy_m: np.ndarray
    amsl_m: np.ndarray
    vertex_index: np.ndarray
    ground_m: np.ndarray
    sample_count: int
    max_error_m: float
    over_tolerance_m: float
    over_tolerance_at_m: float


def _sample_path(xy: np.ndarray, step_m: float):
    d = np.diff(xy, axis=0)
    seg_len = np.hypot(d[:, 0], d[:, 1])
    n = np.maximum(1, np.ceil(seg_len / step_m - 1e-9)).astype(np.int64)
    seg = np.repeat(np.arange(len(d)), n)
    start = np.cumsum(n) - n
    t = (np.arange(seg.size) - start[seg]) / n[seg]
    seg = np.append(seg, len(d) - 1)
    t = np.append(t, 1.0)
    pts = xy[seg] + t[:, None] * d[seg]
    s0 = np.concatenate([[0.0], np.cumsum(seg_len)])
    s = s0[seg] + t * seg_len[seg]
    vertex_sample = np.append(start, seg.size - 1)
    return pts, s, seg, t, vertex_sample


def _smooth(lo: np.ndarray, s: np.ndarray, up: float, down: float) -> np.ndarray:
    """Lowest profile >= lo whose rises are <= up * ds and falls <= down * ds."""
    z = lo.copy()
    if math.isfinite(down):
        z = np.maximum.accumulate(z + down * s) - down * s
    if math.isfinite(up):
        z = np.maximum.accumulate((z - up * s)[::-1])[::-1] + up * s
    return z


def _ceiling(hi: np.ndarray, s: np.ndarray, up: float, down: float) -> np.ndarray:
    """Highest profile <= hi whose rises are <= up * ds and falls <= down * ds."""
    u = hi.copy()
    if math.isfinite(up):
        u = np.minimum.accumulate(u - up * s) + up * s
    if math.isfinite(down):
        u = np.minimum.accumulate((u + down * s)[::-1])[::-1] - down * s
    return u


def _cone(s, lo, hi, y0: float, a: int, b: int, up: float, down: float):
    """Greedy longest segments from (s[a], y0) to sample b inside [lo, hi] at every sample,
    slopes in [-down, up]: the window of feasible slopes shrinks with each sample ahead; a
    segment ends where it would close.  Returns (sample indices, altitudes), a excluded."""
    idx: list[int] = []
    alt: list[float] = []
    i, y = a, y0
    while i < b:
        e = min(b, i + _WINDOW)
        ds = s[i + 1 : e + 1] - s[i]
        ds = np.where(ds > 0, ds, 1e-9)
        lo_slope = np.maximum(np.maximum.accumulate((lo[i + 1 : e + 1] - y) / ds), -down)
        hi_slope = np.minimum(np.minimum.accumulate((hi[i + 1 : e + 1] - y) / ds), up)
        open_ = lo_slope <= hi_slope + 1e-12
        k = len(open_) - 1 if open_.all() else max(int(np.argmin(open_)) - 1, 0)
        slope = 0.5 * (lo_slope[k] + hi_slope[k])
        if not open_[k]:  # numerical corner: one sample ahead, clamp into the band
            slope = lo_slope[k]
        j = i + 1 + k
        y = float(np.clip(y + slope * ds[k], lo[j], max(hi[j], lo[j])))
        idx.append(j)
        alt.append(y)
        i = j
    return idx, alt


def follow_terrain(
    path_xy_m,
    terrain: Terrain,
    target_agl_m,
    *,
    tolerance_m: float = 1.0,
    max_climb_grad: float = math.inf,
    max_descent_grad: float = math.inf,
    step_m: float = 0.5,
) -> TerrainFollowResult:
    """Waypoints along a path keeping a height above ground within a tolerance.

    Parameters
    ----------
    path_xy_m : (n, 2) array
        Horizontal path in the terrain's local frame. [m]
    terrain : Terrain
    target_agl_m : float or (n,) array
        Height above ground wanted, per vertex (linear along segments). [m]
    tolerance_m : float
        Allowed deviation either side. [m]
    max_climb_grad, max_descent_grad : float
        Steepest climb and descent as a gradient (vertical speed / ground speed). [-]
    step_m : float
        Sampling step. [m]

    Returns
    -------
    TerrainFollowResult

    Raises
    ------
    GeometryError
        Fewer than 2 vertices, a non-positive tolerance or step, or a path that leaves the
        terrain or crosses a nodata hole (with the distance along the path).
    """
    xy = np.asarray(path_xy_m, dtype=float).reshape(-1, 2)
    if len(xy) < 2:
        raise GeometryError("terrain following needs a path of at least 2 vertices")
    if not (tolerance_m > 0 and step_m > 0):
        raise GeometryError(
            f"terrain following needs tolerance_m > 0 and step_m > 0, got {tolerance_m}, {step_m}"
        )
    if not (max_climb_grad > 0 and max_descent_grad > 0):
        raise GeometryError("climb and descent gradients must be > 0")
    target_v = np.broadcast_to(np.asarray(target_agl_m, dtype=float), (len(xy),)).copy()
    pts, s, seg, t, vsample = _sample_path(xy, step_m)
    g = terrain.elevation_m(pts[:, 0], pts[:, 1])
    if not np.all(np.isfinite(g)):
        k = int(np.argmax(~np.isfinite(g)))
        raise GeometryError(
            f"terrain following: the path has no ground elevation {s[k]:.0f} m along it "
            f"(x={pts[k, 0]:.1f} m, y={pts[k, 1]:.1f} m) on the {terrain.description}"
        )
    target = target_v[seg] + t * (target_v[np.minimum(seg + 1, len(xy) - 1)] - target_v[seg])
    # a little margin inside the tolerance for the ground's bilinear curvature between
    # samples
    tol_in = tolerance_m - min(0.05 * tolerance_m, 0.05)
    lo = g + target - tol_in
    hi = g + target + tol_in
    z = _smooth(lo, s, max_climb_grad, max_descent_grad)
    # the band flown in: above the lowest safe profile z, below the highest slope-feasible
    # profile under max(target + tol, z); from any height in it the next sample's band can
    # be reached within the climb/descent limits
    top = _ceiling(np.maximum(hi, z), s, max_climb_grad, max_descent_grad)
    y0 = float(np.clip(g[0] + target[0], z[0], top[0]))
    chosen: list[int] = [0]
    heights: list[float] = [y0]
    for a, b in itertools.pairwise(vsample):
        if b > a:
            idx, alt = _cone(
                s, z, top, heights[-1], int(a), int(b), max_climb_grad, max_descent_grad
            )
            chosen += idx
            heights += alt
        else:
            chosen.append(int(b))
            heights.append(heights[-1])
    chosen_arr = np.array(chosen)
    # map vertices to rows (every vertex is a chosen sample by construction)
    vertex_index = np.searchsorted(chosen_arr, vsample)
    wp_amsl = np.array(heights)
    interp = np.interp(s, s[chosen_arr], wp_amsl)
    err = interp - g - target
    forced = z > g + target + tol_in + 1e-9
    free = ~forced
    max_err = float(np.max(np.abs(err[free]))) if free.any() else 0.0
    over = np.where(forced, err - tolerance_m, 0.0)
    k = int(np.argmax(over))
    return TerrainFollowResult(
        xy_m=pts[chosen_arr],
        amsl_m=wp_amsl,
        vertex_index=vertex_index,
        ground_m=g[chosen_arr],
        sample_count=int(s.size),
        max_error_m=max_err,
        over_tolerance_m=float(max(over[k], 0.0)),
        over_tolerance_at_m=float(s[k]),
    )


def _follow_sortie(
    sortie: Sortie,
    terrain: Terrain,
    aircraft: Aircraft,
    tolerance_m: float,
    climb_rate_mps: float,
    descent_rate_mps: float,
    step_m: float,
) -> tuple[Sortie, dict]:
    wps, legs = sortie.waypoints, sortie.legs
    n = len(wps)
    if n < 4 or legs[0].kind != LegKind.TAKEOFF or legs[-1].kind != LegKind.LANDING:
        raise GeometryError(
            f"sortie {sortie.index}: terrain following needs take-off, flight and landing legs"
        )
    air = list(range(1, n - 1))  # airborne waypoints
    xy = np.array([(wps[i].x_m, wps[i].y_m) for i in air])
    target = np.array([wps[i].alt_m for i in air])
    # merge repeated positions (hover, climb in place): keep the higher target
    keep = np.ones(len(xy), dtype=bool)
    keep[1:] = np.hypot(*np.diff(xy, axis=0).T) > 1e-6
    group = np.cumsum(keep) - 1
    uxy = xy[keep]
    utarget = np.full(int(group[-1]) + 1, -np.inf)
    np.maximum.at(utarget, group, target)
    speeds = [leg.speed_mps for leg in legs[1:-1] if leg.distance_m > 0] or [5.0]
    v = max(speeds)
    if len(uxy) < 2:
        uxy = np.vstack([uxy, uxy + np.array([1e-3, 0.0])])
        utarget = np.append(utarget, utarget[-1])
    res = follow_terrain(
        uxy,
        terrain,
        utarget,
        tolerance_m=tolerance_m,
        max_climb_grad=climb_rate_mps / v,
        max_descent_grad=descent_rate_mps / v,
        step_m=step_m,
    )
    station = np.array([wps[0].x_m, wps[0].y_m])
    home_ground = float(terrain.elevation_m(station[:1], station[1:])[0])
    if not math.isfinite(home_ground):
        raise GeometryError(f"sortie {sortie.index}: the take-off point is off the terrain")
    rel = res.amsl_m - home_ground
    b = SortieBuilder(
        aircraft,
        (wps[0].x_m, wps[0].y_m),
        float(rel[res.vertex_index[0]]),
        legs[0].payload_kg,
        climb_speed_mps=legs[0].speed_mps,
        descent_speed_mps=legs[-1].speed_mps,
    )
    if wps[0].actions:
        b._wps[0] = replace(b._wps[0], actions=wps[0].actions)
    b.add_actions(*wps[1].actions)
    if wps[1].hold_s:
        b._wps[-1] = replace(b._wps[-1], hold_s=wps[1].hold_s)
    for k in range(1, n - 2):  # leg k joins waypoint k to k + 1 (both airborne)
        leg = legs[k]
        r0 = res.vertex_index[group[k - 1]]
        r1 = res.vertex_index[group[k]]
        end = wps[k + 1]
        if r1 > r0 + 1:
            inner = res.xy_m[r0 + 1 : r1]
            d_all = max(leg.distance_m, 1e-9)
            dist = np.hypot(inner[:, 0] - wps[k].x_m, inner[:, 1] - wps[k].y_m)
            for p, a, dd in zip(inner, rel[r0 + 1 : r1], dist, strict=True):
                frac = min(dd / d_all, 1.0)
                b.goto(
                    p[0],
                    p[1],
                    a,
                    kind=leg.kind,
                    speed_mps=leg.speed_mps,
                    payload_end_kg=leg.payload_kg + frac * (leg.payload_end_kg - leg.payload_kg),
                    spraying=leg.spraying,
                    camera=leg.camera,
                )
        b.goto(
            end.x_m,
            end.y_m,
            float(rel[r1]),
            kind=leg.kind,
            speed_mps=leg.speed_mps,
            payload_end_kg=leg.payload_end_kg,
            spraying=leg.spraying,
            camera=leg.camera,
            hold_s=end.hold_s,
            actions=end.actions,
        )
    b.land(wps[-1].x_m, wps[-1].y_m)
    out = b.build(
        sortie.index,
        station_index=sortie.station_index,
        landing_station_index=sortie.landing_station_index,
    )
    if wps[-1].actions:
        last = replace(out.waypoints[-1], actions=wps[-1].actions)
        out = replace(out, waypoints=(*out.waypoints[:-1], last))
    info = {
        "sortie": sortie.index,
        "waypoints_before": n,
        "waypoints_after": len(out.waypoints),
        "samples": res.sample_count,
        "max_error_m": round(res.max_error_m, 3),
        "over_tolerance_m": round(res.over_tolerance_m, 2),
        "home_ground_amsl_m": round(home_ground, 2),
    }
    return out, info


def terrain_follow_mission(
    mission: Mission,
    terrain: Terrain,
    aircraft: Aircraft,
    *,
    tolerance_m: float = 1.0,
    climb_rate_mps: float = CLIMB_SPEED_MPS,
    descent_rate_mps: float = DESCENT_SPEED_MPS,
    step_m: float = 0.5,
) -> tuple[Mission, list[dict]]:
    """A mission whose planned altitudes become heights above the terrain.

    Each airborne waypoint's planned altitude is taken as its height above ground; legs get
    the waypoints :func:`follow_terrain` needs; altitudes are exported above the ground at
    each sortie's take-off point (``AltitudeRef.TAKEOFF``), and ``home_amsl_m`` is the
    ground at the first sortie's take-off point.  Legs are re-priced with the aircraft
    model.

    Parameters
    ----------
    mission : Mission
        Planned with ``AltitudeRef.TAKEOFF`` over flat ground.
    terrain : Terrain
    aircraft : Aircraft
    tolerance_m : float
        [m]
    climb_rate_mps, descent_rate_mps : float
        Vertical speed limits; with the fastest leg speed they give the gradients. [m/s]
    step_m : float
        Sampling step. [m]

    Returns
    -------
    (Mission, list of dict)
        The new mission and one info dict per sortie (waypoints before/after, errors).

    Raises
    ------
    GeometryError
        A mission not referenced to take-off, or a path off the terrain.
    """
    if mission.altitude_ref != AltitudeRef.TAKEOFF:
        raise GeometryError(
            f"mission {mission.name!r}: terrain following starts from altitudes above "
            f"take-off, got {mission.altitude_ref.value}"
        )
    sorties, infos = [], []
    for s in mission.sorties:
        out, info = _follow_sortie(
            s, terrain, aircraft, tolerance_m, climb_rate_mps, descent_rate_mps, step_m
        )
        sorties.append(out)
        infos.append(info)
    home = infos[0]["home_ground_amsl_m"] if infos else mission.home_amsl_m
    return replace(mission, sorties=tuple(sorties), home_amsl_m=float(home)), infos
