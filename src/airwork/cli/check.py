"""``airwork check``: check a mission against airspace, terrain, obstacles, battery and wind.

Exit codes: 0 when the mission is clean, 3 when it has violations, 1 on bad input (a clear
one-line error, no traceback), 2 only for an internal error.  The ``plan`` commands run the
same check (:mod:`airwork.jobs.preflight`) before writing any file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from airwork.autopilot.firmware import Autopilot
from airwork.cli.common import console, err_console, handle_errors

__all__ = ["check"]

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
    float,
    typer.Option("--wind-from-deg", help="Direction the wind blows from, ° clockwise from north."),
]
WindBandOpt = Annotated[
    list[str] | None,
    typer.Option("--wind-band", help="Wind per height band TOP_M:SPEED_MPS:FROM_DEG (repeatable)."),
]
MaxAglOpt = Annotated[float, typer.Option("--max-agl-m", help="Height limit above the ground (m).")]
MinAglOpt = Annotated[
    float, typer.Option("--min-agl-m", help="Minimum height above the ground in flight (m).")
]


def _terrain(dem: Path | None, frame, bounds, pad_m: float = 200.0):
    if dem is None:
        return None
    from airwork.site.terrain import read_dem

    xmin, ymin, xmax, ymax = bounds
    return read_dem(dem, frame, bounds_m=(xmin - pad_m, ymin - pad_m, xmax + pad_m, ymax + pad_m))


def print_report(report, limit: int = 50) -> None:
    if report.ok:
        console.print(
            f"[bold green]clean:[/] {escape(report.mission)}: no violation in "
            f"{report.samples} samples "
            f"({escape(report.terrain)}), checked in {report.runtime_s * 1000:.0f} ms",
            highlight=False,
        )
    else:
        console.print(
            f"[bold red]{len(report.violations)} violation(s)[/] in {escape(report.mission)} "
            f"({', '.join(f'{n} {k}' for k, n in report.counts().items())}); "
            f"{report.samples} samples, {escape(report.terrain)}",
            highlight=False,
        )
        for v in report.violations[:limit]:
            console.print(
                f"  [bold]{v.kind}[/] sortie {v.sortie} item {v.item} "
                f"({v.lat_deg:.6f}, {v.lon_deg:.6f}): {escape(v.message)}",
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
        err_console.print(f"[yellow]note:[/] {escape(n)}", highlight=False)


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
    autopilot_profile: Annotated[
        str | None,
        typer.Option(
            "--autopilot-profile",
            help="Autopilot profile the mission is for: bundled name (arducopter-4.6, "
            "arducopter-4.6-sd, arducopter-4.6-tilt, px4-1.15, ...) or a YAML file; its "
            "storage limits and devices are checked and it sets the firmware.",
        ),
    ] = None,
    payload_kg: Annotated[
        float | None, typer.Option("--payload-kg", help="Payload of an imported mission (kg).")
    ] = None,
    ground_m: Annotated[
        float | None,
        typer.Option("--ground-m", help="Flat ground elevation AMSL without --dem (m)."),
    ] = None,
    air_temperature_c: Annotated[
        float | None,
        typer.Option(
            "--air-temperature-c",
            help="Air temperature (°C) a named aircraft flies in; default ISA at the ground.",
        ),
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
    from airwork.aircraft import load_aircraft
    from airwork.airspace.check import CheckConfig, check_flight
    from airwork.airspace.tracks import read_flight
    from airwork.autopilot.profiles import load_profile
    from airwork.jobs.request import CheckRequest
    from airwork.site.load import read_airspace, read_obstacles
    from airwork.site.wind import Wind, parse_wind_band

    opts = CheckRequest.parse(
        {
            "wind_mps": wind_mps,
            "wind_from_deg": wind_from_deg,
            "wind_bands": [parse_wind_band(b) for b in wind_band or []],
            "max_agl_m": max_agl_m,
            "min_agl_m": min_agl_m,
            "clearance_m": clearance_m,
            "vertical_clearance_m": vertical_clearance_m,
            "payload_kg": payload_kg,
            "ground_m": ground_m,
            "air_temperature_c": air_temperature_c,
            "speed_mps": speed_mps,
            "step_m": step_m,
        }
    )
    flight = read_flight(mission, default_speed_mps=opts.speed_mps)
    zones, obst = read_airspace(list(airspace or []), flight.frame, crs=crs)
    obst += read_obstacles(list(obstacles or []), flight.frame, crs=crs)
    bounds = flight.bounds_m()
    terrain = _terrain(dem, flight.frame, bounds, pad_m=200.0 + opts.clearance_m)
    craft = load_aircraft(aircraft) if aircraft else None
    profile = load_profile(autopilot_profile) if autopilot_profile else None
    if profile is not None:
        autopilot = profile.firmware
    config = CheckConfig(
        zones=tuple(zones),
        obstacles=tuple(obst),
        terrain=terrain,
        wind=Wind(opts.wind_mps, opts.wind_from_deg, tuple(opts.wind_bands)),
        aircraft=craft,
        max_agl_m=opts.max_agl_m,
        min_agl_m=opts.min_agl_m,
        obstacle_clearance_m=opts.clearance_m,
        obstacle_vertical_clearance_m=opts.vertical_clearance_m,
        autopilot=autopilot,
        profile=profile,
        step_m=opts.step_m,
        payload_kg=opts.payload_kg,
        ground_amsl_m=opts.ground_m,
        air_temperature_c=opts.air_temperature_c,
    )
    report = check_flight(flight, config)
    if as_json:
        typer.echo(json.dumps(report.to_dict(), indent=2, allow_nan=False))
    else:
        print_report(report)
    if not report.ok:
        raise typer.Exit(VIOLATION_EXIT)
