"""What the user sets for a delivery plan: how to fly, how long to search, what to minimise."""

from __future__ import annotations

import math
from dataclasses import dataclass, field

__all__ = ["DeliveryParams", "DeliveryWeights"]


@dataclass(frozen=True)
class DeliveryWeights:
    r"""Weights of the objective PyVRP minimises (any consistent cost unit).

    Attributes
    ----------
    drone : float
        Per drone used in the day (fleet size).  PyVRP routes trips, not drones, so the
        fleet enters its objective through the busy-time bound on the drones a hub needs,
        :math:`n \ge \sum_r (T_r + t_{swap}) / (T_{open} + t_{swap})` with :math:`T_r` a
        trip's duration and :math:`T_{open}` the hub's planning horizon: each trip is
        charged ``drone`` × its share of a drone-day, ``(T_r + t_swap) / (T_open + t_swap)``.
        The drones actually used are then minimised by the assignment of trips to drones.
    trip : float
        Per trip (battery cycle, parcel handling).
    flight_hour : float
        Per hour of flight time (including hovering waits).
    energy_kwh : float
        Per kWh of the conservative energy estimate.
    unserved : float
        Per order left unserved (large: serve everything that can be served).
    late_hour : float
        Per hour of lateness, with ``DeliveryParams.late_tolerance_s`` > 0.  PyVRP has hard
        time windows only, so lateness is priced in steps (:func:`late_tiers`): an order is
        offered as mutually exclusive visits, on time or late within one of three tiers of
        the tolerance, each at the lateness in its middle.  The exact lateness is reported.
    """

    drone: float = 100.0
    trip: float = 5.0
    flight_hour: float = 30.0
    energy_kwh: float = 20.0
    unserved: float = 10_000.0
    late_hour: float = 100.0

    def __post_init__(self) -> None:
        for k in ("drone", "trip", "flight_hour", "energy_kwh", "unserved", "late_hour"):
            v = getattr(self, k)
            if not (math.isfinite(v) and v >= 0):
                raise ValueError(f"weight {k} must be >= 0 and finite, got {v}")


@dataclass(frozen=True)
class DeliveryParams:
    """How to fly and how long to search.

    Attributes
    ----------
    cruise_alt_m : float
        Cruise altitude above take-off. [m]
    speed_mps : float or None
        Airspeed of every fleet type; default the slowest type's cruise speed. [m/s]
    wind_speed_mps : float
        [m/s]
    wind_from_deg : float
        Direction the wind blows from, clockwise from north. [°]
    clearance_m : float
        Distance kept from no-fly zones. [m]
    winch_alt_m : float
        Hover height of a winch drop (at most the winch length less 1 m). [m]
    winch_rate_mps : float
        Line speed of the winch, paying out and winding in, for a cargo bay that does not
        give its own: ArduPilot's ``WINCH_RATE_MAX`` default (``AP_Winch``), the rate of
        the SITL reference flights. [m/s]
    winch_settle_s : float
        Time the winch takes beyond ``line / rate`` to reach its length: ArduPilot's winch
        slows down proportionally (``WINCH_POS_P`` 1/s) within ``rate / P`` = 1 m of the
        target, which to 5 cm takes (ln 20 − 1)/P ≈ 2 s more; in the SITL flight
        ``deliv02_payload`` 12 m of line took 13.2 s at 1 m/s to reach 11.9 m. [s]
    release_s : float
        Time the parcel release takes, for a cargo bay that does not give its own:
        ArduPilot's servo gripper allows 0.5 s for the servo to move
        (``SERVO_ACTUATION_TIME``, ``AP_Gripper_Servo.h``). [s]
    start_s : float or None
        Planning start ("now"); windows closing before it are unserved.  Default the first
        hub opening. [s of day]
    late_tolerance_s : float
        Arrival allowed this long after an order's latest time (reported as late). [s]
    runtime_s : float
        PyVRP search time (wall clock: a slower or busier machine searches less). [s]
    iterations : int or None
        If set, PyVRP stops after this many iterations instead of after ``runtime_s``: the
        plan then depends only on the input and ``seed``, not on the machine's speed. [-]
    seed : int
    reserve_frac : float or None
        Landing reserve for every type (default each aircraft's own). [-]
    weights : DeliveryWeights
    """

    cruise_alt_m: float = 60.0
    speed_mps: float | None = None
    wind_speed_mps: float = 0.0
    wind_from_deg: float = 0.0
    clearance_m: float = 30.0
    winch_alt_m: float = 12.0
    winch_rate_mps: float = 1.0
    winch_settle_s: float = 2.0
    release_s: float = 0.5
    start_s: float | None = None
    late_tolerance_s: float = 0.0
    runtime_s: float = 10.0
    iterations: int | None = None
    seed: int = 0
    reserve_frac: float | None = None
    weights: DeliveryWeights = field(default_factory=DeliveryWeights)

    def __post_init__(self) -> None:
        if not 5.0 <= self.cruise_alt_m <= 120.0:
            raise ValueError(f"cruise_alt_m must be in [5, 120] m, got {self.cruise_alt_m}")
        if self.speed_mps is not None and not self.speed_mps > 0:
            raise ValueError(f"speed_mps must be > 0, got {self.speed_mps}")
        if not (self.wind_speed_mps >= 0 and math.isfinite(self.wind_speed_mps)):
            raise ValueError(f"wind_speed_mps must be >= 0, got {self.wind_speed_mps}")
        if self.clearance_m < 0:
            raise ValueError(f"clearance_m must be >= 0, got {self.clearance_m}")
        if not 1.0 <= self.winch_alt_m < self.cruise_alt_m:
            raise ValueError(f"winch_alt_m must be in [1, cruise_alt_m), got {self.winch_alt_m}")
        if not (self.winch_rate_mps > 0 and math.isfinite(self.winch_rate_mps)):
            raise ValueError(f"winch_rate_mps must be > 0, got {self.winch_rate_mps}")
        if not (self.winch_settle_s >= 0 and self.release_s >= 0):
            raise ValueError("winch_settle_s and release_s must be >= 0")
        if self.late_tolerance_s < 0:
            raise ValueError("late_tolerance_s must be >= 0")
        if not self.runtime_s > 0:
            raise ValueError(f"runtime_s must be > 0, got {self.runtime_s}")
        if self.iterations is not None and self.iterations < 1:
            raise ValueError(f"iterations must be >= 1, got {self.iterations}")
