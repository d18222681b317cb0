"""Upload a mission file to an autopilot over MAVLink, read it back and compare.

The MAVLink mission protocol (https://mavlink.io/en/services/mission.html, reference
``mission-formats.md`` section 3.4), ground-station side, for the three mission types of a
``.plan`` / ``.waypoints`` file: the mission (``mission_type`` 0), the geofence (1: polygon
vertices ``NAV_FENCE_POLYGON_VERTEX_INCLUSION/EXCLUSION`` 5001/5002 with the vertex count in
param1, circles ``NAV_FENCE_CIRCLE_INCLUSION/EXCLUSION`` 5003/5004 with the radius) and the
rally points (2: ``NAV_RALLY_POINT`` 5100, altitude above home)::

    GCS  MISSION_COUNT(n, type)         ->  autopilot
    GCS  <- MISSION_REQUEST_INT(seq)         (or the legacy MISSION_REQUEST)
    GCS  MISSION_ITEM_INT(seq)          ->   ... n times
    GCS  <- MISSION_ACK(type, result)        MAV_MISSION_ACCEPTED, or why not

then to read back ``MISSION_REQUEST_LIST`` -> ``MISSION_COUNT``, ``MISSION_REQUEST_INT`` ->
``MISSION_ITEM_INT`` for each item, and a final ``MISSION_ACK``.  A request that is not
answered is sent again (up to ``retries`` times, ``timeout_s`` each).

Every refusal is one line naming the part, the item and the autopilot's reason, with the
last status text it sent (ArduPilot explains ``MAV_MISSION_NO_SPACE`` that way), e.g.
``autopilot refused the mission: MAV_MISSION_NO_SPACE (Only 650 items are supported)``.

The read-back is compared item by item: command, position (1e-7°), altitude (ArduPilot
stores centimetres: 0.01 m) and the parameters ArduPilot keeps for the command (others it
drops or rewrites, e.g. ``NAV_LAND`` param4); the home item (sequence 0), which the autopilot
overwrites with its own home, is not compared.

Messages are MAVLink 2 (pymavlink's ``v20`` ``ardupilotmega`` dialect: ``mission_type`` is a
MAVLink 2 extension field); the link is any pymavlink connection string: ``tcp:HOST:PORT``,
``udpin:HOST:PORT`` (listen; ``udp:`` is the same), ``udpout:HOST:PORT``, or a serial
device such as ``/dev/ttyACM0`` with a baud rate.
"""

from __future__ import annotations

import contextlib
import math
import select
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

from pymavlink import mavutil
from pymavlink.dialects.v20 import ardupilotmega as mav2

from airwork.autopilot.items import MissionItem, command_name
from airwork.autopilot.read import MissionFile
from airwork.errors import AirworkError

__all__ = [
    "FENCE",
    "MISSION",
    "RALLY",
    "MissionLink",
    "UploadError",
    "UploadReport",
    "compare_items",
    "fence_items",
    "rally_items",
    "upload_mission_file",
]

MISSION, FENCE, RALLY = 0, 1, 2
_PART = {MISSION: "mission", FENCE: "geofence", RALLY: "rally points"}
_LOCATION_FRAMES = {0, 3, 5, 6, 10, 11}
#: Parameters ArduPilot keeps (param1..4 indices) per command; others are not compared.
_KEPT_PARAMS: dict[int, tuple[int, ...]] = {
    mav2.MAV_CMD_NAV_WAYPOINT: (0,),
    mav2.MAV_CMD_NAV_LOITER_TIME: (0,),
    mav2.MAV_CMD_NAV_TAKEOFF: (),
    mav2.MAV_CMD_NAV_LAND: (),
    mav2.MAV_CMD_CONDITION_YAW: (0, 1, 2, 3),
    mav2.MAV_CMD_DO_CHANGE_SPEED: (0, 1),
    mav2.MAV_CMD_DO_SET_SERVO: (0, 1),
    mav2.MAV_CMD_DO_SET_ROI: (0,),
    mav2.MAV_CMD_DO_DIGICAM_CONTROL: (),
    mav2.MAV_CMD_DO_MOUNT_CONTROL: (0, 1, 2),
    mav2.MAV_CMD_DO_SET_CAM_TRIGG_DIST: (0, 2),
    mav2.MAV_CMD_DO_GRIPPER: (0, 1),
    mav2.MAV_CMD_DO_WINCH: (0, 1, 2, 3),
    mav2.MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW: (0, 1),
    mav2.MAV_CMD_NAV_FENCE_POLYGON_VERTEX_INCLUSION: (0,),
    mav2.MAV_CMD_NAV_FENCE_POLYGON_VERTEX_EXCLUSION: (0,),
    mav2.MAV_CMD_NAV_FENCE_CIRCLE_INCLUSION: (0,),
    mav2.MAV_CMD_NAV_FENCE_CIRCLE_EXCLUSION: (0,),
}
#: Commands whose x/y are raw values, not a position.
_RAW_XY = {mav2.MAV_CMD_DO_DIGICAM_CONTROL, mav2.MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW}


