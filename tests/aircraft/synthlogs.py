"""Synthetic flown logs made by the aircraft model with known calibration factors, and
minimal writers of the three log formats airwork reads (for the calibration tests).

* ``synth_flight`` flies a profile of hovers, climbs, descents and cruise legs: the
  battery power is ``power_factor`` times the model's terminal power, and the pack is the
  model's Shepherd pack with ``energy_factor`` times its capacity (same curve and
  resistance), integrated second by second.
* ``write_tlog``: MAVLink 2 ``SYS_STATUS`` and ``GLOBAL_POSITION_INT`` packets (pymavlink's
  encoder), each behind the 8-byte big-endian microsecond timestamp of a ``.tlog``.
* ``write_dataflash``: ArduPilot DataFlash records (``0xA3 0x95``, type byte, payload)
  with ``FMT`` definitions of ``BAT``, ``GPS`` and ``POS``.
* ``write_ulog``: a ULog file (PX4 "ULog File Format": 16-byte header, flag bits,
  ``F`` format, ``A`` subscription and ``D`` data messages) with ``battery_status`` and
  ``vehicle_local_position``.
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from airwork.aircraft.battery import current_at_power_a, open_circuit_voltage_v

# (duration s, horizontal speed m/s, vertical speed m/s): a survey-like sortie
PROFILE = [
    (15, 0.0, 2.0),
    (40, 0.0, 0.0),
    (240, 8.0, 0.0),
    (20, 0.0, 1.5),
    (240, 12.0, 0.0),
    (60, 0.0, 0.0),
    (240, 5.0, 0.0),
    (20, 0.0, -1.5),
    (240, 10.0, 0.0),
]


def synth_flight(
    aircraft, power_factor, energy_factor, payload_kg=0.0, dt_s=1.0, noise=0.002, seed=0
):
    """Samples of a flight down to 85 % depth of discharge (or the profile's end, repeated).

    Returns a dict of numpy arrays: ``t`` [s], ``volt`` [V], ``curr`` [A], ``spd`` [m/s],
    ``climb`` [m/s, up], ``alt`` [m].
    """
    base = aircraft.with_calibration(None)
    rng = np.random.default_rng(seed)
    cap_ah = base._capacity_ah * energy_factor
    r_ohm = base.pack_resistance_ohm
    segs = []
    for _ in range(20):
        for dur, v, vz in PROFILE:
            n = int(dur / dt_s)
            segs.append(np.column_stack([np.full(n, v), np.full(n, vz)]))
    motion = np.concatenate(segs)
    power = power_factor * base.flight_power_w(payload_kg, motion[:, 0], motion[:, 1])
    q_ah, alt = 0.0, 5.0
    out = {k: [] for k in ("t", "volt", "curr", "spd", "climb", "alt")}
    for k in range(len(motion)):
        depth = q_ah / cap_ah
        if depth >= 0.85:
            break
        ocv = float(open_circuit_voltage_v(depth, base._chem, base._cells))
        i = float(current_at_power_a(power[k], ocv, r_ohm))
        volt = ocv - r_ohm * i
        out["t"].append(k * dt_s)
        out["volt"].append(volt * (1 + noise * rng.standard_normal()))
        out["curr"].append(i * (1 + noise * rng.standard_normal()))
        out["spd"].append(motion[k, 0])
        out["climb"].append(motion[k, 1])
        out["alt"].append(alt)
        alt = max(alt + motion[k, 1] * dt_s, 2.0)
        q_ah += i * dt_s / 3600.0
    return {k: np.asarray(v, dtype=float) for k, v in out.items()}


def write_tlog(path: Path, d) -> Path:
    from pymavlink.dialects.v20 import common as mavlink2

    mav = mavlink2.MAVLink(None, srcSystem=1, srcComponent=1)
    with open(path, "wb") as f:
        t0 = 1_700_000_000_000_000
        for k in range(len(d["t"])):
            t_us = t0 + int(d["t"][k] * 1e6)
            sys_status = mav.sys_status_encode(
                0, 0, 0, 500, round(d["volt"][k] * 1000), round(d["curr"][k] * 100),
                50, 0, 0, 0, 0, 0, 0,
            )  # fmt: skip
            gpi = mav.global_position_int_encode(
                int(d["t"][k] * 1000), 0, 0, 0, round(d["alt"][k] * 1000),
                round(d["spd"][k] * 100), 0, round(-d["climb"][k] * 100), 0,
            )  # fmt: skip
            for msg, dt in ((sys_status, 0), (gpi, 1000)):
                f.write(struct.pack(">Q", t_us + dt) + msg.pack(mav))
    return path


def _df_record(type_id: int, fmt: str, *values) -> bytes:
    return bytes([0xA3, 0x95, type_id]) + struct.pack("<" + fmt, *values)


def _df_fmt(type_id: int, name: str, fmt: str, columns: str, pyfmt: str) -> bytes:
    length = 3 + struct.calcsize("<" + pyfmt)
    return _df_record(
        128,
        "BB4s16s64s",
        type_id,
        length,
        name.encode(),
        fmt.encode(),
        columns.encode(),
    )


def write_dataflash(path: Path, d) -> Path:
    with open(path, "wb") as f:
        f.write(_df_fmt(128, "FMT", "BBnNZ", "Type,Length,Name,Format,Columns", "BB4s16s64s"))
        f.write(_df_fmt(10, "BAT", "QBff", "TimeUS,Inst,Volt,Curr", "QBff"))
        f.write(_df_fmt(11, "GPS", "QBBIHff", "TimeUS,I,Status,GMS,GWk,Spd,VZ", "QBBIHff"))
        f.write(_df_fmt(12, "POS", "Qf", "TimeUS,RelHomeAlt", "Qf"))
        for k in range(len(d["t"])):
            t_us = 1_000_000 + int(d["t"][k] * 1e6)
            f.write(_df_record(10, "QBff", t_us, 0, d["volt"][k], d["curr"][k]))
            gms = 100_000_000 + int(d["t"][k] * 1000)
            gps = (t_us + 500, 0, 3, gms, 2300, d["spd"][k], -d["climb"][k])
            f.write(_df_record(11, "QBBIHff", *gps))
            f.write(_df_record(12, "Qf", t_us + 700, d["alt"][k]))
    return path


def _ulog_msg(kind: bytes, payload: bytes) -> bytes:
    return struct.pack("<HB", len(payload), kind[0]) + payload


def write_ulog(path: Path, d) -> Path:
    with open(path, "wb") as f:
        f.write(b"ULog\x01\x12\x35" + bytes([1]) + struct.pack("<Q", 0))
        f.write(_ulog_msg(b"B", bytes(16) + struct.pack("<3Q", 0, 0, 0)))
        f.write(
            _ulog_msg(b"F", b"battery_status:uint64_t timestamp;float voltage_v;float current_a;")
        )
        f.write(
            _ulog_msg(
                b"F",
                b"vehicle_local_position:uint64_t timestamp;float z;float vx;float vy;float vz;",
            )
        )
        f.write(_ulog_msg(b"A", struct.pack("<BH", 0, 0) + b"battery_status"))
        f.write(_ulog_msg(b"A", struct.pack("<BH", 0, 1) + b"vehicle_local_position"))
        for k in range(len(d["t"])):
            t_us = 1_000_000 + int(d["t"][k] * 1e6)
            bat = struct.pack("<HQff", 0, t_us, d["volt"][k], d["curr"][k])
            pos = struct.pack(
                "<HQffff", 1, t_us + 300, -d["alt"][k], d["spd"][k], 0.0, -d["climb"][k]
            )
            f.write(_ulog_msg(b"D", bat))
            f.write(_ulog_msg(b"D", pos))
    return path
