"""The API end to end, on SQLite and PostgreSQL + PostGIS: sites in every format, jobs from
submission to the downloaded .plan, errors as problem+json with the CLI's one-line
messages, roles, aircraft and checks."""

from __future__ import annotations

import hashlib
import json

import pytest

from airwork.jobs.run import run_job

from .conftest import example_bytes, shapefile_zip, write_ogr, zip_bytes


def is_problem(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/problem+json"), r.headers
    body = r.json()
    assert body["status"] == status and body["title"] and body["type"] == "about:blank"
    assert "\n" not in body["detail"] and "Traceback" not in body["detail"]
    return body


def test_plan_the_example_field_and_download_sortie_01(api, tmp_path):
    """The README walk-through: upload, plan, poll, download; the .plan is the library's."""
    org = api.org()
    site = org.site()
    r = org.job(site, params={"rate_l_per_ha": 15})
    assert r.status_code == 202, r.text
    assert r.headers["location"] == f"/api/v1/jobs/{r.json()['id']}"
    assert r.json()["status"] in ("queued", "running", "done")
    job = api.wait(org, r.json()["id"])
    assert job["status"] == "done", job
    assert job["progress"] == 1.0 and job["error"] is None
    assert "sortie-01.plan" in job["files"] and "summary.json" in job["files"]
    assert job["summary"]["sorties"] == job["report"]["rows"].__len__()
    got = api.client.get(f"/api/v1/jobs/{job['id']}/files/sortie-01.plan", headers=org.h)
    assert got.status_code == 200
    assert got.headers["content-type"].startswith("application/json")
    assert got.headers["etag"] == f'"{hashlib.sha256(got.content).hexdigest()}"'
    field = tmp_path / "example_field.geojson"
    field.write_bytes(example_bytes())
    local = run_job(
        {
            "kind": "spray",
            "site": {"files": [str(field)]},
            "aircraft": ["sprayer-40"],
            "params": {"rate_l_per_ha": 15},
        }
    )
    assert got.content == local.files["sortie-01.plan"]
    listed = api.client.get(f"/api/v1/jobs/{job['id']}/files", headers=org.h).json()
    by_name = {f["name"]: f for f in listed}
    assert by_name["sortie-01.plan"]["sha256"] == hashlib.sha256(got.content).hexdigest()
    assert by_name["mission.png"]["media_type"] == "image/png"


@pytest.mark.parametrize("fmt", ["kml", "kmz", "gpkg", "shp-zip", "fgb"])
def test_every_site_format_uploads(api, tmp_path, fmt):
    org = api.org()
    if fmt == "shp-zip":
        name, data = "parcel.zip", shapefile_zip(tmp_path)
    else:
        driver = {"kml": "KML", "kmz": "LIBKML", "gpkg": "GPKG", "fgb": "FlatGeobuf"}[fmt]
        path = write_ogr(tmp_path / f"field.{fmt}", driver)
        name, data = path.name, path.read_bytes()
    r = org.upload([("file", name, data)])
    assert r.status_code == 201, r.text
    site = r.json()
    assert site["summary"]["features"]["field"] == 1
    assert site["summary"]["field_area_ha"] == pytest.approx(11.86, abs=0.05)
    assert site["geometry"]["type"] == "GeometryCollection"
    if fmt == "shp-zip":  # a field without a station: planned from the field's edge
        job = api.wait(org, org.job(site["id"]).json()["id"])
        assert job["status"] == "done", job


def test_site_files_are_stored_by_content_hash_inside_the_data_dir(api):
    org = api.org()
    evil = "../../../../tmp/evil.geojson"
    r = org.upload([("file", evil, example_bytes())])
    assert r.status_code == 201, r.text
    rec = r.json()["files"][0]
    assert rec["name"] == "evil.geojson"
    assert rec["sha256"] == hashlib.sha256(example_bytes()).hexdigest()
    store = api.service.store
    assert store.path(rec["sha256"]).read_bytes() == example_bytes()
    assert store.path(rec["sha256"]).resolve().is_relative_to(store.root)
    assert not any(p.name == "evil.geojson" for p in store.root.rglob("*"))


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bad.geojson", b"{nope", r"^bad\.geojson: cannot read"),
        ("empty.geojson", b"", r"^empty\.geojson: the file is empty"),
        ("field.docx", b"PK", r"field\.docx: unsupported file type '\.docx'"),
        ("parcel.shp", b"x" * 100, r"upload a Shapefile as one \.zip"),
        ("nothing.zip", zip_bytes({"readme.txt": b"hi"}), r"holds no file airwork reads"),
        ("evil.zip", zip_bytes({"../../x.shp": b"x"}), r"unsafe path"),
        ("notzip.zip", b"not a zip", r"not a readable zip archive"),
        (
            "swapped.geojson",
            json.dumps(
                {
                    "type": "FeatureCollection",
                    "features": [
                        {
                            "type": "Feature",
                            "properties": {"role": "field"},
                            "geometry": {
                                "type": "Polygon",
                                "coordinates": [
                                    [[43.5, 91.4], [43.6, 91.4], [43.6, 91.5], [43.5, 91.4]]
                                ],
                            },
                        }
                    ],
                }
            ).encode(),
            r"swapped\.geojson",
        ),
    ],
)
def test_bad_uploads_are_400_with_one_line_naming_the_users_file(api, name, data, message):
    import re

    org = api.org()
    blobs = set(api.service.store.blobs.rglob("*"))
    body = is_problem(org.upload([("file", name, data)]), 400)
    assert re.search(message, body["detail"]), body["detail"]
    assert set(api.service.store.blobs.rglob("*")) == blobs  # a refused file is not kept
    assert str(api.service.store.root) not in body["detail"]
    assert "/tmp/" not in body["detail"]


