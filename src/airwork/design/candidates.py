"""Every compatible combination of catalogue parts for a mission profile, as arrays.

A candidate is a rotor layout (frame × arm count × coaxial) × propeller × motor × battery
pack × packs in parallel × payload system; the ESC is the lightest one the motor and the
pack voltage allow (none where the motor has its ESC inside).  Compatibility is the
interface rule of :func:`airwork.aircraft.parts.fit_problems` (mounts, hub, voltage class,
ESC current, connector, slots, payload mount, propeller size for the arms), evaluated as
boolean tables over the part lists and expanded with ``numpy.nonzero``: no Python loop
over candidates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from airwork.aircraft.assemble import DesignChoice
from airwork.aircraft.battery import CHEMISTRIES
from airwork.aircraft.catalogue import Catalogue
from airwork.aircraft.designs import DesignBatch
from airwork.aircraft.parts import max_prop_diameter_m, span_m
from airwork.design.profile import MissionProfile

__all__ = ["Candidates", "enumerate_candidates"]


@dataclass(frozen=True)
class Candidates:
    """Candidates as index arrays into the part lists, with their batch and costs.

    Attributes
    ----------
    layouts : list of (frame, arms, coaxial)
    motors, propellers, batteries, payloads, escs : list of str
        Part names the indices refer to.
    layout, motor, propeller, battery, packs, payload, esc : ndarray of int
        One entry per candidate (``esc`` -1: integrated).
    batch : DesignBatch
    cost_eur, span_m, frame_mtom_kg : ndarray
    raw_combinations : int
        Combinations before the interface rules.
    """

    layouts: list[tuple[str, int, bool]]
    motors: list[str]
    propellers: list[str]
    batteries: list[str]
    payloads: list[str]
    escs: list[str]
    layout: np.ndarray
    motor: np.ndarray
    propeller: np.ndarray
    battery: np.ndarray
    packs: np.ndarray
    payload: np.ndarray
    esc: np.ndarray
    batch: DesignBatch
    cost_eur: np.ndarray
    span_m: np.ndarray
    frame_mtom_kg: np.ndarray
    raw_combinations: int

    def __len__(self) -> int:
        return int(self.layout.size)

    def choice(self, i: int) -> DesignChoice:
        """The parts of candidate ``i``."""
        frame, arms, coax = self.layouts[int(self.layout[i])]
        e = int(self.esc[i])
        return DesignChoice(
            frame=frame,
            arms=arms,
            coaxial=coax,
            motor=self.motors[int(self.motor[i])],
            propeller=self.propellers[int(self.propeller[i])],
            esc=None if e < 0 else self.escs[e],
            battery=self.batteries[int(self.battery[i])],
            packs=int(self.packs[i]),
            payload=self.payloads[int(self.payload[i])],
        )


def _payloads(cat: Catalogue, profile: MissionProfile) -> list[str]:
    """Payload systems of the profile's kind that hold its payload."""
    out = []
    for name, p in cat.payloads.items():
        if p.kind != profile.kind:
            continue
        density = getattr(p, "liquid_density_kg_per_l", 1.0)
        need = profile.payload_mass_kg(density)
        if profile.tank_l is not None and getattr(p, "capacity_l", 0.0) < profile.tank_l:
            continue
        if p.max_payload_kg > 0 and p.max_payload_kg + 1e-9 < need:
            continue
        out.append(name)
    return out


def _col(values, dtype=float) -> np.ndarray:
    return np.asarray(list(values), dtype=dtype)


def _esc_for(cat: Catalogue, motors: list[str], cells: np.ndarray) -> np.ndarray:
    """Lightest ESC per (motor, cells) that carries the motor's current on those cells;
    -1 where the motor has its ESC inside, -2 where no ESC fits."""
    escs = sorted(cat.escs.values(), key=lambda e: (e.mass_kg, e.name))
    names = list(cat.escs)
    out = np.full((len(motors), cells.size), -2, dtype=int)
    for i, m in enumerate(motors):
        motor = cat.motors[m]
        if motor.integrated_esc:
            out[i, :] = -1
            continue
        for j, c in enumerate(cells):
            for e in escs:
                if e.cells_min <= c <= e.cells_max and e.max_current_a >= motor.max_current_a:
                    out[i, j] = names.index(e.name)
                    break
    return out


