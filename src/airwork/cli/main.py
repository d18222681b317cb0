"""Entry point of the ``airwork`` command."""

from __future__ import annotations

import typer

from airwork import __version__
from airwork.cli import aircraft, delivery, demo, mission, plan, powerline, survey
from airwork.cli import check as check_cmd
from airwork.cli import upload as upload_cmd

app = typer.Typer(
    name="airwork",
    help="Plan, check and export civil drone aerial work: spraying, spreading, mapping, "
    "inspection and delivery.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.add_typer(aircraft.app, name="aircraft")
plan.app.command("survey")(survey.survey)
plan.app.command("powerline")(powerline.powerline)
plan.app.command("delivery")(delivery.delivery)
app.add_typer(plan.app, name="plan")
app.add_typer(mission.app, name="mission")
app.command("demo")(demo.demo)
app.command("check")(check_cmd.check)
app.command("upload")(upload_cmd.upload)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        help="Print the version and exit.",
        callback=_print_version,
        is_eager=True,
    ),
) -> None:
    """Plan, check and export civil drone aerial work."""


def main() -> None:
    app()


if __name__ == "__main__":
    main()
