"""Shared command-line pieces: consoles, one-line errors, options defined once."""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import click
import typer
from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])

AircraftOpt = Annotated[
    str,
    typer.Option(
        "--aircraft", "-a", help="Preset name (airwork aircraft list) or a YAML spec file."
    ),
]
OutOpt = Annotated[str, typer.Option("--out", "-o", help="Output folder.")]
OverwriteOpt = Annotated[
    bool, typer.Option("--overwrite", help="Replace the outputs of an earlier run there.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one clear error and exit non-zero (no traceback).

    The message is printed as it is (square brackets in it are text, not rich markup).
    The exit is typer's, which typer turns into the exit code whichever click it runs on.
    """
    err_console.print(f"[bold red]error:[/] {escape(message)}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


@contextlib.contextmanager
def fail_on_errors() -> Iterator[None]:
    """Turn airwork errors into one line and exit 1; unexpected errors exit 2 with a hint.

    Set ``AIRWORK_DEBUG=1`` to see the full traceback of an unexpected error.
    """
    from pydantic import ValidationError

    from airwork.errors import AirworkError

    try:
        yield
    except (click.exceptions.Exit, click.ClickException, click.Abort, typer.Exit, typer.Abort):
        raise
    except AirworkError as exc:
        fail(str(exc))
    except ValidationError as exc:
        fail("; ".join(_validation_lines(exc)))
    except (ValueError, OSError) as exc:
        if os.environ.get("AIRWORK_DEBUG"):
            raise
        fail(str(exc))
    except Exception as exc:  # pragma: no cover - a bug of ours
        if os.environ.get("AIRWORK_DEBUG"):
            raise
        err_console.print(
            f"[bold red]internal error:[/] {escape(f'{type(exc).__name__}: {exc}')}\n"
            "This is a bug in airwork; rerun with AIRWORK_DEBUG=1 for the traceback "
            "and report it.",
            highlight=False,
        )
        raise typer.Exit(2) from None


def _validation_lines(exc) -> list[str]:
    return [
        f"{'.'.join(str(p) for p in e['loc'])} = {e.get('input')!r}: {e['msg']}"
        for e in exc.errors()
    ]


def handle_errors(func: F) -> F:
    """:func:`fail_on_errors` around a command function."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with fail_on_errors():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def is_tty() -> bool:
    return sys.stdout.isatty()


def print_notes(notes: Iterable[str], out: Path | None = None) -> None:
    """Notes and planner warnings on stderr, then where the outputs went."""
    for note in notes:
        err_console.print(f"[yellow]note:[/] {escape(note)}", highlight=False)
    if out is not None:
        console.print(f"outputs in [bold]{escape(str(out))}[/]", highlight=False)
