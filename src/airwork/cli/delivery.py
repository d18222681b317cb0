"""``airwork plan delivery``: plan a day of parcel deliveries and write every output.

Registered on the ``plan`` group in ``cli/main.py`` (``plan.app.command("delivery")``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any

import numpy as np
import typer
from rich.table import Table

from airwork.aircraft import load_aircraft
from airwork.autopilot import Autopilot
from airwork.cli.check import (
    AirspaceOpt,
    DemOpt,
    MaxAglOpt,
    ObstaclesOpt,
    SafetyOptions,
    _terrain,
    safety_check,
)
from airwork.cli.common import OutOpt, OverwriteOpt, console, err_console, handle_errors
from airwork.cli.plan import AutopilotOpt, CrsOpt, ReserveOpt
from airwork.errors import AircraftError, InputFileError
from airwork.export.outputs import check_out_dir, render_outputs, write_outputs
from airwork.planners.delivery import (
    DeliveryParams,
    DeliveryProblem,
    DeliveryResult,
    DeliveryWeights,
    FleetType,
    format_time,
    parse_time_s,
    plan_delivery,
    problem_from_job,
    read_orders_csv,
)
from airwork.site import load_site

DeliveryFilesArg = Annotated[
    list[Path],
    typer.Argument(
        help="Job file(s) (GeoJSON, KML, GPKG, ...) with features whose 'role' is hub, "
        "order or no_fly."
    ),
]
OrdersOpt = Annotated[
    Path | None,
    typer.Option(
        "--orders",
        help="Orders CSV: id, lat, lon, mass_kg [, earliest, latest, service_s, drop].",
    ),
]
FleetOpt = Annotated[
    list[str] | None,
    typer.Option(
        "--aircraft",
        "-a",
        help="Fleet type: preset or YAML spec, optionally ':count' drones per hub and "
        "'@limit' payload (kg), e.g. delivery-hex:3@2.5; repeat for several types. "
        "Default delivery-hex with each hub's drone_count.",
    ),
]


def parse_fleet(specs: list[str] | None) -> list[FleetType]:
    """``name[:count][@payload_kg]`` strings -> fleet types."""
    out = []
    for spec in specs or ["delivery-hex"]:
        text = spec.strip()
        limit = None
        count = None
        if "@" in text:
            text, lim = text.rsplit("@", 1)
            try:
                limit = float(lim)
            except ValueError:
                raise AircraftError(
                    f"--aircraft {spec!r}: payload limit {lim!r} is not a number"
                ) from None
        if ":" in text and not Path(text).exists():
            text, cnt = text.rsplit(":", 1)
            if not cnt.isdigit():
                raise AircraftError(
                    f"--aircraft {spec!r}: drone count {cnt!r} is not a whole number"
                )
            count = int(cnt)
        out.append(FleetType(load_aircraft(text), count_per_hub=count, payload_limit_kg=limit))
    return out


def delivery_problem(
    files: list[Path], orders: Path | None, fleet: list[FleetType], crs: str | None
) -> DeliveryProblem:
    job = load_site(*files, crs=crs)
    extra = read_orders_csv(orders, job.frame) if orders is not None else None
    problem = problem_from_job(job, fleet, orders=extra, name=Path(files[0]).stem)
    if not problem.orders:
        raise InputFileError("no orders: give features with role 'order' or --orders CSV")
    return problem


def delivery_preflight(
    result: DeliveryResult,
    problem: DeliveryProblem,
    safety: SafetyOptions,
    reserve: float | None,
    autopilot: Autopilot,
) -> dict[str, Any]:
    """The shared preflight check of every trip, type by type (each with its own battery
    and limits); raises InfeasibleMissionError listing any violation."""
    blocks: dict[str, Any] = {}
    mission = result.mission
    for ft in problem.fleet:
        ac = ft.aircraft if reserve is None else ft.aircraft.with_reserve(reserve)
        mine = {t.sortie for t in result.trips if t.aircraft == ft.name}
        sorties = tuple(s for s in mission.sorties if s.index in mine)
        if not sorties:
            continue
        sub = replace(
            mission,
            sorties=sorties,
            aircraft_name=ac.name,
            usable_energy_wh=ac.usable_energy_wh,
            reserve_frac=ac.reserve_frac,
            vehicle=ac.airframe.vehicle,
        )
        _, blocks[ft.name] = safety_check(sub, ac, safety, autopilot=autopilot)
    return {"ok": True, "by_aircraft": blocks}


def delivery_picture(result: DeliveryResult, problem: DeliveryProblem):
    """A ``picture`` callable for :func:`render_outputs`: no-fly zones, hubs, drop points
    (unserved ones crossed) and every trip coloured by hub, as PNG bytes."""

    def draw(mission) -> bytes:
        import io

        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        import shapely

        fig, ax = plt.subplots(figsize=(10, 8), dpi=110)
        try:
            for z in problem.no_fly:
                for poly in shapely.get_parts(z.polygon):
                    x, y = poly.exterior.xy
                    ax.fill(x, y, facecolor="#f2b8b5", edgecolor="#a3231b", hatch="xx", lw=1)
            hub_index = {h.id: i for i, h in enumerate(problem.hubs)}
            cmap = plt.get_cmap("tab10" if len(problem.hubs) <= 10 else "tab20")
            for t, s in zip(result.trips, mission.sorties, strict=True):
                xy = s.xy_m
                ax.plot(
                    xy[:, 0], xy[:, 1], lw=0.6, alpha=0.7, color=cmap(hub_index[t.hub] % cmap.N)
                )
            unserved = {u.order_id for u in result.unserved}
            oxy = problem.order_xy
            bad = [o.id in unserved for o in problem.orders]
            good = [not b for b in bad]
            ax.plot(oxy[good, 0], oxy[good, 1], ".", ms=3, color="#2a7d2a", label="served")
            if any(bad):
                ax.plot(oxy[bad, 0], oxy[bad, 1], "x", ms=5, color="#c01010", label="unserved")
            hxy = problem.hub_xy
            ax.plot(hxy[:, 0], hxy[:, 1], "k^", ms=8, label="hub")
            for h in problem.hubs:
                ax.annotate(h.id, h.xy_m, xytext=(4, 4), textcoords="offset points")
            ax.set_aspect("equal")
            ax.ticklabel_format(useOffset=False, style="plain")
            ax.set_xlabel("easting [m]")
            ax.set_ylabel("northing [m]")
            ax.grid(True, alpha=0.2)
            ax.legend(loc="upper left", fontsize=8)
            ax.set_title(
                f"{mission.name}: {result.served_count}/{result.order_count} orders, "
                f"{len(result.trips)} trips, {result.drones_used} drones, "
                f"{result.distance_m / 1000:.0f} km"
            )
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
        finally:
            plt.close(fig)
        return buf.getvalue()

    return draw


def print_delivery(result: DeliveryResult, out: Path | None) -> None:
    table = Table(title=f"delivery plan: {result.mission.aircraft_name}")
    for col in ("drone", "trips", "orders", "first out", "last back", "km", "energy Wh"):
        table.add_column(col, justify="right")
    by_drone: dict[str, list] = {}
    for t in result.trips:
        by_drone.setdefault(t.drone, []).append(t)
    for d, ts in by_drone.items():
        table.add_row(
            d,
            str(len(ts)),
            str(sum(len(t.orders) for t in ts)),
            format_time(min(t.depart_s for t in ts))[:5],
            format_time(max(t.return_s for t in ts))[:5],
            f"{sum(t.distance_m for t in ts) / 1000:.1f}",
            f"{sum(t.energy_wh for t in ts):.0f}",
        )
    console.print(table)
    console.print(
        f"{result.served_count}/{result.order_count} orders served in {len(result.trips)} "
        f"trips by {result.drones_used} drone(s); {result.distance_m / 1000:.1f} km, "
        f"{result.energy_wh / 1000:.2f} kWh, on time {100 * result.on_time_share:.0f} %; "
        f"solved in {result.solve_time_s:.1f} s (total {result.runtime_s:.1f} s)",
        highlight=False,
    )
    obj = result.objective()
    parts = ", ".join(f"{k.replace('_', ' ')} {v:g}" for k, v in obj.items() if k != "total" and v)
    console.print(f"objective {obj['total']:g} ({parts or 'all terms 0'})", highlight=False)
    for u in result.unserved[:20]:
        err_console.print(f"[yellow]unserved:[/] {u.order_id}: {u.reason}", highlight=False)
    if len(result.unserved) > 20:
        err_console.print(
            f"[yellow]unserved:[/] ... {len(result.unserved) - 20} more in summary.json",
            highlight=False,
        )
    for w in result.warnings:
        err_console.print(f"[yellow]note:[/] {w}", highlight=False)
    if out is not None:
        console.print(f"outputs in [bold]{out}[/]", highlight=False)


@handle_errors
def delivery(
    files: DeliveryFilesArg,
    orders: OrdersOpt = None,
    aircraft: FleetOpt = None,
    altitude_m: Annotated[
        float, typer.Option("--altitude-m", help="Cruise altitude above take-off (m).")
    ] = 60.0,
    speed_mps: Annotated[
        float | None, typer.Option("--speed-mps", help="Airspeed (m/s); default cruise speed.")
    ] = None,
    wind_mps: Annotated[float, typer.Option("--wind-mps", help="Wind speed (m/s).")] = 0.0,
    wind_from_deg: Annotated[
        float, typer.Option("--wind-from-deg", help="Wind from (° clockwise from north).")
    ] = 0.0,
    clearance_m: Annotated[
        float, typer.Option("--clearance-m", help="Distance kept from no-fly zones (m).")
    ] = 30.0,
    start: Annotated[
        str | None,
        typer.Option("--start", help="Planning start 'HH:MM'; earlier windows are unserved."),
    ] = None,
    late_min: Annotated[
        float, typer.Option("--late-tolerance-min", help="Allowed lateness (min).")
    ] = 0.0,
    runtime_s: Annotated[float, typer.Option("--runtime-s", help="PyVRP search time (s).")] = 10.0,
    seed: Annotated[int, typer.Option("--seed", help="PyVRP random seed.")] = 0,
    weight_drone: Annotated[
        float, typer.Option("--weight-drone", help="Cost per drone used (fleet size).")
    ] = 100.0,
    weight_trip: Annotated[float, typer.Option("--weight-trip", help="Cost per trip.")] = 5.0,
    weight_hour: Annotated[
        float, typer.Option("--weight-hour", help="Cost per flight hour.")
    ] = 30.0,
    weight_kwh: Annotated[float, typer.Option("--weight-kwh", help="Cost per kWh.")] = 20.0,
    weight_late: Annotated[
        float,
        typer.Option("--weight-late-hour", help="Cost per hour late (with a late tolerance)."),
    ] = 100.0,
    out: OutOpt = Path("airwork-out"),
    overwrite: OverwriteOpt = False,
    crs: CrsOpt = None,
    autopilot: AutopilotOpt = Autopilot.ARDUPILOT,
    reserve: ReserveOpt = None,
    airspace: AirspaceOpt = None,
    dem: DemOpt = None,
    obstacles: ObstaclesOpt = None,
    max_agl_m: MaxAglOpt = 120.0,
    picture: Annotated[
        bool, typer.Option("--picture/--no-picture", help="Draw mission.png.")
    ] = True,
) -> None:
    """Plan parcel deliveries from hubs around no-fly zones: trips per drone, a mission
    per trip, payload and battery checked leg by leg.

    Before anything is written every trip goes through the same preflight check as every
    airwork plan (``airwork check``), with its own aircraft type: geofence, no-fly zones
    (``--airspace`` adds to the job's), height above the ground (``--dem``), tall obstacles,
    battery with reserve, wind and speed limits, autopilot commands."""
    params = DeliveryParams(
        cruise_alt_m=altitude_m,
        speed_mps=speed_mps,
        wind_speed_mps=wind_mps,
        wind_from_deg=wind_from_deg,
        clearance_m=clearance_m,
        start_s=None if start is None else parse_time_s(start, "--start"),
        late_tolerance_s=60.0 * late_min,
        runtime_s=runtime_s,
        seed=seed,
        reserve_frac=reserve,
        weights=DeliveryWeights(
            drone=weight_drone,
            trip=weight_trip,
            flight_hour=weight_hour,
            energy_kwh=weight_kwh,
            late_hour=weight_late,
        ),
    )
    out_dir = check_out_dir(out, overwrite=overwrite)
    fleet = parse_fleet(aircraft)
    problem = delivery_problem(files, orders, fleet, crs)
    if dem is not None:
        # trips cruise above the ground under each leg and drop above the ground at the order
        pts = np.vstack([problem.hub_xy, problem.order_xy])
        bounds = (*pts.min(axis=0), *pts.max(axis=0))
        problem = problem.replace(terrain=_terrain(dem, problem.frame, bounds))
    result = plan_delivery(problem, params)
    safety = SafetyOptions(
        airspace=tuple(airspace or ()),
        dem=dem,
        obstacles=tuple(obstacles or ()),
        wind_mps=wind_mps,
        wind_from_deg=wind_from_deg,
        max_agl_m=max_agl_m,
        crs=crs,
        wind_in_energy=True,
    )
    preflight = delivery_preflight(result, problem, safety, reserve, autopilot)
    rendered = render_outputs(
        result.mission,
        {**result.summary(), "preflight": preflight},
        autopilot=autopilot,
        picture=delivery_picture(result, problem) if picture else None,
    )
    write_outputs(rendered, out_dir, overwrite=overwrite)
    print_delivery(result, out_dir)
