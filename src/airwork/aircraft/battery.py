r"""Lithium battery pack physics: open-circuit voltage, sag under load, cut-off and rate.

Small vectorised functions in SI units (volts, amperes, ohms, ampere-hours, watts,
watt-hours, kelvin).  The model is the Shepherd discharge equation in the form of
Tremblay & Dessaint [1]:

.. math::

    E(q) = E_0 - K \frac{Q}{Q - q} + A\, e^{-B q}, \qquad V = E(q) - R\, i

with :math:`q` the charge drawn [Ah], :math:`Q` the capacity [Ah], :math:`E` the
open-circuit (no-load) voltage and :math:`R` the internal resistance.  The four constants
come from three points of a datasheet discharge curve (fully charged, end of the
exponential zone, end of the nominal zone) by Tremblay & Dessaint's extraction [1, eqs.
5-8].  A drone draws nearly constant *power* from its pack (the ESCs hold thrust while the
voltage sags), so the current is the smaller root of :math:`E i - R i^2 = P` and grows as
the pack empties.  The discharge ends when the terminal voltage reaches the cut-off; at
a higher current that happens earlier (more :math:`R i` drop), so the energy a pack
delivers falls with the power drawn — the rate effect — and :math:`i^2 R` heats the pack
on top.  Internal resistance rises in the cold with an Arrhenius factor [3].

References
----------
.. [1] O. Tremblay and L.-A. Dessaint, "Experimental validation of a battery dynamic model
       for EV applications," *World Electric Vehicle Journal* 3, 289-298 (2009).
.. [2] C. M. Shepherd, "Design of primary and secondary cells II. An equation describing
       battery discharge," *J. Electrochem. Soc.* 112, 657-664 (1965).
.. [3] J. Waag, S. Käbitz and D. U. Sauer, "Experimental investigation of the lithium-ion
       battery impedance characteristic at various conditions and aging states and its
       influence on the application," *Applied Energy* 102, 885-897 (2013).
.. [4] M. Chen and G. A. Rincón-Mora, "Accurate electrical battery model capable of
       predicting runtime and I-V performance," *IEEE Trans. Energy Conversion* 21(2),
       504-511 (2006).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = [
    "CHEMISTRIES",
    "Chemistry",
    "PackTable",
    "constant_power_discharge",
    "current_at_power_a",
    "open_circuit_voltage_v",
    "resistance_temperature_factor",
    "shepherd_constants",
]

T_REF_K = 298.15
"""Reference temperature of catalogue resistances, 25 °C. [K]"""

RESISTANCE_ACTIVATION_K = 2260.0
"""Arrhenius temperature of the DC internal resistance, :math:`R(T) = R_{25}
\\exp(\\theta (1/T - 1/T_{25}))`.  2260 K doubles the resistance from 25 °C to 0 °C, the
order Waag et al. measured on lithium-ion cells between those temperatures [3]. [K]"""


@dataclass(frozen=True)
class Chemistry:
    """Per-cell discharge curve points and typical constants of one chemistry.

    Attributes
    ----------
    name : str
    v_full_v, v_exp_v, v_nom_v : float
        Open-circuit cell voltage fully charged, at the end of the exponential zone and at
        the end of the nominal zone (Tremblay & Dessaint's three points). [V]
    f_exp, f_nom : float
        Depth of discharge at those two points, as a share of capacity. [-]
    v_label_v : float
        The maker's nominal cell voltage: capacity = pack Wh / (cells × this). [V]
    v_cut_v : float
        Terminal cell voltage at which a drone pack is cut off (lands). [V]
    r_ah_ohm : float
        Typical DC internal resistance of one cell times its capacity, so a cell of
        ``c`` Ah has ``r_ah_ohm / c`` ohms. [Ω·Ah]
    """

    name: str
    v_full_v: float
    v_exp_v: float
    f_exp: float
    v_nom_v: float
    f_nom: float
    v_label_v: float
    v_cut_v: float
    r_ah_ohm: float


CHEMISTRIES: dict[str, Chemistry] = {
    # LiCoO2 polymer cells charged to 4.20 V; curve points of a typical 0.2 C datasheet
    # discharge; r_ah 0.035 Ω·Ah (e.g. 3.5 mΩ for a 10 Ah cell): Chen & Rincón-Mora measured
    # 76 mΩ on an 0.85 Ah polymer cell (0.065 Ω·Ah) [4]; high-rate drone cells have about
    # half that.  Cut-off 3.3 V under load.
    "lipo": Chemistry("lipo", 4.20, 3.95, 0.08, 3.70, 0.80, 3.70, 3.30, 0.035),
    # high-voltage LiPo (charged to 4.35-4.40 V, e.g. DJI packs of 3.85 V nominal)
    "lihv": Chemistry("lihv", 4.35, 4.08, 0.08, 3.82, 0.80, 3.85, 3.30, 0.035),
    # cylindrical NMC lithium-ion: lower rate capability (about twice the resistance)
    "li-ion": Chemistry("li-ion", 4.20, 3.95, 0.06, 3.55, 0.80, 3.60, 3.00, 0.070),
}


def shepherd_constants(chem: Chemistry) -> tuple[float, float, float, float]:
    """Shepherd constants of one cell per unit capacity (Q = 1).

    Returns
    -------
    tuple
        ``(E0 [V], K [V], A [V], B [-])`` from Tremblay & Dessaint's extraction [1, eqs.
        5-8] with the resistive term left out (no-load curve):
        :math:`A = V_{full} - V_{exp}`, :math:`B = 3 / Q_{exp}`,
        :math:`K = (V_{full} - V_{nom} + A (e^{-B Q_{nom}} - 1)) (Q - Q_{nom}) / Q_{nom}`,
        :math:`E_0 = V_{full} + K - A`.
    """
    a = chem.v_full_v - chem.v_exp_v
    b = 3.0 / chem.f_exp
    k = (
        (chem.v_full_v - chem.v_nom_v + a * (np.exp(-b * chem.f_nom) - 1.0))
        * (1.0 - chem.f_nom)
        / chem.f_nom
    )
    e0 = chem.v_full_v + k - a
    return e0, k, a, b


def open_circuit_voltage_v(depth, chem: Chemistry, cells=1):
    r"""Open-circuit pack voltage at a depth of discharge.

    Parameters
    ----------
    depth : numeric
        Charge drawn over capacity, :math:`q / Q`, in [0, 1). [-]
    chem : Chemistry
    cells : int
        Cells in series. [-]

    Returns
    -------
    numeric
        :math:`N_s (E_0 - K / (1 - q/Q) + A e^{-B q/Q})` [1, eq. 1]. [V]
    """
    e0, k, a, b = shepherd_constants(chem)
    f = np.clip(np.asarray(depth, dtype=float), 0.0, 1.0 - 1e-9)
    return cells * (e0 - k / (1.0 - f) + a * np.exp(-b * f))


def resistance_temperature_factor(temperature_c=25.0):
    r"""Internal resistance at a temperature over its 25 °C value,
    :math:`\exp(\theta (1/T - 1/298.15))` with :data:`RESISTANCE_ACTIVATION_K` [3]. [-]"""
    t_k = np.asarray(temperature_c, dtype=float) + 273.15
    return np.exp(RESISTANCE_ACTIVATION_K * (1.0 / t_k - 1.0 / T_REF_K))


def current_at_power_a(power_w, ocv_v, resistance_ohm):
    r"""Pack current that delivers ``power_w`` at the terminals.

    The smaller root of :math:`E i - R i^2 = P`:
    :math:`i = (E - \sqrt{E^2 - 4 R P}) / (2 R)`; NaN where :math:`P > E^2 / 4R`, beyond
    the pack's maximum power. [A]
    """
    p = np.asarray(power_w, dtype=float)
    e = np.asarray(ocv_v, dtype=float)
    r = float(resistance_ohm) if np.ndim(resistance_ohm) == 0 else np.asarray(resistance_ohm)
    disc = e * e - 4.0 * r * p
    with np.errstate(invalid="ignore"):
        root = np.sqrt(disc)
    # 2P / (E + sqrt(.)) is the same root without cancellation at small R P
    return np.where(disc >= 0, 2.0 * p / (e + np.where(disc >= 0, root, 0.0)), np.nan)


def constant_power_discharge(
    power_w, capacity_ah, resistance_ohm, chem: Chemistry, cells, *, v_min_v=None, steps=400
):
    r"""Time and energy a pack delivers at constant terminal power, down to cut-off.

    Integrates :math:`dt = dq / i(q)` with :math:`i` from :func:`current_at_power_a` over
    the Shepherd curve until the terminal voltage :math:`E(q) - R i` falls to the cut-off
    (``cells × v_cut_v``, or ``v_min_v`` where higher) or the power can no longer be
    delivered.

    Parameters
    ----------
    power_w : array_like
        Constant terminal power, shape (n,). [W]
    capacity_ah : float or array_like
        Pack capacity; an array of shape (n,) gives one pack per power (many designs at
        once). [Ah]
    resistance_ohm : float or array_like
        Pack DC internal resistance, scalar or shape (n,). [Ω]
    chem : Chemistry
    cells : int or array_like
        Cells in series, scalar or shape (n,).
    v_min_v : array_like, optional
        A higher minimum terminal voltage per power (e.g. for thrust margin). [V]
    steps : int
        Integration steps over the capacity.

    Returns
    -------
    tuple of numpy.ndarray
        ``(time_h, energy_wh, depth_end)``: endurance [h], energy delivered at the terminals
        [Wh] and depth of discharge at the end [-], each of shape (n,).
    """
    p = np.atleast_1d(np.asarray(power_w, dtype=float))[:, None]
    f = np.linspace(0.0, 1.0 - 1e-4, steps)
    if np.ndim(cells):  # one pack per power: parameters as columns
        cells = np.asarray(cells, dtype=float)[:, None]
    if np.ndim(resistance_ohm):
        resistance_ohm = np.asarray(resistance_ohm, dtype=float)[:, None]
    e = np.atleast_2d(open_circuit_voltage_v(f, chem, cells))
    i = current_at_power_a(p, e, resistance_ohm)
    v_term = e - resistance_ohm * np.where(np.isnan(i), 0.0, i)
    v_cut = cells * chem.v_cut_v
    if v_min_v is not None:
        v_cut = np.maximum(v_cut, np.atleast_1d(np.asarray(v_min_v, dtype=float))[:, None])
    ok = np.isfinite(i) & (v_term >= v_cut) & (i > 0)
    # the discharge runs while ok holds from the start: first failure ends it
    alive = np.logical_and.accumulate(ok, axis=1)
    inv_i = np.where(alive, 1.0 / np.where(alive, i, 1.0), 0.0)
    df = f[1] - f[0]
    # trapezoid over consecutive alive points (a half step where the run ends)
    seg = 0.5 * (inv_i[:, 1:] + inv_i[:, :-1]) * alive[:, 1:]
    time_h = capacity_ah * df * seg.sum(axis=1)
    depth_end = f[np.maximum(alive.sum(axis=1) - 1, 0)]
    return time_h, p[:, 0] * time_h, depth_end


class PackTable:
    """Constant-power discharge of one pack set, tabulated for fast vectorised look-ups.

    ``energy_wh(p)`` is the terminal energy the packs deliver at constant power ``p``
    before cut-off, ``usable_wh`` its low-power limit (the usable energy), and
    ``budget_factor(p) = usable_wh / energy_wh(p)`` the share of the usable budget one
    terminal watt-hour drawn at ``p`` takes: >= 1, growing with power (rate effect and
    :math:`i^2 R`).  Mixed-power flights add these shares, the fractional-depletion rule
    behind Peukert-type endurance sums (e.g. Traub, *J. Aircraft* 48(2), 2011).

    Parameters
    ----------
    capacity_ah, resistance_ohm, chem, cells
        As :func:`constant_power_discharge`.
    power_max_w : float
        Largest power tabulated. [W]
    v_min_of_power : callable, optional
        Minimum terminal voltage as a function of power (thrust margin). [V]
    """

    def __init__(
        self, capacity_ah, resistance_ohm, chem: Chemistry, cells, power_max_w, v_min_of_power=None
    ):
        e_nom = capacity_ah * cells * chem.v_label_v
        p_lo = 1e-4 * e_nom
        self.power_w = np.geomspace(p_lo, max(power_max_w, 2.0 * p_lo), 96)
        v_min = None if v_min_of_power is None else v_min_of_power(self.power_w)
        t_h, w_wh, depth = constant_power_discharge(
            self.power_w, capacity_ah, resistance_ohm, chem, cells, v_min_v=v_min
        )
        self.time_h = t_h
        self.depth_end = depth
        self.usable_wh = float(w_wh[0])
        # a power the pack cannot deliver at all costs the whole budget at once
        self.energy_wh = np.maximum(w_wh, 1e-6 * self.usable_wh)
        self._factor = self.usable_wh / self.energy_wh

    def budget_factor(self, power_w):
        """Usable-budget Wh per terminal Wh at ``power_w`` (>= 1; held at the table's
        ends outside it). [-]"""
        return np.interp(power_w, self.power_w, self._factor)

    def delivered_wh(self, power_w):
        """Terminal energy delivered at constant ``power_w`` before cut-off. [Wh]"""
        return self.usable_wh / self.budget_factor(power_w)
