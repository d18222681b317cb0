"""Flight-log readers: ArduPilot DataFlash (``.bin``), MAVLink telemetry (``.tlog``) and PX4
ULog (``.ulg``), each optionally ``.xz``-compressed, into one :class:`FlightLog` of
battery and motion samples (used by ``airwork aircraft calibrate``)."""

from airwork.flightlog.readers import FlightLog, read_log

__all__ = ["FlightLog", "read_log"]
