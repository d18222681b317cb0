"""Read a job's geodata and bring it into the local metric frame.

A *job file* holds features with a ``role`` property:

``field``
    Polygon or MultiPolygon (holes allowed) to work on; MultiPolygons are split into parts.
``obstacle``
    Polygon/MultiPolygon, or a Point with ``radius_m`` [m] (and optional ``height_m`` [m]),
    which is buffered into a polygon of that radius in the local frame.
``no_spray``
    Polygon or MultiPolygon that must not be sprayed; split into parts.
``station``
    Point: take-off, landing, refill or battery swap.

Any other role (``tower``, ``line``, ``hub``, ``order``, ``no_fly``, ``geofence``, ...) is kept
as it is in :attr:`Job.other` for later planners.  Known roles are matched case-insensitively
(``Field``, ``No-Spray``); a near miss of a known role (``feild``, ``obstcle``) is an error,
because silently dropping an obstacle is worse than stopping.

Reading happens in two steps, so each can be used and tested alone:

1. :func:`read_features` (a file) or :func:`parse_wkt_text` (a string) gives
   :class:`SourceFeature` objects in WGS84 lon/lat, whatever the file's CRS;
2. :func:`build_job` validates them (in lon/lat, so messages can quote lon/lat), chooses the
   UTM frame of the job, projects, splits multi-part geometries and buffers point obstacles.

:func:`read_job` chains both for one or more files.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pyogrio
import pyogrio.raw
import shapely
from pyproj import CRS, Geod, Transformer
from pyproj.exceptions import CRSError as PyprojCRSError

from airwork.errors import AirworkWarning, CRSError, GeometryError, InputFileError
from airwork.geo.frame import WGS84, LocalFrame

__all__ = [
    "KNOWN_ROLES",
    "SUPPORTED_SUFFIXES",
    "Job",
    "JobFeature",
    "SourceFeature",
    "build_job",
    "parse_wkt_text",
    "read_features",
    "read_job",
]

#: Roles :func:`build_job` interprets; any other role goes to :attr:`Job.other`.
KNOWN_ROLES: tuple[str, ...] = ("field", "obstacle", "no_spray", "station")

#: File name suffixes :func:`read_features` accepts, with the format each one means.
SUPPORTED_SUFFIXES: dict[str, str] = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".shp": "Shapefile",
    ".gpkg": "GeoPackage",
    ".wkt": "WKT",
}

# Geometry types allowed per known role; every other role accepts any of _SUPPORTED_TYPES.
_ROLE_TYPES: dict[str, tuple[str, ...]] = {
    "field": ("Polygon", "MultiPolygon"),
    "obstacle": ("Polygon", "MultiPolygon", "Point"),
    "no_spray": ("Polygon", "MultiPolygon"),
    "station": ("Point",),
}
_SUPPORTED_TYPES: tuple[str, ...] = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)

# A field smaller than this is taken as having zero area (a collapsed polygon). [m²]
_MIN_FIELD_AREA_M2 = 1e-2
_M2_PER_HA = 1e4
# Point obstacles become regular polygons with 4 * _CIRCLE_QUAD_SEGS vertices, circumscribed
# about the circle of radius radius_m so the polygon never cuts into the true obstacle.
_CIRCLE_QUAD_SEGS = 16
_CIRCUMSCRIBE = 1.0 / math.cos(math.pi / (4 * _CIRCLE_QUAD_SEGS))
# Near-miss threshold (difflib ratio) for reporting a role as a typo of a known role.
_ROLE_TYPO_CUTOFF = 0.8
# Fields LIBKML adds to every Placemark that describe styling, not the feature.
_KML_STYLE_FIELDS = frozenset(
    {"tessellate", "extrude", "visibility", "drawOrder", "icon", "altitudeMode"}
)
# KML field names mapped to airwork's (a Placemark's <name> is GDAL's "Name").
_KML_RENAME = {"Name": "name"}
_REASON_RE = re.compile(r"^(?P<what>[^\[]*)\[(?P<x>\S+) (?P<y>\S+)(?: \S+)?\]\s*$")


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


@dataclass(frozen=True)
class JobFeature:
    """One feature of a job, in the job's local frame.

    Attributes
    ----------
    role : str
        ``field``, ``obstacle``, ``no_spray``, ``station``, or another role exactly as given.
    geometry : shapely.Geometry
        Geometry in the local frame. [m]  Polygons have a counter-clockwise exterior ring.
    properties : dict[str, Any]
        The feature's own properties (JSON-safe values).
    source : str
        Where the feature came from, for messages; ``" part k"`` is appended to parts of a
        split multi-part geometry.
    """

    role: str
    geometry: shapely.Geometry
    properties: dict[str, Any]
    source: str


@dataclass(frozen=True)
class Job:
    """The geodata of one job, validated and projected into a local metric frame.

    Attributes
    ----------
    frame : LocalFrame
        The frame every geometry is in (UTM zone of the job unless chosen otherwise).
    fields : tuple of JobFeature
        Field polygons, one per Polygon (MultiPolygons split into parts). [m]
    obstacles : tuple of JobFeature
        Obstacle polygons; point obstacles are already buffered by their ``radius_m``. [m]
    no_spray : tuple of JobFeature
        No-spray polygons, one per Polygon. [m]
    stations : tuple of JobFeature
        Station points (take-off, landing, refill, battery swap). [m]
    other : tuple of JobFeature
        Features of any other role, projected but otherwise as they were read (a Z coordinate,
        if any, is kept unchanged).
    """

    frame: LocalFrame
    fields: tuple[JobFeature, ...]
    obstacles: tuple[JobFeature, ...]
    no_spray: tuple[JobFeature, ...]
    stations: tuple[JobFeature, ...]
    other: tuple[JobFeature, ...]

    @cached_property
    def field_union(self) -> shapely.Geometry:
        """Union of all field polygons (an empty geometry if there is none). [m]"""
        return _union(self.fields)

    @cached_property
    def obstacle_union(self) -> shapely.Geometry:
        """Union of all obstacle polygons (an empty geometry if there is none). [m]"""
        return _union(self.obstacles)

    @cached_property
    def no_spray_union(self) -> shapely.Geometry:
        """Union of all no-spray polygons (an empty geometry if there is none). [m]"""
        return _union(self.no_spray)

    @cached_property
    def station_xy(self) -> np.ndarray:
        """Station positions as an ``(n, 2)`` array of local (x, y). [m]"""
        geoms = np.array([s.geometry for s in self.stations], dtype=object)
        return shapely.get_coordinates(geoms).reshape(-1, 2)


def _union(features: tuple[JobFeature, ...]) -> shapely.Geometry:
    return shapely.union_all(np.array([f.geometry for f in features], dtype=object))


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_job(
    *sources: str | Path | tuple[str | Path, str],
    crs: str | None = None,
    max_field_area_ha: float = 5000.0,
    infer_roles: bool = False,
) -> Job:
    """Read one or more files into a :class:`Job`.

    Parameters
    ----------
    *sources : str, Path or (str or Path, str)
        A path, whose features carry their own ``role``, or a ``(path, role)`` pair that
        imposes ``role`` on every feature of the file.
    crs : str, optional
        CRS of files that do not declare one (WKT, a Shapefile without ``.prj``, a GeoJSON
        that is not RFC 7946 lon/lat), as accepted by ``pyproj.CRS`` (``"EPSG:2154"``).
    max_field_area_ha : float, default 5000
        Largest field area accepted. [ha]
    infer_roles : bool, default False
        For field jobs: a feature with no ``role`` becomes a ``field`` when it is a
        polygon and a ``station`` when it is a point (a plain field-boundary file needs no
        roles).  Misspelt roles are still errors.

    Returns
    -------
    Job

    Raises
    ------
    InputFileError, CRSError, GeometryError
        See :func:`read_features` and :func:`build_job`.
    """
    if not sources:
        raise InputFileError("no input files given; pass at least one job file")
    features: list[SourceFeature] = []
    for item in sources:
        if isinstance(item, tuple):
            if len(item) != 2 or not isinstance(item[1], str) or not item[1].strip():
                raise InputFileError(
                    f"source {item!r}: expected (path, role) with a non-empty role string"
                )
            features += read_features(item[0], crs=crs, force_role=item[1])
        else:
            found = read_features(item, crs=crs)
            if infer_roles:
                found = [_with_role(f, _inferred_role(f)) if f.role is None else f for f in found]
            features += found
    return build_job(features, max_field_area_ha=max_field_area_ha)


def _inferred_role(feature: SourceFeature) -> str | None:
    kind = feature.geometry_lonlat.geom_type if feature.geometry_lonlat is not None else ""
    return {"Polygon": "field", "MultiPolygon": "field", "Point": "station"}.get(kind)


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
            feats = [_with_role(f, force_role) for f in feats]
        if not feats:
            raise InputFileError(f"{path}: the file contains no geometries")
        return _to_wgs84(feats, None, crs, path, kind)

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
        features += _to_wgs84(layer_feats, meta["crs"], crs, path, kind)
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
    return kind


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


def _with_role(feature: SourceFeature, role: str | None) -> SourceFeature:
    return SourceFeature(role, feature.geometry_lonlat, feature.properties, feature.source)


# --------------------------------------------------------------------------------------------
# CRS handling
# --------------------------------------------------------------------------------------------


def _parse_crs(value: str, what: str) -> CRS:
    try:
        return CRS.from_user_input(value)
    except PyprojCRSError as exc:
        raise CRSError(f"{what}: cannot understand CRS {value!r}: {exc}") from exc


def _is_wgs84(crs: CRS) -> bool:
    return crs.equals(WGS84, ignore_axis_order=True) or crs.equals(
        CRS.from_user_input("OGC:CRS84"), ignore_axis_order=True
    )


def _to_wgs84(
    features: list[SourceFeature],
    file_crs: str | None,
    user_crs: str | None,
    path: Path,
    kind: str,
) -> list[SourceFeature]:
    """Resolve the CRS of one layer, check its coordinates and reproject it to WGS84."""
    if not features:
        return []
    geoms = np.array([f.geometry_lonlat for f in features], dtype=object)
    sources = [f.source for f in features]
    _check_finite(geoms, sources)
    user = _parse_crs(user_crs, f"{path} (crs option)") if user_crs is not None else None

    if file_crs is None:
        if user is not None:
            src = user
        else:
            src = WGS84
            coords = shapely.get_coordinates(geoms)
            if not _in_lonlat_range(coords).all() and not _looks_swapped(coords):
                bad = coords[~_in_lonlat_range(coords)][0]
                what = (
                    "WKT is read as WGS84 lon/lat unless a CRS is given"
                    if kind == "WKT"
                    else "the file has no CRS (for a Shapefile: no .prj file)"
                )
                raise CRSError(
                    f"{path}: {what}, and its coordinates look projected "
                    f"(e.g. x={bad[0]:.3f}, y={bad[1]:.3f} is outside lon/lat range); "
                    "give the CRS of the data, e.g. --crs EPSG:2154 (crs='EPSG:2154')"
                )
            if kind != "WKT":
                warnings.warn(
                    f"{path}: the file has no CRS; its coordinates are in lon/lat range, so "
                    "they are read as WGS84 lon/lat (pass --crs to say otherwise)",
                    AirworkWarning,
                    stacklevel=3,
                )
    else:
        declared = _parse_crs(file_crs, str(path))
        src = declared
        if user is not None and not user.equals(declared, ignore_axis_order=True):
            if kind == "GeoJSON" and _is_wgs84(declared):
                src = user  # a GeoJSON that does not follow RFC 7946: trust the user
            else:
                raise CRSError(
                    f"{path}: the file declares CRS {declared.name!r} "
                    f"(EPSG:{declared.to_epsg()}) but crs={user_crs!r} was given; "
                    "drop the crs option or fix the file's CRS"
                )

    if src.is_geographic:
        _check_lonlat_range(geoms, sources)  # degrees: check before any transform
    if not _is_wgs84(src):
        transformer = Transformer.from_crs(src, WGS84, always_xy=True)
        geoms = _transform_keep_z(geoms, transformer.transform)
        _check_transformed(geoms, sources, src)
        _check_lonlat_range(geoms, sources)
    return [
        SourceFeature(f.role, g, f.properties, f.source)
        for f, g in zip(features, geoms, strict=True)
    ]


def _transform_keep_z(geoms: np.ndarray, transform) -> np.ndarray:
    """Apply ``transform(x, y) -> (x, y)`` to every vertex, keeping any Z unchanged."""

    def apply(coords: np.ndarray) -> np.ndarray:
        out = np.array(coords, dtype=float, copy=True)
        x, y = transform(coords[:, 0], coords[:, 1])
        out[:, 0] = x
        out[:, 1] = y
        return out

    return shapely.transform(geoms, apply, include_z=None)


def _in_lonlat_range(coords: np.ndarray) -> np.ndarray:
    return (np.abs(coords[:, 0]) <= 180.0) & (np.abs(coords[:, 1]) <= 90.0)


def _looks_swapped(coords: np.ndarray) -> bool:
    """All |x| ≤ 90 and some 90 < |y| ≤ 180: clearly (lat, lon) instead of (lon, lat)."""
    if len(coords) == 0:
        return False
    ax, ay = np.abs(coords[:, 0]), np.abs(coords[:, 1])
    return bool((ax <= 90.0).all() and (ay > 90.0).any() and (ay <= 180.0).all())


def _first_bad_vertex(bad: np.ndarray, index: np.ndarray) -> tuple[int, int]:
    """(feature index, vertex index within the feature) of the first True in ``bad``."""
    k = int(np.flatnonzero(bad)[0])
    feature = int(index[k])
    vertex = k - int(np.flatnonzero(index == feature)[0])
    return feature, vertex


def _check_finite(geoms: np.ndarray, sources: Sequence[str]) -> None:
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        i, v = _first_bad_vertex(bad, index)
        x, y = coords[bad][0]
        raise GeometryError(f"{sources[i]}: vertex {v} has a non-finite coordinate (x={x}, y={y})")


def _check_lonlat_range(geoms: np.ndarray, sources: Sequence[str]) -> None:
    """Raise CRSError for the first vertex outside WGS84 lon/lat range."""
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    ok = _in_lonlat_range(coords)
    if ok.all():
        return
    bad = ~ok
    i, v = _first_bad_vertex(bad, index)
    x, y = coords[bad][0]
    msg = (
        f"{sources[i]}: vertex {v} (x={x:.7f}, y={y:.7f}) is outside the WGS84 range "
        "(|lon| ≤ 180°, |lat| ≤ 90°)"
    )
    if _looks_swapped(coords):
        msg += "; the coordinates look like lat, lon order; GeoJSON is lon, lat (x=lon, y=lat)"
    elif np.abs(coords[bad]).max() > 1000.0:
        msg += (
            "; the coordinates look projected (metres): give the data's CRS, "
            "e.g. --crs EPSG:2154 (crs='EPSG:2154')"
        )
    raise CRSError(msg)


MAX_JOB_EXTENT_KM = 1000.0
"""Largest distance of a job's feature from the job's median point.  Drone work is local;
a feature farther away is a coordinate mistake (latitude/longitude swapped in one file, a
wrong CRS), and one local metric frame would distort beyond use. [km]"""


def _check_extent(geoms: np.ndarray, sources: Sequence[str]) -> None:
    """Raise GeometryError for the feature farthest from the others when it lies more than
    :data:`MAX_JOB_EXTENT_KM` from the median point of all features (geodesic distance on
    the WGS84 ellipsoid, pyproj ``Geod.inv``)."""
    if len(geoms) < 2:
        return
    pts = shapely.get_coordinates(shapely.point_on_surface(geoms))
    lon0, lat0 = np.median(pts[:, 0]), np.median(pts[:, 1])
    geod = Geod(ellps="WGS84")
    n = len(pts)
    _, _, dist_m = geod.inv(np.full(n, lon0), np.full(n, lat0), pts[:, 0], pts[:, 1])
    i = int(np.argmax(dist_m))
    if dist_m[i] <= MAX_JOB_EXTENT_KM * 1000.0:
        return
    far = dist_m > MAX_JOB_EXTENT_KM * 1000.0
    raise GeometryError(
        f"{sources[i]}: lies {dist_m[i] / 1000:,.0f} km from the rest of the job (lon "
        f"{pts[i, 0]:.6f}, lat {pts[i, 1]:.6f}, against lon {lon0:.6f}, lat {lat0:.6f}); "
        f"{int(far.sum())} of {n} features are more than {MAX_JOB_EXTENT_KM:,.0f} km away. "
        "Check its coordinates: latitude/longitude order (GeoJSON is lon, lat), CRS"
    )


def _check_transformed(geoms: np.ndarray, sources: Sequence[str], src: CRS) -> None:
    coords, index = shapely.get_coordinates(geoms, return_index=True)
    bad = ~np.isfinite(coords).all(axis=1)
    if bad.any():
        i, v = _first_bad_vertex(bad, index)
        raise CRSError(
            f"{sources[i]}: vertex {v} cannot be transformed from {src.name!r} to WGS84; "
            "is the CRS right?"
        )


# --------------------------------------------------------------------------------------------
# Building the job
# --------------------------------------------------------------------------------------------


def build_job(
    features: Sequence[SourceFeature],
    *,
    max_field_area_ha: float = 5000.0,
    frame: LocalFrame | None = None,
) -> Job:
    """Validate WGS84 features, project them into a local frame and sort them by role.

    Checks, in this order, each raising for the first offending feature: a role is present
    and is not a near miss of a known role; the geometry is not empty and of a supported
    type, allowed for its role; coordinates are finite and in lon/lat range; the geometry is
    valid (checked in lon/lat, so the message quotes lon/lat and the nearest vertex); fields
    have a non-zero area not larger than ``max_field_area_ha``; point obstacles have a
    positive ``radius_m``; ``height_m`` is not negative.  Repeated vertices are removed and
    polygons oriented counter-clockwise.  A job without any field is valid.

    Parameters
    ----------
    features : sequence of SourceFeature
        Features in WGS84 lon/lat, e.g. from :func:`read_features`.
    max_field_area_ha : float, default 5000
        Largest area accepted for one field feature (all its parts). [ha]
    frame : LocalFrame, optional
        Frame to project into.  Default: the UTM zone of the centroid of all features.

    Returns
    -------
    Job

    Raises
    ------
    InputFileError
        A feature has no role, or a role that looks like a typo of a known role.
    CRSError
        A coordinate is outside the lon/lat range.
    GeometryError
        Empty, invalid, unsupported or wrongly typed geometry; a field of zero or too large
        area; a bad ``radius_m`` or ``height_m``; no features and no ``frame``.
    """
    if not (math.isfinite(max_field_area_ha) and max_field_area_ha > 0):
        raise ValueError(f"max_field_area_ha must be > 0 and finite, got {max_field_area_ha!r}")
    features = list(features)
    if not features and frame is None:
        raise GeometryError("no features: cannot choose a local frame for an empty job")

    roles = [_canonical_role(f) for f in features]
    geoms = np.array([f.geometry_lonlat for f in features], dtype=object)
    sources = [f.source for f in features]
    for feature, role, geom in zip(features, roles, geoms, strict=True):
        _check_type(feature, role, geom)
    _check_finite(geoms, sources)
    _check_lonlat_range(geoms, sources)
    _check_extent(geoms, sources)
    _check_valid(geoms, roles, sources, "")

    geoms = shapely.remove_repeated_points(geoms)
    if frame is None:
        centroid = shapely.centroid(shapely.geometrycollections(geoms))
        frame = LocalFrame.for_lonlat(centroid.x, centroid.y)
    known = np.array([r in KNOWN_ROLES for r in roles], dtype=bool)
    local = np.empty(len(geoms), dtype=object)
    if known.any():
        local[known] = frame.geometry_to_local(shapely.force_2d(geoms[known]))
    if (~known).any():
        local[~known] = _transform_keep_z(geoms[~known], frame.to_local)
    local = shapely.orient_polygons(local)
    _check_valid(local, roles, sources, f" after projection to {frame.crs.name}", frame)

    out: dict[str, list[JobFeature]] = {r: [] for r in (*KNOWN_ROLES, "other")}
    for feature, role, geom in zip(features, roles, local, strict=True):
        props = dict(feature.properties)
        if role == "field":
            out["field"] += _field_parts(feature, geom, props, max_field_area_ha)
        elif role == "obstacle":
            out["obstacle"] += _obstacle_parts(feature, geom, props)
        elif role == "no_spray":
            out["no_spray"] += _split(role, geom, props, feature.source)
        elif role == "station":
            out["station"].append(JobFeature(role, geom, props, feature.source))
        else:
            out["other"].append(JobFeature(role, geom, props, feature.source))
    return Job(
        frame=frame,
        fields=tuple(out["field"]),
        obstacles=tuple(out["obstacle"]),
        no_spray=tuple(out["no_spray"]),
        stations=tuple(out["station"]),
        other=tuple(out["other"]),
    )


def _canonical_role(feature: SourceFeature) -> str:
    """Known roles in canonical spelling; other roles unchanged; typos and no role raise."""
    role = feature.role
    if role is None or not str(role).strip():
        raise InputFileError(
            f"{feature.source}: the feature has no 'role' property; give it one "
            f"({', '.join(KNOWN_ROLES)} or another role) or impose a role on the whole file"
        )
    key = re.sub(r"[\s\-]+", "_", str(role).strip().lower())
    if key in KNOWN_ROLES:
        return key
    near = difflib.get_close_matches(key, KNOWN_ROLES, n=1, cutoff=_ROLE_TYPO_CUTOFF)
    if near:
        raise InputFileError(
            f"{feature.source}: role {role!r} looks like a typo of {near[0]!r}; fix the role "
            f"(known roles: {', '.join(KNOWN_ROLES)}; other roles are kept for other planners)"
        )
    return role


def _check_type(feature: SourceFeature, role: str, geom: shapely.Geometry) -> None:
    if geom is None or shapely.is_empty(geom):
        raise GeometryError(f"{feature.source}: the {role} geometry is empty")
    geom_type = geom.geom_type
    if geom_type not in _SUPPORTED_TYPES:
        raise GeometryError(
            f"{feature.source}: unsupported geometry type {geom_type}; "
            f"supported: {', '.join(_SUPPORTED_TYPES)}"
        )
    allowed = _ROLE_TYPES.get(role)
    if allowed is not None and geom_type not in allowed:
        raise GeometryError(
            f"{feature.source}: a {role} must be {' or '.join(allowed)}, got {geom_type}"
        )


def _check_valid(
    geoms: np.ndarray,
    roles: Sequence[str],
    sources: Sequence[str],
    when: str,
    frame: LocalFrame | None = None,
) -> None:
    """Raise GeometryError for the first invalid geometry, saying what and where in lon/lat."""
    valid = shapely.is_valid(geoms)
    if valid.all():
        return
    i = int(np.flatnonzero(~valid)[0])
    geom = geoms[i]
    reason = shapely.is_valid_reason(geom)
    match = _REASON_RE.match(reason)
    if match is None:
        raise GeometryError(f"{sources[i]}: invalid {roles[i]} geometry{when}: {reason}")
    what = match["what"].strip()
    x, y = float(match["x"]), float(match["y"])
    where = _nearest_vertex(geom, x, y)
    if frame is not None:
        x, y = frame.to_lonlat(x, y)
    raise GeometryError(
        f"{sources[i]}: invalid {roles[i]} geometry{when}: {what} at lon {x:.7f}, "
        f"lat {y:.7f} ({where})"
    )


def _nearest_vertex(geom: shapely.Geometry, x: float, y: float) -> str:
    """Describe the vertex of ``geom`` nearest to (x, y): part, ring and index."""
    best: tuple[float, str] | None = None
    parts = shapely.get_parts(geom)
    for p, part in enumerate(parts):
        if part.geom_type == "Polygon":
            rings = [("exterior ring", part.exterior)]
            rings += [(f"hole {h}", r) for h, r in enumerate(part.interiors)]
        else:
            rings = [("", part)]
        for ring_name, ring in rings:
            coords = shapely.get_coordinates(ring)
            if len(coords) == 0:
                continue
            d = np.hypot(coords[:, 0] - x, coords[:, 1] - y)
            v = int(np.argmin(d))
            text = f"vertex {v}" + (f" of the {ring_name}" if ring_name else "")
            if len(parts) > 1:
                text += f" of part {p}"
            if best is None or d[v] < best[0]:
                best = (float(d[v]), text)
    if best is None:
        return "no vertex"
    dist, text = best
    scale = max(abs(x), abs(y), 1.0)
    return f"at {text}" if dist <= 1e-12 * scale else f"near {text}"


def _split(
    role: str, geom: shapely.Geometry, props: dict[str, Any], source: str
) -> list[JobFeature]:
    """One JobFeature per non-empty part of a (multi-part) geometry."""
    parts = shapely.get_parts(geom)
    parts = parts[~shapely.is_empty(parts)]
    if len(parts) == 1:
        return [JobFeature(role, parts[0], props, source)]
    return [
        JobFeature(role, part, dict(props), f"{source} part {k}") for k, part in enumerate(parts)
    ]


def _field_parts(
    feature: SourceFeature, geom: shapely.Geometry, props: dict[str, Any], max_area_ha: float
) -> list[JobFeature]:
    parts = _split("field", geom, props, feature.source)
    areas_m2 = shapely.area(np.array([p.geometry for p in parts], dtype=object))
    for part, area_m2 in zip(parts, areas_m2, strict=True):
        if area_m2 < _MIN_FIELD_AREA_M2:
            raise GeometryError(
                f"{part.source}: the field has zero area ({area_m2 / _M2_PER_HA:.6f} ha); "
                "it is a collapsed polygon"
            )
    total_ha = float(areas_m2.sum()) / _M2_PER_HA
    if total_ha > max_area_ha:
        raise GeometryError(
            f"{feature.source}: the field covers {total_ha:.1f} ha, more than the limit of "
            f"{max_area_ha:g} ha (configurable with max_field_area_ha); are the coordinates "
            "and CRS right?"
        )
    return parts


def _obstacle_parts(
    feature: SourceFeature, geom: shapely.Geometry, props: dict[str, Any]
) -> list[JobFeature]:
    height = _number(feature, props, "height_m")
    if height is not None and not (math.isfinite(height) and height >= 0.0):
        raise GeometryError(
            f"{feature.source}: obstacle height_m must be ≥ 0 and finite, got {height!r}"
        )
    if geom.geom_type != "Point":
        return _split("obstacle", geom, props, feature.source)
    radius = _number(feature, props, "radius_m")
    if radius is None:
        raise GeometryError(
            f"{feature.source}: a Point obstacle needs a radius_m property (obstacle radius "
            "in metres), or give the obstacle as a Polygon"
        )
    if not (math.isfinite(radius) and radius > 0.0):
        raise GeometryError(
            f"{feature.source}: obstacle radius_m must be > 0 and finite, got {radius!r}"
        )
    disc = shapely.buffer(geom, radius * _CIRCUMSCRIBE, quad_segs=_CIRCLE_QUAD_SEGS)
    return [JobFeature("obstacle", shapely.orient_polygons(disc), props, feature.source)]


def _number(feature: SourceFeature, props: dict[str, Any], key: str) -> float | None:
    """A numeric property (numbers or numeric strings), None if absent."""
    value = props.get(key)
    if value is None:
        return None
    if isinstance(value, bool):
        raise GeometryError(f"{feature.source}: {key} must be a number, got {value!r}")
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GeometryError(f"{feature.source}: {key} must be a number, got {value!r}") from None
