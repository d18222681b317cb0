"""``airwork plan spray|spread``: plan a field job and write every output."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated

import shapely
import typer
from rich.table import Table

from airwork.aircraft import load_aircraft
from airwork.autopilot import Autopilot, SprayOutput
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
    wind_transit_speed_mps,
)
from airwork.cli.common import (
    AircraftOpt,
    OutOpt,
    OverwriteOpt,
    console,
    handle_errors,
    print_notes,
)
from airwork.errors import GeometryError
from airwork.export.outputs import check_out_dir, png_picture, render_outputs, write_outputs
from airwork.mission.model import Feature
from airwork.planners.fieldwork.spray import SprayParams, SprayProblem, SprayResult, plan_spray
from airwork.site import Site, load_site

app = typer.Typer(help="Plan a job and write its mission files.", no_args_is_help=True)

FilesArg = Annotated[
    list[Path],
    typer.Argument(
        help="Site file(s): GeoJSON, KML/KMZ, Shapefile, GeoPackage or WKT, with "
        "features whose 'role' is field, obstacle, no_spray or station."
    ),
]
StationOpt = Annotated[
    list[Path] | None, typer.Option("--stations", help="File of station points (role forced).")
]
NoSprayOpt = Annotated[
    list[Path] | None, typer.Option("--no-spray", help="File of no-spray zones (role forced).")
]
CrsOpt = Annotated[
    str | None, typer.Option("--crs", help="CRS of files that carry none, e.g. EPSG:2154.")
]
AutopilotOpt = Annotated[
    Autopilot, typer.Option("--autopilot", help="Target of .plan/.waypoints files.")
]
MaxFieldOpt = Annotated[
    float, typer.Option("--max-field-ha", help="Refuse fields larger than this (ha).")
]
SwathOpt = Annotated[
    float | None,
    typer.Option("--swath-m", help="Swath width (m); default from the payload system."),
]
SpeedOpt = Annotated[float | None, typer.Option("--speed-mps", help="Work speed (m/s).")]
HeightOpt = Annotated[float, typer.Option("--height-m", help="Work height above take-off (m).")]
TransitOpt = Annotated[float, typer.Option("--transit-height-m", help="Ferry height (m).")]
AngleOpt = Annotated[
    float | None,
    typer.Option(
        "--angle-deg",
        help="Swath direction, ° counter-clockwise from east; default along the longest edge.",
    ),
]
RefillOpt = Annotated[float, typer.Option("--refill-time-s", help="Refill + battery swap (s).")]
ReserveOpt = Annotated[
    float | None, typer.Option("--reserve", help="Landing reserve, share of usable energy.")
]
BoundaryOpt = Annotated[
    int, typer.Option("--boundary-passes", help="Headland passes around the edge first.")
]
CornerOpt = Annotated[
    str | None, typer.Option("--start-corner", help="Start at the sw, se, nw or ne corner.")
]
OverlapOpt = Annotated[
    float, typer.Option("--overlap", help="Overlap of neighbouring swaths, 0 to 0.9.")
]
ClearanceOpt = Annotated[
    float, typer.Option("--clearance-m", help="Horizontal clearance from obstacles (m).")
]
ServoOpt = Annotated[int, typer.Option("--spray-servo", help="SERVOn output of the pump.")]


def job_from_files(
    files: list[Path],
    stations: list[Path] | None,
    no_spray: list[Path] | None,
    crs: str | None,
    max_field_ha: float,
) -> Site:
    """Read the job files (roles from features, or forced for --stations/--no-spray)."""
    sources: list = list(files)
    sources += [(p, "station") for p in stations or []]
    sources += [(p, "no_spray") for p in no_spray or []]
    return load_site(*sources, crs=crs, max_field_area_ha=max_field_ha)


def job_stations(
    job: Site, area: shapely.Geometry, notes: list[str]
) -> tuple[tuple[float, float], ...]:
    """The job's stations; without any, the southernmost corner of the area (noted)."""
    if job.stations:
        return tuple((p.geometry.x, p.geometry.y) for p in job.stations)
    ring = area.exterior if area.geom_type == "Polygon" else area.convex_hull.exterior
    xy = shapely.get_coordinates(ring)
    corner = xy[xy[:, 1].argmin()]
    notes.append("no station given: taking off from the southernmost corner of the area")
    return ((float(corner[0]), float(corner[1])),)


def spray_problem(
    job: Site, aircraft: str, name: str, clearance_m: float = 5.0
) -> tuple[SprayProblem, list[str]]:
    """Turn a read job into a spray problem: fields, obstacles (with clearance), no-spray
    zones and stations."""
    notes: list[str] = []
    if not job.fields:
        raise GeometryError("the job has no feature with role 'field'")
    field = shapely.union_all([f.geometry for f in job.fields])
    obstacles = shapely.union_all([f.geometry for f in job.obstacles]) if job.obstacles else None
    no_spray = shapely.union_all([f.geometry for f in job.no_spray]) if job.no_spray else None
    stations = job_stations(job, field, notes)
    features = tuple(
        Feature(f.role, f.geometry, dict(f.properties))
        for f in (*job.fields, *job.obstacles, *job.no_spray, *job.stations)
    )
    problem = SprayProblem(
        field=field,
        stations=stations,
        aircraft=load_aircraft(aircraft),
        frame=job.frame,
        features=features,
        name=name,
        obstacles=obstacles,
        clearance_m=clearance_m,
        no_spray=no_spray,
    )
    return problem, notes


