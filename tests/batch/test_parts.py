"""The batch's parts without a cluster: parcel generator, Hilbert staging, stations, weeks."""

from __future__ import annotations

import dask
import numpy as np
import pandas as pd
import pytest
import shapely

geopandas = pytest.importorskip("geopandas")

from airwork.batch.aggregate import district_table, season_days, week_table  # noqa: E402
from airwork.batch.options import BatchError, BatchOptions  # noqa: E402
from airwork.batch.plan import folder_name, summary_row  # noqa: E402
from airwork.batch.source import open_parcels, stage_parcels  # noqa: E402
from airwork.batch.stations import place_stations  # noqa: E402
from airwork.testing.parcels import generate_parcels  # noqa: E402


def test_generator_areas_shapes_and_defects():
    gdf = generate_parcels(3000, seed=3, broken=10)
    good = gdf[gdf["defect"] == ""]
    assert shapely.is_valid(good.geometry.to_numpy()).all()
    assert np.allclose(good.area / 1e4, good["area_ha"], rtol=1e-6)
    assert 2.5 < good["area_ha"].median() < 3.5
    assert good["area_ha"].max() <= 200.0
    holes = shapely.get_num_interior_rings(good.geometry.to_numpy())
    assert (holes[good["shape"] == "pond"] == 1).all()
    concave = good[good["shape"] == "l_shape"].geometry
    assert (concave.area < concave.convex_hull.area * 0.98).all()
    assert (gdf["defect"] != "").sum() == 10
    again = generate_parcels(3000, seed=3, broken=10)
    assert again.geometry.equals(gdf.geometry)


def test_staging_puts_every_parcel_in_one_compact_partition(tmp_path):
    gdf = generate_parcels(2000, seed=5, broken=4)
    path = tmp_path / "p.gpkg"
    gdf.to_file(path)
    opts = BatchOptions(id_column="parcel_id")
    # in one process; a distributed client another test left as the default would make
    # Dask pick its peer-to-peer shuffle, which needs that client's workers
    with dask.config.set({"scheduler": "sync", "dataframe.shuffle.method": "tasks"}):
        rows, bounds = stage_parcels(open_parcels(path, opts), tmp_path / "s1", 250)
        rows2, _ = stage_parcels(open_parcels(path, opts), tmp_path / "s2", 250)
    assert rows2 == rows
    assert sum(rows) == 2000 and max(rows) <= 260 and len(rows) >= 7
    parts = [
        geopandas.read_parquet(tmp_path / "s1" / f"part.{i}.parquet") for i in range(len(rows))
    ]
    ids = pd.concat([p["field_id"] for p in parts])
    assert ids.is_unique and set(ids) == set(gdf["parcel_id"])
    # same partitions on every run (a resumed run plans the same rows)
    for i, p in enumerate(parts):
        other = geopandas.read_parquet(tmp_path / "s2" / f"part.{i}.parquet")
        assert list(other["field_id"]) == list(p["field_id"])
    # Hilbert partitions are compact: their boxes cover far less than the region, each
    region = shapely.area(shapely.box(*bounds))
    boxes = [shapely.area(shapely.box(*p.geometry.dropna().total_bounds)) for p in parts]
    assert np.median(boxes) < 0.35 * region
    assert parts[0].crs.to_epsg() == 4326 or "CRS84" in str(parts[0].crs)


def test_a_file_without_crs_needs_one(tmp_path):
    gdf = generate_parcels(20, seed=1).set_crs(None, allow_override=True)
    path = tmp_path / "p.parquet"
    gdf.to_parquet(path)
    with pytest.raises(BatchError, match="declares no CRS"):
        open_parcels(path, BatchOptions())
    with pytest.raises(BatchError, match="GeoParquet, GeoPackage"):
        open_parcels(tmp_path / "p.csv", BatchOptions())


def _fields(*geoms, refs=None):
    return geopandas.GeoDataFrame(
        {"station_ref": refs if refs is not None else [None] * len(geoms)},
        geometry=geopandas.GeoSeries(list(geoms), crs=4326),
    )


def _lonlat_box(lon, lat, w_m, h_m):
    dlon = w_m / (111_320 * np.cos(np.radians(lat)))
    return shapely.box(lon, lat, lon + dlon, lat + h_m / 111_320)


def test_edge_station_is_the_outer_edge_point_nearest_the_centroid():
    # an L-shaped field with a hole: the station is on the outer ring, nearest the centroid
    lon, lat = 1.7, 48.2
    d = 1 / 111_320
    outer = shapely.Polygon(
        [
            (lon, lat),
            (lon + 400 * d, lat),
            (lon + 400 * d, lat + 100 * d),
            (lon + 100 * d, lat + 100 * d),
            (lon + 100 * d, lat + 300 * d),
            (lon, lat + 300 * d),
        ]
    )
    field = outer.difference(shapely.Point(lon + 50 * d, lat + 50 * d).buffer(20 * d))
    st = place_stations(_fields(field), BatchOptions())
    assert st.source[0] == "edge"
    p = shapely.Point(st.lon[0], st.lat[0])
    assert field.exterior.distance(p) < 1e-7  # on the outer edge (1 cm), not on the hole
    ring = field.exterior
    dense = shapely.line_interpolate_point(ring, np.linspace(0, ring.length, 20_000))
    c = field.centroid
    scale = np.array([np.cos(np.radians(lat)), 1.0])  # compare in metres, not degrees
    dist = np.hypot(*((shapely.get_coordinates(dense) - [c.x, c.y]) * scale).T)
    got = np.hypot(*((np.array([p.x, p.y]) - [c.x, c.y]) * scale))
    assert got <= dist.min() * 1.001 + 1e-7


