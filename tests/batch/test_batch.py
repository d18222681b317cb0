"""Batch planning on a LocalCluster: every field once, failures with reasons, resume after a
killed worker or an interrupted client, aggregates equal to the per-field sums."""

from __future__ import annotations

import math
import os
import shutil
import threading
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

geopandas = pytest.importorskip("geopandas")
distributed = pytest.importorskip("distributed")

from airwork.batch import BatchError, BatchOptions, run_batch  # noqa: E402
from airwork.errors import AirworkError  # noqa: E402
from airwork.testing.parcels import DEFECTS, generate_parcels  # noqa: E402

N = 100
BROKEN = 10
OPTIONS = {
    "kind": "spray",
    "id_column": "parcel_id",
    "crop_column": "crop",
    "rate_column": "rate_l_per_ha",
    "district_column": "district",
    "partition_size": 25,
    "season_start": "2027-04-01",
    "season_end": "2027-05-31",
    "hours_per_day": 9.0,
    "days_per_week": 6,
    "setup_min_per_field": 20.0,
}
# columns that depend on the machine's speed, not on the plan
TIMING = ["planning_time_s", "check_time_s", "job_time_s"]


@pytest.fixture(scope="module")
def client():
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as cl,
    ):
        yield cl


@pytest.fixture(scope="module")
def register(tmp_path_factory):
    folder = tmp_path_factory.mktemp("parcels")
    gdf = generate_parcels(N, seed=7, broken=BROKEN, districts=(3, 2))
    path = folder / "parcels.parquet"
    gdf.to_parquet(path, row_group_size=40)
    return path, gdf


@pytest.fixture(scope="module")
def reference(client, register, tmp_path_factory):
    """An uninterrupted run."""
    out = tmp_path_factory.mktemp("ref") / "run"
    report = run_batch(register[0], OPTIONS, out, client=client)
    return out, report


def results(out: Path) -> pd.DataFrame:
    frame = geopandas.read_parquet(out / "results")
    return frame.sort_values("field_id").reset_index(drop=True)


