"""`airwork design`, `bom`, `production`, `spares` and `catalogue` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from airwork.aircraft import load_aircraft
from airwork.cli.main import app

ROOT = Path(__file__).parents[2]
FIELD = ROOT / "src" / "airwork" / "data" / "example_field.geojson"


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_design_writes_a_spec_that_plans(tmp_path):
    spec = tmp_path / "quad.yaml"
    png, csv = tmp_path / "front.png", tmp_path / "all.csv"
    res = run("design", "--payload-kg", 2, "--range-km", 10, "--mass-class", "c3",
              "--write", spec, "--plot", png, "--csv", csv, "--json")  # fmt: skip
    assert res.exit_code == 0, res.output
    out = json.loads(res.output[res.output.index("{") : res.output.rindex("}") + 1])
    assert out["front"] and all(r["figure"] >= 10 for r in out["front"])
    assert png.stat().st_size > 10_000 and csv.read_text().count("\n") == out["feasible"] + 1
    a = load_aircraft(spec)
    assert a.max_payload_kg == 2.0
    assert yaml.safe_load(spec.read_text())["parts"]["frame"]
    res = run("bom", spec)
    assert res.exit_code == 0 and "total" in res.output


def test_design_spec_plans_a_spray_job(tmp_path):
    spec = tmp_path / "s30.yaml"
    res = run("design", "--tank-l", 30, "--work-rate-ha-per-h", 10, "--mass-class", "ag",
              "--write", spec, "--name", "sprayer-30")  # fmt: skip
    assert res.exit_code == 0, res.output
    assert "Pareto front" in res.output
    res = run("plan", "spray", FIELD, "-a", spec, "--rate-l-per-ha", 15, "--out", tmp_path / "o")
    assert res.exit_code == 0, res.output
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    assert summary["aircraft"] == "sprayer-30" and summary["work_rate_ha_per_h"] >= 10


def test_design_refuses_bad_profiles():
    res = run("design", "--payload-kg", 2, "--range-km", 10, "--hover-min", 5)
    assert res.exit_code == 1 and "one target" in res.output
    res = run(
        "design", "--payload-kg", 2, "--range-km", 10, "--mass-class", "c2", "--write", "x.yaml"
    )
    assert res.exit_code == 1 and "nothing to write" in res.output


def test_bom_production_spares_and_catalogue(tmp_path):
    res = run("bom", "sprayer-40", "--csv", tmp_path / "bom.csv")
    assert res.exit_code == 0 and "shared with other models" in res.output
    assert "AW-PUMP-IMP" in (tmp_path / "bom.csv").read_text()
    csv, png = tmp_path / "demand.csv", tmp_path / "plan.png"
    res = run("production", ROOT / "examples" / "production-plan.yaml", "--csv", csv, "--plot", png)
    assert res.exit_code == 0, res.output
    assert "100,000 a year" in res.output and "ag-52v-30ah -> ag-52v-40ah" in res.output
    assert csv.read_text().startswith("part_number,") and png.stat().st_size > 10_000
    res = run("spares", ROOT / "examples" / "flight-hours.csv", "--csv", tmp_path / "s.csv")
    assert res.exit_code == 0 and "AW-B14S30" in res.output
    res = run("spares", ROOT / "examples" / "flight-hours.csv", "--fleet", "spray")
    assert res.exit_code == 1 and "KIND=MODEL" in res.output
    data = yaml.safe_load((ROOT / "src" / "airwork" / "data" / "catalogue.yaml").read_text())
    data["batteries"]["ag-52v-30ah"]["energy_wh"] = 1400
    new = tmp_path / "v2.yaml"
    new.write_text(yaml.safe_dump(data))
    res = run("catalogue", "diff", new)
    assert res.exit_code == 0 and "sprayer-40" in res.output and "2 moved" in res.output
    res = run("catalogue", "check", new)
    assert res.exit_code == 0 and "valid" in res.output
    data["motors"]["m6010-kv180"]["kv_rpm_per_v"] = 0
    new.write_text(yaml.safe_dump(data))
    res = run("catalogue", "check", new)
    assert res.exit_code == 1 and "motors.m6010-kv180.kv_rpm_per_v" in res.output


def test_help_imports_no_design_library():
    code = (
        "import sys; import airwork.cli.main; "
        "print(any(m.startswith('airwork.design') for m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--range-km", "1e9"], "--range-km = 1000000000.0: must be a finite number of km in"),
        (["--tank-l", "30", "--work-rate-ha-per-h", "-3"], "--work-rate-ha-per-h = -3.0: must"),
        (["--payload-kg", "5"], "design: give one target"),
    ],
)
def test_design_refusals_name_the_option_its_rule_and_unit(args, message):
    res = run("design", *args)
    assert res.exit_code == 1 and message in res.output
    assert "Traceback" not in res.output and "Input should be" not in res.output
