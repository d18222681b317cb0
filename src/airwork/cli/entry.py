"""The ``airwork`` console script, light enough to own Ctrl-C from the first instant.

Python answers a Ctrl-C while it is still importing the command line (typer, rich, click:
a few tenths of a second) with a traceback.  This module imports nothing heavy: it installs
a handler that ends such an early interrupt with one line and exit 130, then imports and
runs :func:`airwork.cli.main.main`, which installs the handlers used while a command runs.
"""

from __future__ import annotations

import os
import signal
import sys
from types import FrameType

__all__ = ["INTERRUPTED", "main", "quiet_start"]

INTERRUPTED = 130
"""Exit code of a run ended by Ctrl-C (SIGINT) or SIGTERM (128 + 2, as shells report)."""


def _stop_early(signum: int, frame: FrameType | None) -> None:  # pragma: no cover - signal
    """Interrupted before any command ran: nothing was started, so leave at once."""
    os.write(2, b"airwork: interrupted before the command started; nothing was written\n")
    os._exit(INTERRUPTED)


def quiet_start() -> None:
    """Make SIGINT and SIGTERM end the process with one line until the command line is
    loaded (:func:`airwork.cli.main.main` then installs the handlers of a running command)."""
    signal.signal(signal.SIGINT, _stop_early)
    signal.signal(signal.SIGTERM, _stop_early)


def main() -> None:
    """Entry point of the ``airwork`` script."""
    quiet_start()
    from airwork.cli.main import main as run

    run(sys.argv[1:], restore_signals=False)
