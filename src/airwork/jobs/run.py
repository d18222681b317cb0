"""``run_job``: the one entry point every face calls (command line, API, web app, batch).

The recipe: read the request → load the site once → plan in the job's conditions →
pre-flight check, planning again where the kind allows → render every output in memory.
It never prints and never writes; progress goes to a callback.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, replace
from typing import Any

from airwork.aircraft.drive import MIN_THRUST_TO_WEIGHT
from airwork.autopilot.firmware import Autopilot
from airwork.autopilot.items import SprayOutput
from airwork.export.registry import ExportOptions, exporter, render
from airwork.flight.air import Air, job_air
from airwork.flight.conditions import Conditions
from airwork.jobs.base import KindReport, MissionKind, Planned, Progress, parse_params
from airwork.jobs.preflight import plan_checked, safety_check
from airwork.jobs.registry import kind as get_kind
from airwork.jobs.request import AircraftChoice, JobRequest, RequestError, parse_aircraft_choice
from airwork.mission.model import Mission
from airwork.site.load import load_site
from airwork.site.model import Site
from airwork.site.wind import Wind

__all__ = ["DEFAULT_FORMATS", "JobOutcome", "run_job"]

DEFAULT_FORMATS = ("qgc-plan", "waypoints", "geojson", "kml", "png")
"""Formats rendered when a request names none."""


@dataclass(frozen=True)
class JobOutcome:
    """Everything a planned job produced, in memory.

    Attributes
    ----------
    kind, name : str
    mission : Mission
        As checked and exported (terrain-followed where asked).
    summary : dict
        The figures of ``summary.json`` (``json.dumps`` takes it).
    files : dict of str to bytes
        Every output file, ``summary.json`` included.
    notes : tuple of str
        What the user should know: defaults taken, inputs ignored, warnings.
    report : KindReport
        The table a person reads.
    planned : Planned
        The kind's plan, with the planner's own result object.
    """

    kind: str
    name: str
    mission: Mission
    summary: dict[str, Any]
    files: dict[str, bytes]
    notes: tuple[str, ...]
    report: KindReport
    planned: Planned


def _formats(req: JobRequest) -> list[str] | tuple[str, ...]:
    """The formats asked for: none given means the defaults; an empty list means none
    (only the summary)."""
    return DEFAULT_FORMATS if req.output.formats is None else req.output.formats


def run_job(
    request: JobRequest | dict[str, Any],
    *,
    site: Site | None = None,
    progress: Progress | None = None,
) -> JobOutcome:
    """Plan a job end to end and render its outputs in memory.

    Parameters
    ----------
    request : JobRequest or dict
        What to plan (a dict is validated as a JobRequest).
    site : Site, optional
        An already loaded site (the request's files are then not read).
    progress : callable, optional
        ``progress(fraction, message)``.

    Raises
    ------
    AirworkError
        Any refusal, with one clear line: bad request or parameters, unreadable or wrong
        input, an impossible aircraft, a plan that fails its pre-flight check, a format
        that cannot carry the mission.
    """
    say = _Progress(progress)
    req = request if isinstance(request, JobRequest) else JobRequest.parse(request)
    job_kind = get_kind(req.kind)
    params = _item_limit(parse_params(job_kind.Params, req.params, job_kind.name), req)
    for name in _formats(req):
        exporter(name)  # an unknown --format is refused before any planning
    choices = _aircraft(req, job_kind)
    check_aircraft = getattr(job_kind, "check_aircraft", None)
    for choice in choices if check_aircraft is not None else ():
        check_aircraft(choice.aircraft)  # a spreader asked to spray: before reading inputs
    say(0.02, "reading the site")
    site = site if site is not None else read_site(req, job_kind)
    air = _air(req, site)
    choices = [replace(c, aircraft=air.fly(c.aircraft)) for c in choices]
    conditions = Conditions(
        choices[0].aircraft,
        wind=site.wind,
        terrain=site.terrain,
        max_agl_m=req.conditions.max_agl_m,
    )
    say(0.08, "planning")
    planned, mission, block = _plan_and_check(req, job_kind, site, choices, params, conditions, say)
    mission = replace(
        mission,
        meta={**mission.meta, "planned_wind": _wind_record(site.wind), "planned_air": air.record()},
        station_names=station_names(mission, site),
    )
    say(0.9, "rendering outputs")
    files, summary = _render(req, job_kind, planned, mission, block)
    notes = (*site.notes, *_air_notes(air, choices), *_ignored(site, job_kind), *planned.notes)
    say(1.0, "done")
    return JobOutcome(
        job_kind.name,
        req.job_name,
        mission,
        summary,
        files,
        tuple(notes),
        job_kind.report(planned),
        planned,
    )


class _Progress:
    """Monotone progress reports to an optional callback."""

    def __init__(self, fn: Progress | None):
        self.fn = fn
        self.done = 0.0

    def __call__(self, fraction: float, message: str) -> None:
        self.done = max(self.done, min(max(float(fraction), 0.0), 1.0))
        if self.fn is not None:
            self.fn(self.done, message)

    def part(self, lo: float, hi: float) -> Progress:
        """A callback mapping a sub-task's 0..1 into ``lo..hi``."""
        return lambda f, m: self(lo + (hi - lo) * min(max(f, 0.0), 1.0), m)


def _air(req: JobRequest, site: Site) -> Air:
    """The job's air: its elevation and temperature, else the DEM's ground, else sea level
    (:mod:`airwork.flight.air`)."""
    c = req.conditions
    return job_air(
        c.elevation_m, c.air_temperature_c, site.terrain, [f.geometry for f in site.features]
    )


def _air_notes(air: Air, choices: list[AircraftChoice]) -> tuple[str, ...]:
    """A note when the air is not the standard sea-level air the aircraft are rated in,
    and one per aircraft left with little thrust for control at its largest payload."""
    if air.is_standard:
        return ()
    notes = [f"planned in {air.describe()}"]
    for c in choices:
        ac = c.aircraft
        margin = ac.lift_margin(ac.max_payload_kg)
        if margin < MIN_THRUST_TO_WEIGHT:
            notes.append(
                f"{ac.name}: in this air its thrust is {margin:.2f} × its weight at the largest "
                f"payload ({ac.max_payload_kg:g} kg), below {MIN_THRUST_TO_WEIGHT:.2f}: little "
                "thrust left for control; consider a lighter load"
            )
    return tuple(notes)


def _aircraft(req: JobRequest, job_kind: MissionKind) -> list[AircraftChoice]:
    specs = req.aircraft or [job_kind.default_aircraft]
    if len(specs) > 1 and not job_kind.fleet:
        raise RequestError(
            f"{job_kind.name} flies one aircraft, got {len(specs)}: {', '.join(specs)}"
        )
    return [parse_aircraft_choice(s, fleet=job_kind.fleet) for s in specs]


def read_site(req: JobRequest, job_kind: MissionKind) -> Site:
    """Load the request's site: its files, role files, airspace, obstacles, DEM and wind."""
    sources: list = list(req.site.files)
    for role, paths in req.site.role_files.items():
        sources += [(p, role) for p in paths]
    c = req.conditions
    return load_site(
        *sources,
        crs=req.site.crs,
        max_field_area_ha=req.site.max_field_ha,
        airspace=c.airspace,
        obstacles=c.obstacles,
        dem=c.dem,
        wind=Wind(c.wind_mps, c.wind_from_deg, tuple(tuple(b) for b in c.wind_bands)),
        unlabelled=req.site.unlabelled,
    )


_SAME_POINT_M = 1e-3
"""Planners copy the site's station and hub points into the mission: a mission station
this close to one is that feature (a copy of its coordinates, not a guess). [m]"""


def station_names(mission: Mission, site: Site) -> tuple[str | None, ...]:
    """The name (``name``, else ``id``) of the site's station or hub that each of the
    mission's stations is; None for a station the planner placed itself (no station given,
    a batch parcel's edge point) or a feature with no name; empty when none has a name."""
    named = [
        (f.geometry.x, f.geometry.y, _feature_name(f.properties))
        for f in site.of("station", "hub")
        if f.geometry.geom_type == "Point"
    ]
    names: list[str | None] = []
    for x, y in mission.stations:
        names.append(
            next(
                (n for fx, fy, n in named if math.hypot(fx - x, fy - y) <= _SAME_POINT_M),
                None,
            )
        )
    return tuple(names) if any(names) else ()


def _feature_name(props: dict[str, Any]) -> str | None:
    for key in ("name", "id"):
        value = props.get(key)
        if value is not None and str(value).strip():
            return str(value)
    return None


def _ignored(site: Site, job_kind: MissionKind) -> list[str]:
    """A note per role of the site the kind does not read."""
    counts: dict[str, int] = {}
    for f in site.features:
        if f.role not in job_kind.roles:
            counts[f.role] = counts.get(f.role, 0) + 1
    return [f"{n} {role} feature(s) ignored by a {job_kind.name} job" for role, n in counts.items()]


def _plan_and_check(req, job_kind, site, choices, params, conditions, say):
    first = choices[0].aircraft
    reserve = params.reserve_frac
    checked_craft = None if job_kind.fleet else first
    if checked_craft is not None and reserve is not None:
        checked_craft = checked_craft.with_reserve(reserve)
    attempts = [0]

    def plan(planning_reserve: float | None) -> Planned:
        attempts[0] += 1
        lo = 0.08 + 0.15 * (attempts[0] - 1)
        planned = job_kind.plan(
            site,
            choices,
            params,
            conditions,
            name=req.job_name,
            planning_reserve_frac=planning_reserve,
            progress=say.part(min(lo, 0.7), 0.8),
        )
        if not job_kind.fleet:  # the aircraft with the landing reserve, not the planning one
            craft = first if reserve is None else first.with_reserve(reserve)
            planned = replace(planned, mission=replace(planned.mission, aircraft=craft))
        return planned

    def check(mission: Mission, reports: list) -> tuple[Mission, dict[str, Any]]:
        say(0.82, "pre-flight check")
        profile = _profile(req)
        return safety_check(
            mission,
            checked_craft,
            site,
            req.conditions,
            autopilot=profile.firmware,
            profile=profile,
            wind_in_energy=True,
            report_out=reports,
        )

    return plan_checked(plan, check, aircraft=first, reserve_frac=reserve, replans=job_kind.replans)


def _render(req, job_kind, planned: Planned, mission: Mission, block: dict[str, Any]):
    spray = SprayOutput(servo=req.output.spray_servo)
    profile = _profile(req)
    options = ExportOptions(
        autopilot=profile.firmware,
        spray=spray,
        swath_m=planned.export.get("swath_m"),
        extra={**planned.export, "dji_aircraft": req.output.dji_aircraft},
        profile=profile,
    )
    formats = list(_formats(req))
    autopilot_files = {"qgc-plan", "waypoints", "qgc-plan-editable"} & set(formats)
    if profile.firmware is Autopilot.ARDUPILOT and autopilot_files and "param" not in formats:
        formats.append("param")  # the setup sheet every ArduPilot mission file relies on
    if not req.output.picture:
        formats = [f for f in formats if f != "png"]
    files = render(mission, formats, options)
    summary = dict(planned.summary)
    summary["preflight"] = block
    summary["autopilot"] = str(profile.firmware)
    summary["autopilot_profile"] = profile.name
    if job_kind.sprays:
        summary["spray_output"] = {
            "command": "DO_SET_SERVO (183)",
            "servo": spray.servo,
            "pwm_on_us": spray.pwm_on_us,
            "pwm_off_us": spray.pwm_off_us,
        }
    summary["altitude_reference"] = str(mission.altitude_ref)
    if "planned_air" in mission.meta:  # the air every power was priced in
        summary["air"] = mission.meta["planned_air"]
    summary["files"] = sorted([*files, "summary.json"])
    summary = _json_safe(summary)
    files["summary.json"] = json.dumps(summary, indent=2, allow_nan=False).encode()
    return files, summary


def _item_limit(params, req: JobRequest):
    """A kind that splits its flights on the mission-item limit takes the chosen autopilot
    profile's limit unless the request gives one (px4-1.15 stores 500 items,
    arducopter-4.6-sd 4,368)."""
    field = "max_mission_items"
    if field not in type(params).model_fields or field in params.model_fields_set:
        return params
    return params.model_copy(update={field: _profile(req).max_mission_items})


def _profile(req: JobRequest):
    """The autopilot profile of a request: the one named, else the firmware's default."""
    from airwork.autopilot.profiles import default_profile, load_profile

    if req.output.profile is not None:
        return load_profile(req.output.profile)
    return default_profile(req.output.autopilot)


def _wind_record(wind: Wind) -> dict[str, Any]:
    """The wind a mission's energies were priced in, as written into mission.geojson (a
    later ``airwork check`` in another wind adds only the difference)."""
    return {
        "speed_mps": float(wind.speed_mps),
        "from_deg": float(wind.from_deg),
        "bands": [list(map(float, b)) for b in wind.bands],
    }


def _json_safe(value: Any) -> Any:
    """Plain JSON values: numpy scalars as numbers, tuples as lists, NaN and infinity as
    null (strict JSON has neither)."""
    if isinstance(value, dict):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_json_safe(v) for v in value]
    if hasattr(value, "item") and not isinstance(value, str | bytes):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
