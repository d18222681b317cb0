"""Sites and aircraft from uploads: checked by the library's own readers at upload (a bad
file is a 400 with the reader's one line), stored by content hash, and turned back into a
job's input files and request paths.

A site is every file of a job's environment: job files (``file``), files of one role
(``station``, ``no_spray``, ``order``, ``hub``), airspace, tall obstacles and a DEM.  A
file is stored as uploaded; a zipped Shapefile is unpacked (with limits) whenever it is read.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import shapely

from airwork.engine.task import write_inputs
from airwork.errors import AirworkError
from airwork.geo.read import SUPPORTED_SUFFIXES
from airwork.service.config import Limits
from airwork.service.errors import UploadError
from airwork.service.storage import BlobStore, display_name, unzip

__all__ = [
    "DEM_SUFFIXES",
    "ROLE_USES",
    "Upload",
    "aircraft_summary",
    "ingest_aircraft",
    "ingest_site",
    "input_files",
    "request_paths",
    "scrub",
]

ROLE_USES = ("station", "no_spray", "order", "hub")
"""Upload fields whose every feature takes that role."""
DEM_SUFFIXES = (".tif", ".tiff")
_ZIP_KINDS = (".zip",)
_SIDE_FILES = (".dbf", ".shx", ".prj", ".cpg", ".qix", ".sbn", ".sbx", ".xml")


@dataclass(frozen=True)
class Upload:
    """One uploaded file: the user's name (for messages), its bytes, and what it is for
    (``file``, a role of :data:`ROLE_USES`, ``airspace``, ``obstacles`` or ``dem``)."""

    filename: str | None
    data: bytes
    use: str


def _suffix(up: Upload) -> str:
    name = display_name(up.filename)
    suffix = PurePosixPath(name).suffix.lower()
    if up.use == "dem":
        if suffix not in DEM_SUFFIXES:
            raise UploadError(f"{name}: a DEM is a GeoTIFF (.tif, .tiff), got {suffix or 'none'}")
        return suffix
    if suffix == ".shp":
        raise UploadError(
            f"{name}: upload a Shapefile as one .zip of its .shp, .shx, .dbf and .prj"
        )
    if suffix not in SUPPORTED_SUFFIXES and suffix not in _ZIP_KINDS:
        known = ", ".join([*SUPPORTED_SUFFIXES, *_ZIP_KINDS])
        raise UploadError(
            f"{name}: unsupported file type {suffix or '(none)'!r}; supported: {known}"
        )
    return suffix


def _record(up: Upload, limits: Limits) -> dict[str, Any]:
    """One upload's record (name, use, hash, size and the paths a job reads); not stored."""
    name = display_name(up.filename)
    if not up.data:
        raise UploadError(f"{name}: the file is empty (0 bytes)")
    suffix = _suffix(up)
    if suffix in (".zip", ".kmz"):
        members = unzip(up.data, limits, name)
        if suffix == ".zip":
            sources = [m for m in members if PurePosixPath(m).suffix.lower() in SUPPORTED_SUFFIXES]
            if not sources:
                raise UploadError(f"{name}: the archive holds no file airwork reads (.shp ...)")
    sha = hashlib.sha256(up.data).hexdigest()
    paths = [f"{sha}/{m}" for m in sorted(sources)] if suffix == ".zip" else [f"{sha}{suffix}"]
    return {
        "name": name,
        "use": up.use,
        "sha256": sha,
        "size": len(up.data),
        "zip": suffix == ".zip",
        "suffix": suffix,
        "paths": paths,
    }


def input_files(
    store: BlobStore,
    records: list[dict[str, Any]],
    limits: Limits,
    pending: dict[str, bytes] | None = None,
) -> dict[str, bytes]:
    """The files a job reads, by the relative paths of :func:`request_paths`: from the
    store, or from ``pending`` (bytes by SHA-256, not stored yet)."""
    out: dict[str, bytes] = {}
    for rec in records:
        data = (pending or {}).get(rec["sha256"]) or store.get(rec["sha256"])
        if rec.get("zip"):
            for member, content in unzip(data, limits, rec["name"]).items():
                if PurePosixPath(member).suffix.lower() in (*SUPPORTED_SUFFIXES, *_SIDE_FILES):
                    out[f"{rec['sha256']}/{member}"] = content
        else:
            out[rec["paths"][0]] = data
    return out


