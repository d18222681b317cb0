"""The air a job flies in: ISA density at the site's elevation and temperature, powers and
lift at that density, and every face (run_job, plan, perf, check) using it."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from airwork import run_job
from airwork.aircraft import load_aircraft
from airwork.errors import AircraftError
from airwork.flight.air import Air, isa_temperature_c, job_air

EXAMPLE = str(resources.files("airwork.data") / "example_field.geojson")
BASE = {"kind": "spray", "site": {"files": [EXAMPLE]}, "output": {"formats": [], "picture": False}}


@pytest.mark.parametrize(
    ("elevation_m", "published_kgpm3"),
    # ICAO standard atmosphere table (Doc 7488/3): density at geopotential altitude
    [(0, 1.2250), (1000, 1.1117), (2000, 1.0066), (3000, 0.9093), (4000, 0.8194)],
)
def test_isa_density_matches_the_published_table(elevation_m, published_kgpm3):
    air = Air(elevation_m=elevation_m, temperature_c=isa_temperature_c(elevation_m))
    assert air.density_kgpm3 == pytest.approx(published_kgpm3, rel=1e-3)


def test_a_hot_day_thins_the_air_at_the_same_pressure():
    # ISA pressure at 2000 m is 79,495 Pa (ICAO table); at 35 °C rho = p / (R T)
    air = job_air(2000.0, 35.0)
    assert air.density_kgpm3 == pytest.approx(79495.0 / (287.053 * 308.15), rel=1e-3)
    assert air.temperature_given and air.elevation_from == "given"


def test_hover_power_in_thin_air_follows_momentum_theory():
    """Ideal hover power goes as rho^-1/2 (and the profile power of fixed-pitch rotors as
    well, a little more at the lower Reynolds number): 2000 m ISA costs 10-13 % more."""
    ac = load_aircraft("sprayer-40")
    thin = job_air(2000.0, None).fly(ac)
    ratio = float(thin.hover_power_w(20.0) / ac.hover_power_w(20.0))
    assert np.sqrt(1.225 / 1.0066) - 0.005 <= ratio <= 1.13
    assert thin.hover_endurance_min(20.0) < ac.hover_endurance_min(20.0) / 1.09


def test_lift_falls_with_density_and_thin_air_refuses_what_it_cannot_lift():
    ac = load_aircraft("sprayer-40")
    air = job_air(6000.0, 50.0)
    thin = air.fly(ac)
    assert thin.lift_margin(0.0) / ac.lift_margin(0.0) == pytest.approx(
        air.density_kgpm3 / 1.225, rel=1e-9
    )
    with pytest.raises(AircraftError, match="high or hot site; largest payload here"):
        thin.hover_power_w(ac.max_payload_kg)


def test_a_job_high_and_hot_flies_more_sorties_and_says_why():
    low = run_job(BASE)
    high = run_job({**BASE, "conditions": {"elevation_m": 3000, "air_temperature_c": 30}})
    assert high.summary["sorties"] > low.summary["sorties"]
    air = high.mission.meta["planned_air"]
    assert air["density_kgpm3"] == pytest.approx(job_air(3000.0, 30.0).density_kgpm3, abs=1e-4)
    assert high.mission.aircraft.air_density_kgpm3 == pytest.approx(air["density_kgpm3"], 1e-3)
    assert high.mission.aircraft.temperature_c == 30.0  # the packs fly at the air's
    assert high.summary["air"] == air and low.summary["air"]["density_kgpm3"] == 1.225
    assert any("planned in air 0.806 kg/m³" in n for n in high.notes)
    assert any("little thrust left for control" in n for n in high.notes)
    assert not any("planned in air" in n for n in low.notes)


def _constant_dem(path: Path, height_m: float) -> Path:
    import geopandas as gpd
    import rasterio
    from rasterio.transform import from_origin

    w, s, e, n = gpd.read_file(EXAMPLE).total_bounds
    pad = 0.01
    z = np.full((40, 40), height_m, dtype=np.float32)
    transform = from_origin(w - pad, n + pad, (e - w + 2 * pad) / 40, (n - s + 2 * pad) / 40)
    profile = {"driver": "GTiff", "width": 40, "height": 40, "count": 1, "dtype": "float32"}
    with rasterio.open(path, "w", crs="EPSG:4326", transform=transform, **profile) as dst:
        dst.write(z, 1)
    return path


def test_the_site_elevation_comes_from_the_dem(tmp_path):
    dem = _constant_dem(tmp_path / "dem.tif", 1500.0)
    out = run_job({**BASE, "conditions": {"dem": str(dem)}})
    air = out.mission.meta["planned_air"]
    assert air["elevation_from"] == "DEM"
    assert air["elevation_m"] == pytest.approx(1500.0, abs=0.5)
    assert air["density_kgpm3"] == pytest.approx(1.0581, rel=2e-3)  # ICAO table, 1500 m
