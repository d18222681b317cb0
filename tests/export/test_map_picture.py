"""mission.png follows the map rules: sequential sortie colours (a colour bar past 12
sorties, never a repeating palette), every input layer in the legend, names kept, a
longitude/latitude graticule."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
import pytest

from airwork.jobs import run_job
from airwork.plotting import plot_mission
from airwork.plotting.map import LEGEND_SORTIES


def _planned(kind: str, **extra):
    files = {
        "spray": ["examples/farm-with-pylons.geojson"],
        "powerline": ["examples/powerline.geojson"],
    }[kind]
    req = {"kind": kind, "site": {"files": files}, "output": {"formats": ["geojson"]}, **extra}
    return run_job(req).mission


@pytest.fixture(scope="module")
def farm():
    return _planned("spray")


def _legend_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.get_legend().get_texts()]


def test_many_sorties_get_a_colour_bar_and_distinct_sequential_colours(farm):
    assert len(farm.sorties) > LEGEND_SORTIES
    fig, ax = plt.subplots()
    try:
        plot_mission(farm, ax)
        assert len(fig.axes) == 2  # the colour bar
        labels = _legend_labels(ax)
        assert not any(label.startswith("sortie ") for label in labels)
        from matplotlib.collections import LineCollection

        lines = [c for c in ax.collections if isinstance(c, LineCollection)]
        colours = [tuple(c) for coll in lines for c in np.atleast_2d(coll.get_colors())]
        # one colour per sortie, none repeated (a sequential map, not a cycling palette)
        assert len(set(colours)) >= len(farm.sorties)
    finally:
        plt.close(fig)


def test_every_layer_and_station_name_is_shown(farm):
    fig, ax = plt.subplots()
    try:
        plot_mission(farm, ax)
        labels = _legend_labels(ax)
        for layer in ("field", "obstacle", "no-spray zone", "station", "transit / return"):
            assert layer in labels
        texts = {t.get_text() for t in ax.texts}
        assert {"truck A", "truck B"} <= texts  # the stations' own names
        ticks = [t.get_text() for t in ax.get_xticklabels()]
        assert ticks and all(t.endswith("°") for t in ticks)  # longitude graticule
    finally:
        plt.close(fig)


def test_power_line_map_draws_towers_and_photo_points():
    mission = _planned("powerline")
    fig, ax = plt.subplots()
    try:
        plot_mission(mission, ax)
        labels = _legend_labels(ax)
        assert {"tower", "right of way", "photo point", "sortie 1"} <= {
            label.split(":")[0] for label in labels
        }
        assert "L1-1" in {t.get_text() for t in ax.texts}
    finally:
        plt.close(fig)