def request_paths(records: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The ``site`` and ``conditions`` file entries of a job request."""
    site: dict[str, Any] = {"files": [], "role_files": {}}
    cond: dict[str, Any] = {"airspace": [], "obstacles": [], "dem": None}
    for rec in records:
        use, paths = rec["use"], rec["paths"]
        if use == "file":
            site["files"] += paths
        elif use in ROLE_USES:
            site["role_files"].setdefault(use, []).extend(paths)
        elif use in ("airspace", "obstacles"):
            cond[use] += paths
        elif use == "dem":
            cond["dem"] = paths[0]
    return site, cond


def scrub(message: str, records: list[dict[str, Any]], folder: Path | str | None = None) -> str:
    """A message with stored paths replaced by the user's file names (one line)."""
    text = str(message)
    if folder is not None:
        text = text.replace(str(folder) + "/", "")
    for rec in records:
        for path in rec["paths"]:
            text = text.replace(path, rec["name"])
        text = text.replace(rec["sha256"], rec["name"])
    return " ".join(text.split())


def ingest_site(
    store: BlobStore,
    uploads: list[Upload],
    *,
    crs: str | None,
    unlabelled: str | None,
    max_field_ha: float,
    limits: Limits,
) -> tuple[list[dict[str, Any]], dict[str, Any], shapely.Geometry | None]:
    """Store and check a site's uploads: ``(records, summary, geometry)``.

    Raises
    ------
    UploadError
        Bad files, with the reader's message naming the user's file.
    """
    from airwork.jobs.request import SiteRequest
    from airwork.site.load import load_site
    from airwork.site.wind import Wind

    if not any(u.use == "file" for u in uploads):
        raise UploadError("a site needs at least one job file (form field 'file')")
    if sum(u.use == "dem" for u in uploads) > 1:
        raise UploadError("a site takes at most one DEM")
    if len(uploads) > limits.files_per_upload:
        raise UploadError(f"{len(uploads)} files in one upload (limit {limits.files_per_upload})")
    records = [_record(up, limits) for up in uploads]
    pending = {rec["sha256"]: up.data for rec, up in zip(records, uploads, strict=True)}
    site_part, cond = request_paths(records)
    with store.scratch() as folder:
        write_inputs(input_files(store, records, limits, pending), folder)

        def at(p: str) -> str:
            return str(folder / p)

        sources: list[Any] = [at(p) for p in site_part["files"]]
        for role, paths in site_part["role_files"].items():
            sources += [(at(p), role) for p in paths]
        try:
            SiteRequest(files=["x"], crs=crs, unlabelled=unlabelled, max_field_ha=max_field_ha)
            site = load_site(
                *sources,
                crs=crs,
                max_field_area_ha=max_field_ha,
                airspace=[at(p) for p in cond["airspace"]],
                obstacles=[at(p) for p in cond["obstacles"]],
                dem=at(cond["dem"]) if cond["dem"] else None,
                wind=Wind(),
                unlabelled=unlabelled,
            )
        except AirworkError as exc:
            raise UploadError(scrub(str(exc), records, folder)) from None
        except ValueError as exc:  # pydantic's, from the options
            raise UploadError(scrub(_first_error(exc), records, folder)) from None
        notes = [scrub(n, records, folder) for n in site.notes]
    for data in pending.values():  # only files that passed are kept
        store.put(data)
    geometry = shapely.GeometryCollection(
        [site.frame.geometry_to_lonlat(f.geometry) for f in site.features]
    )
    return records, _summary(site, geometry, notes), geometry


def _first_error(exc: ValueError) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        return "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in errors())
    return str(exc)


def _summary(site, geometry: shapely.Geometry, notes: list[str]) -> dict[str, Any]:
    roles = Counter(f.role for f in site.features)
    field_m2 = sum(float(f.geometry.area) for f in site.fields)
    return {
        "features": dict(sorted(roles.items())),
        "field_area_ha": round(field_m2 / 1e4, 4),
        "bounds_lonlat": [round(float(v), 7) for v in geometry.bounds],
        "zones": len(site.zones),
        "tall_obstacles": len(site.tall_obstacles),
        "terrain": site.terrain is not None,
        "notes": notes,
        # role and name of each feature, in the order of the stored geometry's parts (what
        # the web app draws before planning)
        "feature_props": [_props(f) for f in site.features],
    }


def _props(feature) -> dict[str, Any]:
    """A feature's role and its plain properties (numbers, text up to 200 characters, at
    most 40 keys), for drawing the site and editing it in the web app."""
    out: dict[str, Any] = {}
    for key, value in list(feature.properties.items())[:40]:
        if key == "role" or not isinstance(key, str):
            continue
        if isinstance(value, bool | int) or (isinstance(value, float) and math.isfinite(value)):
            out[key[:60]] = value
        elif isinstance(value, str):
            out[key[:60]] = value[:200]
    if feature.geometry.geom_type != "Point":
        out.pop("radius_m", None)  # a point obstacle is stored as its disc
    return {"role": feature.role, **out}


def ingest_aircraft(store: BlobStore, up: Upload) -> tuple[dict[str, Any], dict[str, Any]]:
    """Store and check an aircraft spec sheet (YAML): ``(file record, summary)``.

    Raises
    ------
    UploadError
    """
    from airwork.aircraft.catalogue import load_aircraft

    name = display_name(up.filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in (".yaml", ".yml"):
        raise UploadError(f"{name}: an aircraft spec sheet is a .yaml file")
    if not up.data:
        raise UploadError(f"{name}: the file is empty (0 bytes)")
    sha = hashlib.sha256(up.data).hexdigest()
    record = {
        "name": name,
        "use": "aircraft",
        "sha256": sha,
        "size": len(up.data),
        "zip": False,
        "suffix": ".yaml",
        "paths": [f"{sha}.yaml"],
    }
    with store.scratch() as folder:
        path = folder / f"{sha}.yaml"
        path.write_bytes(up.data)
        try:
            craft = load_aircraft(path)
        except AirworkError as exc:
            raise UploadError(scrub(str(exc), [record], folder)) from None
    store.put(up.data)
    return record, aircraft_summary(craft)


def aircraft_summary(craft: Any) -> dict[str, Any]:
    """The figures the API lists for an aircraft (preset or uploaded spec sheet)."""
    return {
        "name": craft.name,
        "description": craft.description,
        "mass_kg": round(float(craft.mass_kg), 3),
        "max_takeoff_mass_kg": round(float(craft.max_takeoff_mass_kg), 3),
        "max_payload_kg": round(float(craft.max_payload_kg), 3),
        "battery_energy_wh": round(float(craft.battery_energy_wh), 1),
        "reserve_frac": float(craft.reserve_frac),
    }
