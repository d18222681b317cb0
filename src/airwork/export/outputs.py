"""Write every output of a mission into a folder, all or nothing.

Everything is rendered in memory first, written into a temporary folder beside the target,
and only then moved into place, so a failure leaves no partial output.  An existing,
non-empty folder is refused unless ``overwrite`` is set; then only airwork's own output
files in it are replaced or removed.
"""

from __future__ import annotations

import io
import json
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from airwork.autopilot import Autopilot, SprayOutput
from airwork.autopilot.profiles import default_profile
from airwork.errors import ExportError
from airwork.export.geojson import to_geojson
from airwork.export.kml import to_kml
from airwork.export.param_sheet import to_param_file
from airwork.export.qgc_plan import to_qgc_plan
from airwork.export.wpl import to_wpl
from airwork.mission.model import Mission

__all__ = ["OUTPUT_PATTERNS", "check_out_dir", "render_outputs", "write_outputs"]

OUTPUT_PATTERNS = (
    "mission.geojson",
    "mission.kml",
    "mission.png",
    "summary.json",
    "sortie-*.plan",
    "sortie-*.waypoints",
    "autopilot.param",
)
"""Names airwork writes into an output folder (and may replace with ``overwrite``)."""


def check_out_dir(out_dir: str | Path, *, overwrite: bool = False) -> Path:
    """Check an output folder can be written, before any planning is done.

    Raises
    ------
    ExportError
        The path is a file, or a non-empty folder and ``overwrite`` is not set.
    """
    path = Path(out_dir)
    if path.exists() and not path.is_dir():
        raise ExportError(f"{path}: output path exists and is not a folder")
    if path.is_dir() and any(path.iterdir()) and not overwrite:
        raise ExportError(f"{path}: output folder is not empty (use --overwrite to replace)")
    return path


def _json_default(obj: Any) -> Any:
    if hasattr(obj, "item"):
        return obj.item()
    if isinstance(obj, tuple | set):
        return list(obj)
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")


def render_outputs(
    mission: Mission,
    summary: dict[str, Any],
    *,
    autopilot: Autopilot = Autopilot.ARDUPILOT,
    spray: SprayOutput | None = None,
    picture: Callable[[Mission], bytes] | None = None,
) -> dict[str, bytes]:
    """Every output file's name and content, in memory.

    Parameters
    ----------
    mission : Mission
    summary : dict
        Figures for ``summary.json`` (the planner result's ``summary()``).
    autopilot : Autopilot
        Target of ``.plan`` and ``.waypoints`` files.
    spray : SprayOutput or None
        How the sprayer is switched.
    picture : callable or None
        ``picture(mission) -> PNG bytes`` for ``mission.png``; None writes no picture.
    """
    spray = spray or SprayOutput()
    summary = dict(summary)
    files: dict[str, bytes] = {}
    width = max(2, len(str(len(mission.sorties))))
    for s in mission.sorties:
        stem = f"sortie-{s.index:0{width}d}"
        files[f"{stem}.plan"] = to_qgc_plan(mission, s, autopilot=autopilot, spray=spray).encode()
        files[f"{stem}.waypoints"] = to_wpl(mission, s, autopilot=autopilot, spray=spray).encode()
    if Autopilot(autopilot) is Autopilot.ARDUPILOT:
        profile = default_profile(autopilot)
        files["autopilot.param"] = to_param_file(mission, profile, spray).encode()
        summary["autopilot_profile"] = profile.name
    files["mission.geojson"] = json.dumps(to_geojson(mission), default=_json_default).encode()
    files["mission.kml"] = to_kml(mission).encode()
    summary["autopilot"] = str(autopilot)
    if mission.kind in ("spray", "spread"):
        summary["spray_output"] = {
            "command": "DO_SET_SERVO (183)",
            "servo": spray.servo,
            "pwm_on_us": spray.pwm_on_us,
            "pwm_off_us": spray.pwm_off_us,
        }
    summary["altitude_reference"] = str(mission.altitude_ref)
    if picture is not None:
        files["mission.png"] = picture(mission)
    summary["files"] = sorted([*files, "summary.json"])
    files["summary.json"] = json.dumps(summary, indent=2, default=_json_default).encode()
    return files


def png_picture(swath_m: float | None = None) -> Callable[[Mission], bytes]:
    """A ``picture`` callable drawing :func:`airwork.plotting.plot_mission` to PNG bytes."""

    def draw(mission: Mission) -> bytes:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from airwork.plotting import plot_mission

        fig, ax = plt.subplots(figsize=(10, 8), dpi=110)
        try:
            plot_mission(mission, ax, swath_m=swath_m)
            fig.tight_layout()
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
        finally:
            plt.close(fig)
        return buf.getvalue()

    return draw


def write_outputs(
    files: dict[str, bytes], out_dir: str | Path, *, overwrite: bool = False
) -> list[Path]:
    """Write rendered files into ``out_dir`` all or nothing; returns the paths written."""
    path = check_out_dir(out_dir, overwrite=overwrite)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{path.name}.", dir=path.parent))
    try:
        for name, data in files.items():
            (tmp / name).write_bytes(data)
        path.mkdir(exist_ok=True)
        if overwrite:  # remove our own stale outputs (e.g. more sorties last time)
            for pattern in OUTPUT_PATTERNS:
                for old in path.glob(pattern):
                    if old.name not in files and old.is_file():
                        old.unlink()
        written = []
        for name in files:
            (tmp / name).replace(path / name)
            written.append(path / name)
        return written
    except OSError as exc:
        raise ExportError(f"{path}: cannot write outputs: {exc}") from exc
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
