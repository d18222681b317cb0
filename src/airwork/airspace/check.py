"""Safety check of a mission against airspace, terrain, obstacles, battery and wind.

Every leg of every sortie is sampled densely (every ``step_m``, default 1 m, along the
longer of its horizontal and vertical extent) and the samples are checked vectorised:
shapely 2 ``STRtree`` queries and ``contains_xy`` for zones and obstacles, numpy for
altitudes and bilinear DEM sampling.  Consecutive violating samples of one kind (and one
zone or obstacle) are reported once, at their worst sample, with sortie, item, latitude,
longitude and by how much.

Altitudes: a waypoint altitude above take-off is taken above the ground at the sortie's
take-off point (where the autopilot sets home), one above mean sea level as it is, one in
the terrain frame above the ground below it.  Between waypoints altitude is interpolated
linearly above mean sea level, except on legs ending at a terrain-frame waypoint, where the
height above ground is interpolated (the autopilot follows the terrain).

Violation kinds (``Violation.kind``):

``geofence_exit``          outside an inclusion zone (2-D or its altitude band) [m]
``no_fly_entry``           inside an exclusion zone's area and band [m of penetration]
``agl_over_max``           higher above the ground than ``max_agl_m`` [m]
``agl_under_min``          lower above the ground than ``min_agl_m`` (negative: in the
                           ground), except on vertical take-off and landing legs [m]
``relative_altitude_terrain``  the same for altitudes above take-off over a DEM: a
                           relative-altitude mission over rising terrain [m]
``obstacle_clearance``     within the horizontal clearance of a tall obstacle and below its
                           top plus the vertical clearance [m]
``energy``                 the sortie needs more than the battery less its reserve [Wh]
``wind_limit``             wind over the aircraft's ``max_wind_mps`` [m/s]
``speed_limit``            airspeed needed to hold the commanded ground speed against the
                           wind vector, over the aircraft's ``max_speed_mps`` [m/s]
``unsupported_command``    an item the target autopilot rejects [-]
``rally_point``            a rally point outside the geofence or inside a no-fly zone [m]
``autopilot_limit``        more mission items, fence items or rally points than the autopilot
                           profile stores [items or bytes over] (:mod:`.autopilot_limits`)
``device_missing``         an item for a device the profile lacks [items]
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import shapely
from pymavlink import mavutil

from airwork.aircraft.model import Aircraft
from airwork.airspace.autopilot_limits import check_autopilot
from airwork.airspace.flight_time import nav_for_profile, track_extra_s, track_time_s
from airwork.airspace.integrity import integrity_violations
from airwork.airspace.report import (
    ACCEPTED_COMMANDS,
    CheckConfig,
    CheckReport,
    Violation,
)
from airwork.airspace.tracks import (
    REF_GROUND,
    REF_MSL,
    REF_TAKEOFF,
    FlightInput,
    Track,
    from_mission,
)
from airwork.autopilot.items import Autopilot, command_name
from airwork.autopilot.mission_items import mission_items
from airwork.errors import AirworkError, ExportError, GeometryError, InfeasibleMissionError
from airwork.flight.air import job_air
from airwork.flight.conditions import Conditions
from airwork.limits import MAX_CHECK_SAMPLES, MAX_SORTIE_SAMPLES, require_budget
from airwork.mission.model import Mission
from airwork.site.terrain import FlatTerrain, Terrain
from airwork.site.zones import Obstacle, Zone

_ML = mavutil.mavlink
_EPS = 1e-6

__all__ = [
    "ACCEPTED_COMMANDS",
    "CheckConfig",
    "CheckReport",
    "Violation",
    "check_flight",
    "preflight",
    "require_clear",
]

# --------------------------------------------------------------------------- sampling


@dataclass
class _Samples:
    x: np.ndarray
    y: np.ndarray
    leg: np.ndarray  # leg index of each sample (last sample: last leg)
    amsl: np.ndarray
    agl: np.ndarray
    ground: np.ndarray
    vertical: np.ndarray
    item: np.ndarray  # item flown to
    wp_amsl: np.ndarray
    wp_agl: np.ndarray
    home_ground: float


def _densify(track: Track, step_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Leg index and fraction along the leg of every sample, last waypoint included."""
    m = len(track.xy_m) - 1
    length = _leg_lengths(track)
    n = np.maximum(1, np.ceil(length / step_m - 1e-9)).astype(np.int64)
    leg = np.repeat(np.arange(m), n)
    start = np.cumsum(n) - n
    t = (np.arange(leg.size) - start[leg]) / n[leg]
    return np.append(leg, m - 1), np.append(t, 1.0)


