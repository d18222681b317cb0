"""Shared fixtures and helpers for the airwork test suite."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"


def read_commented_csv(path: Path) -> list[dict[str, str]]:
    """Rows of a CSV whose leading ``#`` lines cite its sources."""
    text = "".join(
        line
        for line in path.read_text("utf-8").splitlines(keepends=True)
        if not line.startswith("#")
    )
    return list(csv.DictReader(io.StringIO(text)))


@pytest.fixture(scope="session")
def published_hover_times() -> list[dict[str, str]]:
    """Published hover / flight times of real multirotors (sources in the file header)."""
    return read_commented_csv(DATA / "published_hover_times.csv")
