"""``airwork demo``: plan the bundled example field end to end."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer

from airwork.cli.common import AircraftOpt, console, handle_errors
from airwork.cli.plan import run_field_job


@handle_errors
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (replaced).")] = Path(
        "airwork-out/demo"
    ),
    aircraft: AircraftOpt = "sprayer-40",
) -> None:
    """Plan spraying of the bundled example field at 15 L/ha and write every output."""
    with resources.as_file(resources.files("airwork").joinpath("data/example_field.geojson")) as f:
        console.print(f"example job: {f}", highlight=False)
        run_field_job(
            [f],
            kind="spray",
            aircraft=aircraft,
            rate=15.0,
            out=out,
            overwrite=True,
            name="example-field",
        )
