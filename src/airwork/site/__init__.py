"""The site of a job: its features by role, airspace zones, obstacles, terrain and wind."""
