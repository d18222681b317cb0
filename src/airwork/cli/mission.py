"""``airwork mission show``: read a .plan or .waypoints file back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from airwork.cli.common import JsonOpt, console, handle_errors

app = typer.Typer(help="Read mission files back.", no_args_is_help=True)


def _cmd_name(cmd: int) -> str:
    from airwork.autopilot.items import command_name

    return command_name(cmd)


def _num(v: float) -> float | None:
    """JSON has no NaN: write null, as QGroundControl does."""
    return None if v != v else v


def _fmt(v: float) -> str:
    return "nan" if v != v else f"{v:g}"


@app.command()
@handle_errors
def show(
    file: Annotated[Path, typer.Argument(help="A .plan (QGroundControl) or .waypoints file.")],
    as_json: JsonOpt = False,
) -> None:
    """Print the mission items and a summary."""
    from rich.table import Table

    from airwork.autopilot.read import mission_file_summary, read_mission_file

    mf = read_mission_file(file)
    summary = mission_file_summary(mf)
    if as_json:
        typer.echo(
            json.dumps(
                {
                    "summary": summary,
                    "items": [
                        {
                            "seq": it.seq,
                            "frame": it.frame,
                            "command": it.command,
                            "params": [_num(p) for p in it.params],
                            "lat": it.lat_deg,
                            "lon": it.lon_deg,
                            "alt": it.alt_m,
                        }
                        for it in mf.items
                    ],
                },
                indent=2,
                default=str,
            )
        )
        return
    table = Table(title=f"{file.name} ({mf.source_format})")
    for col in ("seq", "command", "frame", "p1", "p2", "p3", "p4", "lat", "lon", "alt m"):
        table.add_column(col, justify="left" if col == "command" else "right")
    for it in mf.items:
        table.add_row(
            str(it.seq),
            _cmd_name(it.command),
            str(it.frame),
            *(_fmt(p) for p in it.params),
            f"{it.lat_deg:.7f}",
            f"{it.lon_deg:.7f}",
            f"{it.alt_m:.2f}",
        )
    console.print(table)
    info = Table(show_header=False, title="summary")
    info.add_column("key")
    info.add_column("value", justify="right")
    for k, v in summary.items():
        info.add_row(str(k), str(v))
    console.print(info)
