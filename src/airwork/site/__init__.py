"""The site of a job: its features by role, airspace zones, obstacles, terrain and wind,
loaded once (:func:`load_site`) and shared by planners and checks."""

from airwork.site.load import Source, build_site, load_site
from airwork.site.model import Site, SiteFeature
from airwork.site.roles import ROLES, canonical_role, role_names
from airwork.site.terrain import FlatTerrain, Terrain, read_dem
from airwork.site.wind import Wind, parse_wind_band
from airwork.site.zones import Obstacle, Zone

__all__ = [
    "ROLES",
    "FlatTerrain",
    "Obstacle",
    "Site",
    "SiteFeature",
    "Source",
    "Terrain",
    "Wind",
    "Zone",
    "build_site",
    "canonical_role",
    "load_site",
    "parse_wind_band",
    "read_dem",
    "role_names",
]
