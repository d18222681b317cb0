"""``POST /checks``: the ``airwork check`` report of an uploaded mission against uploaded
airspace, obstacles and a DEM, with an aircraft, wind and limits."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, UploadFile

from airwork.autopilot.firmware import Autopilot
from airwork.errors import AirworkError
from airwork.service.db import Aircraft, Org
from airwork.service.deps import Service, Svc, Who
from airwork.service.errors import UploadError
from airwork.service.problems import responses
from airwork.service.routes.common import get_owned, within_org_limit
from airwork.service.sites import Upload, scrub
from airwork.service.storage import display_name, unzip

__all__ = ["router"]

router = APIRouter(responses=responses(400, 401, 403, 404, 413, 422), tags=["checks"])

_MISSION_SUFFIXES = (".geojson", ".json", ".plan", ".waypoints", ".txt")
_AREA_SUFFIXES = (".geojson", ".json", ".kml", ".kmz", ".gpkg", ".fgb", ".wkt", ".csv", ".zip")


def _save(
    folder: Path, up: Upload, allowed: tuple[str, ...], index: int, svc: Service
) -> tuple[str, dict]:
    """Write one upload into the scratch folder under a safe name; (path, record)."""
    name = display_name(up.filename)
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in allowed:
        raise UploadError(
            f"{name}: unsupported file type {suffix or '(none)'!r} for {up.use}; "
            f"supported: {', '.join(allowed)}"
        )
    if not up.data:
        raise UploadError(f"{name}: the file is empty (0 bytes)")
    stem = f"{up.use}-{index}"
    if suffix == ".zip":
        members = unzip(up.data, svc.settings.limits, name)
        shp = [m for m in members if m.lower().endswith(".shp")]
        if not shp:
            raise UploadError(f"{name}: the archive holds no .shp file")
        for member, content in members.items():
            target = folder / stem / member
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        rel = f"{stem}/{shp[0]}"
    else:
        if suffix == ".kmz":
            unzip(up.data, svc.settings.limits, name)  # size limits before GDAL reads it
        rel = f"{stem}{suffix}"
        (folder / rel).write_bytes(up.data)
    return str(folder / rel), {"name": name, "paths": [rel], "sha256": stem}


@router.post("/checks", summary="Check a mission (the airwork check report)")
def create_check(
    svc: Svc,
    who: Who,
    mission: Annotated[UploadFile, File(description="mission.geojson, .plan or .waypoints")],
    airspace: Annotated[list[UploadFile] | None, File(description="Geofences, no-fly")] = None,
    obstacles: Annotated[list[UploadFile] | None, File(description="Tall obstacles")] = None,
    dem: Annotated[UploadFile | None, File(description="Terrain GeoTIFF")] = None,
    aircraft: Annotated[
        str | None, Form(max_length=64, description="Preset or aircraft id")
    ] = None,
    wind_mps: Annotated[float, Form(ge=0, le=60)] = 0.0,
    wind_from_deg: Annotated[float, Form(ge=0, le=360)] = 0.0,
    max_agl_m: Annotated[float, Form(gt=0, le=500)] = 120.0,
    min_agl_m: Annotated[float, Form(ge=0, le=500)] = 0.5,
    clearance_m: Annotated[float, Form(ge=0, le=1000)] = 5.0,
    vertical_clearance_m: Annotated[float, Form(ge=0, le=1000)] = 5.0,
    autopilot: Annotated[Autopilot, Form()] = Autopilot.ARDUPILOT,
    payload_kg: Annotated[float | None, Form(ge=0, le=1000)] = None,
    ground_m: Annotated[float | None, Form(ge=-500, le=9000)] = None,
    air_temperature_c: Annotated[float | None, Form(ge=-30, le=50)] = None,
    speed_mps: Annotated[float, Form(gt=0, le=100)] = 5.0,
    step_m: Annotated[float, Form(ge=0.5, le=1000)] = 1.0,
    crs: Annotated[str | None, Form(max_length=200)] = None,
) -> dict[str, Any]:
    who.require("check")
    from airwork.aircraft.catalogue import load_aircraft, preset_names
    from airwork.site.wind import Wind

    spec = None
    name = (aircraft or "").strip()
    if name and name not in preset_names():
        with svc.db.read() as s:
            spec = get_owned(s, Aircraft, name, who, "aircraft").file
    limits = dict(
        wind=Wind(wind_mps, wind_from_deg),
        max_agl_m=max_agl_m,
        min_agl_m=min_agl_m,
        obstacle_clearance_m=clearance_m,
        obstacle_vertical_clearance_m=vertical_clearance_m,
        autopilot=autopilot,
        step_m=step_m,
        payload_kg=payload_kg,
        ground_amsl_m=ground_m,
        air_temperature_c=air_temperature_c,
    )
    uploads = [Upload(mission.filename, mission.file.read(), "mission")]
    uploads += [Upload(f.filename, f.file.read(), "airspace") for f in airspace or []]
    uploads += [Upload(f.filename, f.file.read(), "obstacles") for f in obstacles or []]
    uploads += [Upload(dem.filename, dem.file.read(), "dem")] if dem is not None else []
    with svc.db.read() as s:
        within_org_limit(s.get(Org, who.org_id), svc.settings.limits.upload_bytes, uploads)
    with svc.store.scratch() as folder:
        records: list[dict] = []
        try:
            paths = _save_all(folder, uploads, records, svc)
            if spec is not None:
                (folder / "aircraft.yaml").write_bytes(svc.store.get(spec["sha256"]))
                craft = load_aircraft(folder / "aircraft.yaml")
            else:
                craft = load_aircraft(name) if name else None
            report = _check(paths, craft, limits, speed_mps, crs)
            report = _user_names(report, records, folder)  # never the scratch names
            report["mission"] = records[0]["name"]
        except AirworkError as exc:
            raise UploadError(scrub(str(exc), records, folder)) from None
    return report


def _user_names(value: Any, records: list[dict], folder: Path) -> Any:
    """The report with every stored file name replaced by the name the user uploaded."""
    if isinstance(value, str):
        return scrub(value, records, folder)
    if isinstance(value, dict):
        return {k: _user_names(v, records, folder) for k, v in value.items()}
    if isinstance(value, list):
        return [_user_names(v, records, folder) for v in value]
    return value


def _save_all(folder: Path, uploads: list[Upload], records: list[dict], svc: Service) -> dict:
    """Write the uploads into ``folder``: ``{"mission": path, "airspace": [...], ...}``."""
    allowed = {
        "mission": _MISSION_SUFFIXES,
        "airspace": _AREA_SUFFIXES,
        "obstacles": _AREA_SUFFIXES,
        "dem": (".tif", ".tiff"),
    }
    paths: dict[str, Any] = {"airspace": [], "obstacles": [], "dem": None}
    for i, up in enumerate(uploads):
        path, rec = _save(folder, up, allowed[up.use], i, svc)
        records.append(rec)
        if up.use in ("airspace", "obstacles"):
            paths[up.use].append(path)
        else:
            paths[up.use] = path
    return paths


def _check(paths: dict, craft: Any, limits: dict, speed_mps: float, crs: str | None) -> dict:
    from airwork.aircraft.catalogue import preset_names
    from airwork.airspace.check import CheckConfig, check_flight
    from airwork.airspace.tracks import read_flight
    from airwork.site.load import read_airspace, read_obstacles
    from airwork.site.terrain import read_dem

    flight = read_flight(paths["mission"], default_speed_mps=speed_mps)
    if flight.aircraft_name and flight.aircraft_name not in preset_names():
        flight = dataclasses.replace(flight, aircraft_name=None)  # never a path on the server
    zones, obst = read_airspace(paths["airspace"], flight.frame, crs=crs)
    obst += read_obstacles(paths["obstacles"], flight.frame, crs=crs)
    terrain = None
    if paths["dem"] is not None:
        xmin, ymin, xmax, ymax = flight.bounds_m()
        pad = 200.0 + limits["obstacle_clearance_m"]
        bounds = (xmin - pad, ymin - pad, xmax + pad, ymax + pad)
        terrain = read_dem(paths["dem"], flight.frame, bounds_m=bounds)
    config = CheckConfig(
        zones=tuple(zones), obstacles=tuple(obst), terrain=terrain, aircraft=craft, **limits
    )
    return check_flight(flight, config).to_dict()
