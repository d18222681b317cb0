"""A map of a mission a person can read, one code for every kind of job.

The rules (the web app follows the same ones):

* sorties are coloured by class in flying order (:mod:`airwork.plotting.style`) on a
  sequential colour-blind-safe map: up to :data:`LEGEND_SORTIES` classes with one legend
  entry each, more with a colour bar instead of legend entries; never a repeating palette;
  a delivery day is coloured by drone;
* work legs (spray on, camera on; for a delivery, legs carrying parcels) are solid,
  transits dashed and thinner, both in the legend; spray legs may be drawn as swath bands;
* every layer drawn is in the legend (fields, obstacles, no-spray and no-fly zones,
  geofence, right of way, power line, towers, vantage/photo points, stations, hubs, drop
  points), named features keep their names on the map;
* the axes are in the frame's metres (equal aspect) with longitude/latitude ticks, a scale
  bar and a north arrow (:mod:`airwork.plotting.furniture`); the legend sits below the axes
  and the figure is sized so that it fits.

Each layer is one matplotlib artist (``LineCollection``, ``PolyCollection``, one scatter),
never one per leg, so plans of hundreds of sorties draw in well under a second.
"""

from __future__ import annotations

import io
import math

import numpy as np
import shapely

from airwork.mission.model import ActionKind, LegKind, Mission
from airwork.plotting.furniture import (
    draw_graticule,
    draw_north_arrow,
    draw_scale_bar,
    title_lines,
)
from airwork.plotting.style import (
    AREA_STYLE,
    LEGEND_SORTIES,
    PHOTO_STYLE,
    POINT_STYLE,
    SEQUENTIAL,
    ColourKey,
    class_positions,
    colour_key,
)

__all__ = [
    "LEGEND_SORTIES",
    "conductor_paths",
    "legend_of",
    "mission_figure",
    "mission_png",
    "plot_mission",
]

_MAX_LABELS = 60
"""Most names written on the map per role (more would be unreadable)."""
_SAME_POINT_M = 1.0
"""A station this close to a station or hub feature is that feature. [m]"""


def _halo():
    from matplotlib import patheffects

    return [patheffects.withStroke(linewidth=2.5, foreground="white")]


def _name(props: dict) -> str | None:
    """A feature's name (``name``, else ``id``), if it has one."""
    for key in ("name", "id"):
        if props.get(key) not in (None, ""):
            return str(props[key])
    return None


def _polygon_path(geom):
    """One matplotlib Path of every polygon (holes kept) in ``geom``, or None."""
    from matplotlib.path import Path

    verts, codes = [], []
    for poly in shapely.get_parts(geom):
        if poly.geom_type != "Polygon" or poly.is_empty:
            continue
        for ring in (poly.exterior, *poly.interiors):
            xy = np.asarray(ring.coords)[:, :2]
            verts.append(xy)
            codes += [Path.MOVETO] + [Path.LINETO] * (len(xy) - 2) + [Path.CLOSEPOLY]
    if not verts:
        return None
    return Path(np.concatenate(verts), codes)


def _write_names(
    ax, named: list[tuple[float, float, str]], fontsize: float = 7, below: bool = False
) -> None:
    """Names next to their points, above right (``below``: below right, so that a station
    beside a tower keeps both names readable); none when there are more than
    :data:`_MAX_LABELS`."""
    if len(named) > _MAX_LABELS:
        return
    for x, y, text in named:
        ax.annotate(
            text,
            (x, y),
            xytext=(5, -11 if below else 5),
            textcoords="offset points",
            fontsize=fontsize,
            zorder=8,
            path_effects=_halo(),
        )


