"""Entry point of the ``airwork`` command: a face over the library.

The ``plan`` group is made from the registered kinds of job (:mod:`airwork.cli.plan`);
the other commands are typer commands.  Nothing heavy is imported before a command runs, so
``airwork --help`` and ``airwork --version`` answer at once.
"""

from __future__ import annotations

if __name__ == "__main__":  # ``python -m airwork.cli.main``: Ctrl-C while importing too
    from airwork.cli.entry import quiet_start

    quiet_start()

import os
import signal
import sys
import threading
from collections.abc import Sequence
from typing import NoReturn

import click
import typer

from airwork import __version__
from airwork.cli import aircraft, batch, demo, mission, serve
from airwork.cli import check as check_cmd
from airwork.cli import design as design_cmd
from airwork.cli import upload as upload_cmd
from airwork.cli.entry import INTERRUPTED
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
_typer_app.command("upload")(upload_cmd.upload)
_typer_app.command("design")(design_cmd.design)
_typer_app.command("bom")(design_cmd.bom)
_typer_app.command("production")(design_cmd.production)
_typer_app.command("spares")(design_cmd.spares)
_typer_app.add_typer(design_cmd.catalogue_app, name="catalogue")
_typer_app.command("serve")(serve.serve)
_typer_app.add_typer(serve.org_app, name="org")
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


_REDELIVER_S = 0.01
"""How long after an interrupt was swallowed it is delivered again (s): long enough for
Python to have left the callback that swallowed it."""


_signalled: list[int] = []
"""The interrupts this command received (their signal numbers)."""


def _interrupt(signum, frame) -> None:  # pragma: no cover - signal handler
    """SIGINT and SIGTERM interrupt the command where it is (``finally`` blocks run: the
    writer removes its temporary folder and lock)."""
    _signalled.append(signum)
    raise KeyboardInterrupt(signum)


def _unraisable(hook_args) -> None:
    """``sys.unraisablehook`` while a command runs.  An interrupt that lands inside a
    callback Python calls from C (a weakref callback of the import lock, a ``__del__``)
    cannot propagate: Python would print it as "Exception ignored in ..." with a traceback
    and carry on as if no signal had come.  Instead, print nothing and send the same
    signal to the main thread again a moment later, when it is back in ordinary code."""
    exc = hook_args.exc_value
    if not isinstance(exc, KeyboardInterrupt):
        sys.__unraisablehook__(hook_args)
        return
    signum = exc.args[0] if exc.args and isinstance(exc.args[0], int) else signal.SIGINT
    main_id = threading.main_thread().ident

    def again() -> None:
        if signal.getsignal(signum) is _interrupt and main_id is not None:
            signal.pthread_kill(main_id, signum)

    timer = threading.Timer(_REDELIVER_S, again)
    timer.daemon = True
    timer.start()


def _exit_code(exc: BaseException) -> int | None:
    """The exit code of a click or typer exception (typer >= 0.16 carries its own copy of
    click, so both kinds reach here), after printing its message; None for any other."""
    code = getattr(exc, "exit_code", None)
    if hasattr(exc, "show") and isinstance(code, int):  # a ClickException: usage errors
        exc.show()
        return code
    if isinstance(code, int):  # Exit
        return code
    if type(exc).__name__ == "Abort":
        return INTERRUPTED
    return None


def main(argv: Sequence[str] | None = None, *, restore_signals: bool | None = None) -> NoReturn:
    """Run the command and exit with its code: 0 done, 1 bad input (one line), 2 usage
    error or internal error, 3 check violations, 130 interrupted by Ctrl-C or SIGTERM (one
    line; the writer leaves the old output or the new one, never a part).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments (default ``sys.argv[1:]``).
    restore_signals : bool, optional
        Put the caller's SIGINT/SIGTERM handlers back when the command is done (default:
        when ``argv`` is given, i.e. when called from Python).  As a process entry point
        the signals are ignored from then on: the process is only exiting.
    """
    restore = argv is not None if restore_signals is None else restore_signals
    previous = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM)}
    previous_hook = sys.unraisablehook
    for s in previous:
        signal.signal(s, _interrupt)
    sys.unraisablehook = _unraisable
    _signalled.clear()
    try:
        code = app.main(args=list(argv) if argv is not None else None, standalone_mode=False)
    except KeyboardInterrupt:
        code = INTERRUPTED
    except Exception as exc:
        code = _exit_code(exc)
        if code is None and _signalled:
            # the interrupt landed inside C code that turned it into another error (an
            # extension module's import reports "TypeError: expected a message argument")
            code = INTERRUPTED
        if code is None:
            if os.environ.get("AIRWORK_DEBUG"):
                raise
            sys.stderr.write(
                f"airwork: internal error: {type(exc).__name__}: {exc}\nThis is a bug in "
                "airwork; rerun with AIRWORK_DEBUG=1 for the traceback and report it.\n"
            )
            code = 2
    finally:
        for s, handler in previous.items():
            signal.signal(s, handler if restore else signal.SIG_IGN)
        if restore:
            sys.unraisablehook = previous_hook
    if code == INTERRUPTED:
        sys.stderr.write("airwork: interrupted; no output was left half-written\n")
        if not restore:
            # a process interrupted: its finally blocks have run.  Leave now, so an
            # interrupt Python noted while importing cannot turn exit 130 into death by
            # SIGINT at interpreter shutdown (seen with ``python -m`` one run in six)
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(INTERRUPTED)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
