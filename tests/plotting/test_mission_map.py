"""mission.png follows the map rules for every kind of job: sortie colours (one sequential
colour-blind-safe map by flying order, with a legend entry each up to 12 and a colour bar
beyond, by drone for a delivery day), every layer in the legend, names kept,
longitude/latitude ticks, a scale bar, towers and vantage points, and a legend that stays
inside the figure.

Expected values are worked out here from the mission itself (features, waypoints, pyproj),
not from the plotting code's own tables.
"""

from __future__ import annotations

import re

import matplotlib

matplotlib.use("Agg")
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PathCollection
from matplotlib.colors import to_rgba
from pyproj import Transformer

from airwork.export.registry import ExportOptions, render
from airwork.jobs import run_job
from airwork.mission.model import ActionKind
from airwork.plotting import mission_figure
from airwork.plotting.map import legend_of

_SITES = {
    "farm": ("spray", ["examples/farm-with-pylons.geojson"], {}),
    "example": ("spray", ["src/airwork/data/example_field.geojson"], {}),
    "powerline": ("powerline", ["examples/powerline.geojson"], {}),
    "delivery": (
        "delivery",
        ["examples/delivery.geojson"],
        {
            "params": {"iterations": 200, "runtime_s": 5},
            "aircraft": ["delivery-hex", "examples/delivery-light-quad.yaml:1"],
        },
    ),
}


@pytest.fixture(scope="module")
def missions():
    """Each example planned once (lazily)."""
    cache = {}

    def get(name: str):
        if name not in cache:
            kind, files, extra = _SITES[name]
            req = {"kind": kind, "site": {"files": files}, "output": {"formats": ["geojson"]}}
            cache[name] = run_job({**req, **extra}).mission
        return cache[name]

    return get


@pytest.fixture
def drawn():
    """Draw a mission's figure with the Agg canvas; closes nothing global (no pyplot)."""

    def draw(mission, **kw):
        fig = mission_figure(mission, **kw)
        canvas = FigureCanvasAgg(fig)
        canvas.draw()
        return fig, fig.axes[0], canvas.get_renderer()

    return draw


def _labels(ax) -> list[str]:
    return [t.get_text() for t in legend_of(ax).get_texts()]


def _sortie_entries(ax):
    legend = legend_of(ax)
    return [
        (t.get_text(), h.get_color())
        for t, h in zip(legend.get_texts(), legend.legend_handles, strict=True)
        if re.match(r"(sortie \d+|drone .+):", t.get_text())
    ]


def _work_collection(ax) -> LineCollection:
    """The solid line collection of work legs (the widest of the line collections)."""
    lines = [
        c
        for c in ax.collections
        if isinstance(c, LineCollection) and c.get_linestyle()[0][1] is None
    ]
    return max(lines, key=lambda c: len(c.get_segments()))


def test_more_than_12_sorties_get_a_colour_bar_and_no_sortie_entries(missions, drawn):
    farm = missions("farm")
    assert len(farm.sorties) > 12
    fig, ax, _ = drawn(farm)
    bars = [a for a in fig.axes if a is not ax]
    assert len(bars) == 1 and "sortie" in bars[0].get_ylabel()
    assert _sortie_entries(ax) == []
    # one colour per sortie, none repeated (a sequential map, not a cycling palette)
    colours = {tuple(np.round(c, 6)) for c in _work_collection(ax).get_colors()}
    assert len(colours) == len(farm.sorties)


def test_up_to_12_sorties_get_one_distinct_legend_entry_each(missions, drawn):
    example = missions("example")
    n = len(example.sorties)
    assert 1 < n <= 12
    fig, ax, _ = drawn(example)
    assert fig.axes == [ax]  # no colour bar
    entries = _sortie_entries(ax)
    assert [t.split(":")[0] for t, _ in entries] == [f"sortie {i}" for i in range(1, n + 1)]
    rgba = [to_rgba(c) for _, c in entries]
    assert len(set(rgba)) == n
    # sequential by flying order: cividis from its first colour to its last, evenly
    expected = matplotlib.colormaps["cividis"](np.linspace(0.0, 1.0, n))
    np.testing.assert_allclose(np.array(rgba), expected, atol=1e-6)
    # the legend's colours are the colours the legs are drawn in
    drawn_colours = {to_rgba(c) for c in _work_collection(ax).get_colors()}
    assert drawn_colours == set(rgba)


def test_every_layer_present_is_in_the_legend_and_names_are_kept(missions, drawn):
    farm = missions("farm")
    _, ax, _ = drawn(farm, swath_m=6.0)
    roles = {f.role for f in farm.features}
    assert {"field", "obstacle", "no_spray", "station"} <= roles
    expected = {"field", "obstacle", "no-spray zone", "station", "spraying (work)"}
    expected.add("transit (spray off)")
    expected.add("swath (6 m wide)")
    if farm.geofence is not None:
        expected.add("geofence")
    assert expected <= set(_labels(ax))
    texts = {t.get_text() for t in ax.texts}
    named = {f.properties["name"] for f in farm.features if f.properties.get("name")}
    stations = {f.properties["name"] for f in farm.features if f.role == "station"}
    assert stations == {"truck A", "truck B"}
    assert named <= texts  # stations, pylons, the oak, the buffer, the field


