"""Write rendered outputs into a folder, all or nothing.

Every file is written into a temporary folder beside the target; the finished folder then
takes the target's place in one step (Linux ``renameat2(RENAME_EXCHANGE)``, else two
renames), so a reader sees the old output or the new one, never a mix.  With
``overwrite`` the files of the old folder that airwork did not write (notes, photos) are
carried over; airwork's own old outputs (e.g. more sorties last time) go.  A lock file
beside the target (``.NAME.lock``, naming the writer's process) refuses a second writer
with a clear line; a run may hold it from its start (:func:`output_lock`), so two runs
into one folder never both plan and the last silently win.  SIGINT and SIGTERM are held
while the folders are swapped and the temporary folder removed, so an interrupt leaves
the old output or the new one and no temporary folder; a temporary folder or lock left by
a killed run (SIGKILL, power loss) is removed by the next one.  Exporters never write:
this is the one writer.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fnmatch
import os
import shutil
import signal
import tempfile
from collections.abc import Iterator
from pathlib import Path

from airwork.errors import ExportError

__all__ = ["OUTPUT_PATTERNS", "check_out_dir", "output_lock", "write_files", "write_text_atomic"]

OUTPUT_PATTERNS = (
    "mission.geojson",
    "mission.kml",
    "mission.png",
    "summary.json",
    "sortie-*.*",
    "*.kmz",
    "*.param",
    "*.csv",
)
"""Names airwork writes into an output folder (replaced with ``overwrite``)."""

_RENAME_EXCHANGE = 2
_TMP = ".{name}.tmp-{pid}-"
_OLD = ".{name}.old-{pid}-"


def check_out_dir(out_dir: str | Path, *, overwrite: bool = False) -> Path:
    """Check an output folder can be written, before any planning is done.

    Raises
    ------
    ExportError
        The path is a file, lies under a file, is the current folder (or one holding it),
        or is a non-empty folder and ``overwrite`` is not set.
    """
    path = Path(out_dir)
    here = Path.cwd().resolve()
    if path.resolve() == here or path.resolve() in here.parents:
        raise ExportError(
            f"{path}: the output folder is the current folder or holds it; it is replaced "
            "whole when written, so give a folder of its own (e.g. -o out)"
        )
    if path.exists() and not path.is_dir():
        raise ExportError(f"{path}: the output path exists and is not a folder")
    for parent in path.parents:
        if parent.exists() and not parent.is_dir():
            raise ExportError(f"{path}: cannot make the output folder: {parent} is a file")
        if parent.exists():
            break
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise ExportError(f"{path}: the output folder is not empty (use --overwrite to replace)")
    return path


def write_files(
    files: dict[str, bytes], out_dir: str | Path, *, overwrite: bool = False
) -> list[Path]:
    """Write ``name -> bytes`` into ``out_dir`` all or nothing; returns the paths written.

    Raises
    ------
    ExportError
        The folder cannot be written, is not empty without ``overwrite``, a file name is
        not a plain name, or another run is writing the same folder.
    """
    for name in files:
        if not name or Path(name).name != name or name.startswith("."):
            raise ExportError(f"output file name {name!r} is not a plain file name")
    path = check_out_dir(out_dir, overwrite=overwrite)
    with output_lock(path):
        check_out_dir(path, overwrite=overwrite)  # again, now that we hold the lock
        tmp: Path | None = None
        try:
            with _signals_held():  # made and known together: an interrupt cannot orphan it
                tmp = Path(
                    tempfile.mkdtemp(
                        prefix=_TMP.format(name=path.name, pid=os.getpid()), dir=path.parent
                    )
                )
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            if path.is_dir():
                _carry_over(path, tmp, files)
            with _signals_held():
                _swap_in(tmp, path)
        except OSError as exc:
            raise ExportError(f"{path}: cannot write outputs: {exc}") from None
        finally:
            if tmp is not None:
                with _signals_held():
                    shutil.rmtree(tmp, ignore_errors=True)
    return [path / name for name in files]


@contextlib.contextmanager
def output_lock(out_dir: str | Path) -> Iterator[Path]:
    """Hold the output folder's lock (re-entrant within a process): a second airwork run
    into the same folder is refused while this one plans and writes.  Stale temporary
    folders and locks of dead runs beside it are removed once the lock is held.

    Raises
    ------
    ExportError
        The folder's parent cannot be made, or another live run holds the lock.
    """
    path = Path(out_dir)
    made = [d for d in (path.parent, *path.parent.parents) if not d.exists()]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{path}: cannot make the output folder: {exc.strerror}") from None
    lock = path.parent / f".{path.name}.lock"
    if _holder(lock) == _me():
        yield path  # this process holds it already (a run writing at its end)
        return
    try:
        with _lock(path, lock):
            _remove_stale(path)
            yield path
    finally:
        if not path.exists():  # nothing written: the folders made for it go too
            for d in made:  # deepest first
                with contextlib.suppress(OSError):
                    d.rmdir()


def _carry_over(old: Path, new: Path, files: dict[str, bytes]) -> None:
    """Copy into ``new`` what the old folder holds that airwork did not write."""
    for entry in old.iterdir():
        if entry.name in files or any(fnmatch.fnmatch(entry.name, p) for p in OUTPUT_PATTERNS):
            continue
        target = new / entry.name
        if entry.is_dir():
            shutil.copytree(entry, target, symlinks=True)
        else:
            try:
                os.link(entry, target)
            except OSError:
                shutil.copy2(entry, target)


def _swap_in(tmp: Path, path: Path) -> None:
    """Put the finished folder ``tmp`` in the place of ``path`` (which may not exist)."""
    os.chmod(tmp, 0o755)
    if not path.exists():
        os.rename(tmp, path)
        return
    if _exchange(tmp, path):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the old folder
        return
    old = Path(
        tempfile.mkdtemp(prefix=_OLD.format(name=path.name, pid=os.getpid()), dir=path.parent)
    )
    os.rmdir(old)
    os.rename(path, old)
    try:
        os.rename(tmp, path)
    except OSError:
        os.rename(old, path)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically where the system can (Linux 3.15+); False otherwise."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    fn = getattr(libc, "renameat2", None)
    if fn is None:
        return False
    at_fdcwd = -100
    done = fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return done == 0


@contextlib.contextmanager
def _lock(path: Path, lock: Path) -> Iterator[None]:
    """A lock file beside ``path`` naming the writer's process (pid and start time); a
    stale one (its process gone, or its pid reused by another process) is taken over."""
    taken = False
    try:
        with _signals_held():  # made and known together: an interrupt cannot orphan it
            taken = _take(path, lock)
        yield
    finally:
        if taken:
            with _signals_held():
                lock.unlink(missing_ok=True)


def _take(path: Path, lock: Path) -> bool:
    """Create the lock file with this process's pid and start time (True), taking over a
    stale one once.

    Raises
    ------
    ExportError
        A live process holds it.
    """
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            holder = _holder(lock)
            if holder is not None and _alive(*holder):
                raise ExportError(
                    f"{path}: another airwork run (process {holder[0]}) is writing this "
                    f"folder; wait for it to finish (or remove {lock} if it is gone)"
                ) from None
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(" ".join(map(str, _me())))
        return True
    raise ExportError(f"{path}: cannot take the lock {lock}")  # pragma: no cover - raced


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM (delivered on leaving) so the swap and the clean-up are not
    cut half-way; a no-op where the system cannot block signals."""
    if not hasattr(signal, "pthread_sigmask"):  # pragma: no cover - not POSIX
        yield
        return
    old = signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, old)


