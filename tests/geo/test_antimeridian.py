"""Jobs across the 180° meridian and near the poles: the right frame and true distances."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from pyproj import Geod

from airwork.errors import GeometryError
from airwork.geo.crs import check_extent, unwrap_antimeridian
from airwork.geo.frame import LocalFrame, utm_crs_for
from airwork.geo.read import SourceFeature
from airwork.site.load import build_site

LAT = -16.8  # Taveuni, Fiji: the 180° meridian crosses the island


def box(lon0: float, lat0: float, w_m: float = 300.0, h_m: float = 200.0) -> shapely.Polygon:
    """A w x h m rectangle east and north of (lon0, lat0), longitudes wrapped to ±180."""
    dlon = w_m / (111_320.0 * math.cos(math.radians(lat0)))
    dlat = h_m / 110_574.0
    xs = [(x + 180.0) % 360.0 - 180.0 for x in (lon0, lon0 + dlon, lon0 + dlon, lon0)]
    return shapely.Polygon(list(zip(xs, [lat0, lat0, lat0 + dlat, lat0 + dlat], strict=True)))


def test_field_across_180_plans_in_its_own_utm_zone_with_its_true_area():
    field = box(179.9985, LAT)  # vertices at 179.9985 and -179.9987
    lons = shapely.get_coordinates(field)[:, 0]
    assert lons.min() < -179.99 and lons.max() > 179.99
    site = build_site(
        [
            SourceFeature("field", field, {}, "f"),
            SourceFeature("station", shapely.Point(179.9984, LAT - 0.0002), {}, "s"),
        ]
    )
    assert site.frame.epsg in (32760, 32701)  # UTM 60S or 1S, both sides of 180°
    area_m2 = site.field_union.area
    assert area_m2 == pytest.approx(300.0 * 200.0, rel=5e-3)  # not a globe-wide band
    xmin, ymin, xmax, ymax = site.bounds_m()
    assert xmax - xmin < 400 and ymax - ymin < 400
    assert any("180°" in n for n in site.notes)


def test_the_far_from_the_rest_rule_measures_across_180():
    """Two features 300 m apart across 180° pass; the error of a real outlier quotes
    the geodesic distance (Geod.inv), not the distance the long way round."""
    a, b = shapely.Point(179.9990, LAT), shapely.Point(-179.9982, LAT)
    geoms = np.array([a, b, box(179.9985, LAT)], dtype=object)
    check_extent(geoms, ["a", "b", "f"])
    far = shapely.Point(170.0, LAT)  # 1,065 km west
    expected_km = Geod(ellps="WGS84").inv(170.0, LAT, 180.0, LAT)[2] / 1000
    with pytest.raises(GeometryError, match=r"^far: lies 1,0\d\d km") as info:
        check_extent(
            np.array([a, b, box(179.9985, LAT), far], dtype=object), ["a", "b", "f", "far"]
        )
    km = float(info.value.args[0].split("lies ")[1].split(" km")[0].replace(",", ""))
    assert km == pytest.approx(expected_km, abs=2.0)


def test_unwrap_moves_only_jobs_that_straddle_180():
    near_0 = np.array([box(-0.001, 45.0), box(0.001, 45.0)], dtype=object)
    same, moved = unwrap_antimeridian(near_0)
    assert not moved and same is near_0
    across = np.array([box(179.9985, LAT)], dtype=object)
    out, moved = unwrap_antimeridian(across)
    lons = shapely.get_coordinates(out)[:, 0]
    assert moved and lons.min() > 179.99 and lons.max() < 180.01


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [(20.0, 85.5, 32661), (100.0, -82.0, 32761), (20.0, 83.9, 32634), (181.0, 10.0, 32601)],
)
def test_polar_frames_are_ups(lon, lat, epsg):
    assert utm_crs_for(lon, lat).to_epsg() == epsg


def test_a_field_near_the_pole_keeps_its_shape():
    field = box(20.0, 85.5)
    site = build_site([SourceFeature("field", field, {}, "f")])
    assert site.frame.epsg == 32661
    assert site.field_union.area == pytest.approx(300.0 * 200.0, rel=1e-2)
    frame = LocalFrame.for_lonlat(20.0, 85.5)
    x, y = frame.to_local(20.0, 85.5)
    assert np.allclose(frame.to_lonlat(x, y), (20.0, 85.5))