def _leg_lengths(track: Track) -> np.ndarray:
    """Sampled length of each leg: the longer of its horizontal and vertical extent. [m]"""
    d = np.diff(track.xy_m, axis=0)
    return np.maximum(np.hypot(d[:, 0], d[:, 1]), np.abs(np.diff(track.alt_m)))


def _require_sample_budget(flight: FlightInput, step_m: float) -> None:
    """Refuse a check whose samples would exceed the budgets of
    :mod:`airwork.limits` (a tiny ``--step-m`` over a long mission) before any array is
    made: :data:`MAX_SORTIE_SAMPLES` per sortie (memory), :data:`MAX_CHECK_SAMPLES` in all
    (time)."""
    total_m = count = 0.0
    for track in flight.tracks:
        length = _leg_lengths(track)
        if not np.all(np.isfinite(length)):
            k = int(np.argmax(~np.isfinite(length)))
            raise GeometryError(
                f"sortie {track.sortie}, item {int(track.item[k + 1])}: the leg has no finite "
                "length (a position or altitude that is not a number)"
            )
        n = float(np.maximum(1.0, np.ceil(length / step_m - 1e-9)).sum()) + 1.0
        require_budget(
            n,
            MAX_SORTIE_SAMPLES,
            f"--step-m {step_m:g} along sortie {track.sortie} ({length.sum() / 1000:,.1f} km) "
            "needs",
            "samples",
            f"use --step-m {max(1.01 * length.sum() / MAX_SORTIE_SAMPLES, 0.01):.3g} or more",
        )
        total_m += float(length.sum())
        count += n
    require_budget(
        count,
        MAX_CHECK_SAMPLES,
        f"--step-m {step_m:g} over {total_m / 1000:,.1f} km of legs needs",
        "samples",
        f"use --step-m {max(1.01 * total_m / MAX_CHECK_SAMPLES, 0.01):.3g} or more",
    )


def _locate(flight: FlightInput, track: Track, x: float, y: float) -> str:
    lon, lat = flight.frame.to_lonlat(x, y)
    return f"sortie {track.sortie} near ({float(lat):.6f}, {float(lon):.6f})"


