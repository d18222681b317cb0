"""Geodata in and out: file readers, CRS handling, the local metric frame, path-finding."""

from airwork.geo.frame import LocalFrame, utm_crs_for
from airwork.geo.read import SUPPORTED_SUFFIXES, SourceFeature, parse_wkt_text, read_features

__all__ = [
    "SUPPORTED_SUFFIXES",
    "LocalFrame",
    "SourceFeature",
    "parse_wkt_text",
    "read_features",
    "utm_crs_for",
]
