"""Safety checks of missions, ours or imported (issue 4).

* :mod:`~airwork.airspace.tracks`: every mission in one array form;
* :mod:`~airwork.airspace.check`: the checker, :func:`~airwork.airspace.check.preflight`;
* :mod:`~airwork.airspace.terrain_follow`: constant height above ground.

Zones, obstacles, terrain and wind are the site's (:mod:`airwork.site`).
"""

from airwork.airspace.check import CheckConfig, CheckReport, Violation, preflight, require_clear

__all__ = ["CheckConfig", "CheckReport", "Violation", "preflight", "require_clear"]
