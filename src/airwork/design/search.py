"""The design search: compatible parts → vectorised screen → Pareto front → exact check.

1. :func:`~airwork.design.candidates.enumerate_candidates` lists every compatible
   combination of catalogue parts for the profile.
2. :func:`~airwork.aircraft.designs.evaluate_designs` prices them all at once; the limits
   (:func:`limit_masks`) and a screen of the target figure keep the feasible ones.  The
   work-rate screen is an energy and tank model of a sortie (:func:`work_rate_screen`).
3. The Pareto front (cost, take-off mass, target figure) of the feasible designs.
4. Each front member is built as an :class:`~airwork.aircraft.model.Aircraft` (the model
   every planner flies) and checked again, limits and target: hover endurance and radius
   with the aircraft model, the work rate by planning the job on the reference field with
   :func:`airwork.jobs.run_job`.  The front of those that pass is the answer.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from airwork.aircraft import drive
from airwork.aircraft.assemble import DesignChoice, assemble_design
from airwork.aircraft.catalogue import Catalogue
from airwork.aircraft.designs import DesignFigures, evaluate_designs
from airwork.aircraft.model import Aircraft
from airwork.design.candidates import Candidates, enumerate_candidates
from airwork.design.pareto import pareto_front
from airwork.design.profile import MissionProfile
from airwork.design.spec import design_spec, write_spec

__all__ = [
    "SCREEN_SLACK",
    "DesignResult",
    "DesignRow",
    "check_aircraft",
    "limit_masks",
    "search_designs",
    "work_rate_screen",
]

SCREEN_SLACK = {"hover_min": 0.995, "range_km": 0.995, "work_rate_ha_per_h": 0.8}
"""The screen keeps designs whose screened figure reaches this share of the target (the
screen integrates the discharge in 200 steps, the aircraft model in 400; the work-rate
screen is a rough sortie model); the exact check on the front decides. [-]"""

WORK_PATH_SHARE = 0.85
"""Share of a sortie's flight time spent working in the work-rate screen (the rest is
ferry, turns, climb); 0.86 on the reference field with the 40 L preset. [-]"""

TARGET_UNITS = {"hover_min": "min", "range_km": "km", "work_rate_ha_per_h": "ha/h"}


@dataclass(frozen=True)
class DesignRow:
    """One design and its figures."""

    id: int
    choice: DesignChoice
    cost_eur: float
    empty_mass_kg: float
    takeoff_mass_kg: float
    span_m: float
    figure: float
    thrust_margin: float
    hover_min: float
    hover_c_rate: float
    hover_current_per_motor_a: float
    exact: bool = False

    @property
    def label(self) -> str:
        c = self.choice
        layout = f"{c.arms}x{'2' if c.coaxial else '1'}"
        return f"{c.frame} {layout} {c.motor} {c.propeller} {c.packs}x{c.battery} {c.payload}"


@dataclass
class DesignResult:
    """What a search found."""

    profile: MissionProfile
    candidates: int
    raw_combinations: int
    feasible: list[DesignRow]
    front: list[DesignRow]
    rejected: dict[str, int]
    notes: list[str] = field(default_factory=list)
    timings_s: dict[str, float] = field(default_factory=dict)

    @property
    def target(self) -> str:
        return self.profile.target


def limit_masks(
    cands: Candidates, fig: DesignFigures, profile: MissionProfile, cat: Catalogue
) -> dict[str, np.ndarray]:
    """Which candidates break which limit (True: broken), by reason."""
    limit, strict = profile.mass_limit()
    mtom = fig.takeoff_mass_kg
    motors = [cat.motors[m] for m in cands.motors]
    cont = np.array([m.continuous_current_a for m in motors])[cands.motor]
    peak = np.array([m.max_current_a for m in motors])[cands.motor]
    ratings = [cat.batteries[b].c_rating for b in cands.batteries]
    c_rating = np.array([np.inf if r is None else r for r in ratings])[cands.battery]
    out = {
        "mass class": (mtom >= limit) if strict else (mtom > limit + 1e-9),
        "frame MTOM": mtom > cands.frame_mtom_kg + 1e-9,
        "span": cands.span_m > (profile.max_span_m or np.inf),
        "budget": cands.cost_eur > (profile.budget_eur or np.inf),
        "thrust margin": ~(fig.thrust_margin >= drive.MIN_THRUST_TO_WEIGHT),
        "pack cannot hold hover": ~fig.pack_holds_hover,
        "motor thermal (hover current)": ~(fig.hover_current_per_motor_a <= cont),
        "pack cannot deliver full thrust": np.isnan(fig.full_thrust_current_per_motor_a),
        "motor current at full thrust": fig.full_thrust_current_per_motor_a > peak,
        "battery C-rate": ~(fig.hover_c_rate <= c_rating),
    }
    if profile.work_rate_ha_per_h is not None and profile.job_kind == "spray":
        out["pump flow"] = ~_flow_ok(cands, profile, cat)
    return out


def _job_speed(profile: MissionProfile, max_speed: np.ndarray) -> np.ndarray:
    speed = profile.job_params.get("speed_mps")
    return np.minimum(6.0 if speed is None else float(speed), max_speed)


def _flow_ok(cands: Candidates, profile: MissionProfile, cat: Catalogue) -> np.ndarray:
    """The pump's flow range holds the job's flow: rate × swath × speed. [L/min]"""
    pl = [cat.file.payloads[s] for s in cands.payloads]
    swath = np.array([p.swath_m or 5.0 for p in pl])[cands.payload]
    lo = np.array([p.min_flow_l_per_min or 0.0 for p in pl])[cands.payload]
    hi = np.array([p.max_flow_l_per_min or np.inf for p in pl])[cands.payload]
    vmax = np.array([cat.frames[f].max_speed_mps for f, _, _ in cands.layouts])[cands.layout]
    rate = float(profile.job_params.get("rate_l_per_ha", 15.0))
    flow = rate * swath * _job_speed(profile, vmax) * 60.0 / 1e4
    return (flow >= lo - 1e-9) & (flow <= hi + 1e-9)


def work_rate_screen(
    cands: Candidates, fig: DesignFigures, profile: MissionProfile, cat: Catalogue
) -> np.ndarray:
    """Work rate of a sortie model: the tank's area at the job's rate, or what the
    battery allows at the working power (``WORK_PATH_SHARE`` of the flight), plus the
    turnaround on the ground. [ha/h]"""
    pl = [cat.file.payloads[s] for s in cands.payloads]
    swath = np.array([p.swath_m or 5.0 for p in pl])[cands.payload]
    if profile.job_params.get("swath_m") is not None:
        swath = np.full(len(cands), float(profile.job_params["swath_m"]))
    vmax = np.array([cat.frames[f].max_speed_mps for f, _, _ in cands.layouts])[cands.layout]
    v = _job_speed(profile, vmax)
    key = "rate_l_per_ha" if profile.job_kind == "spray" else "rate_kg_per_ha"
    rate = float(profile.job_params.get(key, 15.0 if profile.job_kind == "spray" else 100.0))
    load = profile.tank_l if profile.tank_l is not None else profile.payload_mass_kg()
    area_tank_ha = load / rate
    t_tank = area_tank_ha * 1e4 / (swath * v)
    mission_wh = fig.usable_energy_wh * (1.0 - profile.reserve_frac)
    with np.errstate(divide="ignore", invalid="ignore"):
        t_batt = mission_wh * 3600.0 / fig.work_budget_w * WORK_PATH_SHARE
    t_work = np.minimum(t_tank, t_batt)
    turnaround = float(profile.job_params.get("turnaround_s", 180.0))
    area = t_work * swath * v / 1e4
    with np.errstate(divide="ignore", invalid="ignore"):
        rate_ha_h = area / ((t_work / WORK_PATH_SHARE + turnaround) / 3600.0)
    return np.where(np.isfinite(rate_ha_h), rate_ha_h, 0.0)


def _screen_figure(cands, fig, profile, cat) -> np.ndarray:
    if profile.target == "hover_min":
        return fig.hover_endurance_min
    if profile.target == "range_km":
        return fig.delivery_radius_km
    return work_rate_screen(cands, fig, profile, cat)


def check_aircraft(
    aircraft: Aircraft, choice: DesignChoice, payload_kg: float, profile: MissionProfile,
    cat: Catalogue,
) -> list[str]:  # fmt: skip
    """The limits of one design checked on its :class:`Aircraft` (not the vector path):
    mass class, frame MTOM, thrust margin, motor currents, pack C-rate."""
    problems = []
    limit, strict = profile.mass_limit()
    mass = aircraft.mass_kg + payload_kg
    if (mass >= limit) if strict else (mass > limit + 1e-9):
        problems.append(f"take-off mass {mass:.2f} kg over the limit {limit:g} kg")
    if mass > cat.frames[choice.frame].max_takeoff_mass_kg + 1e-9:
        problems.append("over the frame's maximum take-off mass")
    margin = aircraft.thrust_margin(payload_kg)
    if margin is None or margin < drive.MIN_THRUST_TO_WEIGHT:
        problems.append(f"thrust margin {margin} below {drive.MIN_THRUST_TO_WEIGHT:.2f}")
    p_hover = float(aircraft.terminal_hover_power_w(payload_kg))
    i_hover = float(aircraft.pack_current_a(p_hover))
    n = aircraft.rotors.count
    motor = cat.motors[choice.motor]
    if not i_hover / n <= motor.continuous_current_a:
        problems.append(f"hover current {i_hover / n:.1f} A per motor over its rating")
    c_rating = aircraft.battery.c_rating
    if c_rating is not None and not i_hover / aircraft._capacity_ah <= c_rating:
        problems.append(f"hover draws {i_hover / aircraft._capacity_ah:.1f} C")
    return problems


def _exact_figure(aircraft, choice, payload_kg, profile, workdir: Path) -> float:
    if profile.target == "hover_min":
        return float(aircraft.hover_endurance_min(payload_kg))
    if profile.target == "range_km":
        v = min(profile.cruise_speed_mps, aircraft.max_speed_mps)
        loaded = float(aircraft.forward_power_w(payload_kg, v))
        empty = float(aircraft.forward_power_w(0.0, v))
        return aircraft.mission_energy_wh * v / (loaded + empty) * 3.6
    from airwork.jobs import run_job  # the application layer, only for this target

    path = write_spec(workdir / f"{aircraft.name}.yaml", design_spec(aircraft, choice))
    outcome = run_job(
        {
            "kind": profile.job_kind,
            "site": {"files": [profile.reference_field]},
            "aircraft": [str(path)],
            "params": profile.job_params,
            "output": {"formats": []},
        }
    )
    return float(outcome.summary["work_rate_ha_per_h"])


def _row(i, cands, fig, figure, exact=False) -> DesignRow:
    return DesignRow(
        id=int(i),
        choice=cands.choice(i),
        cost_eur=float(cands.cost_eur[i]),
        empty_mass_kg=float(cands.batch.empty_mass_kg[i]),
        takeoff_mass_kg=float(fig.takeoff_mass_kg[i]),
        span_m=float(cands.span_m[i]),
        figure=float(figure),
        thrust_margin=float(fig.thrust_margin[i]),
        hover_min=float(fig.hover_endurance_min[i]),
        hover_c_rate=float(fig.hover_c_rate[i]),
        hover_current_per_motor_a=float(fig.hover_current_per_motor_a[i]),
        exact=exact,
    )


def _objectives(rows: list[DesignRow]) -> np.ndarray:
    return np.array([[r.cost_eur, r.takeoff_mass_kg, -r.figure] for r in rows]).reshape(-1, 3)


def search_designs(
    cat: Catalogue, profile: MissionProfile, *, max_exact: int = 40, steps: int = 200
) -> DesignResult:
    """Search the catalogue for designs meeting the profile (see the module docstring).

    ``max_exact`` bounds the front members checked exactly (evenly spread over cost);
    ``steps`` is the discharge resolution of the screen.
    """
    t0 = time.perf_counter()
    cands = enumerate_candidates(cat, profile)
    t1 = time.perf_counter()
    payload = profile.payload_mass_kg()
    needs = {
        "hover_min": ("hover",),
        "range_km": ("range", "hover"),
        "work_rate_ha_per_h": ("work", "hover"),
    }
    vmax = np.array([cat.frames[f].max_speed_mps for f, _, _ in cands.layouts])[cands.layout]
    fig = evaluate_designs(
        cands.batch, payload, cruise_speed_mps=np.minimum(profile.cruise_speed_mps, vmax),
        reserve_frac=profile.reserve_frac, figures=needs[profile.target], steps=steps,
    )  # fmt: skip
    masks = limit_masks(cands, fig, profile, cat)
    figure = _screen_figure(cands, fig, profile, cat)
    masks["target (screen)"] = ~(figure >= SCREEN_SLACK[profile.target] * profile.target_value)
    broken = np.zeros(len(cands), bool)
    rejected = {}
    for reason, m in masks.items():
        rejected[reason] = int(np.count_nonzero(m & ~broken))  # first reason only
        broken |= m
    ok = np.flatnonzero(~broken)
    t2 = time.perf_counter()
    feasible = sorted((_row(i, cands, fig, figure[i]) for i in ok), key=lambda r: r.cost_eur)
    front_idx = pareto_front(_objectives(feasible)) if feasible else np.array([], int)
    screened = [feasible[i] for i in front_idx]
    notes = []
    if len(screened) > max_exact:
        keep = np.unique(np.linspace(0, len(screened) - 1, max_exact).round().astype(int))
        notes.append(
            f"{len(screened)} designs on the screened front; {keep.size} spread over cost "
            "were checked exactly"
        )
        screened = [screened[i] for i in keep]
    front = _exact_front(cat, profile, screened, notes)
    t3 = time.perf_counter()
    return DesignResult(
        profile=profile,
        candidates=len(cands),
        raw_combinations=cands.raw_combinations,
        feasible=feasible,
        front=front,
        rejected=rejected,
        notes=notes,
        timings_s={"enumerate": t1 - t0, "screen": t2 - t1, "front": t3 - t2},
    )


def _exact_front(cat, profile, screened: list[DesignRow], notes: list[str]) -> list[DesignRow]:
    payload = profile.payload_mass_kg()
    exact: list[DesignRow] = []
    dropped = 0
    with tempfile.TemporaryDirectory(prefix="airwork-design-") as tmp:
        for row in screened:
            ac = assemble_design(cat, row.choice, payload, name=f"design-{row.id}")
            if check_aircraft(ac, row.choice, payload, profile, cat):
                dropped += 1
                continue
            value = _exact_figure(ac, row.choice, payload, profile, Path(tmp))
            if value + 1e-9 < profile.target_value:
                dropped += 1
                continue
            hover = float(ac.hover_endurance_min(payload))
            exact.append(replace(row, figure=value, hover_min=hover, exact=True))
    if dropped:
        notes.append(f"{dropped} screened front designs failed the exact check and were dropped")
    if not exact:
        return []
    idx = pareto_front(_objectives(exact))
    return sorted((exact[i] for i in idx), key=lambda r: r.cost_eur)
