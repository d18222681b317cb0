"""The job engine: job requests run on Dask distributed, off the caller's thread.

::

    from airwork.engine import Engine

    with Engine() as engine:                    # a LocalCluster; Engine("tcp://host:8786")
        handle = engine.submit(request, inputs={"field.geojson": data},
                               on_progress=lambda key, f, msg: ...)
        handle.status()                         # queued | running | done | failed | cancelled
        result = handle.result()                # {"summary", "files", "notes", "report"}
        engine.cancel(handle.key)

Progress travels as Dask structured events (``worker.log_event`` on the worker,
``client.subscribe_topic`` here); a cancel sets a Dask ``Event`` the job polls at its
progress reports and takes a queued job off the scheduler.  Inputs travel with the task as
bytes, so workers need no shared disk.
"""

from __future__ import annotations

import logging
import threading
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from airwork.engine.task import PROGRESS_TOPIC, JobCancelled, cancel_event_name, run_task

__all__ = ["Engine", "JobHandle", "OnDone", "OnProgress"]

log = logging.getLogger(__name__)

OnProgress = Callable[[str, float, str], None]
"""``on_progress(key, fraction, message)``, called on the engine's event loop: keep it quick
(hand the figures to another thread)."""
OnDone = Callable[["JobHandle"], None]
"""``on_done(handle)``, called once in the engine's callback thread when the job ends
(done, failed or cancelled)."""

_STATUS = {"finished": "done", "error": "failed", "cancelled": "cancelled", "lost": "lost"}


@dataclass
class _Entry:
    future: Any
    on_progress: OnProgress | None
    started: bool = False
    cancelled: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class JobHandle:
    """A submitted job: its key, status, result and cancel."""

    def __init__(self, engine: Engine, key: str, future: Any):
        self.engine = engine
        self.key = key
        self.future = future

    def status(self) -> str:
        """``queued``, ``running``, ``done``, ``failed``, ``cancelled`` or ``lost``."""
        return self.engine.status(self.key, self.future)

    def result(self, timeout: float | None = None) -> dict[str, Any]:
        """The job's result (waiting up to ``timeout`` s).

        Raises
        ------
        AirworkError
            The job's own error (``JobCancelled`` when cancelled while running).
        distributed.CancelledError
            Cancelled before it ran.
        TimeoutError
        """
        return self.future.result(timeout=timeout)

    def cancel(self) -> None:
        self.engine.cancel(self.key)


class Engine:
    """Run job requests on a Dask cluster.

    Parameters
    ----------
    scheduler : str, optional
        Address of a running scheduler (``tcp://HOST:8786``); default a ``LocalCluster``
        started here and closed with the engine.
    workers : int, optional
        Workers of the local cluster (default Dask's, one per core).
    threads_per_worker : int
        Jobs one local worker runs at once.
    processes : bool
        Local workers in processes (default) or threads of this process (tests).
    """

    def __init__(
        self,
        scheduler: str | None = None,
        *,
        workers: int | None = None,
        threads_per_worker: int = 1,
        processes: bool = True,
    ):
        from distributed import Client, LocalCluster

        self.cluster = None
        if scheduler:
            self.client = Client(scheduler, timeout="10s")
        else:
            # worker processes: loopback only, and mutual TLS with throw-away certificates,
            # so no other local user can reach the scheduler and run code on it
            where = {"host": "127.0.0.1", "security": True} if processes else {}
            self.cluster = LocalCluster(
                n_workers=workers,
                threads_per_worker=threads_per_worker,
                processes=processes,
                dashboard_address=None,
                # the scheduler's HTTP endpoint (metrics) on a free loopback port
                scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
                silence_logs=logging.ERROR,
                **where,
            )
            self.client = Client(self.cluster)
        self._lock = threading.Lock()
        self._jobs: dict[str, _Entry] = {}
        self.client.subscribe_topic(PROGRESS_TOPIC, self._on_event)

    @property
    def address(self) -> str:
        """The scheduler's address."""
        return str(self.client.scheduler.address)

    def submit(
        self,
        request: Any,
        *,
        inputs: Mapping[str, bytes] | None = None,
        on_progress: OnProgress | None = None,
        on_done: OnDone | None = None,
        key: str | None = None,
    ) -> JobHandle:
        """Queue a job.

        Parameters
        ----------
        request : JobRequest or dict
            File names in it that are keys of ``inputs`` are read from those bytes on the
            worker; other paths must exist where the worker runs.
        inputs : mapping of str to bytes, optional
            Input files by relative name.
        on_progress, on_done : callable, optional
            See :data:`OnProgress` and :data:`OnDone`.
        key : str, optional
            A unique key (default a random one); progress and cancel use it.
        """
        if hasattr(request, "model_dump"):
            request = request.model_dump(mode="json")
        key = key or f"airwork-job-{uuid.uuid4().hex}"
        with self._lock:
            if key in self._jobs:
                raise ValueError(f"a job with key {key!r} is already running")
            future = self.client.submit(
                run_task, request, dict(inputs or {}), key, key=key, pure=False
            )
            self._jobs[key] = _Entry(future, on_progress)
        handle = JobHandle(self, key, future)
        future.add_done_callback(lambda _f: self._finished(handle, on_done))
        return handle

    def cancel(self, key: str) -> bool:
        """Cancel a job: taken off the queue, or stopped at its next progress report.

        Returns
        -------
        bool
            Whether the engine knew the job (False once it ended).
        """
        with self._lock:
            entry = self._jobs.get(key)
            if entry is None:
                return False
            entry.cancelled = True
        from distributed import Event

        Event(cancel_event_name(key), client=self.client).set()
        if not entry.started:
            self.client.cancel(entry.future)
        return True

    def status(self, key: str, future: Any = None) -> str:
        """``queued``, ``running``, ``done``, ``failed``, ``cancelled``, ``lost``, or
        ``unknown`` for a key this engine does not hold."""
        with self._lock:
            entry = self._jobs.get(key)
        if entry is None and future is None:
            return "unknown"
        fut = entry.future if entry is not None else future
        if fut.status == "pending":
            return "running" if entry is not None and entry.started else "queued"
        if fut.status == "error" and isinstance(fut.exception(timeout=5), JobCancelled):
            return "cancelled"
        return _STATUS.get(fut.status, fut.status)

    def close(self) -> None:
        """Close the client and the local cluster (running jobs are lost)."""
        try:
            self.client.close()
        finally:
            if self.cluster is not None:
                self.cluster.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ callbacks
    def _on_event(self, event: tuple[float, dict[str, Any]]) -> None:
        _, msg = event
        with self._lock:
            entry = self._jobs.get(msg.get("key", ""))
        if entry is None:
            return
        entry.started = True
        if entry.on_progress is not None:
            try:
                entry.on_progress(msg["key"], float(msg["fraction"]), str(msg["message"]))
            except Exception:  # a faulty callback must not stop the event loop
                log.exception("progress callback of %s failed", msg.get("key"))

    def _finished(self, handle: JobHandle, on_done: OnDone | None) -> None:
        try:
            if on_done is not None:
                on_done(handle)
        except Exception:
            log.exception("done callback of %s failed", handle.key)
        finally:
            with self._lock:
                entry = self._jobs.pop(handle.key, None)
            if entry is not None and entry.cancelled and handle.future.status == "error":
                self._clear_event(handle.key)

    def _clear_event(self, key: str) -> None:
        from distributed import Event

        try:
            Event(cancel_event_name(key), client=self.client).clear()
        except Exception:  # the scheduler may be gone at shutdown
            log.debug("could not clear the cancel event of %s", key)
