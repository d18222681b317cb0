"""The fuzz suite: every generated case (``fuzz_cases.py``) run through the real entry point
(:func:`airwork.cli.main.main`, in-process for speed), with the outcome class it must have.

A crash (an internal error, a traceback, an exit code nobody chose), a hang (a case over
its time limit), an unsafe acceptance (a case that must be refused but plans, or a corrupt
mission called clean) or a refusal that does not name its problem fails the suite.  An
accepted plan is re-checked independently: ``airwork check`` on its ``mission.geojson`` and
its first ``.plan`` must be clean, and every coordinate it wrote finite and on the globe.
"""

from __future__ import annotations

import json
import math
import os
import re
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from fuzz_cases import Case, all_cases

from airwork.cli.main import main

CASES = all_cases()
TIME_LIMIT_S = 60.0
"""A case running longer than this is a hang (the slowest accepted plan takes ~2 s)."""
EXIT = {"accept": 0, "refuse": 1, "usage": 2, "violation": 3}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class Hang(BaseException):
    """Raised by the alarm in a case over its time limit (not caught by the CLI)."""


@dataclass
class Result:
    code: int
    out: str
    err: str
    seconds: float

    @property
    def text(self) -> str:
        return self.out + self.err


def run(argv: list[str]) -> Result:
    """One command through the real entry point, its exit code and output captured."""

    def alarm(signum, frame):
        raise Hang(f"over {TIME_LIMIT_S:g} s: {' '.join(argv)}")

    old = signal.signal(signal.SIGALRM, alarm)
    signal.setitimer(signal.ITIMER_REAL, TIME_LIMIT_S)
    t0 = time.perf_counter()
    try:
        with CliRunner().isolation(env={"COLUMNS": "200", "AIRWORK_DEBUG": None}) as (o, e, _):
            try:
                main(argv)
            except SystemExit as exc:
                code = exc.code if isinstance(exc.code, int) else 1
            else:  # pragma: no cover - main always exits
                code = -1
            out, err = o.getvalue().decode(), e.getvalue().decode()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)
    return Result(code, _ANSI.sub("", out), _ANSI.sub("", err), time.perf_counter() - t0)


@pytest.fixture(scope="session")
def good(tmp_path_factory) -> dict[str, str]:
    """The good outputs the mission cases mutate: the example field sprayed once."""
    out = tmp_path_factory.mktemp("good") / "out"
    r = run(
        [
            "plan",
            "spray",
            str(Path(__file__).parents[3] / "src/airwork/data/example_field.geojson"),
            "-o",
            str(out),
            "--no-picture",
        ]
    )
    assert r.code == 0, r.text
    return {
        "plan": str(out / "sortie-01.plan"),
        "wpl": str(out / "sortie-01.waypoints"),
        "geojson": str(out / "mission.geojson"),
    }


def _argv(case: Case, d: Path, out: Path, good: dict[str, str]) -> list[str]:
    subs = {"{dir}": str(d), "{out}": str(out), **{f"{{{k}}}": v for k, v in good.items()}}
    argv = []
    for token in case.argv:
        for key, value in subs.items():
            token = token.replace(key, value)
        argv.append(token)
    return argv


def _no_crash(r: Result) -> None:
    assert "Traceback" not in r.text, r.text
    assert "internal error" not in r.text, r.text
    assert r.code in EXIT.values(), f"exit {r.code}: {r.text}"


def _mentions(text: str, names: tuple[str, ...]) -> None:
    flat = " ".join(text.split())
    for name in names:
        assert name.lower() in flat.lower(), f"{name!r} not in: {flat[:600]}"


def _error_lines(r: Result) -> list[str]:
    return [ln for ln in r.err.splitlines() if ln.startswith("error:")]


def _conditions(argv: list[str]) -> list[str]:
    """The wind options of a plan's command line, for its re-check."""
    out = []
    for i, token in enumerate(argv[:-1]):
        if token in ("--wind-mps", "--wind-from-deg", "--wind-band"):
            out += [token, argv[i + 1]]
    return out


def _recheck(out: Path, wind: list[str]) -> None:
    """An accepted plan, checked by other means than the planner's own word: its files
    listed in summary.json, coordinates finite and on the globe, and ``airwork check`` (in
    the plan's wind) clean on mission.geojson and the first .plan."""
    files = sorted(p.name for p in out.iterdir())
    summary = json.loads((out / "summary.json").read_text())
    assert sorted(summary["files"]) == files
    doc = json.loads((out / "mission.geojson").read_text())
    for f in doc["features"]:
        coords = _flat(f["geometry"]["coordinates"]) if f.get("geometry") else []
        for lon, lat, *_ in coords:
            assert math.isfinite(lon) and math.isfinite(lat) and abs(lat) <= 90
            assert abs(lon) <= 180
    for target in [out / "mission.geojson", *sorted(out.glob("sortie-*.plan"))[:1]]:
        r = run(["check", str(target), *wind])
        _no_crash(r)
        assert r.code == 0, f"re-check of {target.name} is not clean:\n{r.text}"


def _flat(coords):
    if coords and isinstance(coords[0], int | float):
        return [coords]
    return [c for part in coords for c in _flat(part)]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case(case: Case, tmp_path: Path, good: dict[str, str]) -> None:
    d = tmp_path / "case"
    d.mkdir()
    out = tmp_path / "out"
    if case.setup is not None:
        case.setup(d, good)
    before = sorted(p.name for p in d.iterdir())
    argv = _argv(case, d, out, good)
    r = run(argv)
    _no_crash(r)
    assert r.code == EXIT[case.expect], f"expected {case.expect}, got exit {r.code}:\n{r.text}"
    _mentions(r.text, case.names)
    if case.expect == "refuse":
        lines = _error_lines(r)
        assert len(lines) == 1 and r.err.strip().startswith("error:"), r.err
        assert not out.exists(), "a refused run wrote its output folder"
        assert sorted(p.name for p in d.iterdir()) == before, "a refused run wrote files"
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    elif case.expect == "usage":
        assert "Usage:" in r.err and not out.exists()
    elif case.expect == "accept" and case.argv[0] == "plan":
        _recheck(out, _conditions(argv))


def test_the_suite_is_big_and_mixed():
    """At least 300 cases, every outcome class present, every command driven."""
    counts = {e: sum(c.expect == e for c in CASES) for e in EXIT}
    commands = {" ".join(c.argv[:2]) for c in CASES}
    assert len(CASES) >= 300, counts
    assert all(n > 0 for n in counts.values()), counts
    for command in (
        "plan spray",
        "plan spread",
        "plan survey",
        "plan powerline",
        "plan delivery",
        "mission show",
        "aircraft perf",
        "design --payload-kg",
        "bom nothing-9",
        "production {dir}/p.yaml",
        "spares {dir}/h.csv",
        "catalogue check",
        "catalogue diff",
        "upload {plan}",
    ):
        assert command in commands, command
    assert any(c.argv[0] == "check" for c in CASES)
    print(f"\nfuzz cases: {len(CASES)} {counts}", file=sys.stderr)


@pytest.fixture(autouse=True)
def _no_debug(monkeypatch):
    monkeypatch.delenv("AIRWORK_DEBUG", raising=False)
    yield
    assert os.environ.get("AIRWORK_DEBUG") is None
