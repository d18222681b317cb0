r"""Rotorcraft and fixed-wing performance physics as small vectorised functions.

Every function takes SI numbers or numpy arrays and returns SI numbers or arrays.  Names
carry units.  The models are the textbook ones for small electric multirotors:

* momentum (actuator-disk) theory for hover, climb and forward-flight induced power,
  corrected by a figure of merit and an induced-power factor (Leishman 2006 ch. 2-5);
* the coaxial interference factor for stacked rotor pairs (Leishman 2006 §6.6,
  after Harrington 1951);
* profile power growing with advance ratio as :math:`1 + 4.65\mu^2` (Leishman 2006 eq. 5.59,
  Bramwell);
* body parasite drag :math:`\tfrac12 \rho V^2 C_D A` and the tilted-thrust balance of
  Stolaroff et al. 2018 (Supplementary Note 1);
* fixed-wing cruise power from the drag polar (Anderson, Aircraft Performance and Design,
  1999, ch. 5).

References
----------
.. [1] J. G. Leishman, *Principles of Helicopter Aerodynamics*, 2nd ed. Cambridge
       University Press, 2006.
.. [2] J. K. Stolaroff, C. Samaras, E. R. O'Neill, A. Lubers, A. S. Mitchell and
       D. Ceperley, "Energy use and life cycle greenhouse gas emissions of drones for
       commercial package delivery," *Nature Communications* 9, 409 (2018),
       doi:10.1038/s41467-017-02411-5.
.. [3] R. D. Harrington, "Full-scale-tunnel investigation of the static-thrust
       performance of a coaxial helicopter rotor," NACA TN-2318, 1951.
.. [4] J. D. Anderson, *Aircraft Performance and Design*, McGraw-Hill, 1999.
.. [5] ICAO Doc 7488/3, *Manual of the ICAO Standard Atmosphere*, 1993.
"""

from __future__ import annotations

import numpy as np

__all__ = [
    "COAXIAL_INDUCED_FACTOR",
    "G_MPS2",
    "RHO_SEA_LEVEL_KGPM3",
    "air_density_kgpm3",
    "climb_power_factor",
    "disk_area_m2",
    "fixed_wing_power_w",
    "forward_flight_power_w",
    "hover_induced_velocity_mps",
    "ideal_hover_power_w",
    "parasite_drag_n",
]

G_MPS2 = 9.80665
"""Standard gravity. [m s⁻²]"""

RHO_SEA_LEVEL_KGPM3 = 1.225
"""ISA sea-level air density [5]. [kg m⁻³]"""

COAXIAL_INDUCED_FACTOR = 1.281
"""Induced power of a coaxial pair relative to the same two rotors isolated, lower rotor in
the fully developed slipstream of the upper, equal thrust sharing [1, §6.6], [3]. [-]"""


def air_density_kgpm3(altitude_m=0.0, temperature_offset_k=0.0):
    """Air density of the ICAO standard atmosphere in the troposphere.

    Parameters
    ----------
    altitude_m : numeric
        Geopotential altitude above mean sea level, 0 to 11 000. [m]
    temperature_offset_k : numeric
        Deviation from ISA temperature (ISA+dT). [K]

    Returns
    -------
    numeric
        :math:`\\rho = p / (R T)` with :math:`T = 288.15 - 0.0065 h + dT` and
        :math:`p = 101325 (1 - 0.0065 h / 288.15)^{5.25588}` [5]. [kg m⁻³]
    """
    h = np.asarray(altitude_m, dtype=float)
    t_isa = 288.15 - 0.0065 * h
    p = 101325.0 * (t_isa / 288.15) ** 5.255877
    return p / (287.05287 * (t_isa + temperature_offset_k))


def disk_area_m2(rotor_diameter_m, rotor_count):
    """Total disk area of ``rotor_count`` rotors of one diameter. [m²]

    For coaxial aircraft pass the number of rotor *positions* (stacked pairs count once).
    """
    r = 0.5 * np.asarray(rotor_diameter_m, dtype=float)
    return np.pi * r**2 * np.asarray(rotor_count, dtype=float)


