"""``/sites`` (multipart uploads of job files, role files, airspace, obstacles and a DEM)
and ``/aircraft`` (the presets and the organisation's own spec sheets)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, UploadFile
from sqlalchemy import select

from airwork.service.db import Aircraft, Org, Site, new_id, now
from airwork.service.deps import Svc, Who
from airwork.service.errors import NotFound, UploadError
from airwork.service.problems import responses
from airwork.service.routes.common import get_owned, page, within_org_limit
from airwork.service.schemas import AircraftOut, Page, SiteOut, no_nul
from airwork.service.sites import Upload, aircraft_summary, ingest_aircraft, ingest_site

__all__ = ["router"]

router = APIRouter(responses=responses(400, 401, 404, 413, 422))

Files = Annotated[list[UploadFile], File()]


def _uploads(use: str, files: list[UploadFile] | None) -> list[Upload]:
    return [Upload(f.filename, f.file.read(), use) for f in files or []]


def _text(value: str | None, what: str) -> str | None:
    if value is None or not value.strip():
        return None
    try:
        no_nul(value, what)
    except ValueError as exc:
        raise UploadError(str(exc)) from None
    return value.strip()[:200]


@router.post(
    "/sites",
    status_code=201,
    response_model=SiteOut,
    responses=responses(403),
    tags=["sites"],
    summary="Upload a site: job files and, optionally, role files, airspace, obstacles, DEM",
)
def create_site(
    svc: Svc,
    who: Who,
    file: Annotated[
        list[UploadFile],
        File(
            description="Job files: GeoJSON, KML/KMZ, zipped "
            "Shapefile, GeoPackage, FlatGeobuf, WKT, CSV"
        ),
    ],
    station: Annotated[list[UploadFile] | None, File(description="Station points")] = None,
    no_spray: Annotated[list[UploadFile] | None, File(description="No-spray zones")] = None,
    order: Annotated[list[UploadFile] | None, File(description="Delivery orders")] = None,
    hub: Annotated[list[UploadFile] | None, File(description="Delivery hubs")] = None,
    airspace: Annotated[list[UploadFile] | None, File(description="Geofences, no-fly")] = None,
    obstacles: Annotated[list[UploadFile] | None, File(description="Tall obstacles")] = None,
    dem: Annotated[UploadFile | None, File(description="Terrain GeoTIFF")] = None,
    name: Annotated[str | None, Form(max_length=200)] = None,
    crs: Annotated[str | None, Form(max_length=200, description="CRS of files without")] = None,
    unlabelled: Annotated[
        str | None, Form(max_length=40, description="Role of features without")
    ] = None,
) -> dict[str, Any]:
    who.require("plan")
    uploads = _uploads("file", file)
    for use, given in (
        ("station", station),
        ("no_spray", no_spray),
        ("order", order),
        ("hub", hub),
        ("airspace", airspace),
        ("obstacles", obstacles),
    ):
        uploads += _uploads(use, given)
    uploads += _uploads("dem", [dem] if dem is not None else None)
    options = {"crs": _text(crs, "crs"), "unlabelled": _text(unlabelled, "unlabelled")}
    with svc.db.read() as s:
        org = s.get(Org, who.org_id)
        max_ha = float(org.max_field_ha)
        within_org_limit(org, svc.settings.limits.upload_bytes, uploads)
    records, summary, geometry = ingest_site(
        svc.store, uploads, max_field_ha=max_ha, limits=svc.settings.limits, **options
    )
    title = _text(name, "name") or records[0]["name"].rsplit(".", 1)[0]
    with svc.db.write() as s:
        site = Site(
            id=new_id("site"),
            org_id=who.org_id,
            name=title,
            created_by=who.user_id,
            created_at=now(),
            files=records,
            options=options,
            summary=summary,
            geometry=geometry,
        )
        s.add(site)
    return site_out(site)


def site_out(site: Site) -> dict[str, Any]:
    import shapely

    return {
        "id": site.id,
        "name": site.name,
        "created_at": site.created_at,
        "files": [{k: r[k] for k in ("name", "use", "size", "sha256")} for r in site.files],
        "options": site.options,
        "summary": site.summary,
        "geometry": shapely.geometry.mapping(site.geometry) if site.geometry is not None else None,
        "features": _features(site),
    }


def _features(site: Site) -> dict[str, Any] | None:
    """The site's features as a GeoJSON FeatureCollection with each one's role and name
    (sites stored before roles were kept come without properties)."""
    import shapely

    if site.geometry is None:
        return None
    parts = list(getattr(site.geometry, "geoms", [site.geometry]))
    props = (site.summary or {}).get("feature_props") or []
    if len(props) != len(parts):
        props = [{} for _ in parts]
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": p, "geometry": shapely.geometry.mapping(g)}
            for g, p in zip(parts, props, strict=True)
        ],
    }


@router.get("/sites", response_model=Page, tags=["sites"], summary="The organisation's sites")
def list_sites(
    svc: Svc, who: Who, limit: int = Query(50, ge=1, le=200), offset: int = Query(0, ge=0, le=10**9)
) -> dict[str, Any]:
    query = select(Site).where(Site.org_id == who.org_id)
    query = query.order_by(Site.created_at.desc(), Site.id.desc())
    with svc.db.read() as s:
        rows, total = page(s, query, limit, offset)
    items = [
        {k: v for k, v in site_out(r).items() if k not in ("geometry", "features")} for r in rows
    ]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.get("/sites/{site_id}", response_model=SiteOut, tags=["sites"], summary="One site")
def get_site(svc: Svc, who: Who, site_id: str) -> dict[str, Any]:
    with svc.db.read() as s:
        return site_out(get_owned(s, Site, site_id, who, "site"))


# ---------------------------------------------------------------------------- aircraft
def _preset(name: str) -> dict[str, Any]:
    from airwork.aircraft.catalogue import load_aircraft

    craft = load_aircraft(name)
    summary = aircraft_summary(craft)
    return {"id": name, "name": name, "source": "preset", "summary": summary}


def _own(row: Aircraft) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "source": "organisation", "summary": row.summary}


@router.get(
    "/aircraft",
    response_model=list[AircraftOut],
    tags=["aircraft"],
    summary="The presets and the organisation's aircraft",
)
def list_aircraft(svc: Svc, who: Who) -> list[dict[str, Any]]:
    from airwork.aircraft.catalogue import preset_names

    with svc.db.read() as s:
        own = s.scalars(
            select(Aircraft).where(Aircraft.org_id == who.org_id).order_by(Aircraft.created_at)
        ).all()
    return [_preset(n) for n in preset_names()] + [_own(r) for r in own]


@router.post(
    "/aircraft",
    status_code=201,
    response_model=AircraftOut,
    tags=["aircraft"],
    responses=responses(403),
    summary="Upload a spec sheet (YAML)",
)
def create_aircraft(
    svc: Svc,
    who: Who,
    file: Annotated[UploadFile, File(description="Spec sheet, see examples/my-sprayer.yaml")],
) -> dict[str, Any]:
    who.require("plan")
    upload = Upload(file.filename, file.file.read(), "aircraft")
    with svc.db.read() as s:
        within_org_limit(s.get(Org, who.org_id), svc.settings.limits.upload_bytes, [upload])
    record, summary = ingest_aircraft(svc.store, upload)
    with svc.db.write() as s:
        row = Aircraft(
            id=new_id("ac"),
            org_id=who.org_id,
            name=str(summary["name"])[:200],
            created_by=who.user_id,
            created_at=now(),
            file=record,
            summary=summary,
        )
        s.add(row)
    return _own(row)


@router.get(
    "/aircraft/{ref}",
    response_model=AircraftOut,
    tags=["aircraft"],
    summary="A preset by name, or one of the organisation's by id",
)
def get_aircraft(svc: Svc, who: Who, ref: str) -> dict[str, Any]:
    from airwork.aircraft.catalogue import preset_names

    if ref in preset_names():
        return _preset(ref)
    with svc.db.read() as s:
        try:
            return _own(get_owned(s, Aircraft, ref, who, "aircraft"))
        except NotFound:
            raise NotFound(f"aircraft {ref[:64]!r} not found") from None
