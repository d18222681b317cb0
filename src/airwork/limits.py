"""Numbers a user gives, checked one way: rules with units, clock times and work budgets.

Every number that comes from a person or a file (command-line options, API requests, job
parameters, feature properties, CSV cells, spec files) is validated by a pydantic model
whose fields declare their range and unit; :func:`problems` turns a validation error into
one line per bad value that names the value as the user spelled it (``--swath-m``,
``conditions.wind_mps``, ``orders.csv line 4: mass_kg``), the value, and the rule with its
unit (``must be a finite number of m in [0.5, 50]``).

Clock times are read by :func:`parse_clock_s` (``HH:MM`` from 00:00 to 23:59, or ISO 8601).
Work that grows with a resolution the user chooses (sweep lines from a swath, check samples
from a step) is estimated before it starts and refused above a stated budget
(:func:`require_budget`), so no input can make a run take hours or exhaust memory.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import typing
from collections.abc import Callable, Sequence
from typing import Any

from airwork.errors import BudgetError, InputFileError

__all__ = [
    "MAX_CHECK_SAMPLES",
    "MAX_SORTIE_SAMPLES",
    "MAX_SWEEP_LINES",
    "MAX_WORK_PATH_KM",
    "SERVO_OUTPUTS",
    "ClockTime",
    "field_rule",
    "option_flag",
    "parse_clock",
    "parse_clock_s",
    "problems",
    "require_budget",
]

SERVO_OUTPUTS = 32
"""Servo outputs an autopilot can switch: ArduPilot has ``SERVO1`` to ``SERVO32``. [-]"""

MAX_SWEEP_LINES = 40_000
"""Most parallel lines a coverage layout (spray, spread, survey) may need, per sweep angle:
a 5,000 ha field at a 0.5 m swath needs 14,000; more means a spacing far below any real
swath or footprint.  Each line costs a few microseconds per candidate angle and its
intervals a few hundred bytes. [-]"""

MAX_WORK_PATH_KM = 5_000.0
"""Longest work path a coverage plan may need (area / line spacing): a 4,500 ha field at a
9 m swath, some 4,000 sorties to plan, check and write (under two minutes on the
development machine); a spacing that needs more is far below any real swath for the
area. [km]"""

MAX_CHECK_SAMPLES = 20_000_000
"""Most samples the mission check takes along a whole mission (``--step-m``): about 2 µs
each, so at most some 40 s of checking; the default 1 m step reaches it only on 20,000 km of
flight. [-]"""

MAX_SORTIE_SAMPLES = 2_000_000
"""Most samples along one sortie (the check holds one sortie's samples at a time, about
300 bytes each: some 600 MB at most). [-]"""

DAY_S = 86_400.0
_CLOCK_RE = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$")
_NUMBER_ERRORS = {
    "finite_number",
    "greater_than",
    "greater_than_equal",
    "less_than",
    "less_than_equal",
    "float_parsing",
    "float_type",
    "int_parsing",
    "int_type",
    "int_from_float",
    "bool_parsing",
}
_UNIT_RE = re.compile(r"\(([^()\s]{1,8})\)")


# ------------------------------------------------------------------------------ messages
def field_unit(info: Any) -> str:
    """The unit of a pydantic field: ``json_schema_extra["unit"]``, else the first short
    ``(unit)`` of its description, else ``°`` for angles; ``""`` when it has none."""
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if extra.get("unit"):
        return str(extra["unit"])
    text = info.description or ""
    m = _UNIT_RE.search(text)
    if m:
        return m.group(1)
    return "°" if "°" in text else ""


def field_rule(info: Any, annotation: Any = None) -> str:
    """The rule of a numeric field in words, e.g. ``a finite number of m in [0.5, 50]`` or
    ``a whole number in [1, 32]``."""
    lo = hi = None
    lo_open = hi_open = False
    for meta in getattr(info, "metadata", ()):
        for attr, is_lo, is_open in (("ge", 1, 0), ("gt", 1, 1), ("le", 0, 0), ("lt", 0, 1)):
            value = getattr(meta, attr, None)
            if value is None:
                continue
            if is_lo:
                lo, lo_open = value, bool(is_open)
            else:
                hi, hi_open = value, bool(is_open)
    kind = annotation if annotation is not None else info.annotation
    whole = _is_int(kind)
    noun = "a whole number" if whole else "a finite number"
    unit = field_unit(info)
    what = f"{noun} of {unit}" if unit and unit != "share" else noun
    if lo is None and hi is None:
        return what
    if hi is None:
        return f"{what} {'>' if lo_open else '≥'} {lo:g}"
    if lo is None:
        return f"{what} {'<' if hi_open else '≤'} {hi:g}"
    return f"{what} in {'(' if lo_open else '['}{lo:g}, {hi:g}{')' if hi_open else ']'}"


def _is_int(annotation: Any) -> bool:
    """Whether an annotation is ``int`` or ``int | None``."""
    if annotation is int:
        return True
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    return args == [int]


def _field_at(model: Any, loc: Sequence[Any]) -> Any:
    """The pydantic FieldInfo at ``loc`` in ``model`` (nested models followed), or None."""
    info = None
    for part in loc:
        fields = getattr(model, "model_fields", None)
        if not isinstance(part, str) or not fields or part not in fields:
            return None
        info = fields[part]
        model = info.annotation
    return info


def option_flag(name: Any) -> str:
    """The command line's spelling of a parameter's Python name: ``swath_m`` -> ``--swath-m``."""
    return "--" + str(name).replace("_", "-")


def problems(exc: Any, model: Any, name: Callable[[tuple[Any, ...]], str]) -> list[str]:
    """One line per error of a pydantic ``ValidationError``: ``NAME = value: rule``.

    Parameters
    ----------
    exc : pydantic.ValidationError
    model : type of pydantic.BaseModel or None
        The model validated (for each field's range and unit).
    name : callable
        Spells an error location the way the user wrote it (``("swath_m",)`` ->
        ``"spray --swath-m"``).
    """
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        value = err.get("input")
        shown = "" if isinstance(value, dict) else f" = {value!r}"
        info = _field_at(model, loc) if model is not None else None
        if info is not None and err["type"] in _NUMBER_ERRORS:
            rule = f"must be {field_rule(info)}"
        else:
            rule = str(err["msg"]).removeprefix("Value error, ")
        lines.append(f"{name(loc)}{shown}: {rule}")
    return lines


# ------------------------------------------------------------------------------ clock times
class ClockTime(float):
    """Seconds since the start of the planning day, with the calendar date it was given
    with (ISO 8601 date-times) or None."""

    date: dt.date | None = None

    def __new__(cls, seconds: float, date: dt.date | None = None) -> ClockTime:
        out = super().__new__(cls, seconds)
        out.date = date
        return out


def parse_clock(value: Any, what: str) -> ClockTime:
    """A time of the planning day: ``HH:MM`` or ``HH:MM:SS`` from 00:00 to 23:59:59, ISO 8601
    (``09:30:00``, ``2026-06-01T09:30``, ``2026-06-01T09:30:00+02:00``: the time of day as
    written, with its date), or seconds since 00:00 from 0 to 86,400.

    Raises
    ------
    InputFileError
        Naming ``what`` and the value: not a time, an hour over 23 or minutes over 59,
        seconds outside the day, NaN or infinite.
    """
    rule = (
        "expected a clock time HH:MM from 00:00 to 23:59, an ISO 8601 time or date-time "
        "(2026-06-01T09:30), or seconds since 00:00 (0 to 86400)"
    )
    if isinstance(value, bool) or value is None:
        raise InputFileError(f"{what}: {rule}, got {value!r}")
    if isinstance(value, int | float):
        t = float(value)
        if not (math.isfinite(t) and 0.0 <= t <= DAY_S):
            raise InputFileError(f"{what}: {value!r} seconds is outside the day; {rule}")
        return ClockTime(t)
    text = str(value).strip()
    m = _CLOCK_RE.match(text)
    if m:
        h, mi, s = int(m.group(1)), int(m.group(2)), float(m.group(3) or 0.0)
        if h > 23 or mi > 59 or s >= 60:
            raise InputFileError(f"{what}: {text!r} is not a time of day; {rule}")
        return ClockTime(h * 3600.0 + mi * 60.0 + s)
    try:
        t = float(text)
    except ValueError:
        pass
    else:
        return parse_clock(t, what)
    return _iso_clock(text, what, rule)


def _iso_clock(text: str, what: str, rule: str) -> ClockTime:
    try:
        if len(text) > 8 and text[4:5] == "-":
            stamp = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
            day: dt.date | None = stamp.date()
            clock = stamp.time()
        else:
            clock = dt.time.fromisoformat(text.removeprefix("T").replace("Z", "+00:00"))
            day = None
    except ValueError:
        raise InputFileError(f"{what}: {rule}, got {text!r}") from None
    seconds = clock.hour * 3600.0 + clock.minute * 60.0 + clock.second + clock.microsecond / 1e6
    return ClockTime(seconds, day)


def parse_clock_s(value: Any, what: str) -> float:
    """:func:`parse_clock` as plain seconds since 00:00. [s]"""
    return float(parse_clock(value, what))


# ------------------------------------------------------------------------------ budgets
def require_budget(count: float, budget: float, what: str, unit: str, hint: str) -> None:
    """Refuse work before it starts when its estimated size is over the budget.

    Parameters
    ----------
    count : float
        Estimated size (lines, samples ...). [-]
    budget : float
        The most allowed. [-]
    what : str
        What is counted and why, e.g. ``"--swath-m 0.5 on a 7,000 m wide field needs"``.
    unit : str
        What a unit of ``count`` is, e.g. ``"lines"``.
    hint : str
        What to change, e.g. ``"use --swath-m ≥ 0.09"``.

    Raises
    ------
    BudgetError
    """
    if not math.isfinite(count) or count > budget:
        shown = f"{count:,.0f}" if math.isfinite(count) else str(count)
        raise BudgetError(
            f"{what} {shown} {unit}, more than the budget of {budget:,.0f} {unit}; {hint}"
        )
