"""The kinds of job, by name, imported only when used.

A kind is registered as ``"module:attribute"``, so listing the kinds (``airwork --help``,
the API's ``/kinds``) imports no planner.  Kinds from other packages are found through the
``airwork.kinds`` entry-point group (``name = "package.module:KIND"``): a new kind is a
package of its own and one registry line.
"""

from __future__ import annotations

import importlib
from functools import cache
from importlib.metadata import entry_points

from airwork.errors import AirworkError
from airwork.jobs.base import MissionKind

__all__ = ["UnknownKindError", "kind", "kind_names", "register_kind"]

_KINDS: dict[str, str | MissionKind] = {
    "spray": "airwork.planners.fieldwork.kind:SPRAY",
    "spread": "airwork.planners.fieldwork.kind:SPREAD",
    "survey": "airwork.planners.survey.kind:SURVEY",
    "powerline": "airwork.planners.powerline.kind:POWERLINE",
    "delivery": "airwork.planners.delivery.kind:DELIVERY",
}


class UnknownKindError(AirworkError, ValueError):
    """No kind of job has this name."""


@cache
def _plugins() -> dict[str, str]:
    return {ep.name: ep.value for ep in entry_points(group="airwork.kinds")}


def kind_names() -> list[str]:
    """Names of every kind, built-in first."""
    return list(dict.fromkeys([*_KINDS, *_plugins()]))


def register_kind(name: str, target: str | MissionKind) -> None:
    """Register a kind under ``name``: the object, or ``"module:attribute"``."""
    _KINDS[name] = target
    kind.cache_clear()


@cache
def kind(name: str) -> MissionKind:
    """The kind called ``name``.

    Raises
    ------
    UnknownKindError
        With the known names.
    """
    target = _KINDS.get(name) or _plugins().get(name)
    if target is None:
        raise UnknownKindError(f"unknown kind of job {name!r} (known: {', '.join(kind_names())})")
    if isinstance(target, str):
        module, _, attr = target.partition(":")
        target = getattr(importlib.import_module(module), attr)
    if not isinstance(target, MissionKind):
        raise UnknownKindError(f"{name!r} is registered as {target!r}, which is not a MissionKind")
    return target
