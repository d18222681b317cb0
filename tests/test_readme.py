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


def test_run_the_service_block_runs(tmp_path):
    """The README's "Run the service" curl walk-through, as a user pastes it: a real
    ``airwork serve`` on a free port, an organisation, an upload, a job, the download."""
    import json
    import shutil
    import socket
    import subprocess
    import sys

    if shutil.which("curl") is None:  # pragma: no cover - curl is in every CI image
        import pytest

        pytest.skip("no curl")
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"## Run the service.*?```bash\n(.*?)```", text, re.S).group(1)
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    lines = [ln for ln in block.splitlines() if not ln.startswith("pip install")]
    script = "\n".join(lines)
    assert "airwork serve &" in script and "127.0.0.1:8000" in script
    script = script.replace("airwork serve &", f"airwork serve --port {port} --workers 1 &")
    script = script.replace("127.0.0.1:8000", f"127.0.0.1:{port}")
    script = script.replace("src/airwork/data/", f"{ROOT}/src/airwork/data/")
    bin_dir = Path(sys.executable).parent  # the airwork of this interpreter
    env = {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "AIRWORK_DB": ""}
    env.pop("AIRWORK_DATA", None)
    # set -e as a pasted block stops at a failing command; no pipefail: the block's
    # "| head -30" closes the pipe early, as in an interactive shell
    run = subprocess.run(
        ["bash", "-c", "set -eu\ntrap 'kill %1 2>/dev/null; wait' EXIT\n" + script],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    assert '"status": "done"' in run.stdout, run.stdout[-2000:]
    plan = json.loads((tmp_path / "sortie-01.plan").read_text())
    assert plan["fileType"] == "Plan" and plan["mission"]["items"]
