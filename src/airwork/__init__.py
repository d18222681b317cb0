"""airwork: one open platform for civil drone aerial work.

Data flows one way: input geodata -> local metric frame -> planner (uses the aircraft
model) -> mission -> checks -> exporters.  Planners are pure functions; they never write
files, and exporters never plan.
"""

__version__ = "0.1.0"
