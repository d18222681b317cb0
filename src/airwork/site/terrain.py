"""Ground elevation: a digital elevation model (GeoTIFF) or flat ground.

Both kinds answer :meth:`elevation_m` for arrays of local-frame points with the ground
elevation above mean sea level [m], NaN where it is unknown (outside the DEM or on a nodata
cell); the checker turns NaN into an error that names the place.

A DEM is read with rasterio (any CRS, band 1, values in metres), only the window around the
points that will be asked when ``bounds_m`` is given; sampling is bilinear between pixel
centres, vectorised with numpy (rasterio is used for reading only).  Between the outermost
pixel centres and the raster edge the edge value is held.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from pyproj import CRS, Transformer

from airwork.errors import CRSError, InputFileError
from airwork.geo.frame import LocalFrame

__all__ = ["DemTerrain", "FlatTerrain", "Terrain", "ground_under_pieces", "read_dem"]


class Terrain(Protocol):
    """Ground elevation in a local frame."""

    is_flat: bool
    description: str

    def elevation_m(self, x_m, y_m) -> np.ndarray:
        """Ground elevation above mean sea level at local points; NaN where unknown. [m]"""
        ...

    def covers(self, x_m, y_m) -> np.ndarray:
        """Whether each point lies inside the terrain's extent."""
        ...


@dataclass(frozen=True)
class FlatTerrain:
    """Flat ground at one elevation above mean sea level. [m]"""

    elevation_amsl_m: float = 0.0
    is_flat: bool = True

    @property
    def description(self) -> str:
        return f"flat ground at {self.elevation_amsl_m:g} m AMSL"

    def elevation_m(self, x_m, y_m) -> np.ndarray:
        x = np.asarray(x_m, dtype=float)
        return np.full(np.broadcast(x, np.asarray(y_m)).shape, float(self.elevation_amsl_m))

    def covers(self, x_m, y_m) -> np.ndarray:
        return np.ones(np.broadcast(np.asarray(x_m), np.asarray(y_m)).shape, dtype=bool)


class DemTerrain:
    """A raster DEM sampled bilinearly at local-frame points.

    Parameters
    ----------
    heights : (rows, cols) array
        Elevations above mean sea level, NaN for nodata. [m]
    transform : affine.Affine
        Pixel (col, row) -> DEM CRS (x, y) of the pixel's top-left corner.
    crs : pyproj.CRS
        CRS of the DEM.
    frame : LocalFrame
        Frame of the points that will be asked.
    full_shape : (rows, cols)
        Shape of the whole raster (the array may be a window of it).
    description : str
    """

    is_flat = False

    def __init__(self, heights, transform, crs: CRS, frame: LocalFrame, description: str = "DEM"):
        self.heights = np.asarray(heights, dtype=np.float64)
        self.transform = transform
        self.inverse = ~transform
        self.crs = CRS.from_user_input(crs)
        self.frame = frame
        self.description = description
        self._to_dem = None
        if not self.crs.equals(frame.crs):
            self._to_dem = Transformer.from_crs(frame.crs, self.crs, always_xy=True)

    @property
    def cell_size_m(self) -> float:
        """Approximate pixel size in the local frame (the larger side). [m]"""
        a = self.transform
        size = max(math.hypot(a.a, a.d), math.hypot(a.b, a.e))
        if self.crs.is_geographic:
            size *= 111_320.0
        return float(size)

    def _pixel(self, x_m, y_m) -> tuple[np.ndarray, np.ndarray]:
        x = np.asarray(x_m, dtype=float)
        y = np.asarray(y_m, dtype=float)
        if self._to_dem is not None:
            x, y = self._to_dem.transform(x, y)
            x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        inv = self.inverse
        col = inv.a * x + inv.b * y + inv.c
        row = inv.d * x + inv.e * y + inv.f
        return col, row

    def covers(self, x_m, y_m) -> np.ndarray:
        col, row = self._pixel(x_m, y_m)
        rows, cols = self.heights.shape
        return (col >= 0) & (col <= cols) & (row >= 0) & (row <= rows)

    def elevation_m(self, x_m, y_m) -> np.ndarray:
        col, row = self._pixel(x_m, y_m)
        rows, cols = self.heights.shape
        inside = (col >= 0) & (col <= cols) & (row >= 0) & (row <= rows)
        # continuous index of pixel centres, edge values held to the raster edge
        fc = np.clip(col - 0.5, 0.0, cols - 1.0)
        fr = np.clip(row - 0.5, 0.0, rows - 1.0)
        fc = np.where(np.isfinite(fc), fc, 0.0)
        fr = np.where(np.isfinite(fr), fr, 0.0)
        c0 = np.minimum(np.floor(fc).astype(np.intp), max(cols - 2, 0))
        r0 = np.minimum(np.floor(fr).astype(np.intp), max(rows - 2, 0))
        c1 = np.minimum(c0 + 1, cols - 1)
        r1 = np.minimum(r0 + 1, rows - 1)
        tc = fc - c0
        tr = fr - r0
        h = self.heights
        z00, z01, z10, z11 = h[r0, c0], h[r0, c1], h[r1, c0], h[r1, c1]
        top = z00 + (z01 - z00) * tc
        bottom = z10 + (z11 - z10) * tc
        z = top + (bottom - top) * tr
        return np.where(inside, z, np.nan)


