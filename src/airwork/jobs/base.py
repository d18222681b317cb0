"""What a kind of job is: the :class:`MissionKind` protocol and its typed parameters.

A kind (spray, spread, survey, power line, delivery) declares the roles it reads from a
site and its parameters (a pydantic model: names, units, ranges and help in one place, from
which the command line, the API and the web forms are made), builds its planning problem
from a :class:`~airwork.site.Site`, plans in the job's
:class:`~airwork.flight.conditions.Conditions`, and summarises the result.  It never reads
files, prints or writes: :func:`airwork.jobs.run_job` does the rest.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from airwork.aircraft.model import Aircraft
from airwork.errors import AirworkError
from airwork.flight.conditions import Conditions
from airwork.limits import option_flag, problems
from airwork.mission.model import Mission
from airwork.site.model import Site

__all__ = [
    "JobParams",
    "KindReport",
    "MissionKind",
    "ParamError",
    "Planned",
    "Progress",
    "parse_params",
]

Progress = Callable[[float, str], None]
"""``progress(fraction_done, message)``: fraction from 0 to 1."""


class ParamError(AirworkError, ValueError):
    """A job parameter is missing, unknown, of the wrong type or out of its range."""


class JobParams(BaseModel):
    """Base of every kind's parameters: unknown names refused, NaN and infinity refused,
    numbers given as text accepted.  Every field has a ``description`` with its unit."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, frozen=True)

    reserve_frac: float | None = Field(
        None,
        ge=0,
        lt=0.9,
        description="Landing reserve, share of usable battery energy (default the aircraft's)",
    )


def parse_params(model: type[JobParams], values: dict[str, Any], kind: str) -> JobParams:
    """Validated parameters of a kind.

    Raises
    ------
    ParamError
        One line per problem naming the parameter as the command line spells it
        (``--swath-m``), the value and the rule.
    """
    values = _python_names(model, values, kind)
    try:
        return model.model_validate(values)
    except ValidationError as exc:

        def name(loc: tuple) -> str:
            field = ".".join(str(p) for p in loc) or "params"
            return f"{kind} {option_flag(field)}"

        raise ParamError("; ".join(problems(exc, model, name))) from None


def _python_names(model: type[JobParams], values: dict[str, Any], kind: str) -> dict[str, Any]:
    """The parameters under their Python names: the command line's spelling (``--swath-m``,
    ``swath-m``) is accepted too; a name given twice or not a parameter of the kind is
    refused, the unknown one with the names the kind has (and the likeliest meant)."""
    import difflib

    known = set(model.model_fields)
    out: dict[str, Any] = {}
    lines = []
    for key, value in values.items():
        name = key.lstrip("-").replace("-", "_") if isinstance(key, str) else key
        flag = option_flag(name)
        if name in out:
            lines.append(f"{kind} {flag}: given twice")
        elif name not in known:
            near = difflib.get_close_matches(str(name), sorted(known), n=1)
            hint = f"; did you mean {option_flag(near[0])}?" if near else ""
            flags = ", ".join(option_flag(k) for k in sorted(known))
            lines.append(f"{kind} {flag}: not a parameter of {kind}{hint} (known: {flags})")
        out[name] = value
    if lines:
        raise ParamError("; ".join(lines))
    return out


@dataclass(frozen=True)
class KindReport:
    """The table and lines a person reads after planning (any face renders them).

    Attributes
    ----------
    title : str
    columns : list of str
        Column headers with units.
    rows : list of list of str
        One row per sortie, flight or drone.
    total : list of str or None
        A total row.
    lines : list of str
        Sentences under the table.
    """

    title: str
    columns: list[str]
    rows: list[list[str]]
    total: list[str] | None = None
    lines: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Planned:
    """What a kind's :meth:`MissionKind.plan` returns.

    Attributes
    ----------
    result : object
        The planner's own result (``SprayResult`` ...).
    mission : Mission
    summary : dict
        JSON-safe figures for ``summary.json``.
    notes : tuple of str
        What the user should know (defaults taken, warnings).
    export : dict
        Export options the plan decides (e.g. ``swath_m`` for the picture).
    """

    result: Any
    mission: Mission
    summary: dict[str, Any]
    notes: tuple[str, ...] = ()
    export: dict[str, Any] = field(default_factory=dict)


@runtime_checkable
class MissionKind(Protocol):
    """One kind of job.

    Attributes
    ----------
    name : str
        ``spray``, ``survey`` ...: the key of :func:`airwork.jobs.run_job` requests and
        the command ``airwork plan NAME``.
    title : str
        One line of help.
    roles : tuple of str
        Site roles the kind reads; features of other roles are ignored with a note.
    role_files : tuple of str
        Roles for which a whole file may be given (``--stations FILE``).
    Params : type of JobParams
        The kind's parameters.
    default_aircraft : str
    fleet : bool
        Whether the kind flies several aircraft types (``-a TYPE[:COUNT]`` repeated).
    sprays : bool
        Whether its missions switch a sprayer (``--spray-servo``).
    replans : bool
        Whether it may be planned again with a larger planning reserve when the preflight
        finds only battery overruns (terrain following, wind).

    A kind may also define ``check_aircraft(aircraft)``, raising
    :class:`~airwork.errors.AircraftError` for an aircraft that cannot do its work (a
    spreader asked to spray): :func:`~airwork.jobs.run_job` and the batch call it before
    reading any input.
    """

    name: str
    title: str
    roles: ClassVar[tuple[str, ...]]
    role_files: ClassVar[tuple[str, ...]]
    Params: ClassVar[type[JobParams]]
    default_aircraft: ClassVar[str]
    fleet: ClassVar[bool]
    sprays: ClassVar[bool]
    replans: ClassVar[bool]

    def plan(
        self,
        site: Site,
        aircraft: Sequence[Aircraft],
        params: JobParams,
        conditions: Conditions,
        *,
        name: str,
        planning_reserve_frac: float | None,
        progress: Progress,
    ) -> Planned:
        """Build the problem from the site and plan it in the conditions."""
        ...

    def report(self, planned: Planned) -> KindReport:
        """The table a person reads."""
        ...