def _sample(flight: FlightInput, track: Track, terrain: Terrain, step_m: float) -> _Samples:
    leg, t = _densify(track, step_m)
    xy = track.xy_m
    d = np.diff(xy, axis=0)
    x = xy[leg, 0] + t * d[leg, 0]
    y = xy[leg, 1] + t * d[leg, 1]
    g = terrain.elevation_m(x, y)
    gw = terrain.elevation_m(xy[:, 0], xy[:, 1])
    home = np.asarray(track.home_xy_m, dtype=float)
    hg = terrain.elevation_m(home[:1], home[1:2])
    bad = ~np.isfinite(g)
    if bad.any() or not np.all(np.isfinite(gw)) or not np.isfinite(hg[0]):
        if bad.any():
            i = int(np.argmax(bad))
            px, py, item = x[i], y[i], int(track.item[leg[i] + 1])
        elif not np.isfinite(hg[0]):
            px, py, item = home[0], home[1], int(track.item[0])
        else:
            i = int(np.argmax(~np.isfinite(gw)))
            px, py, item = xy[i, 0], xy[i, 1], int(track.item[i])
        covered = bool(np.asarray(terrain.covers(np.array([px]), np.array([py])))[0])
        why = "crosses a nodata hole of" if covered else "leaves the extent of"
        raise GeometryError(
            f"{_locate(flight, track, px, py)}, item {item}: the path {why} the "
            f"{terrain.description}; no ground elevation there"
        )
    home_ground = float(hg[0])
    ref = track.ref
    alt = track.alt_m
    wp_amsl = np.where(
        ref == REF_TAKEOFF, home_ground + alt, np.where(ref == REF_MSL, alt, gw + alt)
    )
    wp_agl = wp_amsl - gw
    a0, a1 = wp_amsl[leg], wp_amsl[leg + 1]
    h0, h1 = wp_agl[leg], wp_agl[leg + 1]
    follow = ref[leg + 1] == REF_GROUND
    amsl = np.where(follow, g + h0 + t * (h1 - h0), a0 + t * (a1 - a0))
    return _Samples(
        x=x,
        y=y,
        leg=leg,
        amsl=amsl,
        agl=amsl - g,
        ground=g,
        vertical=track.vertical[leg],
        item=track.item[leg + 1],
        wp_amsl=wp_amsl,
        wp_agl=wp_agl,
        home_ground=home_ground,
    )


# --------------------------------------------------------------------------- helpers


def _runs(idx: np.ndarray, group: np.ndarray | None = None) -> list[np.ndarray]:
    """Split sorted sample indices into runs of consecutive samples (and equal group)."""
    if idx.size == 0:
        return []
    brk = np.diff(idx) != 1
    if group is not None:
        brk |= np.diff(group) != 0
    return np.split(np.arange(idx.size), np.flatnonzero(brk) + 1)


class _Collector:
    def __init__(self, flight: FlightInput, track: Track, s: _Samples):
        self.flight, self.track, self.s = flight, track, s
        self.rows: list[tuple] = []

    def add(self, kind, sample, amount, unit, limit, what, message):
        self.rows.append((kind, int(sample), float(amount), unit, limit, what, message))

    def add_runs(self, kind, idx, amount, unit, limit, what_fn, msg_fn, group=None):
        """One violation per run of ``idx`` (sorted sample indices), at its worst amount."""
        for run in _runs(idx, group):
            k = run[int(np.argmax(amount[run]))]
            i = int(idx[k])
            self.add(kind, i, amount[k], unit, limit, what_fn(k), msg_fn(float(amount[k]), k))

    def violations(self) -> list[Violation]:
        if not self.rows:
            return []
        s = self.s
        idx = np.array([r[1] for r in self.rows])
        lon, lat = self.flight.frame.to_lonlat(s.x[idx], s.y[idx])
        lon = np.atleast_1d(np.asarray(lon, dtype=float))
        lat = np.atleast_1d(np.asarray(lat, dtype=float))
        out = []
        for j, (kind, i, amount, unit, limit, what, message) in enumerate(self.rows):
            out.append(
                Violation(
                    kind=kind,
                    sortie=self.track.sortie,
                    item=int(s.item[i]),
                    lat_deg=round(float(lat[j]), 8),
                    lon_deg=round(float(lon[j]), 8),
                    amsl_m=round(float(s.amsl[i]), 3),
                    agl_m=round(float(s.agl[i]), 3),
                    amount=round(amount, 3),
                    unit=unit,
                    limit=limit,
                    what=what,
                    message=message,
                )
            )
        return out


def _band_value(s: _Samples, p: np.ndarray, amsl_ref: np.ndarray) -> np.ndarray:
    return np.where(amsl_ref, s.amsl[p], s.agl[p])


def _band_text(z: Zone) -> str:
    if not z.has_band:
        return ""
    lo = f"{z.floor_m:g}" if math.isfinite(z.floor_m) else "ground"
    hi = f"{z.ceiling_m:g}" if math.isfinite(z.ceiling_m) else "unlimited"
    return f" (band {lo}-{hi} m {z.altitude_ref.upper()})"


