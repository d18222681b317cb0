"""The exporter registry: every output format is an :class:`Exporter` registered by name.

An exporter turns a planned :class:`~airwork.mission.model.Mission` into named files in
memory (``name -> bytes``) and says beforehand which missions it refuses and why.  It
never plans, never prints and never writes to disk: ``airwork.run_job`` renders the chosen
formats and the caller writes them all at once (:func:`airwork.export.write.write_files`).

A new format is one module with an object satisfying :class:`Exporter` and one
:func:`register` call in :mod:`airwork.export` (the package's ``__init__``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from airwork.autopilot.items import DEFAULT_SPRAY, Autopilot, SprayOutput
from airwork.autopilot.profiles import AutopilotProfile, default_profile
from airwork.errors import ExportError
from airwork.mission.model import Mission, Sortie

__all__ = [
    "ExportOptions",
    "Exporter",
    "exporter",
    "exporter_names",
    "register",
    "render",
    "sortie_stem",
]


@dataclass(frozen=True)
class ExportOptions:
    """What the exporters need beyond the mission itself.

    Attributes
    ----------
    autopilot : Autopilot
        Firmware of ``.plan`` / ``.waypoints`` files (when no profile is given).
    spray : SprayOutput
        The servo output that switches the sprayer.
    swath_m : float or None
        Work width drawn on pictures (spray swath). [m]
    extra : dict
        Options of formats added later (read by their exporters only).
    profile : AutopilotProfile or None
        The aircraft's autopilot (:mod:`airwork.autopilot.profiles`): its firmware replaces
        ``autopilot``; its limits, devices and gimbal type shape the MAVLink files and the
        setup sheet.  None: the firmware's default profile.
    """

    autopilot: Autopilot = Autopilot.ARDUPILOT
    spray: SprayOutput = DEFAULT_SPRAY
    swath_m: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    profile: AutopilotProfile | None = None

    @property
    def autopilot_profile(self) -> AutopilotProfile:
        """The profile given, or the default profile of :attr:`autopilot`."""
        return self.profile if self.profile is not None else default_profile(self.autopilot)


@runtime_checkable
class Exporter(Protocol):
    """One output format.

    Attributes
    ----------
    name : str
        Registry key and ``--format`` value, e.g. ``"qgc-plan"``.
    description : str
        One line for ``--help`` and the API.
    """

    name: str
    description: str

    def problems(self, mission: Mission, options: ExportOptions) -> list[str]:
        """Why this format cannot carry the mission (empty when it can)."""
        ...

    def files(self, mission: Mission, options: ExportOptions) -> dict[str, bytes]:
        """The files of the mission in this format, ``name -> content``."""
        ...


_REGISTRY: dict[str, Exporter] = {}


def register(exp: Exporter) -> Exporter:
    """Add an exporter under its ``name`` (a later one of the same name replaces it)."""
    if not isinstance(exp, Exporter):
        raise TypeError(f"{exp!r} does not satisfy the Exporter protocol")
    _REGISTRY[exp.name] = exp
    return exp


def exporter_names() -> list[str]:
    """Registered format names, in registration order."""
    return list(_REGISTRY)


def exporter(name: str) -> Exporter:
    """The exporter called ``name``.

    Raises
    ------
    ExportError
        No such format (the message lists the known ones).
    """
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(_REGISTRY)
        raise ExportError(f"unknown output format {name!r} (known: {known})") from None


def sortie_stem(mission: Mission, sortie: Sortie) -> str:
    """``sortie-NN``: the file stem of a sortie, zero-padded to the mission's width."""
    width = max(2, len(str(len(mission.sorties))))
    return f"sortie-{sortie.index:0{width}d}"


def render(
    mission: Mission, formats: Iterable[str], options: ExportOptions | None = None
) -> dict[str, bytes]:
    """Every file of the chosen formats, in memory.

    All formats are checked (:meth:`Exporter.problems`) before any is rendered, so one
    refusal names every problem and renders nothing.

    Raises
    ------
    ExportError
        A format is unknown or refuses the mission, or two formats write one file name.
    """
    options = options or ExportOptions()
    chosen = [exporter(name) for name in dict.fromkeys(formats)]
    problems = [f"{e.name}: {p}" for e in chosen for p in e.problems(mission, options)]
    if problems:
        raise ExportError("; ".join(problems))
    files: dict[str, bytes] = {}
    for e in chosen:
        for name, data in e.files(mission, options).items():
            if name in files:
                raise ExportError(f"{e.name}: file {name!r} is also written by another format")
            files[name] = data
    return files
