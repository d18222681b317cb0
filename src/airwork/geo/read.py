"""Read geodata files into features in WGS84 lon/lat, whatever the file's format and CRS.

:func:`read_features` (a file) and :func:`parse_wkt_text` (a string) give
:class:`SourceFeature` objects: a raw ``role`` as written (or imposed), the geometry in
WGS84 lon/lat, and the feature's properties.  Roles, projection into a local frame and
validation are the site's (:func:`airwork.site.load_site`); CRS handling is
:mod:`airwork.geo.crs`.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.raw
import shapely

from airwork.errors import GeometryError, InputFileError
from airwork.geo.crs import reproject_to_wgs84

__all__ = [
    "SUPPORTED_SUFFIXES",
    "SUPPORTED_TYPES",
    "SourceFeature",
    "parse_wkt_text",
    "read_features",
    "with_role",
]

#: File name suffixes :func:`read_features` accepts, with the format each one means.
SUPPORTED_SUFFIXES: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".shp": "Shapefile",
    ".gpkg": "GeoPackage",
    ".fgb": "FlatGeobuf",
    ".parquet": "GeoParquet",
    ".wkt": "WKT",
    ".csv": "CSV",
}

#: Geometry types a site may hold.
SUPPORTED_TYPES: tuple[str, ...] = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)

# Fields LIBKML adds to every Placemark that describe styling, not the feature.
_KML_STYLE_FIELDS = frozenset(
    {"tessellate", "extrude", "visibility", "drawOrder", "icon", "altitudeMode"}
)
# KML field names mapped to airwork's (a Placemark's <name> is GDAL's "Name").
_KML_RENAME = {"Name": "name"}


# --------------------------------------------------------------------------------------------
# Data classes
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SourceFeature:
    """One feature as read from a file, in WGS84, before projection.

    Attributes
    ----------
    role : str or None
        Role as found (``force_role``, the ``role`` property, or ``default_role``); ``None``
        when the feature has none.  Not yet normalised.
    geometry_lonlat : shapely.Geometry
        Geometry in WGS84, x = longitude, y = latitude. [°]
    properties : dict[str, Any]
        The feature's own non-null properties, as JSON-safe Python values.
    source : str
        Where the feature came from, for messages, e.g.
        ``"fields.geojson feature 3 (name 'north-12')"``.
    """

    role: str | None
    geometry_lonlat: shapely.Geometry
    properties: dict[str, Any]
    source: str


def read_features(
    path: str | Path,
    *,
    crs: str | None = None,
    layer: str | None = None,
    default_role: str | None = None,
    force_role: str | None = None,
) -> list[SourceFeature]:
    """Read the features of a geodata file, reprojected to WGS84 lon/lat.

    Formats, chosen by suffix: GeoJSON (``.geojson``, ``.json``; WGS84 by RFC 7946, or the CRS
    of a legacy ``"crs"`` member as GDAL reads it), KML and KMZ (roles from a ``role``
    ExtendedData field), Shapefile (``.shp``, CRS from its ``.prj``), GeoPackage (``.gpkg``,
    every layer with geometry, or only ``layer``) and WKT (``.wkt``, see
    :func:`parse_wkt_text`; WGS84 unless ``crs`` is given).

    Parameters
    ----------
    path : str or Path
        The file.
    crs : str, optional
        CRS of the coordinates when the file declares none (WKT, Shapefile without ``.prj``),
        or of a GeoJSON file whose coordinates are not RFC 7946 lon/lat.  A file that declares
        another CRS raises :class:`CRSError` rather than being silently overridden.
    layer : str, optional
        Read only this layer (GeoPackage, KML folders).  Default: every layer with geometry.
    default_role : str, optional
        Role of features without a ``role`` property.
    force_role : str, optional
        Role imposed on every feature, whatever its ``role`` property says.

    Returns
    -------
    list of SourceFeature
        In file order (layer by layer).  ``source`` counts features from 0 within their layer
        and names the layer when the file has more than one.

    Raises
    ------
    InputFileError
        The file is missing, empty, unreadable, has no features or an unsupported suffix.
    CRSError
        The file has no CRS and its coordinates look projected, its CRS conflicts with
        ``crs``, or coordinates are outside the lon/lat range or look swapped.
    GeometryError
        A feature has no geometry or a non-finite coordinate.
    """
    path = Path(path)
    kind = _check_file(path)
    if kind == "WKT":
        if layer is not None:
            raise InputFileError(f"{path}: WKT files have no layers (got layer={layer!r})")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputFileError(f"{path}: cannot read the file as UTF-8 text: {exc}") from exc
        feats = parse_wkt_text(text, path.name, default_role=default_role)
        if force_role is not None:
            feats = [with_role(f, force_role) for f in feats]
        if not feats:
            raise InputFileError(f"{path}: the file contains no geometries")
        return _reprojected(feats, None, crs, path, kind)

    if kind == "CSV":
        feats = parse_csv_points(path, default_role=default_role, crs_given=crs is not None)
        if force_role is not None:
            feats = [with_role(f, force_role) for f in feats]
        return _reprojected(feats, None, crs, path, kind)

    features: list[SourceFeature] = []
    names = _layer_names(path, layer)
    for name in names:
        label = path.name if len(names) == 1 else f"{path.name} layer {name!r}"
        try:
            meta, _, wkb, columns = pyogrio.raw.read(path, layer=name, datetime_as_string=True)
        except Exception as exc:  # pyogrio raises several classes, all meaning "unreadable"
            raise InputFileError(f"{path}: cannot read layer {name!r}: {exc}") from exc
        if wkb is None or len(wkb) == 0:
            continue
        try:
            geoms = shapely.from_wkb(wkb)
        except shapely.errors.ShapelyError as exc:
            raise InputFileError(f"{path}: layer {name!r} has unreadable geometry: {exc}") from exc
        props = _layer_properties(meta, columns, len(geoms), kind)
        layer_feats = []
        for i, (geom, prop) in enumerate(zip(geoms, props, strict=True)):
            source = f"{label} feature {i}{_name_suffix(prop)}"
            if geom is None:
                raise GeometryError(f"{source}: the feature has no geometry (null)")
            role = force_role
            if role is None:
                role = _get_ci(prop, "role")
                role = str(role) if role is not None and str(role).strip() else default_role
            layer_feats.append(SourceFeature(role, geom, prop, source))
        features += _reprojected(layer_feats, meta["crs"], crs, path, kind)
    if not features:
        raise InputFileError(f"{path}: the file contains no features")
    return features


def parse_wkt_text(
    text: str, source: str, *, default_role: str | None = None
) -> list[SourceFeature]:
    """Parse WKT text into features (WGS84 lon/lat is assumed; nothing is reprojected).

    The text is either one geometry (it may span several lines) or one geometry per non-empty
    line; lines starting with ``#`` are comments.  A top-level ``GEOMETRYCOLLECTION`` is split
    into one feature per member.

    Parameters
    ----------
    text : str
        WKT, x = longitude and y = latitude. [°]
    source : str
        Name for messages, e.g. the file name.
    default_role : str, optional
        Role given to every feature (WKT carries no properties).

    Returns
    -------
    list of SourceFeature
        With empty properties; ``source`` names the line (1-based) and collection member.

    Raises
    ------
    InputFileError
        A line is not valid WKT (the message names the line).
    """
    lines = [
        (n, line.strip())
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip() and not line.lstrip().startswith("#")
    ]
    if not lines:
        return []
    whole = " ".join(line for _, line in lines)
    try:
        parsed = [(f"{source} line {lines[0][0]}", shapely.from_wkt(whole))]
    except shapely.errors.ShapelyError:
        parsed = []
        for n, line in lines:
            try:
                parsed.append((f"{source} line {n}", shapely.from_wkt(line)))
            except shapely.errors.ShapelyError as exc:
                raise InputFileError(
                    f"{source} line {n}: not valid WKT ({exc}); expected one geometry per line "
                    "or a single GEOMETRYCOLLECTION"
                ) from exc
    features = []
    for where, geom in parsed:
        if shapely.get_type_id(geom) == shapely.GeometryType.GEOMETRYCOLLECTION:
            for k, part in enumerate(shapely.get_parts(geom)):
                features.append(
                    SourceFeature(default_role, part, {}, f"{where} GEOMETRYCOLLECTION member {k}")
                )
        else:
            features.append(SourceFeature(default_role, geom, {}, where))
    return features


_LAT_NAMES = ("lat", "latitude", "y")
_LON_NAMES = ("lon", "lng", "long", "longitude", "x")


def parse_csv_points(
    path: Path, *, default_role: str | None = None, crs_given: bool = False
) -> list[SourceFeature]:
    """Points from a CSV file with a header: ``lat``/``lon`` columns (or ``latitude`` /
    ``longitude``, or ``x``/``y`` in the ``crs`` given), every other column a property (as
    text; a role's schema converts what it reads).  A ``role`` column gives roles.

    Raises
    ------
    InputFileError
        Unreadable, no header, no coordinate columns, or a row with a missing or
        non-numeric coordinate (naming the line).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFileError(f"{path}: cannot read the file as UTF-8 text: {exc}") from exc
    reader = csv.DictReader(text.splitlines())
    cols = {str(c).strip().lower(): c for c in reader.fieldnames or [] if c is not None}
    lat = next((cols[c] for c in _LAT_NAMES if c in cols), None)
    lon = next((cols[c] for c in _LON_NAMES if c in cols), None)
    if lat is None or lon is None:
        raise InputFileError(
            f"{path}: a CSV of points needs lat and lon columns (or latitude/longitude, or "
            f"x/y with --crs); its columns are {', '.join(cols) or 'none'}"
        )
    if cols.get("x") in (lat, lon) and not crs_given and "lat" not in cols:
        raise InputFileError(f"{path}: x/y columns need the CRS of the data (--crs)")
    out: list[SourceFeature] = []
    for line, row in enumerate(reader, start=2):
        where = f"{path.name} line {line}"
        try:
            x, y = float(row[lon]), float(row[lat])
        except (TypeError, ValueError):
            raise InputFileError(
                f"{where}: {lon}/{lat} must be numbers, got {row.get(lon)!r}, {row.get(lat)!r}"
            ) from None
        props = {
            str(k).strip().lower(): v.strip()
            for k, v in row.items()
            if k not in (lat, lon)
            and k is not None
            and isinstance(v, str)
            and (v.strip() != "" or str(k).strip().lower() == "id")  # an empty id is kept
        }
        role = props.pop("role", None) or default_role
        label = f"{where}{_name_suffix(props)}"
        if props.get("id"):
            label = f"{where} (id {props['id']!r})"
        out.append(SourceFeature(role, shapely.Point(x, y), props, label))
    if not out:
        raise InputFileError(f"{path}: the file has a header but no rows")
    return out


def _check_file(path: Path) -> str:
    """Check that ``path`` is a non-empty file of a supported kind; return the kind."""
    kind = SUPPORTED_SUFFIXES.get(path.suffix.lower())
    if kind is None:
        supported = ", ".join(SUPPORTED_SUFFIXES)
        raise InputFileError(
            f"{path}: unsupported file type {path.suffix or '(no suffix)'!r}; "
            f"supported: {supported}"
        )
    if not path.exists():
        raise InputFileError(f"{path}: file not found")
    if not path.is_file():
        raise InputFileError(f"{path}: not a regular file")
    if path.stat().st_size == 0:
        raise InputFileError(f"{path}: the file is empty (0 bytes)")
    if kind == "Shapefile":
        missing = [s for s in (".dbf", ".shx") if not _sidecar(path, s).is_file()]
        if missing:
            raise InputFileError(
                f"{path}: the shapefile's {' and '.join(missing)} file is missing (a shapefile "
                "is .shp + .shx + .dbf, and .prj for its CRS); without .dbf every attribute, "
                "the role included, is lost"
            )
    return kind


def _sidecar(path: Path, suffix: str) -> Path:
    """``path`` with another suffix, in either case (``.dbf`` or ``.DBF``)."""
    for cand in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if cand.is_file():
            return cand
    return path.with_suffix(suffix)


def _layer_names(path: Path, layer: str | None) -> list[str]:
    """Names of the layers to read: ``layer`` if given, else every layer with geometry."""
    try:
        layers = pyogrio.list_layers(path)
    except Exception as exc:  # pyogrio raises several classes, all meaning "unreadable"
        raise InputFileError(f"{path}: cannot read the file: {exc}") from exc
    all_names = [str(n) for n in layers[:, 0]]
    if layer is not None:
        if layer not in all_names:
            raise InputFileError(
                f"{path}: no layer {layer!r}; layers: {', '.join(map(repr, all_names))}"
            )
        return [layer]
    return [str(n) for n, geom_type in layers if geom_type is not None]


def _layer_properties(
    meta: dict[str, Any], columns: Sequence[np.ndarray], n: int, kind: str
) -> list[dict[str, Any]]:
    """Per-feature dicts of non-null, JSON-safe property values."""
    props: list[dict[str, Any]] = [{} for _ in range(n)]
    names = [str(name) for name in meta["fields"]]
    is_kml = kind in ("KML", "KMZ")
    specs = zip(names, meta["ogr_types"], meta["ogr_subtypes"], columns, strict=True)
    for name, ogr_type, subtype, values in specs:
        if is_kml and name in _KML_STYLE_FIELDS:
            continue
        key = name
        if is_kml and name in _KML_RENAME and _KML_RENAME[name] not in names:
            key = _KML_RENAME[name]
        for i, value in enumerate(values):
            converted = _json_value(value, ogr_type, subtype)
            if converted is not None:
                props[i][key] = converted
    return props


def _json_value(value: Any, ogr_type: str, subtype: str) -> Any:
    """Convert one value read by pyogrio to a JSON-safe Python value (None for null)."""
    if value is None:
        return None
    if isinstance(value, np.ndarray):  # list types
        return [_json_value(v, ogr_type, subtype) for v in value.tolist()]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None  # NaN is how pyogrio marks a null number
    if isinstance(value, bytes):
        return value.hex()
    if subtype == "OFSTBoolean":
        return bool(value)
    if subtype == "OFSTJSON" and isinstance(value, str):
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    if ogr_type.startswith("OFTInteger") and isinstance(value, float) and value.is_integer():
        return int(value)  # an integer column with nulls comes back as float
    return value


def _get_ci(props: dict[str, Any], key: str) -> Any:
    """``props[key]``, else the value of the first key equal to ``key`` ignoring case."""
    if key in props:
        return props[key]
    for k, v in props.items():
        if k.lower() == key:
            return v
    return None


def _name_suffix(props: dict[str, Any]) -> str:
    name = _get_ci(props, "name")
    return f" (name {str(name)!r})" if name is not None and str(name).strip() else ""


def with_role(feature: SourceFeature, role: str | None) -> SourceFeature:
    return SourceFeature(role, feature.geometry_lonlat, feature.properties, feature.source)


def _reprojected(
    features: list[SourceFeature], file_crs: str | None, user_crs: str | None, path: Path, kind: str
) -> list[SourceFeature]:
    geoms = np.array([f.geometry_lonlat for f in features], dtype=object)
    geoms = reproject_to_wgs84(geoms, [f.source for f in features], file_crs, user_crs, path, kind)
    return [
        SourceFeature(f.role, g, f.properties, f.source)
        for f, g in zip(features, geoms, strict=True)
    ]