def read_dem(
    path: str | Path,
    frame: LocalFrame,
    *,
    bounds_m: tuple[float, float, float, float] | None = None,
    pad_px: int = 2,
) -> DemTerrain:
    """Read a GeoTIFF (or any GDAL raster) DEM for sampling in ``frame``.

    Parameters
    ----------
    path : str or Path
    frame : LocalFrame
        Frame of the points that will be sampled.
    bounds_m : (xmin, ymin, xmax, ymax) or None
        Local-frame box of every point that will be asked; only the raster window covering
        it (plus ``pad_px`` pixels) is read.  None reads the whole raster.
    pad_px : int

    Returns
    -------
    DemTerrain

    Raises
    ------
    InputFileError
        Missing or unreadable file.
    CRSError
        The raster declares no CRS.
    """
    import rasterio
    from rasterio.windows import Window, from_bounds

    path = Path(path)
    if not path.is_file():
        raise InputFileError(f"{path}: DEM file not found")
    try:
        ds = rasterio.open(path)
    except rasterio.errors.RasterioIOError as exc:
        raise InputFileError(f"{path}: cannot read the DEM ({exc})") from None
    with ds:
        if ds.crs is None:
            raise CRSError(
                f"{path}: the DEM has no CRS; georeference it (e.g. gdal_edit.py -a_srs "
                "EPSG:xxxx) so its coordinates can be placed"
            )
        try:
            crs = CRS.from_user_input(ds.crs.to_wkt())
        except Exception as exc:  # pyproj raises its own CRSError
            raise CRSError(f"{path}: the DEM's CRS is not understood ({exc})") from None
        window = Window(0, 0, ds.width, ds.height)
        if bounds_m is not None:
            xmin, ymin, xmax, ymax = bounds_m
            gx = np.linspace(xmin, xmax, 9)
            gy = np.linspace(ymin, ymax, 9)
            xx, yy = np.meshgrid(gx, gy)
            if crs.equals(frame.crs):
                dx, dy = xx.ravel(), yy.ravel()
            else:
                t = Transformer.from_crs(frame.crs, crs, always_xy=True)
                dx, dy = t.transform(xx.ravel(), yy.ravel())
            win = from_bounds(
                float(np.min(dx)),
                float(np.min(dy)),
                float(np.max(dx)),
                float(np.max(dy)),
                ds.transform,
            )
            c0 = max((math.floor(min(win.col_off, win.col_off + win.width))) - pad_px, 0)
            r0 = max((math.floor(min(win.row_off, win.row_off + win.height))) - pad_px, 0)
            c1 = min((math.ceil(max(win.col_off, win.col_off + win.width))) + pad_px, ds.width)
            r1 = min((math.ceil(max(win.row_off, win.row_off + win.height))) + pad_px, ds.height)
            # all points off the DEM: keep one pixel, which sampling turns into NaN
            off = not (c1 > c0 and r1 > r0)
            window = Window(0, 0, 1, 1) if off else Window(c0, r0, c1 - c0, r1 - r0)
        try:
            band = ds.read(1, window=window, masked=True)
        except Exception as exc:  # rasterio raises several classes for broken files
            raise InputFileError(f"{path}: cannot read the DEM's pixels ({exc})") from None
        heights = np.ma.filled(band.astype(np.float64), np.nan)
        transform = ds.window_transform(window)
        if bounds_m is not None and window.width == 1 and window.height == 1:
            heights = np.full((1, 1), np.nan)
    return DemTerrain(heights, transform, crs, frame, description=f"DEM {path.name}")


def ground_under_pieces(
    path_m, terrain: Terrain, *, piece_m: float = 100.0, step_m: float = 10.0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A path cut into straight pieces of at most ``piece_m``, and at each vertex the
    highest ground under the pieces meeting there.

    Flying every vertex ``h`` above its value keeps every piece at least ``h`` above all the
    ground under it (sampled every ``step_m``), and at most the ground's rise over two
    pieces more: a staircase-free way to hold a height above sloping ground with few
    waypoints, for planners that need the piece ends (drops, photo strips).  Samples where
    the terrain is unknown are left out, and a vertex with no known sample gets NaN (the
    caller chooses a fallback; the preflight check names such places).

    Parameters
    ----------
    path_m : (n, 2) array
        Vertices in the terrain's local frame. [m]
    terrain : Terrain
    piece_m, step_m : float
        [m]

    Returns
    -------
    (xy, ground, index)
        ``(m, 2)`` vertices, ``(m,)`` ground elevation above mean sea level [m], and the
        position in ``xy`` of each of the path's own vertices.
    """
    path = np.asarray(path_m, dtype=float).reshape(-1, 2)
    if len(path) < 2:
        g = np.asarray(terrain.elevation_m(path[:, 0], path[:, 1]), dtype=float)
        return path, g, np.arange(len(path))
    a, b = path[:-1], path[1:]
    cuts = np.maximum(1, np.ceil(np.hypot(*(b - a).T) / piece_m)).astype(int)
    leg = np.repeat(np.arange(len(a)), cuts)
    t = np.concatenate([np.arange(c) / c for c in cuts])
    xy = np.vstack([a[leg] + t[:, None] * (b - a)[leg], path[-1:]])
    p0, p1 = xy[:-1], xy[1:]
    k = np.maximum(1, np.ceil(np.hypot(*(p1 - p0).T) / step_m)).astype(int)
    piece = np.repeat(np.arange(len(p0)), k + 1)
    u = np.concatenate([np.linspace(0.0, 1.0, c + 1) for c in k])
    s = p0[piece] + u[:, None] * (p1 - p0)[piece]
    g = np.asarray(terrain.elevation_m(s[:, 0], s[:, 1]), dtype=float)
    top = np.full(len(p0), -np.inf)
    np.maximum.at(top, piece, np.where(np.isfinite(g), g, -np.inf))
    vertex = np.maximum(np.r_[top, -np.inf], np.r_[-np.inf, top])
    index = np.r_[0, np.cumsum(cuts)]
    return xy, np.where(np.isfinite(vertex), vertex, np.nan), index