def ideal_hover_power_w(thrust_n, disk_area_m2, air_density_kgpm3=RHO_SEA_LEVEL_KGPM3):
    r"""Ideal (momentum theory) induced power to hover.

    Parameters
    ----------
    thrust_n : numeric
        Total rotor thrust, equal to weight in hover. [N]
    disk_area_m2 : numeric
        Total rotor disk area. [m²]
    air_density_kgpm3 : numeric
        [kg m⁻³]

    Returns
    -------
    numeric
        :math:`P = T^{3/2} / \sqrt{2 \rho A}` [1, eq. 2.14]. [W]
    """
    t = np.asarray(thrust_n, dtype=float)
    return t**1.5 / np.sqrt(2.0 * air_density_kgpm3 * disk_area_m2)


def hover_induced_velocity_mps(thrust_n, disk_area_m2, air_density_kgpm3=RHO_SEA_LEVEL_KGPM3):
    r"""Induced velocity at the disk in hover, :math:`v_h = \sqrt{T / (2 \rho A)}`
    [1, eq. 2.13]. [m/s]"""
    return np.sqrt(np.asarray(thrust_n, dtype=float) / (2.0 * air_density_kgpm3 * disk_area_m2))


def climb_power_factor(climb_speed_mps, hover_induced_velocity_mps):
    r"""Ratio of induced power in axial flight to induced power in hover.

    Climb (:math:`V_c \ge 0`): :math:`V_c / (2 v_h) + \sqrt{(V_c / 2 v_h)^2 + 1}`
    [1, eq. 2.63].  Descent: momentum theory is invalid in the vortex-ring state, so a
    slow descent is taken at hover power (factor 1), which is conservative for
    energy budgets [1, §2.14].

    Parameters
    ----------
    climb_speed_mps : numeric
        Vertical speed, positive up. [m/s]
    hover_induced_velocity_mps : numeric
        [m/s]

    Returns
    -------
    numeric
        [-]
    """
    vc = np.asarray(climb_speed_mps, dtype=float)
    x = np.maximum(vc, 0.0) / (2.0 * np.asarray(hover_induced_velocity_mps, dtype=float))
    return x + np.sqrt(x**2 + 1.0)


def parasite_drag_n(airspeed_mps, drag_area_m2, air_density_kgpm3=RHO_SEA_LEVEL_KGPM3):
    r"""Body parasite drag :math:`D = \tfrac12 \rho V^2 C_D A` [2, eq. S2]. [N]

    ``drag_area_m2`` is the product :math:`C_D A` (equivalent flat-plate area). [m²]
    """
    v = np.asarray(airspeed_mps, dtype=float)
    return 0.5 * air_density_kgpm3 * v**2 * drag_area_m2


