"""``airwork batch``: a run on an embedded cluster, its resume, and one-line refusals."""

from __future__ import annotations

import pandas as pd
import pytest
from click.testing import CliRunner

pytest.importorskip("dask_geopandas")

from airwork.cli.main import app
from airwork.testing.parcels import generate_parcels


@pytest.fixture(scope="module")
def parcels(tmp_path_factory):
    path = tmp_path_factory.mktemp("cli") / "rpg.gpkg"
    generate_parcels(24, seed=11, broken=2).to_file(path)
    return path


def test_batch_plans_then_resumes(parcels, tmp_path):
    out = tmp_path / "run"
    args = [
        "batch", str(parcels), "--out", str(out), "--id-column", "parcel_id",
        "--district-column", "district", "--rate-column", "rate_l_per_ha",
        "--partition-size", "12", "--workers", "1", "--missions", "archive",
        "--season-start", "2027-04-01", "--season-end", "2027-04-30",
    ]  # fmt: skip
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "22 / 2 / 0" in first.output
    res = pd.read_parquet(out / "results")
    assert len(res) == 24 and res["field_id"].is_unique
    assert sorted(p.name for p in (out / "missions").glob("*.zip")) == [
        "part-00000.zip",
        "part-00001.zip",
    ]
    again = CliRunner().invoke(app, args)
    assert again.exit_code == 0, again.output
    assert "0 / 2" in again.output  # partitions planned now / already done


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--id-column", "nope"], "no column 'nope'"),
        (["--kind", "powerline"], "kind"),
        (["--param", "swath_m=500"], "swath"),
        (["--season-start", "2027-04-01"], "season_end"),
        (["--max-station-m", "0"], "--max-station-m = 0.0: must be a finite number of m"),
        (["--max-road-m", "-5"], "--max-road-m = -5.0"),
    ],
)
def test_batch_refusals_are_one_line(parcels, tmp_path, extra, message):
    result = CliRunner().invoke(app, ["batch", str(parcels), "--out", str(tmp_path / "o"), *extra])
    assert result.exit_code == 1
    assert message in result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "o" / "_stage").exists()


def test_every_option_the_docs_name_is_an_option_of_the_command():
    import re
    from pathlib import Path

    command = app.commands["batch"]
    options = {o for p in command.params for o in p.opts if o.startswith("--")}
    docs = (Path(__file__).parents[2] / "docs" / "batch.md").read_text()
    named = set(re.findall(r"`(--[a-z][a-z0-9-]*[a-z0-9])`?[ =`]", docs))
    assert len(named) > 15
    assert named <= options, sorted(named - options)


@pytest.mark.parametrize("workers", ["0", "-3"])
def test_a_worker_count_below_one_is_refused_before_any_cluster(parcels, tmp_path, workers):
    out = tmp_path / "o"
    result = CliRunner().invoke(
        app, ["batch", str(parcels), "--out", str(out), "--workers", workers]
    )
    assert result.exit_code == 2 and "--workers" in result.output
    assert "Traceback" not in result.output and not out.exists()
