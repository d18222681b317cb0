"""Shared CLI pieces: consoles, error handling, options defined once."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from airwork.errors import AirworkError

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
    bool, typer.Option("--overwrite", help="Replace airwork outputs in a non-empty folder.")
]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")]


def fail(message: str, code: int = 1) -> None:
    """Print one clear error and exit non-zero (no traceback)."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def handle_errors(func: F) -> F:
    """Turn airwork errors into one line and exit 1; unexpected errors exit 2 with a hint.

    Set ``AIRWORK_DEBUG=1`` to see the full traceback of an unexpected error.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except typer.Exit:
            raise
        except AirworkError as exc:
            fail(str(exc))
        except (ValueError, OSError) as exc:
            if os.environ.get("AIRWORK_DEBUG"):
                raise
            fail(str(exc))
        except Exception as exc:  # pragma: no cover - a bug of ours
            if os.environ.get("AIRWORK_DEBUG"):
                raise
            err_console.print(
                f"[bold red]internal error:[/] {type(exc).__name__}: {exc}\n"
                "This is a bug in airwork; rerun with AIRWORK_DEBUG=1 for the traceback "
                "and report it.",
                highlight=False,
            )
            raise typer.Exit(2) from None
        return None

    return wrapper  # type: ignore[return-value]


def is_tty() -> bool:
    return sys.stdout.isatty()


def print_notes(notes: Iterable[str], out: Path | None = None) -> None:
    """Notes and planner warnings on stderr, then where the outputs went."""
    for note in notes:
        err_console.print(f"[yellow]note:[/] {note}", highlight=False)
    if out is not None:
        console.print(f"outputs in [bold]{out}[/]", highlight=False)