def test_a_site_over_the_organisations_field_limit_is_refused(api):
    org = api.org(max_field_ha=5.0)
    body = is_problem(org.upload([("file", "example_field.geojson", example_bytes())]), 400)
    assert "5" in body["detail"] and "ha" in body["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"kind": "sprayy"}, "unknown kind of job 'sprayy' (known: spray, spread"),
        (
            {"params": {"rate_l_per_ha": -1}},
            "spray --rate-l-per-ha = -1: must be a finite number of L/ha in (0, 1000]",
        ),
        (
            {"params": {"swath": 3}},
            "spray --swath: not a parameter of spray; did you mean --swath-m?",
        ),
        ({"params": {"swath_m": 6, "swath-m": 7}}, "spray --swath-m: given twice"),
        ({"aircraft": ["glider-9000"]}, "unknown aircraft 'glider-9000'"),
        ({"aircraft": ["/etc/passwd"]}, "unknown aircraft '/etc/passwd'"),
        ({"aircraft": ["sprayer-40", "sprayer-10"]}, "spray flies one aircraft, got 2"),
        ({"aircraft": ["sprayer-40:3"]}, "':COUNT' and '@LIMIT' are for fleets"),
        ({"conditions": {"wind_mps": 99}}, "conditions.wind_mps"),
        (
            {"kind": "delivery", "aircraft": [], "params": {"runtime_s": 86400}},
            "delivery --runtime-s = 86400: this service searches at most 600 s per job",
        ),
    ],
)
def test_bad_jobs_get_the_clis_one_line(api, body, message):
    org = api.org()
    site = org.site()
    r = org.job(site, **body)
    assert r.status_code in (400, 422), r.text
    assert message in is_problem(r, r.status_code)["detail"]


def test_a_job_that_fails_in_the_engine_says_why(api):
    """A field site planned as a power line: the planner's refusal, one line, no paths."""
    org = api.org()
    site = org.site()
    job = api.wait(org, org.job(site, kind="powerline", aircraft=[]).json()["id"])
    assert job["status"] == "failed"
    assert job["error"] and "\n" not in job["error"]
    assert str(api.service.store.root) not in job["error"] and "/tmp/" not in job["error"]
    assert job["files"] == []
    r = api.client.get(f"/api/v1/jobs/{job['id']}/files/sortie-01.plan", headers=org.h)
    is_problem(r, 404)


