"""Zone and obstacle readers, blocking zones for the path-finder, DEM reading and sampling."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from airspace_data import EPSG, X0, Y0, synthetic_heights, write_dem, write_geojson

from airwork.errors import CRSError, GeometryError, InputFileError
from airwork.geo.pathfinding import PathFinder
from airwork.site.load import read_airspace, read_obstacles
from airwork.site.terrain import read_dem
from airwork.site.wind import Wind
from airwork.site.zones import blocking_zones


def test_read_zones_circles_bands_and_obstacles(tmp_path, frame):
    c = shapely.Point(X0 + 500, Y0 + 500)
    path = write_geojson(
        tmp_path / "air.geojson",
        frame,
        [
            (shapely.box(X0, Y0, X0 + 1000, Y0 + 1000), {"role": "geofence"}),
            (c, {"role": "no_fly", "radius_m": 100.0, "ceiling_m": 60}),
            (
                shapely.box(X0 + 700, Y0, X0 + 800, Y0 + 100),
                {"role": "No-Fly", "floor_m": 300, "ceiling_m": 400, "altitude_ref": "amsl"},
            ),
            (shapely.Point(X0 + 10, Y0 + 10), {"role": "tower", "height_m": 40}),
        ],
    )
    zones, obstacles = read_airspace([path], frame)
    assert [z.inclusion for z in zones] == [True, False, False]
    circle = zones[1]
    # the exclusion circle contains the true circle
    assert circle.geometry.contains(c.buffer(99.9, quad_segs=64))
    assert circle.ceiling_m == 60 and circle.floor_m == -math.inf
    assert zones[2].altitude_ref == "amsl" and zones[2].floor_m == 300
    assert len(obstacles) == 1 and obstacles[0].height_m == 40


def test_reversed_floor_ceiling_names_the_feature(tmp_path, frame):
    path = write_geojson(
        tmp_path / "bad.geojson",
        frame,
        [
            (shapely.box(X0, Y0, X0 + 100, Y0 + 100), {"role": "no_fly"}),
            (
                shapely.box(X0, Y0, X0 + 100, Y0 + 100),
                {"role": "no_fly", "name": "school", "floor_m": 80, "ceiling_m": 30},
            ),
        ],
    )
    with pytest.raises(GeometryError, match=r"feature 1 \(name 'school'\).*reversed"):
        read_airspace([path], frame)


@pytest.mark.parametrize(
    ("props", "match"),
    [
        ({"role": "no_fly", "radius_m": -5}, "radius_m"),
        (
            {"role": "nofly", "radius_m": 5, "floor_m": "low"},
            "floor_m = 'low': must be a finite number of m",
        ),
        ({"role": "parking"}, "unknown role 'parking'"),
        ({"role": "no_fly", "radius_m": 5, "altitude_ref": "qnh"}, "altitude_ref"),
    ],
)
def test_bad_zone_properties(tmp_path, frame, props, match):
    path = write_geojson(tmp_path / "z.geojson", frame, [(shapely.Point(X0, Y0), props)])
    with pytest.raises((GeometryError, InputFileError), match=match):
        read_airspace([path], frame)


def test_obstacle_needs_height(tmp_path, frame):
    path = write_geojson(tmp_path / "o.geojson", frame, [(shapely.Point(X0, Y0), {})])
    with pytest.raises(GeometryError, match="height_m"):
        read_obstacles([path], frame)


def test_blocking_zones_by_altitude_feed_the_pathfinder(frame):
    from airwork.site.zones import Zone

    wall = Zone(shapely.box(-10, -500, 10, 500), False, ceiling_m=40.0, name="low")
    high = Zone(shapely.box(100, -500, 120, 500), False, floor_m=150.0, name="high")
    tall = Zone(shapely.box(200, -500, 220, 500), False, name="full")
    zones = [wall, high, tall]
    # at 100 m the low zone (ceiling 40 + margin) and the high one (floor 150) do not block
    assert blocking_zones(zones, 100.0, margin_m=10.0) == [tall.geometry]
    # at 35 m the low zone blocks too
    assert len(blocking_zones(zones, 35.0, margin_m=10.0)) == 2
    a, b = (-100.0, 0.0), (150.0, 0.0)
    over = PathFinder(blocking_zones(zones, 100.0))
    assert over.length_m(a, b) == pytest.approx(250.0)
    around = PathFinder(blocking_zones(zones, 35.0))
    assert around.length_m(a, b) > 1000.0  # round the 1 km wall
    from airwork.site.zones import pathfinder_at

    assert pathfinder_at(zones, 100.0).length_m(a, b) == pytest.approx(250.0)
    path = pathfinder_at(zones, 35.0).path(a, b)
    assert not shapely.LineString(path).intersects(wall.geometry.buffer(-0.1))


def test_dem_bilinear_matches_the_surface(dem_path, frame):
    terrain = read_dem(dem_path, frame)
    rng = np.random.default_rng(1)
    x = X0 + rng.uniform(20, 1980, 500)
    y = Y0 + rng.uniform(20, 1980, 500)
    z = terrain.elevation_m(x, y)
    away = np.abs(y - (Y0 + 1505.0)) > 10.0  # bilinear smooths the 10 m cliff ramp
    assert np.max(np.abs(z - synthetic_heights(x, y))[away]) < 0.5
    assert np.isnan(terrain.elevation_m(np.array([X0 - 1.0]), np.array([Y0 + 5.0])))[0]


def test_dem_window_equals_full_read(dem_path, frame):
    full = read_dem(dem_path, frame)
    box = (X0 + 300.0, Y0 + 400.0, X0 + 900.0, Y0 + 800.0)
    part = read_dem(dem_path, frame, bounds_m=box)
    assert part.heights.size < full.heights.size / 4
    rng = np.random.default_rng(2)
    x = rng.uniform(box[0], box[2], 300)
    y = rng.uniform(box[1], box[3], 300)
    assert np.allclose(part.elevation_m(x, y), full.elevation_m(x, y))


def test_dem_in_another_crs(tmp_path, frame):
    """A DEM in UTM is sampled from a frame in another CRS (Lambert 93)."""
    from pyproj import CRS

    from airwork.geo.frame import LocalFrame

    lambert = LocalFrame(CRS.from_epsg(2154))
    terrain = read_dem(write_dem(tmp_path / "d.tif"), lambert)
    lon, lat = frame.to_lonlat(X0 + 600.0, Y0 + 1000.0)
    x, y = lambert.to_local(lon, lat)
    z = terrain.elevation_m(np.array([x]), np.array([y]))[0]
    assert z == pytest.approx(
        synthetic_heights(np.array([X0 + 600.0]), np.array([Y0 + 1000.0]))[0], abs=0.2
    )


def test_dem_without_crs(tmp_path, frame):
    path = write_dem(tmp_path / "nocrs.tif", crs=None)
    with pytest.raises(CRSError, match="no CRS"):
        read_dem(path, frame)


def test_dem_nodata_is_nan(tmp_path, frame):
    path = write_dem(tmp_path / "holes.tif", nodata_box=(100, 120, 100, 120))
    terrain = read_dem(path, frame)
    # row 110, col 110: x = X0 + 552.5, y = Y0 + 2000 - 552.5
    z = terrain.elevation_m(np.array([X0 + 552.5]), np.array([Y0 + 1447.5]))
    assert np.isnan(z[0])
    assert terrain.covers(np.array([X0 + 552.5]), np.array([Y0 + 1447.5]))[0]


def test_wind_components():
    wx, wy = Wind(10.0, 0.0).velocity_mps(0.0)  # from the north: the air moves south
    assert wx == pytest.approx(0.0, abs=1e-9) and wy == pytest.approx(-10.0)
    wx, wy = Wind(5.0, 270.0).velocity_mps(0.0)  # west wind blows east
    assert wx == pytest.approx(5.0) and wy == pytest.approx(0.0, abs=1e-9)
    banded = Wind(bands=((30.0, 2.0, 0.0), (100.0, 8.0, 90.0)))
    speed, frm = banded.at(np.array([10.0, 30.0, 50.0, 500.0]))
    assert speed.tolist() == [2.0, 2.0, 8.0, 8.0] and frm.tolist() == [0, 0, 90, 90]


def test_epsg_constant():
    assert EPSG == 32631
