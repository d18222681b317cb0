r"""Per-airframe calibration fitted from flown logs.

Two factors, both stored in :class:`~airwork.aircraft.model.Calibration`:

* **power factor** :math:`k_P`: the least-squares ratio of measured battery power
  :math:`V I` to the model's terminal power for the flown speed, climb and mass,
  :math:`k_P = \sum P_{meas} P_{mod} / \sum P_{mod}^2`, over airborne samples.
* **energy factor** :math:`k_E`: the pack's real capacity over the model's.  Each sample's
  open-circuit voltage :math:`V + R I` is read on the model's discharge curve
  (:func:`~airwork.aircraft.battery.open_circuit_voltage_v`) as a depth of discharge
  :math:`f`; the charge drawn since the start of the log, :math:`q = \int I\,dt`, then
  follows :math:`f = f_0 + q / (k_E Q)`; :math:`f_0` and :math:`k_E` are fitted by least
  squares on the voltage, :math:`E(f_0 + q / (k_E Q)) = V + R I`.
  A log that does not cover at least 20 % of the pack leaves :math:`k_E = 1`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares

from airwork.aircraft.battery import open_circuit_voltage_v
from airwork.aircraft.model import Aircraft, Calibration
from airwork.errors import AircraftError
from airwork.flightlog import FlightLog

__all__ = ["CalibrationFit", "fit_calibration"]

_MIN_DEPTH_SPAN = 0.2


@dataclass(frozen=True)
class CalibrationFit:
    """The fitted calibration with what it rests on.

    Attributes
    ----------
    calibration : Calibration
    samples : int
        Airborne samples used for the power factor.
    power_rms_frac : float
        RMS of measured over calibrated model power, less 1. [-]
    depth_span : float
        Depth of discharge the logs covered (energy factor needs >= 0.2). [-]
    per_log : tuple
        ``(name, power_factor, energy_factor or None)`` per log.
    """

    calibration: Calibration
    samples: int
    power_rms_frac: float
    depth_span: float
    per_log: tuple[tuple[str, float, float | None], ...]


def _depth_of_ocv(aircraft: Aircraft, ocv_v: np.ndarray) -> np.ndarray:
    f = np.linspace(0.0, 0.99, 2000)
    e = open_circuit_voltage_v(f, aircraft._chem, aircraft._cells)
    return np.interp(ocv_v, e[::-1], f[::-1])  # e falls with f


def _energy_factor(aircraft: Aircraft, log: FlightLog) -> tuple[float | None, float]:
    ocv = log.voltage_v + aircraft.pack_resistance_ohm * log.current_a
    depth = _depth_of_ocv(aircraft, ocv)
    dt = np.diff(log.time_s)
    q_ah = np.concatenate([[0.0], np.cumsum(0.5 * (log.current_a[1:] + log.current_a[:-1]) * dt)])
    q_ah /= 3600.0
    use = (depth > 0.05) & (depth < 0.9) & (log.current_a > 0)
    if use.sum() < 10:
        return None, 0.0
    # the share of the pack the log covers, from the charge drawn (robust to noise)
    span = float((q_ah[use].max() - q_ah[use].min()) / aircraft._capacity_ah)
    if span < _MIN_DEPTH_SPAN:
        return None, span
    # first guess: depth = f0 + q / (k Q) by a straight line; then the same law fitted in
    # voltage, where the measurement noise is (unbiased by the curve's flat middle)
    slope, f0 = np.polyfit(q_ah[use], depth[use], 1)
    cap = aircraft._capacity_ah

    def residual(x):
        f = np.clip(x[0] + q_ah[use] / (x[1] * cap), 0.0, 0.995)
        return open_circuit_voltage_v(f, aircraft._chem, aircraft._cells) - ocv[use]

    k0 = float(np.clip(1.0 / (slope * cap), 0.31, 2.9))
    res = least_squares(residual, [float(np.clip(f0, 0.0, 0.5)), k0], bounds=([0, 0.3], [0.5, 3]))
    return float(res.x[1]), span


def fit_calibration(
    aircraft: Aircraft, logs: Sequence[FlightLog], payload_kg: float = 0.0
) -> CalibrationFit:
    """Fit the power and energy factors of ``aircraft`` from flown logs.

    Parameters
    ----------
    aircraft : Aircraft
        The model to correct (an existing calibration is ignored).
    logs : sequence of FlightLog
    payload_kg : float
        Payload flown in the logs. [kg]

    Raises
    ------
    AircraftError
        No airborne samples, or a fit outside the calibration's range.
    """
    base = aircraft.with_calibration(None)
    base.check_payload(payload_kg)
    meas_all, mod_all, per_log, spans, energy = [], [], [], [], []
    for log in logs:
        air = log.airborne() & np.isfinite(log.speed_mps) & np.isfinite(log.climb_mps)
        air &= log.current_a > 0
        if air.sum() < 10:
            raise AircraftError(f"{log.name}: fewer than 10 airborne battery samples to fit")
        meas = log.power_w[air]
        mod = base.flight_power_w(payload_kg, log.speed_mps[air], log.climb_mps[air])
        kp = float(np.sum(meas * mod) / np.sum(mod * mod))
        ke, span = _energy_factor(base, log)
        meas_all.append(meas)
        mod_all.append(mod)
        per_log.append((log.name, kp, ke))
        spans.append(span)
        if ke is not None:
            energy.append((ke, span))
    meas = np.concatenate(meas_all)
    mod = np.concatenate(mod_all)
    kp = float(np.sum(meas * mod) / np.sum(mod * mod))
    ke = 1.0
    if energy:
        ke = float(np.average([k for k, _ in energy], weights=[w for _, w in energy]))
    cal = Calibration(
        power_factor=kp,
        energy_factor=ke,
        flights=len(logs),
        source=", ".join(log.name for log in logs),
    )
    rms = float(np.sqrt(np.mean((meas / (kp * mod) - 1.0) ** 2)))
    return CalibrationFit(cal, len(meas), rms, float(max(spans)), tuple(per_log))
