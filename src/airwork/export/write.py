"""Write rendered outputs into a folder, all or nothing.

Every file is written into a temporary folder beside the target; the finished folder then
takes the target's place in one step (Linux ``renameat2(RENAME_EXCHANGE)``, else two
renames), so a reader sees the old output or the new one, never a mix.  With
``overwrite`` the files of the old folder that airwork did not write (notes, photos) are
carried over; airwork's own old outputs (e.g. more sorties last time) go.  A lock file
beside the target refuses a second writer with a clear line; a temporary folder left by a
killed run is removed by the next one.  Exporters never write: this is the one writer.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import fnmatch
import os
import shutil
import tempfile
from pathlib import Path

from airwork.errors import ExportError

__all__ = ["OUTPUT_PATTERNS", "check_out_dir", "write_files", "write_text_atomic"]

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
        The path is a file, lies under a file, or is a non-empty folder and ``overwrite`` is
        not set.
    """
    path = Path(out_dir)
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
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{path}: cannot make the output folder: {exc.strerror}") from None
    _remove_stale(path)
    with _lock(path):
        check_out_dir(path, overwrite=overwrite)  # again, now that we hold the lock
        tmp = Path(
            tempfile.mkdtemp(prefix=_TMP.format(name=path.name, pid=os.getpid()), dir=path.parent)
        )
        try:
            for name, data in files.items():
                (tmp / name).write_bytes(data)
            if path.is_dir():
                _carry_over(path, tmp, files)
            _swap_in(tmp, path)
        except OSError as exc:
            raise ExportError(f"{path}: cannot write outputs: {exc}") from None
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return [path / name for name in files]


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
def _lock(path: Path):
    """A lock file beside ``path`` naming the writer's process; a stale one (its process
    gone) is taken over."""
    lock = path.parent / f".{path.name}.lock"
    for _ in range(2):
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        except FileExistsError:
            pid = _pid_in(lock)
            if pid is not None and _alive(pid):
                raise ExportError(
                    f"{path}: another airwork run (process {pid}) is writing this folder; "
                    f"wait for it to finish (or remove {lock} if it is gone)"
                ) from None
            lock.unlink(missing_ok=True)
            continue
        with os.fdopen(fd, "w") as fh:
            fh.write(str(os.getpid()))
        break
    else:  # pragma: no cover - raced twice with another writer
        raise ExportError(f"{path}: cannot take the lock {lock}")
    try:
        yield
    finally:
        lock.unlink(missing_ok=True)


def _pid_in(lock: Path) -> int | None:
    try:
        return int(lock.read_text().strip())
    except (OSError, ValueError):
        return None


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(path: Path) -> None:
    """Remove temporary folders beside ``path`` left by runs that were killed."""
    for prefix in (_TMP, _OLD):
        stem = prefix.split("{pid}")[0].format(name=path.name)
        for entry in path.parent.glob(f"{stem}*"):
            try:
                pid = int(entry.name[len(stem) :].split("-")[0])
            except ValueError:
                continue
            if pid != os.getpid() and not _alive(pid):
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
