"""What the web app needs from the service: the static app at ``/`` (with its
Content-Security-Policy, gzip, the vendored MapLibre and its licence) beside the API, the
public ``GET /api/v1/config`` and ``GET /api/v1/jobs/{id}/sorties`` (the sortie table; its
tenancy is in :mod:`tests.service.test_tenancy`)."""

from __future__ import annotations

import pytest

from .conftest import make_api


def test_the_app_is_served_at_the_root_beside_the_api(sqlite_api):
    c = sqlite_api.client
    page = c.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert '<script type="module" src="js/app.js">' in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "unsafe-eval" not in csp
    lib = c.get("/vendor/maplibre-gl/maplibre-gl.mjs", headers={"Accept-Encoding": "gzip"})
    assert lib.status_code == 200 and lib.headers["content-encoding"] == "gzip"
    assert "javascript" in lib.headers["content-type"]
    assert "MapLibre" in c.get("/vendor/maplibre-gl/LICENSE.txt").text
    # the API, its docs and health are untouched, and unknown API paths stay problem+json
    assert c.get("/health").json()["status"] == "ok"
    assert "content-security-policy" not in c.get("/docs").headers  # Swagger UI's CDN
    assert c.get("/openapi.json").status_code == 200
    missing = c.get("/api/v1/nothing-here")
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("application/problem+json")
    assert c.get("/no-such-file.js").status_code == 404


def test_config_is_public_and_names_the_basemap(sqlite_api, engine, tmp_path):
    out = sqlite_api.client.get("/api/v1/config")
    assert out.status_code == 200
    assert out.json()["basemap_url"] is None and out.json()["version"]
    assert out.json()["basemap_attribution"] is None
    url = "https://{s}.tiles.example.org/{z}/{x}/{y}.png"
    for api in make_api("sqlite", tmp_path, engine, basemap_url=url):
        config = api.client.get("/api/v1/config").json()
        assert config["basemap_url"] == url
        # no credit given: the tile host is named, never nothing under someone's tiles
        assert config["basemap_attribution"] == "Map tiles: {s}.tiles.example.org"
        csp = api.client.get("/").headers["content-security-policy"]
        assert "img-src 'self' data: blob: https://*.tiles.example.org" in csp


def test_the_sortie_table_of_a_spray_job(api):
    org = api.org("Sorties")
    job = api.wait(org, org.job(org.site()).json()["id"])
    assert job["status"] == "done"
    r = api.client.get(f"/api/v1/jobs/{job['id']}/sorties", headers=org.h)
    assert r.status_code == 200
    rows = r.json()["sorties"]
    per = job["summary"]["per_sortie"]
    assert [x["sortie"] for x in rows] == [p["sortie"] for p in per]
    for row, p in zip(rows, per, strict=True):
        assert row["time_s"] == pytest.approx(p["flight_time_s"], abs=0.2)
        assert row["energy_wh"] == pytest.approx(p["energy_wh"], abs=0.2)
        assert row["battery_pct"] == pytest.approx(100 * p["battery_fraction"], abs=0.1)
        assert row["liquid_l"] == p["product_l"]
        assert row["released_kg"] == pytest.approx(p["product_l"], rel=0.01)
        assert row["station"] and row["drone"] is None


def test_the_sortie_table_waits_for_a_done_job(api, slow_kind):
    org = api.org("Early")
    job = org.job(org.site(), kind=slow_kind, params={"wait_s": 5}).json()
    r = api.client.get(f"/api/v1/jobs/{job['id']}/sorties", headers=org.h)
    assert r.status_code == 409
    assert "done" in r.json()["detail"]
    api.client.delete(f"/api/v1/jobs/{job['id']}", headers=org.h)


def test_sortie_rows_name_stations_and_drones():
    from airwork.service.sorties import sortie_table

    def leg(n, start, **kw):
        props = {"role": "leg", "sortie": n, "time_s": 10.0, "energy_wh": 2.0,
                 "battery_frac": 0.01, "distance_m": 50.0, "payload_kg": 2.0,
                 "payload_end_kg": 1.5, "spraying": True, **kw}  # fmt: skip
        geom = {"type": "LineString", "coordinates": [start, [start[0] + 0.001, start[1]]]}
        return {"type": "Feature", "properties": props, "geometry": geom}

    hub = {"type": "Feature", "properties": {"role": "hub", "id": "H1"},
           "geometry": {"type": "Point", "coordinates": [1.0, 43.0]}}  # fmt: skip
    far = {"type": "Feature", "properties": {"role": "station", "station": 1},
           "geometry": {"type": "Point", "coordinates": [1.1, 43.0]}}  # fmt: skip
    features = [hub, far, leg(2, [1.0, 43.0]), leg(1, [1.1, 43.0]), leg(1, [1.1, 43.0])]
    summary = {"schedule": {"H1/delivery-hex#1": [{"sortie": 2}]}}
    rows = sortie_table(features, summary)
    assert [r["sortie"] for r in rows] == [1, 2]
    assert rows[0]["legs"] == 2 and rows[0]["time_s"] == 20.0
    assert rows[0]["station"] == "station 2" and rows[0]["drone"] is None
    assert rows[1]["station"] == "H1" and rows[1]["drone"] == "H1/delivery-hex#1"
    assert rows[0]["released_kg"] == 1.0 and rows[0]["battery_pct"] == 2.0
    assert rows[0]["liquid_l"] is None  # no per-sortie product in the summary


def test_the_map_colours_sorties_as_mission_png_does():
    """colors.js's ramp is style.py's sequential map sampled evenly, and it starts its
    colour bar where style.py does, so a plan looks the same on the web map and in
    mission.png."""
    import re
    from importlib import resources

    import matplotlib
    import numpy as np
    from matplotlib.colors import to_hex

    from airwork.plotting.style import LEGEND_SORTIES, SEQUENTIAL, class_positions

    js = (resources.files("airwork.webapp") / "static" / "js" / "colors.js").read_text()
    assert int(re.search(r"export const LEGEND_SORTIES = (\d+);", js).group(1)) == LEGEND_SORTIES
    body = re.search(r"export const RAMP = \[(.*?)\];", js, re.S)
    ramp = re.findall(r'"(#[0-9a-f]{6})"', body.group(1))
    cmap = matplotlib.colormaps[SEQUENTIAL]
    assert ramp == [to_hex(cmap(t)) for t in np.linspace(0.0, 1.0, len(ramp))]
    assert len(ramp) >= 9
    # classes sit evenly from the first colour to the last (one class: the first)
    assert class_positions(1) == [0.0] and class_positions(5) == [0.0, 0.25, 0.5, 0.75, 1.0]
    assert "key.count > 1 ? i / (key.count - 1) : 0);" in js


def test_config_passes_the_tile_providers_credit(engine, tmp_path):
    url, credit = "https://tile.example.org/{z}/{x}/{y}.png", "© OpenStreetMap contributors"
    for api in make_api("sqlite", tmp_path, engine, basemap_url=url, basemap_attribution=credit):
        assert api.client.get("/api/v1/config").json()["basemap_attribution"] == credit
