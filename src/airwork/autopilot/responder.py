"""A small in-process MAVLink autopilot for tests: the mission protocol only.

:class:`MissionResponder` listens on a local TCP port (``responder.address`` is a
``tcp:127.0.0.1:PORT`` connection string), sends heartbeats, and answers the mission
protocol for mission, fence and rally types as ArduCopter 4.6 does
(``MissionItemProtocol::handle_mission_count`` / ``handle_mission_item``,
``AP_Mission::mavlink_int_to_mission_cmd``, ``AC_PolyFence_loader::write_fence``):

* ``MISSION_COUNT`` over the type's limit: a status text "Only N items are supported" and
  ``MISSION_ACK`` ``MAV_MISSION_NO_SPACE``;
* each item is requested with ``MISSION_REQUEST_INT`` and checked: a command it does not know
  is ``MAV_MISSION_UNSUPPORTED``, NaN in param1..4 (except param4 of a waypoint, land or
  take-off) ``MAV_MISSION_INVALID_PARAMn``, a location command in a frame other than 0/3/10
  (or their ``_INT`` aliases) ``MAV_MISSION_UNSUPPORTED_FRAME``, a fence that needs more
  storage bytes than it has ``MAV_MISSION_NO_SPACE``;
* accepted items are stored as ArduPilot stores them (altitudes to the centimetre, DO items
  in frame 0) and returned on ``MISSION_REQUEST_LIST`` / ``MISSION_REQUEST_INT``.

Set ``silent=True`` for an autopilot that sends heartbeats and never answers.
"""

from __future__ import annotations

import math
import socket
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from pymavlink.dialects.v20 import ardupilotmega as mav2

from airwork.autopilot.items import ARDUPILOT_COPTER_COMMANDS

__all__ = ["MissionResponder"]

_NAN_P4_OK = {mav2.MAV_CMD_NAV_WAYPOINT, mav2.MAV_CMD_NAV_LAND, mav2.MAV_CMD_NAV_TAKEOFF}
_LOCATION_FRAMES = {0, 2, 3, 5, 6, 10, 11}  # AP_Mission also takes MISSION (2)
_FENCE_CMDS = {5000, 5001, 5002, 5003, 5004}
_MISSION_CMDS = ARDUPILOT_COPTER_COMMANDS | {
    mav2.MAV_CMD_NAV_LOITER_TIME,
    mav2.MAV_CMD_NAV_RETURN_TO_LAUNCH,
    mav2.MAV_CMD_DO_JUMP,
    mav2.MAV_CMD_CONDITION_DELAY,
}
_NO_LOCATION = {
    mav2.MAV_CMD_CONDITION_YAW,
    mav2.MAV_CMD_DO_CHANGE_SPEED,
    mav2.MAV_CMD_DO_SET_SERVO,
    mav2.MAV_CMD_DO_DIGICAM_CONTROL,
    mav2.MAV_CMD_DO_MOUNT_CONTROL,
    mav2.MAV_CMD_DO_SET_CAM_TRIGG_DIST,
    mav2.MAV_CMD_DO_GRIPPER,
    mav2.MAV_CMD_DO_WINCH,
    mav2.MAV_CMD_DO_GIMBAL_MANAGER_PITCHYAW,
    mav2.MAV_CMD_DO_JUMP,
    mav2.MAV_CMD_CONDITION_DELAY,
    mav2.MAV_CMD_NAV_RETURN_TO_LAUNCH,
}


@dataclass
class _Upload:
    mission_type: int
    count: int
    items: list[Any] = field(default_factory=list)


