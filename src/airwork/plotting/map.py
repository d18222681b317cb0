"""A map of a mission a person can read, for every kind of job.

The rules (the web app follows the same ones): sorties coloured in sequence with a
colour-blind-safe map (``cividis``), never a repeating palette; a legend of sorties up to
:data:`LEGEND_SORTIES`, a colour bar of sortie numbers beyond; every input layer in the
legend (fields, obstacles, no-spray and no-fly zones, corridors, towers, hubs, orders,
stations) with its names; work drawn solid, transits dashed; photo points; a scale bar, a
north arrow and a longitude/latitude graticule over the local metric frame.
"""

from __future__ import annotations

import math

import numpy as np
import shapely

from airwork.mission.model import ActionKind, LegKind, Mission

__all__ = ["LEGEND_SORTIES", "plot_mission"]

LEGEND_SORTIES = 12
"""Most sorties listed one by one in the legend; more get a colour bar."""

_AREA_STYLE = {
    "field": ({"facecolor": "#e8f3dc", "edgecolor": "#4d7c2a", "linewidth": 1.2}, "field"),
    "obstacle": (
        {"facecolor": "#f2b8b5", "edgecolor": "#a3231b", "linewidth": 1.0, "hatch": "xx"},
        "obstacle",
    ),
    "no_spray": (
        {"facecolor": "#d6e6f5", "edgecolor": "#2a5d8f", "linewidth": 1.0, "hatch": ".."},
        "no-spray zone",
    ),
    "no_fly": (
        {"facecolor": "#fbe3d6", "edgecolor": "#c4451c", "linewidth": 1.2, "hatch": "//"},
        "no-fly zone",
    ),
    "right_of_way": (
        {"facecolor": "#f4efdc", "edgecolor": "#8c7a34", "linewidth": 0.8},
        "right of way",
    ),
    "geofence": (
        {"facecolor": "none", "edgecolor": "#555555", "linewidth": 0.8, "linestyle": ":"},
        "geofence",
    ),
}
_POINT_STYLE = {
    "tower": ({"marker": "s", "s": 28, "color": "#333333"}, "tower"),
    "hub": ({"marker": "^", "s": 80, "color": "#000000"}, "hub"),
    "order": ({"marker": "o", "s": 10, "color": "#2a7d2a"}, "order served"),
}


def _nice_length(span_m: float) -> float:
    """A round scale-bar length near a fifth of the span. [m]"""
    target = max(span_m / 5.0, 1.0)
    exp = 10 ** math.floor(math.log10(target))
    for m in (1, 2, 5, 10):
        if m * exp >= target:
            return m * exp
    return 10 * exp


def _draw_polygon(ax, geom, **style) -> None:
    from matplotlib.patches import PathPatch
    from matplotlib.path import Path

    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon":
            continue
        verts, codes = [], []
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)
            verts.extend(xy.tolist())
            codes.extend([Path.MOVETO] + [Path.LINETO] * (len(xy) - 2) + [Path.CLOSEPOLY])
        ax.add_patch(PathPatch(Path(verts, codes), **style))


def _label(props: dict) -> str | None:
    for key in ("name", "id"):
        if props.get(key) not in (None, ""):
            return str(props[key])
    return None


