"""A map of a mission a person can read: field, obstacles, swaths by sortie, stations."""

from __future__ import annotations

import math

import numpy as np
import shapely

from airwork.mission.model import LegKind, Mission

__all__ = ["plot_mission"]

_ROLE_STYLE = {
    "field": {"facecolor": "#e8f3dc", "edgecolor": "#4d7c2a", "linewidth": 1.2},
    "obstacle": {"facecolor": "#f2b8b5", "edgecolor": "#a3231b", "linewidth": 1.0, "hatch": "xx"},
    "no_spray": {"facecolor": "#d6e6f5", "edgecolor": "#2a5d8f", "linewidth": 1.0, "hatch": ".."},
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
        rings = [poly.exterior, *poly.interiors]
        verts, codes = [], []
        for ring in rings:
            xy = np.asarray(ring.coords)
            verts.extend(xy.tolist())
            codes.extend([Path.MOVETO] + [Path.LINETO] * (len(xy) - 2) + [Path.CLOSEPOLY])
        ax.add_patch(PathPatch(Path(verts, codes), **style))


def plot_mission(mission: Mission, ax=None, *, swath_m: float | None = None, title: str = ""):
    """Draw a mission on a matplotlib axes in local metres and return the axes.

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
    from matplotlib.lines import Line2D

    if ax is None:
        _, ax = plt.subplots(figsize=(10, 8), dpi=110)
    for feat in mission.features:
        style = _ROLE_STYLE.get(feat.role)
        if style and feat.geometry.geom_type in ("Polygon", "MultiPolygon"):
            _draw_polygon(ax, feat.geometry, **style, zorder=1)
    cmap = plt.get_cmap("tab10" if len(mission.sorties) <= 10 else "tab20")
    handles = []
    for s in mission.sorties:
        color = cmap((s.index - 1) % cmap.N)
        xy = s.xy_m
        work = [i for i, leg in enumerate(s.legs) if leg.spraying or leg.camera]
        if swath_m and work:
            segs = np.stack([xy[work], xy[np.asarray(work) + 1]], axis=1)
            bands = shapely.buffer(shapely.linestrings(segs), swath_m / 2, cap_style="flat")
            _draw_polygon(
                ax,
                shapely.union_all(bands),
                facecolor=color,
                alpha=0.25,
                edgecolor="none",
                zorder=2,
            )
        for i, leg in enumerate(s.legs):
            if leg.kind in (LegKind.TAKEOFF, LegKind.LANDING):
                continue
            seg = xy[i : i + 2]
            if leg.spraying or leg.camera:
                ax.plot(seg[:, 0], seg[:, 1], color=color, linewidth=1.4, zorder=3)
            elif leg.kind == LegKind.WORK:
                ax.plot(seg[:, 0], seg[:, 1], color=color, linewidth=0.6, alpha=0.7, zorder=3)
            else:
                ax.plot(
                    seg[:, 0],
                    seg[:, 1],
                    color=color,
                    linewidth=0.9,
                    linestyle="--",
                    alpha=0.8,
                    zorder=3,
                )
        handles.append(
            Line2D(
                [],
                [],
                color=color,
                linewidth=2,
                label=f"sortie {s.index}: {s.time_s / 60:.1f} min, "
                f"{s.battery_frac * 100:.0f}% battery",
            )
        )
    st = np.asarray(mission.stations, dtype=float).reshape(-1, 2)
    ax.scatter(st[:, 0], st[:, 1], marker="^", s=90, color="black", zorder=5)
    for i, (x, y) in enumerate(st):
        ax.annotate(f"S{i + 1}", (x, y), xytext=(6, 6), textcoords="offset points", zorder=6)
    handles.append(Line2D([], [], marker="^", color="black", linestyle="none", label="station"))
    handles.append(Line2D([], [], color="grey", linestyle="--", label="transit / return"))

    ax.set_aspect("equal")
    ax.autoscale_view()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    pad = 0.08 * max(x1 - x0, y1 - y0)  # room for the scale bar and the north arrow
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
    epsg = mission.frame.epsg
    ax.set_xlabel(f"easting [m]{f' (EPSG:{epsg})' if epsg else ''}")
    ax.set_ylabel("northing [m]")
    ax.ticklabel_format(useOffset=False, style="plain")
    ax.tick_params(labelsize=7)
    ax.legend(handles=handles, loc="upper left", fontsize=7, framealpha=0.85)
    ax.set_title(
        title
        or f"{mission.name}: {mission.kind} with {mission.aircraft_name}, "
        f"{len(mission.sorties)} sorties, {mission.time_s / 60:.1f} min"
    )
    ax.grid(True, linewidth=0.3, alpha=0.5)
    return ax
