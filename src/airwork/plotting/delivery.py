"""A delivery day on a map: no-fly zones, hubs, drop points (unserved ones crossed) and every
trip."""

from __future__ import annotations

import io

import shapely

__all__ = ["delivery_png"]


def delivery_png(result, problem, mission) -> bytes:
    """PNG bytes of the day: zones, trips coloured by hub, served and unserved orders."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 8), dpi=110)
    try:
        for z in problem.no_fly:
            for poly in shapely.get_parts(z.geometry):
                x, y = poly.exterior.xy
                ax.fill(x, y, facecolor="#f2b8b5", edgecolor="#a3231b", hatch="xx", lw=1)
        hub_index = {h.id: i for i, h in enumerate(problem.hubs)}
        cmap = plt.get_cmap("tab10" if len(problem.hubs) <= 10 else "tab20")
        for t, s in zip(result.trips, mission.sorties, strict=True):
            xy = s.xy_m
            ax.plot(xy[:, 0], xy[:, 1], lw=0.6, alpha=0.7, color=cmap(hub_index[t.hub] % cmap.N))
        unserved = {u.order_id for u in result.unserved}
        oxy = problem.order_xy
        bad = [o.id in unserved for o in problem.orders]
        good = [not b for b in bad]
        ax.plot(oxy[good, 0], oxy[good, 1], ".", ms=3, color="#2a7d2a", label="served")
        if any(bad):
            ax.plot(oxy[bad, 0], oxy[bad, 1], "x", ms=5, color="#c01010", label="unserved")
        hxy = problem.hub_xy
        ax.plot(hxy[:, 0], hxy[:, 1], "k^", ms=8, label="hub")
        for h in problem.hubs:
            ax.annotate(h.id, h.xy_m, xytext=(4, 4), textcoords="offset points")
        ax.set_aspect("equal")
        ax.ticklabel_format(useOffset=False, style="plain")
        ax.set_xlabel("easting [m]")
        ax.set_ylabel("northing [m]")
        ax.grid(True, alpha=0.2)
        ax.legend(loc="upper left", fontsize=8)
        ax.set_title(
            f"{mission.name}: {result.served_count}/{result.order_count} orders, "
            f"{len(result.trips)} trips, {result.drones_used} drones, "
            f"{result.distance_m / 1000:.0f} km"
        )
        fig.tight_layout()
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
    finally:
        plt.close(fig)
    return buf.getvalue()
