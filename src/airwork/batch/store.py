"""The batch's output folder: atomic writes, the manifest and which partitions are done.

Layout of ``OUT``::

    manifest.json              fingerprint, options, input, rows of each staged partition
    _stage/part.N.parquet      the parcels, spatially sorted and partitioned (the run's input)
    results/part-NNNNN.parquet per-field results of partition N (GeoParquet)
    missions/part-NNNNN.zip    its missions (--missions archive), or missions/FIELD_ID/
    fields_failed.csv, districts.csv, weeks.csv, region.png, report.json

Every file is written to a temporary name in its folder and renamed into place, so a file
that exists is complete.  A partition is done when its result file exists and carries the
run's fingerprint and its partition's row count: that is the exactly-once rule a resumed run
follows (done partitions are skipped, the others are planned again from their staged rows;
a partition's fields are in one result file or in none).
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from airwork.batch.options import BatchError

__all__ = [
    "MANIFEST",
    "Manifest",
    "done_partitions",
    "result_path",
    "stage_path",
    "write_atomic_bytes",
    "write_atomic_parquet",
]

MANIFEST = "manifest.json"
_FORMAT = 1
#: Key of the parquet metadata that ties a result file to its run and partition.
META_KEY = b"airwork.batch"


def stage_path(out: Path, index: int) -> Path:
    return out / "_stage" / f"part.{index}.parquet"


def result_path(out: Path, index: int) -> Path:
    return out / "results" / f"part-{index:05d}.parquet"


def archive_path(out: Path, index: int) -> Path:
    return out / "missions" / f"part-{index:05d}.zip"


def _tmp_in(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    os.chmod(name, 0o644)  # mkstemp makes it private; outputs are ordinary files
    return Path(name)


def write_atomic_bytes(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    tmp = _tmp_in(path)
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def write_atomic_parquet(frame: Any, path: Path, metadata: dict[str, Any] | None = None) -> None:
    """Write a GeoDataFrame in WGS84 lon/lat as GeoParquet 1.0 (WKB geometry) to ``path``
    through a temporary file and a rename, with ``metadata`` (JSON) under the file's
    ``airwork.batch`` key."""
    import pyarrow as pa
    import pyarrow.parquet as pq
    import shapely

    name = frame.geometry.name
    geoms = frame.geometry.to_numpy()
    plain = frame.drop(columns=name)
    table = pa.Table.from_pandas(plain, preserve_index=False)
    table = table.append_column(name, pa.array(shapely.to_wkb(geoms), type=pa.binary()))
    kinds = sorted({t for t in shapely.get_type_id(geoms).tolist() if t >= 0})
    geo = {
        "version": "1.0.0",
        "primary_column": name,
        "columns": {
            name: {
                "encoding": "WKB",
                "geometry_types": [_GEOM_NAMES[t] for t in kinds if t in _GEOM_NAMES],
            }
        },  # no "crs": OGC:CRS84, WGS84 lon/lat (GeoParquet's default)
    }
    meta = dict(table.schema.metadata or {})
    meta[b"geo"] = json.dumps(geo).encode()
    if metadata is not None:
        meta[META_KEY] = json.dumps(metadata).encode()
    tmp = _tmp_in(path)
    try:
        pq.write_table(table.replace_schema_metadata(meta), tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


_GEOM_NAMES = {
    0: "Point",
    1: "LineString",
    3: "Polygon",
    4: "MultiPoint",
    5: "MultiLineString",
    6: "MultiPolygon",
    7: "GeometryCollection",
}


def read_tag(path: Path) -> dict[str, Any] | None:
    """The ``airwork.batch`` metadata of a result file (None when missing or unreadable)."""
    import pyarrow.parquet as pq

    try:
        meta = pq.read_schema(path).metadata or {}
        return json.loads(meta[META_KEY])
    except (OSError, KeyError, ValueError):
        return None


class Manifest:
    """``OUT/manifest.json``: what the run is (fingerprint, options, input) and its staged
    partitions (None until staging has finished)."""

    def __init__(self, out: Path, data: dict[str, Any]):
        self.out = out
        self.data = data

    @property
    def fingerprint(self) -> str:
        return self.data["fingerprint"]

    @property
    def partitions(self) -> list[int] | None:
        """Rows of each staged partition; None before staging finished."""
        return self.data.get("partitions")

    @classmethod
    def open(
        cls, out: Path, fingerprint: str, about: dict[str, Any], *, restart: bool = False
    ) -> Manifest:
        """The manifest of ``out``: a new one, or the one there when it is of this run.

        Raises
        ------
        BatchError
            ``out`` holds a run of other parcels or options (without ``restart``), or is
            a file, or holds files that are not a batch's.
        """
        path = out / MANIFEST
        if out.exists() and not out.is_dir():
            raise BatchError(f"{out}: is a file, not an output folder")
        if path.exists() and not restart:
            try:
                data = json.loads(path.read_text("utf-8"))
            except ValueError:
                raise BatchError(f"{path}: unreadable manifest; use --restart") from None
            if data.get("fingerprint") != fingerprint:
                raise BatchError(
                    f"{out} holds a batch run of other parcels or options; use another "
                    "--out, or --restart to plan everything again"
                )
            return cls(out, data)
        if out.is_dir() and any(out.iterdir()) and not path.exists():
            raise BatchError(f"{out}: the folder is not empty and holds no batch run")
        if restart and out.is_dir():
            _clear(out)
        m = cls(out, {"format": _FORMAT, "fingerprint": fingerprint, **about})
        m.save()
        return m

    def save(self) -> None:
        text = json.dumps(self.data, indent=2, sort_keys=True, default=str)
        write_atomic_bytes(self.out / MANIFEST, text.encode())

    def set_partitions(self, rows: Sequence[int]) -> None:
        self.data["partitions"] = [int(n) for n in rows]
        self.save()


def _clear(out: Path) -> None:
    """Remove what a batch writes into ``out`` (for --restart)."""
    import shutil

    for name in ("_stage", "results", "missions"):
        if (out / name).is_dir():
            shutil.rmtree(out / name)
    for name in (MANIFEST, *REPORT_FILES):
        (out / name).unlink(missing_ok=True)


REPORT_FILES = ("fields_failed.csv", "districts.csv", "weeks.csv", "region.png", "report.json")
"""Files written at the end of a run, from the result partitions."""


def done_partitions(out: Path, fingerprint: str, rows: Sequence[int]) -> set[int]:
    """Indices of partitions whose result file is complete and of this run."""
    done = set()
    for i, n in enumerate(rows):
        tag = read_tag(result_path(out, i))
        expected = {"fingerprint": fingerprint, "rows": n, "partition": i}
        if tag and all(tag.get(k) == v for k, v in expected.items()):
            done.add(i)
    return done