# --------------------------------------------------------------------------- checks


class _ZoneIndex:
    """Zones prepared once for every track."""

    def __init__(self, zones: Sequence[Zone]):
        self.incl = [z for z in zones if z.inclusion]
        self.excl = [z for z in zones if not z.inclusion]
        geoms = np.array([z.geometry for z in self.excl], dtype=object)
        self.tree = shapely.STRtree(geoms) if len(geoms) else None
        self.bound = shapely.boundary(geoms) if len(geoms) else geoms
        self.floor = np.array([z.floor_m for z in self.excl], dtype=float)
        self.ceiling = np.array([z.ceiling_m for z in self.excl], dtype=float)
        self.amsl = np.array([z.altitude_ref == "amsl" for z in self.excl], dtype=bool)
        for z in self.incl:
            shapely.prepare(z.geometry)


def _check_no_fly(c: _Collector, zi: _ZoneIndex, pts: np.ndarray) -> None:
    if zi.tree is None:
        return
    s = c.s
    p, z = zi.tree.query(pts, predicate="intersects")
    if p.size == 0:
        return
    val = _band_value(s, p, zi.amsl[z])
    inband = (val >= zi.floor[z]) & (val <= zi.ceiling[z])
    p, z, val = p[inband], z[inband], val[inband]
    if p.size == 0:
        return
    order = np.lexsort((p, z))
    p, z, val = p[order], z[order], val[order]
    horiz = shapely.distance(zi.bound[z], pts[p])
    vert = np.minimum(val - zi.floor[z], zi.ceiling[z] - val)
    amount = np.minimum(horiz, vert)

    def msg(a, k):
        zone = zi.excl[z[k]]
        return f"enters no-fly zone {zone.name}{_band_text(zone)} by {a:.1f} m"

    c.add_runs("no_fly_entry", p, amount, "m", None, lambda k: zi.excl[z[k]].name, msg, group=z)


def _check_geofence(c: _Collector, zi: _ZoneIndex, pts: np.ndarray) -> None:
    s = c.s
    for zone in zi.incl:
        inside2d = shapely.contains_xy(zone.geometry, s.x, s.y)
        val = s.amsl if zone.altitude_ref == "amsl" else s.agl
        below = np.maximum(zone.floor_m - val, 0.0)
        above = np.maximum(val - zone.ceiling_m, 0.0)
        out = ~inside2d | (below > 0) | (above > 0)
        idx = np.flatnonzero(out)
        if idx.size == 0:
            continue
        amount = np.maximum(below[idx], above[idx])
        off = ~inside2d[idx]
        if off.any():
            amount[off] = np.maximum(amount[off], shapely.distance(zone.geometry, pts[idx[off]]))
        c.add_runs(
            "geofence_exit",
            idx,
            amount,
            "m",
            None,
            lambda k, zone=zone: zone.name,
            lambda a, k, zone=zone: f"leaves geofence {zone.name}{_band_text(zone)} by {a:.1f} m",
        )


def _check_heights(c: _Collector, cfg: CheckConfig, terrain: Terrain) -> None:
    s, track = c.s, c.track
    over = np.flatnonzero(s.agl > cfg.max_agl_m + _EPS)
    c.add_runs(
        "agl_over_max",
        over,
        s.agl[over] - cfg.max_agl_m,
        "m",
        cfg.max_agl_m,
        lambda k: "height above ground",
        lambda a, k: f"{a:.1f} m above the {cfg.max_agl_m:g} m height limit above ground",
    )
    low = np.flatnonzero(~s.vertical & (s.agl < cfg.min_agl_m - _EPS))
    if low.size == 0:
        return
    relative = (track.ref[s.leg[low] + 1] == REF_TAKEOFF) & (not terrain.is_flat)
    for flag, kind in ((relative, "relative_altitude_terrain"), (~relative, "agl_under_min")):
        idx = low[flag]
        amount = cfg.min_agl_m - s.agl[idx]

        def msg(a, k, kind=kind, idx=idx):
            agl = s.agl[idx[k]]
            where = "in the ground" if agl < 0 else f"{agl:.1f} m above the ground"
            if kind == "relative_altitude_terrain":
                return (
                    f"altitude above take-off over rising terrain: {where}, {a:.1f} m under "
                    f"the {cfg.min_agl_m:g} m minimum (use terrain following)"
                )
            return f"{where}, {a:.1f} m under the {cfg.min_agl_m:g} m minimum height"

        c.add_runs(kind, idx, amount, "m", cfg.min_agl_m, lambda k: "terrain", msg)


