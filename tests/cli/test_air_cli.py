"""The air of a site from the command line: ``plan --elevation-m/--air-temperature-c``,
``aircraft perf`` in that air, and ``check`` re-pricing a mission in the air it was
planned in."""

from __future__ import annotations

import json
from importlib import resources

import pytest
from click.testing import CliRunner

from airwork.cli.main import app
from airwork.flight.air import job_air

EXAMPLE = str(resources.files("airwork.data") / "example_field.geojson")


def run_cli(args):
    return CliRunner().invoke(app, [str(a) for a in args])


def test_plan_perf_and_check_take_the_air(tmp_path):
    out = tmp_path / "out"
    res = run_cli(
        [
            "plan",
            "spray",
            EXAMPLE,
            "-o",
            str(out),
            "--format",
            "geojson",
            "--no-picture",
            "--elevation-m",
            "2500",
            "--air-temperature-c",
            "25",
        ]
    )
    assert res.exit_code == 0, res.output
    geo = json.loads((out / "mission.geojson").read_text())
    assert geo["airwork"]["aircraft"]["air_density_kgpm3"] == pytest.approx(
        job_air(2500.0, 25.0).density_kgpm3, rel=1e-9
    )
    # the check re-prices every leg in the air it was planned in: its energies are the plan's
    res = run_cli(["check", str(out / "mission.geojson"), "--json"])
    assert res.exit_code == 0, res.output
    res = run_cli(["aircraft", "perf", "sprayer-40", "--elevation-m", "2500", "--json"])
    perf = json.loads(res.output)
    assert perf["air_density_kgpm3"] == pytest.approx(job_air(2500.0, None).density_kgpm3, 1e-3)
    res = run_cli(
        ["plan", "spray", EXAMPLE, "-o", str(tmp_path / "x"), "--air-temperature-c", "99"]
    )
    assert res.exit_code != 0 and "--air-temperature-c" in res.output
    assert not (tmp_path / "x").exists()


def test_check_prices_a_mission_file_in_the_air_of_its_ground(tmp_path):
    """A .plan carries no aircraft: the check flies the given one in the air of the ground
    it is told (ISA at --ground-m), so a field at 2500 m costs more than at sea level."""
    out = tmp_path / "out"
    res = run_cli(["plan", "spray", EXAMPLE, "-o", out, "--format", "qgc-plan", "--no-picture"])
    assert res.exit_code == 0, res.output
    plan = out / "sortie-01.plan"

    def energy(ground_m: float) -> float:
        args = ["check", plan, "--aircraft", "sprayer-40", "--ground-m", ground_m, "--json"]
        res = run_cli(args)
        assert res.exit_code in (0, 3), res.output
        return json.loads(res.output)["sorties"][0]["energy_wh"]

    ratio = energy(2500.0) / energy(0.0)
    assert 1.08 < ratio < 1.2  # hover-like power goes as rho^-1/2: (1.225/0.957)^0.5 = 1.13
    hot = run_cli(["check", plan, "--aircraft", "sprayer-40", "--ground-m", "2500",
                   "--air-temperature-c", "35", "--json"])  # fmt: skip
    assert json.loads(hot.output)["sorties"][0]["energy_wh"] > energy(2500.0)  # thinner
