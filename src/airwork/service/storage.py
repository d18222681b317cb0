"""Uploaded files on disk: stored once by content hash under the data directory, never
under a name the user chose; zip archives opened with limits (size, members, no path out).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import shutil
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

from airwork.engine.task import check_input_name
from airwork.service.config import Limits
from airwork.service.errors import UploadError

__all__ = ["BlobStore", "display_name", "unzip"]


def display_name(filename: str | None, fallback: str = "upload") -> str:
    """The user's file name, for messages only: its last part, printable, at most 120
    characters."""
    base = (filename or "").replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join(c for c in base if c.isprintable()).strip()
    return base[:120] or fallback


class BlobStore:
    """Files by SHA-256 under ``root/blobs/ab/cd/<sha256>``.

    Parameters
    ----------
    root : Path
        The data directory.
    """

    def __init__(self, root: Path):
        self.root = Path(root).resolve()
        self.blobs = self.root / "blobs"
        self.tmp = self.root / "tmp"
        self.blobs.mkdir(parents=True, exist_ok=True)
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        if len(sha256) != 64 or any(c not in "0123456789abcdef" for c in sha256):
            raise ValueError(f"not a SHA-256: {sha256!r}")
        return self.blobs / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store ``data`` (atomically: a temporary file renamed into place); its SHA-256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.is_file() and target.stat().st_size == len(data):
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.tmp, prefix="blob-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        """The stored bytes, checked against their hash.

        Raises
        ------
        OSError
            Missing, or changed on disk.
        """
        data = self.path(sha256).read_bytes()
        if hashlib.sha256(data).hexdigest() != sha256:
            raise OSError(f"stored file {sha256[:12]}... does not match its checksum")
        return data

    @contextlib.contextmanager
    def scratch(self) -> Iterator[Path]:
        """A private temporary folder inside the data directory, removed afterwards."""
        folder = Path(tempfile.mkdtemp(dir=self.tmp, prefix="upload-"))
        try:
            yield folder
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def unzip(data: bytes, limits: Limits, what: str) -> dict[str, bytes]:
    """The files of a zip archive as ``{relative path: bytes}``.

    Directories, ``__MACOSX`` entries and symbolic links are skipped; a member whose path
    would leave the folder, too many members, or more than ``limits.unzipped_bytes``
    unpacked (whatever the archive claims) are refused.

    Raises
    ------
    UploadError
    """
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise UploadError(f"{what}: not a readable zip archive ({exc})") from None
    out: dict[str, bytes] = {}
    total = 0
    with archive:
        infos = [i for i in archive.infolist() if not i.is_dir()]
        infos = [i for i in infos if not i.filename.startswith("__MACOSX/")]
        if len(infos) > limits.zip_members:
            raise UploadError(
                f"{what}: {len(infos)} files in the archive (limit {limits.zip_members})"
            )
        for info in infos:
            if stat.S_ISLNK(info.external_attr >> 16):
                continue
            try:
                name = str(check_input_name(info.filename))
            except ValueError:
                raise UploadError(
                    f"{what}: archive member {info.filename!r} has an unsafe path"
                ) from None
            budget = limits.unzipped_bytes - total
            try:
                with archive.open(info) as fh:
                    content = fh.read(budget + 1)
            except (zipfile.BadZipFile, OSError, RuntimeError, ValueError) as exc:
                raise UploadError(f"{what}: cannot unpack {name!r} ({exc})") from None
            total += len(content)
            if total > limits.unzipped_bytes:
                raise UploadError(
                    f"{what}: more than {limits.unzipped_bytes // 2**20} MiB once unpacked"
                )
            out[name] = content
    return out
