"""Geodata in and out: readers, CRS handling and the local metric frame."""

from airwork.geo.frame import LocalFrame, utm_crs_for
from airwork.geo.read import (
    KNOWN_ROLES,
    Job,
    JobFeature,
    SourceFeature,
    build_job,
    parse_wkt_text,
    read_features,
    read_job,
)

__all__ = [
    "KNOWN_ROLES",
    "Job",
    "JobFeature",
    "LocalFrame",
    "SourceFeature",
    "build_job",
    "parse_wkt_text",
    "read_features",
    "read_job",
    "utm_crs_for",
]