def test_jobs_are_listed_newest_first_in_pages(api):
    org = api.org()
    site = org.site()
    ids = [org.job(site, name=f"run {i}").json()["id"] for i in range(3)]
    for i in ids:
        api.wait(org, i)
    page = api.client.get("/api/v1/jobs?limit=2", headers=org.h).json()
    assert page["total"] == 3 and page["limit"] == 2
    assert [j["id"] for j in page["items"]] == ids[::-1][:2]
    rest = api.client.get("/api/v1/jobs?limit=2&offset=2", headers=org.h).json()
    assert [j["id"] for j in rest["items"]] == ids[:1]
    done = api.client.get("/api/v1/jobs?status=done", headers=org.h).json()
    assert done["total"] == 3
    is_problem(api.client.get("/api/v1/jobs?status=lost", headers=org.h), 400)
    is_problem(api.client.get("/api/v1/jobs?limit=0", headers=org.h), 422)


def test_the_organisations_own_aircraft_plans_a_job(api):
    from pathlib import Path

    org = api.org()
    spec = Path(__file__).parents[2] / "examples" / "my-sprayer.yaml"
    r = api.client.post(
        "/api/v1/aircraft", headers=org.h, files={"file": ("my-sprayer.yaml", spec.read_bytes())}
    )
    assert r.status_code == 201, r.text
    craft = r.json()
    assert craft["source"] == "organisation" and craft["id"].startswith("ac_")
    names = [a["id"] for a in api.client.get("/api/v1/aircraft", headers=org.h).json()]
    assert "sprayer-40" in names and craft["id"] in names
    job = api.wait(org, org.job(org.site(), aircraft=[craft["id"]]).json()["id"])
    assert job["status"] == "done", job
    bad = api.client.post(
        "/api/v1/aircraft", headers=org.h, files={"file": ("bad.yaml", b"name: x\nmass_kg: -1\n")}
    )
    assert "bad.yaml" in is_problem(bad, 400)["detail"]


def test_check_a_downloaded_mission_against_airspace(api):
    org = api.org()
    job = api.wait(org, org.job(org.site()).json()["id"])
    plan = api.client.get(f"/api/v1/jobs/{job['id']}/files/sortie-01.plan", headers=org.h).content
    clean = api.client.post(
        "/api/v1/checks",
        headers=org.h,
        files={"mission": ("sortie-01.plan", plan)},
        data={"aircraft": "sprayer-40"},
    )
    assert clean.status_code == 200, clean.text
    assert clean.json()["ok"] is True and clean.json()["mission"] == "sortie-01.plan"
    zone = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"role": "no_fly", "name": "airfield"},
                "geometry": {
                    "type": "Polygon",
                    "coordinates": [
                        [
                            [1.448, 43.546],
                            [1.456, 43.546],
                            [1.456, 43.551],
                            [1.448, 43.551],
                            [1.448, 43.546],
                        ]
                    ],
                },
            }
        ],
    }
    dirty = api.client.post(
        "/api/v1/checks",
        headers=org.h,
        files=[
            ("mission", ("sortie-01.plan", plan)),
            ("airspace", ("zones.geojson", json.dumps(zone).encode())),
        ],
    )
    assert dirty.status_code == 200, dirty.text
    assert dirty.json()["ok"] is False and dirty.json()["violation_counts"]
    bad = api.client.post(
        "/api/v1/checks", headers=org.h, files={"mission": ("m.plan", b'{"fileType": 3}')}
    )
    assert "m.plan" in is_problem(bad, 400)["detail"]
    # a DEM: the report names the user's file, not the server's scratch copy
    import io

    import numpy as np
    import rasterio
    from rasterio.transform import from_origin

    buf = io.BytesIO()
    grid = from_origin(1.440, 43.560, 0.0005, 0.0005)  # 0.0005° cells over the field
    profile = dict(driver="GTiff", width=60, height=60, count=1, dtype="float32",
                   crs="EPSG:4326", transform=grid)  # fmt: skip
    with rasterio.MemoryFile() as mem:
        with mem.open(**profile) as dst:
            dst.write(np.full((1, 60, 60), 150.0, dtype="float32"))
        buf.write(mem.read())
    terrain = api.client.post(
        "/api/v1/checks",
        headers=org.h,
        files=[("mission", ("sortie-01.plan", plan)), ("dem", ("farm-dem.tif", buf.getvalue()))],
    )
    assert terrain.status_code == 200, terrain.text
    text = json.dumps(terrain.json())
    assert "farm-dem.tif" in terrain.json()["terrain"] and "dem-1" not in text


