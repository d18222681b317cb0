"""Synthetic airspace test data, shared by the airspace and CLI check tests: a DEM (hill,
valley, cliff) as a GeoTIFF, missions along lines, GeoJSON files."""

from __future__ import annotations

from pathlib import Path

import numpy as np

#: UTM 31N, about lon 3.0°, lat 45.0°: the DEM covers X0..X0+SIZE, Y0..Y0+SIZE.
EPSG = 32631
X0, Y0 = 500_000.0, 4_983_000.0
CELL_M = 5.0
SIZE_PX = 400  # 2 km
BASE_M = 200.0


def synthetic_heights(x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Ground elevation AMSL of the synthetic terrain at UTM (x, y). [m]

    A 60 m Gaussian hill centred at (+600, +1000), a 25 m deep valley along x = +1300
    and a 30 m cliff (a 10 m wide ramp) at y = +1500, on a 200 m plain.
    """
    u, v = x - X0, y - Y0
    hill = 60.0 * np.exp(-((u - 600.0) ** 2 + (v - 1000.0) ** 2) / (2 * 150.0**2))
    valley = -25.0 * np.exp(-((u - 1300.0) ** 2) / (2 * 60.0**2))
    cliff = 30.0 * np.clip((v - 1500.0) / 10.0, 0.0, 1.0)
    return BASE_M + hill + valley + cliff


def write_dem(
    path: Path,
    *,
    crs: int | None = EPSG,
    nodata_box: tuple[int, int, int, int] | None = None,
) -> Path:
    """Write the synthetic DEM (pixel-centre values of :func:`synthetic_heights`)."""
    import rasterio
    from rasterio.transform import from_origin

    cols = np.arange(SIZE_PX)
    rows = np.arange(SIZE_PX)
    xc = X0 + (cols + 0.5) * CELL_M
    yc = Y0 + SIZE_PX * CELL_M - (rows + 0.5) * CELL_M
    xx, yy = np.meshgrid(xc, yc)
    z = synthetic_heights(xx, yy).astype(np.float32)
    nodata = -9999.0
    if nodata_box is not None:
        r0, r1, c0, c1 = nodata_box
        z[r0:r1, c0:c1] = nodata
    profile = {
        "driver": "GTiff",
        "width": SIZE_PX,
        "height": SIZE_PX,
        "count": 1,
        "dtype": "float32",
        "transform": from_origin(X0, Y0 + SIZE_PX * CELL_M, CELL_M, CELL_M),
        "nodata": nodata,
    }
    if crs is not None:
        profile["crs"] = f"EPSG:{crs}"
    with rasterio.open(path, "w", **profile) as ds:
        ds.write(z, 1)
    return path


def line_mission(
    frame,
    xy_m,
    alt_m: float = 30.0,
    *,
    aircraft: str = "mapper-quad",
    speed_mps: float = 8.0,
    payload_kg: float = 0.0,
    altitude_ref=None,
    home_amsl_m: float = 0.0,
    name: str = "test",
):
    """A one-sortie mission: take off at the first point, fly the polyline, land at the last."""
    from airwork.aircraft import load_aircraft
    from airwork.mission.build import SortieBuilder
    from airwork.mission.model import AltitudeRef, LegKind, Mission

    craft = load_aircraft(aircraft)
    xy = np.asarray(xy_m, dtype=float)
    b = SortieBuilder(craft, (xy[0, 0], xy[0, 1]), alt_m, payload_kg)
    for x, y in xy[1:]:
        b.goto(x, y, alt_m, kind=LegKind.TRANSIT, speed_mps=speed_mps)
    b.land(xy[-1, 0], xy[-1, 1])
    sortie = b.build(1)
    return Mission(
        name=name,
        frame=frame,
        altitude_ref=altitude_ref or AltitudeRef.TAKEOFF,
        sorties=(sortie,),
        aircraft_name=craft.name,
        usable_energy_wh=craft.usable_energy_wh,
        reserve_frac=craft.reserve_frac,
        stations=((xy[0, 0], xy[0, 1]),),
        home_amsl_m=home_amsl_m,
    )


def write_geojson(path: Path, frame, features) -> Path:
    """Write (local shapely geometry, properties) pairs as a WGS84 GeoJSON file."""
    import json

    from shapely.geometry import mapping

    out = []
    for geom, props in features:
        ll = frame.geometry_to_lonlat(geom)
        out.append({"type": "Feature", "geometry": mapping(ll), "properties": props})
    path.write_text(json.dumps({"type": "FeatureCollection", "features": out}))
    return path