def print_result(result: SprayResult, out: Path | None, notes: list[str]) -> None:
    """The summary table a person reads after planning."""
    s = result.summary()
    unit = result.product_unit
    table = Table(title=f"{s['job']} plan: {s['aircraft']}")
    for col in (
        "sortie",
        "area ha",
        f"product {unit}",
        "flight min",
        "energy Wh",
        "battery %",
        "work km",
        "total km",
    ):
        table.add_column(col, justify="right")
    for r in result.sorties:
        table.add_row(
            str(r.sortie),
            f"{r.area_ha:.2f}",
            f"{r.payload_kg:.1f}",
            f"{r.flight_time_s / 60:.1f}",
            f"{r.energy_wh:.0f}",
            f"{r.battery_frac * 100:.0f}",
            f"{r.work_distance_m / 1000:.2f}",
            f"{r.distance_m / 1000:.2f}",
        )
    table.add_section()
    table.add_row(
        "total",
        f"{result.field_area_ha:.2f}",
        f"{result.product_total:.1f}",
        f"{result.flight_time_s / 60:.1f}",
        f"{result.energy_wh:.0f}",
        "",
        "",
        f"{result.path_length_m / 1000:.2f}",
    )
    console.print(table)
    console.print(
        f"covered {result.covered_frac * 100:.2f}% of {result.field_area_ha:.2f} ha, "
        f"overspray {result.overspray_frac * 100:.2f}%, swath {result.swath_m:g} m at "
        f"{result.speed_mps:.2f} m/s, {result.line_count} lines at {result.angle_deg:.1f}°; "
        f"work rate {result.work_rate_ha_per_h:.2f} ha/h with "
        f"{result.ground_time_s / 60:.0f} min on the ground; planned in "
        f"{result.runtime_s * 1000:.0f} ms",
        highlight=False,
    )
    print_notes((*notes, *result.warnings), out)


def run_field_job(
    files,
    *,
    kind: str,
    aircraft: str,
    rate: float,
    out: Path,
    overwrite: bool,
    stations=None,
    no_spray=None,
    crs=None,
    max_field_ha=5000.0,
    params: dict | None = None,
    autopilot=Autopilot.ARDUPILOT,
    servo=9,
    name: str | None = None,
    safety: SafetyOptions | None = None,
) -> SprayResult:
    """Read, plan, export: shared by ``plan spray``, ``plan spread`` and ``demo``."""
    check_out_dir(out, overwrite=overwrite)
    job = job_from_files(files, stations, no_spray, crs, max_field_ha)
    clearance = (params or {}).pop("clearance_m", 5.0)
    problem, notes = spray_problem(job, aircraft, name or Path(files[0]).stem, clearance)
    if kind == "spray" and problem.aircraft.spray_tank is None:
        raise GeometryError(
            f"aircraft '{problem.aircraft.name}' has no spray tank "
            f"(use 'airwork plan spread' for a spreader)"
        )
    if kind == "spread" and problem.aircraft.spreader is None:
        raise GeometryError(f"aircraft '{problem.aircraft.name}' has no spreader")
    spray_params = SprayParams(rate_per_ha=rate, **(params or {}))
    windy = wind_transit_speed_mps(problem.aircraft, safety)
    if windy is not None and spray_params.transit_speed_mps is None:
        spray_params = replace(spray_params, transit_speed_mps=windy)
        notes.append(
            f"transit speed lowered to {windy:.1f} m/s so that a {safety.wind_mps:g} m/s "
            f"headwind stays within the aircraft's {problem.aircraft.max_speed_mps:g} m/s"
        )
    result, mission, preflight = plan_checked(
        lambda r: plan_spray(problem, replace(spray_params, reserve_frac=r)),
        problem.aircraft,
        safety,
        reserve_frac=spray_params.reserve_frac,
        autopilot=autopilot,
    )
    files_out = render_outputs(
        mission,
        {**result.summary(), "preflight": preflight},
        autopilot=autopilot,
        spray=SprayOutput(servo=servo),
        picture=png_picture(result.swath_m),
    )
    write_outputs(files_out, out, overwrite=overwrite)
    print_result(result, out, notes)
    return result


def _params(
    overlap,
    boundary_passes,
    start_corner,
    swath_m,
    speed_mps,
    height_m,
    transit_height_m,
    angle_deg,
    refill_time_s,
    reserve,
    clearance_m=5.0,
):
    return {
        "overlap_frac": overlap,
        "boundary_passes": boundary_passes,
        "start_corner": start_corner,
        "clearance_m": clearance_m,
        "swath_m": swath_m,
        "speed_mps": speed_mps,
        "height_m": height_m,
        "transit_height_m": transit_height_m,
        "angle_deg": angle_deg,
        "refill_time_s": refill_time_s,
        "reserve_frac": reserve,
    }


