"""``airwork aircraft``: list presets, show one, price a payload and speed."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape

from airwork.cli.common import JsonOpt, console, err_console, handle_errors

if TYPE_CHECKING:  # pragma: no cover
    from airwork.aircraft import Calibration


# The library is imported when a command runs, not when ``airwork --help`` starts.
def load_aircraft(name: str) -> Any:
    from airwork.aircraft import load_aircraft as load

    return load(name)


def preset_names() -> list[str]:
    from airwork.aircraft import preset_names as names

    return names()


def Table(*args: Any, **kwargs: Any) -> Any:
    from rich.table import Table as RichTable

    return RichTable(*args, **kwargs)


app = typer.Typer(help="Aircraft presets and performance.", no_args_is_help=True)


@app.command("list")
@handle_errors
def list_() -> None:
    """List the bundled aircraft presets."""
    table = Table(title="airwork aircraft presets")
    table.add_column("name", no_wrap=True)
    table.add_column("description", overflow="fold")
    for col in ("mass kg", "MTOM kg", "payload kg", "battery Wh", "hover min"):
        table.add_column(col, justify="right")
    for name in preset_names():
        a = load_aircraft(name)
        table.add_row(
            name,
            a.description,
            f"{a.mass_kg:.2f}",
            f"{a.max_takeoff_mass_kg:.1f}",
            f"{a.max_payload_kg:.1f}",
            f"{a.battery_energy_wh:.0f}",
            f"{float(a.hover_endurance_min(0.0)):.1f}",
        )
    console.print(table)


@app.command()
@handle_errors
def show(aircraft: Annotated[str, typer.Argument(help="Preset name or YAML spec file.")]) -> None:
    """Masses, battery, power and endurance at 0, 50 and 100 % payload."""
    a = load_aircraft(aircraft)
    head = Table(title=f"{a.name}: {a.description}".rstrip(": "), show_header=False)
    head.add_column("key")
    head.add_column("value", justify="right")
    rows = [
        ("vehicle", a.airframe.vehicle),
        (
            "rotors",
            f"{a.rotors.count} x {a.rotors.diameter_m:.3f} m"
            f"{' coaxial' if a.rotors.coaxial else ''}",
        ),
        ("mass ready to fly (no payload)", f"{a.mass_kg:.2f} kg"),
        ("maximum take-off mass", f"{a.max_takeoff_mass_kg:.2f} kg"),
        ("maximum payload", f"{a.max_payload_kg:.2f} kg"),
        ("payload system", f"{a.payload.name} ({a.payload.kind})" if a.payload else "none"),
        ("battery", f"{a.battery_count} x {a.battery.name}, {a.battery_energy_wh:.0f} Wh"),
        (
            "cells / chemistry / resistance",
            f"{a.battery.cells_series}S {a.battery.chemistry}, "
            f"{a.pack_resistance_ohm * 1000:.1f} mΩ at {a.temperature_c:g} °C",
        ),
        (
            "pack voltage in hover (half charge)",
            f"{float(a.pack_voltage_v(a.terminal_hover_power_w(0.0))):.1f} V",
        ),
        (
            "thrust margin (empty / full)",
            "no motor data"
            if a.thrust_margin() is None
            else f"{a.thrust_margin():.2f} / {a.thrust_margin(a.max_payload_kg):.2f}",
        ),
        (
            "calibration (power / energy factor)",
            "none"
            if a.calibration is None
            else f"{a.calibration.power_factor:.3f} / {a.calibration.energy_factor:.3f}",
        ),
        ("usable energy / reserve", f"{a.usable_energy_wh:.0f} Wh / {a.reserve_energy_wh:.0f} Wh"),
        ("maximum speed / wind", f"{a.max_speed_mps:.1f} / {a.airframe.max_wind_mps:.1f} m/s"),
    ]
    for k, v in rows:
        head.add_row(k, v)
    console.print(head)
    perf = Table(title="performance at sea level, calm air")
    for col in (
        "payload",
        "take-off mass kg",
        "hover power W",
        "hover min",
        "best range m/s",
        "power at it W",
        "endurance min*",
        "range km*",
    ):
        perf.add_column(col, justify="right")
    for frac in (0.0, 0.5, 1.0):
        p = a.performance(frac * a.max_payload_kg)
        perf.add_row(
            f"{frac * 100:.0f}% ({p.payload_kg:.1f} kg)",
            f"{p.takeoff_mass_kg:.2f}",
            f"{p.hover_power_w:.0f}",
            f"{p.hover_endurance_min:.1f}",
            f"{p.best_range_speed_mps:.1f}",
            f"{p.forward_power_w:.0f}",
            f"{p.endurance_min:.1f}",
            f"{p.range_km:.1f}",
        )
    console.print(perf)
    console.print(
        "* with the landing reserve kept; hover minutes are spec-sheet style (all usable energy)."
    )


@app.command()
@handle_errors
def perf(
    aircraft: Annotated[str, typer.Argument(help="Preset name or YAML spec file.")],
    payload_kg: Annotated[float, typer.Option("--payload-kg", help="Payload mass (kg).")] = 0.0,
    speed_mps: Annotated[
        float | None, typer.Option("--speed-mps", help="Airspeed (m/s); default best range.")
    ] = None,
    reserve_frac: Annotated[
        float | None,
        typer.Option(
            "--reserve-frac",
            help="Landing reserve as a share of usable energy (0 gives spec-sheet figures); "
            "default the aircraft's.",
        ),
    ] = None,
    temperature_c: Annotated[
        float | None,
        typer.Option(
            "--temperature-c",
            help="Battery temperature (°C); default the air temperature if given, else 25.",
        ),
    ] = None,
    elevation_m: Annotated[
        float | None,
        typer.Option("--elevation-m", help="Elevation above sea level (m); default 0."),
    ] = None,
    air_temperature_c: Annotated[
        float | None,
        typer.Option(
            "--air-temperature-c", help="Air temperature (°C); default ISA at the elevation."
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Performance at one payload (and speed) in the air of an elevation and temperature
    (sea level ISA by default): powers, endurance, range, pack voltage under hover load
    and thrust margin."""
    from airwork.flight.air import job_air
    from airwork.jobs.request import PerfRequest

    opts = PerfRequest.parse(
        {
            "payload_kg": payload_kg,
            "speed_mps": speed_mps,
            "reserve_frac": reserve_frac,
            "temperature_c": temperature_c,
            "elevation_m": elevation_m,
            "air_temperature_c": air_temperature_c,
        }
    )
    a = job_air(opts.elevation_m, opts.air_temperature_c).fly(load_aircraft(aircraft))
    if opts.reserve_frac is not None:
        a = a.with_reserve(opts.reserve_frac)
    if opts.temperature_c is not None:
        a = a.with_temperature(opts.temperature_c)
    p = a.performance(opts.payload_kg, opts.speed_mps)
    data = {
        k: (round(v, 4) if isinstance(v, float) else list(v) if isinstance(v, tuple) else v)
        for k, v in asdict(p).items()
    }
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table(title=f"{p.aircraft} with {p.payload_kg:g} kg", show_header=False)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for k, v in data.items():
        if k != "warnings":
            table.add_row(k, str(v))
    console.print(table)
    for w in p.warnings:
        err_console.print(f"[yellow]warning:[/] {escape(w)}", highlight=False)