def test_roles(api):
    owner = api.org()
    site = owner.site()
    made = {}
    for role in ("planner", "pilot", "viewer"):
        r = api.client.post("/api/v1/users", headers=owner.h, json={"name": role, "role": role})
        assert r.status_code == 201, r.text
        made[role] = {"Authorization": f"Bearer {r.json()['token']}"}
    c = api.client
    assert c.get("/api/v1/me", headers=made["viewer"]).json()["user"]["role"] == "viewer"
    job = {"kind": "spray", "site": site}
    assert c.post("/api/v1/jobs", headers=made["planner"], json=job).status_code == 202
    for role in ("pilot", "viewer"):
        body = is_problem(c.post("/api/v1/jobs", headers=made[role], json=job), 403)
        assert f"a {role} may not plan" in body["detail"]
        files = {"file": ("f.geojson", example_bytes())}
        is_problem(c.post("/api/v1/sites", headers=made[role], files=files), 403)
    is_problem(
        c.post("/api/v1/users", headers=made["planner"], json={"name": "x", "role": "owner"}), 403
    )
    assert c.get("/api/v1/jobs", headers=made["viewer"]).status_code == 200
    mission = {"mission": ("m.plan", b"{}")}
    is_problem(c.post("/api/v1/checks", headers=made["viewer"], files=mission), 403)
    assert c.post("/api/v1/checks", headers=made["pilot"], files=mission).status_code == 400


def test_tokens_are_stored_hashed_shown_once_and_revocable(api):
    from sqlalchemy import select

    from airwork.service.db import Token

    org = api.org()
    r = api.client.post("/api/v1/tokens", headers=org.h, json={"label": "laptop"})
    assert r.status_code == 201
    secret, token_id = r.json()["token"], r.json()["id"]
    with api.service.db.read() as s:
        stored = [t.secret_sha256 for t in s.scalars(select(Token))]
    assert hashlib.sha256(secret.encode()).hexdigest() in stored
    assert secret not in stored
    listed = api.client.get("/api/v1/tokens", headers=org.h).json()
    assert all("token" not in t for t in listed) and token_id in [t["id"] for t in listed]
    h = {"Authorization": f"Bearer {secret}"}
    assert api.client.get("/api/v1/me", headers=h).status_code == 200
    assert api.client.delete(f"/api/v1/tokens/{token_id}", headers=org.h).status_code == 204
    body = is_problem(api.client.get("/api/v1/me", headers=h), 401)
    assert body["detail"] == "invalid or revoked token"


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer aw_not-a-real-token", "Bearer " + "x" * 500],
)
def test_no_or_bad_token_is_401(api, header):
    h = {} if header is None else {"Authorization": header}
    r = api.client.get("/api/v1/jobs", headers=h)
    is_problem(r, 401)
    assert r.headers["www-authenticate"] == "Bearer"


def test_unknown_routes_and_methods_are_problems(api):
    org = api.org()
    is_problem(api.client.get("/api/v1/nothing", headers=org.h), 404)
    is_problem(api.client.put("/api/v1/jobs", headers=org.h), 405)
    is_problem(api.client.post("/api/v1/jobs", headers=org.h, content=b"{not json"), 422)


def test_openapi_and_docs(api):
    schema = api.client.get("/openapi.json").json()
    paths = schema["paths"]
    for path in ("/api/v1/sites", "/api/v1/jobs", "/api/v1/jobs/{job_id}", "/api/v1/checks"):
        assert path in paths
    assert "HTTPBearer" in schema["components"]["securitySchemes"]
    assert api.client.get("/docs").status_code == 200


def test_sites_are_readable_with_geometry(api):
    org = api.org()
    site = org.site()
    got = api.client.get(f"/api/v1/sites/{site}", headers=org.h).json()
    assert got["geometry"]["type"] == "GeometryCollection"
    assert len(got["geometry"]["geometries"]) == 2
    assert api.client.get("/api/v1/sites", headers=org.h).json()["total"] == 1


