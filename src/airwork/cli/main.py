"""Entry point of the ``airwork`` command: a face over the library.

The ``plan`` group is made from the registered kinds of job (:mod:`airwork.cli.plan`);
the other commands are typer commands.  Nothing heavy is imported before a command runs, so
``airwork --help`` and ``airwork --version`` answer at once.
"""

from __future__ import annotations

import signal
import sys

import click
import typer

from airwork import __version__
from airwork.cli import aircraft, batch, demo, mission
from airwork.cli import check as check_cmd
from airwork.cli.plan import PlanGroup

__all__ = ["app", "main"]

_typer_app = typer.Typer(
    name="airwork",
    help="Plan, check and export civil drone aerial work: spraying, spreading, mapping, "
    "inspection and delivery.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
_typer_app.add_typer(aircraft.app, name="aircraft")
_typer_app.add_typer(mission.app, name="mission")
_typer_app.command("demo")(demo.demo)
_typer_app.command("check")(check_cmd.check)
_typer_app.command("batch")(batch.batch)


@_typer_app.command("formats")
def formats() -> None:
    """List the output formats (for --format)."""
    from airwork.export.registry import exporter, exporter_names

    for name in exporter_names():
        typer.echo(f"{name:12s} {exporter(name).description}")


def _print_version(value: bool) -> None:
    if value:
        typer.echo(__version__)
        raise typer.Exit()


@_typer_app.callback()
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


app: click.Group = typer.main.get_group(_typer_app)
"""The ``airwork`` command as a click group (tests invoke it with click's CliRunner)."""
app.add_command(
    PlanGroup(
        name="plan",
        help="Plan a job and write its mission files (one command per kind of job).",
        no_args_is_help=True,
    )
)


def _terminate(signum, frame) -> None:  # pragma: no cover - signal handler
    raise KeyboardInterrupt


def main() -> None:
    """Run the command; Ctrl-C and SIGTERM end it with one line and exit 130, after the
    writer has removed its temporary folder."""
    signal.signal(signal.SIGTERM, _terminate)
    try:
        app(standalone_mode=False)
    except KeyboardInterrupt:
        sys.stderr.write("airwork: interrupted; nothing was written\n")
        sys.exit(130)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        sys.stderr.write("airwork: interrupted; nothing was written\n")
        sys.exit(130)


if __name__ == "__main__":
    main()
