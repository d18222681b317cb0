"""The README's "Use it from Python" block runs as written (from the repository root)."""

from __future__ import annotations

import os
import re
from pathlib import Path

ROOT = Path(__file__).parents[1]


def test_use_it_from_python_block_runs(tmp_path, capsys):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Use it from Python.*?```python\n(.*?)```", text, re.S).group(1)
    block = block.replace('"out/field"', repr(str(tmp_path / "field")))
    block = block.replace('"runtime_s": 5', '"runtime_s": 1')
    here = Path.cwd()
    os.chdir(ROOT)
    try:
        exec(compile(block, "README.md", "exec"), {})
    finally:
        os.chdir(here)
    printed = capsys.readouterr().out
    assert "100% done" in printed
    written = {p.name for p in (tmp_path / "field").iterdir()}
    assert {"sortie-01.plan", "summary.json", "mission.geojson"} <= written