def test_geometry_is_a_postgis_geometry_on_postgresql(api):
    if api.backend != "postgresql":
        pytest.skip("PostGIS only")
    from sqlalchemy import text

    org = api.org()
    site = org.site()
    with api.service.db.read() as s:
        srid, kind, area = s.execute(
            text(
                "SELECT ST_SRID(geometry), GeometryType(geometry), "
                "ST_Area(geography(ST_CollectionExtract(geometry, 3))) FROM sites WHERE id = :id"
            ),
            {"id": site},
        ).one()
    assert srid == 4326 and kind == "GEOMETRYCOLLECTION"
    assert area / 1e4 == pytest.approx(11.86, rel=0.01)


@pytest.mark.parametrize(
    ("form", "message"),
    [
        ({"name": "a\x00b"}, "name: NUL characters are not allowed"),
        ({"crs": "\x00"}, "crs: NUL characters are not allowed"),
        ({"unlabelled": "\x00"}, "unlabelled: NUL characters are not allowed"),
        ({"unlabelled": "dragon"}, "--unlabelled: unknown role 'dragon'"),
        ({"crs": "EPSG:999999"}, "cannot understand CRS 'EPSG:999999'"),
    ],
)
def test_bad_site_options_are_400(api, form, message):
    org = api.org()
    r = org.upload([("file", "f.geojson", example_bytes())], **form)
    assert message in is_problem(r, 400)["detail"]


def test_text_that_no_database_stores_is_refused(api):
    org = api.org()
    site = org.site()
    for name in ("a\x00b", "\ud800"):
        r = api.client.post(
            "/api/v1/jobs",
            headers={**org.h, "Content-Type": "application/json"},
            content=json.dumps({"kind": "spray", "site": site, "name": name}).encode(),
        )
        is_problem(r, 422)


def test_a_job_chooses_its_dji_aircraft_and_a_bundled_profile(api):
    org = api.org("Dji outputs")
    site = org.site()
    out = {"formats": ["dji-wpml", "qgc-plan"], "dji_aircraft": "M350", "profile": "px4-1.15"}
    r = org.job(site, kind="survey", aircraft=["mapper-quad"], output=out)
    assert r.status_code == 202, r.text
    body = api.wait(org, r.json()["id"])
    assert body["status"] == "done", body
    kmz = next(n for n in body["files"] if n.endswith(".kmz"))
    data = api.client.get(f"/api/v1/jobs/{body['id']}/files/{kmz}", headers=org.h).content
    assert b"<wpml:droneEnumValue>89</wpml:droneEnumValue>" in zipfile_member(data)
    assert body["summary"]["autopilot_profile"] == "px4-1.15"
    # a profile is a bundled name: the API never reads a file of the server's
    for bad in ({"profile": "/etc/passwd"}, {"dji_aircraft": "M9"}):
        is_problem(org.job(site, output=bad), 422)


def zipfile_member(data: bytes, name: str = "wpmz/waylines.wpml") -> bytes:
    import io
    import zipfile

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(name)


def test_an_organisations_own_upload_limit(api):
    """Each organisation may have its own upload limit within the server's: a larger site,
    check or spec sheet is refused with 413 for it and accepted for another."""
    small = api.org("Small uploads", max_upload_mb=0.0005)  # 524 bytes
    other = api.org("Normal uploads")
    example = example_bytes()
    assert len(example) > 524
    body = is_problem(small.upload([("file", "example_field.geojson", example)]), 413)
    assert body["detail"] == (
        f"the upload is {len(example)} bytes, over the organisation's limit of 524 bytes"
    )
    assert other.upload([("file", "example_field.geojson", example)]).status_code == 201
    me = api.client.get("/api/v1/me", headers=small.h).json()
    assert me["org"]["limits"]["upload_bytes"] == int(0.0005 * 2**20)
    checks = api.client.post(
        "/api/v1/checks", headers=small.h, files={"mission": ("m.geojson", example)}
    )
    is_problem(checks, 413)
    spec = api.client.post(
        "/api/v1/aircraft", headers=small.h, files={"file": ("a.yaml", b"x" * 600)}
    )
    is_problem(spec, 413)