def _areas(ax, mission: Mission) -> list:
    """Polygon layers by role (one patch per role); returns their legend handles."""
    from matplotlib.patches import Patch, PathPatch

    by_role: dict[str, list] = {}
    for feat in mission.features:
        if feat.role in AREA_STYLE and feat.geometry.geom_type in ("Polygon", "MultiPolygon"):
            by_role.setdefault(feat.role, []).append(feat)
    if mission.geofence is not None and "geofence" not in by_role:
        from airwork.mission.model import Feature

        by_role["geofence"] = [Feature("geofence", mission.geofence, {})]
    handles = []
    for role in AREA_STYLE:  # a fixed order: fields under zones
        feats = by_role.get(role)
        if not feats:
            continue
        style, label = AREA_STYLE[role]
        path = _polygon_path(shapely.GeometryCollection([f.geometry for f in feats]))
        if path is None:
            continue
        ax.add_patch(PathPatch(path, **style, zorder=1))
        handles.append(Patch(**style, label=label))
        named = [(f, _name(f.properties)) for f in feats]
        if role != "geofence":
            spots = [
                (*shapely.get_coordinates(f.geometry.representative_point())[0], n)
                for f, n in named
                if n
            ]
            _write_names(ax, spots, fontsize=6.5)
    return handles


def conductor_paths(mission: Mission) -> list[np.ndarray]:
    """Power-line paths, (n, 2) each [m]: the ``line`` features, else the towers joined in
    ``seq`` order per ``line_id`` (a tower-only job)."""
    paths = [
        np.asarray(part.coords)[:, :2]
        for f in mission.features
        if f.role == "line"
        for part in shapely.get_parts(f.geometry)
        if part.geom_type == "LineString"
    ]
    if paths:
        return paths
    by_line: dict[str, list[tuple[float, float, float]]] = {}
    for f in mission.features:
        if f.role == "tower" and f.geometry.geom_type == "Point" and "seq" in f.properties:
            key = str(f.properties.get("line_id", ""))
            seq = float(f.properties["seq"])
            by_line.setdefault(key, []).append((seq, f.geometry.x, f.geometry.y))
    return [
        np.array([(x, y) for _, x, y in sorted(towers)])
        for towers in by_line.values()
        if len(towers) >= 2
    ]


def _lines(ax, paths: list[np.ndarray]) -> list:
    """Power lines (conductors), one collection; returns the legend handle."""
    from matplotlib.collections import LineCollection
    from matplotlib.lines import Line2D

    if not paths:
        return []
    ax.add_collection(LineCollection(paths, colors="#333333", linewidths=1.0, zorder=4))
    return [Line2D([], [], color="#333333", linewidth=1.0, label="power line")]


def _points(ax, mission: Mission) -> list:
    """Towers, hubs, stations and drop points (one scatter per role), named; plus the
    mission's stations that no feature gives (named S1, S2 ...); returns legend handles."""
    from matplotlib.lines import Line2D

    groups: dict[str, list[tuple[float, float, str | None]]] = {}
    for feat in mission.features:
        role = feat.role
        if role not in POINT_STYLE or feat.geometry.geom_type != "Point":
            continue
        if role == "order" and feat.properties.get("served") is False:
            role = "unserved"
        groups.setdefault(role, []).append(
            (feat.geometry.x, feat.geometry.y, _name(feat.properties))
        )
    known = np.array(
        [(x, y) for r in ("station", "hub") for x, y, _ in groups.get(r, [])], dtype=float
    ).reshape(-1, 2)
    for i, (x, y) in enumerate(mission.stations):
        if not len(known) or np.min(np.hypot(*(known - (x, y)).T)) > _SAME_POINT_M:
            groups.setdefault("station", []).append((x, y, f"S{i + 1}"))
    handles = []
    for role, (style, label) in POINT_STYLE.items():
        pts = groups.get(role)
        if not pts:
            continue
        xy = np.array([(x, y) for x, y, _ in pts], dtype=float)
        ax.scatter(xy[:, 0], xy[:, 1], zorder=7.5, label="_nolegend_", **style)
        handles.append(
            Line2D(
                [],
                [],
                linestyle="none",
                marker=style["marker"],
                color=style["color"],
                markersize=7 if style["s"] >= 80 else 5,
                label=label,
            )
        )
        if role not in ("order", "unserved"):  # drop points are too many to name
            tower = role == "tower"
            _write_names(ax, [(x, y, n) for x, y, n in pts if n], 6.5 if tower else 7.5, tower)
    return handles


