"""The house rules, checked on the source itself (AST, no third-party tool).

* nothing outside ``airwork/cli`` imports it (benches and non-CLI tests included; the CLI's
  own tests are ``tests/cli``, the fuzz suite ``tests/cli/fuzz`` among them, which drives
  every command); only the CLI imports the service, and only the service and the CLI the job
  engine;
* data flows one way: the lower packages import none of the higher ones (``geo`` and
  ``aircraft`` no planners, airspace checks, exporters, jobs or faces; planners no exporters
  or faces ...), and only tests and benches use ``airwork.testing``;
* no source module over 800 lines, no function over 120 code lines.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
SRC = ROOT / "src" / "airwork"
MAX_MODULE_LINES = 800
MAX_FUNCTION_CODE_LINES = 120

# package -> packages it must not import
FORBIDDEN = {
    "errors": {"*"},
    "geo": {
        "aircraft",
        "site",
        "flight",
        "mission",
        "planners",
        "airspace",
        "export",
        "jobs",
        "cli",
        "testing",
        "plotting",
        "autopilot",
    },
    "aircraft": {
        "geo",
        "site",
        "flight",
        "mission",
        "planners",
        "airspace",
        "export",
        "jobs",
        "cli",
        "testing",
        "plotting",
        "autopilot",
    },
    "site": {
        "aircraft",
        "flight",
        "mission",
        "planners",
        "airspace",
        "export",
        "jobs",
        "cli",
        "testing",
        "plotting",
        "autopilot",
    },
    "flight": {
        "mission",
        "planners",
        "airspace",
        "export",
        "jobs",
        "cli",
        "testing",
        "plotting",
        "autopilot",
    },
    "mission": {
        "planners",
        "airspace",
        "export",
        "jobs",
        "cli",
        "testing",
        "plotting",
        "autopilot",
    },
    "autopilot": {"planners", "airspace", "export", "jobs", "cli", "testing", "plotting"},
    "planners": {"export", "cli", "testing", "airspace"},
    "airspace": {"planners", "export", "jobs", "cli", "testing", "plotting"},
    "export": {"planners", "airspace", "jobs", "cli", "testing"},
    "plotting": {"planners", "airspace", "export", "jobs", "cli", "testing"},
    "flightlog": {"planners", "airspace", "export", "jobs", "cli", "testing", "plotting"},
    "jobs": {"cli", "testing", "batch"},
    "design": {"cli", "testing", "planners", "airspace", "export", "plotting"},
    "limits": {"*"},
    "engine": {"cli", "service", "testing", "planners", "export", "airspace", "plotting"},
    "service": {"cli", "testing"},
    "batch": {"cli", "testing"},
    # the web app: static files and their policy; a face the service mounts
    "webapp": {"cli", "testing", "service", "engine", "batch", "jobs", "planners", "design"},
}
# nothing below the design package imports it (it plans jobs for the work-rate target)
for _package in ("errors", "geo", "aircraft", "site", "flight", "mission", "autopilot",
                 "planners", "airspace", "export", "plotting", "flightlog", "jobs"):  # fmt: skip
    FORBIDDEN[_package] = FORBIDDEN[_package] | {"design"}
# faces over the library: only the CLI imports the service; only faces import the engine
FACES = {"service": {"cli"}, "engine": {"cli", "service"}, "webapp": {"service"}}
# the batch engine is a face like the CLI: no package below it imports it
for _pkg, _banned in FORBIDDEN.items():
    if _pkg not in ("batch", "errors"):
        _banned.add("batch")
# modules allowed by name despite their package's rule (a kind's own picture is drawn by
# the plotting package; a planner's kind module may import it lazily)
ALLOWED = {("planners", "plotting")}


def modules() -> list[Path]:
    return sorted(SRC.rglob("*.py"))


def imported(tree: ast.AST, path: Path) -> set[str]:
    """Absolute airwork module names a module imports (relative imports resolved)."""
    names: set[str] = set()
    inside = path.is_relative_to(SRC.parent)
    package = ".".join(path.relative_to(SRC.parent).with_suffix("").parts[:-1]) if inside else ""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names if a.name.startswith("airwork")}
        elif isinstance(node, ast.ImportFrom):
            mod = node.module or ""
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                mod = ".".join([*base, mod] if mod else base)
            if mod.startswith("airwork"):
                names.add(mod)
    return names


def top(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return parts[0]


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_imports_follow_the_one_way_flow(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    here = top(path)
    banned = FORBIDDEN.get(here, set())
    for name in imported(tree, path):
        parts = name.split(".")
        if len(parts) < 2:
            continue
        there = parts[1]
        if there == here:
            continue
        if "*" in banned and there != "errors":
            pytest.fail(f"{path.relative_to(SRC)} imports {name}: {here} imports nothing")
        if there in banned and (here, there) not in ALLOWED:
            pytest.fail(f"{path.relative_to(SRC)} imports {name}: {here} must not import {there}")
        if there == "cli" and here != "cli":
            pytest.fail(f"{path.relative_to(SRC)} imports {name}: only the CLI imports the CLI")
        if there in FACES and here not in FACES[there]:
            pytest.fail(
                f"{path.relative_to(SRC)} imports {name}: only {', '.join(FACES[there])} "
                f"import {there}"
            )


def test_nothing_but_cli_tests_imports_the_cli():
    offenders = []
    for base in (ROOT / "tests", ROOT / "bench"):
        for path in base.rglob("*.py"):
            if path.is_relative_to(ROOT / "tests" / "cli"):
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            if any(n.startswith("airwork.cli") for n in imported(tree, path)):
                offenders.append(str(path.relative_to(ROOT)))
    assert not offenders, f"import airwork.cli outside tests/cli: {offenders}"


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(SRC)))
def test_module_and_function_sizes(path: Path):
    text = path.read_text(encoding="utf-8")
    lines = text.count("\n")
    assert lines <= MAX_MODULE_LINES, f"{lines} lines (limit {MAX_MODULE_LINES})"
    tree = ast.parse(text)
    src = text.splitlines()
    for node in ast.walk(tree):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        body = node.body
        if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
            first = body[0].end_lineno  # skip the docstring
        else:
            first = node.lineno
        code = [
            ln
            for ln in src[first : node.end_lineno]
            if ln.strip() and not ln.strip().startswith("#")
        ]
        assert len(code) <= MAX_FUNCTION_CODE_LINES, (
            f"{node.name} has {len(code)} code lines (limit {MAX_FUNCTION_CODE_LINES})"
        )


def test_the_structure_check_can_fail(tmp_path):
    """The import scan sees a forbidden import (relative too) in a planted module."""
    bad = tmp_path / "airwork" / "geo" / "bad.py"
    bad.parent.mkdir(parents=True)
    bad.write_text("from ..planners import spray\nimport airwork.cli.main\n")
    global SRC
    old, SRC = SRC, tmp_path / "airwork"
    try:
        names = imported(ast.parse(bad.read_text()), bad)
    finally:
        SRC = old
    assert names == {"airwork.planners", "airwork.cli.main"}
