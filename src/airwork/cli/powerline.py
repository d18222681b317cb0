"""``airwork plan powerline``: plan a power-line inspection and write every output.

Registered by ``cli/main.py`` (``plan.app.command("powerline")(powerline.powerline)``).

Site file roles: ``tower`` (Point: ``id``, ``height_m``, optional ``line_id``, ``seq``,
``voltage_kv``, ``crossarm_half_m``, ``sag_m``), ``line`` (LineString whose vertices are
towers: ``line_id``, ``tower_heights_m`` (list or comma-separated) or ``height_m``, optional
``voltage_kv``, ``crossarm_half_m``), ``station``, ``right_of_way`` (or ``row``) polygons,
``obstacle`` and ``no_fly`` polygons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import numpy as np
import shapely
import typer
from rich.table import Table

from airwork.aircraft import load_aircraft
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
from airwork.errors import GeometryError
from airwork.export.outputs import check_out_dir, png_picture, render_outputs, write_outputs
from airwork.mission.model import Feature
from airwork.planners.powerline import (
    PowerLine,
    PowerlineParams,
    PowerlineProblem,
    PowerlineResult,
    Tower,
    on_terrain,
    plan_powerline,
)
from airwork.site import Site, SiteFeature, load_site

__all__ = ["lines_from_job", "powerline", "powerline_problem"]

_ROW_ROLES = ("right_of_way", "row", "right-of-way")


def _num(f: SiteFeature, key: str, default: float | None = None) -> float | None:
    value = f.properties.get(key)
    if value is None:
        return default
    try:
        return float(value)
    except (TypeError, ValueError):
        raise GeometryError(f"{f.source}: {key} must be a number, got {value!r}") from None


def _role(f: SiteFeature) -> str:
    return str(f.role).strip().lower().replace("-", "_").replace(" ", "_")


def lines_from_job(
    job: Site, *, sag_frac: float = 0.03, default_height_m: float | None = None
) -> list[PowerLine]:
    """Power lines from the ``tower`` and ``line`` features of a job (local frame).

    Towers are grouped by ``line_id`` (default ``"1"``) and ordered by ``seq`` when every
    tower of the line has one, else in file order.  Raises GeometryError naming the feature
    for a missing height, a non-point tower, a duplicated ``seq``.
    """
    groups: dict[str, list[tuple[float | None, int, Tower]]] = {}
    out: list[PowerLine] = []
    k = 0
    for f in job.other:
        role = _role(f)
        if role == "tower":
            if f.geometry.geom_type != "Point":
                raise GeometryError(
                    f"{f.source}: a tower must be a Point, got {f.geometry.geom_type}"
                )
            h = _num(f, "height_m", default_height_m)
            if h is None:
                raise GeometryError(f"{f.source}: the tower has no height_m")
            lid = str(f.properties.get("line_id", "1"))
            tid = str(f.properties.get("id", f.properties.get("name", f"{lid}-{k + 1}")))
            tower = Tower(
                tid,
                float(f.geometry.x),
                float(f.geometry.y),
                float(h),
                float(_num(f, "crossarm_half_m", 3.0)),
                _num(f, "voltage_kv"),
                _num(f, "sag_m"),
            )
            groups.setdefault(lid, []).append((_num(f, "seq"), k, tower))
            k += 1
        elif role == "line":
            geom = f.geometry
            if geom.geom_type != "LineString":
                raise GeometryError(
                    f"{f.source}: a line must be a LineString, got {geom.geom_type}"
                )
            xy = shapely.get_coordinates(geom)
            lid = str(f.properties.get("line_id", f.properties.get("id", f"line{len(out) + 1}")))
            hs: Any = f.properties.get("tower_heights_m")
            if isinstance(hs, str):
                hs = [v for v in hs.replace(";", ",").split(",") if v.strip()]
            if hs is None:
                h = _num(f, "height_m", default_height_m)
                if h is None:
                    raise GeometryError(f"{f.source}: the line needs tower_heights_m or height_m")
                hs = [h] * len(xy)
            try:
                hs = [float(v) for v in hs]
            except (TypeError, ValueError):
                raise GeometryError(f"{f.source}: tower_heights_m must be numbers") from None
            if len(hs) != len(xy):
                raise GeometryError(
                    f"{f.source}: {len(hs)} tower heights for {len(xy)} vertices (towers)"
                )
            half = float(_num(f, "crossarm_half_m", 3.0))
            volt = _num(f, "voltage_kv")
            towers = tuple(
                Tower(f"{lid}-{i + 1}", float(p[0]), float(p[1]), hs[i], half, volt)
                for i, p in enumerate(xy)
            )
            out.append(PowerLine(lid, towers, sag_frac=sag_frac))
    for lid, items in groups.items():
        seqs = [s for s, _, _ in items]
        if all(s is not None for s in seqs):
            dup = {s for s in seqs if seqs.count(s) > 1}
            if dup:
                ids = [t.id for s, _, t in items if s in dup]
                raise GeometryError(f"line {lid!r}: towers {ids} share the seq {sorted(dup)}")
            items = sorted(items, key=lambda it: it[0])
        out.append(PowerLine(lid, tuple(t for _, _, t in items), sag_frac=sag_frac))
    if not out:
        raise GeometryError(
            "the job has no feature with role 'tower' or 'line' (the power line to inspect)"
        )
    return out


def powerline_problem(
    job: Site, aircraft: str, name: str, *, sag_frac: float = 0.03
) -> tuple[PowerlineProblem, list[str]]:
    """Turn a read job into a power-line problem."""
    notes: list[str] = []
    lines = lines_from_job(job, sag_frac=sag_frac)
    row = [f.geometry for f in job.other if _role(f) in _ROW_ROLES]
    no_fly = [f.geometry for f in job.other if _role(f) == "no_fly"]
    if job.stations:
        stations = tuple((p.geometry.x, p.geometry.y) for p in job.stations)
    else:
        raise GeometryError("the job has no station (role 'station'): give road-side launch points")
    if job.fields:
        notes.append(f"{len(job.fields)} field(s) ignored by a power-line inspection")
    features = tuple(
        Feature(_role(f) if _role(f) in _ROW_ROLES else f.role, f.geometry, dict(f.properties))
        for f in (*job.other, *job.obstacles, *job.stations)
    )
    problem = PowerlineProblem(
        lines=tuple(lines),
        stations=stations,
        aircraft=load_aircraft(aircraft),
        frame=job.frame,
        right_of_way=shapely.union_all(row) if row else None,
        obstacles=shapely.union_all([f.geometry for f in job.obstacles]) if job.obstacles else None,
        no_fly=shapely.union_all(no_fly) if no_fly else None,
        features=features,
        name=name,
    )
    return problem, notes


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
    job = load_site(*sources, crs=crs)
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
