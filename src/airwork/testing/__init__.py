"""Seeded generators of test jobs (fields, power lines, delivery days) for tests, benches
and demos.  They may know planner types; nothing outside tests, benches and demos should
need them."""
