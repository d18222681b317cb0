"""The job engine: :func:`airwork.run_job` on Dask distributed, for every face that runs
jobs off its own thread (the service, batch runs).

The API is small: :class:`Engine` (``submit(request, inputs=..., on_progress=...,
on_done=...) -> JobHandle``, ``cancel(key)``, ``status(key)``, ``close()``) and
:func:`run_task`, the function workers run.  Importing this package does not import Dask.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from airwork.engine.task import PROGRESS_TOPIC, JobCancelled, run_task

if TYPE_CHECKING:  # pragma: no cover
    from airwork.engine.cluster import Engine, JobHandle

__all__ = ["PROGRESS_TOPIC", "Engine", "JobCancelled", "JobHandle", "run_task"]


def __getattr__(name: str) -> Any:
    if name in ("Engine", "JobHandle"):
        from airwork.engine import cluster

        return getattr(cluster, name)
    raise AttributeError(name)
