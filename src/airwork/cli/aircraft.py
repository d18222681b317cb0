"""``airwork aircraft``: list presets, show one, price a payload and speed."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Annotated

import typer
from rich.table import Table

from airwork.aircraft import load_aircraft, preset_names
from airwork.cli.common import JsonOpt, console, handle_errors

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
    as_json: JsonOpt = False,
) -> None:
    """Performance at one payload (and speed)."""
    p = load_aircraft(aircraft).performance(payload_kg, speed_mps)
    data = {k: (round(v, 4) if isinstance(v, float) else v) for k, v in asdict(p).items()}
    if as_json:
        typer.echo(json.dumps(data, indent=2))
        return
    table = Table(title=f"{p.aircraft} with {p.payload_kg:g} kg", show_header=False)
    table.add_column("quantity")
    table.add_column("value", justify="right")
    for k, v in data.items():
        table.add_row(k, str(v))
    console.print(table)
