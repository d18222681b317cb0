"""The air a job flies in: the site's elevation and temperature, and the density they give.

Rotor power and thrust depend on air density (:mod:`airwork.aircraft.physics`): hover power
goes as :math:`\\rho^{-1/2}` at a given weight and a fixed-pitch rotor's top thrust as
:math:`\\rho`, so a field at 2,000 m on a 30 °C day (0.91 kg/m³) needs about 16 % more
power than at sea level in the standard atmosphere (1.225 kg/m³), and its rotors lift 25 %
less.

:func:`job_air` decides the air once per job, from what the job gives, in this order:

* the ground elevation: ``elevation_m`` as given, else the median ground of the DEM under
  the site's features, else sea level;
* the temperature: ``air_temperature_c`` as given, else the ISA temperature at that
  elevation (15 °C less 6.5 K per km [1]);
* the density: the ICAO standard atmosphere's pressure at the elevation with that
  temperature (:func:`~airwork.aircraft.physics.air_density_kgpm3`).

A given air temperature is also the packs' temperature (their internal resistance rises
in the cold, :mod:`airwork.aircraft.battery`): packs warm up in flight, so this is the
cautious choice.

References
----------
[1] ICAO Doc 7488/3, Manual of the ICAO Standard Atmosphere, 1993.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely

from airwork.aircraft import physics
from airwork.aircraft.model import Aircraft

__all__ = ["Air", "isa_temperature_c", "job_air", "terrain_elevation_m"]

ISA_SEA_LEVEL_C = 15.0
"""ISA temperature at mean sea level [1]. [°C]"""
ISA_LAPSE_K_PER_M = 0.0065
"""ISA temperature lapse rate in the troposphere [1]. [K/m]"""


@dataclass(frozen=True)
class Air:
    """The air of a job.

    Attributes
    ----------
    elevation_m : float
        Ground elevation above mean sea level. [m]
    temperature_c : float
        Air temperature. [°C]
    temperature_given : bool
        The job gave the temperature (else ISA at the elevation); packs then fly at it.
    elevation_from : str
        Where the elevation comes from: ``given``, ``DEM``, ``ground`` (a flat ground's
        elevation) or ``sea level`` (none given).
    """

    elevation_m: float = 0.0
    temperature_c: float = ISA_SEA_LEVEL_C
    temperature_given: bool = False
    elevation_from: str = "sea level"

    @property
    def is_standard(self) -> bool:
        """Sea level at the ISA temperature: the air aircraft are rated in (nothing given)."""
        return self.elevation_m == 0.0 and not self.temperature_given

    @property
    def density_kgpm3(self) -> float:
        """Density of this air. [kg/m³]"""
        offset = self.temperature_c - isa_temperature_c(self.elevation_m)
        return float(physics.air_density_kgpm3(self.elevation_m, offset))

    def fly(self, aircraft: Aircraft) -> Aircraft:
        """The aircraft in this air (and at its temperature, when the job gave one)."""
        out = aircraft.in_air(self.density_kgpm3)
        return out.with_temperature(self.temperature_c) if self.temperature_given else out

    def record(self) -> dict[str, Any]:
        """What a mission file keeps of it (``airwork.planned_air``)."""
        return {
            "elevation_m": round(self.elevation_m, 1),
            "elevation_from": self.elevation_from,
            "temperature_c": round(self.temperature_c, 1),
            "temperature_given": self.temperature_given,
            "density_kgpm3": round(self.density_kgpm3, 4),
        }

    def describe(self) -> str:
        """One line: ``air 1.007 kg/m³ (ground 2000 m from the DEM, ISA 2.0 °C)``."""
        where = {"given": "", "ground": "", "DEM": " from the DEM"}.get(
            self.elevation_from, " (sea level)"
        )
        temp = "" if self.temperature_given else "ISA "
        return (
            f"air {self.density_kgpm3:.3f} kg/m³ (ground {self.elevation_m:.0f} m{where}, "
            f"{temp}{self.temperature_c:.1f} °C)"
        )


def isa_temperature_c(elevation_m: float) -> float:
    """ISA temperature at an elevation in the troposphere [1]. [°C]"""
    return ISA_SEA_LEVEL_C - ISA_LAPSE_K_PER_M * float(elevation_m)


def terrain_elevation_m(terrain, geometries) -> float | None:
    """Median ground elevation of a DEM at the vertices of the site's geometries (local
    metres); ``None`` where there is no DEM or it covers none of them. [m]"""
    if terrain is None or not geometries:
        return None
    xy = shapely.get_coordinates(np.asarray(list(geometries), dtype=object))
    if len(xy) == 0:
        return None
    x, y = xy[:, 0], xy[:, 1]
    covered = np.asarray(terrain.covers(x, y), dtype=bool)
    if not covered.any():
        return None
    z = np.asarray(terrain.elevation_m(x[covered], y[covered]), dtype=float)
    z = z[np.isfinite(z)]
    return float(np.median(z)) if len(z) else None


def job_air(
    elevation_m: float | None, temperature_c: float | None, terrain=None, geometries=()
) -> Air:
    """The air of a job from what it gives (see the module docstring)."""
    if elevation_m is not None:
        h, source = float(elevation_m), "given"
    else:
        dem = terrain_elevation_m(terrain, geometries)
        label = "ground" if getattr(terrain, "is_flat", False) else "DEM"
        h, source = (dem, label) if dem is not None else (0.0, "sea level")
    given = temperature_c is not None
    t = float(temperature_c) if given else isa_temperature_c(h)
    return Air(elevation_m=h, temperature_c=t, temperature_given=given, elevation_from=source)
