r"""Rotor and drive-train losses that depend on size and load.

Small vectorised functions in SI units.

* **Figure of merit from blade loading and Reynolds number.**  Blade-element momentum
  theory gives the hover figure of merit of a rotor with uniform profile drag as
  :math:`FM = 1 / (\kappa + \sqrt{2}\, C_{d0} / (8 \sqrt{\sigma} (C_T/\sigma)^{3/2}))`
  [1, eq. 2.47 with :math:`C_T = \sigma (C_T/\sigma)`]: it rises with blade loading
  :math:`C_T/\sigma` and falls with the blade's profile drag :math:`C_{d0}`.  The drag
  grows as the chord Reynolds number falls: like turbulent skin friction,
  :math:`C_{d0} \propto Re^{-1/5}` [2, ch. 21], down to the critical Reynolds number of
  about :math:`7 \cdot 10^4`-:math:`10^5` below which laminar separation bubbles make
  airfoils lose performance fast [5], [6] (taken as :math:`C_{d0} \propto Re^{-1}`
  there).  That is why small UAV rotors reach FM 0.5-0.65 while full-size rotors reach
  0.7-0.8 [1, §2.3.6].  A fixed-pitch propeller keeps its :math:`C_T/\sigma` when it
  speeds up for more thrust (:math:`T \propto \Omega^2`), so its FM changes with load only
  through the Reynolds number.
* **Motor and ESC efficiency from a first-order DC motor model** (Drela [3]): losses are a
  no-load part :math:`I_0 V` and a copper part :math:`I^2 R_m`.  With the shaft power as a
  fraction :math:`x` of the drive's maximum, the motor efficiency is
  :math:`\eta_m = x / (x + a + b x^2)` with :math:`a` the no-load loss and :math:`b` the
  copper loss at full power, both as shares of maximum power; it peaks at
  :math:`x = \sqrt{a/b}` and falls at light load (no-load losses) and towards the thrust
  limit (copper losses grow with current squared).

References
----------
.. [1] J. G. Leishman, *Principles of Helicopter Aerodynamics*, 2nd ed., Cambridge
       University Press, 2006.
.. [2] H. Schlichting and K. Gersten, *Boundary-Layer Theory*, 8th ed., Springer, 2000.
.. [3] M. Drela, "First-order DC electric motor model," MIT Aero & Astro, 2007
       (http://web.mit.edu/drela/Public/web/qprop/motor1_theory.pdf).
.. [4] ArduPilot Copter documentation, "Hover Throttle" (``MOT_THST_HOVER``): hover
       throttle "is usually between 0.2 and 0.6".
.. [5] P. B. S. Lissaman, "Low-Reynolds-number airfoils," *Annual Review of Fluid
       Mechanics* 15, 223-239 (1983).
.. [6] T. J. Mueller and J. D. DeLaurier, "Aerodynamics of small vehicles," *Annual Review
       of Fluid Mechanics* 35, 89-111 (2003).
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "BLADE_LOADING",
    "CD0_AT_RE_REF",
    "ESC_EFFICIENCY",
    "KINEMATIC_VISCOSITY_M2PS",
    "MIN_THRUST_TO_WEIGHT",
    "MOTOR_COPPER_LOSS",
    "MOTOR_NO_LOAD_LOSS",
    "RE_CRITICAL",
    "RE_REF",
    "SOLIDITY",
    "THRUST_TO_WEIGHT_AT_MTOM",
    "chord_reynolds",
    "design_tip_speed_mps",
    "figure_of_merit",
    "motor_efficiency",
    "motor_loss_shares",
    "profile_drag_coefficient",
]

KINEMATIC_VISCOSITY_M2PS = 1.46e-5
"""Kinematic viscosity of ISA sea-level air. [m² s⁻¹]"""

SOLIDITY = 0.08
"""Default rotor solidity :math:`\\sigma = N_b c / (\\pi R)` of a two-blade drone
propeller (chord about 12.5 % of the radius). [-]"""

BLADE_LOADING = 0.10
"""Default hover blade loading :math:`C_T/\\sigma` at the maximum take-off mass; rotors are
designed for 0.08-0.12, where the blade works well below stall [1, §2.6]. [-]"""

RE_REF = 1.0e5
"""Reference chord Reynolds number of :data:`CD0_AT_RE_REF`. [-]"""

RE_CRITICAL = 8.0e4
"""Critical chord Reynolds number below which laminar separation raises the drag steeply
(Lissaman [5]: about 7·10⁴; Mueller & DeLaurier [6]). [-]"""

CD0_AT_RE_REF = 0.030
"""Effective blade profile drag coefficient at :data:`RE_REF`.  With the default blade
loading and solidity it gives FM 0.57 at Re 10⁵ and 0.47 at 5·10⁴ (small UAV
propellers: 0.5-0.65) and 0.69 at Re 3·10⁶ (full-size rotors: 0.7-0.8) [1, §2.3.6]; the
value was chosen in that range and checked against the published hover times of
``docs/validation.md`` (a shared constant, no aircraft has its own). [-]"""

MOTOR_NO_LOAD_LOSS = 0.02
"""Default no-load loss :math:`I_0 V` as a share of the drive's maximum power (Drela's
model [3]; 2 % fits the no-load current of outrunner motors, a few per cent of the rated
current). [-]"""

MOTOR_COPPER_LOSS = 0.12
"""Default copper loss :math:`I_{max}^2 R_m` as a share of maximum power (a motor that is
about 88 % efficient at full throttle, 91 % at its best point, Drela's model [3]). [-]"""

ESC_EFFICIENCY = 0.95
"""Electronic speed controller efficiency (switching and conduction losses). [-]"""

THRUST_TO_WEIGHT_AT_MTOM = 2.0
"""Default maximum thrust over weight at the maximum take-off mass when no motor data are
given (the usual 2:1 design rule; Freefly publishes 1.85 for the Alta 8 Pro). [-]"""

MIN_THRUST_TO_WEIGHT = 1.0 / 0.6
"""Least thrust margin left for control: ArduPilot's hover throttle is "usually between
0.2 and 0.6" [4]; with linearised thrust a hover at 0.6 leaves T_max/W = 1.67. [-]"""


def design_tip_speed_mps(
    disk_loading_npm2, air_density_kgpm3=1.225, solidity=SOLIDITY, blade_loading=BLADE_LOADING
):
    r"""Hover tip speed at which a rotor carries its disk loading at the design blade
    loading: :math:`\Omega R = \sqrt{(T/A) / (\rho \sigma (C_T/\sigma))}` (definition of
    :math:`C_T = T / (\rho A (\Omega R)^2)`, [1, eq. 2.5]). [m/s]"""
    dl = np.asarray(disk_loading_npm2, dtype=float)
    return np.sqrt(dl / (air_density_kgpm3 * solidity * blade_loading))


def chord_reynolds(tip_speed_mps, rotor_diameter_m, solidity=SOLIDITY, blades=2):
    r"""Chord Reynolds number at 75 % radius, :math:`Re = 0.75\, \Omega R\, c / \nu` with
    chord :math:`c = \sigma \pi R / N_b`. [-]"""
    r = 0.5 * np.asarray(rotor_diameter_m, dtype=float)
    chord = solidity * np.pi * r / blades
    return 0.75 * np.asarray(tip_speed_mps, dtype=float) * chord / KINEMATIC_VISCOSITY_M2PS


def profile_drag_coefficient(
    reynolds, cd0_ref=CD0_AT_RE_REF, re_ref=RE_REF, re_critical=RE_CRITICAL
):
    r"""Blade profile drag against chord Reynolds number [-]:
    :math:`C_{d0} = C_{d0,ref} (Re / Re_{ref})^{-1/5}` above :math:`Re_c` (turbulent skin
    friction [2]) and :math:`C_{d0}(Re_c)\, (Re / Re_c)^{-1}` below it (laminar
    separation [5], [6])."""
    re = np.asarray(reynolds, dtype=float)
    turbulent = cd0_ref * (re / re_ref) ** -0.2
    at_critical = cd0_ref * (re_critical / re_ref) ** -0.2
    return np.where(re >= re_critical, turbulent, at_critical * re_critical / np.maximum(re, 1.0))


def figure_of_merit(cd0, induced_factor=1.15, solidity=SOLIDITY, blade_loading=BLADE_LOADING):
    r"""Hover figure of merit from blade-element momentum theory,
    :math:`FM = 1 / (\kappa + \sqrt{2}\, C_{d0} / (8 \sqrt{\sigma} (C_T/\sigma)^{3/2}))`
    [1, eq. 2.47]. [-]"""
    profile = np.sqrt(2.0) * np.asarray(cd0, dtype=float)
    profile = profile / (8.0 * np.sqrt(solidity) * blade_loading**1.5)
    return 1.0 / (induced_factor + profile)


def motor_loss_shares(kv_rpm_per_v, resistance_ohm, no_load_current_a, voltage_v, power_max_w):
    r"""Loss shares ``(a, b)`` of one motor from its constants (Drela [3]).

    :math:`a = I_0 V / P_{max}` (no-load loss) and :math:`b = I_{max} R_m / V` with
    :math:`I_{max} = P_{max} / V` (copper loss at full power over full power).  Kv is
    not needed for the losses at a given power and is accepted for symmetry. [-]
    """
    del kv_rpm_per_v
    a = no_load_current_a * voltage_v / power_max_w
    b = power_max_w / voltage_v * resistance_ohm / voltage_v
    return float(a), float(b)


def motor_efficiency(load_frac, no_load_loss=MOTOR_NO_LOAD_LOSS, copper_loss=MOTOR_COPPER_LOSS):
    r"""Motor efficiency at a share of its maximum shaft power,
    :math:`\eta_m = x / (x + a + b x^2)` (Drela's first-order model [3] with losses as
    shares of maximum power). [-]"""
    x = np.maximum(np.asarray(load_frac, dtype=float), 1e-6)
    return x / (x + no_load_loss + copper_loss * x * x)