def _layers(ax, mission: Mission) -> list:
    """Input features by role; returns legend handles, one per role present."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    handles, seen = [], set()
    for feat in mission.features:
        geom, role = feat.geometry, feat.role
        if role in _AREA_STYLE and geom.geom_type in ("Polygon", "MultiPolygon"):
            style, text = _AREA_STYLE[role]
            _draw_polygon(ax, geom, **style, zorder=1)
            if role not in seen:
                handles.append(Patch(**style, label=text))
        elif role in _POINT_STYLE and geom.geom_type == "Point":
            style, text = _POINT_STYLE[role]
            if role == "order" and feat.properties.get("served") is False:
                style, text = {"marker": "x", "s": 22, "color": "#c01010"}, "order unserved"
            ax.scatter([geom.x], [geom.y], zorder=5, **style)
            name = _label(feat.properties)
            if name and role == "tower":
                ax.annotate(
                    name,
                    (geom.x, geom.y),
                    xytext=(4, 4),
                    textcoords="offset points",
                    fontsize=7,
                    zorder=6,
                )
            key = f"{role}:{text}"
            if key not in seen:
                seen.add(key)
                handles.append(Line2D([], [], linestyle="none", label=text, **_legend(style)))
            continue
        elif role == "line" and geom.geom_type == "LineString":
            xy = np.asarray(geom.coords)[:, :2]
            ax.plot(xy[:, 0], xy[:, 1], color="#333333", linewidth=1.0, zorder=4)
            if role not in seen:
                handles.append(Line2D([], [], color="#333333", label="power line"))
        else:
            continue
        seen.add(role)
    return handles


def _legend(style: dict) -> dict:
    return {"marker": style["marker"], "color": style["color"], "markersize": 6}


def _sorties(ax, mission: Mission, swath_m: float | None):
    """Every sortie's legs, coloured in sequence; returns (colour map, norm, handles)."""
    import matplotlib.pyplot as plt
    from matplotlib.collections import LineCollection
    from matplotlib.colors import Normalize
    from matplotlib.lines import Line2D

    n = len(mission.sorties)
    cmap = plt.get_cmap("cividis")
    norm = Normalize(vmin=1, vmax=max(n, 2))
    work, transit, wcol, tcol, photos = [], [], [], [], []
    handles = []
    for s in mission.sorties:
        color = cmap(norm(s.index))
        xy = s.xy_m
        for i, leg in enumerate(s.legs):
            if leg.kind in (LegKind.TAKEOFF, LegKind.LANDING) or leg.distance_m <= 0:
                continue
            if leg.spraying or leg.camera or leg.kind == LegKind.WORK:
                work.append(xy[i : i + 2])
                wcol.append(color)
            else:
                transit.append(xy[i : i + 2])
                tcol.append(color)
        photos += [
            (w.x_m, w.y_m)
            for w in s.waypoints
            if any(a.kind is ActionKind.CAMERA_PHOTO for a in w.actions)
        ]
        if swath_m:
            _swath(ax, s, swath_m, color)
        if n <= LEGEND_SORTIES:
            label = (
                f"sortie {s.index}: {s.time_s / 60:.1f} min, {s.battery_frac * 100:.0f}% battery"
            )
            handles.append(Line2D([], [], color=color, linewidth=2, label=label))
    if work:
        ax.add_collection(LineCollection(work, colors=wcol, linewidths=1.4, zorder=3))
    if transit:
        ax.add_collection(
            LineCollection(transit, colors=tcol, linewidths=0.8, linestyles="--", zorder=3)
        )
        handles.append(Line2D([], [], color="grey", linestyle="--", label="transit / return"))
    if photos:
        p = np.asarray(photos)
        ax.scatter(
            p[:, 0],
            p[:, 1],
            marker="o",
            s=8,
            facecolor="white",
            edgecolor="#d45500",
            linewidths=0.8,
            zorder=4,
        )
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="white",
                markeredgecolor="#d45500",
                label="photo point",
            )
        )
    return cmap, norm, handles


def _swath(ax, sortie, swath_m: float, color) -> None:
    xy = sortie.xy_m
    work = [i for i, leg in enumerate(sortie.legs) if leg.spraying]
    if not work:
        return
    segs = np.stack([xy[work], xy[np.asarray(work) + 1]], axis=1)
    bands = shapely.buffer(shapely.linestrings(segs), swath_m / 2, cap_style="flat")
    _draw_polygon(
        ax, shapely.union_all(bands), facecolor=color, alpha=0.22, edgecolor="none", zorder=2
    )


def _stations(ax, mission: Mission) -> list:
    from matplotlib.lines import Line2D

    st = np.asarray(mission.stations, dtype=float).reshape(-1, 2)
    if not len(st):
        return []
    names = [_label(f.properties) for f in mission.features if f.role in ("station", "hub")]
    ax.scatter(st[:, 0], st[:, 1], marker="^", s=90, color="black", zorder=5)
    for i, (x, y) in enumerate(st):
        text = names[i] if i < len(names) and names[i] else f"S{i + 1}"
        ax.annotate(text, (x, y), xytext=(6, 6), textcoords="offset points", fontsize=8, zorder=6)
    return [Line2D([], [], marker="^", color="black", linestyle="none", label="station")]


