"""``/jobs``: submit (202), follow, list, cancel, and download the outputs; ``/kinds``: the
kinds of job and the JSON schema of their parameters."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from fastapi import APIRouter, Query, Request, Response
from sqlalchemy import func, select
from sqlalchemy.orm import defer

from airwork.errors import AirworkError
from airwork.service.auth import Principal
from airwork.service.db import ACTIVE, STATUSES, Aircraft, Job, JobFile, Org, Site, new_id, now
from airwork.service.deps import Svc, Who
from airwork.service.errors import Conflict, NotFound, TooMany, UploadError
from airwork.service.problems import problem_response, responses
from airwork.service.routes.common import get_owned, page
from airwork.service.schemas import JobCreate, JobOut, Page
from airwork.service.sites import request_paths

__all__ = ["build_request", "router"]

router = APIRouter(responses=responses(400, 401, 404, 413, 422), tags=["jobs"])


def _aircraft(session: Any, who: Principal, specs: list[str]) -> tuple[list[str], list[dict]]:
    """Aircraft entries for the request, and the spec files they need."""
    from airwork.aircraft.catalogue import preset_names

    presets = set(preset_names())
    out, records = [], []
    for spec in specs:
        name, sep, rest = spec.partition(":") if ":" in spec else spec.partition("@")
        rest = f"{sep}{rest}" if sep else ""
        name = name.strip()
        if name in presets:
            out.append(f"{name}{rest}")
            continue
        row = session.get(Aircraft, name) if name.startswith("ac_") else None
        if row is None or row.org_id != who.org_id:
            raise UploadError(
                f"unknown aircraft {name!r}: not a preset ({', '.join(sorted(presets))}) "
                "nor one of the organisation's aircraft (GET /api/v1/aircraft)"
            )
        out.append(f"{row.file['paths'][0]}{rest}")
        records.append(row.file)
    return out, records


def _check_aircraft(job_kind: Any, given: list[str], files: list[dict]) -> None:
    """The CLI's refusals before queueing: several aircraft for a one-aircraft kind, a bad
    ``:COUNT@LIMIT`` (presets; a spec file's are checked when the job runs)."""
    from airwork.jobs.request import RequestError, parse_aircraft_choice

    if len(given) > 1 and not job_kind.fleet:
        raise RequestError(
            f"{job_kind.name} flies one aircraft, got {len(given)}: {', '.join(given)}"
        )
    for spec in given:
        if not spec.startswith("ac_"):
            parse_aircraft_choice(spec, fleet=job_kind.fleet)


def build_request(
    session: Any, who: Principal, body: JobCreate, max_search_s: float = float("inf")
) -> tuple[dict, Site]:
    """The stored job: ``{"job": JobRequest as data, "aircraft": spec records}``.

    Raises
    ------
    AirworkError
        The CLI's messages: unknown kind, bad parameters, a bad request.
    """
    from airwork.jobs.base import parse_params
    from airwork.jobs.registry import kind
    from airwork.jobs.request import JobRequest, RequestError

    job_kind = kind(body.kind)
    site = get_owned(session, Site, body.site, who, "site")
    org = session.get(Org, who.org_id)
    params = parse_params(job_kind.Params, body.params, job_kind.name)
    search_s = getattr(params, "runtime_s", None)
    if search_s is not None and search_s > max_search_s:
        raise RequestError(
            f"{job_kind.name} --runtime-s = {search_s:g}: this service searches at most "
            f"{max_search_s:g} s per job"
        )
    craft, craft_files = _aircraft(session, who, body.aircraft)
    _check_aircraft(job_kind, body.aircraft, craft_files)
    site_part, cond_files = request_paths(site.files)
    site_part.update(site.options)
    site_part["max_field_ha"] = float(org.max_field_ha)
    data = {
        "kind": job_kind.name,
        "site": site_part,
        "aircraft": craft,
        "params": params.model_dump(mode="json", exclude_unset=True),
        "conditions": {**body.conditions.model_dump(mode="json"), **cond_files},
        "output": body.output.model_dump(mode="json"),
        "name": body.name or site.name,
    }
    request = JobRequest.parse(data)
    return {"job": request.model_dump(mode="json"), "aircraft": craft_files}, site


@router.post(
    "/jobs",
    status_code=202,
    response_model=JobOut,
    responses=responses(403, 429),
    summary="Submit a job (planned off the request path)",
)
def submit_job(svc: Svc, who: Who, body: JobCreate, response: Response) -> dict[str, Any]:
    who.require("plan")
    with svc.db.write() as s:
        stored, site = build_request(s, who, body, svc.settings.limits.search_s)
        org = s.scalars(select(Org).where(Org.id == who.org_id).with_for_update()).one()
        active = s.scalar(
            select(func.count()).where(Job.org_id == who.org_id, Job.status.in_(ACTIVE))
        )
        if active >= org.max_active_jobs:
            raise TooMany(
                f"the organisation has {active} queued or running jobs (limit "
                f"{org.max_active_jobs}); wait for one to end or cancel one"
            )
        job = Job(
            id=new_id("job"),
            org_id=who.org_id,
            created_by=who.user_id,
            site_id=site.id,
            kind=body.kind,
            name=stored["job"]["name"],
            status="queued",
            progress=0.0,
            message="queued",
            request=stored,
            attempts=0,
            created_at=now(),
        )
        s.add(job)
    svc.runner.submit(job.id)
    response.headers["Location"] = f"/api/v1/jobs/{job.id}"
    with svc.db.read() as s:
        return job_out(s, s.get(Job, job.id))


def job_brief(job: Job) -> dict[str, Any]:
    """A job as lists show it (no result, request or files)."""
    return {
        "id": job.id,
        "kind": job.kind,
        "name": job.name,
        "site": job.site_id,
        "status": job.status,
        "progress": job.progress,
        "message": job.message,
        "attempts": job.attempts,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "error": job.error,
    }


def job_out(session: Any, job: Job) -> dict[str, Any]:
    """A job with its result, request and output names."""
    files: list[str] = []
    if job.status == "done":
        files = list(
            session.scalars(
                select(JobFile.name).where(JobFile.job_id == job.id).order_by(JobFile.name)
            )
        )
    return {
        **job_brief(job),
        "summary": job.summary,
        "notes": job.notes,
        "report": job.report,
        "files": files,
        "request": _public_request(job.request["job"]),
    }


def _public_request(req: dict[str, Any]) -> dict[str, Any]:
    """The request without the stored files' paths."""
    out = {k: v for k, v in req.items() if k != "site"}
    out["conditions"] = {
        k: v
        for k, v in req.get("conditions", {}).items()
        if k not in ("airspace", "obstacles", "dem")
    }
    return out


@router.get("/jobs/{job_id}", response_model=JobOut, summary="A job: status, progress, result")
def get_job(svc: Svc, who: Who, job_id: str) -> dict[str, Any]:
    with svc.db.read() as s:
        return job_out(s, get_owned(s, Job, job_id, who, "job"))


@router.get("/jobs", response_model=Page, summary="The organisation's jobs, newest first")
def list_jobs(
    svc: Svc,
    who: Who,
    limit: int = Query(50, ge=1, le=200),
    offset: int = Query(0, ge=0, le=10**9),
    status: str | None = Query(None, description="queued, running, done or failed"),
) -> dict[str, Any]:
    heavy = (Job.summary, Job.notes, Job.report, Job.request)
    query = select(Job).where(Job.org_id == who.org_id).options(*(defer(c) for c in heavy))
    if status is not None:
        if status not in STATUSES:
            raise UploadError(f"status {status[:40]!r}: one of {', '.join(STATUSES)}")
        query = query.where(Job.status == status)
    query = query.order_by(Job.created_at.desc(), Job.id.desc())
    with svc.db.read() as s:
        rows, total = page(s, query, limit, offset)
        items = [job_brief(j) for j in rows]
    return {"items": items, "total": total, "limit": limit, "offset": offset}


@router.delete(
    "/jobs/{job_id}",
    status_code=202,
    response_model=JobOut,
    responses=responses(403, 409),
    summary="Cancel a queued or running job",
)
def cancel_job(svc: Svc, who: Who, job_id: str) -> dict[str, Any]:
    with svc.db.write() as s:
        job = get_owned(s, Job, job_id, who, "job")
        who.require("plan")
        if job.status not in ACTIVE:
            raise Conflict(f"job {job.id} is already {job.status}: nothing to cancel")
        job.status = "failed"
        job.error = f"cancelled by {who.user_name}"
        job.message = "cancelled"
        job.finished_at = now()
        attempt = job.attempts
    svc.runner.cancel(job_id, attempt)
    with svc.db.read() as s:
        return job_out(s, s.get(Job, job_id))


@router.get("/jobs/{job_id}/files", summary="The outputs of a done job, with checksums")
def list_files(svc: Svc, who: Who, job_id: str) -> list[dict[str, Any]]:
    with svc.db.read() as s:
        job = get_owned(s, Job, job_id, who, "job")
        rows = s.execute(
            select(JobFile.name, JobFile.media_type, JobFile.size, JobFile.sha256)
            .where(JobFile.job_id == job.id)
            .order_by(JobFile.name)
        ).all()
    return [{"name": n, "media_type": m, "size": z, "sha256": h} for n, m, z, h in rows]


@router.get(
    "/jobs/{job_id}/files/{name}",
    summary="One output's bytes (Repr-Digest: its SHA-256)",
    response_class=Response,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def get_file(svc: Svc, who: Who, job_id: str, name: str, request: Request) -> Response:
    with svc.db.read() as s:
        job = get_owned(s, Job, job_id, who, "job")
        row = s.get(JobFile, (job.id, name)) if len(name) <= 255 and "\x00" not in name else None
        if row is None:
            raise NotFound(f"job {job.id} has no file {name[:80]!r}")
        data, sha, media = bytes(row.data), row.sha256, row.media_type
    digest = hashlib.sha256(data)
    if digest.hexdigest() != sha:
        return problem_response(
            500, f"{name}: the stored file does not match its checksum", instance=request.url.path
        )
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "ETag": f'"{sha}"',
            "Repr-Digest": f"sha-256=:{base64.b64encode(digest.digest()).decode()}:",
        },
    )