class _ObstacleIndex:
    def __init__(self, obstacles: Sequence[Obstacle], cfg: CheckConfig, terrain: Terrain, flight):
        self.obstacles = list(obstacles)
        if not self.obstacles:
            self.tree = None
            return
        grown = [o.geometry.buffer(cfg.obstacle_clearance_m, quad_segs=8) for o in obstacles]
        self.tree = shapely.STRtree(np.array(grown, dtype=object))
        rp = shapely.get_coordinates(
            shapely.point_on_surface(np.array([o.geometry for o in obstacles], dtype=object))
        )
        base = terrain.elevation_m(rp[:, 0], rp[:, 1])
        if not np.all(np.isfinite(base)):
            o = self.obstacles[int(np.argmax(~np.isfinite(base)))]
            raise GeometryError(f"{o.name}: the obstacle is off the {terrain.description}")
        self.top = base + np.array([o.height_m for o in obstacles])


def _check_obstacles(c: _Collector, oi: _ObstacleIndex, cfg: CheckConfig, pts) -> None:
    if oi.tree is None:
        return
    s = c.s
    p, o = oi.tree.query(pts, predicate="intersects")
    if p.size == 0:
        return
    need = oi.top[o] + cfg.obstacle_vertical_clearance_m
    bad = s.amsl[p] < need - _EPS
    p, o, need = p[bad], o[bad], need[bad]
    if p.size == 0:
        return
    order = np.lexsort((p, o))
    p, o, need = p[order], o[order], need[order]
    amount = need - s.amsl[p]
    c.add_runs(
        "obstacle_clearance",
        p,
        amount,
        "m",
        cfg.obstacle_clearance_m,
        lambda k: oi.obstacles[o[k]].name,
        lambda a, k: (
            f"within {cfg.obstacle_clearance_m:g} m of obstacle {oi.obstacles[o[k]].name} "
            f"(top {oi.top[o[k]]:.1f} m AMSL) and {a:.1f} m under its top plus "
            f"{cfg.obstacle_vertical_clearance_m:g} m"
        ),
        group=o,
    )


def _leg_mean(s: _Samples, values: np.ndarray, m: int) -> np.ndarray:
    n = np.bincount(s.leg, minlength=m)
    return np.bincount(s.leg, weights=values, minlength=m) / np.maximum(n, 1)


