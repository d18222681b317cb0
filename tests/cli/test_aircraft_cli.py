"""`airwork aircraft calibrate` and `airwork aircraft perf` from the command line."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parents[1] / "aircraft"))
import synthlogs

from airwork.aircraft import load_aircraft
from airwork.cli.main import app


@pytest.fixture(scope="module")
def flight():
    """A synthetic flight made by the model with known factors."""
    ac = load_aircraft("inspector-quad")
    return ac, synthlogs.synth_flight(ac, power_factor=1.12, energy_factor=0.93, seed=1)


def run(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_cli_calibrate_writes_a_calibrated_preset(flight, tmp_path):
    """calibrate a preset from two logs writes preset + calibration; plans load it."""
    ac, d = flight
    logs = [
        synthlogs.write_tlog(tmp_path / "a.tlog", d),
        synthlogs.write_dataflash(tmp_path / "b.bin", d),
    ]
    out = tmp_path / "cal.yaml"
    res = run("aircraft", "calibrate", "inspector-quad", *logs, "-o", out, "--json")
    assert res.exit_code == 0, res.output
    data = json.loads(res.stdout)
    assert data["power_factor"] == pytest.approx(1.12, rel=0.02)
    assert len(data["per_log"]) == 2
    saved = yaml.safe_load(out.read_text())
    assert saved["preset"] == "inspector-quad"
    cal = load_aircraft(out)
    assert cal.calibration is not None
    assert cal.calibration.energy_factor == pytest.approx(0.93, rel=0.02)
    assert cal.usable_energy_wh == pytest.approx(
        cal.calibration.energy_factor * ac.usable_energy_wh
    )
    res = run("aircraft", "calibrate", "inspector-quad", tmp_path / "none.ulg")
    assert res.exit_code == 1 and "not found" in res.output


def test_cli_calibrate_a_spec_file_keeps_its_keys(tmp_path):
    spec = tmp_path / "quad.yaml"
    spec.write_text(
        "name: quad\nrotor_count: 4\nrotor_diameter_m: 0.45\nmass_kg: 3.0\n"
        "battery_energy_wh: 200\nmax_takeoff_mass_kg: 4.5\ncargo_kg: 1.0\n"
    )
    ac = load_aircraft(spec)
    d = synthlogs.synth_flight(ac, 1.05, 0.97)
    log = synthlogs.write_ulog(tmp_path / "q.ulg", d)
    out = tmp_path / "quad-cal.yaml"
    res = run("aircraft", "calibrate", spec, log, "-o", out)
    assert res.exit_code == 0, res.output
    assert "fitted" in res.output
    cal = load_aircraft(out)
    assert cal.name == "quad" and cal.calibration.power_factor == pytest.approx(1.05, rel=0.02)


def test_cli_perf_reserve_temperature_voltage_margin():
    """perf keeps its keys; --reserve-frac 0 gives spec-sheet figures; the cold costs
    endurance; pack voltage under hover load is reported."""
    base = json.loads(run("aircraft", "perf", "sprayer-40", "--payload-kg", 40, "--json").stdout)
    sheet = json.loads(
        run(
            "aircraft", "perf", "sprayer-40", "--payload-kg", 40, "--reserve-frac", 0, "--json"
        ).stdout
    )
    cold = json.loads(
        run(
            "aircraft", "perf", "sprayer-40", "--payload-kg", 40, "--temperature-c", -10, "--json"
        ).stdout
    )
    for key in ("hover_power_w", "endurance_min", "range_km", "usable_energy_wh"):
        assert key in base
    assert sheet["reserve_energy_wh"] == 0 and sheet["endurance_min"] > base["endurance_min"]
    assert sheet["endurance_min"] == pytest.approx(base["endurance_min"] / 0.8, rel=1e-3)
    assert cold["hover_endurance_min"] < base["hover_endurance_min"]
    assert 40 < base["pack_voltage_hover_v"] < 60 and base["thrust_margin"] is None
    res = run("aircraft", "perf", "sprayer-40", "--reserve-frac", 0.95)
    assert res.exit_code == 1 and "--reserve-frac" in res.output