def forward_flight_power_w(
    weight_n,
    airspeed_mps,
    disk_area_m2,
    drag_area_m2,
    *,
    profile_power_hover_w,
    tip_speed_mps,
    induced_factor=1.15,
    air_density_kgpm3=RHO_SEA_LEVEL_KGPM3,
    iterations=50,
):
    r"""Rotor shaft power of a multirotor in steady level forward flight.

    The disk tilts forward by :math:`\alpha = \arctan(D/W)` so the thrust
    :math:`T = \sqrt{W^2 + D^2}` balances weight and body drag [2, eqs. S1-S3].  The
    induced velocity solves Glauert's relation
    :math:`v_i = T / (2 \rho A \sqrt{(V\cos\alpha)^2 + (V\sin\alpha + v_i)^2})`
    [1, eq. 2.123] by Newton's method.  Power is the sum of

    * induced + parasite: :math:`\kappa T v_i + T V \sin\alpha` (the second term equals
      :math:`D V`) [1, eq. 5.57], [2, eq. S4];
    * profile: :math:`P_0 (1 + 4.65 \mu^2)`, :math:`\mu = V\cos\alpha / (\Omega R)`
      [1, eq. 5.59].

    Parameters
    ----------
    weight_n : numeric
        Aircraft weight. [N]
    airspeed_mps : numeric
        True airspeed. [m/s]
    disk_area_m2 : numeric
        Total rotor disk area. [m²]
    drag_area_m2 : numeric
        Body :math:`C_D A`. [m²]
    profile_power_hover_w : numeric
        Profile (blade drag) shaft power in hover. [W]
    tip_speed_mps : numeric
        Rotor tip speed :math:`\Omega R`. [m/s]
    induced_factor : numeric
        Induced-power factor :math:`\kappa` (non-uniform inflow, tip losses, and for
        coaxial rotors the interference factor too). [-]
    air_density_kgpm3 : numeric
        [kg m⁻³]

    Returns
    -------
    numeric
        Shaft power. [W]
    """
    w = np.asarray(weight_n, dtype=float)
    v = np.asarray(airspeed_mps, dtype=float)
    drag = parasite_drag_n(v, drag_area_m2, air_density_kgpm3)
    thrust = np.hypot(w, drag)
    alpha = np.arctan2(drag, w)
    vx = v * np.cos(alpha)
    vz = v * np.sin(alpha)
    # Glauert's relation as f(v) = v * sqrt(vx² + (vz + v)²) - vh² = 0, solved by Newton's
    # method from the hover value (f is increasing in v > 0, so it converges monotonically).
    vh2 = thrust / (2.0 * air_density_kgpm3 * disk_area_m2)
    vi = np.sqrt(vh2)
    for _ in range(iterations):
        root = np.hypot(vx, vz + vi)
        f = vi * root - vh2
        df = root + vi * (vz + vi) / np.maximum(root, 1e-12)
        step = f / df
        vi = np.maximum(vi - step, 1e-9)
        if np.all(np.abs(step) <= 1e-10 * np.maximum(vi, 1.0)):
            break
    mu = vx / tip_speed_mps
    p_induced = induced_factor * thrust * vi
    p_parasite = thrust * vz
    p_profile = profile_power_hover_w * (1.0 + 4.65 * mu**2)
    return p_induced + p_parasite + p_profile


def fixed_wing_power_w(
    weight_n,
    airspeed_mps,
    wing_area_m2,
    *,
    zero_lift_drag_coeff,
    aspect_ratio,
    oswald_efficiency=0.8,
    propulsive_efficiency=0.65,
    air_density_kgpm3=RHO_SEA_LEVEL_KGPM3,
):
    r"""Electrical-side-of-propeller power for a fixed wing in level cruise.

    Drag polar :math:`C_D = C_{D0} + C_L^2 / (\pi e AR)` with
    :math:`C_L = W / (\tfrac12 \rho V^2 S)`; power required :math:`P = D V / \eta_p`
    [4, eqs. 5.56 and 5.9].

    Parameters
    ----------
    weight_n : numeric
        [N]
    airspeed_mps : numeric
        [m/s]
    wing_area_m2 : numeric
        Reference wing area :math:`S`. [m²]
    zero_lift_drag_coeff : numeric
        :math:`C_{D0}` of the whole aircraft referred to :math:`S`. [-]
    aspect_ratio : numeric
        :math:`b^2 / S`. [-]
    oswald_efficiency : numeric
        Span efficiency :math:`e`. [-]
    propulsive_efficiency : numeric
        Propeller efficiency :math:`\eta_p`. [-]

    Returns
    -------
    numeric
        Shaft power. [W]
    """
    v = np.maximum(np.asarray(airspeed_mps, dtype=float), 0.1)
    q = 0.5 * air_density_kgpm3 * v**2
    cl = np.asarray(weight_n, dtype=float) / (q * wing_area_m2)
    cd = zero_lift_drag_coeff + cl**2 / (np.pi * oswald_efficiency * aspect_ratio)
    return q * wing_area_m2 * cd * v / propulsive_efficiency
