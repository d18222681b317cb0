"""Pictures of a design search and a production plan (matplotlib, imported when drawn)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from airwork.design.production import ProductionResult
    from airwork.design.search import DesignResult

__all__ = ["plot_pareto", "plot_production"]

_UNITS = {"hover_min": "hover endurance at payload (min)", "range_km": "delivery radius (km)",
          "work_rate_ha_per_h": "work rate (ha/h)"}  # fmt: skip


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def plot_pareto(result: DesignResult, path: str | Path) -> Path:
    """Cost against target figure of the feasible designs (screened), the front (checked
    exactly) labelled with its row numbers, take-off mass as colour."""
    plt = _pyplot()
    fig, ax = plt.subplots(figsize=(8, 5.5), dpi=110)
    feas = result.feasible
    if feas:
        sc = ax.scatter(
            [r.cost_eur for r in feas], [r.figure for r in feas],
            c=[r.takeoff_mass_kg for r in feas], cmap="viridis", s=14, alpha=0.45,
            label=f"feasible ({len(feas)}, screened figure)",
        )  # fmt: skip
        fig.colorbar(sc, ax=ax, label="take-off mass at payload (kg)")
    front = result.front
    if front:
        ax.plot(
            [r.cost_eur for r in front], [r.figure for r in front], "o-", color="crimson",
            mfc="none", ms=9, label=f"Pareto front ({len(front)}, checked exactly)",
        )  # fmt: skip
        for n, r in enumerate(front, start=1):
            ax.annotate(str(n), (r.cost_eur, r.figure), textcoords="offset points",
                        xytext=(5, 5), fontsize=8, color="crimson")  # fmt: skip
    ax.axhline(result.profile.target_value, color="grey", ls="--", lw=1, label="target")
    ax.set_xlabel("cost (EUR)")
    ax.set_ylabel(_UNITS[result.target])
    ax.set_title("airwork design: cost, mass and target figure")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out


def plot_production(result: ProductionResult, path: str | Path, top: int = 8) -> Path:
    """Units per model and month (stacked bars) and the monthly demand of the parts with
    the largest demand."""
    import numpy as np

    plt = _pyplot()
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(9, 7.5), dpi=110, sharex=True)
    months = np.arange(1, 13)
    bottom = np.zeros(12)
    for name, units in result.units.items():
        ax1.bar(months, units, bottom=bottom, label=name)
        bottom += np.asarray(units)
    ax1.set_ylabel("aircraft built")
    ax1.set_title(f"production plan: {int(bottom.sum()):,} aircraft a year")
    ax1.legend(fontsize=8, ncol=2)
    for d in result.demand[:top]:
        shared = " (shared)" if len(d.models) > 1 else ""
        ax2.plot(months, d.monthly, marker="o", ms=3, label=f"{d.part_number}{shared}")
    ax2.set_ylabel("parts needed")
    ax2.set_xlabel("month")
    ax2.set_xticks(months)
    ax2.legend(fontsize=7, ncol=2)
    for ax in (ax1, ax2):
        ax.grid(alpha=0.3)
    fig.tight_layout()
    out = Path(path)
    fig.savefig(out)
    plt.close(fig)
    return out