def enumerate_candidates(cat: Catalogue, profile: MissionProfile) -> Candidates:
    """Every compatible combination for the profile (see the module docstring)."""
    payloads = _payloads(cat, profile)
    layouts = [
        (f.name, n, coax)
        for f in cat.frames.values()
        if cat.file.frames[f.name].designable
        for n in f.arm_counts
        for coax in ((False, True) if f.coaxial else (False,))
    ]
    motors, props, escs = list(cat.motors), list(cat.propellers), list(cat.escs)
    packs_opts = np.arange(1, profile.max_packs + 1)
    batteries = list(cat.batteries)
    frames = [cat.frames[f] for f, _, _ in layouts]
    lay_arms = _col((n for _, n, _ in layouts), int)
    mo = [cat.motors[m] for m in motors]
    pr = [cat.propellers[p] for p in props]
    bp = [cat.batteries[b] for b in batteries]
    cells = _col((b.cells_series for b in bp), int)
    conn = [cat.file.batteries[b].connector for b in batteries]
    esc_tab = _esc_for(cat, motors, cells)  # (M, B)
    # interface tables
    lm = np.array([[m.mount == f.motor_mount for m in mo] for f in frames], bool)  # (L, M)
    mp = np.array([[p.hub == m.prop_mount for p in pr] for m in mo], bool)  # (M, P)
    dmax = _col(
        max_prop_diameter_m(f.arm_length_m, n) for f, n in zip(frames, lay_arms, strict=True)
    )
    lp = _col(p.diameter_m for p in pr)[None, :] <= dmax[:, None] + 1e-9  # (L, P)
    mb = (_col(m.cells_min for m in mo)[:, None] <= cells[None, :]) & (
        cells[None, :] <= _col(m.cells_max for m in mo)[:, None]
    )
    mb &= esc_tab != -2
    lb = np.array([[c == f.battery_connector for c in conn] for f in frames], bool)  # (L, B)
    lk = packs_opts[None, :] <= _col(f.battery_slots for f in frames)[:, None]  # (L, K)
    mounts = [cat.file.payloads[s].mount for s in payloads]
    ls = np.array([[m in f.payload_mounts for m in mounts] for f in frames], bool)  # (L, S)
    ok = (
        lm[:, :, None, None, None, None]
        & mp[None, :, :, None, None, None]
        & lp[:, None, :, None, None, None]
        & mb[None, :, None, :, None, None]
        & lb[:, None, None, :, None, None]
        & lk[:, None, None, None, :, None]
        & ls[:, None, None, None, None, :]
    )
    li, mi, pi, bi, ki, si = np.nonzero(ok)
    cand = dict(
        layout=li, motor=mi, propeller=pi, battery=bi, packs=packs_opts[ki], payload=si,
        esc=esc_tab[mi, bi],
    )  # fmt: skip
    return _with_batch(cat, profile, layouts, motors, props, batteries, payloads, escs, cand, ok)


