"""``airwork plan KIND``: one command per kind of job, made from the kind's declared
parameters, so a new kind needs no command-line code.

Every command has the same shape: job files, the aircraft, the kind's own options (from its
parameter model: ``swath_m`` is ``--swath-m``), the site, conditions and output options
every kind shares; it builds a :class:`~airwork.jobs.request.JobRequest`, runs
:func:`airwork.jobs.run_job` with a progress bar, prints the kind's table and writes every
output at once.  The kinds are imported only when their command is used.
"""

from __future__ import annotations

import types
import typing
from typing import Any, Literal

import click
from click.core import ParameterSource

__all__ = ["PlanGroup"]

_ROLE_FILE_OPTIONS = {
    "station": ("--stations", "File of station points (take-off, landing, refill)."),
    "no_spray": ("--no-spray", "File of no-spray zones."),
    "order": ("--orders", "Orders (CSV with id, lat, lon, mass_kg, ... or any point file)."),
    "hub": ("--hubs", "File of delivery hubs."),
}


class PlanGroup(click.Group):
    """The ``plan`` group: its commands are the registered kinds, built on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        from airwork.jobs.registry import kind_names

        return kind_names()

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        from airwork.jobs.registry import UnknownKindError, kind

        try:
            job_kind = kind(name)
        except UnknownKindError:
            return None
        return kind_command(job_kind)


def kind_command(job_kind) -> click.Command:
    """The click command of one kind: shared options plus the kind's parameters."""
    params: list[click.Parameter] = [
        click.Argument(["files"], nargs=-1, required=True, type=click.Path(dir_okay=False))
    ]
    params += _aircraft_options(job_kind)
    own = _param_options(job_kind.Params)
    shared = _site_options(job_kind) + _condition_options() + _output_options(job_kind)
    clash = {p.name for p in own} & {p.name for p in shared}
    assert not clash, f"kind {job_kind.name}: parameters {clash} clash with shared options"
    params += own + shared

    def callback(**kw: Any) -> None:
        from airwork.cli.common import fail_on_errors
        from airwork.cli.execute import execute

        ctx = click.get_current_context()
        with fail_on_errors():
            request = _request(job_kind, own, ctx, kw)
            execute(request, kw["out"], overwrite=kw["overwrite"], as_json=kw["as_json"])

    return click.Command(
        job_kind.name,
        params=params,
        callback=callback,
        help=f"{job_kind.title}.",
        short_help=job_kind.title,
    )


# ---------------------------------------------------------------------------- kind params
def _param_options(model) -> list[click.Option]:
    """One option per field of a kind's parameter model."""
    out = []
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        decls = ["--" + name.replace("_", "-")]
        if extra.get("cli_short"):
            decls.append(str(extra["cli_short"]))
        ctype, multiple, is_bool = _click_type(field.annotation)
        default = field.get_default(call_default_factory=True)
        shown = ", ".join(default) if isinstance(default, list) else default
        help_text = (field.description or "") + (
            f" [default: {shown}]" if shown is not None else ""
        )
        if is_bool:
            out.append(
                click.Option(
                    [f"{decls[0]}/--no-{name.replace('_', '-')}"],
                    default=bool(default),
                    help=field.description,
                )
            )
        else:
            out.append(
                click.Option(
                    decls, type=ctype, multiple=multiple, default=None, help=help_text.strip()
                )
            )
    return out


def _click_type(annotation) -> tuple[click.ParamType | type, bool, bool]:
    """(click type, multiple, boolean flag) of a parameter's annotation."""
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType) and len(args) == 1:
        return _click_type(args[0])
    if origin is list:
        inner, _, _ = _click_type(args[0])
        return inner, True, False
    if origin is Literal:
        return click.Choice([str(a) for a in typing.get_args(annotation)]), False, False
    if annotation is bool:
        return click.BOOL, False, True
    if annotation is int:
        return click.INT, False, False
    if annotation is float:
        return click.FLOAT, False, False
    return click.STRING, False, False


# ---------------------------------------------------------------------------- shared options
def _aircraft_options(job_kind) -> list[click.Option]:
    if job_kind.fleet:
        return [
            click.Option(
                ["--aircraft", "-a"],
                multiple=True,
                help="Fleet type: preset or YAML spec, optionally ':COUNT' drones per hub and "
                "'@LIMIT' payload (kg), e.g. delivery-hex:3@2.5; repeat for several types "
                f"[default: {job_kind.default_aircraft}, each hub's drone_count].",
            )
        ]
    return [
        click.Option(
            ["--aircraft", "-a"],
            default=job_kind.default_aircraft,
            show_default=True,
            help="Preset name (airwork aircraft list) or a YAML spec file.",
        )
    ]


def _site_options(job_kind) -> list[click.Option]:
    opts = [
        click.Option(["--crs"], help="CRS of files that declare none, e.g. EPSG:2154."),
        click.Option(
            ["--max-field-ha"],
            type=click.FLOAT,
            default=5000.0,
            show_default=True,
            help="Refuse a field larger than this (ha).",
        ),
        click.Option(
            ["--unlabelled"],
            help="Role of job features that have none, e.g. obstacle (never guessed).",
        ),
    ]
    for role in job_kind.role_files:
        flag, text = _ROLE_FILE_OPTIONS[role]
        opts.append(click.Option([flag, f"role_file_{role}"], multiple=True, help=text))
    return opts