def _start_time(pid: int) -> int | None:
    """Start time of a process in clock ticks since boot (Linux ``/proc``), else None."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
        return int(stat.rsplit(")", 1)[1].split()[19])
    except (OSError, ValueError, IndexError):
        return None


def _me() -> tuple[int, int | None]:
    pid = os.getpid()
    return pid, _start_time(pid)


def _holder(lock: Path) -> tuple[int, int | None] | None:
    """(pid, start time or None) written in a lock file, or None if unreadable."""
    try:
        parts = lock.read_text().split()
        pid = int(parts[0])
        start = int(parts[1]) if len(parts) > 1 and parts[1] != "None" else None
    except (OSError, ValueError, IndexError):
        return None
    return pid, start


def _alive(pid: int, start: int | None = None) -> bool:
    """Whether process ``pid`` runs, and is the one that started at ``start`` (when
    known: a reused pid is another process)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    if start is not None:
        now = _start_time(pid)
        if now is not None and now != start:
            return False
    return True


def _remove_stale(path: Path) -> None:
    """Remove temporary folders beside ``path`` left by runs that were killed (called with
    the lock held: no other run is writing this folder, so every temporary folder but this
    process's own is stale)."""
    for prefix in (_TMP, _OLD):
        stem = prefix.split("{pid}")[0].format(name=path.name)
        for entry in path.parent.glob(f"{stem}*"):
            try:
                pid = int(entry.name[len(stem) :].split("-")[0])
            except ValueError:
                continue
            if pid != os.getpid():
                shutil.rmtree(entry, ignore_errors=True)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write UTF-8 text to ``path`` through a temporary file and a rename.

    A failed write leaves no partial file.  Shared by the export writers.

    Parameters
    ----------
    path : str or path-like
    text : str

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8", newline="\n")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path