def _frame_furniture(ax, mission: Mission) -> None:
    """Margins, a scale bar, a north arrow and a lon/lat graticule."""
    ax.set_aspect("equal")
    ax.autoscale_view()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    pad = 0.08 * max(x1 - x0, y1 - y0, 1.0)
    x0, x1, y0, y1 = x0 - pad, x1 + pad, y0 - pad, y1 + pad
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    span = max(x1 - x0, y1 - y0)
    bar = _nice_length(x1 - x0)
    bx, by = x1 - 0.04 * (x1 - x0) - bar, y0 + 0.04 * (y1 - y0)
    ax.plot([bx, bx + bar], [by, by], color="black", linewidth=3, solid_capstyle="butt", zorder=6)
    ax.text(bx + bar / 2, by + 0.012 * span, f"{bar:g} m", ha="center", va="bottom", zorder=6)
    ax.annotate(
        "N",
        xy=(x1 - 0.04 * (x1 - x0), y1 - 0.04 * (y1 - y0)),
        xytext=(x1 - 0.04 * (x1 - x0), y1 - 0.14 * (y1 - y0)),
        arrowprops={"arrowstyle": "-|>", "color": "black"},
        ha="center",
        zorder=6,
    )
    _graticule(ax, mission, (x0, x1, y0, y1))


def _graticule(ax, mission: Mission, box) -> None:
    """Lines of constant longitude and latitude, labelled in degrees on the axes."""
    x0, x1, y0, y1 = box
    frame = mission.frame
    gx, gy = np.meshgrid(np.linspace(x0, x1, 5), np.linspace(y0, y1, 5))
    lon, lat = frame.to_lonlat(gx.ravel(), gy.ravel())
    lon_ticks = _round_ticks(float(np.min(lon)), float(np.max(lon)))
    lat_ticks = _round_ticks(float(np.min(lat)), float(np.max(lat)))
    lat_line = np.linspace(np.min(lat), np.max(lat), 50)
    lon_line = np.linspace(np.min(lon), np.max(lon), 50)
    xt, yt = [], []
    for lo in lon_ticks:
        x, y = frame.to_local(np.full(50, lo), lat_line)
        ax.plot(x, y, color="#999999", linewidth=0.4, alpha=0.6, zorder=0.5)
        xt.append((float(np.interp(y0, y, x)), f"{lo:.4f}°"))
    for la in lat_ticks:
        x, y = frame.to_local(lon_line, np.full(50, la))
        ax.plot(x, y, color="#999999", linewidth=0.4, alpha=0.6, zorder=0.5)
        yt.append((float(np.interp(x0, x, y)), f"{la:.4f}°"))
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    xt = [(v, t) for v, t in xt if x0 <= v <= x1]
    yt = [(v, t) for v, t in yt if y0 <= v <= y1]
    ax.set_xticks([v for v, _ in xt], [t for _, t in xt])
    ax.set_yticks([v for v, _ in yt], [t for _, t in yt])
    ax.set_xlabel("longitude (WGS84)")
    ax.set_ylabel("latitude (WGS84)")
    ax.tick_params(labelsize=7)


def _round_ticks(lo: float, hi: float, count: int = 4) -> list[float]:
    """About ``count`` round values between ``lo`` and ``hi``."""
    step = (hi - lo) / max(count, 1)
    if step <= 0:
        return [lo]
    exp = 10 ** math.floor(math.log10(step))
    step = min((m * exp for m in (1, 2, 5, 10) if m * exp >= step), default=10 * exp)
    first = math.ceil(lo / step) * step
    return [round(first + k * step, 10) for k in range(int((hi - first) / step) + 1)]


def plot_mission(mission: Mission, ax=None, *, swath_m: float | None = None, title: str = ""):
    """Draw a mission on a matplotlib axes (local metres, lon/lat graticule); returns it.

    Parameters
    ----------
    mission : Mission
    ax : matplotlib Axes or None
        A new figure is made when None.
    swath_m : float or None
        Draw spray legs as bands of this width. [m]
    title : str
    """
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 8), dpi=110)
    handles = _layers(ax, mission)
    cmap, norm, sortie_handles = _sorties(ax, mission, swath_m)
    handles += _stations(ax, mission) + sortie_handles
    _frame_furniture(ax, mission)
    if len(mission.sorties) > LEGEND_SORTIES:
        from matplotlib.cm import ScalarMappable

        bar = plt.colorbar(ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.7, pad=0.02)
        bar.set_label("sortie (in flying order)")
    ax.legend(handles=handles, loc="upper left", fontsize=7, framealpha=0.85)
    ax.set_title(
        title
        or f"{mission.name}: {mission.kind} with {mission.aircraft_name}, "
        f"{len(mission.sorties)} sorties, {mission.time_s / 60:.1f} min",
        fontsize=10,
    )
    return ax
