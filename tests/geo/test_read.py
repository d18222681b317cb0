"""Tests for airwork.geo.read: job geodata into the local metric frame.

Fixture files (Shapefile, GeoPackage, KML, KMZ) are written at test time with
``pyogrio.raw.write`` so that no binary files live in the repository.  Areas are checked
against the geodesic area from ``pyproj.Geod``, which does not use the UTM projection under
test.
"""

from __future__ import annotations

import json
import math
import warnings
from importlib import resources
from pathlib import Path

import numpy as np
import pyogrio.raw
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pyproj import Geod, Transformer
from shapely.geometry import mapping

from airwork.errors import AirworkWarning, CRSError, GeometryError, InputFileError
from airwork.geo import LocalFrame, SourceFeature, parse_wkt_text, read_features
from airwork.site import build_site, load_site

GEOD = Geod(ellps="WGS84")

# A 12 ha convex field near Toulouse with a small hole, lon/lat [°].
FIELD = shapely.Polygon(
    [
        (1.4491564, 43.5466239),
        (1.4547416, 43.5486676),
        (1.4536199, 43.5504465),
        (1.4505735, 43.5497038),
        (1.4479087, 43.5480580),
    ],
    holes=[[(1.4505, 43.5480), (1.4515, 43.5482), (1.4512, 43.5488), (1.4503, 43.5486)]],
)
STATION = shapely.Point(1.4490904, 43.5464504)
TREE = shapely.Point(1.4520, 43.5490)  # obstacle with radius_m = 5
TREE_RADIUS_M = 5.0


def geodesic_area_m2(geom: shapely.Geometry) -> float:
    """Area on the WGS84 ellipsoid, independent of any map projection. [m²]"""
    # pyproj sums signed ring areas: exteriors must be counter-clockwise, holes clockwise.
    area, _ = GEOD.geometry_area_perimeter(shapely.orient_polygons(geom))
    return area


def feature(geom, **props) -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": None if geom is None else mapping(geom),
    }


def write_geojson(path: Path, features: list[dict], **members) -> Path:
    path.write_text(json.dumps({"type": "FeatureCollection", **members, "features": features}))
    return path


