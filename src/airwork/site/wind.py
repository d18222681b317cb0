"""Wind: constant, or per altitude band above the ground.

Directions are meteorological: ``from_deg`` is where the wind blows *from*, clockwise from
north (0 = a north wind, blowing towards the south).  The local frame's grid north is taken
as true north (the UTM grid convergence, under 3° inside a zone, is neglected).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from airwork.errors import GeometryError

__all__ = ["MAX_WIND_MPS", "Wind", "parse_wind_band"]

MAX_WIND_MPS = 60.0
"""Strongest wind accepted: beyond hurricane force, no drone flies in it. [m/s]"""


@dataclass(frozen=True)
class Wind:
    """Wind speed and direction, constant or per band of height above ground.

    Attributes
    ----------
    speed_mps : float
        Wind speed when no band is given. [m/s]
    from_deg : float
        Direction the wind blows from, clockwise from north. [°]
    bands : tuple of (top_agl_m, speed_mps, from_deg)
        Wind up to each ``top_agl_m`` [m] (sorted upwards); above the last top the last
        band holds.  Empty: constant wind.
    """

    speed_mps: float = 0.0
    from_deg: float = 0.0
    bands: tuple[tuple[float, float, float], ...] = ()

    def __post_init__(self) -> None:
        speeds = [self.speed_mps, *(b[1] for b in self.bands)]
        bad = [s for s in speeds if not (math.isfinite(s) and 0 <= s <= MAX_WIND_MPS)]
        if bad:
            raise GeometryError(
                f"wind speed {bad[0]!r} must be a finite number of m/s in [0, {MAX_WIND_MPS:g}]"
            )
        dirs = [self.from_deg, *(b[2] for b in self.bands)]
        bad = [d for d in dirs if not math.isfinite(d)]
        if bad:
            raise GeometryError(f"wind direction {bad[0]!r} must be a finite number of °")
        tops = [b[0] for b in self.bands]
        if any(not (math.isfinite(t) and t > 0) for t in tops):
            raise GeometryError(f"wind band tops {tops} must be finite heights > 0 m")
        if tops != sorted(tops):
            object.__setattr__(self, "bands", tuple(sorted(self.bands)))

    @property
    def is_calm(self) -> bool:
        return self.speed_mps == 0 and all(b[1] == 0 for b in self.bands)

    def at(self, agl_m) -> tuple[np.ndarray, np.ndarray]:
        """Speed [m/s] and from-direction [°] at heights above ground [m] (arrays)."""
        h = np.asarray(agl_m, dtype=float)
        if not self.bands:
            return np.full(h.shape, float(self.speed_mps)), np.full(h.shape, float(self.from_deg))
        tops = np.array([b[0] for b in self.bands])
        idx = np.minimum(np.searchsorted(tops, h, side="left"), len(tops) - 1)
        speed = np.array([b[1] for b in self.bands])[idx]
        frm = np.array([b[2] for b in self.bands])[idx]
        return speed, frm

    def velocity_mps(self, agl_m) -> tuple[np.ndarray, np.ndarray]:
        """East and north components of the air's motion. [m/s]"""
        speed, frm = self.at(agl_m)
        rad = np.radians(frm)
        return -speed * np.sin(rad), -speed * np.cos(rad)

    def max_speed_mps(self, agl_m) -> float:
        """Strongest wind over the given heights. [m/s]"""
        speed, _ = self.at(agl_m)
        return float(np.max(speed)) if speed.size else float(self.speed_mps)


def parse_wind_band(text: str) -> tuple[float, float, float]:
    """Parse ``"TOP_M:SPEED_MPS:FROM_DEG"`` (e.g. ``"50:6:270"``) into a band tuple.

    Raises
    ------
    GeometryError
        Not three numbers, or one that is not finite or out of its range (top in
        (0, 10000] m, speed in [0, 60] m/s, from in [0, 360] °); the message names it.
    """
    parts = text.replace(",", ":").split(":")
    try:
        top, speed, frm = (float(p) for p in parts)
    except ValueError:
        raise GeometryError(
            f"--wind-band {text!r}: expected TOP_M:SPEED_MPS:FROM_DEG, e.g. 50:6:270"
        ) from None
    for name, value, lo, hi, unit in (
        ("top", top, 0.0, 10_000.0, "m"),
        ("speed", speed, 0.0, MAX_WIND_MPS, "m/s"),
        ("from", frm, 0.0, 360.0, "°"),
    ):
        low_ok = value > lo if name == "top" else value >= lo
        if not (math.isfinite(value) and low_ok and value <= hi):
            bracket = "(" if name == "top" else "["
            raise GeometryError(
                f"--wind-band {text!r}: {name} {value:g} must be a finite number of {unit} "
                f"in {bracket}{lo:g}, {hi:g}]"
            )
    return top, speed, frm
