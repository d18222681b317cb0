"""``airwork plan powerline``: plan a power-line inspection and write every output.

Registered by ``cli/main.py`` (``plan.app.command("powerline")(powerline.powerline)``).
The job's roles are read by :func:`airwork.planners.powerline.powerline_problem`; this
module keeps only the options, the printing and the writing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import numpy as np
import typer
from rich.table import Table

from airwork.autopilot import Autopilot
from airwork.cli.check import (
    AirspaceOpt,
    DemOpt,
    ObstaclesOpt,
    SafetyOptions,
    WindFromOpt,
    WindOpt,
    _terrain,
    safety_check,
)
from airwork.cli.common import (
    AircraftOpt,
    OutOpt,
    OverwriteOpt,
    console,
    handle_errors,
    print_notes,
)
from airwork.cli.plan import AutopilotOpt, CrsOpt, FilesArg, ReserveOpt, StationOpt
from airwork.export.outputs import check_out_dir, png_picture, render_outputs, write_outputs
from airwork.geo.read import read_job
from airwork.planners.powerline import (
    PowerlineParams,
    PowerlineResult,
    on_terrain,
    plan_powerline,
    powerline_problem,
)

__all__ = ["powerline"]


def print_powerline(result: PowerlineResult, out: Path | None, notes: list[str]) -> None:
    """The table a person reads after planning."""
    table = Table(title=f"power-line plan: {result.mission.aircraft_name}")
    for col in (
        "flight",
        "line",
        "towers",
        "km",
        "spans",
        "photos",
        "min",
        "battery %",
        "from",
        "to",
        "drive km",
        "items",
    ):
        table.add_column(col, justify="right")
    for f in result.flights:
        table.add_row(
            str(f.sortie),
            f.line_id,
            f"{f.first_tower}..{f.last_tower}",
            f"{f.line_km:.2f}",
            str(f.spans),
            str(f.photos),
            f"{f.flight_time_s / 60:.1f}",
            f"{f.battery_frac * 100:.0f}",
            str(f.takeoff_station + 1),
            str(f.landing_station + 1),
            f"{f.drive_before_m / 1000:.2f}",
            str(f.mission_items),
        )
    table.add_section()
    table.add_row(
        "total",
        "",
        str(result.towers),
        f"{result.line_km:.2f}",
        str(result.spans),
        str(result.photos),
        f"{result.flight_time_s / 60:.1f}",
        "",
        "",
        "",
        f"{result.drive_m / 1000:.2f}",
        "",
    )
    console.print(table)
    std = f"standoff {result.standoff_m:.0f} m; " if result.standoff_m else ""
    console.print(
        f"modes {', '.join(result.modes)}; clearance {result.clearance_m:.2f} m; track "
        f"{result.lateral_offset_m:.1f} m from the line; {std}crew time "
        f"{result.crew_time_s / 3600:.2f} h with {result.crew_moves} crew move(s): "
        f"{result.km_per_crew_day:.1f} km of line per {result.workday_h:g} h crew-day; "
        f"planned in {result.runtime_s * 1000:.0f} ms",
        highlight=False,
    )
    print_notes((*notes, *result.warnings), out)


@handle_errors
def powerline(
    files: FilesArg,
    aircraft: AircraftOpt = "inspector-quad",
    mode: Annotated[
        list[str] | None,
        typer.Option("--mode", "-m", help="corridor, towers, mapping (repeat for several)."),
    ] = None,
    sides: Annotated[
        str, typer.Option("--sides", help="Corridor sides: both, left, right.")
    ] = "both",
    voltage_kv: Annotated[
        float | None, typer.Option("--voltage-kv", help="Line voltage when towers carry none.")
    ] = None,
    clearance_m: Annotated[
        float | None,
        typer.Option("--clearance-m", help="Clearance from conductors (m); default by voltage."),
    ] = None,
    gps_margin_m: Annotated[
        float, typer.Option("--gps-margin-m", help="Added to the tabulated clearance (m).")
    ] = 2.0,
    standoff_m: Annotated[
        float | None, typer.Option("--standoff-m", help="Vantage distance from towers (m).")
    ] = None,
    vantage_per_side: Annotated[
        int, typer.Option("--vantage-per-side", help="Vantage positions per side (1-3).")
    ] = 2,
    corridor_offset_m: Annotated[
        float | None, typer.Option("--corridor-offset-m", help="Corridor track offset (m).")
    ] = None,
    front_overlap: Annotated[
        float, typer.Option("--front-overlap", help="Corridor photo overlap (share).")
    ] = 0.3,
    zoom: Annotated[float, typer.Option("--zoom", help="Camera zoom factor.")] = 1.0,
    sag_frac: Annotated[
        float, typer.Option("--sag-frac", help="Default sag as a share of the span.")
    ] = 0.03,
    mapping_gsd_cm: Annotated[
        float | None, typer.Option("--mapping-gsd-cm", help="Mapping GSD (cm/px).")
    ] = None,
    mapping_width_m: Annotated[
        float | None,
        typer.Option(
            "--mapping-width-m", help="Mapped strip width (m); default --row-width-m or 40."
        ),
    ] = None,
    row_width_m: Annotated[
        float | None,
        typer.Option("--row-width-m", help="Right-of-way width when no polygon is given (m)."),
    ] = None,
    max_altitude_m: Annotated[
        float, typer.Option("--max-altitude-m", help="Ceiling above ground (m).")
    ] = 120.0,
    swap_time_s: Annotated[
        float, typer.Option("--swap-time-s", help="Battery swap between flights (s).")
    ] = 300.0,
    drive_speed_kmh: Annotated[
        float, typer.Option("--drive-speed-kmh", help="Crew driving speed (km/h).")
    ] = 40.0,
    road_factor: Annotated[
        float, typer.Option("--road-factor", help="Road / straight-line distance.")
    ] = 1.3,
    workday_h: Annotated[float, typer.Option("--workday-h", help="Crew working day (h).")] = 8.0,
    out: OutOpt = Path("airwork-out"),
    overwrite: OverwriteOpt = False,
    stations: StationOpt = None,
    crs: CrsOpt = None,
    autopilot: AutopilotOpt = Autopilot.ARDUPILOT,
    reserve: ReserveOpt = None,
    airspace: AirspaceOpt = None,
    dem: DemOpt = None,
    obstacles: ObstaclesOpt = None,
    wind_mps: WindOpt = 0.0,
    wind_from_deg: WindFromOpt = 0.0,
) -> None:
    """Plan a power-line inspection: corridor imagery, tower vantage points and/or a
    mapping strip, in battery-sized flights from road-side stations.

    Before anything is written the plan goes through the same preflight check as every
    airwork plan (``airwork check``): geofence, no-fly zones (``--airspace``), height above
    the ground (``--dem``, ``--max-altitude-m``), tall obstacles, battery in the wind."""
    params = PowerlineParams(
        modes=tuple(mode) if mode else ("corridor", "towers"),
        sides=sides,
        voltage_kv=voltage_kv,
        clearance_m=clearance_m,
        gps_margin_m=gps_margin_m,
        standoff_m=standoff_m,
        vantage_per_side=vantage_per_side,
        corridor_offset_m=corridor_offset_m,
        front_overlap=front_overlap,
        zoom=zoom,
        mapping_gsd_cm=mapping_gsd_cm,
        mapping_width_m=mapping_width_m,
        row_width_m=row_width_m,
        max_altitude_m=max_altitude_m,
        reserve_frac=reserve,
        swap_time_s=swap_time_s,
        drive_speed_kmh=drive_speed_kmh,
        road_factor=road_factor,
        workday_h=workday_h,
    )
    out_dir = check_out_dir(out, overwrite=overwrite)
    sources: list = list(files) + [(p, "station") for p in stations or []]
    job = read_job(*sources, crs=crs)
    problem, notes = powerline_problem(job, aircraft, Path(files[0]).stem, sag_frac=sag_frac)
    if dem is not None:
        pts = np.vstack([*(ln.xy_m for ln in problem.lines), np.asarray(problem.stations)])
        bounds = (*pts.min(axis=0), *pts.max(axis=0))
        problem = on_terrain(problem, _terrain(dem, problem.frame, bounds))
    result = plan_powerline(problem, params)
    safety = SafetyOptions(
        airspace=tuple(airspace or ()),
        dem=dem,
        obstacles=tuple(obstacles or ()),
        wind_mps=wind_mps,
        wind_from_deg=wind_from_deg,
        max_agl_m=max_altitude_m,
        crs=crs,
    )
    mission, block = safety_check(result.mission, problem.aircraft, safety, autopilot=autopilot)
    rendered = render_outputs(
        mission,
        {**result.summary(), "preflight": block},
        autopilot=autopilot,
        picture=png_picture(None),
    )
    write_outputs(rendered, out_dir, overwrite=overwrite)
    print_powerline(result, out_dir, notes)