def write_ogr(
    path: Path,
    driver: str,
    geoms_lonlat: list[shapely.Geometry],
    props: dict[str, list],
    crs: str | None = "EPSG:4326",
    layer: str | None = None,
    geometry_type: str = "Unknown",
    append: bool = False,
) -> Path:
    """Write geometries (given in lon/lat, reprojected to ``crs``) with a pyogrio driver."""
    geoms = np.array(geoms_lonlat, dtype=object)
    if crs not in (None, "EPSG:4326"):
        t = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
        geoms = shapely.transform(geoms, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
    columns = [
        np.array(v, dtype=float)
        if all(isinstance(x, float) for x in v)
        else np.array(v, dtype=object)
        for v in props.values()
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "crs was not provided"
        pyogrio.raw.write(
            path,
            shapely.to_wkb(geoms),
            columns,
            list(props),
            driver=driver,
            crs=crs,
            layer=layer,
            geometry_type=geometry_type,
            append=append,
        )
    return path


def job_geojson(tmp_path: Path) -> Path:
    return write_geojson(
        tmp_path / "job.geojson",
        [
            feature(FIELD, role="field", name="north-12"),
            feature(STATION, role="station", name="base"),
            feature(TREE, role="obstacle", name="oak", radius_m=TREE_RADIUS_M, height_m=12.0),
        ],
    )


ROLES = ["field", "station", "obstacle"]
NAMES = ["north-12", "base", "oak"]
RADII = [math.nan, math.nan, TREE_RADIUS_M]


def write_format(tmp_path: Path, fmt: str) -> str | tuple[str, str]:
    """The reference job in format ``fmt``; Shapefile and WKT hold only the field."""
    geoms = [FIELD, STATION, TREE]
    props = {"role": ROLES, "name": NAMES, "radius_m": RADII}
    if fmt == "geojson":
        return str(job_geojson(tmp_path))
    if fmt == "kml":
        return str(write_ogr(tmp_path / "job.kml", "KML", geoms, props))
    if fmt == "kmz":
        return str(write_ogr(tmp_path / "job.kmz", "LIBKML", geoms, props))
    if fmt == "gpkg":
        return str(write_ogr(tmp_path / "job.gpkg", "GPKG", geoms, props))
    if fmt == "shp":
        one = {"role": ["field"], "name": ["north-12"]}
        return str(write_ogr(tmp_path / "job.shp", "ESRI Shapefile", [FIELD], one))
    if fmt == "wkt":
        (tmp_path / "job.wkt").write_text(f"\n{FIELD.wkt}\n\n")
        return (str(tmp_path / "job.wkt"), "field")
    raise AssertionError(fmt)


# ------------------------------------------------------------------------------------------
# Formats and CRS
# ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["geojson", "kml", "kmz", "gpkg", "shp", "wkt"])
def test_each_format_reads_to_the_same_local_geometry(tmp_path, fmt):
    """Every supported format gives the same field (and station/obstacle where it holds them)."""
    reference = load_site(job_geojson(tmp_path))
    job = load_site(write_format(tmp_path, fmt))

    assert job.frame.epsg == 32631
    assert len(job.fields) == 1
    area = job.fields[0].geometry.area
    # UTM scale at 1.45° E (1.55° from the central meridian) changes areas by about 0.04 %.
    assert area == pytest.approx(geodesic_area_m2(FIELD), rel=1e-3)
    diff = shapely.symmetric_difference(job.fields[0].geometry, reference.fields[0].geometry)
    assert diff.area < 1e-6 * area
    assert len(job.fields[0].geometry.interiors) == 1
    if fmt not in ("shp", "wkt"):
        assert job.fields[0].properties["name"] == "north-12"
        np.testing.assert_allclose(job.station_xy, reference.station_xy, atol=1e-3)
        assert len(job.obstacles) == 1
        assert job.obstacles[0].geometry.area == pytest.approx(
            reference.obstacles[0].geometry.area, rel=1e-6
        )


@pytest.mark.parametrize("crs", ["EPSG:3857", "EPSG:32631", "EPSG:2154", "EPSG:4258"])
def test_gpkg_crs_is_honoured(tmp_path, crs):
    """A GeoPackage stored in another CRS lands where the same data in WGS84 lands."""
    path = write_ogr(
        tmp_path / "job.gpkg", "GPKG", [FIELD, STATION], {"role": ["field", "station"]}, crs=crs
    )
    info = pyogrio.read_info(path)
    assert info["crs"] == crs
    job = load_site(path)
    reference = load_site(job_geojson(tmp_path))
    assert job.frame.epsg == 32631
    # RGF93 and ETRS89 are tied to WGS84 at the decimetre level; the others are exact.
    tol_m = 0.05 if crs in ("EPSG:2154", "EPSG:4258") else 1e-6
    assert shapely.hausdorff_distance(job.field_union, reference.field_union) < tol_m
    np.testing.assert_allclose(job.station_xy, reference.station_xy, atol=tol_m)


def test_geojson_legacy_crs_member_is_honoured(tmp_path):
    """A GeoJSON with a pre-RFC 7946 "crs" member is read in that CRS, as GDAL does."""
    t = Transformer.from_crs("EPSG:4326", "EPSG:32631", always_xy=True)
    utm = shapely.transform(FIELD, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
    crs_member = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32631"}}
    path = write_geojson(tmp_path / "utm.geojson", [feature(utm, role="field")], crs=crs_member)
    (src,) = read_features(path)
    assert shapely.hausdorff_distance(src.geometry_lonlat, FIELD) < 1e-9
    job = load_site(path)
    assert job.fields[0].geometry.area == pytest.approx(utm.area, rel=1e-9)


def test_shapefile_without_prj_and_projected_coordinates_is_a_crs_error(tmp_path):
    """No .prj and coordinates outside lon/lat: CRSError suggesting --crs; crs= then works."""
    t = Transformer.from_crs("EPSG:4326", "EPSG:2154", always_xy=True)
    lambert = shapely.transform(FIELD, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
    path = write_ogr(tmp_path / "f.shp", "ESRI Shapefile", [lambert], {"role": ["field"]}, None)
    assert not (tmp_path / "f.prj").exists()
    with pytest.raises(CRSError, match=r"f\.shp.*no CRS.*look projected.*--crs EPSG:"):
        load_site(path)
    job = load_site(path, crs="EPSG:2154")
    assert job.fields[0].geometry.area == pytest.approx(geodesic_area_m2(FIELD), rel=1e-3)


def test_shapefile_without_prj_in_lonlat_range_is_read_as_wgs84_with_a_warning(tmp_path):
    """No .prj but lon/lat-looking coordinates: read as WGS84, with an AirworkWarning."""
    path = write_ogr(tmp_path / "f.shp", "ESRI Shapefile", [FIELD], {"role": ["field"]}, None)
    with pytest.warns(AirworkWarning, match="no CRS"):
        (src,) = read_features(path)
    # Shapefiles store exteriors clockwise, so compare the normalised geometries.
    assert shapely.equals_exact(
        shapely.normalize(src.geometry_lonlat), shapely.normalize(FIELD), tolerance=1e-12
    )


def test_geojson_with_projected_coordinates_suggests_crs_and_accepts_it(tmp_path):
    """A GeoJSON holding UTM metres without a crs member: CRSError; crs= reads it right."""
    t = Transformer.from_crs("EPSG:4326", "EPSG:32631", always_xy=True)
    utm = shapely.transform(FIELD, lambda c: np.column_stack(t.transform(c[:, 0], c[:, 1])))
    path = write_geojson(tmp_path / "utm.geojson", [feature(utm, role="field", name="n")])
    with pytest.raises(CRSError, match=r"utm\.geojson feature 0 \(name 'n'\): vertex 0 .*proj"):
        load_site(path)
    job = load_site(path, crs="EPSG:32631")
    assert job.fields[0].geometry.area == pytest.approx(utm.area, rel=1e-9)


def test_crs_option_conflicting_with_declared_crs_is_an_error(tmp_path):
    """A file that declares one CRS is not silently reinterpreted in another."""
    path = write_ogr(tmp_path / "j.gpkg", "GPKG", [FIELD], {"role": ["field"]}, crs="EPSG:32631")
    with pytest.raises(CRSError, match=r"j\.gpkg.*declares.*32631.*EPSG:2154"):
        read_features(path, crs="EPSG:2154")
    assert len(read_features(path, crs="EPSG:32631")) == 1


@pytest.mark.parametrize(
    ("lon", "lat", "epsg"),
    [
        (1.45, 43.55, 32631),  # Toulouse, zone 31 N
        (151.21, -33.87, 32756),  # Sydney, zone 56 S
        (-58.38, -34.60, 32721),  # Buenos Aires, zone 21 S
        (-122.42, 37.77, 32610),  # San Francisco, zone 10 N
    ],
)
def test_frame_is_the_utm_zone_of_the_job(lon, lat, epsg):
    """build_job projects into the UTM zone (326zz north, 327zz south) of the job."""
    field = shapely.box(lon, lat, lon + 0.005, lat + 0.004)
    job = build_site([SourceFeature("field", field, {}, "t")])
    assert job.frame.epsg == epsg
    assert job.fields[0].geometry.area == pytest.approx(geodesic_area_m2(field), rel=2e-3)


def test_explicit_frame_is_used():
    """A frame passed to build_job is used instead of the job's UTM zone."""
    frame = LocalFrame.for_lonlat(7.0, 43.0)  # zone 32
    job = build_site([SourceFeature("station", STATION, {}, "t")], frame=frame)
    assert job.frame is frame
    np.testing.assert_allclose(job.station_xy[0], frame.to_local(STATION.x, STATION.y))


# ------------------------------------------------------------------------------------------
# Layers, WKT, roles, properties
# ------------------------------------------------------------------------------------------


def test_gpkg_reads_all_layers_or_the_one_asked_for(tmp_path):
    """All geometry layers of a GeoPackage are read unless a layer is named."""
    path = tmp_path / "job.gpkg"
    write_ogr(path, "GPKG", [FIELD], {"role": ["field"]}, layer="fields")
    write_ogr(path, "GPKG", [STATION], {"role": ["station"]}, layer="stations", append=True)
    feats = read_features(path)
    assert [f.role for f in feats] == ["field", "station"]
    assert feats[1].source == "job.gpkg layer 'stations' feature 0"
    (only,) = read_features(path, layer="stations")
    assert only.source == "job.gpkg feature 0"
    with pytest.raises(InputFileError, match=r"job\.gpkg: no layer 'trees'.*'fields'"):
        read_features(path, layer="trees")


def test_kml_properties_are_the_placemark_data(tmp_path):
    """KML gives the Placemark name and ExtendedData, not LIBKML's styling fields."""
    path = write_ogr(tmp_path / "j.kmz", "LIBKML", [FIELD], {"role": ["field"], "crop": ["wheat"]})
    (f,) = read_features(path)
    assert f.properties == {"id": "j.1", "role": "field", "crop": "wheat"}
    path = write_ogr(tmp_path / "n.kml", "KML", [FIELD], {"name": ["north-12"]})
    (f,) = read_features(path, default_role="field")
    assert f.properties == {"id": "n.1", "name": "north-12"}  # <name> is 'name', as elsewhere
    assert f.source == "n.kml feature 0 (name 'north-12')"


def test_geojson_properties_are_json_safe_python_values(tmp_path):
    """Nested objects, lists, booleans and integers come back as plain Python values."""
    path = write_geojson(
        tmp_path / "p.geojson",
        [
            feature(STATION, role="station", n=3, ok=True, tags=["a", "b"], meta={"k": 1}),
            feature(STATION, role="station", name="x"),
        ],
    )
    a, b = read_features(path)
    assert a.properties == {
        "role": "station",
        "n": 3,
        "ok": True,
        "tags": ["a", "b"],
        "meta": {"k": 1},
    }
    assert type(a.properties["n"]) is int
    assert b.properties == {"role": "station", "name": "x"}  # nulls are not invented
    json.dumps(a.properties)


def test_wkt_one_geometry_per_line_and_geometrycollection(tmp_path):
    """WKT: one feature per non-empty line, or one per member of a GEOMETRYCOLLECTION."""
    lines = f"# field and station\n{FIELD.wkt}\n\n{STATION.wkt}\n"
    feats = parse_wkt_text(lines, "a.wkt", default_role="x")
    assert [f.source for f in feats] == ["a.wkt line 2", "a.wkt line 4"]
    assert [f.role for f in feats] == ["x", "x"]
    gc = shapely.GeometryCollection([FIELD, STATION])
    feats = parse_wkt_text(gc.wkt, "b.wkt")
    assert [f.geometry_lonlat.geom_type for f in feats] == ["Polygon", "Point"]
    assert feats[1].source == "b.wkt line 1 GEOMETRYCOLLECTION member 1"
    assert feats[0].role is None


def test_wkt_syntax_error_names_the_line(tmp_path):
    """A malformed WKT line is an InputFileError naming file and line."""
    path = tmp_path / "bad.wkt"
    path.write_text(f"{STATION.wkt}\nPOINT (1.45 43.5\n")
    with pytest.raises(InputFileError, match=r"bad\.wkt line 2: not valid WKT"):
        read_features(path)


def test_wkt_in_another_crs_needs_crs(tmp_path):
    """WKT is WGS84 unless crs is given; projected-looking coordinates say so."""
    path = tmp_path / "m.wkt"
    path.write_text("POINT (374713.1 4822668.5)\n")
    with pytest.raises(CRSError, match=r"m\.wkt.*WKT is read as WGS84.*--crs"):
        read_features(path, default_role="station")
    (f,) = read_features(path, crs="EPSG:32631", default_role="station")
    assert f.geometry_lonlat.x == pytest.approx(1.4490904, abs=1e-6)
    assert f.geometry_lonlat.y == pytest.approx(43.5464504, abs=1e-6)


def test_force_role_and_default_role(tmp_path):
    """force_role overrides every feature's role; default_role fills only missing ones."""
    path = write_geojson(
        tmp_path / "r.geojson", [feature(STATION, role="station"), feature(STATION)]
    )
    assert [f.role for f in read_features(path, default_role="hub")] == ["station", "hub"]
    assert [f.role for f in read_features(path, force_role="hub")] == ["hub", "hub"]
    job = load_site((path, "hub"))
    assert [f.role for f in job.other] == ["hub", "hub"]
    assert job.stations == ()


def test_roles_are_matched_case_insensitively_and_properties_kept(tmp_path):
    """'Field', 'No-Spray' and 'Tower' are matched to their roles; properties and a
    tower's Z are kept."""
    nospray = shapely.box(1.4500, 43.5478, 1.4503, 43.5481)
    tower = shapely.Point(1.4600, 43.5500, 25.0)
    path = write_geojson(
        tmp_path / "r.geojson",
        [
            feature(FIELD, role="Field"),
            feature(nospray, role="No-Spray"),
            feature(tower, role="Tower", height_m=25),
        ],
    )
    job = load_site(path)
    assert [f.role for f in job.fields] == ["field"]
    assert [f.role for f in job.no_spray] == ["no_spray"]
    (tower_f,) = job.other
    assert tower_f.role == "tower"
    assert tower_f.properties == {"role": "Tower", "height_m": 25}
    assert tower_f.geometry.has_z and tower_f.geometry.z == 25.0  # other keeps its Z
    assert tower_f.geometry.x == pytest.approx(job.frame.to_local(1.46, 43.55)[0])


@pytest.mark.parametrize(
    ("typo", "known"),
    [
        ("feild", "field"),
        ("obstcle", "obstacle"),
        ("no_spary", "no_spray"),
        ("Stations", "station"),
    ],
)
def test_role_typo_is_an_error_naming_the_known_role(tmp_path, typo, known):
    """A near miss of a known role is not silently demoted to 'other'."""
    path = write_geojson(tmp_path / "t.geojson", [feature(STATION, role=typo, name="p")])
    with pytest.raises(InputFileError, match=rf"t\.geojson feature 0 \(name 'p'\).*'{known}'"):
        load_site(path)


def test_feature_without_role_is_an_error(tmp_path):
    """A feature with no role is never guessed into something that flies or lands: only a
    file in which no feature has a role and all are polygons is a file of fields (noted);
    a point without a role is an error naming it, unless the user says what it is."""
    path = write_geojson(tmp_path / "n.geojson", [feature(FIELD, name="x")])
    site = load_site(path)
    assert [f.role for f in site.features] == ["field"]
    assert any("taken as fields" in n for n in site.notes)
    mixed = write_geojson(
        tmp_path / "m.geojson", [feature(FIELD, role="field"), feature(TREE, name="x")]
    )
    with pytest.raises(InputFileError, match=r"m\.geojson feature 1 \(name 'x'\) \(Point\)"):
        load_site(mixed)
    with pytest.raises(GeometryError, match="radius_m"):
        load_site(mixed, unlabelled="obstacle")


def test_job_without_field_is_valid():
    """build_job accepts jobs without a field (delivery, inspection)."""
    job = build_site(
        [SourceFeature("station", STATION, {}, "s"), SourceFeature("order", TREE, {}, "o")]
    )
    assert job.fields == ()
    assert job.field_union.is_empty
    assert job.station_xy.shape == (1, 2)


def test_multipolygon_field_is_split_and_holes_kept():
    """A MultiPolygon field gives one field per part, with its holes and the parent's props."""
    other = shapely.box(1.46, 43.55, 1.462, 43.552)
    mp = shapely.MultiPolygon([FIELD, other])
    job = build_site([SourceFeature("field", mp, {"name": "two"}, "m")])
    assert [f.source for f in job.fields] == ["m part 0", "m part 1"]
    assert [f.properties for f in job.fields] == [{"name": "two"}, {"name": "two"}]
    assert len(job.fields[0].geometry.interiors) == 1
    assert job.field_union.area == pytest.approx(geodesic_area_m2(mp), rel=1e-3)
    assert all(f.geometry.exterior.is_ccw for f in job.fields)


def test_point_obstacle_is_buffered_to_contain_its_circle():
    """A Point obstacle becomes a polygon containing the circle of radius_m about it."""
    job = build_site([SourceFeature("obstacle", TREE, {"radius_m": 5, "height_m": 0}, "o")])
    (obs,) = job.obstacles
    centre = shapely.Point(job.frame.to_local(TREE.x, TREE.y))
    ring = shapely.get_coordinates(obs.geometry.exterior)
    r = np.hypot(ring[:, 0] - centre.x, ring[:, 1] - centre.y)
    assert r.min() >= 5.0
    assert r.max() < 5.0 * 1.002  # circumscribed 64-gon
    # The polygon's edges stay outside the circle: distance from centre to boundary ≥ r.
    assert shapely.distance(centre, obs.geometry.exterior) >= 5.0 - 1e-9
    assert obs.geometry.area == pytest.approx(math.pi * 25.0, rel=3e-3)
    assert job.obstacle_union.equals(obs.geometry)


def test_repeated_vertices_are_removed():
    """Repeated vertices and duplicate points are accepted and normalised away."""
    coords = list(FIELD.exterior.coords)
    doubled = shapely.Polygon([coords[0], coords[0], *coords[1:3], coords[2], *coords[3:]])
    job = build_site([SourceFeature("field", doubled, {}, "d")])
    assert len(job.fields[0].geometry.exterior.coords) == len(coords)


# ------------------------------------------------------------------------------------------
# Error paths
# ------------------------------------------------------------------------------------------


def test_missing_file(tmp_path):
    """A missing file is an InputFileError naming it."""
    with pytest.raises(InputFileError, match=r"nope\.geojson: file not found"):
        load_site(tmp_path / "nope.geojson")


def test_zero_byte_file(tmp_path):
    """A 0-byte file is an InputFileError saying it is empty."""
    (tmp_path / "e.gpkg").write_bytes(b"")
    with pytest.raises(InputFileError, match=r"e\.gpkg: the file is empty"):
        load_site(tmp_path / "e.gpkg")


def test_file_without_features(tmp_path):
    """A FeatureCollection without features is an InputFileError."""
    path = write_geojson(tmp_path / "none.geojson", [])
    with pytest.raises(InputFileError, match=r"none\.geojson: the file contains no features"):
        read_features(path)


def test_unreadable_file(tmp_path):
    """Garbage in a .geojson is an InputFileError naming the file, and an OSError."""
    (tmp_path / "bad.geojson").write_text("this is not json")
    with pytest.raises(InputFileError, match=r"bad\.geojson: cannot read") as info:
        read_features(tmp_path / "bad.geojson")
    assert isinstance(info.value, OSError)


def test_unsupported_extension(tmp_path):
    """An unknown suffix is an InputFileError listing the supported ones."""
    (tmp_path / "f.txt").write_text("x,y\n1,2\n")
    with pytest.raises(InputFileError, match=r"f\.txt: unsupported file type '\.txt'.*\.gpkg"):
        read_features(tmp_path / "f.txt")


def test_csv_of_points(tmp_path):
    """A CSV with lat/lon columns gives points with the other columns as properties, each
    named by its line; x/y columns need the data's CRS."""
    (tmp_path / "p.csv").write_text("id,lat,lon,mass_kg\nA,43.6,1.44,2.5\n")
    (f,) = read_features(tmp_path / "p.csv", force_role="order")
    assert f.role == "order" and f.properties == {"id": "A", "mass_kg": "2.5"}
    assert (f.geometry_lonlat.x, f.geometry_lonlat.y) == (1.44, 43.6)
    assert f.source == "p.csv line 2 (id 'A')"
    (tmp_path / "q.csv").write_text("x,y\n1,2\n")
    with pytest.raises(InputFileError, match=r"x/y columns need the CRS"):
        read_features(tmp_path / "q.csv")


def test_no_sources():
    """load_site needs at least one file."""
    with pytest.raises(InputFileError, match="no input files"):
        load_site()


def test_null_geometry(tmp_path):
    """A feature with a null geometry is a GeometryError naming it."""
    path = write_geojson(tmp_path / "g.geojson", [feature(None, role="field", name="nul")])
    with pytest.raises(GeometryError, match=r"g\.geojson feature 0 \(name 'nul'\).*no geometry"):
        read_features(path)


def test_empty_geometry(tmp_path):
    """An empty polygon is a GeometryError naming the feature."""
    path = tmp_path / "g.geojson"
    path.write_text(
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "properties": '
        '{"role": "field", "name": "e"}, "geometry": {"type": "Polygon", "coordinates": []}}]}'
    )
    with pytest.raises(GeometryError, match=r"g\.geojson feature 0 \(name 'e'\).*empty"):
        load_site(path)


def test_latitude_out_of_range_names_feature_and_vertex(tmp_path):
    """|lat| > 90 is a CRSError naming the feature and the first bad vertex."""
    bad = shapely.Polygon([(1.45, 43.55), (1.46, 43.55), (1.46, 93.56)])
    path = write_geojson(
        tmp_path / "r.geojson", [feature(STATION, role="station"), feature(bad, role="field")]
    )
    with pytest.raises(CRSError, match=r"r\.geojson feature 1: vertex 2 \(x=1\.46.*y=93\.56"):
        read_features(path)


def test_swapped_lat_lon_is_recognised(tmp_path):
    """Sydney written as (lat, lon) has y > 90 and every |x| ≤ 90: reported as swapped."""
    swapped = shapely.Polygon([(-33.87, 151.21), (-33.86, 151.21), (-33.86, 151.22)])
    path = write_geojson(tmp_path / "s.geojson", [feature(swapped, role="field", name="syd")])
    with pytest.raises(CRSError, match=r"\(name 'syd'\): vertex 0.*lat, lon order; GeoJSON is lon"):
        read_features(path)


def test_out_of_range_without_pattern_makes_no_guess():
    """Out of range but neither swapped nor projected-looking: no guess in the message."""
    with pytest.raises(CRSError, match=r"w: vertex 0 \(x=181\.0") as info:
        build_site([SourceFeature("field", shapely.box(179.0, 10.0, 181.0, 11.0), {}, "w")])
    assert "lat, lon" not in str(info.value)
    assert "projected" not in str(info.value)


def test_self_intersection_reports_lon_lat_and_vertex():
    """A bow-tie field is a GeometryError giving the crossing in lon/lat and nearest vertex."""
    bowtie = shapely.Polygon([(1.45, 43.55), (1.46, 43.56), (1.46, 43.55), (1.45, 43.56)])
    with pytest.raises(
        GeometryError,
        match=r"bow: invalid field geometry: Self-intersection at lon 1\.4550000, "
        r"lat 43\.5550000 \(near vertex \d of the exterior ring\)",
    ):
        build_site([SourceFeature("field", bowtie, {}, "bow")])


def test_ring_self_touch_reports_the_vertex():
    """A ring touching itself at a vertex is invalid, and the vertex index is given."""
    touch = shapely.Polygon(
        [(1.45, 43.55), (1.47, 43.55), (1.47, 43.57), (1.46, 43.55), (1.45, 43.57)]
    )
    with pytest.raises(
        GeometryError,
        match=r"t: invalid field geometry: Ring Self-intersection at lon 1\.4600000, "
        r"lat 43\.5500000 \(at vertex 3 of the exterior ring\)",
    ):
        build_site([SourceFeature("field", touch, {}, "t")])


def test_hole_outside_shell_names_the_hole():
    """A hole outside its shell is reported at that hole."""
    poly = shapely.Polygon(
        FIELD.exterior.coords, holes=[[(1.50, 43.60), (1.51, 43.60), (1.51, 43.61)]]
    )
    with pytest.raises(GeometryError, match=r"Hole lies outside shell.*at vertex 0 of the hole 0"):
        build_site([SourceFeature("no_spray", poly, {}, "h")])


@pytest.mark.parametrize(
    ("role", "geom", "allowed"),
    [
        ("field", shapely.LineString([(1.45, 43.55), (1.46, 43.56)]), "Polygon or MultiPolygon"),
        ("station", shapely.box(1.45, 43.55, 1.46, 43.56), "Point"),
        ("no_spray", shapely.Point(1.45, 43.55), "Polygon or MultiPolygon"),
        ("obstacle", shapely.LineString([(1.45, 43.55), (1.46, 43.56)]), "Polygon or Multi"),
    ],
)
def test_wrong_geometry_type_for_role(role, geom, allowed):
    """A geometry type not allowed for the role is a GeometryError naming allowed types."""
    with pytest.raises(GeometryError, match=rf"src: a {role} must be {allowed}.*{geom.geom_type}"):
        build_site([SourceFeature(role, geom, {}, "src")])


def test_geometry_collection_is_unsupported(tmp_path):
    """A GeometryCollection feature is an unsupported type, whatever its role."""
    gc = shapely.GeometryCollection([STATION, FIELD])
    path = write_geojson(tmp_path / "c.geojson", [feature(gc, role="tower")])
    with pytest.raises(GeometryError, match=r"c\.geojson feature 0: unsupported .*Collection"):
        load_site(path)


def test_field_larger_than_limit(tmp_path):
    """A field over max_field_area_ha is a GeometryError with its area and the limit."""
    path = job_geojson(tmp_path)
    with pytest.raises(
        GeometryError, match=r"north-12.*covers 11\.3 ha.*limit of 5 ha.*max_field_area_ha"
    ):
        load_site(path, max_field_area_ha=5)


def test_field_with_zero_area():
    """A valid but vanishingly small field (1e-9 ° wide) is reported as zero area."""
    tiny = shapely.Polygon([(1.45, 43.55), (1.45 + 1e-9, 43.55), (1.45, 43.55 + 1e-9)])
    with pytest.raises(GeometryError, match=r"tiny: the field has zero area \(0\.000000 ha\)"):
        build_site([SourceFeature("field", tiny, {}, "tiny")])


def test_point_obstacle_without_radius(tmp_path):
    """A Point obstacle needs radius_m; the error names the feature."""
    path = write_geojson(tmp_path / "o.geojson", [feature(TREE, role="obstacle", name="oak")])
    with pytest.raises(GeometryError, match=r"o\.geojson feature 0 \(name 'oak'\).*radius_m"):
        load_site(path)


@pytest.mark.parametrize(
    ("props", "message"),
    [
        ({"radius_m": 0}, r"radius_m = 0: must be a finite number of m in \(0, 10000\]"),
        ({"radius_m": -3}, r"radius_m = -3: must be a finite number of m in \(0, 10000\]"),
        ({"radius_m": "inf"}, r"radius_m = 'inf': must be a finite number of m in \(0, 10000\]"),
        ({"radius_m": "big"}, r"radius_m = 'big': must be a finite number of m in \(0, 10000\]"),
        (
            {"radius_m": 4, "height_m": -2},
            r"height_m = -2: must be a finite number of m in \[0, 1000\]",
        ),
    ],
)
def test_bad_obstacle_dimensions(props, message):
    """radius_m must be positive and finite, height_m non-negative."""
    with pytest.raises(GeometryError, match=rf"^tree: obstacle property {message}$"):
        build_site([SourceFeature("obstacle", TREE, props, "tree")])


def test_empty_job_without_frame():
    """No features and no frame: nothing to choose a frame from."""
    with pytest.raises(GeometryError, match="no features"):
        build_site([])


# ------------------------------------------------------------------------------------------
# Bundled example and round trip
# ------------------------------------------------------------------------------------------


def test_bundled_example_field():
    """The bundled example is a ~12 ha convex field near Toulouse with a station ~20 m out."""
    path = resources.files("airwork") / "data" / "example_field.geojson"
    with resources.as_file(path) as p:
        job = load_site(p)
    (field,) = job.fields
    (station,) = job.stations
    assert job.frame.epsg == 32631
    assert field.properties["name"]
    assert 11.0 < field.geometry.area / 1e4 < 13.0
    assert field.geometry.convex_hull.area == pytest.approx(field.geometry.area, rel=1e-9)
    assert 18.0 < shapely.distance(station.geometry, field.geometry) < 22.0
    assert job.obstacles == () and job.no_spray == ()
    edges = np.diff(shapely.get_coordinates(field.geometry.exterior), axis=0)
    longest = edges[np.argmax(np.hypot(edges[:, 0], edges[:, 1]))]
    angle = math.degrees(math.atan2(longest[1], longest[0])) % 90.0
    assert 5.0 < angle < 85.0  # not axis-aligned


@st.composite
def convex_polygons_lonlat(draw):
    """Convex hulls of 3-12 random points within ~2 km of a random place (|lat| ≤ 80°)."""
    lon0 = draw(st.floats(-179.0, 179.0))
    lat0 = draw(st.floats(-80.0, 80.0))
    offsets = draw(
        st.lists(st.tuples(st.floats(-0.02, 0.02), st.floats(-0.02, 0.02)), min_size=3, max_size=12)
    )
    hull = shapely.MultiPoint([(lon0 + dx, lat0 + dy) for dx, dy in offsets]).convex_hull
    # Keep proper polygons whose every vertex is clear of its neighbours' chord.
    if hull.geom_type != "Polygon" or hull.area < 1e-7 or hull.minimum_clearance < 1e-5:
        from hypothesis import assume

        assume(False)
    return hull


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.filter_too_much])
@given(convex_polygons_lonlat())
def test_convex_polygon_round_trips_through_the_local_frame(poly):
    """lon/lat -> build_job -> frame.geometry_to_lonlat returns every vertex within 1e-7 °."""
    job = build_site([SourceFeature("field", poly, {}, "h")])
    centroid = poly.centroid
    zone = int((centroid.x + 180.0) // 6.0) % 60 + 1
    assert job.frame.epsg == (32600 if centroid.y >= 0 else 32700) + zone
    back = job.frame.geometry_to_lonlat(job.fields[0].geometry)
    a = shapely.get_coordinates(poly)[:-1]
    b = shapely.get_coordinates(back)[:-1]
    assert len(a) == len(b)
    d = np.hypot(a[:, None, 0] - b[None, :, 0], a[:, None, 1] - b[None, :, 1])
    assert d.min(axis=1).max() < 1e-7
    assert d.min(axis=0).max() < 1e-7


def test_one_feature_swapped_inside_the_range_is_caught_by_distance():
    """A station written lat, lon (43.5464504, 1.4490904) stays inside the WGS84 range, so
    only its distance gives it away: ~6,250 km from the field, checked against pyproj's
    geodesic here.  A job 900 km across (a long line survey) is accepted."""
    swapped = shapely.Point(STATION.y, STATION.x)
    features = [
        SourceFeature("field", FIELD, {}, "f"),
        SourceFeature("station", STATION, {}, "ok"),
        SourceFeature("station", swapped, {}, "st2"),
    ]
    with pytest.raises(GeometryError, match=r"^st2: lies ([\d,]+) km .*latitude/longitude") as e:
        build_site(features)
    km = float(str(e.value).split(" km")[0].split("lies ")[1].replace(",", ""))
    pts = shapely.get_coordinates(shapely.point_on_surface([FIELD, STATION, swapped]))
    _, _, d = GEOD.inv(np.median(pts[:, 0]), np.median(pts[:, 1]), swapped.x, swapped.y)
    assert km == pytest.approx(d / 1000, abs=1.0) and km > 6000
    far_ok = shapely.Point(STATION.x + 11.0, STATION.y)  # ~890 km east at 43.5° N
    job = build_site(
        [SourceFeature("station", STATION, {}, "a"), SourceFeature("station", far_ok, {}, "b")]
    )
    assert len(job.stations) == 2