def _sortie_colours(key: ColourKey):
    """(RGBA per class as an (n, 4) array, colour map, norm); the map and norm only when
    a colour bar is drawn."""
    import matplotlib
    from matplotlib.colors import Normalize

    cmap = matplotlib.colormaps[SEQUENTIAL]
    colours = cmap(np.asarray(class_positions(key.count), dtype=float))
    if not key.colour_bar:
        return colours, None, None
    return colours, cmap, Normalize(vmin=1, vmax=key.count)


def _work_label(mission: Mission) -> tuple[str, str]:
    """Legend labels of (work legs, transit legs) for the kind of job."""
    if mission.kind == "delivery":
        return "carrying parcels", "empty (return)"
    if mission.kind == "spread":
        return "spreading (work)", "transit (spreader off)"
    if mission.kind in ("survey", "powerline"):
        return "camera on (work)", "transit (camera off)"
    return "spraying (work)", "transit (spray off)"


def _legs(mission: Mission, key: ColourKey, colours: np.ndarray):
    """Work, transit and spray segments ((n, 2, 2) arrays [m]) with their colours ((n, 4)
    arrays), and the photo points: every leg of the mission at once."""
    segs, cls, kinds = [], [], []
    for s, c in zip(mission.sorties, key.classes, strict=True):
        if s.legs:
            xy = s.xy_m
            segs.append(np.stack([xy[:-1], xy[1:]], axis=1))
            cls.append(np.full(len(s.legs), c))
            kinds += s.legs
    if not segs:
        empty = (np.empty((0, 2, 2)), np.empty((0, 4)))
        return empty, empty, empty, []
    seg, cls = np.concatenate(segs), np.concatenate(cls)
    still = (LegKind.TAKEOFF, LegKind.LANDING)
    moving = np.array([lg.kind not in still for lg in kinds]) & (
        np.hypot(*(seg[:, 1] - seg[:, 0]).T) > 1e-6
    )
    spraying = np.array([lg.spraying for lg in kinds])
    if mission.kind == "delivery":  # a delivery's work is carrying parcels
        is_work = np.array([lg.payload_kg > 1e-9 for lg in kinds])
    else:
        is_work = spraying | np.array([lg.camera or lg.kind == LegKind.WORK for lg in kinds])
    photos = [
        (wp.x_m, wp.y_m)
        for s in mission.sorties
        for wp in s.waypoints
        if any(a.kind is ActionKind.CAMERA_PHOTO for a in wp.actions)
    ]
    pick = [moving & is_work, moving & ~is_work, moving & spraying]
    work, transit, spray = ((seg[m], colours[cls[m]]) for m in pick)
    return work, transit, spray, photos


def _bands(seg: np.ndarray, width_m: float) -> np.ndarray:
    """Flat-ended rectangles of ``width_m`` around each segment, (n, 4, 2). [m]"""
    d = seg[:, 1] - seg[:, 0]
    n = np.stack([-d[:, 1], d[:, 0]], axis=1)
    n *= (width_m / 2) / np.maximum(np.hypot(n[:, 0], n[:, 1]), 1e-9)[:, None]
    return np.stack([seg[:, 0] + n, seg[:, 1] + n, seg[:, 1] - n, seg[:, 0] - n], axis=1)