class UploadError(AirworkError, RuntimeError):
    """The autopilot refused an upload, did not answer, or stored something else."""


@dataclass
class UploadReport:
    """What was uploaded and verified.

    Attributes
    ----------
    counts : dict of str to int
        Items uploaded per part (``mission``, ``geofence``, ``rally points``). [-]
    target : (int, int)
        System and component id of the autopilot.
    notes : list of str
    """

    counts: dict[str, int] = field(default_factory=dict)
    target: tuple[int, int] = (1, 1)
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"{part}: {n} items uploaded and read back" for part, n in self.counts.items()]
        return out + self.notes


def _item(
    seq: int, command: int, frame: int, params, lat: float, lon: float, alt: float
) -> MissionItem:
    return MissionItem(
        seq=seq,
        frame=frame,
        command=command,
        params=tuple(float(p) for p in params),
        lat_deg=float(lat),
        lon_deg=float(lon),
        alt_m=float(alt),
    )


def fence_items(mf: MissionFile) -> list[MissionItem]:
    """The file's geofence as MAVLink fence items (polygons, then circles)."""
    out: list[MissionItem] = []
    for vertices, inclusion in mf.geofence_polygons:
        cmd = (
            mav2.MAV_CMD_NAV_FENCE_POLYGON_VERTEX_INCLUSION
            if inclusion
            else mav2.MAV_CMD_NAV_FENCE_POLYGON_VERTEX_EXCLUSION
        )
        for lat, lon in vertices:
            out.append(_item(len(out), cmd, 0, (len(vertices), 0, 0, 0), lat, lon, 0.0))
    for (lat, lon), radius, inclusion in mf.geofence_circles:
        cmd = (
            mav2.MAV_CMD_NAV_FENCE_CIRCLE_INCLUSION
            if inclusion
            else mav2.MAV_CMD_NAV_FENCE_CIRCLE_EXCLUSION
        )
        out.append(_item(len(out), cmd, 0, (radius, 0, 0, 0), lat, lon, 0.0))
    return out


def rally_items(mf: MissionFile) -> list[MissionItem]:
    """The file's rally points as ``NAV_RALLY_POINT`` items (altitude above home, frame 3)."""
    return [
        _item(i, mav2.MAV_CMD_NAV_RALLY_POINT, 3, (0, 0, 0, 0), lat, lon, alt)
        for i, (lat, lon, alt) in enumerate(mf.rally_points)
    ]


def _has_position(item: MissionItem) -> bool:
    return item.frame in _LOCATION_FRAMES and item.command not in _RAW_XY


def encode_xy(item: MissionItem) -> tuple[int, int]:
    """x, y of ``MISSION_ITEM_INT``: degrees × 1e7 for a position, else the raw values."""
    if _has_position(item):
        return round(item.lat_deg * 1e7), round(item.lon_deg * 1e7)
    return round(item.lat_deg), round(item.lon_deg)


def decode_item(msg: Any) -> MissionItem:
    """A ``MISSION_ITEM_INT`` message as a MissionItem."""
    frame, command = int(msg.frame), int(msg.command)
    probe = MissionItem(0, frame, command, (0.0, 0.0, 0.0, 0.0), 0.0, 0.0, 0.0)
    scale = 1e-7 if _has_position(probe) else 1.0
    return MissionItem(
        seq=int(msg.seq),
        frame=frame,
        command=command,
        params=(float(msg.param1), float(msg.param2), float(msg.param3), float(msg.param4)),
        lat_deg=msg.x * scale,
        lon_deg=msg.y * scale,
        alt_m=float(msg.z),
        autocontinue=bool(msg.autocontinue),
        current=bool(msg.current),
    )


def _result_name(result: int) -> str:
    entry = mav2.enums["MAV_MISSION_RESULT"].get(result)
    return entry.name if entry is not None else f"MAV_MISSION_RESULT {result}"


def _result_text(result: int) -> str:
    entry = mav2.enums["MAV_MISSION_RESULT"].get(result)
    return entry.description.rstrip(".") if entry is not None else "unknown result"


