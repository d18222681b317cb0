"""Map furniture drawn over a mission's local metric frame: longitude/latitude ticks and a
graticule, a scale bar in metres, a north arrow pointing to true north, and the title.

The mission is planned in a projected frame (UTM, metres; ``mission.frame``). The axes
stay in those metres, so lengths and the equal aspect are true; the tick labels are the
WGS84 longitudes and latitudes of graticule lines, found with the frame's pyproj
transformers: a longitude tick sits where its meridian crosses the bottom edge of the
axes, a latitude tick where its parallel crosses the left edge.
"""

from __future__ import annotations

import math

import numpy as np

from airwork.mission.model import Mission

__all__ = [
    "degree_label",
    "draw_graticule",
    "draw_north_arrow",
    "draw_scale_bar",
    "nice_length",
    "round_ticks",
    "title_lines",
]

SCALE_BAR_GID = "scale bar"
"""``gid`` of the scale bar's line (its label is the line's ``gid`` + `` label``)."""
NORTH_ARROW_GID = "north arrow"


def nice_length(span_m: float) -> float:
    """The longest round length (1, 2 or 5 times a power of ten) up to a quarter of
    ``span_m`` (at least 1 m). [m]"""
    target = max(span_m / 4.0, 1.0)
    exp = 10 ** math.floor(math.log10(target))
    return max(m * exp for m in (1, 2, 5) if m * exp <= target)


def _metres(length_m: float) -> str:
    """``200 m``, ``1.5 km``."""
    if length_m >= 1000:
        return f"{length_m / 1000:g} km"
    return f"{length_m:g} m"


def round_ticks(lo: float, hi: float, count: int = 5) -> tuple[list[float], float]:
    """About ``count`` round values (1, 2 or 5 times a power of ten apart) in [lo, hi];
    returns (values, step)."""
    step = (hi - lo) / max(count, 1)
    if step <= 0:
        return [lo], 1.0
    exp = 10 ** math.floor(math.log10(step))
    step = min((m * exp for m in (1, 2, 5, 10) if m * exp >= step), default=10 * exp)
    first = math.ceil(lo / step) * step
    n = math.floor((hi - first) / step + 1e-9) + 1
    return [round(first + k * step, 10) for k in range(max(n, 0))], step


def degree_label(value: float, axis: str, step: float) -> str:
    """``48.125°N``, ``1.46°E``: as many decimals as the tick step needs."""
    decimals = max(0, -math.floor(math.log10(step) + 1e-9)) if step > 0 else 4
    hemi = ("N" if value >= 0 else "S") if axis == "lat" else ("E" if value >= 0 else "W")
    if value == 0:
        hemi = ""
    return f"{abs(value):.{decimals}f}°{hemi}"


def draw_graticule(ax, mission: Mission, box: tuple[float, float, float, float]) -> None:
    """Meridians and parallels over the box (x0, x1, y0, y1) [m], labelled in degrees as
    the axes' ticks."""
    from matplotlib.collections import LineCollection

    x0, x1, y0, y1 = box
    frame = mission.frame
    gx, gy = np.meshgrid(np.linspace(x0, x1, 9), np.linspace(y0, y1, 9))
    lon, lat = frame.to_lonlat(gx.ravel(), gy.ravel())
    lon_ticks, lon_step = round_ticks(float(np.min(lon)), float(np.max(lon)))
    lat_ticks, lat_step = round_ticks(float(np.min(lat)), float(np.max(lat)))
    lat_line = np.linspace(np.min(lat), np.max(lat), 64)
    lon_line = np.linspace(np.min(lon), np.max(lon), 64)
    xt, yt, paths = [], [], []
    for lo in lon_ticks:
        x, y = frame.to_local(np.full(lat_line.size, lo), lat_line)
        paths.append(np.column_stack([x, y]))
        xt.append((float(np.interp(y0, y, x)), degree_label(lo, "lon", lon_step)))
    for la in lat_ticks:
        x, y = frame.to_local(lon_line, np.full(lon_line.size, la))
        paths.append(np.column_stack([x, y]))
        yt.append((float(np.interp(x0, x, y)), degree_label(la, "lat", lat_step)))
    ax.add_collection(
        LineCollection(paths, colors="#999999", linewidths=0.4, alpha=0.6, zorder=0.5),
        autolim=False,
    )
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    xt = [(v, t) for v, t in xt if x0 <= v <= x1]
    yt = [(v, t) for v, t in yt if y0 <= v <= y1]
    ax.set_xticks([v for v, _ in xt], [t for _, t in xt])
    ax.set_yticks([v for v, _ in yt], [t for _, t in yt])
    ax.set_xlabel("longitude (WGS84)", fontsize=8)
    ax.set_ylabel("latitude (WGS84)", fontsize=8)
    ax.tick_params(labelsize=7)