def _with_batch(cat, profile, layouts, motors, props, batteries, payloads, escs, c, ok):
    """Masses, costs, spans and the physics batch of the candidates."""
    facts = cat.facts
    frames = [cat.frames[f] for f, _, _ in layouts]
    arms = _col((n for _, n, _ in layouts), int)[c["layout"]]
    coax = _col((x for _, _, x in layouts), bool)[c["layout"]]
    count = arms * np.where(coax, 2, 1)
    f_mass = _col(f.mass_kg for f in frames)[c["layout"]]
    arm_mass = _col(f.arm_mass_kg for f in frames)[c["layout"]]
    f_cost = _col(facts[f.name].cost_eur for f in frames)[c["layout"]]
    arm_cost = _col(facts[f.arm].cost_eur for f in frames)[c["layout"]]
    mo = [cat.motors[m] for m in motors]
    pr = [cat.propellers[p] for p in props]
    bp = [cat.batteries[b] for b in batteries]
    pl = [cat.payloads[s] for s in payloads]
    esc_mass = np.append(_col(cat.escs[e].mass_kg for e in escs), 0.0)[c["esc"]]
    esc_cost = np.append(_col(facts[e].cost_eur for e in escs), 0.0)[c["esc"]]
    m, p, b, s, k = c["motor"], c["propeller"], c["battery"], c["payload"], c["packs"]
    m_mass, p_mass = _col(x.mass_kg for x in mo)[m], _col(x.mass_kg for x in pr)[p]
    rotor_mass = m_mass + p_mass + esc_mass
    empty = f_mass + arms * arm_mass + count * rotor_mass
    empty = empty + k * _col(x.mass_kg for x in bp)[b] + _col(x.mass_kg for x in pl)[s]
    density = _col(getattr(x, "liquid_density_kg_per_l", 1.0) for x in pl)[s]
    payload_kg = np.array([profile.payload_mass_kg(d) for d in density])
    rotor_cost = (
        _col(facts[x].cost_eur for x in motors)[m] + _col(facts[x].cost_eur for x in props)[p]
    )
    cost = f_cost + arms * arm_cost + count * (rotor_cost + esc_cost)
    cost = cost + k * _col(facts[x].cost_eur for x in batteries)[b]
    cost = cost + _col(facts[x].cost_eur for x in payloads)[s]
    cells = _col((x.cells_series for x in bp), int)[b]
    cap = _col(x.capacity_ah_total for x in bp)[b] * k
    chem = _col((x.chemistry for x in bp), object)[b]
    # pack resistance as the aircraft model takes it (given, or the chemistry's r_ah)
    r_given = _col(np.nan if x.resistance_ohm is None else x.resistance_ohm for x in bp)[b]
    r_ah = np.array([CHEMISTRIES[x].r_ah_ohm for x in chem])
    resistance = np.where(np.isnan(r_given), cells * r_ah / cap, r_given / k)
    batch = DesignBatch(
        empty_mass_kg=empty,
        max_takeoff_mass_kg=empty + payload_kg,
        rotor_count=count,
        diameter_m=_col(x.diameter_m for x in pr)[p],
        coaxial=coax,
        solidity=_col(x.solidity for x in pr)[p],
        motor_kv=_col(x.kv_rpm_per_v for x in mo)[m],
        motor_resistance_ohm=_col(x.resistance_ohm for x in mo)[m],
        motor_no_load_a=_col(x.no_load_current_a for x in mo)[m],
        motor_power_w=_col(x.max_power_w for x in mo)[m],
        prop_tip_speed_max_mps=_col(x.max_tip_speed_mps for x in pr)[p],
        cells=cells,
        chemistry=chem,
        capacity_ah=cap,
        resistance_ohm=resistance,
        energy_wh=_col(x.energy_wh for x in bp)[b] * k,
        drag_area_m2=_col(f.drag_area_m2 for f in frames)[c["layout"]],
        avionics_power_w=_col(f.avionics_power_w for f in frames)[c["layout"]],
        payload_power_w=_col(x.power_w for x in pl)[s],
    )
    spans = np.array([span_m(f.arm_length_m, 0.0, 0) for f in frames])[c["layout"]]
    return Candidates(
        layouts=layouts,
        motors=motors,
        propellers=props,
        batteries=batteries,
        payloads=payloads,
        escs=escs,
        layout=c["layout"],
        motor=m,
        propeller=p,
        battery=b,
        packs=k,
        payload=s,
        esc=c["esc"],
        batch=batch,
        cost_eur=cost,
        span_m=spans + batch.diameter_m,
        frame_mtom_kg=_col(f.max_takeoff_mass_kg for f in frames)[c["layout"]],
        raw_combinations=int(ok.size),
    )
