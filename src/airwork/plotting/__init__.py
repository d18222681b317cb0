"""Pictures of missions (matplotlib is imported only when a plot is drawn)."""

from airwork.plotting.map import plot_mission

__all__ = ["plot_mission"]
