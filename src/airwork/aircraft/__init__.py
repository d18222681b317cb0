"""Aircraft: shared component catalogue, aircraft models and performance physics."""

from airwork.aircraft.catalogue import (
    AircraftSpec,
    aircraft_from_spec,
    catalogue,
    load_aircraft,
    preset_names,
)
from airwork.aircraft.model import Aircraft, Calibration, LegPerformance, Performance

__all__ = [
    "Aircraft",
    "AircraftSpec",
    "Calibration",
    "LegPerformance",
    "Performance",
    "aircraft_from_spec",
    "catalogue",
    "load_aircraft",
    "preset_names",
]
