"""What runs on a worker: a job request and its input files in, a plain result out.

:func:`run_task` writes the inputs into a private temporary folder, points the request's
file names at them, runs :func:`airwork.jobs.run_job` and returns plain data (a dict of
JSON-safe values and bytes) that any Dask worker can send back.  Progress goes out as Dask
structured events; a cancelled job is stopped at its next progress report.
"""

from __future__ import annotations

import dataclasses
import re
import tempfile
import time
from collections.abc import Callable, Mapping
from pathlib import Path, PurePosixPath
from typing import Any

from airwork.errors import AirworkError

__all__ = [
    "PROGRESS_TOPIC",
    "JobCancelled",
    "check_input_name",
    "resolve_paths",
    "run_task",
    "write_inputs",
]

PROGRESS_TOPIC = "airwork-progress"
"""Dask event topic of every job's progress: ``{"key", "fraction", "message"}``."""

# How often a running job asks the scheduler whether it was cancelled. [s]
_CANCEL_POLL_S = 0.25
_AIRCRAFT_RE = re.compile(r"^(?P<name>[^:@]+)(?P<rest>(?::[^:@]*)?(?:@[^@]*)?)$")


class JobCancelled(AirworkError, RuntimeError):
    """The job was cancelled while it ran."""


def cancel_event_name(key: str) -> str:
    """Name of the Dask ``Event`` that cancels the job ``key``."""
    return f"airwork-cancel-{key}"


def check_input_name(name: str) -> PurePosixPath:
    """A safe relative path for an input file: no absolute path, no ``..``, no backslash.

    Raises
    ------
    ValueError
    """
    path = PurePosixPath(name)
    if (
        not name
        or "\\" in name
        or "\x00" in name
        or path.is_absolute()
        or any(p in ("", ".", "..") for p in path.parts)
        or str(path) != name
    ):
        raise ValueError(f"input file name {name!r} is not a plain relative path")
    return path


def write_inputs(inputs: Mapping[str, bytes], folder: Path) -> None:
    """Write ``{relative name: bytes}`` under ``folder`` (names checked, never outside)."""
    for name, data in inputs.items():
        path = folder.joinpath(*check_input_name(name).parts)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)


def resolve_paths(request: dict[str, Any], folder: Path, names: set[str]) -> dict[str, Any]:
    """The request with every file name that is one of ``names`` made a path in ``folder``:
    site files, role files, airspace, obstacles, DEM and aircraft spec files (with their
    ``:COUNT@LIMIT``)."""

    def fix(value: str | None) -> str | None:
        return str(folder / value) if value in names else value

    req = dict(request)
    site = dict(req.get("site") or {})
    site["files"] = [fix(f) for f in site.get("files", [])]
    site["role_files"] = {r: [fix(f) for f in fs] for r, fs in site.get("role_files", {}).items()}
    req["site"] = site
    cond = dict(req.get("conditions") or {})
    for k in ("airspace", "obstacles"):
        if k in cond:
            cond[k] = [fix(f) for f in cond[k]]
    if cond.get("dem") is not None:
        cond["dem"] = fix(cond["dem"])
    req["conditions"] = cond
    craft = []
    for spec in req.get("aircraft", []):
        m = _AIRCRAFT_RE.match(spec)
        craft.append(f"{fix(m['name'])}{m['rest']}" if m and m["name"] in names else spec)
    req["aircraft"] = craft
    return req


def _reporter(key: str | None) -> Callable[[float, str], None]:
    """Progress to Dask events, and a cancel check at most every ``_CANCEL_POLL_S``."""
    try:
        from distributed import Event, get_worker

        worker = get_worker()
    except (ImportError, ValueError):  # not on a Dask worker: plain call
        return lambda f, m: None
    event = Event(cancel_event_name(key)) if key else None
    last = [0.0]

    def progress(fraction: float, message: str) -> None:
        if key:
            worker.log_event(
                PROGRESS_TOPIC, {"key": key, "fraction": float(fraction), "message": message}
            )
        now = time.monotonic()
        if event is not None and now - last[0] >= _CANCEL_POLL_S:
            last[0] = now
            if event.is_set():
                raise JobCancelled("cancelled")

    return progress


def run_task(
    request: dict[str, Any],
    inputs: Mapping[str, bytes] | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    """Run one job request (on a worker, or anywhere).

    Parameters
    ----------
    request : dict
        A :class:`~airwork.jobs.request.JobRequest` as plain data; file names that are keys
        of ``inputs`` are read from those bytes.
    inputs : mapping of str to bytes, optional
        Input files by relative name (``"site/field.geojson"``).
    key : str, optional
        The job's key: progress events carry it and its cancel event stops the job.

    Returns
    -------
    dict
        ``summary`` (JSON-safe dict), ``files`` (name -> bytes), ``notes`` (list of str),
        ``report`` (the kind's table as a dict).

    Raises
    ------
    AirworkError
        What ``run_job`` raises; :class:`JobCancelled` when cancelled.
    """
    from airwork.jobs.run import run_job

    progress = _reporter(key)
    progress(0.0, "started")
    with tempfile.TemporaryDirectory(prefix="airwork-job-") as tmp:
        folder = Path(tmp)
        if inputs:
            write_inputs(inputs, folder)
            request = resolve_paths(request, folder, set(inputs))
        try:
            outcome = run_job(request, progress=progress)
        except AirworkError as exc:
            raise _without(exc, folder) from None
    prefix = str(folder) + "/"
    return {
        "summary": outcome.summary,
        "files": dict(outcome.files),
        "notes": [n.replace(prefix, "") for n in outcome.notes],
        "report": dataclasses.asdict(outcome.report),
    }


def _without(exc: AirworkError, folder: Path) -> AirworkError:
    """The error with the worker's temporary folder taken out of its message."""
    text = str(exc).replace(str(folder) + "/", "")
    try:
        return type(exc)(text)
    except TypeError:  # an error class with another constructor
        return AirworkError(text)
