"""Run one job request from the command line: progress bar, tables, notes, outputs."""

from __future__ import annotations

import json
import sys
from pathlib import Path

__all__ = ["execute", "print_report"]


def execute(request, out: str | Path, *, overwrite: bool = False, as_json: bool = False):
    """Check the output folder and hold its lock, run the job with a progress bar on a
    terminal, write every output all at once and print its table (or ``summary.json``
    with ``as_json``).

    Returns
    -------
    JobOutcome
    """
    from airwork.export.write import check_out_dir, output_lock, write_files
    from airwork.jobs.run import run_job

    out_dir = check_out_dir(out, overwrite=overwrite)
    with output_lock(out_dir):  # a second run into this folder is refused until we are done
        outcome = _run_with_progress(run_job, request)
        write_files(outcome.files, out_dir, overwrite=overwrite)
    if as_json:
        sys.stdout.write(json.dumps(outcome.summary, indent=2) + "\n")
    else:
        print_report(outcome.report)
    from airwork.cli.common import print_notes

    print_notes(outcome.notes, None if as_json else out_dir)
    return outcome


def _run_with_progress(run_job, request):
    from airwork.cli.common import err_console

    if not err_console.is_terminal:
        return run_job(request)
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    columns = (
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=err_console, transient=True) as bar:
        task = bar.add_task("starting", total=1.0)

        def progress(fraction: float, message: str) -> None:
            bar.update(task, completed=fraction, description=message)

        return run_job(request, progress=progress)


def print_report(report) -> None:
    """A kind's table and its lines, as rich renders them."""
    from rich.markup import escape
    from rich.table import Table

    from airwork.cli.common import console

    table = Table(title=escape(report.title))
    for col in report.columns:
        table.add_column(escape(col), justify="right")
    for row in report.rows:
        table.add_row(*map(escape, row))
    if report.total is not None:
        table.add_section()
        table.add_row(*map(escape, report.total))
    console.print(table)
    for line in report.lines:
        console.print(escape(line), highlight=False)
