"""The one writer: all or nothing, one writer at a time, debris of killed runs removed."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from airwork.errors import ExportError
from airwork.export.write import output_lock, write_files


def dead_pid() -> int:
    """The pid of a process that has just ended."""
    p = subprocess.Popen([sys.executable, "-c", "pass"])
    p.wait()
    return p.pid


def debris(out) -> list[str]:
    return sorted(p.name for p in out.parent.iterdir() if p.name.startswith(f".{out.name}."))


def test_overwrite_replaces_every_output_and_keeps_the_users_files(tmp_path):
    out = tmp_path / "out"
    write_files(
        {f"sortie-{i:02d}.plan": b"old" for i in range(1, 9)} | {"summary.json": b"{}"}, out
    )
    (out / "notes.txt").write_text("mine")
    write_files({"sortie-01.plan": b"new", "summary.json": b"{}"}, out, overwrite=True)
    assert sorted(p.name for p in out.iterdir()) == ["notes.txt", "sortie-01.plan", "summary.json"]
    assert (out / "sortie-01.plan").read_bytes() == b"new" and debris(out) == []


def test_a_held_folder_refuses_another_writer(tmp_path):
    out = tmp_path / "out"
    lock = tmp_path / ".out.lock"
    lock.write_text(f"{os.getppid()} None")  # a live process that is not us
    with pytest.raises(ExportError, match=rf"another airwork run \(process {os.getppid()}\)"):
        write_files({"a.plan": b"x"}, out)
    assert not out.exists() and lock.exists()


def test_the_lock_is_reentrant_in_its_process(tmp_path):
    out = tmp_path / "out"
    with output_lock(out):
        assert debris(out) == [".out.lock"]
        write_files({"a.plan": b"x"}, out)  # the run writing at its end
        assert debris(out) == [".out.lock"]
    assert debris(out) == [] and (out / "a.plan").exists()


def test_debris_of_a_killed_run_is_removed_by_the_next(tmp_path):
    """A SIGKILLed run leaves its lock and temporary folders: the next run takes over the
    lock of the dead process and removes them."""
    out = tmp_path / "out"
    pid = dead_pid()
    (tmp_path / ".out.lock").write_text(f"{pid} 123")
    for prefix in (".out.tmp-", ".out.old-"):
        stale = tmp_path / f"{prefix}{pid}-abc"
        stale.mkdir()
        (stale / "sortie-01.plan").write_bytes(b"half")
    write_files({"a.plan": b"x"}, out)
    assert debris(out) == [] and sorted(p.name for p in out.iterdir()) == ["a.plan"]


def test_a_reused_pid_is_not_a_live_writer(tmp_path):
    """The lock names pid and start time: a live process with the same pid but another
    start time (the pid was reused) does not hold it."""
    out = tmp_path / "out"
    (tmp_path / ".out.lock").write_text(f"{os.getppid()} 1")  # alive, but started otherwise
    if not os.path.exists(f"/proc/{os.getppid()}/stat"):
        pytest.skip("no /proc: start times unknown")
    write_files({"a.plan": b"x"}, out)
    assert debris(out) == []


def test_folders_made_for_an_output_never_written_are_removed(tmp_path):
    out = tmp_path / "a" / "b" / "out"
    with pytest.raises(RuntimeError), output_lock(out):
        assert (tmp_path / "a" / "b").is_dir()
        raise RuntimeError("planning failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_refusals_name_the_problem(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ExportError, match="afile is a file"):
        write_files({"a.plan": b"x"}, tmp_path / "afile" / "sub")
    with pytest.raises(ExportError, match="not a folder"):
        write_files({"a.plan": b"x"}, tmp_path / "afile")
    with pytest.raises(ExportError, match="not a plain file name"):
        write_files({"../a.plan": b"x"}, tmp_path / "out")
    with pytest.raises(ExportError, match="--overwrite"):
        write_files({"a.plan": b"x"}, tmp_path)


def test_the_current_folder_is_never_an_output(tmp_path, monkeypatch):
    """It would be swapped away under the user's shell: refused before anything."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.txt").write_text("mine")
    for out in (".", "./", "..", str(tmp_path)):
        with pytest.raises(ExportError, match="current folder"):
            write_files({"a.plan": b"x"}, out, overwrite=True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]