class MissionLink:
    """A MAVLink 2 link to one autopilot over a pymavlink connection.

    Parameters
    ----------
    connect : str
        pymavlink connection string (module docstring).
    baud : int
        Serial baud rate. [bit/s]
    timeout_s : float
        Wait for each answer (and for the first heartbeat, 3 times that). [s]
    retries : int
        Times an unanswered request is sent again.
    """

    def __init__(
        self, connect: str, *, baud: int = 115200, timeout_s: float = 3.0, retries: int = 3
    ):
        self.timeout_s = float(timeout_s)
        self.retries = int(retries)
        try:
            self.conn = mavutil.mavlink_connection(
                connect, baud=baud, source_system=255, source_component=190, autoreconnect=False
            )
        except Exception as exc:  # pymavlink raises plain OSError/Exception subclasses
            raise UploadError(f"cannot open the link {connect!r}: {exc}") from None
        self.mav = mav2.MAVLink(self.conn, srcSystem=255, srcComponent=190)
        self.mav.robust_parsing = True
        self.target = (1, 1)
        self.status: list[str] = []
        self._queue: list[Any] = []

    def close(self) -> None:
        with contextlib.suppress(Exception):  # closing a broken link
            self.conn.close()

    def __enter__(self) -> MissionLink:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def send(self, msg: Any) -> None:
        self.conn.write(msg.pack(self.mav))

    def recv(self, types: set[str], timeout_s: float | None = None) -> Any | None:
        """The next message of one of ``types`` from the target, or None after the timeout;
        status texts are kept in :attr:`status`."""
        end = time.monotonic() + (self.timeout_s if timeout_s is None else timeout_s)
        while True:
            while self._queue:
                msg = self._queue.pop(0)
                name = msg.get_type()
                if name == "STATUSTEXT":
                    text = msg.text
                    self.status.append(text.decode() if isinstance(text, bytes) else str(text))
                if name in types:
                    return msg
            if time.monotonic() > end:
                return None
            data = self.conn.recv(4096)
            if not data:
                self._wait(end)
                continue
            msgs = self.mav.parse_buffer(bytearray(data)) or []
            self._queue += [m for m in msgs if m.get_type() != "BAD_DATA"]

    def _wait(self, end: float) -> None:
        """Sleep until the link has data (or a little while, or until ``end``)."""
        fd = getattr(self.conn, "fd", None)
        pause = max(0.0, min(0.05, end - time.monotonic()))
        if isinstance(fd, int) and fd >= 0:
            with contextlib.suppress(OSError, ValueError):
                select.select([fd], [], [], pause)
                return
        time.sleep(min(pause, 0.002))

    def wait_heartbeat(self) -> tuple[int, int]:
        """Wait for the autopilot's heartbeat; returns its (system, component)."""
        deadline = self.timeout_s * 3
        hb = self.recv({"HEARTBEAT"}, deadline)
        while hb is not None and hb.type == mav2.MAV_TYPE_GCS:  # another ground station
            hb = self.recv({"HEARTBEAT"}, deadline)
        if hb is None:
            raise UploadError(f"no heartbeat from an autopilot within {deadline:g} s")
        self.target = (hb.get_srcSystem(), hb.get_srcComponent())
        return self.target

    def _exchange(self, send: Callable[[], None], types: set[str], what: str) -> Any:
        for _ in range(self.retries + 1):
            send()
            msg = self.recv(types)
            if msg is not None:
                return msg
        raise UploadError(
            f"no answer from the autopilot to {what} after {self.retries + 1} tries of "
            f"{self.timeout_s:g} s"
        )

    def _refusal(self, part: str, result: int, item: MissionItem | None) -> UploadError:
        where = f" at item {item.seq} ({command_name(item.command)})" if item is not None else ""
        why = self.status[-1] if self.status else _result_text(result)
        return UploadError(f"autopilot refused the {part}{where}: {_result_name(result)} ({why})")

    def upload(self, mission_type: int, items: list[MissionItem]) -> None:
        """Upload ``items`` as ``mission_type``; raises :class:`UploadError` on refusal."""
        part = _PART[mission_type]
        sys_id, comp = self.target
        self.status.clear()
        count = mav2.MAVLink_mission_count_message(sys_id, comp, len(items), mission_type)
        msg = self._exchange(
            lambda: self.send(count),
            {"MISSION_REQUEST_INT", "MISSION_REQUEST", "MISSION_ACK"},
            f"MISSION_COUNT for the {part}",
        )
        last: MissionItem | None = None
        while True:
            if msg.get_type() == "MISSION_ACK":
                if msg.mission_type != mission_type:  # a late answer to something else
                    msg = self.recv({"MISSION_REQUEST_INT", "MISSION_REQUEST", "MISSION_ACK"})
                    if msg is None:
                        raise UploadError(f"no answer from the autopilot during the {part}")
                    continue
                if msg.type != mav2.MAV_MISSION_ACCEPTED:
                    raise self._refusal(part, msg.type, last)
                if last is None and items:
                    raise UploadError(f"autopilot acknowledged the {part} before any item")
                return
            seq = int(msg.seq)
            if not 0 <= seq < len(items):
                raise UploadError(f"autopilot asked for {part} item {seq} of {len(items)}")
            last = items[seq]
            x, y = encode_xy(last)
            packet = mav2.MAVLink_mission_item_int_message(
                sys_id,
                comp,
                seq,
                last.frame,
                last.command,
                1 if (seq == 0 and mission_type == MISSION) else 0,
                int(last.autocontinue),
                *last.params,
                x,
                y,
                last.alt_m,
                mission_type,
            )
            msg = self._exchange(
                lambda p=packet: self.send(p),
                {"MISSION_REQUEST_INT", "MISSION_REQUEST", "MISSION_ACK"},
                f"{part} item {seq}",
            )

    def download(self, mission_type: int) -> list[MissionItem]:
        """Read the stored ``mission_type`` items back."""
        part = _PART[mission_type]
        sys_id, comp = self.target
        req = mav2.MAVLink_mission_request_list_message(sys_id, comp, mission_type)
        msg = self._exchange(lambda: self.send(req), {"MISSION_COUNT"}, f"reading the {part}")
        out: list[MissionItem] = []
        for seq in range(int(msg.count)):
            ask = mav2.MAVLink_mission_request_int_message(sys_id, comp, seq, mission_type)
            item = self._exchange(
                lambda a=ask: self.send(a), {"MISSION_ITEM_INT"}, f"reading {part} item {seq}"
            )
            out.append(decode_item(item))
        ack = mav2.MAVLink_mission_ack_message(
            sys_id, comp, mav2.MAV_MISSION_ACCEPTED, mission_type
        )
        self.send(ack)
        return out


