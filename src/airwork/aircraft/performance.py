"""What the aircraft model reports: :class:`Performance` (``airwork aircraft perf``) and
:class:`LegPerformance` (time and energy of flight legs)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["LegPerformance", "Performance"]


@dataclass(frozen=True)
class Performance:
    """Summary performance at one payload (``airwork aircraft perf``).

    Powers are electrical, drawn from the usable energy (terminal power times the pack's
    budget factor); ``hover_terminal_power_w`` is at the pack terminals. [W]; times [min];
    distances [km]; speeds [m/s].
    ``endurance_min`` and ``range_km`` are at ``speed_mps`` and use usable energy less the
    landing reserve; the ``hover_endurance_min`` is spec-sheet style (no reserve).
    ``pack_voltage_hover_v`` is the terminal voltage in hover at half charge [V];
    ``thrust_margin`` the maximum thrust over weight where motor data give it (else None);
    ``air_density_kgpm3`` the air it flies in [kg/m³]; ``warnings`` say what is marginal.
    """

    aircraft: str
    payload_kg: float
    takeoff_mass_kg: float
    speed_mps: float
    hover_power_w: float
    hover_endurance_min: float
    forward_power_w: float
    endurance_min: float
    range_km: float
    best_endurance_speed_mps: float
    best_range_speed_mps: float
    usable_energy_wh: float
    reserve_energy_wh: float
    reserve_frac: float = 0.2
    temperature_c: float = 25.0
    air_density_kgpm3: float = 1.225
    hover_terminal_power_w: float = 0.0
    pack_voltage_hover_v: float = 0.0
    pack_current_hover_a: float = 0.0
    figure_of_merit: float = 0.0
    drive_efficiency_hover: float = 0.0
    thrust_margin: float | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True)
class LegPerformance:
    """Time [s] and energy [Wh] of flight legs (arrays of the inputs' shape).

    ``energy_wh`` is what the legs take out of the usable budget (battery losses
    included); ``power_w`` is that energy over the leg's time. [W]
    """

    time_s: np.ndarray
    energy_wh: np.ndarray
    power_w: np.ndarray
