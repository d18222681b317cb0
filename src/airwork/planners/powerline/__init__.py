"""Power-line inspection: line model with sagged conductors and the planner."""

from airwork.planners.powerline.inputs import lines_from_job, powerline_problem
from airwork.planners.powerline.line import (
    DEFAULT_PHASES,
    PowerLine,
    Tower,
    conductor_height_m,
    min_approach_distance_m,
    sag_m,
)
from airwork.planners.powerline.planner import plan_powerline
from airwork.planners.powerline.problem import MODES, PowerlineParams, PowerlineProblem
from airwork.planners.powerline.result import FlightReport, PowerlineResult
from airwork.planners.powerline.terrain import on_terrain

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
    "lines_from_job",
    "min_approach_distance_m",
    "on_terrain",
    "plan_powerline",
    "powerline_problem",
    "sag_m",
]