def _check_aircraft(
    c: _Collector, cfg: CheckConfig, aircraft: Aircraft, budget_wh: float, stats: dict
) -> None:
    s, track = c.s, c.track
    wind = cfg.wind
    m = len(track.xy_m) - 1
    start = np.searchsorted(s.leg, np.arange(m))  # first sample of each leg
    limit = aircraft.airframe.max_wind_mps
    ws = wind.at(s.agl)[0]
    over = np.flatnonzero(ws > limit + _EPS)
    c.add_runs(
        "wind_limit",
        over,
        ws[over] - limit,
        "m/s",
        limit,
        lambda k: "wind",
        lambda a, k: (
            f"wind {ws[over[k]]:.1f} m/s is {a:.1f} m/s over the aircraft's {limit:g} m/s limit"
        ),
    )
    mean_agl = _leg_mean(s, s.agl, m)
    cond = Conditions(aircraft, wind=wind)
    xyz = np.column_stack([track.xy_m, s.wp_amsl])
    payload = track.payload_kg
    if track.energy_wh is None and cfg.payload_kg is not None:
        payload = np.full(m, float(cfg.payload_kg))
    # Commanded speeds are ground speeds (ArduPilot's WPNAV speed and our DO_CHANGE_SPEED
    # type 1): the aircraft flies the airspeed the wind triangle asks for (Conditions).
    hold = track.hold_s[1:]
    nav = nav_for_profile(cfg.profile, cfg.autopilot)
    stats["flight_time_s"] = round(track_time_s(track, nav), 1)  # as ArduCopter flies it
    if track.energy_wh is None:
        # an imported mission carries no prices: the time it takes beyond distance over
        # speed as ArduCopter flies it (S-curve legs, blended corners, stops, take-off and
        # landing: airwork.airspace.flight_time), hovered
        hold = hold + track_extra_s(track, nav)
    kw = dict(vertical=track.vertical, working=track.working, hold_s=hold, agl_m=mean_agl)
    windy = cond.price_legs(xyz, track.speed_mps, payload, corners=False, **kw)
    air = windy.airspeed_mps
    moving = air > 0
    vmax = aircraft.max_speed_mps
    fast = np.flatnonzero(moving & (air > vmax + _EPS))
    if fast.size:
        c.add_runs(
            "speed_limit",
            start[fast],
            (air - vmax)[fast],
            "m/s",
            vmax,
            lambda k: "speed",
            lambda a, k: (
                f"airspeed {air[fast[k]]:.1f} m/s is {a:.1f} m/s over the "
                f"aircraft's {vmax:g} m/s maximum"
            ),
            group=np.arange(fast.size),
        )
    if not cfg.check_energy:
        return
    energy = windy.energy_wh
    if track.energy_wh is not None and cfg.wind_in_energy:
        energy = track.energy_wh
    elif track.energy_wh is not None:
        # the file's energies were priced in the wind it was planned in (calm unless the
        # file says): only the difference to this check's wind is added
        planned = c.flight.planned_wind
        base = cond if planned is None else Conditions(aircraft, wind=planned)
        then = base.price_legs(
            xyz, track.speed_mps, payload, corners=False, with_wind=planned is not None, **kw
        ).energy_wh
        energy = track.energy_wh + (windy.energy_wh - then)
    cum = np.cumsum(energy)
    total = float(cum[-1]) if cum.size else 0.0
    stats["energy_wh"] = round(total, 2)
    stats["budget_wh"] = round(budget_wh, 2)
    stats["battery_frac_of_budget"] = round(total / budget_wh, 4) if budget_wh > 0 else None
    if total > budget_wh * (1 + 1e-9):
        k = int(np.argmax(cum > budget_wh))
        c.add(
            "energy",
            start[k],
            total - budget_wh,
            "Wh",
            budget_wh,
            "battery",
            f"sortie needs {total:.0f} Wh, {total - budget_wh:.0f} Wh more than the "
            f"{budget_wh:.0f} Wh available above the landing reserve (runs out on this leg)",
        )


def _check_commands(flight: FlightInput, track: Track, c: _Collector, autopilot: Autopilot) -> None:
    s = c.s
    if flight.mission is not None:
        try:
            mission_items(flight.mission, track.sortie, autopilot=autopilot)
        except ExportError as exc:
            c.add("unsupported_command", 0, 0.0, "", None, "export", str(exc))
        return
    allowed = ACCEPTED_COMMANDS[autopilot]
    for seq, cmd in track.commands:
        if cmd in allowed:
            continue
        # locate at the first sample flying to an item at or after this one
        i = int(np.searchsorted(s.item, seq)) if np.all(np.diff(s.item) >= 0) else 0
        i = min(i, len(s.x) - 1)
        c.add(
            "unsupported_command",
            i,
            0.0,
            "",
            None,
            command_name(cmd),
            f"item {seq}: {command_name(cmd)} ({cmd}) is not accepted by {autopilot.value} "
            "in missions",
        )


