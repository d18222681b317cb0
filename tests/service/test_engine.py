"""The job engine (:mod:`airwork.engine`) on a Dask LocalCluster of threads: results,
progress, errors, cancel of running and queued jobs, and the input-file safety rules."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from airwork.engine import JobCancelled, run_task
from airwork.engine.task import check_input_name, resolve_paths, write_inputs
from airwork.errors import AirworkError, InputFileError

from .conftest import example_bytes


def request(kind: str = "spray", **params) -> dict:
    return {
        "kind": kind,
        "site": {"files": ["in/field.geojson"]},
        "aircraft": ["sprayer-40"],
        "params": params,
        "output": {"formats": ["qgc-plan", "geojson"]},
        "name": "field",
    }


INPUTS = {"in/field.geojson": example_bytes()}


def test_a_job_runs_and_reports_monotone_progress(engine):
    seen: list[tuple[float, str]] = []
    done = threading.Event()
    handle = engine.submit(
        request(),
        inputs=INPUTS,
        on_progress=lambda key, f, m: seen.append((f, m)),
        on_done=lambda h: done.set(),
    )
    result = handle.result(timeout=60)
    assert done.wait(10)
    assert handle.status() == "done"
    assert "sortie-01.plan" in result["files"] and result["summary"]["sorties"] >= 1
    assert result["report"]["rows"]
    time.sleep(0.2)  # events travel apart from the result
    fractions = [f for f, _ in seen]
    assert seen[0] == (0.0, "started") and fractions[-1] == 1.0
    assert fractions == sorted(fractions)


def test_a_failing_job_raises_its_one_line_without_the_workers_folder(engine):
    bad = request()
    bad["site"]["files"] = ["in/missing.geojson"]
    handle = engine.submit(bad, inputs=INPUTS)
    with pytest.raises(InputFileError) as err:
        handle.result(timeout=60)
    assert str(err.value) == "in/missing.geojson: file not found"
    assert handle.status() == "failed"


def test_a_running_job_is_cancelled_at_its_next_progress_report(engine, slow_kind):
    started = threading.Event()
    ended = []
    handle = engine.submit(
        request(slow_kind, wait_s=30),
        inputs=INPUTS,
        on_progress=lambda *a: started.set(),
        on_done=lambda h: ended.append(h.key),
    )
    assert started.wait(30)
    assert handle.status() == "running"
    t0 = time.monotonic()
    assert engine.cancel(handle.key)
    with pytest.raises(JobCancelled):
        handle.result(timeout=10)
    assert time.monotonic() - t0 < 5
    assert handle.status() == "cancelled"
    time.sleep(0.2)
    assert ended == [handle.key]
    assert not engine.cancel(handle.key)  # ended: the engine no longer holds it


def test_a_queued_job_is_taken_off_the_queue(engine, slow_kind):
    """Two threads busy, a third job waits; cancelling it never runs it."""
    busy = [engine.submit(request(slow_kind, wait_s=3), inputs=INPUTS) for _ in range(2)]
    seen = []
    waiting = engine.submit(
        request(slow_kind, wait_s=0), inputs=INPUTS, on_progress=lambda *a: seen.append(a)
    )
    time.sleep(0.5)
    assert waiting.status() == "queued"
    engine.cancel(waiting.key)
    for h in busy:
        h.result(timeout=60)
    time.sleep(0.3)
    assert waiting.status() == "cancelled" and seen == []


def test_unknown_keys_and_duplicate_keys(engine):
    assert engine.status("nothing") == "unknown"
    assert not engine.cancel("nothing")
    h = engine.submit(request(), inputs=INPUTS, key="fixed-key")
    with pytest.raises(ValueError, match="already running"):
        engine.submit(request(), inputs=INPUTS, key="fixed-key")
    h.result(timeout=60)


def test_run_task_runs_anywhere():
    """Outside a worker: no events, same result."""
    result = run_task(request(), INPUTS)
    assert "sortie-01.plan" in result["files"]


@pytest.mark.parametrize(
    "name", ["../x", "/etc/passwd", "a/../../b", "", "a\\b", "a//b", "./a", "a\x00b"]
)
def test_input_names_never_leave_the_folder(name):
    with pytest.raises(ValueError, match="not a plain relative path"):
        check_input_name(name)


def test_inputs_are_written_and_paths_resolved(tmp_path: Path):
    write_inputs({"a/b.geojson": b"1", "c.yaml": b"2"}, tmp_path)
    assert (tmp_path / "a" / "b.geojson").read_bytes() == b"1"
    req = {
        "site": {
            "files": ["a/b.geojson", "/shared/x.geojson"],
            "role_files": {"hub": ["a/b.geojson"]},
        },
        "aircraft": ["c.yaml:2@1.5", "sprayer-40"],
        "conditions": {"airspace": ["a/b.geojson"], "dem": None},
    }
    out = resolve_paths(req, tmp_path, {"a/b.geojson", "c.yaml"})
    assert out["site"]["files"] == [str(tmp_path / "a/b.geojson"), "/shared/x.geojson"]
    assert out["site"]["role_files"]["hub"] == [str(tmp_path / "a/b.geojson")]
    assert out["aircraft"] == [f"{tmp_path / 'c.yaml'}:2@1.5", "sprayer-40"]
    assert out["conditions"]["airspace"] == [str(tmp_path / "a/b.geojson")]


def test_job_errors_are_airwork_errors():
    assert issubclass(JobCancelled, AirworkError)
