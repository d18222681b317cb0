"""The region map of a batch: flight hours per km², on a grid of square-ish cells.

Each result partition adds the flight hours of its planned fields to the cell holding the
field's centre (on the cluster, a small array per partition); the sum is drawn with
matplotlib: cells coloured by flight hours per km² of land, empty cells left white.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

__all__ = ["Grid", "draw_region", "flight_hours_grid"]

_KM_PER_DEG = 111.32


@dataclass(frozen=True)
class Grid:
    """Cells of about ``cell_km`` over a lon/lat box."""

    x0: float
    y0: float
    dx: float
    dy: float
    nx: int
    ny: int

    @classmethod
    def over(cls, bounds: Sequence[float], cell_km: float) -> Grid:
        x0, y0, x1, y1 = bounds
        lat = (y0 + y1) / 2
        dy = cell_km / _KM_PER_DEG
        dx = cell_km / (_KM_PER_DEG * max(math.cos(math.radians(lat)), 0.01))
        nx = max(1, math.ceil((x1 - x0) / dx))
        ny = max(1, math.ceil((y1 - y0) / dy))
        if nx * ny > 4_000_000:  # keep the picture drawable: coarser cells
            k = math.sqrt(nx * ny / 4_000_000)
            return cls.over(bounds, cell_km * k)
        return cls(x0, y0, dx, dy, nx, ny)

    def cell_km2(self) -> np.ndarray:
        """Area of each row's cells (rows from south to north). [km²]"""
        lat = self.y0 + (np.arange(self.ny) + 0.5) * self.dy
        return (self.dx * _KM_PER_DEG * np.cos(np.radians(lat))) * (self.dy * _KM_PER_DEG)


def partition_grid(path: str, grid: Grid) -> np.ndarray:
    """Flight hours of one result file's planned fields, by cell (ny, nx)."""
    import geopandas
    import shapely

    frame = geopandas.read_parquet(path, columns=["status", "flight_time_h", "geometry"])
    ok = (frame["status"] == "ok").to_numpy()
    out = np.zeros((grid.ny, grid.nx))
    if not ok.any():
        return out
    b = shapely.bounds(frame.geometry.to_numpy()[ok])
    x = (b[:, 0] + b[:, 2]) / 2
    y = (b[:, 1] + b[:, 3]) / 2
    i = np.clip(((y - grid.y0) / grid.dy).astype(int), 0, grid.ny - 1)
    j = np.clip(((x - grid.x0) / grid.dx).astype(int), 0, grid.nx - 1)
    np.add.at(out, (i, j), frame["flight_time_h"].to_numpy()[ok])
    return out


def flight_hours_grid(files: Sequence[Path], grid: Grid) -> np.ndarray:
    """Flight hours by cell over every result file, summed on the cluster."""
    import dask

    parts = [dask.delayed(partition_grid)(str(f), grid) for f in files]
    total = np.zeros((grid.ny, grid.nx))
    for arr in dask.compute(*parts):
        total += arr
    return total


def draw_region(hours: np.ndarray, grid: Grid, title: str) -> bytes:
    """PNG of flight hours per km² (white where no field was planned)."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.colors import LogNorm

    density = hours / grid.cell_km2()[:, None]
    shown = np.ma.masked_less_equal(density, 0.0)
    lat = grid.y0 + grid.ny * grid.dy / 2
    fig, ax = plt.subplots(figsize=(8, 7), dpi=110)
    try:
        extent = (grid.x0, grid.x0 + grid.nx * grid.dx, grid.y0, grid.y0 + grid.ny * grid.dy)
        if shown.count():
            lo, hi = float(shown.min()), float(shown.max())
            norm = LogNorm(vmin=lo, vmax=max(hi, lo * 1.0001))
            im = ax.imshow(shown, origin="lower", extent=extent, cmap="viridis", norm=norm)
            fig.colorbar(im, ax=ax, shrink=0.8, label="flight hours per km²")
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_aspect(1.0 / max(math.cos(math.radians(lat)), 0.01))
        ax.set_xlabel("longitude (°)")
        ax.set_ylabel("latitude (°)")
        cell = grid.dy * _KM_PER_DEG
        ax.set_title(f"{title}\ncells of {cell:.3g} km", fontsize=10)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", bbox_inches="tight")
        return buf.getvalue()
    finally:
        plt.close(fig)
