"""``airwork check``: check a mission against airspace, terrain, obstacles, battery and wind.

Exit codes: 0 when the mission is clean, 3 when it has violations, 1 on bad input (a clear
one-line error, no traceback), 2 only for an internal error (see
:func:`airwork.cli.common.handle_errors`).

The option types and :func:`safety_check` here are shared with the ``plan`` commands, which
run the same check (:func:`airwork.airspace.check.preflight`) before writing any file.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any

import typer

from airwork.aircraft import load_aircraft
from airwork.aircraft.model import Aircraft
from airwork.airspace.check import CheckConfig, CheckReport, check_flight, preflight, require_clear
from airwork.airspace.terrain_follow import terrain_follow_mission
from airwork.airspace.tracks import FlightInput, read_flight
from airwork.autopilot import Autopilot
from airwork.cli.common import console, err_console, handle_errors
from airwork.geo.frame import LocalFrame
from airwork.mission.model import Mission
from airwork.site.terrain import Terrain, read_dem
from airwork.site.wind import Wind, parse_wind_band
from airwork.site.zones import Zone, read_airspace, read_obstacles

__all__ = ["SafetyOptions", "check", "plan_checked", "safety_check"]

VIOLATION_EXIT = 3

AirspaceOpt = Annotated[
    list[Path] | None,
    typer.Option(
        "--airspace",
        help="Geofences / no-fly zones (roles geofence, no_fly; floor_m, ceiling_m, "
        "altitude_ref agl|amsl; circles as Point + radius_m).",
    ),
]
DemOpt = Annotated[
    Path | None, typer.Option("--dem", help="Terrain GeoTIFF (any CRS); default flat ground.")
]
ObstaclesOpt = Annotated[
    list[Path] | None,
    typer.Option("--obstacles", help="Tall obstacles (Points/Lines/Polygons with height_m)."),
]
WindOpt = Annotated[float, typer.Option("--wind-mps", help="Wind speed (m/s).")]
WindFromOpt = Annotated[
    float, typer.Option("--wind-from-deg", help="Wind direction it blows from (° from north).")
]
WindBandOpt = Annotated[
    list[str] | None,
    typer.Option("--wind-band", help="Wind per height band TOP_M:SPEED_MPS:FROM_DEG (repeatable)."),
]
MaxAglOpt = Annotated[float, typer.Option("--max-agl-m", help="Height limit above the ground (m).")]
MinAglOpt = Annotated[
    float, typer.Option("--min-agl-m", help="Minimum height above the ground in flight (m).")
]
FollowOpt = Annotated[
    bool,
    typer.Option(
        "--terrain-follow",
        help="Fly the planned heights above the DEM's ground (needs --dem); exported "
        "above take-off.",
    ),
]
FollowTolOpt = Annotated[
    float, typer.Option("--follow-tolerance-m", help="Terrain-following tolerance (m).")
]


@dataclass(frozen=True)
class SafetyOptions:
    """The safety options a ``plan`` command passes to :func:`safety_check`."""

    airspace: tuple[Path, ...] = ()
    dem: Path | None = None
    obstacles: tuple[Path, ...] = ()
    wind_mps: float = 0.0
    wind_from_deg: float = 0.0
    max_agl_m: float = 120.0
    terrain_follow: bool = False
    follow_tolerance_m: float = 1.0
    crs: str | None = None
    wind_in_energy: bool = False


def _terrain(dem: Path | None, frame: LocalFrame, bounds, pad_m: float = 200.0) -> Terrain | None:
    if dem is None:
        return None
    xmin, ymin, xmax, ymax = bounds
    return read_dem(dem, frame, bounds_m=(xmin - pad_m, ymin - pad_m, xmax + pad_m, ymax + pad_m))


def _mission_bounds(mission: Mission) -> tuple[float, float, float, float]:
    import numpy as np

    xy = np.vstack([s.xy_m for s in mission.sorties] or [np.zeros((1, 2))])
    return (xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max())


def wind_transit_speed_mps(aircraft: Aircraft, options: SafetyOptions | None) -> float | None:
    r"""A transit speed the aircraft can hold into the given wind, when its usual one can't.

    Commanded speeds are ground speeds (ArduPilot's ``WPNAV_SPEED``); into a headwind
    :math:`w` the airspeed is :math:`v + w`, so the default transit speed
    :math:`\min(v_{cruise}, v_{max})` is lowered to :math:`v_{max} - w` (not below 2 m/s:
    below that the preflight's speed and wind checks say why the job can't fly). [m/s]
    """
    if options is None or options.wind_mps <= 0:
        return None
    usual = min(aircraft.cruise_speed_mps, aircraft.max_speed_mps)
    cap = aircraft.max_speed_mps - options.wind_mps
    if cap >= usual:
        return None
    return max(cap, 2.0)


def mission_no_fly_zones(mission: Mission) -> list[Zone]:
    """The job's own no-fly zones (features with role ``no_fly`` that a planner carried in
    the mission), with their ``floor_m`` / ``ceiling_m`` / ``altitude_ref`` if given: the
    preflight checks the plan against them too, not only against ``--airspace`` files."""
    out = []
    for k, f in enumerate(mission.features):
        if f.role != "no_fly" or f.geometry is None or f.geometry.area <= 0:
            continue
        p = f.properties or {}

        def num(key: str, default: float, p=p) -> float:
            v = p.get(key)
            return default if v is None or v == "" else float(v)

        name = p.get("id") or p.get("name") or f"#{k + 1}"
        out.append(
            Zone(
                f.geometry,
                inclusion=False,
                floor_m=num("floor_m", -math.inf),
                ceiling_m=num("ceiling_m", math.inf),
                altitude_ref=str(p.get("altitude_ref") or "agl").lower(),
                name=f"no-fly zone {name} of the job",
            )
        )
    return out


def safety_check(
    mission: Mission,
    aircraft: Aircraft,
    options: SafetyOptions | None = None,
    *,
    autopilot: Autopilot = Autopilot.ARDUPILOT,
    report_out: list | None = None,
) -> tuple[Mission, dict[str, Any]]:
    """Terrain-follow (if asked) and preflight-check a planned mission before export.

    Returns
    -------
    (Mission, dict)
        The mission to write (terrain-followed or as planned) and a ``preflight`` block for
        ``summary.json``.  ``report_out``, if given, receives the CheckReport first (so a
        caller can look at the violations of a refused mission).

    Raises
    ------
    InfeasibleMissionError
        The mission has violations (listed).
    GeometryError, InputFileError, CRSError
        Bad airspace, obstacle or DEM input.
    """
    opts = options or SafetyOptions()
    frame = mission.frame
    zones, obstacles = read_airspace(list(opts.airspace), frame, crs=opts.crs)
    zones += mission_no_fly_zones(mission)
    obstacles += read_obstacles(list(opts.obstacles), frame, crs=opts.crs)
    if opts.terrain_follow and opts.dem is None:
        from airwork.errors import InputFileError

        raise InputFileError("--terrain-follow needs a terrain: give --dem FILE")
    terrain = _terrain(opts.dem, frame, _mission_bounds(mission))
    follow_info = None
    if opts.terrain_follow and terrain is not None:
        mission, follow_info = terrain_follow_mission(
            mission, terrain, aircraft, tolerance_m=opts.follow_tolerance_m
        )
    elif terrain is not None:
        import numpy as np

        s0 = mission.sorties[0].xy_m[0] if mission.sorties else np.zeros(2)
        home = float(terrain.elevation_m(s0[:1], s0[1:])[0])
        if np.isfinite(home):
            from dataclasses import replace

            mission = replace(mission, home_amsl_m=home)
    config = CheckConfig(
        zones=tuple(zones),
        obstacles=tuple(obstacles),
        terrain=terrain,
        wind=Wind(opts.wind_mps, opts.wind_from_deg),
        aircraft=aircraft,
        max_agl_m=opts.max_agl_m,
        autopilot=autopilot,
        wind_in_energy=opts.wind_in_energy,
    )
    report = preflight(mission, config)
    if report_out is not None:
        report_out.append(report)
    require_clear(report)
    block: dict[str, Any] = {
        "ok": report.ok,
        "samples": report.samples,
        "terrain": report.terrain,
        "zones": len(zones),
        "obstacles": len(obstacles),
        "wind_mps": opts.wind_mps,
        "max_agl_m": opts.max_agl_m,
        "notes": report.notes,
    }
    if follow_info is not None:
        block["terrain_following"] = follow_info
    return mission, block


def plan_checked(
    plan: Callable[[float | None], Any],
    aircraft: Aircraft,
    options: SafetyOptions | None,
    *,
    reserve_frac: float | None,
    autopilot: Autopilot = Autopilot.ARDUPILOT,
    tries: int = 4,
) -> tuple[Any, Mission, dict[str, Any]]:
    """Plan, terrain-follow if asked, and preflight-check: the planners' CLI entry.

    Planners split sorties for flat ground; the climbs that terrain following adds can then
    push a sortie past the battery.  When that is the only violation, the job is planned
    again with a planning reserve enlarged by the worst sortie's overrun,
    :math:`r' = 1 - (1 - r) / \\max_s(E_s / E_{budget})`, and the mission keeps the true
    landing reserve ``r`` for the check, until it fits (at most ``tries`` plans).

    Parameters
    ----------
    plan : callable
        ``plan(reserve_frac or None) -> result`` with a ``.mission``.
    aircraft : Aircraft
    options : SafetyOptions or None
    reserve_frac : float or None
        The user's landing reserve (None: the aircraft's).
    autopilot : Autopilot

    Returns
    -------
    (result, Mission, dict)
        The planner result, the mission to write and the ``preflight`` summary block.
    """
    from dataclasses import replace as _replace

    from airwork.errors import InfeasibleMissionError

    base = aircraft.reserve_frac if reserve_frac is None else float(reserve_frac)
    planning = reserve_frac
    for attempt in range(tries):
        result = plan(planning)
        mission = _replace(result.mission, reserve_frac=base)
        reports: list = []
        try:
            mission, block = safety_check(
                mission, aircraft, options, autopilot=autopilot, report_out=reports
            )
        except InfeasibleMissionError:
            following = options is not None and options.terrain_follow
            report = reports[-1] if reports else None
            only_energy = report is not None and {v.kind for v in report.violations} == {"energy"}
            if not (following and only_energy) or attempt == tries - 1:
                raise
            worst = max(s.get("battery_frac_of_budget") or 0.0 for s in report.sorties)
            current = base if planning is None else planning
            planning = min(1.0 - (1.0 - current) / (worst * 1.02), 0.85)
            continue
        if planning is not None and planning != reserve_frac:
            block["planning_reserve_frac"] = round(planning, 4)
        return result, mission, block
    raise AssertionError("unreachable")  # pragma: no cover


def print_report(report: CheckReport, limit: int = 50) -> None:
    if report.ok:
        console.print(
            f"[bold green]clean:[/] {report.mission}: no violation in {report.samples} samples "
            f"({report.terrain}), checked in {report.runtime_s * 1000:.0f} ms",
            highlight=False,
        )
    else:
        console.print(
            f"[bold red]{len(report.violations)} violation(s)[/] in {report.mission} "
            f"({', '.join(f'{n} {k}' for k, n in report.counts().items())}); "
            f"{report.samples} samples, {report.terrain}",
            highlight=False,
        )
        for v in report.violations[:limit]:
            console.print(
                f"  [bold]{v.kind}[/] sortie {v.sortie} item {v.item} "
                f"({v.lat_deg:.6f}, {v.lon_deg:.6f}): {v.message}",
                highlight=False,
                soft_wrap=True,
            )
        if len(report.violations) > limit:
            console.print(f"... and {len(report.violations) - limit} more (use --json)")
    for s in report.sorties:
        if "energy_wh" in s:
            console.print(
                f"sortie {s['sortie']}: {s['energy_wh']:.0f} Wh of {s['budget_wh']:.0f} Wh "
                f"above reserve; height above ground up to {s['max_agl_m']:.1f} m",
                highlight=False,
            )
    for n in report.notes:
        err_console.print(f"[yellow]note:[/] {n}", highlight=False)


@handle_errors
def check(
    mission: Annotated[
        Path, typer.Argument(help="mission.geojson (airwork), .plan or .waypoints file.")
    ],
    airspace: AirspaceOpt = None,
    dem: DemOpt = None,
    obstacles: ObstaclesOpt = None,
    aircraft: Annotated[
        str | None,
        typer.Option("--aircraft", "-a", help="Preset or YAML (battery, wind and speed limits)."),
    ] = None,
    wind_mps: WindOpt = 0.0,
    wind_from_deg: WindFromOpt = 0.0,
    wind_band: WindBandOpt = None,
    max_agl_m: MaxAglOpt = 120.0,
    min_agl_m: MinAglOpt = 0.5,
    clearance_m: Annotated[
        float, typer.Option("--clearance-m", help="Horizontal clearance from obstacles (m).")
    ] = 5.0,
    vertical_clearance_m: Annotated[
        float,
        typer.Option("--vertical-clearance-m", help="Clearance above obstacle tops (m)."),
    ] = 5.0,
    autopilot: Annotated[
        Autopilot, typer.Option("--autopilot", help="Autopilot the commands must suit.")
    ] = Autopilot.ARDUPILOT,
    payload_kg: Annotated[
        float | None, typer.Option("--payload-kg", help="Payload of an imported mission (kg).")
    ] = None,
    ground_m: Annotated[
        float | None,
        typer.Option("--ground-m", help="Flat ground elevation AMSL without --dem (m)."),
    ] = None,
    speed_mps: Annotated[
        float, typer.Option("--speed-mps", help="Speed before any DO_CHANGE_SPEED (m/s).")
    ] = 5.0,
    step_m: Annotated[float, typer.Option("--step-m", help="Sampling step along legs (m).")] = 1.0,
    crs: Annotated[
        str | None, typer.Option("--crs", help="CRS of airspace files that carry none.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """Check a mission: geofence, no-fly zones, height above ground, terrain and obstacle
    clearance, battery with reserve and wind, wind and speed limits, autopilot commands."""
    flight: FlightInput = read_flight(mission, default_speed_mps=speed_mps)
    zones, obst = read_airspace(list(airspace or []), flight.frame, crs=crs)
    obst += read_obstacles(list(obstacles or []), flight.frame, crs=crs)
    bounds = flight.bounds_m()
    terrain = _terrain(dem, flight.frame, bounds, pad_m=200.0 + clearance_m)
    craft = load_aircraft(aircraft) if aircraft else None
    bands = tuple(parse_wind_band(b) for b in wind_band or [])
    config = CheckConfig(
        zones=tuple(zones),
        obstacles=tuple(obst),
        terrain=terrain,
        wind=Wind(wind_mps, wind_from_deg, bands),
        aircraft=craft,
        max_agl_m=max_agl_m,
        min_agl_m=min_agl_m,
        obstacle_clearance_m=clearance_m,
        obstacle_vertical_clearance_m=vertical_clearance_m,
        autopilot=autopilot,
        step_m=step_m,
        payload_kg=payload_kg,
        ground_amsl_m=ground_m,
    )
    report = check_flight(flight, config)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, allow_nan=False))
    else:
        print_report(report)
    if not report.ok:
        raise typer.Exit(VIOLATION_EXIT)
