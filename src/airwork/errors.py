"""Error and warning classes shared by every airwork package.

Each error also inherits the matching built-in (as rasterio does), so callers may catch
either the airwork class or, for example, ``ValueError``.  Messages name the object, the
place, the rule and the actual value.
"""

from __future__ import annotations

__all__ = [
    "AircraftError",
    "AirworkError",
    "AirworkWarning",
    "BudgetError",
    "CRSError",
    "ExportError",
    "GeometryError",
    "InfeasibleMissionError",
    "InputFileError",
    "MissionFileError",
]


class AirworkError(Exception):
    """Root of every error airwork raises on purpose."""


class InputFileError(AirworkError, OSError):
    """An input file is missing, empty, unreadable or of an unsupported kind."""


class GeometryError(AirworkError, ValueError):
    """Input geometry is broken, empty, of the wrong type or out of a sane range."""


class CRSError(AirworkError, ValueError):
    """A coordinate reference system is missing, wrong, or coordinates look swapped."""


class AircraftError(AirworkError, ValueError):
    """An aircraft description is impossible or a request exceeds its limits."""


class InfeasibleMissionError(AirworkError, ValueError):
    """No mission can satisfy the constraints (battery, tank, geometry)."""


class ExportError(AirworkError, ValueError):
    """A mission cannot be written in the requested format."""


class MissionFileError(AirworkError, ValueError):
    """A mission file (.plan, .waypoints) is malformed."""


class BudgetError(AirworkError, ValueError):
    """A job would need more work or memory than airwork allows (a resolution too fine for
    the size of the job); refused before the work starts."""


class AirworkWarning(UserWarning):
    """Something was accepted but deserves the user's attention."""