def _sorties(ax, mission: Mission, key: ColourKey, swath_m: float | None):
    """Every sortie's legs (one collection each for work, transit, swaths, photo points);
    returns (legend handles, colour map, norm)."""
    from matplotlib.collections import LineCollection, PolyCollection
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    colours, cmap, norm = _sortie_colours(key)
    (work, wcol), (transit, tcol), (spray, scol), photos = _legs(mission, key, colours)
    dense = key.colour_bar
    work_label, transit_label = _work_label(mission)
    handles = []
    bands = bool(swath_m) and len(spray) > 0
    if bands:
        ax.add_collection(
            PolyCollection(
                _bands(spray, swath_m),
                facecolors=scol,
                edgecolors="none",
                alpha=0.45 if dense else 0.25,
                zorder=2,
            )
        )
    if len(work):
        width = (0.5 if bands else 0.9) if dense else 1.6
        ax.add_collection(LineCollection(work, colors=wcol, linewidths=width, zorder=3))
        handles.append(Line2D([], [], color="#555555", linewidth=1.6, label=work_label))
    if len(transit):
        ax.add_collection(
            LineCollection(
                transit,
                colors=tcol,
                linewidths=0.4 if dense else 0.9,
                linestyles=(0, (4, 3)),
                alpha=0.3 if dense else 0.9,
                zorder=3,
            )
        )
        handles.append(
            Line2D([], [], color="#555555", linewidth=0.9, linestyle="--", label=transit_label)
        )
    if bands:
        handles.append(Patch(facecolor="#555555", alpha=0.25, label=f"swath ({swath_m:g} m wide)"))
    if photos:
        p = np.asarray(photos)
        ax.scatter(p[:, 0], p[:, 1], zorder=7.7, **PHOTO_STYLE)
        handles.append(
            Line2D(
                [],
                [],
                marker="o",
                linestyle="none",
                markerfacecolor="none",
                markeredgecolor=PHOTO_STYLE["edgecolor"],
                label="vantage / photo point",
            )
        )
    if not dense:
        handles += [
            Line2D([], [], color=c, linewidth=2.5, label=name)
            for c, name in zip(colours, key.names, strict=True)
        ]
    return handles, cmap, norm


def _frame(ax, mission: Mission) -> tuple[float, float, float, float]:
    """Equal aspect, margins around everything drawn; returns the box (x0, x1, y0, y1)."""
    ax.set_aspect("equal")
    ax.autoscale_view()
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    pad = 0.08 * max(x1 - x0, y1 - y0, 1.0)
    # room for the scale bar and the north arrow in the corners
    box = (x0 - pad, x1 + pad, y0 - 1.5 * pad, y1 + pad)
    ax.set_xlim(box[0], box[1])
    ax.set_ylim(box[2], box[3])
    return box


_LEGEND_DROP_PT = 34.0
"""Gap from the bottom of the axes to the legend, clear of tick labels and x label. [pt]"""


def _legend(ax, handles: list) -> None:
    """The legend below the map (clear of the longitude ticks and label), in as many
    columns as the map's width allows; a constrained layout makes room for it."""
    from matplotlib.transforms import offset_copy

    below = offset_copy(ax.transAxes, fig=ax.figure, y=-_LEGEND_DROP_PT, units="points")
    ax.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.5, 0.0),
        bbox_transform=below,
        ncol=_legend_ncol(ax, len(handles)),
        fontsize=7,
        frameon=False,
    )


