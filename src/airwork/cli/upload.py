"""``airwork upload``: send a mission file to an autopilot over MAVLink and verify it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from airwork.cli.common import console, handle_errors

__all__ = ["upload"]


@handle_errors
def upload(
    mission: Annotated[
        Path,
        typer.Argument(
            help="Mission file: a .plan (with its fence and rally points) or .waypoints."
        ),
    ],
    connect: Annotated[
        str,
        typer.Option(
            "--connect",
            "-c",
            help="MAVLink link: tcp:HOST:PORT, udpin:HOST:PORT (udp:HOST:PORT listens too), "
            "udpout:HOST:PORT or a serial device such as /dev/ttyACM0.",
        ),
    ],
    baud: Annotated[int, typer.Option("--baud", help="Serial baud rate.")] = 115200,
    timeout_s: Annotated[
        float, typer.Option("--timeout-s", help="Wait for each answer (s); tried 4 times.")
    ] = 3.0,
    no_verify: Annotated[
        bool, typer.Option("--no-verify", help="Do not read the mission back.")
    ] = False,
) -> None:
    """Upload a mission with the MAVLink mission protocol (mission, geofence and rally
    points), read it back and compare it item by item.  A refusal by the autopilot is one
    line with its reason (e.g. MAV_MISSION_NO_SPACE) and exit code 1."""
    from airwork.autopilot.read import read_mission_file
    from airwork.autopilot.upload import MissionLink, upload_mission_file

    mf = read_mission_file(mission)
    with MissionLink(connect, baud=baud, timeout_s=timeout_s) as link:
        report = upload_mission_file(link, mf, verify=not no_verify)
    system, component = report.target
    console.print(f"{mission.name} -> autopilot {system}/{component} on {connect}", highlight=False)
    for line in report.lines():
        console.print(f"  {line}", highlight=False)