def draw_scale_bar(ax, box: tuple[float, float, float, float]) -> float:
    """A round-length bar in the lower right corner, labelled in m or km; returns its
    length. [m]"""
    from matplotlib import patheffects
    from matplotlib.lines import Line2D

    x0, x1, y0, y1 = box
    bar = nice_length(x1 - x0)
    bx, by = x1 - 0.04 * (x1 - x0) - bar, y0 + 0.04 * (y1 - y0)
    halo = [patheffects.withStroke(linewidth=3, foreground="white")]
    line = Line2D(
        [bx, bx + bar], [by, by], color="black", linewidth=3, solid_capstyle="butt", zorder=7
    )
    line.set_gid(SCALE_BAR_GID)
    ax.add_line(line)
    text = ax.text(
        bx + bar / 2,
        by + 0.015 * (y1 - y0),
        _metres(bar),
        ha="center",
        va="bottom",
        fontsize=8,
        zorder=7,
        path_effects=halo,
    )
    text.set_gid(SCALE_BAR_GID + " label")
    return bar


def draw_north_arrow(ax, mission: Mission, box: tuple[float, float, float, float]) -> None:
    """An arrow to true north (the frame's grid north differs by the meridian
    convergence) in the upper right corner."""
    x0, x1, y0, y1 = box
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    lon, lat = mission.frame.to_lonlat(cx, cy)
    nx, ny = mission.frame.to_local(lon, lat + 1e-3)
    angle = math.atan2(nx - cx, ny - cy)  # from grid north, clockwise
    length = 0.08  # of the axes' height
    tip = (0.95, 0.95)
    tail = (tip[0] - length * math.sin(angle) * 0.6, tip[1] - length * math.cos(angle))
    ax.annotate(
        "N",
        xy=tip,
        xycoords="axes fraction",
        xytext=tail,
        textcoords="axes fraction",
        arrowprops={"arrowstyle": "-|>", "color": "black"},
        ha="center",
        va="top",
        fontsize=9,
        zorder=7,
        gid=NORTH_ARROW_GID,
    )


def _duration(seconds: float) -> str:
    """``42 min``, ``3 h 05 min``."""
    minutes = round(seconds / 60.0)
    if minutes < 90:
        return f"{seconds / 60:.1f} min" if minutes < 10 else f"{minutes} min"
    return f"{minutes // 60} h {minutes % 60:02d} min"


def title_lines(mission: Mission, line_m: float = 0.0) -> str:
    """Two title lines: the job (name, kind, aircraft) and its size (sorties, flight
    time, distance, and the field area, line length (``line_m`` [m]) or orders where
    known)."""
    n = len(mission.sorties)
    km = mission.distance_m / 1000
    noun = "trip" if mission.kind == "delivery" else "sortie"
    facts = [
        f"{n} {noun}" + ("s" if n != 1 else ""),
        f"{_duration(mission.time_s)} flying",
        f"{km:.1f} km flown" if km < 100 else f"{km:.0f} km flown",
    ]
    fields = [f.geometry for f in mission.features if f.role == "field"]
    if fields:
        import shapely

        facts.append(f"field {shapely.union_all(fields).area / 1e4:.1f} ha")
    if line_m > 0:
        facts.append(f"power line {line_m / 1000:.2f} km")
    towers = sum(1 for f in mission.features if f.role == "tower")
    if towers:
        facts.append(f"{towers} towers")
    orders = [f for f in mission.features if f.role == "order"]
    if orders:
        served = sum(1 for f in orders if f.properties.get("served", True) is not False)
        facts.append(f"{served}/{len(orders)} orders served")
    return f"{mission.name}: {mission.kind}, {mission.aircraft_name}\n" + " · ".join(facts)
