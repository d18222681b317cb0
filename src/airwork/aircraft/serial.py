"""An aircraft as plain JSON-safe data and back, so a mission carries its whole aircraft.

:func:`aircraft_to_dict` writes every field of the :class:`~airwork.aircraft.model.
Aircraft` and of its components (each component tagged with its type);
:func:`aircraft_from_dict` rebuilds an equal aircraft.  A mission file then says exactly
which aircraft it was planned for, preset or spec-sheet file alike, and a check re-prices
it with that aircraft.
"""

from __future__ import annotations

import dataclasses
import math
from typing import Any

from airwork.aircraft import components
from airwork.aircraft.model import Aircraft
from airwork.errors import AircraftError

__all__ = ["aircraft_from_dict", "aircraft_to_dict"]

_TYPE_KEY = "type"


def _component_types() -> dict[str, type]:
    found = {
        name: obj
        for name, obj in vars(components).items()
        if isinstance(obj, type) and dataclasses.is_dataclass(obj)
    }
    found["Aircraft"] = Aircraft
    return found


def _encode(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {_TYPE_KEY: type(value).__name__}
        for f in dataclasses.fields(value):
            if f.init:
                out[f.name] = _encode(getattr(value, f.name))
        return out
    if isinstance(value, tuple | list):
        return [_encode(v) for v in value]
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else ("inf" if value > 0 else "-inf")
    return value


def _decode(value: Any, types: dict[str, type], where: str) -> Any:
    if isinstance(value, dict) and _TYPE_KEY in value:
        cls = types.get(str(value[_TYPE_KEY]))
        if cls is None:
            raise AircraftError(f"{where}: unknown aircraft component type {value[_TYPE_KEY]!r}")
        fields = {f.name: f for f in dataclasses.fields(cls) if f.init}
        kwargs = {}
        for key, v in value.items():
            if key == _TYPE_KEY:
                continue
            if key not in fields:
                raise AircraftError(f"{where}.{key}: not a field of {cls.__name__}")
            kwargs[key] = _decode(v, types, f"{where}.{key}")
        try:
            return cls(**kwargs)
        except (TypeError, ValueError) as exc:
            raise AircraftError(f"{where}: cannot rebuild {cls.__name__}: {exc}") from None
    if isinstance(value, list):
        return tuple(_decode(v, types, f"{where}[{i}]") for i, v in enumerate(value))
    if value in ("inf", "-inf"):
        return float(value)
    return value


def aircraft_to_dict(aircraft: Aircraft) -> dict[str, Any]:
    """Every field of the aircraft and its components, JSON-safe."""
    return _encode(aircraft)


def aircraft_from_dict(data: dict[str, Any], where: str = "aircraft") -> Aircraft:
    """The aircraft :func:`aircraft_to_dict` wrote.

    Raises
    ------
    AircraftError
        Not an aircraft, an unknown component or field, or impossible values (the message
        names the place, e.g. ``aircraft.battery.energy_wh``).
    """
    if not isinstance(data, dict) or data.get(_TYPE_KEY) != "Aircraft":
        raise AircraftError(f"{where}: not an airwork aircraft description")
    out = _decode(data, _component_types(), where)
    assert isinstance(out, Aircraft)
    return out
