"""``airwork plan survey``: plan a mapping survey and write every output.

The command is registered by the ``plan`` group (``plan.app.command("survey")(survey)``);
this module imports shared options from :mod:`airwork.cli.plan`, so the registration must
happen where both modules are already imported (e.g. ``cli/main.py``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import shapely
import typer
from rich.table import Table

from airwork.aircraft import load_aircraft
from airwork.autopilot import Autopilot
from airwork.cli.check import (
    AirspaceOpt,
    DemOpt,
    FollowOpt,
    FollowTolOpt,
    MaxAglOpt,
    ObstaclesOpt,
    SafetyOptions,
    WindFromOpt,
    WindOpt,
    plan_checked,
)
from airwork.cli.common import (
    AircraftOpt,
    OutOpt,
    OverwriteOpt,
    console,
    handle_errors,
    print_notes,
)
from airwork.cli.plan import (
    AutopilotOpt,
    ClearanceOpt,
    CrsOpt,
    FilesArg,
    MaxFieldOpt,
    ReserveOpt,
    SpeedOpt,
    StationOpt,
    job_from_files,
    job_stations,
)
from airwork.errors import GeometryError
from airwork.export.outputs import check_out_dir, png_picture, render_outputs, write_outputs
from airwork.mission.model import Feature
from airwork.planners.survey import (
    MAX_ALTITUDE_M,
    SurveyParams,
    SurveyProblem,
    SurveyResult,
    plan_survey,
)
from airwork.site import Site

GsdOpt = Annotated[
    float | None,
    typer.Option("--gsd-cm", help="Ground sample distance (cm/px); sets the altitude."),
]
AltitudeOpt = Annotated[
    float | None,
    typer.Option(
        "--altitude-m",
        help=f"Survey altitude above take-off (m), at most {MAX_ALTITUDE_M:g}; default 80.",
    ),
]
FrontOpt = Annotated[
    float, typer.Option("--front-overlap", help="Front overlap (share, 0 to 0.95).")
]
SideOpt = Annotated[float, typer.Option("--side-overlap", help="Side overlap (share, 0 to 0.95).")]
CrosshatchOpt = Annotated[
    bool, typer.Option("--crosshatch", help="Fly a second grid at 90° after the first.")
]
LineAngleOpt = Annotated[
    float | None,
    typer.Option(
        "--angle-deg",
        help="Line direction (° counter-clockwise from east); default the quickest to fly.",
    ),
]


def survey_problem(
    job: Site, aircraft: str, name: str, clearance_m: float = 5.0
) -> tuple[SurveyProblem, list[str]]:
    """Turn a read job into a survey problem: the fields are the area to map, obstacles are
    avoided with ``clearance_m``."""
    notes: list[str] = []
    if not job.fields:
        raise GeometryError("the job has no feature with role 'field' (the area to map)")
    area = shapely.union_all([f.geometry for f in job.fields])
    obstacles = shapely.union_all([f.geometry for f in job.obstacles]) if job.obstacles else None
    if job.no_spray:
        notes.append(f"{len(job.no_spray)} no-spray zone(s) ignored: a survey sprays nothing")
    stations = job_stations(job, area, notes)
    features = tuple(
        Feature(f.role, f.geometry, dict(f.properties))
        for f in (*job.fields, *job.obstacles, *job.stations)
    )
    problem = SurveyProblem(
        area=area,
        stations=stations,
        aircraft=load_aircraft(aircraft),
        frame=job.frame,
        features=features,
        obstacles=obstacles,
        clearance_m=clearance_m,
        name=name,
    )
    return problem, notes


def print_survey(result: SurveyResult, out: Path | None, notes: list[str]) -> None:
    """The summary table a person reads after planning."""
    table = Table(title=f"survey plan: {result.mission.aircraft_name}")
    for col in (
        "sortie",
        "photos",
        "flight min",
        "energy Wh",
        "battery %",
        "camera km",
        "total km",
    ):
        table.add_column(col, justify="right")
    for r in result.sorties:
        table.add_row(
            str(r.sortie),
            str(r.photos),
            f"{r.flight_time_s / 60:.1f}",
            f"{r.energy_wh:.0f}",
            f"{r.battery_frac * 100:.0f}",
            f"{r.camera_distance_m / 1000:.2f}",
            f"{r.distance_m / 1000:.2f}",
        )
    table.add_section()
    table.add_row(
        "total",
        str(result.photo_count),
        f"{result.flight_time_s / 60:.1f}",
        f"{result.energy_wh:.0f}",
        "",
        f"{result.camera_path_m / 1000:.2f}",
        f"{result.path_length_m / 1000:.2f}",
    )
    console.print(table)
    console.print(
        f"{result.area_ha:.2f} ha at GSD {result.gsd_m * 100:.2f} cm/px from "
        f"{result.altitude_m:.1f} m; footprint {result.footprint_across_m:.0f} x "
        f"{result.footprint_along_m:.0f} m; {result.line_count} lines "
        f"{result.line_spacing_m:.1f} m apart at {result.angle_deg:.1f}° in "
        f"{result.cell_count} cell(s)"
        f"{' (crosshatch)' if result.crosshatch else ''}; a photo every "
        f"{result.trigger_distance_m:.1f} m at {result.speed_mps:.2f} m/s; planned in "
        f"{result.runtime_s * 1000:.0f} ms",
        highlight=False,
    )
    print_notes((*notes, *result.warnings), out)


@handle_errors
def survey(
    files: FilesArg,
    aircraft: AircraftOpt = "mapper-quad",
    gsd_cm: GsdOpt = None,
    altitude_m: AltitudeOpt = None,
    front_overlap: FrontOpt = 0.75,
    side_overlap: SideOpt = 0.70,
    crosshatch: CrosshatchOpt = False,
    angle_deg: LineAngleOpt = None,
    speed_mps: SpeedOpt = None,
    out: OutOpt = Path("airwork-out"),
    overwrite: OverwriteOpt = False,
    stations: StationOpt = None,
    crs: CrsOpt = None,
    max_field_ha: MaxFieldOpt = 5000.0,
    autopilot: AutopilotOpt = Autopilot.ARDUPILOT,
    reserve: ReserveOpt = None,
    clearance_m: ClearanceOpt = 5.0,
    airspace: AirspaceOpt = None,
    dem: DemOpt = None,
    obstacles: ObstaclesOpt = None,
    wind_mps: WindOpt = 0.0,
    wind_from_deg: WindFromOpt = 0.0,
    max_agl_m: MaxAglOpt = 120.0,
    terrain_follow: FollowOpt = False,
    follow_tolerance_m: FollowTolOpt = 1.0,
) -> None:
    """Plan a mapping survey: photo lines from GSD and overlaps, camera trigger by
    distance, sorties by battery."""
    params = SurveyParams(
        gsd_cm=gsd_cm,
        altitude_m=altitude_m,
        front_overlap=front_overlap,
        side_overlap=side_overlap,
        crosshatch=crosshatch,
        angle_deg=angle_deg,
        speed_mps=speed_mps,
        reserve_frac=reserve,
    )
    out_dir = check_out_dir(out, overwrite=overwrite)
    job = job_from_files(files, stations, None, crs, max_field_ha)
    problem, notes = survey_problem(job, aircraft, Path(files[0]).stem, clearance_m)
    safety = SafetyOptions(
        tuple(airspace or ()),
        dem,
        tuple(obstacles or ()),
        wind_mps,
        wind_from_deg,
        max_agl_m,
        terrain_follow,
        follow_tolerance_m,
        crs,
    )
    result, mission, preflight = plan_checked(
        lambda r: plan_survey(problem, replace(params, reserve_frac=r)),
        problem.aircraft,
        safety,
        reserve_frac=params.reserve_frac,
        autopilot=autopilot,
    )
    rendered = render_outputs(
        mission,
        {**result.summary(), "preflight": preflight},
        autopilot=autopilot,
        picture=png_picture(None),
    )
    write_outputs(rendered, out_dir, overwrite=overwrite)
    print_survey(result, out_dir, notes)
