r"""The pre-flight check every planned job passes before any file is rendered.

:func:`safety_check` terrain-follows the mission when asked and checks it
(:func:`airwork.airspace.check.preflight`) against the site's zones (the job's own no-fly
zones and geofences and those of airspace files), tall obstacles, terrain, the height limit,
the wind, the battery with its reserve, and the autopilot's commands.

:func:`plan_checked` plans and checks, and plans again where the kind allows: planners
split sorties with the flight model, but terrain following adds climbs and a banded wind
may be stronger aloft than where it was priced.  When battery overruns are the only
violations, the job is planned again with a planning reserve enlarged by the worst sortie's
growth, :math:`r' = 1 - (1 - r) / (1.02 \max_s E^{checked}_s / E^{planned}_s)`, so that every
sortie's planned energy shrinks by as much as the check found it grows, while the mission keeps
the true landing reserve :math:`r` for the check, until it fits (at most ``tries`` plans).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import numpy as np

from airwork.aircraft.model import Aircraft
from airwork.airspace.check import CheckConfig, CheckReport, preflight, require_clear
from airwork.airspace.terrain_follow import terrain_follow_mission
from airwork.autopilot.items import Autopilot
from airwork.errors import InfeasibleMissionError, InputFileError
from airwork.jobs.request import ConditionsRequest
from airwork.mission.model import Mission
from airwork.site.model import Site

__all__ = ["plan_checked", "safety_check"]

_MAX_PLANNING_RESERVE = 0.85


def safety_check(
    mission: Mission,
    aircraft: Aircraft,
    site: Site,
    options: ConditionsRequest,
    *,
    autopilot: Autopilot = Autopilot.ARDUPILOT,
    wind_in_energy: bool = False,
    profile=None,
    report_out: list[CheckReport] | None = None,
) -> tuple[Mission, dict[str, Any]]:
    """Terrain-follow (if asked) and check a planned mission.

    Returns
    -------
    (Mission, dict)
        The mission to export and the ``preflight`` block of ``summary.json``.
        ``report_out`` receives the report first, so a caller can read a refusal's
        violations.

    Raises
    ------
    InfeasibleMissionError
        The mission has violations (listed, each with sortie, item and place).
    InputFileError
        Terrain following without a terrain.
    """
    if options.terrain_follow and site.terrain is None:
        raise InputFileError("--terrain-follow needs a terrain: give --dem FILE")
    follow_info = None
    if options.terrain_follow and site.terrain is not None:
        mission, follow_info = terrain_follow_mission(
            mission, site.terrain, aircraft, tolerance_m=options.follow_tolerance_m
        )
    elif site.terrain is not None:
        mission = _on_home_ground(mission, site)
    config = CheckConfig(
        zones=site.zones,
        obstacles=site.tall_obstacles,
        terrain=site.terrain,
        wind=site.wind,
        aircraft=aircraft,
        max_agl_m=options.max_agl_m,
        autopilot=autopilot,
        wind_in_energy=wind_in_energy,
        profile=profile,
    )
    report = preflight(mission, config)
    if report_out is not None:
        report_out.append(report)
    require_clear(report)
    block: dict[str, Any] = {
        "ok": report.ok,
        "samples": report.samples,
        "terrain": report.terrain,
        "zones": len(site.zones),
        "obstacles": len(site.tall_obstacles),
        "wind_mps": options.wind_mps,
        "max_agl_m": options.max_agl_m,
        "notes": report.notes,
    }
    if follow_info is not None:
        block["terrain_following"] = follow_info
    fleet: dict[str, int] = {}
    for so in mission.sorties:
        if so.aircraft is not None:
            fleet[so.aircraft.name] = fleet.get(so.aircraft.name, 0) + 1
    if fleet:  # a fleet: each type's sorties were checked with its own aircraft
        keys = ("ok", "terrain", "zones", "obstacles", "wind_mps", "max_agl_m")
        block["by_aircraft"] = {
            name: {"sorties": n, **{k: block[k] for k in keys}} for name, n in fleet.items()
        }
    return mission, block


def _energy_growth(mission: Mission, report: CheckReport) -> float:
    """The largest ratio of a sortie's checked energy to its planned energy (terrain
    following's climbs, a stronger wind aloft), at least that of the worst overrun."""
    planned = {s.index: s.energy_wh for s in mission.sorties}
    ratios = [
        s["energy_wh"] / planned[s["sortie"]]
        for s in report.sorties
        if s.get("energy_wh") and planned.get(s["sortie"])
    ]
    worst = max((s.get("battery_frac_of_budget") or 0.0 for s in report.sorties), default=1.0)
    return max([worst, *ratios])


def _on_home_ground(mission: Mission, site: Site) -> Mission:
    """The mission with its home elevation read from the site's terrain."""
    s0 = mission.sorties[0].xy_m[0] if mission.sorties else np.zeros(2)
    home = float(site.terrain.elevation_m(s0[:1], s0[1:])[0])
    return replace(mission, home_amsl_m=home) if np.isfinite(home) else mission


def plan_checked(
    plan: Callable[[float | None], Any],
    check: Callable[[Mission, list[CheckReport]], tuple[Mission, dict[str, Any]]],
    *,
    aircraft: Aircraft,
    reserve_frac: float | None,
    replans: bool = True,
    tries: int = 4,
) -> tuple[Any, Mission, dict[str, Any]]:
    """Plan, check, and plan again with a larger planning reserve while battery overruns
    are the only violations (see the module docstring).

    Parameters
    ----------
    plan : callable
        ``plan(planning_reserve_frac or None) -> planned`` with a ``.mission``.
    check : callable
        ``check(mission, reports) -> (mission, preflight block)``, raising
        InfeasibleMissionError on violations after appending its report.
    aircraft : Aircraft
    reserve_frac : float or None
        The user's landing reserve (None: the aircraft's).
    replans : bool
        Whether the kind may be planned again.

    Returns
    -------
    (planned, Mission, dict)
        The last plan, its checked mission (terrain-followed where asked) and the
        preflight block (with ``planning_reserve_frac`` when the job was planned again).
    """
    base = aircraft.reserve_frac if reserve_frac is None else float(reserve_frac)
    planning = reserve_frac
    for attempt in range(tries):
        planned = plan(planning)
        mission = replace(planned.mission, reserve_frac=base)
        reports: list[CheckReport] = []
        try:
            mission, block = check(mission, reports)
        except InfeasibleMissionError:
            report = reports[-1] if reports else None
            only_energy = report is not None and {v.kind for v in report.violations} == {"energy"}
            if not (replans and only_energy) or attempt == tries - 1:
                raise
            current = base if planning is None else planning
            growth = _energy_growth(mission, report)
            planning = min(1.0 - (1.0 - current) / (growth * 1.02), _MAX_PLANNING_RESERVE)
            continue
        if planning is not None and planning != reserve_frac:
            block["planning_reserve_frac"] = round(planning, 4)
        return planned, mission, block
    raise AssertionError("unreachable")  # pragma: no cover
