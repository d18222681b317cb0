"""Airspace, terrain and safety checks for missions, ours or imported (issue 4).

* :mod:`~airwork.airspace.zones`: geofences, no-fly zones, tall obstacles and their readers;
  :func:`~airwork.airspace.zones.blocking_zones` for the shared path-finder;
* :mod:`~airwork.airspace.terrain`: DEM (rasterio, bilinear) or flat ground;
* :mod:`~airwork.airspace.wind`: constant or banded wind;
* :mod:`~airwork.airspace.tracks`: every mission in one array form;
* :mod:`~airwork.airspace.check`: the checker, :func:`~airwork.airspace.check.preflight`;
* :mod:`~airwork.airspace.terrain_follow`: constant height above ground.
"""

from airwork.airspace.check import CheckConfig, CheckReport, Violation, preflight, require_clear

__all__ = ["CheckConfig", "CheckReport", "Violation", "preflight", "require_clear"]