@router.get(
    "/jobs/{job_id}/sorties",
    summary="The sortie table of a done job: time, energy, battery, payload, station",
    responses=responses(409),
)
def list_sorties(svc: Svc, who: Who, job_id: str) -> dict[str, Any]:
    """One row per sortie (see :func:`airwork.service.sorties.sortie_table`), from the job's
    ``mission.geojson``; 409 while the job is not done."""
    import json

    from airwork.service.sorties import sortie_table

    with svc.db.read() as s:
        job = get_owned(s, Job, job_id, who, "job")
        if job.status != "done":
            raise Conflict(f"job {job.id} is {job.status}: sorties come with a done job")
        row = s.get(JobFile, (job.id, "mission.geojson"))
        data, summary = (bytes(row.data) if row is not None else b""), job.summary
    features = json.loads(data).get("features", []) if data else []
    rows = sortie_table(features, summary if isinstance(summary, dict) else None)
    return {"job": job_id, "sorties": rows}


@router.get("/kinds", summary="The kinds of job and their parameters")
def list_kinds(who: Who) -> list[dict[str, Any]]:
    from airwork.jobs.registry import kind, kind_names

    return [_kind_out(kind(n)) for n in kind_names()]


@router.get("/kinds/{name}", summary="One kind: its parameters as JSON schema")
def get_kind(who: Who, name: str) -> dict[str, Any]:
    from airwork.jobs.registry import kind

    try:
        return _kind_out(kind(name), schema=True)
    except AirworkError as exc:
        raise NotFound(str(exc)) from None


def _kind_out(k: Any, schema: bool = False) -> dict[str, Any]:
    from airwork.export.registry import exporter_names

    out: dict[str, Any] = {
        "name": k.name,
        "title": k.title,
        "roles": list(k.roles),
        "role_files": list(k.role_files),
        "default_aircraft": k.default_aircraft,
        "fleet": bool(k.fleet),
    }
    if schema:
        out["params"] = k.Params.model_json_schema()
        out["formats"] = list(exporter_names())
    return out