def test_one_artist_per_layer_not_per_leg(missions, drawn):
    farm = missions("farm")
    legs = sum(len(s.legs) for s in farm.sorties)
    _, ax, _ = drawn(farm, swath_m=6.0)
    assert legs > 200
    assert len(ax.collections) + len(ax.patches) < 20


def test_ticks_are_degrees_at_their_pyproj_position(missions, drawn):
    farm = missions("farm")
    _, ax, _ = drawn(farm)
    to_wgs84 = Transformer.from_crs(farm.frame.crs, "EPSG:4326", always_xy=True)
    x0, y0 = ax.get_xlim()[0], ax.get_ylim()[0]
    xt = list(zip(ax.get_xticks(), [t.get_text() for t in ax.get_xticklabels()], strict=True))
    yt = list(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True))
    assert len(xt) >= 2 and len(yt) >= 2
    for pos, text in xt:  # a meridian crosses the bottom edge at its tick
        m = re.fullmatch(r"(\d+\.\d+)°([EW])", text)
        assert m, text
        lon = float(m[1]) * (1 if m[2] == "E" else -1)
        assert to_wgs84.transform(pos, y0)[0] == pytest.approx(lon, abs=2e-6)
    for pos, text in yt:  # a parallel crosses the left edge at its tick
        m = re.fullmatch(r"(\d+\.\d+)°([NS])", text)
        assert m, text
        lat = float(m[1]) * (1 if m[2] == "N" else -1)
        assert to_wgs84.transform(x0, pos)[1] == pytest.approx(lat, abs=2e-6)
    # the known point: truck A at the lon/lat of the input file
    truck = next(f for f in farm.features if f.properties.get("name") == "truck A")
    lon, lat = to_wgs84.transform(truck.geometry.x, truck.geometry.y)
    assert (1.45 < lon < 1.48) and (43.55 < lat < 43.57)


def _scatter_xy(ax) -> list[np.ndarray]:
    return [np.asarray(c.get_offsets()) for c in ax.collections if isinstance(c, PathCollection)]


def _has_points(ax, xy: np.ndarray) -> bool:
    """Some scatter draws exactly these points (any order)."""
    want = np.unique(np.round(xy, 3), axis=0)
    return any(
        len(off) == len(xy) and np.array_equal(np.unique(np.round(off, 3), axis=0), want)
        for off in _scatter_xy(ax)
    )


def test_power_line_map_draws_towers_vantage_points_and_the_line(missions, drawn):
    line = missions("powerline")
    _, ax, _ = drawn(line)
    towers = np.array([(f.geometry.x, f.geometry.y) for f in line.features if f.role == "tower"])
    photos = np.array(
        [
            (w.x_m, w.y_m)
            for s in line.sorties
            for w in s.waypoints
            if any(a.kind is ActionKind.CAMERA_PHOTO for a in w.actions)
        ]
    )
    assert len(towers) == 10 and len(photos) >= len(towers)
    assert _has_points(ax, towers)
    assert _has_points(ax, photos)
    labels = set(_labels(ax))
    assert {"tower", "vantage / photo point", "power line", "right of way", "station"} <= labels
    tower_ids = {f.properties["id"] for f in line.features if f.role == "tower"}
    assert tower_ids <= {t.get_text() for t in ax.texts}
    assert "power line" in ax.get_title() and "10 towers" in ax.get_title()


def test_delivery_map_colours_by_drone_and_has_a_scale_bar(missions, drawn):
    day = missions("delivery")
    drones = day.meta["sortie_drone"]
    _, ax, _ = drawn(day)
    entries = _sortie_entries(ax)
    assert [t.split(":")[0] for t, _ in entries] == [f"drone {d}" for d in dict.fromkeys(drones)]
    assert len({to_rgba(c) for _, c in entries}) == len(entries)
    hubs = {f.properties["id"] for f in day.features if f.role == "hub"}
    assert hubs <= {t.get_text() for t in ax.texts}
    assert {"hub", "drop point (order served)", "no-fly zone", "carrying parcels"} <= set(
        _labels(ax)
    )
    # the scale bar: its length in the frame's metres is the length its label says
    (bar,) = [line for line in ax.lines if line.get_gid() == "scale bar"]
    (text,) = [t for t in ax.texts if t.get_gid() == "scale bar label"]
    value, unit = text.get_text().split()
    metres = float(value) * {"m": 1.0, "km": 1000.0}[unit]
    assert np.ptp(bar.get_xdata()) == pytest.approx(metres)
    span = np.ptp(ax.get_xlim())
    assert span / 10 <= metres <= span / 2