def comparable(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(frame.drop(columns=[*TIMING, "geometry"]))


def test_every_field_accounted_for_exactly_once(reference, register):
    out, report = reference
    gdf = register[1]
    res = results(out)
    assert report.complete and report.fields == N
    assert len(res) == N
    assert res["field_id"].is_unique
    assert set(res["field_id"]) == set(gdf["parcel_id"])
    # the input row of each field is carried over
    by_id = gdf.set_index("parcel_id")
    assert (by_id.loc[res["field_id"], "district"].to_numpy() == res["district"]).all()
    assert (res["row"].to_numpy() == by_id.index.get_indexer(res["field_id"])).all()


def test_broken_fields_fail_with_their_reason(reference, register):
    out, report = reference
    gdf = register[1]
    res = results(out).set_index("field_id")
    broken = gdf[gdf["defect"] != ""]
    assert len(broken) == BROKEN and set(broken["defect"]) == set(DEFECTS)
    expect = {
        "bowtie": "Self-intersection",
        "empty": "empty",
        "sliver": "zero area",
        "huge": "more than the limit",
        "point": "got Point",
    }
    for pid, defect in zip(broken["parcel_id"], broken["defect"], strict=True):
        row = res.loc[pid]
        assert row["status"] == "failed"
        assert expect[defect] in row["error"], (defect, row["error"])
        assert "\n" not in row["error"]
    good = res.drop(index=broken["parcel_id"])
    assert (good["status"] == "ok").all(), good.loc[good["status"] != "ok", "error"].tolist()
    # the failed list names exactly the fields that were not planned, with reasons
    failed = pd.read_csv(out / "fields_failed.csv")
    assert set(failed["field_id"]) == set(broken["parcel_id"])
    assert failed["error"].str.len().min() > 10
    assert (report.ok, report.failed, report.errors) == (N - BROKEN, BROKEN, 0)


def test_planned_fields_are_sane(reference, register):
    """Areas from the planner match the drawn parcels; rates from the column were used."""
    res = results(reference[0])
    ok = res[res["status"] == "ok"]
    drawn = register[1].set_index("parcel_id").loc[ok["field_id"]]
    assert np.allclose(ok["area_ha"], drawn["area_ha"], rtol=2e-3)
    assert (ok["rate_per_ha"].to_numpy() == drawn["rate_l_per_ha"].to_numpy()).all()
    assert (ok["covered_frac"] > 0.97).all()
    # liquid = rate x sprayed area, within overspray
    liquid = ok["rate_per_ha"] * ok["area_ha"]
    assert np.all(ok["product"] >= 0.97 * liquid) and np.all(ok["product"] <= 1.3 * liquid)
    assert (ok["station_source"] == "edge").all()
    assert (ok["sorties"] >= 1).all() and (ok["flight_time_h"] > 0).all()


def _working_days(start: str, end: str, days_per_week: int) -> int:
    mask = "1" * days_per_week + "0" * (7 - days_per_week)
    last = np.datetime64(end) + np.timedelta64(1, "D")
    return int(np.busday_count(np.datetime64(start), last, weekmask=mask))


def test_aggregates_equal_the_sum_of_the_fields(reference):
    out, _ = reference
    res = results(out)
    table = pd.read_csv(out / "districts.csv").set_index("district")
    ok = res[res["status"] == "ok"]
    g = ok.groupby("district")
    days = _working_days(OPTIONS["season_start"], OPTIONS["season_end"], 6)
    assert days == 52
    for district, fields in res.groupby("district"):
        row = table.loc[district]
        sub = ok[ok["district"] == district]
        assert row["fields"] == len(fields)
        assert row["ok"] == len(sub)
        assert row["failed"] == (fields["status"] == "failed").sum()
        assert row["area_ha"] == pytest.approx(sub["area_ha"].sum(), rel=1e-5)
        assert row["flight_h"] == pytest.approx(sub["flight_time_h"].sum(), rel=1e-5)
        assert row["energy_kwh"] == pytest.approx(sub["energy_kwh"].sum(), rel=1e-5)
        assert row["sorties"] == sub["sorties"].sum()
        work = (
            sub["flight_time_h"].sum()
            + sub["ground_time_h"].sum()
            + len(sub) * OPTIONS["setup_min_per_field"] / 60
        )
        assert row["work_h"] == pytest.approx(work, rel=1e-5)
        assert row["aircraft_days"] == pytest.approx(work / 9.0, rel=1e-5)
        assert row["aircraft_needed"] == math.ceil(work / (9.0 * days))
    total = table.loc["ALL"]
    assert total["fields"] == N
    assert total["flight_h"] == pytest.approx(ok["flight_time_h"].sum(), rel=1e-5)
    assert total["aircraft_needed"] == table.drop(index="ALL")["aircraft_needed"].sum()
    assert set(g.groups) == set(table.index) - {"ALL"}
    weeks = pd.read_csv(out / "weeks.csv")
    per = weeks[weeks["district"] != "ALL"].groupby("district")
    assert np.allclose(per["work_h"].sum(), table.loc[per.groups.keys(), "work_h"], rtol=1e-5)
    first = weeks.drop_duplicates("week_start")
    assert first["working_days"].sum() == days
    assert (out / "region.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


class _KillOnce(distributed.WorkerPlugin):
    """Kills its worker process once, ``delay_s`` after a planning task starts there."""

    name = "airwork-kill-once"

    def __init__(self, flag: str, delay_s: float):
        self.flag = flag
        self.delay_s = delay_s

    def setup(self, worker):
        self.worker = worker

    def transition(self, key, start, finish, **kwargs):
        if finish != "executing" or "plan_partition" not in str(key):
            return
        try:
            fd = os.open(self.flag, os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            return
        os.write(fd, str(key).encode())
        os.close(fd)
        threading.Timer(self.delay_s, os._exit, (1,)).start()


def test_resume_after_killing_a_worker_gives_the_same_results(
    client, register, reference, tmp_path
):
    flag = tmp_path / "killed"
    client.register_plugin(_KillOnce(str(flag), 0.3))
    try:
        out = tmp_path / "run"
        report = run_batch(register[0], OPTIONS, out, client=client)
    finally:
        client.unregister_worker_plugin(_KillOnce.name)
    assert flag.exists(), "the worker was not killed"
    if not report.complete:  # Dask gave up on the partition: a re-run resumes it
        report = run_batch(register[0], OPTIONS, out, client=client)
    assert report.complete
    pd.testing.assert_frame_equal(comparable(results(out)), comparable(results(reference[0])))
    assert not list((out / "results").glob(".*.tmp"))


def test_resume_after_interrupting_the_client(client, register, reference, tmp_path):
    out = tmp_path / "run"

    def stop_after_two(done, total, message):
        if message == "planning" and done >= 2 * OPTIONS["partition_size"]:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(register[0], OPTIONS, out, client=client, progress=stop_after_two)
    kept = {p.name: p.stat().st_mtime_ns for p in (out / "results").glob("part-*.parquet")}
    assert len(kept) >= 2
    report = run_batch(register[0], OPTIONS, out, client=client)
    assert report.complete
    assert report.skipped >= 2 and report.skipped + report.planned == report.partitions
    # finished partitions were not planned again
    for name, mtime in kept.items():
        assert (out / "results" / name).stat().st_mtime_ns == mtime
    pd.testing.assert_frame_equal(comparable(results(out)), comparable(results(reference[0])))


def test_a_rerun_of_a_finished_run_plans_nothing(client, register, reference):
    out, _ = reference
    report = run_batch(register[0], OPTIONS, out, client=client)
    assert report.complete and report.planned == 0 and report.skipped == report.partitions


def test_other_options_in_the_same_folder_are_refused(client, register, reference):
    with pytest.raises(BatchError, match="other parcels or options"):
        run_batch(register[0], {**OPTIONS, "wind_mps": 3.0}, reference[0], client=client)


def test_report_only_options_re_aggregate_without_planning(client, register, reference, tmp_path):
    out = tmp_path / "run"
    shutil.copytree(reference[0], out)
    longer = {**OPTIONS, "season_end": "2027-06-30", "hours_per_day": 12.0}
    report = run_batch(register[0], longer, out, client=client)
    assert report.complete and report.planned == 0
    table = pd.read_csv(out / "districts.csv").set_index("district")
    days = _working_days("2027-04-01", "2027-06-30", 6)
    assert (table["working_days"] == days).all()
    need = np.ceil(table["work_h"] / (12.0 * days)).astype(int)
    assert (table.drop(index="ALL")["aircraft_needed"] == need.drop(index="ALL")).all()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"params": {"swath_m": 500}}, "swath"),
        ({"aircraft": "no-such-drone"}, "no-such-drone"),
        ({"aircraft": "mapper-quad"}, "spray tank"),
        ({"id_column": "nope"}, "no column 'nope'"),
    ],
)
def test_bad_options_fail_before_any_planning(client, register, tmp_path, change, message):
    out = tmp_path / "run"
    with pytest.raises(AirworkError, match=message):
        run_batch(register[0], {**OPTIONS, **change}, out, client=client)
    assert not (out / "results").exists()


