"""Fixtures of the airspace tests (the data itself is in airspace_data.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from airspace_data import EPSG, write_dem


@pytest.fixture(scope="session")
def dem_path(tmp_path_factory) -> Path:
    return write_dem(tmp_path_factory.mktemp("dem") / "terrain.tif")


@pytest.fixture(scope="session")
def frame():
    from pyproj import CRS

    from airwork.geo.frame import LocalFrame

    return LocalFrame(CRS.from_epsg(EPSG))