@pytest.mark.parametrize("name", ["example", "farm", "powerline", "delivery"])
def test_legend_title_and_colour_bar_lie_inside_the_figure(missions, drawn, name):
    fig, ax, renderer = drawn(missions(name))
    inside = fig.bbox.padded(1.0)
    legend_box = legend_of(ax).get_window_extent(renderer)
    boxes = [legend_box, ax.title.get_window_extent(renderer)]
    boxes += [a.get_tightbbox(renderer) for a in fig.axes]
    for box in boxes:
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1, (box, fig.bbox)
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1, (box, fig.bbox)
    # below the map and its longitude label, never over them
    assert legend_box.y1 <= ax.xaxis.label.get_window_extent(renderer).y0 + 1


def test_png_exporter_draws_the_same_map(missions):
    example = missions("example")
    png = render(example, ["png"], ExportOptions(swath_m=9.0))["mission.png"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = int.from_bytes(png[16:20], "big"), int.from_bytes(png[20:24], "big")
    fig = mission_figure(example, swath_m=9.0)
    assert (width, height) == tuple(round(v * 110) for v in fig.get_size_inches())


def test_two_plans_side_by_side_keep_their_own_legends_inside(missions):
    from matplotlib.figure import Figure

    from airwork.plotting import plot_mission

    fig = Figure(figsize=(16, 9), layout="constrained")
    left, right = fig.subplots(1, 2)
    plot_mission(missions("example"), left)
    plot_mission(missions("farm"), right)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    inside = fig.bbox.padded(1.0)
    for ax in (left, right):
        box = legend_of(ax).get_window_extent(renderer)
        assert inside.x0 <= box.x0 and box.x1 <= inside.x1
        assert inside.y0 <= box.y0 and box.y1 <= inside.y1
        assert box.y1 <= ax.xaxis.label.get_window_extent(renderer).y0 + 1
        assert ax.get_window_extent(renderer).x0 - 1 <= (box.x0 + box.x1) / 2
    # each map its own sortie key: five entries on the left, a colour bar on the right
    assert len(_sortie_entries(left)) == len(missions("example").sorties)
    assert _sortie_entries(right) == [] and len(fig.axes) == 3


def test_degree_labels_and_scale_lengths():
    from airwork.plotting.furniture import degree_label, nice_length

    assert degree_label(48.125, "lat", 0.005) == "48.125°N"
    assert degree_label(-33.45, "lat", 0.0005) == "33.4500°S"
    assert degree_label(-70.6, "lon", 0.01) == "70.60°W"
    assert degree_label(11.0, "lon", 0.01) == "11.00°E"
    for span in (3.0, 80.0, 1250.0, 2600.0, 17_000.0):
        bar = nice_length(span)
        mantissa = bar / 10 ** np.floor(np.log10(bar))
        assert bar <= span / 4 or bar == 1.0
        assert bar > span / 10
        assert round(mantissa, 9) in (1.0, 2.0, 5.0)


def test_every_kind_of_layer_gets_a_legend_entry_and_its_names(drawn):
    import shapely

    from airwork.geo import LocalFrame
    from airwork.mission.model import AltitudeRef, Feature, Mission

    frame = LocalFrame.for_lonlat(2.35, 48.85)
    x, y = frame.to_local(2.35, 48.85)

    def at(dx, dy):
        return shapely.Point(x + dx, y + dy)

    features = (
        Feature("field", at(0, 0).buffer(100), {"name": "north field"}),
        Feature("obstacle", at(50, 0).buffer(5), {"name": "mast"}),
        Feature("no_spray", at(-50, 0).buffer(10), {"name": "well"}),
        Feature("no_fly", at(0, 300).buffer(40), {"id": "heliport"}),
        Feature("right_of_way", shapely.box(x - 200, y - 160, x + 200, y - 140), {}),
        Feature("line", shapely.LineString([(x - 200, y - 150), (x + 200, y - 150)]), {}),
        Feature("tower", at(-200, -150), {"id": "T1"}),
        Feature("hub", at(200, 200), {"id": "depot"}),
        Feature("station", at(-150, 150), {"name": "truck"}),
        Feature("order", at(250, 250), {"id": "O1", "served": True}),
        Feature("order", at(260, 150), {"id": "O2", "served": False}),
    )
    mission = Mission(
        name="all layers",
        frame=frame,
        altitude_ref=AltitudeRef.TAKEOFF,
        sorties=(),
        aircraft_name="none",
        usable_energy_wh=100.0,
        reserve_frac=0.2,
        stations=((x - 150, y + 150), (x + 100, y - 300)),
        geofence=at(0, 0).buffer(400),
        features=features,
    )
    _, ax, _ = drawn(mission)
    assert set(_labels(ax)) == {
        "field",
        "obstacle",
        "no-spray zone",
        "no-fly zone",
        "right of way",
        "geofence",
        "power line",
        "tower",
        "hub",
        "station",
        "drop point (order served)",
        "order not served",
    }
    texts = {t.get_text() for t in ax.texts}
    # names kept; the second station has no feature, so it is numbered by its place
    assert {"north field", "mast", "well", "heliport", "T1", "depot", "truck", "S2"} <= texts
    assert "S1" not in texts  # the first station is the named truck, drawn once