def test_options_refuse_contradictions():
    with pytest.raises(BatchError, match="season_end"):
        BatchOptions.parse({"season_start": "2027-05-01", "season_end": "2027-04-01"})
    with pytest.raises(BatchError, match="both"):
        BatchOptions.parse({"season_start": "2027-05-01"})
    with pytest.raises(BatchError, match="survey"):
        BatchOptions.parse({"kind": "survey", "rate_column": "r"})


def test_survey_with_mission_folders(client, tmp_path):
    """Another kind and file format; each planned field's folder holds its own plan."""
    import json

    path = tmp_path / "p.fgb"
    generate_parcels(12, seed=2, broken=1).to_file(path)
    opts = {"kind": "survey", "params": {"gsd_cm": 2.5}, "missions": "folders"}
    report = run_batch(path, opts, tmp_path / "run", client=client)
    assert report.complete and (report.ok, report.failed) == (11, 1)
    res = results(tmp_path / "run")
    for row in res[res["status"] == "ok"].itertuples():
        folder = tmp_path / "run" / "missions" / row.field_id
        summary = json.loads((folder / "summary.json").read_text())
        assert summary["sorties"] == row.sorties
        assert summary["photos"] == row.product and row.product_unit == "photos"
        assert summary["area_ha"] == pytest.approx(row.area_ha)
        assert len(list(folder.glob("sortie-*.plan"))) == row.sorties
    assert not (tmp_path / "run" / "missions" / "11").exists()  # the broken one


def test_the_runs_districts_feed_spares_and_production(reference, tmp_path):
    """Issue 16's link to issue 17: a run's per-district flight hours and sorties are the
    spares' input, its aircraft needed the production plan's units (checked against the
    run's own districts.csv, read here with pandas)."""
    from airwork.aircraft.catalogue import catalogue
    from airwork.design.production import plan_production, read_plan
    from airwork.design.spares import DEFAULT_FLEET, fleet_spares, read_flight_hours

    out, _ = reference
    table = pd.read_csv(out / "districts.csv", dtype={"district": str})
    districts = table[table["district"] != "ALL"]
    for path in (out, out / "districts.csv"):
        records, fleet = read_flight_hours(path)
        assert {r.kind for r in records} == {"spray"} and fleet == {}  # the kind's preset flew
        assert sorted(r.district for r in records) == sorted(districts["district"])
        assert sum(r.hours for r in records) == pytest.approx(districts["flight_h"].sum())
        assert sum(r.sorties for r in records) == pytest.approx(districts["sorties"].sum())
        assert {r.season for r in records} == {"2027-04-01..2027-05-31"}
    lines = fleet_spares(catalogue(), records)
    assert {x.model for x in lines} == {DEFAULT_FLEET["spray"]}
    packs = [x for x in lines if x.basis == "cycles"]
    per_sortie = {x.district: x.spares / x.installed for x in packs}  # cycles / life
    for d in districts.itertuples():
        assert per_sortie[d.district] * packs[0].life == pytest.approx(d.sorties)
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"models:\n  sprayer-40: {{batch: {out}}}\n")
    result = plan_production(catalogue(), read_plan(plan))
    needed = int(districts["aircraft_needed"].sum())
    assert needed >= 1 and sum(result.units["sprayer-40"]) == needed
    # a run without a season window counts no aircraft: said, naming the plan's key
    broken = tmp_path / "noseason"
    broken.mkdir()
    (broken / "report.json").write_text('{"kind": "spray"}')
    (broken / "districts.csv").write_text("district,flight_h,sorties\nA,3,4\n")
    plan.write_text(f"models:\n  sprayer-40: {{batch: {broken}}}\n")
    with pytest.raises(AirworkError, match=r"models\.sprayer-40\.batch: .*season"):
        read_plan(plan)
