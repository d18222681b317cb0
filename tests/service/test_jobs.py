"""Job lifecycle in the service: progress reaching GET, cancel, the per-organisation job
limit, results stored with their checksum, and recovery of jobs a stopped server left."""

from __future__ import annotations

import hashlib
import time

import pytest
from sqlalchemy import select, update

from airwork.service.db import Job, JobFile, new_id, now

from .test_api import is_problem


def wait_for(api, org, job_id, pred, timeout=30.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        body = api.client.get(f"/api/v1/jobs/{job_id}", headers=org.h).json()
        if pred(body):
            return body
        time.sleep(0.05)
    raise AssertionError(f"timed out; last: {body}")


def test_progress_reaches_get_then_the_result(api, slow_kind):
    org = api.org()
    job = org.job(org.site(), kind=slow_kind, params={"wait_s": 1.5}).json()
    running = wait_for(api, org, job["id"], lambda b: b["message"] == "waiting")
    assert running["status"] == "running" and 0 < running["progress"] < 1
    assert running["started_at"] is not None and running["files"] == []
    done = api.wait(org, job["id"])
    assert done["status"] == "done" and done["progress"] == 1.0


def test_cancel_a_running_job(api, slow_kind):
    org = api.org()
    job = org.job(org.site(), kind=slow_kind, params={"wait_s": 30}).json()
    wait_for(api, org, job["id"], lambda b: b["status"] == "running")
    r = api.client.delete(f"/api/v1/jobs/{job['id']}", headers=org.h)
    assert r.status_code == 202, r.text
    assert r.json()["status"] == "failed" and r.json()["error"] == "cancelled by owner"
    time.sleep(0.6)  # the worker stops at its next progress report; nothing overwrites
    after = api.client.get(f"/api/v1/jobs/{job['id']}", headers=org.h).json()
    assert after["status"] == "failed" and after["files"] == []
    again = api.client.delete(f"/api/v1/jobs/{job['id']}", headers=org.h)
    assert "already failed" in is_problem(again, 409)["detail"]


def test_the_organisations_job_limit_is_429(api, slow_kind):
    org = api.org(max_active_jobs=1)
    site = org.site()
    first = org.job(site, kind=slow_kind, params={"wait_s": 30}).json()
    body = is_problem(org.job(site), 429)
    assert "limit 1" in body["detail"]
    other = api.org()  # another organisation is not held up
    assert other.job(other.site()).status_code == 202
    api.client.delete(f"/api/v1/jobs/{first['id']}", headers=org.h)
    assert org.job(site).status_code == 202


def test_results_are_stored_with_their_checksum(api):
    org = api.org()
    job = api.wait(org, org.job(org.site()).json()["id"])
    with api.service.db.read() as s:
        rows = s.scalars(select(JobFile).where(JobFile.job_id == job["id"])).all()
    assert sorted(r.name for r in rows) == job["files"]
    for row in rows:
        assert row.sha256 == hashlib.sha256(row.data).hexdigest() and row.size == len(row.data)
    with api.service.db.write() as s:
        s.execute(
            update(JobFile)
            .where(JobFile.job_id == job["id"], JobFile.name == "sortie-01.plan")
            .values(data=b"tampered")
        )
    r = api.client.get(f"/api/v1/jobs/{job['id']}/files/sortie-01.plan", headers=org.h)
    assert "does not match its checksum" in is_problem(r, 500)["detail"]


def _clone(api, template: str, status: str, attempts: int) -> str:
    with api.service.db.write() as s:
        src = s.get(Job, template)
        job = Job(
            id=new_id("job"),
            org_id=src.org_id,
            created_by=src.created_by,
            site_id=src.site_id,
            kind=src.kind,
            name=src.name,
            status=status,
            progress=0.4,
            message="planning",
            request=src.request,
            attempts=attempts,
            created_at=now(),
        )
        s.add(job)
    return job.id


def test_recovery_requeues_or_fails_what_a_stopped_server_left(api):
    """As after a crash: rows left queued and running are queued again; a job that was
    running when the server stopped max_attempts times is failed with the reason."""
    org = api.org()
    done = api.wait(org, org.job(org.site()).json()["id"])
    limit = api.service.settings.max_attempts
    queued = _clone(api, done["id"], "queued", 0)
    running = _clone(api, done["id"], "running", 1)
    hopeless = _clone(api, done["id"], "running", limit)
    again = api.service.runner.recover()
    assert queued in again and running in again and hopeless not in again
    for job_id in (queued, running):
        body = api.wait(org, job_id)
        assert body["status"] == "done" and "sortie-01.plan" in body["files"], body
    assert api.client.get(f"/api/v1/jobs/{running}", headers=org.h).json()["attempts"] == 2
    body = api.client.get(f"/api/v1/jobs/{hopeless}", headers=org.h).json()
    assert body["status"] == "failed"
    assert body["error"] == (
        f"the server stopped {limit} times before the job could finish; not tried again"
    )
    unchanged = api.client.get(f"/api/v1/jobs/{done['id']}", headers=org.h).json()
    assert unchanged == done


@pytest.fixture(scope="module")
def small(engine, tmp_path_factory):
    from airwork.service import Limits

    from .conftest import make_api

    limits = Limits(
        upload_bytes=64 * 1024, unzipped_bytes=100_000, zip_members=3, files_per_upload=3
    )
    yield from make_api("sqlite", tmp_path_factory.mktemp("small"), engine, limits=limits)


def test_uploads_over_the_limit_are_413(small):
    from .conftest import example_bytes

    org = small.org()
    big = example_bytes() + b" " * 70_000
    r = org.upload([("file", "big.geojson", big)])
    assert "upload limit" in is_problem(r, 413)["detail"]

    def chunks():  # no Content-Length: cut when the limit is crossed
        for _ in range(100):
            yield b"x" * 4096

    r = small.client.post(
        "/api/v1/sites",
        headers={**org.h, "Content-Type": "multipart/form-data; boundary=zz"},
        content=chunks(),
    )
    is_problem(r, 413)
    r = small.client.post("/api/v1/jobs", headers={**org.h, "Content-Length": "x"}, content=b"{}")
    assert r.status_code == 400


def test_zip_bombs_and_crowded_archives_are_refused(small):
    from .conftest import zip_bytes

    org = small.org()
    bomb = zip_bytes({"a.shp": b"\0" * 2_000_000})
    assert len(bomb) < 64 * 1024
    r = org.upload([("file", "bomb.zip", bomb)])
    assert "once unpacked" in is_problem(r, 400)["detail"]
    crowded = zip_bytes({f"f{i}.shp": b"x" for i in range(5)})
    assert (
        "5 files in the archive (limit 3)"
        in is_problem(org.upload([("file", "c.zip", crowded)]), 400)["detail"]
    )
    many = [("file", f"f{i}.geojson", b"{}") for i in range(4)]
    assert "4 files in one upload (limit 3)" in is_problem(org.upload(many), 400)["detail"]


def test_a_job_the_engine_loses_is_queued_again(api, slow_kind):
    """The scheduler drops a running job (as when a remote cluster restarts): the service
    queues it again rather than leave it running forever."""
    from airwork.service.runner import engine_key

    org = api.org()
    job = org.job(org.site(), kind=slow_kind, params={"wait_s": 1.0}).json()
    wait_for(api, org, job["id"], lambda b: b["status"] == "running")
    engine = api.service.runner.engine
    future = engine._jobs[engine_key(job["id"], 1)].future
    engine.client.cancel(future)
    done = api.wait(org, job["id"])
    assert done["status"] == "done" and done["attempts"] == 2, done


def test_a_late_progress_report_of_a_lost_attempt_does_not_strand_the_job(api, slow_kind):
    """A progress report of the lost attempt that lands after the job was queued again (the
    race CI met: the job stayed "running" with no engine run behind it) touches nothing: the
    new attempt is counted when the job is queued again, in the same transaction."""
    from airwork.service.runner import engine_key

    org = api.org()
    job = org.job(org.site(), kind=slow_kind, params={"wait_s": 1.0}).json()
    wait_for(api, org, job["id"], lambda b: b["status"] == "running")
    runner = api.service.runner
    real_start, real_submit = getattr(runner, "_start", None), runner.submit
    late = (job["id"], 1, 0.5, "late report of the lost run")

    def start_after_a_late_report(job_id, attempt, request, records):
        runner._store_progress([late])
        real_start(job_id, attempt, request, records)

    def submit_after_a_late_report(job_id):  # where the report landed before the fix
        runner._store_progress([late])
        real_submit(job_id)

    runner.submit = submit_after_a_late_report
    if real_start is not None:
        runner._start = start_after_a_late_report
    try:
        engine = runner.engine
        engine.client.cancel(engine._jobs[engine_key(job["id"], 1)].future)
        done = api.wait(org, job["id"], timeout=20.0)
    finally:
        runner.submit = real_submit
        if real_start is not None:
            runner._start = real_start
    assert done["status"] == "done" and done["attempts"] == 2, done