def _check_rally(
    flight: FlightInput, zi: _ZoneIndex, terrain: Terrain, home_ground: float
) -> list[Violation]:
    xy = flight.rally_xy_m
    if len(xy) == 0:
        return []
    g = terrain.elevation_m(xy[:, 0], xy[:, 1])
    amsl = home_ground + flight.rally_alt_m
    agl = amsl - g
    lon, lat = flight.frame.to_lonlat(xy[:, 0], xy[:, 1])
    lon, lat = np.atleast_1d(lon), np.atleast_1d(lat)
    out = []
    for j in range(len(xy)):
        pt = shapely.Point(xy[j])
        bad: list[str] = []
        for z in zi.incl:
            if not z.geometry.contains(pt):
                bad.append(f"outside geofence {z.name}")
        for z in zi.excl:
            v = amsl[j] if z.altitude_ref == "amsl" else agl[j]
            if z.geometry.intersects(pt) and z.floor_m <= v <= z.ceiling_m:
                bad.append(f"inside no-fly zone {z.name}")
        for why in bad:
            out.append(
                Violation(
                    kind="rally_point",
                    sortie=0,
                    item=j,
                    lat_deg=round(float(lat[j]), 8),
                    lon_deg=round(float(lon[j]), 8),
                    amsl_m=round(float(amsl[j]), 3),
                    agl_m=round(float(agl[j]), 3),
                    amount=0.0,
                    unit="m",
                    limit=None,
                    what="rally point",
                    message=f"rally point {j} is {why}",
                )
            )
    return out


# --------------------------------------------------------------------------- entry points


def _resolve_aircraft(flight: FlightInput, cfg: CheckConfig, notes: list[str]) -> Aircraft | None:
    """The aircraft to check with: the one given, else the one the mission carries, else a
    preset of the mission's aircraft name."""
    if cfg.aircraft is not None:
        return cfg.aircraft
    if flight.aircraft is not None:
        return flight.aircraft
    carried = [t.aircraft for t in flight.tracks if t.aircraft is not None]
    if carried:
        return carried[0]
    if flight.aircraft_name:
        from airwork.aircraft import load_aircraft

        try:
            return load_aircraft(flight.aircraft_name)
        except AirworkError:
            pass
    notes.append("no aircraft given: battery, wind and speed limits not checked")
    return None


