"""Power-line inspection: line model with sagged conductors and the planner."""

from airwork.planners.powerline.line import (
    DEFAULT_PHASES,
    PowerLine,
    Tower,
    conductor_height_m,
    min_approach_distance_m,
    sag_m,
)
from airwork.planners.powerline.planner import (
    MODES,
    FlightReport,
    PowerlineParams,
    PowerlineProblem,
    PowerlineResult,
    on_terrain,
    plan_powerline,
)

__all__ = [
    "DEFAULT_PHASES",
    "MODES",
    "FlightReport",
    "PowerLine",
    "PowerlineParams",
    "PowerlineProblem",
    "PowerlineResult",
    "Tower",
    "conductor_height_m",
    "min_approach_distance_m",
    "on_terrain",
    "plan_powerline",
    "sag_m",
]
