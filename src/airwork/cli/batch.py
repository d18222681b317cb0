"""``airwork batch PARCELS``: plan every field of a parcel register on a Dask cluster.

A face over :func:`airwork.batch.run_batch`: options in, a progress bar (and the Dask
dashboard link) while it runs, a short table of the totals at the end.  Running the same
command again resumes an interrupted run.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Annotated

import typer

from airwork.cli.common import console, err_console, handle_errors

__all__ = ["batch"]


def _params(values: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for item in values:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise typer.BadParameter(f"{item!r}: expected NAME=VALUE, e.g. swath_m=9")
        out[key.strip().replace("-", "_")] = value.strip()
    return out


@handle_errors
def batch(
    parcels: Annotated[
        Path, typer.Argument(help="GeoParquet, GeoPackage, FlatGeobuf or Shapefile of fields.")
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (resumed).")],
    kind: Annotated[str, typer.Option("--kind", help="spray, spread or survey.")] = "spray",
    aircraft: Annotated[
        str | None, typer.Option("--aircraft", "-a", help="Preset name or YAML spec file.")
    ] = None,
    param: Annotated[
        list[str],
        typer.Option("--param", "-p", help="A parameter of the kind, NAME=VALUE (repeat)."),
    ] = [],  # noqa: B006 (typer reads the default)
    id_column: Annotated[str | None, typer.Option(help="Column of unique parcel ids.")] = None,
    crop_column: Annotated[str | None, typer.Option(help="Column of the crop.")] = None,
    rate_column: Annotated[
        str | None, typer.Option(help="Column of the rate (L/ha or kg/ha) of each field.")
    ] = None,
    station_column: Annotated[
        str | None,
        typer.Option(help="Column naming a station of --stations, or 'lon,lat' without it."),
    ] = None,
    district_column: Annotated[str | None, typer.Option(help="Column of the district.")] = None,
    stations: Annotated[str | None, typer.Option(help="Station layer (points).")] = None,
    station_id_column: Annotated[str, typer.Option(help="Id column of --stations.")] = "id",
    max_station_m: Annotated[
        float, typer.Option(help="Farthest station of --stations a field takes (m).")
    ] = 3000.0,
    roads: Annotated[
        str | None, typer.Option(help="Road layer: stations at the nearest road-side point.")
    ] = None,
    max_road_m: Annotated[
        float, typer.Option(help="Farthest road of --roads a field takes its station on (m).")
    ] = 1000.0,
    districts: Annotated[str | None, typer.Option(help="District layer (polygons).")] = None,
    districts_name_column: Annotated[
        str, typer.Option(help="Name column of --districts.")
    ] = "name",
    crs: Annotated[str | None, typer.Option(help="CRS of a file that declares none.")] = None,
    layer: Annotated[str | None, typer.Option(help="Layer of a GeoPackage.")] = None,
    wind_mps: Annotated[float, typer.Option(help="Wind speed (m/s).")] = 0.0,
    wind_from_deg: Annotated[float, typer.Option(help="Wind from, ° from north.")] = 0.0,
    elevation_m: Annotated[
        float | None,
        typer.Option(help="Ground elevation of the region (m); sets the air density."),
    ] = None,
    air_temperature_c: Annotated[
        float | None, typer.Option(help="Air temperature (°C); default ISA at the elevation.")
    ] = None,
    max_field_ha: Annotated[float, typer.Option(help="Largest field planned (ha).")] = 1000.0,
    missions: Annotated[
        str, typer.Option(help="Mission files: none, folders (one per field) or archive.")
    ] = "none",
    fmt: Annotated[
        list[str],
        typer.Option(
            "--format", help="Mission formats (repeat); default qgc-plan, waypoints, geojson."
        ),
    ] = [],  # noqa: B006
    season_start: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="First day of the season.")
    ] = None,
    season_end: Annotated[
        dt.datetime | None, typer.Option(formats=["%Y-%m-%d"], help="Last day of the season.")
    ] = None,
    hours_per_day: Annotated[float, typer.Option(help="Working hours a day.")] = 10.0,
    days_per_week: Annotated[int, typer.Option(help="Working days a week.")] = 6,
    setup_min_per_field: Annotated[
        float, typer.Option(help="Minutes to reach and set up at each field.")
    ] = 15.0,
    map_cell_km: Annotated[float, typer.Option(help="Cell of the region map (km).")] = 5.0,
    partition_size: Annotated[int, typer.Option(help="Fields per partition (task).")] = 500,
    scheduler: Annotated[
        str | None, typer.Option(help="Dask scheduler address (tcp://host:8786).")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, max=4096, help="Workers of the embedded cluster, 1-4096 (default: cores)."
        ),
    ] = None,
    restart: Annotated[
        bool, typer.Option("--restart", help="Discard a different run found in --out.")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print report.json.")] = False,
) -> None:
    """Plan every field of a parcel register on a Dask cluster (resumable)."""
    from airwork.batch import BatchOptions, run_batch

    options = BatchOptions.parse(
        {
            "kind": kind,
            "aircraft": aircraft,
            "params": _params(param),
            "id_column": id_column,
            "crop_column": crop_column,
            "rate_column": rate_column,
            "station_column": station_column,
            "district_column": district_column,
            "stations": stations,
            "station_id_column": station_id_column,
            "max_station_m": max_station_m,
            "roads": roads,
            "max_road_m": max_road_m,
            "districts": districts,
            "districts_name_column": districts_name_column,
            "crs": crs,
            "layer": layer,
            "wind_mps": wind_mps,
            "wind_from_deg": wind_from_deg,
            "elevation_m": elevation_m,
            "air_temperature_c": air_temperature_c,
            "max_field_ha": max_field_ha,
            "missions": missions,
            **({"formats": fmt} if fmt else {}),
            "season_start": season_start.date() if season_start else None,
            "season_end": season_end.date() if season_end else None,
            "hours_per_day": hours_per_day,
            "days_per_week": days_per_week,
            "setup_min_per_field": setup_min_per_field,
            "map_cell_km": map_cell_km,
            "partition_size": partition_size,
        }
    )
    try:
        with _ProgressBar() as bar:
            report = run_batch(
                parcels,
                options,
                out,
                scheduler=scheduler,
                workers=workers,
                restart=restart,
                progress=bar,
            )
    except KeyboardInterrupt:
        err_console.print(
            "airwork: interrupted; finished partitions are kept in "
            f"{out}: run the same command again to resume",
            highlight=False,
        )
        raise typer.Exit(130) from None
    if not report.complete:
        parts = ", ".join(f"{i} ({why})" for i, why in report.unfinished[:5])
        err_console.print(
            f"[bold red]error:[/] {len(report.unfinished)} partition(s) unfinished: {parts}; "
            f"{report.done_fields} of {report.fields} fields have results. Run the same "
            "command again to resume.",
            highlight=False,
        )
        raise typer.Exit(1)
    if as_json:
        sys.stdout.write((report.out / "report.json").read_text("utf-8") + "\n")
        return
    _print_totals(report)


def _print_totals(report) -> None:
    from rich.table import Table

    t = report.totals
    table = Table(title=f"batch {report.out.name}: {report.fields} fields")
    table.add_column("quantity")
    table.add_column("value", justify="right")
    rows = [
        ("fields planned / failed / errors", f"{report.ok} / {report.failed} / {report.errors}"),
        ("partitions planned now / already done", f"{report.planned} / {report.skipped}"),
        ("area (ha)", f"{t['area_ha']:.1f}"),
        ("flight hours", f"{t['flight_h']:.1f}"),
        ("work hours (flight + ground + set-up)", f"{t['work_h']:.1f}"),
        ("aircraft-days", f"{t['aircraft_days']:.1f}"),
        ("sorties", f"{t['sorties']}"),
        ("energy (kWh)", f"{t['energy_kwh']:.1f}"),
    ]
    if "aircraft_needed" in t:
        rows.append(("aircraft needed (sum over districts)", f"{t['aircraft_needed']}"))
    for name, value in rows:
        table.add_row(name, value)
    console.print(table)
    if report.failed or report.errors:
        err_console.print(
            f"[yellow]note:[/] {report.failed + report.errors} field(s) not planned: see "
            f"{report.out / 'fields_failed.csv'}",
            highlight=False,
        )
    console.print(f"outputs in [bold]{report.out}[/]", highlight=False)


class _ProgressBar:
    """A rich progress bar of fields done, on a terminal only."""

    def __enter__(self):
        self.bar = None
        if err_console.is_terminal:
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
                TimeRemainingColumn,
            )

            self.bar = Progress(
                TextColumn("[bold]{task.description}"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TimeRemainingColumn(),
                console=err_console,
                transient=True,
            )
            self.bar.__enter__()
            self.task = self.bar.add_task("starting", total=None)
        return self

    def __call__(self, done: int, total: int, message: str) -> None:
        if message.startswith("dashboard "):
            err_console.print(f"Dask {message}", highlight=False)
        elif self.bar is not None:
            self.bar.update(self.task, completed=done, total=total or None, description=message)

    def __exit__(self, *exc) -> None:
        if self.bar is not None:
            self.bar.__exit__(*exc)