def _legend_ncol(ax, entries: int) -> int:
    """Columns of a legend of ``entries`` entries across the map's share of the figure."""
    width_in = ax.figure.get_figwidth() * max(ax.get_position().width / 0.775, 0.3)
    return max(1, min(entries, int(width_in // 2.8), 4))


def legend_of(ax):
    """The legend :func:`plot_mission` drew for ``ax``."""
    return ax.get_legend()


def plot_mission(mission: Mission, ax=None, *, swath_m: float | None = None, title: str = ""):
    """Draw a mission on a matplotlib axes; returns the axes.

    Parameters
    ----------
    mission : Mission
    ax : matplotlib Axes or None
        A new figure (:func:`mission_figure`'s size) is made when None. The legend goes
        below the axes and a colour bar to its right; give the axes' figure a layout
        engine (``layout="constrained"``) to keep them inside it.
    swath_m : float or None
        Also draw spray legs as bands of this width. [m]
    title : str
        Replaces the default title (job, kind, aircraft, sorties, time, size).
    """
    if ax is None:
        return mission_figure(mission, swath_m=swath_m, title=title).axes[0]
    key = colour_key(mission)
    handles = _areas(ax, mission)
    paths = conductor_paths(mission)
    handles += _lines(ax, paths)
    sortie_handles, cmap, norm = _sorties(ax, mission, key, swath_m)
    handles += _points(ax, mission)
    handles += sortie_handles
    box = _frame(ax, mission)
    draw_scale_bar(ax, box)
    draw_north_arrow(ax, mission, box)
    draw_graticule(ax, mission, box)
    if cmap is not None:
        from matplotlib.cm import ScalarMappable

        bar = ax.figure.colorbar(
            ScalarMappable(norm=norm, cmap=cmap), ax=ax, shrink=0.8, pad=0.02, aspect=30
        )
        bar.set_label(f"{key.noun} (in flying order, 1 to {key.count})", fontsize=8)
        bar.ax.tick_params(labelsize=7)
    _legend(ax, handles)
    line_m = sum(float(np.sum(np.hypot(*np.diff(p, axis=0).T))) for p in paths)
    ax.set_title(title or title_lines(mission, line_m), fontsize=9)
    return ax


def _data_aspect(mission: Mission) -> float:
    """Height over width of everything the map shows (sorties and features)."""
    boxes = [(*s.xy_m.min(axis=0), *s.xy_m.max(axis=0)) for s in mission.sorties if s.waypoints]
    boxes += [f.geometry.bounds for f in mission.features if not f.geometry.is_empty]
    if not boxes:
        return 0.75
    b = np.array(boxes, dtype=float)
    return (b[:, 3].max() - b[:, 1].min() + 1.0) / (b[:, 2].max() - b[:, 0].min() + 1.0)


def _map_width(aspect: float) -> float:
    """Width of the map for its aspect (height over width): 8 in, narrower when tall. [in]"""
    return 8.0 if aspect <= 1.1 else max(8.8 / aspect, 4.5)


def _fit_height(fig, ax, map_w: float) -> None:
    """Set the figure's height to the map's box (equal aspect) plus the title, ticks and
    the legend's rows below, so nothing runs off it and little is left blank."""
    x0, x1 = ax.get_xlim()
    y0, y1 = ax.get_ylim()
    map_h = min(map_w * (y1 - y0) / max(x1 - x0, 1e-9), 8.8)
    legend = legend_of(ax)
    rows = 0
    if legend is not None:
        entries = len(legend.legend_handles)
        rows = math.ceil(entries / _legend_ncol(ax, entries))
    fig.set_figheight(round(map_h + 1.35 + 0.17 * rows + 0.15, 2))


def mission_figure(mission: Mission, *, swath_m: float | None = None, title: str = ""):
    """A matplotlib Figure of the mission, sized to its shape and legend (no pyplot, so
    no global state; save it with ``fig.savefig``)."""
    from matplotlib.figure import Figure

    bar = colour_key(mission).colour_bar
    aspect = min(max(_data_aspect(mission), 0.2), 3.0)
    map_w = _map_width(aspect)
    width = max(map_w + 1.1 + (1.2 if bar else 0.0), 8.0)
    fig = Figure(figsize=(round(width, 2), 8.0), dpi=110)
    fig.set_layout_engine("constrained")
    ax = fig.add_subplot()
    plot_mission(mission, ax, swath_m=swath_m, title=title)
    _fit_height(fig, ax, map_w)
    return fig


def mission_png(mission: Mission, *, swath_m: float | None = None, dpi: int = 110) -> bytes:
    """``mission.png``: :func:`mission_figure` rendered by the Agg backend."""
    fig = mission_figure(mission, swath_m=swath_m)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()
