"""Readers of flown logs into battery and motion samples on one time base.

* ArduPilot DataFlash ``.bin``/``.log`` through pymavlink's ``mavlink_connection``:
  ``BAT`` (``Volt``, ``Curr``), ``GPS`` (``Spd`` ground speed, ``VZ`` down-positive
  vertical speed) and ``POS`` (``RelHomeAlt``).
* MAVLink telemetry ``.tlog`` through the same call: ``BATTERY_STATUS`` or
  ``SYS_STATUS`` (mV, cA), ``GLOBAL_POSITION_INT`` (``vx``, ``vy``, ``vz`` in cm/s, down
  positive; ``relative_alt`` in mm), else ``VFR_HUD`` (``groundspeed``, ``climb``).
* PX4 ULog ``.ulg`` through ``pyulog.ULog``: ``battery_status`` (``voltage_v``,
  ``current_a``) and ``vehicle_local_position`` (``vx``, ``vy``, ``vz``, ``z``, NED).

Motion is interpolated to the battery samples.  Units: s, V, A, m/s, m.
"""

from __future__ import annotations

import lzma
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from airwork.errors import InputFileError

__all__ = ["FlightLog", "read_log"]


@dataclass(frozen=True)
class FlightLog:
    """Battery and motion samples of one flight, on the battery's time base.

    Attributes
    ----------
    name : str
        The log's file name.
    kind : str
        ``dataflash``, ``tlog`` or ``ulog``.
    time_s : numpy.ndarray
        Seconds from the first battery sample. [s]
    voltage_v, current_a : numpy.ndarray
        Battery terminal voltage [V] and current [A].
    speed_mps : numpy.ndarray
        Horizontal speed over the ground. [m/s]
    climb_mps : numpy.ndarray
        Vertical speed, positive up. [m/s]
    altitude_m : numpy.ndarray or None
        Height above home where the log has it. [m]
    """

    name: str
    kind: str
    time_s: np.ndarray
    voltage_v: np.ndarray
    current_a: np.ndarray
    speed_mps: np.ndarray
    climb_mps: np.ndarray
    altitude_m: np.ndarray | None = None

    @property
    def power_w(self) -> np.ndarray:
        """Battery power, voltage times current. [W]"""
        return self.voltage_v * self.current_a

    @property
    def duration_s(self) -> float:
        return float(self.time_s[-1] - self.time_s[0]) if len(self.time_s) else 0.0

    def airborne(self, min_altitude_m: float = 1.0) -> np.ndarray:
        """Samples in flight: above ``min_altitude_m`` where the log has a height, else
        drawing more than a fifth of the median positive current."""
        if self.altitude_m is not None and np.any(np.isfinite(self.altitude_m)):
            return np.nan_to_num(self.altitude_m, nan=0.0) > min_altitude_m
        pos = self.current_a[self.current_a > 0]
        return self.current_a > 0.2 * (np.median(pos) if len(pos) else 0.0)


def _series(samples: list[tuple[float, ...]], ncol: int) -> np.ndarray:
    arr = np.asarray(samples, dtype=float).reshape(-1, ncol)
    order = np.argsort(arr[:, 0], kind="stable")
    return arr[order]


def _on(t: np.ndarray, src: np.ndarray, col: int) -> np.ndarray:
    if len(src) == 0:
        return np.full(len(t), np.nan)
    return np.interp(t, src[:, 0], src[:, col])


def _assemble(name, kind, bat, vel, alt) -> FlightLog:
    if len(bat) < 2:
        raise InputFileError(f"{name}: no battery samples (voltage and current) in the log")
    if len(vel) < 2:
        raise InputFileError(f"{name}: no velocity samples (GPS or local position) in the log")
    t = bat[:, 0]
    return FlightLog(
        name=name,
        kind=kind,
        time_s=t - t[0],
        voltage_v=bat[:, 1],
        current_a=bat[:, 2],
        speed_mps=_on(t, vel, 1),
        climb_mps=_on(t, vel, 2),
        altitude_m=_on(t, alt, 1) if len(alt) >= 2 else None,
    )


@contextmanager
def _plain_file(path: Path):
    """The log as a plain file: ``.xz`` logs are decompressed to a temporary file."""
    if path.suffix.lower() != ".xz":
        yield path
        return
    with tempfile.NamedTemporaryFile(suffix=path.with_suffix("").suffix) as tmp:
        try:
            with lzma.open(path) as src:
                while chunk := src.read(1 << 20):
                    tmp.write(chunk)
        except lzma.LZMAError as exc:
            raise InputFileError(f"{path}: not a valid .xz file: {exc}") from None
        tmp.flush()
        yield Path(tmp.name)


