"""The application layer: every kind of job runs through :func:`run_job`.

* :mod:`~airwork.jobs.base`: the :class:`MissionKind` protocol and typed parameters;
* :mod:`~airwork.jobs.request`: :class:`JobRequest`, what a job asks for;
* :mod:`~airwork.jobs.registry`: the kinds by name (imported only when used);
* :mod:`~airwork.jobs.preflight`: the pre-flight check and re-planning;
* :mod:`~airwork.jobs.run`: :func:`run_job` and :class:`JobOutcome`.

Names are loaded on first use, so ``import airwork.jobs`` stays light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pragma: no cover
    from airwork.jobs.base import JobParams, KindReport, MissionKind, Planned
    from airwork.jobs.registry import kind, kind_names, register_kind
    from airwork.jobs.request import JobRequest
    from airwork.jobs.run import DEFAULT_FORMATS, JobOutcome, run_job

__all__ = [
    "DEFAULT_FORMATS",
    "JobOutcome",
    "JobParams",
    "JobRequest",
    "KindReport",
    "MissionKind",
    "Planned",
    "kind",
    "kind_names",
    "register_kind",
    "run_job",
]

_WHERE = {
    "JobParams": "base",
    "KindReport": "base",
    "MissionKind": "base",
    "Planned": "base",
    "kind": "registry",
    "kind_names": "registry",
    "register_kind": "registry",
    "JobRequest": "request",
    "DEFAULT_FORMATS": "run",
    "JobOutcome": "run",
    "run_job": "run",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(importlib.import_module(f"airwork.jobs.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'airwork.jobs' has no attribute {name!r}")
