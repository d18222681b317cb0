"""``airwork demo``: plan the bundled example field end to end."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from airwork.cli.common import AircraftOpt, console, handle_errors


@handle_errors
def demo(
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (replaced).")] = Path(
        "airwork-out/demo"
    ),
    aircraft: AircraftOpt = "sprayer-40",
) -> None:
    """Plan spraying of the bundled example field at 15 L/ha and write every output."""
    from importlib import resources

    from airwork.cli.execute import execute
    from airwork.jobs.request import JobRequest

    with resources.as_file(resources.files("airwork").joinpath("data/example_field.geojson")) as f:
        console.print(f"example job: {f}", highlight=False)
        request = JobRequest.parse(
            {
                "kind": "spray",
                "site": {"files": [str(f)]},
                "aircraft": [aircraft],
                "params": {"rate_l_per_ha": 15.0},
                "name": "example-field",
            }
        )
        execute(request, out, overwrite=True)
