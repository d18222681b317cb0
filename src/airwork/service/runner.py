"""Jobs between the database and the engine: submit, progress, results, cancel, recovery.

The database is the truth.  A job row is committed (``queued``) before the engine sees it;
progress is written by one writer thread (the latest report per job, many at a time); a
result is stored in one transaction (every file with its SHA-256, then ``done``) and only
while the job is still active in the same attempt, so a cancel or a restart never gets a
half-written or stale result.  At start-up, jobs left ``queued`` or ``running`` by a stopped
server are queued again, or failed with the reason after ``max_attempts`` interrupted runs.
"""

from __future__ import annotations

import hashlib
import logging
import queue
import threading
from pathlib import PurePosixPath
from typing import Any

from sqlalchemy import select, update

from airwork.errors import AirworkError
from airwork.service.config import Settings
from airwork.service.db import ACTIVE, Database, Job, JobFile, Site, now
from airwork.service.sites import input_files, scrub
from airwork.service.storage import BlobStore

__all__ = ["MEDIA_TYPES", "JobRunner"]

log = logging.getLogger("airwork.service.jobs")

MEDIA_TYPES = {
    ".plan": "application/json",
    ".json": "application/json",
    ".geojson": "application/geo+json",
    ".kml": "application/vnd.google-earth.kml+xml",
    ".png": "image/png",
    ".waypoints": "text/plain; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}


def media_type(name: str) -> str:
    return MEDIA_TYPES.get(PurePosixPath(name).suffix.lower(), "application/octet-stream")


def engine_key(job_id: str, attempt: int) -> str:
    return f"airwork-{job_id}-{attempt}"


class JobRunner:
    """Runs the service's jobs on an :class:`airwork.engine.Engine`."""

    def __init__(self, db: Database, store: BlobStore, engine: Any, settings: Settings):
        self.db = db
        self.store = store
        self.engine = engine
        self.settings = settings
        self._keys: dict[str, tuple[str, int]] = {}
        self._lock = threading.Lock()
        self._progress: queue.Queue[tuple[str, int, float, str] | None] = queue.Queue()
        self._writer = threading.Thread(target=self._write_progress, name="airwork-progress")
        self._writer.daemon = True
        self._writer.start()
        self._closing = False

    # ------------------------------------------------------------------ submit / cancel
    def submit(self, job_id: str) -> None:
        """Hand a committed ``queued`` job to the engine (a new attempt)."""
        with self.db.write() as s:
            job = s.get(Job, job_id)
            if job is None or job.status != "queued":
                return
            job.attempts += 1
            attempt = job.attempts
            request, records = _inputs_of(s, job)
        self._start(job_id, attempt, request, records)

    def _start(self, job_id: str, attempt: int, request: dict, records: list) -> None:
        """Start an attempt the database has already counted."""
        key = engine_key(job_id, attempt)
        try:
            inputs = input_files(self.store, records, self.settings.limits)
            with self._lock:
                self._keys[key] = (job_id, attempt)
            self.engine.submit(
                request,
                inputs=inputs,
                key=key,
                on_progress=self._on_progress,
                on_done=self._on_done,
            )
        except Exception as exc:  # engine down, a stored file gone: fail with the reason
            with self._lock:
                self._keys.pop(key, None)
            log.exception("could not submit job %s", job_id)
            self._fail(job_id, attempt, f"could not start the job: {_one_line(exc)}")

    def cancel(self, job_id: str, attempt: int) -> None:
        """Stop the engine's run of a job (the row is already failed as cancelled)."""
        self.engine.cancel(engine_key(job_id, attempt))

    def recover(self) -> list[str]:
        """Queue again the jobs a stopped server left active (or fail them with the
        reason); returns the ids queued again, oldest first, already submitted."""
        again: list[str] = []
        limit = self.settings.max_attempts
        with self.db.write() as s:
            jobs = s.scalars(
                select(Job).where(Job.status.in_(ACTIVE)).order_by(Job.created_at, Job.id)
            ).all()
            for job in jobs:
                if job.status == "running" and job.attempts >= limit:
                    job.status = "failed"
                    job.error = (
                        f"the server stopped {job.attempts} times before the job could "
                        "finish; not tried again"
                    )
                    job.finished_at = now()
                    continue
                was = job.status
                job.status = "queued"
                job.progress = 0.0
                job.message = f"queued again after a server restart (was {was})"
                again.append(job.id)
        for job_id in again:
            self.submit(job_id)
        return again

    def close(self) -> None:
        self._closing = True
        self._progress.put(None)
        self._writer.join(timeout=10)

    # ------------------------------------------------------------------ engine callbacks
    def _on_progress(self, key: str, fraction: float, message: str) -> None:
        with self._lock:
            ids = self._keys.get(key)
        if ids is not None:
            self._progress.put((ids[0], ids[1], fraction, message))

    def _write_progress(self) -> None:
        while True:
            item = self._progress.get()
            if item is None:
                return
            latest = {item[0]: item}
            stop = False
            while True:
                try:
                    nxt = self._progress.get_nowait()
                except queue.Empty:
                    break
                if nxt is None:
                    stop = True
                    break
                latest[nxt[0]] = nxt
            try:
                self._store_progress(list(latest.values()))
            except Exception:  # the database busy or gone: progress is not essential
                log.exception("could not store job progress")
            if stop:
                return

    def _store_progress(self, items: list[tuple[str, int, float, str]]) -> None:
        with self.db.write() as s:
            for job_id, attempt, fraction, message in items:
                s.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.attempts == attempt, Job.status.in_(ACTIVE))
                    .values(status="running", progress=fraction, message=message[:500])
                )
                s.execute(
                    update(Job)
                    .where(Job.id == job_id, Job.attempts == attempt, Job.started_at.is_(None))
                    .values(started_at=now())
                )

    def _on_done(self, handle: Any) -> None:
        with self._lock:
            ids = self._keys.pop(handle.key, None)
        if ids is None:
            return
        job_id, attempt = ids
        future = handle.future
        if future.status in ("cancelled", "lost"):
            # by the user (the row is failed already), the engine closing (queued again at
            # the next start), or a lost scheduler: queued again now
            if not self._closing:
                self._requeue(job_id, attempt, "the job engine lost the job")
            return
        if future.status == "finished":
            try:
                result = future.result()
            except Exception as exc:
                self._fail(job_id, attempt, f"the job's result was lost: {_one_line(exc)}")
                return
            self._store_result(job_id, attempt, result)
            return
        exc = future.exception()
        from airwork.engine.task import JobCancelled

        if isinstance(exc, JobCancelled):
            return
        self._fail(job_id, attempt, self._reason(job_id, exc))

    def _reason(self, job_id: str, exc: BaseException | None) -> str:
        if isinstance(exc, AirworkError):
            with self.db.read() as s:
                job = s.get(Job, job_id)
                site = s.get(Site, job.site_id) if job else None
                records = list(site.files if site else []) + list(
                    job.request.get("aircraft", []) if job else []
                )
            return scrub(str(exc), records)
        name = type(exc).__name__ if exc is not None else "unknown"
        if name == "KilledWorker":
            return "the worker running the job died (out of memory?); not tried again"
        return f"internal error: {name}: {_one_line(exc)}"

    def _requeue(self, job_id: str, attempt: int, why: str) -> None:
        """Queue a job again if it is still active in this attempt; fail it once it has had
        ``max_attempts`` runs."""
        limit = self.settings.max_attempts
        with self.db.write() as s:
            job = s.scalars(
                select(Job)
                .where(Job.id == job_id, Job.attempts == attempt, Job.status.in_(ACTIVE))
                .with_for_update()
            ).first()
            if job is None:
                return
            if job.attempts >= limit:
                job.status = "failed"
                job.error = f"{why}, {job.attempts} times; not tried again"
                job.finished_at = now()
                return
            # the new attempt is counted here, in the same transaction: a late progress
            # report of the lost attempt can no longer mark the job running again
            job.status = "queued"
            job.progress = 0.0
            job.message = f"queued again: {why}"
            job.attempts += 1
            attempt = job.attempts
            request, records = _inputs_of(s, job)
        self._start(job_id, attempt, request, records)

    def _store_result(self, job_id: str, attempt: int, result: dict[str, Any]) -> None:
        with self.db.write() as s:
            job = s.scalars(
                select(Job)
                .where(Job.id == job_id, Job.attempts == attempt, Job.status.in_(ACTIVE))
                .with_for_update()
            ).first()
            if job is None:  # cancelled meanwhile: the result is dropped
                return
            for name, data in sorted(result["files"].items()):
                s.add(
                    JobFile(
                        job_id=job_id,
                        name=name,
                        media_type=media_type(name),
                        size=len(data),
                        sha256=hashlib.sha256(data).hexdigest(),
                        data=data,
                    )
                )
            job.status = "done"
            job.progress = 1.0
            job.message = "done"
            job.summary = result["summary"]
            job.notes = list(result.get("notes", []))
            job.report = result.get("report")
            job.finished_at = now()
            job.started_at = job.started_at or job.finished_at

    def _fail(self, job_id: str, attempt: int, reason: str) -> None:
        with self.db.write() as s:
            s.execute(
                update(Job)
                .where(Job.id == job_id, Job.attempts == attempt, Job.status.in_(ACTIVE))
                .values(status="failed", error=reason[:2000], finished_at=now(), message="failed")
            )


def _one_line(exc: BaseException | None) -> str:
    return " ".join(str(exc).split())[:500] if exc is not None else ""


def _inputs_of(session: Any, job: Job) -> tuple[dict, list]:
    """A job's request and the stored files it reads (the site's and its aircraft's)."""
    site = session.get(Site, job.site_id)
    records = list(site.files if site else []) + list(job.request.get("aircraft", []))
    return dict(job.request["job"]), records
