"""Pictures of missions (matplotlib is imported only when a plot is drawn)."""

from airwork.plotting.map import mission_figure, mission_png, plot_mission

__all__ = ["mission_figure", "mission_png", "plot_mission"]
