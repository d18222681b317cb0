"""The look of a mission map: layer styles and the colours of sorties (no matplotlib here).

Sorties are coloured by *class*: one class per sortie, or for a delivery day one class per
drone (its trips share its colour), in flying order, on a sequential colour-blind-safe map
(:data:`SEQUENTIAL`) sampled evenly from the first class to the last (:func:`class_positions`).
Up to :data:`LEGEND_SORTIES` classes get one legend entry each; more are read on a colour
bar. Never a cycling palette: two classes never share a colour by wrapping around. The web
app's ``js/colors.js`` follows the same rule (a test holds its stops to this map).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from airwork.mission.model import Mission

__all__ = [
    "AREA_STYLE",
    "LEGEND_SORTIES",
    "POINT_STYLE",
    "SEQUENTIAL",
    "ColourKey",
    "class_positions",
    "colour_key",
]

LEGEND_SORTIES = 12
"""Most sortie (or drone) classes listed one by one in the legend; more get a colour bar."""

SEQUENTIAL = "cividis"
"""Matplotlib colour map of the classes, by order (perceptually uniform, colour-blind safe)."""


def class_positions(count: int) -> list[float]:
    """Where on :data:`SEQUENTIAL` (0-1) each of ``count`` classes sits: evenly from the
    first to the last; a single class takes the first (dark, read against light fields and
    grey power lines)."""
    if count <= 1:
        return [0.0] * count
    return [i / (count - 1) for i in range(count)]


AREA_STYLE: dict[str, tuple[dict, str]] = {
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
        {"facecolor": "none", "edgecolor": "#555555", "linewidth": 0.9, "linestyle": ":"},
        "geofence",
    ),
}
"""Polygon roles: (matplotlib patch style, legend label)."""

POINT_STYLE: dict[str, tuple[dict, str]] = {
    "tower": ({"marker": "s", "s": 30, "color": "#333333"}, "tower"),
    "hub": ({"marker": "h", "s": 110, "color": "#000000"}, "hub"),
    "station": ({"marker": "^", "s": 90, "color": "#000000"}, "station"),
    "order": ({"marker": "D", "s": 14, "color": "#222222"}, "drop point (order served)"),
    "unserved": ({"marker": "x", "s": 26, "color": "#c01010"}, "order not served"),
}
"""Point roles: (matplotlib scatter style, legend label)."""

PHOTO_STYLE = {
    "marker": "o",
    "s": 14,
    "facecolor": "none",
    "edgecolor": "#b4007a",
    "linewidths": 1.0,
}
"""Vantage / photo points (waypoints that take a photo): hollow, drawn over the towers
they look at so that both show."""


@dataclass(frozen=True)
class ColourKey:
    """Which colour class each sortie is in, and how the classes are named.

    Attributes
    ----------
    classes : tuple of int
        Class of each sortie (0-based, in the mission's sortie order).
    names : tuple of str
        Legend label of each class.
    noun : str
        What a class is: ``"sortie"`` or ``"drone"`` (the colour bar's label).
    """

    classes: tuple[int, ...]
    names: tuple[str, ...]
    noun: str

    @property
    def count(self) -> int:
        """Number of classes."""
        return len(self.names)

    @property
    def colour_bar(self) -> bool:
        """True when the classes are too many for a legend (colour bar instead)."""
        return self.count > LEGEND_SORTIES


def colour_key(mission: Mission) -> ColourKey:
    """Sortie colour classes: by drone when the mission says which drone flies each
    sortie (``mission.meta["sortie_drone"]``, a delivery day), else one per sortie."""
    drones: Sequence[str] | None = mission.meta.get("sortie_drone")
    sorties = mission.sorties
    if drones is not None and len(drones) == len(sorties):
        order = list(dict.fromkeys(drones))  # first appearance = flying order
        index = {d: i for i, d in enumerate(order)}
        names = []
        for d in order:
            mine = [s for s, o in zip(sorties, drones, strict=True) if o == d]
            minutes = sum(s.time_s for s in mine) / 60.0
            trips = f"{len(mine)} trip" + ("s" if len(mine) != 1 else "")
            names.append(f"drone {d}: {trips}, {minutes:.0f} min")
        return ColourKey(tuple(index[d] for d in drones), tuple(names), "drone")
    names = tuple(
        f"sortie {s.index}: {s.time_s / 60:.1f} min, {s.battery_frac * 100:.0f} % battery"
        for s in sorties
    )
    return ColourKey(tuple(range(len(sorties))), names, "sortie")