@app.command()
@handle_errors
def spray(
    files: FilesArg,
    aircraft: AircraftOpt = "sprayer-40",
    rate_l_per_ha: Annotated[
        float, typer.Option("--rate-l-per-ha", help="Liquid rate (L/ha).")
    ] = 15.0,
    out: OutOpt = Path("airwork-out"),
    overwrite: OverwriteOpt = False,
    stations: StationOpt = None,
    no_spray: NoSprayOpt = None,
    swath_m: SwathOpt = None,
    speed_mps: SpeedOpt = None,
    height_m: HeightOpt = 3.0,
    transit_height_m: TransitOpt = 10.0,
    angle_deg: AngleOpt = None,
    refill_time_s: RefillOpt = 180.0,
    reserve: ReserveOpt = None,
    crs: CrsOpt = None,
    max_field_ha: MaxFieldOpt = 5000.0,
    autopilot: AutopilotOpt = Autopilot.ARDUPILOT,
    spray_servo: ServoOpt = 9,
    clearance_m: ClearanceOpt = 5.0,
    boundary_passes: BoundaryOpt = 0,
    start_corner: CornerOpt = None,
    overlap: OverlapOpt = 0.0,
    airspace: AirspaceOpt = None,
    dem: DemOpt = None,
    obstacles: ObstaclesOpt = None,
    wind_mps: WindOpt = 0.0,
    wind_from_deg: WindFromOpt = 0.0,
    max_agl_m: MaxAglOpt = 120.0,
    terrain_follow: FollowOpt = False,
    follow_tolerance_m: FollowTolOpt = 1.0,
) -> None:
    """Plan spraying of a field: swaths, spray on/off, sorties by tank and battery."""
    run_field_job(
        files,
        kind="spray",
        aircraft=aircraft,
        rate=rate_l_per_ha,
        out=Path(out),
        overwrite=overwrite,
        stations=stations,
        no_spray=no_spray,
        crs=crs,
        max_field_ha=max_field_ha,
        autopilot=autopilot,
        servo=spray_servo,
        params=_params(
            overlap,
            boundary_passes,
            start_corner,
            swath_m,
            speed_mps,
            height_m,
            transit_height_m,
            angle_deg,
            refill_time_s,
            reserve,
            clearance_m,
        ),
        safety=SafetyOptions(
            tuple(airspace or ()),
            dem,
            tuple(obstacles or ()),
            wind_mps,
            wind_from_deg,
            max_agl_m,
            terrain_follow,
            follow_tolerance_m,
            crs,
        ),
    )


@app.command()
@handle_errors
def spread(
    files: FilesArg,
    aircraft: AircraftOpt = "spreader-50",
    rate_kg_per_ha: Annotated[
        float, typer.Option("--rate-kg-per-ha", help="Granule rate (kg/ha).")
    ] = 100.0,
    out: OutOpt = Path("airwork-out"),
    overwrite: OverwriteOpt = False,
    stations: StationOpt = None,
    no_spray: NoSprayOpt = None,
    swath_m: SwathOpt = None,
    speed_mps: SpeedOpt = None,
    height_m: HeightOpt = 3.0,
    transit_height_m: TransitOpt = 10.0,
    angle_deg: AngleOpt = None,
    refill_time_s: RefillOpt = 180.0,
    reserve: ReserveOpt = None,
    crs: CrsOpt = None,
    max_field_ha: MaxFieldOpt = 5000.0,
    autopilot: AutopilotOpt = Autopilot.ARDUPILOT,
    spray_servo: ServoOpt = 9,
    clearance_m: ClearanceOpt = 5.0,
    boundary_passes: BoundaryOpt = 0,
    start_corner: CornerOpt = None,
    overlap: OverlapOpt = 0.0,
    airspace: AirspaceOpt = None,
    dem: DemOpt = None,
    obstacles: ObstaclesOpt = None,
    wind_mps: WindOpt = 0.0,
    wind_from_deg: WindFromOpt = 0.0,
    max_agl_m: MaxAglOpt = 120.0,
    terrain_follow: FollowOpt = False,
    follow_tolerance_m: FollowTolOpt = 1.0,
) -> None:
    """Plan granule spreading of a field (same planner, kg/ha)."""
    run_field_job(
        files,
        kind="spread",
        aircraft=aircraft,
        rate=rate_kg_per_ha,
        out=Path(out),
        overwrite=overwrite,
        stations=stations,
        no_spray=no_spray,
        crs=crs,
        max_field_ha=max_field_ha,
        autopilot=autopilot,
        servo=spray_servo,
        params=_params(
            overlap,
            boundary_passes,
            start_corner,
            swath_m,
            speed_mps,
            height_m,
            transit_height_m,
            angle_deg,
            refill_time_s,
            reserve,
            clearance_m,
        ),
        safety=SafetyOptions(
            tuple(airspace or ()),
            dem,
            tuple(obstacles or ()),
            wind_mps,
            wind_from_deg,
            max_agl_m,
            terrain_follow,
            follow_tolerance_m,
            crs,
        ),
    )