def _calibrated_file_data(aircraft: str, cal: Calibration) -> dict:
    block = {
        "power_factor": round(cal.power_factor, 4),
        "energy_factor": round(cal.energy_factor, 4),
        "flights": cal.flights,
        "source": cal.source,
    }
    from airwork.aircraft.catalogue import read_aircraft_file

    if aircraft in preset_names():
        return {"preset": aircraft, "calibration": block}
    data = dict(read_aircraft_file(Path(aircraft)))
    data["calibration"] = block
    return data


@app.command()
@handle_errors
def calibrate(
    aircraft: Annotated[str, typer.Argument(help="Preset name or YAML spec file.")],
    logs: Annotated[
        list[Path],
        typer.Argument(help="Flown logs: DataFlash .bin, MAVLink .tlog or PX4 .ulg (or .xz)."),
    ],
    payload_kg: Annotated[
        float, typer.Option("--payload-kg", help="Payload flown in the logs (kg).")
    ] = 0.0,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="Write the aircraft with its calibration to this YAML file (plans use it "
            "as --aircraft FILE).",
        ),
    ] = None,
    as_json: JsonOpt = False,
) -> None:
    """Fit a power factor and a usable-energy factor from flown logs."""
    import yaml

    from airwork.aircraft.calibration import fit_calibration
    from airwork.flightlog import read_log
    from airwork.jobs.request import PerfRequest

    payload_kg = PerfRequest.parse({"payload_kg": payload_kg}).payload_kg
    a = load_aircraft(aircraft)
    fit = fit_calibration(a, [read_log(p) for p in logs], payload_kg)
    cal = fit.calibration
    if output is not None:
        text = yaml.safe_dump(_calibrated_file_data(aircraft, cal), sort_keys=False)
        output.write_text(text, "utf-8")
    if as_json:
        out = {
            "aircraft": a.name,
            "power_factor": round(cal.power_factor, 4),
            "energy_factor": round(cal.energy_factor, 4),
            "samples": fit.samples,
            "power_rms_frac": round(fit.power_rms_frac, 4),
            "depth_span": round(fit.depth_span, 3),
            "per_log": [
                {"log": n, "power_factor": round(kp, 4), "energy_factor": ke}
                for n, kp, ke in fit.per_log
            ],
            "output": None if output is None else str(output),
        }
        typer.echo(json.dumps(out, indent=2))
        return
    table = Table(title=f"calibration of {a.name} from {len(logs)} log(s)")
    for col in ("log", "power factor", "energy factor"):
        table.add_column(col, justify="right")
    for name, kp, ke in fit.per_log:
        table.add_row(name, f"{kp:.3f}", "—" if ke is None else f"{ke:.3f}")
    table.add_row("fitted", f"{cal.power_factor:.3f}", f"{cal.energy_factor:.3f}")
    console.print(table)
    console.print(
        f"{fit.samples} airborne samples; power residual {fit.power_rms_frac:.1%} RMS; "
        f"the logs cover {fit.depth_span:.0%} of the pack"
        + ("" if fit.depth_span >= 0.2 else " (too little to fit the energy factor: kept 1)")
    )
    if output is not None:
        console.print(f"wrote {output}")