def check_flight(flight: FlightInput, config: CheckConfig | None = None) -> CheckReport:
    """Check a mission in the common form (see :mod:`airwork.airspace.tracks`).

    Parameters
    ----------
    flight : FlightInput
    config : CheckConfig or None

    Returns
    -------
    CheckReport

    Raises
    ------
    GeometryError
        The path leaves the DEM or crosses a nodata hole (the message names the place), or
        an obstacle is off the DEM.
    AircraftError
        An imported mission's payload is over the aircraft's limit.
    """
    t0 = time.perf_counter()
    cfg = config or CheckConfig()
    notes = list(flight.notes)
    if cfg.terrain is not None:
        terrain = cfg.terrain
    else:
        ground = cfg.ground_amsl_m
        if ground is None:
            ground = flight.home_amsl_m if flight.home_amsl_m is not None else 0.0
        terrain = FlatTerrain(float(ground))
    aircraft = _resolve_aircraft(flight, cfg, notes)
    if aircraft is not None and (cfg.aircraft is not None or flight.aircraft is None):
        # not carried with the air it was planned in: fly it in the air of this ground
        lines = [shapely.linestrings(t.xy_m) for t in flight.tracks if len(t.xy_m) > 1]
        aircraft = job_air(None, cfg.air_temperature_c, terrain, lines).fly(aircraft)
    imported = any(t.energy_wh is None for t in flight.tracks)
    if aircraft is not None and imported and cfg.payload_kg is None and not flight.payload_known:
        # a .plan or .waypoints says nothing of the load: assume the worst, never none
        cfg = replace(cfg, payload_kg=aircraft.max_payload_kg)
        notes.append(
            f"the mission file carries no payload: energy checked with a full "
            f"{aircraft.max_payload_kg:.1f} kg load all the way (set --payload-kg for a "
            f"lighter one; airwork's own mission.geojson carries each leg's payload)"
        )
    reserve = flight.reserve_frac
    zi = _ZoneIndex([*flight.zones, *cfg.zones])
    oi = _ObstacleIndex(cfg.obstacles, cfg, terrain, flight)
    autopilot = Autopilot(cfg.autopilot) if cfg.autopilot is not None else None
    if flight.source == "geojson" and autopilot is not None:
        notes.append("mission.geojson carries no MAVLink commands: command check skipped")
        autopilot = None
    _require_sample_budget(flight, cfg.step_m)
    report = CheckReport(mission=flight.name, notes=notes, terrain=terrain.description)
    home_ground = None
    limits_cache: dict = {}  # the mission's autopilot limits, worked out once
    for track in flight.tracks:
        s = _sample(flight, track, terrain, cfg.step_m)
        if home_ground is None:
            home_ground = s.home_ground
        pts = shapely.points(s.x, s.y)
        c = _Collector(flight, track, s)
        _check_geofence(c, zi, pts)
        _check_no_fly(c, zi, pts)
        _check_heights(c, cfg, terrain)
        _check_obstacles(c, oi, cfg, pts)
        stats: dict[str, Any] = {
            "sortie": track.sortie,
            "samples": int(s.x.size),
            "max_agl_m": round(float(np.max(s.agl)), 2),
            "min_agl_m_airborne": round(float(np.min(s.agl[~s.vertical])), 2)
            if np.any(~s.vertical)
            else None,
        }
        craft, r = aircraft, reserve
        own = track.aircraft is not None and track.aircraft != flight.aircraft
        if cfg.aircraft is None and own:
            craft = track.aircraft  # a fleet mission: each sortie's own aircraft and reserve
            r = craft.reserve_frac
        if craft is not None:
            r = craft.reserve_frac if r is None else r
            _check_aircraft(c, cfg, craft, craft.usable_energy_wh * (1.0 - r), stats)
        if autopilot is not None:
            _check_commands(flight, track, c, autopilot)
            check_autopilot(flight, track, c, cfg.profile, autopilot, limits_cache)
        report.violations += c.violations()
        report.samples += int(s.x.size)
        report.sorties.append(stats)
    report.violations += _check_rally(
        flight, zi, terrain, home_ground if home_ground is not None else 0.0
    )
    report.violations += integrity_violations(flight, cfg.autopilot)  # items as written
    report.runtime_s = round(time.perf_counter() - t0, 4)
    return report


def preflight(mission: Mission, config: CheckConfig | None = None) -> CheckReport:
    """Check a planned mission before its files are written: the one call every planner's
    CLI makes.

    Parameters
    ----------
    mission : Mission
    config : CheckConfig or None
        Default: flat ground at ``mission.home_amsl_m``, the mission's own geofence, the
        mission's aircraft (by name) and battery budget, calm air, 120 m height limit,
        ArduPilot commands.

    Returns
    -------
    CheckReport
        Use :func:`require_clear` to turn violations into an error.
    """
    return check_flight(from_mission(mission), config)


def require_clear(report: CheckReport, *, limit: int = 20) -> CheckReport:
    """Return the report if it has no violation, else raise listing them.

    Raises
    ------
    InfeasibleMissionError
        With one line per violation (at most ``limit``).
    """
    if report.ok:
        return report
    counts = ", ".join(f"{n} {k}" for k, n in report.counts().items())
    lines = "\n  ".join(report.lines(limit))
    raise InfeasibleMissionError(
        f"mission {report.mission!r} fails the safety check ({counts}):\n  {lines}"
    )
