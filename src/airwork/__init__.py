"""airwork: one open platform for civil drone aerial work.

Data flows one way: site (:func:`load_site`) -> planner (aircraft, :class:`Conditions`) ->
mission -> checks -> exporters.  Every kind of job runs through :func:`run_job`::

    import airwork

    outcome = airwork.run_job(
        {"kind": "spray", "site": {"files": ["field.geojson"]}, "aircraft": ["sprayer-40"]}
    )
    outcome.summary["sorties"], sorted(outcome.files)
    airwork.write_files(outcome.files, "out/field")

Names load on first use, so ``import airwork`` is light.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.2.0"

if TYPE_CHECKING:  # pragma: no cover
    from airwork.aircraft import Aircraft, load_aircraft, preset_names
    from airwork.airspace.check import CheckConfig, CheckReport, check_flight, preflight
    from airwork.airspace.tracks import read_flight
    from airwork.export.registry import ExportOptions, exporter_names, render
    from airwork.export.write import write_files
    from airwork.flight.conditions import Conditions
    from airwork.jobs.registry import kind, kind_names
    from airwork.jobs.request import JobRequest
    from airwork.jobs.run import JobOutcome, run_job
    from airwork.mission.model import Mission
    from airwork.site import Site, Wind, load_site

__all__ = [
    "Aircraft",
    "CheckConfig",
    "CheckReport",
    "Conditions",
    "ExportOptions",
    "JobOutcome",
    "JobRequest",
    "Mission",
    "Site",
    "Wind",
    "__version__",
    "check_flight",
    "exporter_names",
    "kind",
    "kind_names",
    "load_aircraft",
    "load_site",
    "preflight",
    "preset_names",
    "read_flight",
    "render",
    "run_job",
    "write_files",
]

_WHERE = {
    "Aircraft": "airwork.aircraft",
    "load_aircraft": "airwork.aircraft",
    "preset_names": "airwork.aircraft",
    "CheckConfig": "airwork.airspace.check",
    "CheckReport": "airwork.airspace.check",
    "check_flight": "airwork.airspace.check",
    "preflight": "airwork.airspace.check",
    "read_flight": "airwork.airspace.tracks",
    "ExportOptions": "airwork.export.registry",
    "exporter_names": "airwork.export.registry",
    "render": "airwork.export.registry",
    "write_files": "airwork.export.write",
    "Conditions": "airwork.flight.conditions",
    "kind": "airwork.jobs.registry",
    "kind_names": "airwork.jobs.registry",
    "JobRequest": "airwork.jobs.request",
    "JobOutcome": "airwork.jobs.run",
    "run_job": "airwork.jobs.run",
    "Mission": "airwork.mission.model",
    "Site": "airwork.site",
    "Wind": "airwork.site",
    "load_site": "airwork.site",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        if _WHERE[name].startswith("airwork.export"):
            importlib.import_module("airwork.export")  # registers the built-in formats
        return getattr(importlib.import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'airwork' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(__all__)