def _close(a: float, b: float, tol: float) -> bool:
    if math.isnan(a) and math.isnan(b):
        return True
    return abs(a - b) <= tol


def compare_items(sent: list[MissionItem], read: list[MissionItem], part: str) -> list[str]:
    """Differences between sent and read-back items, one line each (module docstring)."""
    if len(sent) != len(read):
        return [f"{part}: {len(sent)} items sent, {len(read)} read back"]
    out = []
    for a, b in zip(sent, read, strict=True):
        if part == "mission" and a.seq == 0:
            continue  # the home, overwritten by the autopilot
        where = f"{part} item {a.seq} ({command_name(a.command)})"
        if a.command != b.command:
            out.append(f"{where}: read back as {command_name(b.command)}")
            continue
        if _has_position(a):
            if not (_close(a.lat_deg, b.lat_deg, 1.5e-7) and _close(a.lon_deg, b.lon_deg, 1.5e-7)):
                out.append(
                    f"{where}: position ({a.lat_deg:.7f}, {a.lon_deg:.7f}) read back as "
                    f"({b.lat_deg:.7f}, {b.lon_deg:.7f})"
                )
            if not _close(a.alt_m, b.alt_m, 0.011):
                out.append(f"{where}: altitude {a.alt_m:.2f} m read back as {b.alt_m:.2f} m")
        for k in _KEPT_PARAMS.get(a.command, (0, 1, 2, 3)):
            if not _close(a.params[k], b.params[k], 0.5 if a.command in _RAW_XY else 1e-3):
                out.append(f"{where}: param{k + 1} {a.params[k]:g} read back as {b.params[k]:g}")
    return out


def upload_mission_file(link: MissionLink, mf: MissionFile, *, verify: bool = True) -> UploadReport:
    """Upload a mission file's mission, geofence and rally points, read each back and
    compare.

    Raises
    ------
    UploadError
        A refusal (one line with the autopilot's reason), no answer, or a read-back that
        differs (the first differences).
    """
    target = link.wait_heartbeat()
    report = UploadReport(target=target)
    mission = list(mf.items)
    if mf.home is None:
        # ArduPilot needs item 0; a file without a home gets one at the first position
        first = next((it for it in mission if _has_position(it)), None)
        lat, lon = (first.lat_deg, first.lon_deg) if first is not None else (0.0, 0.0)
        home = _item(0, mav2.MAV_CMD_NAV_WAYPOINT, 0, (0, 0, 0, 0), lat, lon, 0.0)
        mission = [home] + [replace(it, seq=i + 1) for i, it in enumerate(mission)]
        report.notes.append("the file has no home item: one was added at the first position")
    parts = [(MISSION, mission), (FENCE, fence_items(mf)), (RALLY, rally_items(mf))]
    for mission_type, items in parts:
        if mission_type != MISSION and not items:
            continue
        link.upload(mission_type, items)
        part = _PART[mission_type]
        if verify:
            diff = compare_items(items, link.download(mission_type), part)
            if diff:
                more = f" (and {len(diff) - 3} more)" if len(diff) > 3 else ""
                raise UploadError(
                    f"the autopilot stored a different {part}: {'; '.join(diff[:3])}{more}"
                )
        report.counts[part] = len(items)
    return report
