"""Planners: pure functions ``plan_*(problem, params) -> Result``; they never write files."""