def _condition_options() -> list[click.Option]:
    return [
        click.Option(["--wind-mps"], type=click.FLOAT, default=0.0, help="Wind speed (m/s)."),
        click.Option(
            ["--wind-from-deg"],
            type=click.FLOAT,
            default=0.0,
            help="Direction the wind blows from, ° clockwise from north.",
        ),
        click.Option(
            ["--wind-band"],
            multiple=True,
            help="Wind per height band TOP_M:SPEED_MPS:FROM_DEG (repeatable).",
        ),
        click.Option(
            ["--airspace"],
            multiple=True,
            help="Geofences / no-fly zones (roles geofence, no_fly; floor_m, ceiling_m, "
            "altitude_ref agl|amsl; circles as Point + radius_m).",
        ),
        click.Option(
            ["--obstacles"],
            multiple=True,
            help="Tall obstacles (Points/Lines/Polygons with height_m).",
        ),
        click.Option(["--dem"], help="Terrain GeoTIFF (any CRS); default flat ground."),
        click.Option(
            ["--max-agl-m"],
            type=click.FLOAT,
            default=120.0,
            show_default=True,
            help="Height limit above the ground (m).",
        ),
        click.Option(
            ["--terrain-follow"],
            is_flag=True,
            help="Fly the planned heights above the DEM's ground (needs --dem).",
        ),
        click.Option(
            ["--follow-tolerance-m"],
            type=click.FLOAT,
            default=1.0,
            help="Terrain-following tolerance (m).",
        ),
        click.Option(
            ["--elevation-m"],
            type=click.FLOAT,
            help="Ground elevation above sea level (m); default the DEM's ground, else 0. "
            "Sets the air density.",
        ),
        click.Option(
            ["--air-temperature-c"],
            type=click.FLOAT,
            help="Air temperature (°C); default ISA at the elevation. The packs fly at it.",
        ),
    ]


def _output_options(job_kind) -> list[click.Option]:
    from airwork.autopilot.firmware import Autopilot
    from airwork.export.dji_wpml import AIRCRAFT as DJI_AIRCRAFT

    opts = [
        click.Option(
            ["--out", "-o"], default="airwork-out", show_default=True, help="Output folder."
        ),
        click.Option(
            ["--overwrite"], is_flag=True, help="Replace the outputs of an earlier run there."
        ),
        click.Option(
            ["--format", "formats"],
            multiple=True,
            help="Output format (repeatable; default qgc-plan, waypoints, geojson, kml, png; "
            "see airwork formats).",
        ),
        click.Option(["--no-picture"], is_flag=True, help="Do not draw mission.png."),
        click.Option(
            ["--autopilot"],
            type=click.Choice([a.value for a in Autopilot]),
            default="ardupilot",
            show_default=True,
            help="Target of .plan/.waypoints files.",
        ),
        click.Option(
            ["--autopilot-profile"],
            help="Autopilot profile: bundled name (arducopter-4.6, arducopter-4.6-sd, "
            "arducopter-4.6-tilt, px4-1.15, ...) or a YAML file; sets the firmware.",
        ),
        click.Option(
            ["--dji-aircraft"],
            type=click.Choice(list(DJI_AIRCRAFT)),
            default="M3E",
            show_default=True,
            help="DJI aircraft of WPML routes (--format dji-wpml).",
        ),
        click.Option(["--json", "as_json"], is_flag=True, help="Print summary.json to stdout."),
    ]
    if job_kind.sprays:
        opts.append(
            click.Option(
                ["--spray-servo"],
                type=click.INT,
                default=9,
                show_default=True,
                help="SERVOn output (1-32) switching the pump.",
            )
        )
    return opts


# ---------------------------------------------------------------------------- the request
def _request(job_kind, own: list[click.Option], ctx: click.Context, kw: dict[str, Any]):
    from airwork.jobs.request import JobRequest
    from airwork.site.wind import parse_wind_band

    params = {}
    for opt in own:
        if ctx.get_parameter_source(opt.name) is ParameterSource.DEFAULT:
            continue
        value = kw[opt.name]
        params[opt.name] = list(value) if isinstance(value, tuple) else value
    role_files = {
        role: list(kw[f"role_file_{role}"])
        for role in job_kind.role_files
        if kw.get(f"role_file_{role}")
    }
    formats = list(kw["formats"]) or None
    aircraft = kw["aircraft"]
    return JobRequest.parse(
        {
            "kind": job_kind.name,
            "site": {
                "files": list(kw["files"]),
                "role_files": role_files,
                "crs": kw["crs"],
                "max_field_ha": kw["max_field_ha"],
                "unlabelled": kw["unlabelled"],
            },
            "aircraft": list(aircraft) if isinstance(aircraft, tuple) else [aircraft],
            "params": params,
            "conditions": {
                "wind_mps": kw["wind_mps"],
                "wind_from_deg": kw["wind_from_deg"],
                "wind_bands": [parse_wind_band(b) for b in kw["wind_band"]],
                "airspace": list(kw["airspace"]),
                "obstacles": list(kw["obstacles"]),
                "dem": kw["dem"],
                "max_agl_m": kw["max_agl_m"],
                "terrain_follow": kw["terrain_follow"],
                "follow_tolerance_m": kw["follow_tolerance_m"],
                "elevation_m": kw["elevation_m"],
                "air_temperature_c": kw["air_temperature_c"],
            },
            "output": {
                "formats": formats,
                "picture": not kw["no_picture"],
                "autopilot": kw["autopilot"],
                "spray_servo": kw.get("spray_servo", 9),
                "profile": kw["autopilot_profile"],
                "dji_aircraft": kw["dji_aircraft"],
            },
        }
    )