class MissionResponder:
    """An autopilot answering the MAVLink mission protocol on ``127.0.0.1``.

    Parameters
    ----------
    max_items : dict of int to int
        Items per mission type (0 mission incl. home, 1 fence, 2 rally); default
        ArduCopter 4.6 without SD storage: 650, 70, 46.
    fence_storage_bytes : int or None
        Fence storage (ArduPilot's byte count); None: no byte limit. [bytes]
    silent : bool
        Never answer (heartbeats only).
    """

    def __init__(
        self,
        max_items: dict[int, int] | None = None,
        *,
        fence_storage_bytes: int | None = 560,
        silent: bool = False,
    ):
        self.max_items = {0: 650, 1: 70, 2: 46, **(max_items or {})}
        self.fence_storage_bytes = fence_storage_bytes
        self.silent = silent
        self.stored: dict[int, list[Any]] = {0: [], 1: [], 2: []}
        self.received: list[str] = []
        self._server = socket.create_server(("127.0.0.1", 0))
        self._server.settimeout(0.2)
        self.port = self._server.getsockname()[1]
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._mav = mav2.MAVLink(None, srcSystem=1, srcComponent=1)
        self._mav.robust_parsing = True
        self._sock: socket.socket | None = None
        self._upload: _Upload | None = None

    @property
    def address(self) -> str:
        """pymavlink connection string of the responder."""
        return f"tcp:127.0.0.1:{self.port}"

    def __enter__(self) -> MissionResponder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)
        self._server.close()

    # ------------------------------------------------------------------ transport
    def _send(self, msg: Any) -> None:
        if self._sock is not None:
            self._sock.sendall(msg.pack(self._mav))

    def _run(self) -> None:
        while not self._stop.is_set() and self._sock is None:
            try:
                self._sock, _ = self._server.accept()
            except TimeoutError:
                continue
        if self._sock is None:
            return
        self._sock.settimeout(0.05)
        beat = 0.0
        with self._sock:
            while not self._stop.is_set():
                if time.monotonic() - beat > 0.2:
                    beat = time.monotonic()
                    self._send(
                        mav2.MAVLink_heartbeat_message(
                            mav2.MAV_TYPE_QUADROTOR, mav2.MAV_AUTOPILOT_ARDUPILOTMEGA, 0, 0, 0, 3
                        )
                    )
                try:
                    data = self._sock.recv(4096)
                except TimeoutError:
                    continue
                except OSError:
                    return
                if not data:
                    return
                for msg in self._mav.parse_buffer(bytearray(data)) or []:
                    self.received.append(msg.get_type())
                    if not self.silent:
                        self._handle(msg)

    # ------------------------------------------------------------------ protocol
    def _ack(self, mission_type: int, result: int) -> None:
        self._send(mav2.MAVLink_mission_ack_message(255, 190, result, mission_type))

    def _text(self, text: str) -> None:
        self._send(mav2.MAVLink_statustext_message(mav2.MAV_SEVERITY_WARNING, text.encode()))

    def _request(self, mission_type: int, seq: int) -> None:
        self._send(mav2.MAVLink_mission_request_int_message(255, 190, seq, mission_type))

    def _handle(self, msg: Any) -> None:
        kind = msg.get_type()
        if kind == "MISSION_COUNT":
            mt = int(msg.mission_type)
            if msg.count > self.max_items.get(mt, 0):
                self._text(f"Only {self.max_items.get(mt, 0)} items are supported")
                self._ack(mt, mav2.MAV_MISSION_NO_SPACE)
                return
            self._upload = _Upload(mt, int(msg.count))
            if msg.count == 0:
                self.stored[mt] = []
                self._ack(mt, mav2.MAV_MISSION_ACCEPTED)
            else:
                self._request(mt, 0)
        elif kind == "MISSION_ITEM_INT":
            self._item(msg)
        elif kind == "MISSION_REQUEST_LIST":
            mt = int(msg.mission_type)
            self._send(mav2.MAVLink_mission_count_message(255, 190, len(self.stored[mt]), mt))
        elif kind in ("MISSION_REQUEST_INT", "MISSION_REQUEST"):
            mt, seq = int(msg.mission_type), int(msg.seq)
            if 0 <= seq < len(self.stored[mt]):
                self._send(self.stored[mt][seq])
            else:
                self._ack(mt, mav2.MAV_MISSION_INVALID_SEQUENCE)

    def _check(self, mt: int, m: Any) -> int:
        known = _FENCE_CMDS if mt == 1 else {5100} if mt == 2 else _MISSION_CMDS
        if m.command not in known:
            return mav2.MAV_MISSION_UNSUPPORTED
        params = (m.param1, m.param2, m.param3, m.param4)
        for k, p in enumerate(params):
            nan_ok = k == 3 and m.command in _NAN_P4_OK
            if math.isinf(p) or (math.isnan(p) and not nan_ok):
                return mav2.MAV_MISSION_INVALID_PARAM1 + k
        if mt == 0 and m.command not in _NO_LOCATION and m.frame not in _LOCATION_FRAMES:
            return mav2.MAV_MISSION_UNSUPPORTED_FRAME
        return mav2.MAV_MISSION_ACCEPTED

    def _fence_bytes(self, items: list[Any]) -> int:
        size, i = 4, 0
        while i < len(items):
            m = items[i]
            if m.command in (5001, 5002):
                n = max(int(m.param1), 1)
                size += 2 + 8 * n
                i += n
                continue
            size += 13 if m.command in (5003, 5004) else 9
            i += 1
        return size

    def _item(self, m: Any) -> None:
        up = self._upload
        mt = int(m.mission_type)
        if up is None or up.mission_type != mt or int(m.seq) != len(up.items):
            self._ack(mt, mav2.MAV_MISSION_INVALID_SEQUENCE)
            return
        result = self._check(mt, m)
        if result != mav2.MAV_MISSION_ACCEPTED:
            self._upload = None
            self._ack(mt, result)
            return
        frame = 0 if (mt == 0 and m.command in _NO_LOCATION) else m.frame
        up.items.append(
            mav2.MAVLink_mission_item_int_message(
                255,
                190,
                m.seq,
                frame,
                m.command,
                0,
                m.autocontinue,
                m.param1,
                m.param2,
                m.param3,
                m.param4,
                m.x,
                m.y,
                round(m.z * 100.0) / 100.0,
                mt,
            )
        )
        if len(up.items) < up.count:
            self._request(mt, len(up.items))
            return
        self._upload = None
        cap = self.fence_storage_bytes
        if mt == 1 and cap is not None and self._fence_bytes(up.items) > cap:
            self._text("Fence exceeds storage size")
            self._ack(mt, mav2.MAV_MISSION_NO_SPACE)
            return
        self.stored[mt] = up.items
        self._ack(mt, mav2.MAV_MISSION_ACCEPTED)