def _read_dataflash(path: Path, name: str) -> FlightLog:
    from pymavlink import mavutil

    log = mavutil.mavlink_connection(str(path))
    bat, vel, alt = [], [], []
    while (m := log.recv_match(type=["BAT", "GPS", "POS"])) is not None:
        kind = m.get_type()
        t = m.TimeUS * 1e-6
        if kind == "BAT" and getattr(m, "Inst", 0) == 0:
            bat.append((t, m.Volt, m.Curr))
        elif kind == "GPS" and getattr(m, "I", 0) == 0 and m.Status >= 3:
            vel.append((t, m.Spd, -m.VZ))
        elif kind == "POS":
            alt.append((t, m.RelHomeAlt))
    return _assemble(name, "dataflash", _series(bat, 3), _series(vel, 3), _series(alt, 2))


def _read_tlog(path: Path, name: str) -> FlightLog:
    from pymavlink import mavutil

    log = mavutil.mavlink_connection(str(path))
    types = ["BATTERY_STATUS", "SYS_STATUS", "GLOBAL_POSITION_INT", "VFR_HUD"]
    bat_status, sys_status, gpi, hud, alt = [], [], [], [], []
    while (m := log.recv_match(type=types)) is not None:
        kind = m.get_type()
        t = m._timestamp
        if kind == "BATTERY_STATUS" and m.id == 0 and m.current_battery >= 0:
            cells = [v for v in m.voltages if v != 65535]
            bat_status.append((t, sum(cells) / 1000.0, m.current_battery / 100.0))
        elif kind == "SYS_STATUS" and m.current_battery >= 0:
            sys_status.append((t, m.voltage_battery / 1000.0, m.current_battery / 100.0))
        elif kind == "GLOBAL_POSITION_INT":
            gpi.append((t, np.hypot(m.vx, m.vy) / 100.0, -m.vz / 100.0))
            alt.append((t, m.relative_alt / 1000.0))
        elif kind == "VFR_HUD":
            hud.append((t, m.groundspeed, m.climb))
    bat = bat_status if len(bat_status) >= 2 else sys_status
    vel = gpi if len(gpi) >= 2 else hud
    return _assemble(name, "tlog", _series(bat, 3), _series(vel, 3), _series(alt, 2))


def _read_ulog(path: Path, name: str) -> FlightLog:
    from pyulog import ULog

    try:
        ulog = ULog(str(path), ["battery_status", "vehicle_local_position"])
    except Exception as exc:  # pyulog raises bare exceptions on a broken file
        raise InputFileError(f"{path}: cannot read ULog: {exc}") from None
    data = {(d.name, d.multi_id): d.data for d in ulog.data_list}
    b = data.get(("battery_status", 0))
    p = data.get(("vehicle_local_position", 0))
    bat = (
        np.column_stack([b["timestamp"] * 1e-6, b["voltage_v"], b["current_a"]])
        if b is not None
        else np.empty((0, 3))
    )
    vel = alt = np.empty((0, 3))
    if p is not None:
        t = p["timestamp"] * 1e-6
        vel = np.column_stack([t, np.hypot(p["vx"], p["vy"]), -p["vz"]])
        alt = np.column_stack([t, -p["z"]])
    return _assemble(name, "ulog", bat, vel, alt)


_READERS = {
    ".bin": _read_dataflash,
    ".log": _read_dataflash,
    ".tlog": _read_tlog,
    ".ulg": _read_ulog,
}


def read_log(path: str | Path) -> FlightLog:
    """Read a flown log by its suffix (``.bin``, ``.log``, ``.tlog``, ``.ulg``, each also
    as ``.xz``).

    Raises
    ------
    InputFileError
        Missing file, unknown suffix, or a log without battery or velocity samples.
    """
    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: log file not found")
    inner = path.with_suffix("") if path.suffix.lower() == ".xz" else path
    reader = _READERS.get(inner.suffix.lower())
    if reader is None:
        raise InputFileError(
            f"{path}: unknown log type '{inner.suffix}' (expected .bin, .log, .tlog or .ulg, "
            "optionally .xz)"
        )
    with _plain_file(path) as plain:
        try:
            return reader(plain, path.name)
        except InputFileError:
            raise
        except (OSError, ValueError, KeyError, IndexError, AttributeError) as exc:
            raise InputFileError(f"{path}: cannot read {reader.__name__[6:]} log: {exc}") from None