def test_road_station_is_on_the_nearest_road_within_reach(tmp_path):
    lon, lat = 1.7, 48.2
    near = _lonlat_box(lon, lat, 200, 100)
    far = _lonlat_box(lon + 0.05, lat, 200, 100)  # ~3.7 km east, roads out of reach
    road_y = lat - 60 / 111_320  # 60 m south of the first field
    roads = geopandas.GeoDataFrame(
        {"name": ["D12", "D13"]},
        geometry=[
            shapely.LineString([(lon - 0.01, road_y), (lon + 0.01, road_y)]),
            shapely.LineString([(lon - 0.01, road_y - 0.01), (lon + 0.01, road_y - 0.01)]),
        ],
        crs=4326,
    ).to_crs(2154)
    path = tmp_path / "roads.gpkg"
    roads.to_file(path)
    st = place_stations(_fields(near, far), BatchOptions(roads=str(path), max_road_m=500))
    assert list(st.source) == ["road", "edge"]
    assert st.lat[0] == pytest.approx(road_y, abs=5e-6)  # on the road (0.5 m)
    assert lon - 1e-6 <= st.lon[0] <= lon + 200 / (111_320 * np.cos(np.radians(lat))) + 1e-6


def test_station_from_a_column_or_a_layer(tmp_path):
    lon, lat = 1.7, 48.2
    f = _lonlat_box(lon, lat, 200, 100)
    st = place_stations(
        _fields(f, f, f, refs=["1.7001,48.1999", "POINT (1.7002 48.1998)", "north gate"]),
        BatchOptions(station_column="station_ref"),
    )
    assert list(st.source[:2]) == ["column", "column"]
    assert (st.lon[0], st.lat[0]) == pytest.approx((1.7001, 48.1999), abs=1e-9)
    assert (st.lon[1], st.lat[1]) == pytest.approx((1.7002, 48.1998), abs=1e-9)
    assert "north gate" in st.error[2]
    layer = geopandas.GeoDataFrame(
        {"id": ["A", "B"]},
        geometry=[shapely.Point(lon - 0.001, lat), shapely.Point(lon + 0.01, lat)],
        crs=4326,
    )
    path = tmp_path / "stations.gpkg"
    layer.to_file(path)
    by_id = place_stations(
        _fields(f, f, refs=["B", "Z"]),
        BatchOptions(station_column="station_ref", stations=str(path)),
    )
    assert by_id.lon[0] == pytest.approx(lon + 0.01) and by_id.error[1] is not None
    nearest = place_stations(_fields(f), BatchOptions(stations=str(path)))
    assert nearest.source[0] == "layer" and nearest.lon[0] == pytest.approx(lon - 0.001)


def test_weeks_spread_the_season_by_working_days():
    opts = BatchOptions(
        season_start="2027-04-01", season_end="2027-04-30", hours_per_day=8, days_per_week=5
    )
    days = season_days(opts)
    assert len(days) == 22 and all(d.weekday() < 5 for d in days)
    sums = pd.DataFrame(
        {
            "fields": [10, 5],
            "ok": [9, 5],
            "failed": [1, 0],
            "errors": [0, 0],
            "area_ha": [30.0, 10.0],
            "flight_h": [100.0, 3.0],
            "ground_h": [20.0, 1.0],
            "energy_kwh": [50.0, 2.0],
            "product": [400.0, 100.0],
            "sorties": [40, 5],
        },
        index=pd.Index(["A", "B"], name="district"),
    )
    table = district_table(sums, opts).set_index("district")
    work_a = 100 + 20 + 9 * 15 / 60
    assert table.loc["A", "work_h"] == pytest.approx(work_a)
    assert table.loc["A", "aircraft_needed"] == int(np.ceil(work_a / (8 * 22)))
    weeks = week_table(table.reset_index(), opts)
    a = weeks[weeks["district"] == "A"]
    assert a["work_h"].sum() == pytest.approx(work_a)
    assert list(a["working_days"]) == [2, 5, 5, 5, 5]


def test_summary_rows_of_every_kind():
    spray = {
        "sprayable_area_ha": 2.0,
        "covered_fraction": 0.99,
        "sorties": 2,
        "flight_time_s": 3600,
        "ground_time_s": 360,
        "energy_wh": 1500,
        "product_l": 30,
        "work_rate_ha_per_h": 1.8,
        "planning_time_s": 0.02,
    }
    row = summary_row(spray, "spray")
    assert (row["area_ha"], row["flight_time_h"], row["energy_kwh"]) == (2.0, 1.0, 1.5)
    assert (row["product"], row["product_unit"]) == (30.0, "L")
    survey = {
        "area_ha": 4.0,
        "sorties": 1,
        "flight_time_s": 1800,
        "energy_wh": 100,
        "photos": 120,
        "planning_time_s": 0.01,
    }
    row = summary_row(survey, "survey")
    assert row["work_rate_ha_per_h"] == pytest.approx(8.0)
    assert (row["product"], row["product_unit"]) == (120.0, "photos")
    assert np.isnan(row["covered_frac"])
    assert folder_name("P-001", 3) == "P-001"
    assert folder_name("a/b", 3) == "a_b-row3"
