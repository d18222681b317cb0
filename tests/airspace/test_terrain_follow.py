"""Terrain following over a synthetic hill, valley and cliff, checked every metre against an
independent bilinear interpolation of the DEM (scipy), not the module's own sampler."""

from __future__ import annotations

import math

import numpy as np
import pytest
import rasterio
from airspace_data import CELL_M, X0, Y0
from scipy.interpolate import RegularGridInterpolator

from airwork.aircraft import load_aircraft
from airwork.airspace.check import CheckConfig, preflight
from airwork.airspace.terrain_follow import follow_terrain, terrain_follow_mission
from airwork.errors import GeometryError
from airwork.mission.model import AltitudeRef, LegKind
from airwork.site.terrain import read_dem


@pytest.fixture(scope="module")
def ground(dem_path):
    """Independent bilinear ground model between pixel centres (edge values held)."""
    with rasterio.open(dem_path) as ds:
        z = ds.read(1).astype(float)
        t = ds.transform
    rows, cols = z.shape
    xc = t.c + (np.arange(cols) + 0.5) * t.a
    yc = t.f + (np.arange(rows) + 0.5) * t.e  # descending
    f = RegularGridInterpolator((yc[::-1], xc), z[::-1], method="linear")

    def at(x, y):
        xx = np.clip(x, xc[0], xc[-1])
        yy = np.clip(y, yc[-1], yc[0])
        return f(np.column_stack([yy, xx]))

    return at


def _every_metre(xy, alt):
    """Points every 1 m (offset half a metre from the vertices) along a 3-D polyline."""
    out_xy, out_z = [], []
    for i in range(len(xy) - 1):
        d = math.hypot(*(xy[i + 1] - xy[i]))
        if d == 0:
            continue
        t = np.append(np.arange(0.5, d, 1.0) / d, 1.0)
        out_xy.append(xy[i] + t[:, None] * (xy[i + 1] - xy[i]))
        out_z.append(alt[i] + t * (alt[i + 1] - alt[i]))
    return np.vstack(out_xy), np.concatenate(out_z)


# across the hill (x 100 -> 1900 at y 1000, through the valley at x 1300), then north over
# the cliff at y 1500, then back south-west
PATH = np.array(
    [
        [X0 + 100.0, Y0 + 1000.0],
        [X0 + 1900.0, Y0 + 1000.0],
        [X0 + 1900.0, Y0 + 1900.0],
        [X0 + 300.0, Y0 + 1300.0],
    ]
)


@pytest.mark.parametrize("tolerance_m", [0.5, 1.0, 3.0])
def test_stays_within_tolerance_everywhere(dem_path, frame, ground, tolerance_m):
    terrain = read_dem(dem_path, frame)
    res = follow_terrain(PATH, terrain, 15.0, tolerance_m=tolerance_m)
    xy, z = _every_metre(res.xy_m, res.amsl_m)
    agl = z - ground(xy[:, 0], xy[:, 1])
    assert np.max(np.abs(agl - 15.0)) <= tolerance_m + 1e-6
    # fewer waypoints than one per DEM cell crossed
    length = np.sum(np.hypot(*np.diff(PATH, axis=0).T))
    assert len(res.xy_m) < length / CELL_M
    # the original vertices are kept
    assert np.allclose(res.xy_m[res.vertex_index], PATH)


def test_looser_tolerance_needs_fewer_waypoints(dem_path, frame):
    terrain = read_dem(dem_path, frame)
    counts = [len(follow_terrain(PATH, terrain, 15.0, tolerance_m=t).xy_m) for t in (0.5, 1, 3)]
    assert counts[0] > counts[1] > counts[2]


def test_climb_limits_keep_above_and_report_excess(dem_path, frame, ground):
    terrain = read_dem(dem_path, frame)
    up, down = 0.3, 0.2
    res = follow_terrain(
        PATH, terrain, 15.0, tolerance_m=1.0, max_climb_grad=up, max_descent_grad=down
    )
    xy, z = _every_metre(res.xy_m, res.amsl_m)
    agl = z - ground(xy[:, 0], xy[:, 1])
    assert np.min(agl) >= 15.0 - 1.0 - 1e-6  # never closer to the ground
    s = np.concatenate([[0], np.cumsum(np.hypot(*np.diff(res.xy_m, axis=0).T))])
    ds = np.diff(s)
    slope = np.diff(res.amsl_m)[ds > 0] / ds[ds > 0]
    assert slope.max() <= up + 1e-9 and slope.min() >= -down - 1e-9
    # the 30 m cliff over 10 m cannot be climbed at 0.3: the aircraft is higher before it
    assert res.over_tolerance_m > 10.0


def test_path_off_terrain_is_an_error(dem_path, frame):
    terrain = read_dem(dem_path, frame)
    with pytest.raises(GeometryError, match="no ground elevation"):
        follow_terrain([[X0 + 100, Y0 + 100], [X0 - 500, Y0 + 100]], terrain, 10.0)


def test_mission_terrain_following_passes_the_dem_check(dem_path, frame):
    """A mission planned over flat ground at 20 m fails over the hill; followed, it is clean
    and within tolerance of 20 m above ground, exported above take-off."""
    from airspace_data import line_mission

    a = (X0 + 100.0, Y0 + 900.0)
    pts = [a, (X0 + 1100.0, Y0 + 900.0), (X0 + 1100.0, Y0 + 1100.0), (X0 + 100.0, Y0 + 1100.0)]
    m = line_mission(frame, pts, 20.0, speed_mps=6.0)
    terrain = read_dem(dem_path, frame)
    cfg = CheckConfig(terrain=terrain, min_agl_m=10.0)
    assert "relative_altitude_terrain" in {v.kind for v in preflight(m, cfg).violations}
    craft = load_aircraft("mapper-quad")
    followed, info = terrain_follow_mission(m, terrain, craft, tolerance_m=1.0)
    assert followed.altitude_ref == AltitudeRef.TAKEOFF
    report = preflight(followed, cfg)
    assert report.ok, report.lines()
    s = followed.sorties[0]
    assert s.legs[0].kind == LegKind.TAKEOFF and s.legs[-1].kind == LegKind.LANDING
    home = terrain.elevation_m(np.array([a[0]]), np.array([a[1]]))[0]
    assert followed.home_amsl_m == pytest.approx(home, abs=0.01)
    wps = s.waypoints[1:-1]
    xy = np.array([(w.x_m, w.y_m) for w in wps])
    alt = np.array([w.alt_m for w in wps]) + home
    pxy, pz = _every_metre(xy, alt)
    agl = pz - terrain.elevation_m(pxy[:, 0], pxy[:, 1])
    assert np.max(np.abs(agl - 20.0)) <= 1.0 + 1e-6
    assert info[0]["waypoints_after"] > info[0]["waypoints_before"]
    # the energy is re-priced: more climbing costs more than the flat plan
    assert s.energy_wh > m.sorties[0].energy_wh
