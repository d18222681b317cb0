"""Geodata in and out: readers, CRS handling and the local metric frame."""

from airwork.geo.frame import LocalFrame, utm_crs_for

__all__ = ["LocalFrame", "utm_crs_for"]
