"""Tenancy: every route tried with another organisation's ids (404, exactly as for an id
that does not exist, and none of its data) and with no token (401).  The table of routes is
checked against the app, so a new route without a tenancy case fails here."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .conftest import example_bytes

# method, path template, how to call it ("json", "files" or None)
CASES: list[tuple[str, str, str | None]] = [
    ("GET", "/api/v1/me", None),
    ("PUT", "/api/v1/me/password", "json"),
    ("GET", "/api/v1/users", None),
    ("POST", "/api/v1/users", "json"),
    ("GET", "/api/v1/tokens", None),
    ("POST", "/api/v1/tokens", "json"),
    ("DELETE", "/api/v1/tokens/{token_id}", None),
    ("GET", "/api/v1/sites", None),
    ("POST", "/api/v1/sites", "files"),
    ("GET", "/api/v1/sites/{site_id}", None),
    ("GET", "/api/v1/aircraft", None),
    ("POST", "/api/v1/aircraft", "files"),
    ("GET", "/api/v1/aircraft/{ref}", None),
    ("GET", "/api/v1/jobs", None),
    ("POST", "/api/v1/jobs", "json"),
    ("GET", "/api/v1/jobs/{job_id}", None),
    ("DELETE", "/api/v1/jobs/{job_id}", None),
    ("GET", "/api/v1/jobs/{job_id}/files", None),
    ("GET", "/api/v1/jobs/{job_id}/files/{name}", None),
    ("GET", "/api/v1/jobs/{job_id}/sorties", None),
    ("GET", "/api/v1/kinds", None),
    ("GET", "/api/v1/kinds/{name}", None),
    ("POST", "/api/v1/checks", "files"),
]
PUBLIC = {
    ("GET", "/health"),
    ("POST", "/api/v1/login"),  # signing in is how a user without a token gets one
    # the web app's configuration (basemap URL, version): asked before any token is known,
    # it holds no organisation's data (the app's static files are outside the OpenAPI table)
    ("GET", "/api/v1/config"),
}
SPEC = Path(__file__).parents[2] / "examples" / "my-sprayer.yaml"


def test_the_table_covers_every_route(sqlite_api):
    paths = sqlite_api.client.get("/openapi.json").json()["paths"]
    routes = {(m.upper(), p) for p, ops in paths.items() for m in ops}
    assert routes - PUBLIC == {(m, p) for m, p, _ in CASES}


@pytest.fixture(scope="module")
def two_orgs(api):
    """Org B with one of everything; org A looks for it."""
    a, b = api.org("A"), api.org("B")
    site = b.site()
    craft = api.client.post(
        "/api/v1/aircraft",
        headers=b.h,
        files={"file": ("mine.yaml", SPEC.read_bytes())},
    ).json()["id"]
    job = api.wait(b, b.job(site).json()["id"])
    assert job["status"] == "done"
    token = api.client.post("/api/v1/tokens", headers=b.h, json={"label": "b"}).json()["id"]
    ids = {
        "site_id": site,
        "job_id": job["id"],
        "ref": craft,
        "token_id": token,
        "name": "sortie-01.plan",
    }
    return api, a, b, ids


def _call(api, method, path, how, headers, ids, body_site=None):
    url = path.format(
        **{k: ids.get(k, "spray") for k in ("site_id", "job_id", "ref", "token_id", "name")}
    )
    if path.endswith("{name}") and "kinds" in path:
        url = "/api/v1/kinds/spray"
    kw: dict = {"headers": headers}
    if how == "json":
        if path.endswith("/jobs"):
            kw["json"] = {
                "kind": "spray",
                "site": body_site or ids["site_id"],
                "aircraft": [ids["ref"]],
            }
        elif path.endswith("/users"):
            kw["json"] = {"name": "x", "role": "viewer"}
        elif path.endswith("/password"):
            kw["json"] = {"password": "a long enough password"}
        else:
            kw["json"] = {"label": "x"}
    elif how == "files":
        if path.endswith("/checks"):
            kw["files"] = {"mission": ("m.plan", b"{}")}
            kw["data"] = {"aircraft": ids["ref"]}
        elif path.endswith("/aircraft"):
            kw["files"] = {"file": ("a.yaml", b"x: 1")}
        else:
            kw["files"] = {"file": ("f.geojson", example_bytes())}
    return api.client.request(method, url, **kw)


@pytest.mark.parametrize(("method", "path", "how"), CASES, ids=[f"{m} {p}" for m, p, _ in CASES])
def test_without_a_token_every_route_is_401(two_orgs, method, path, how):
    api, _, _, ids = two_orgs
    r = _call(api, method, path, how, {}, ids)
    assert r.status_code == 401, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


OWNED = [c for c in CASES if "{" in c[1] and "kinds" not in c[1]] + [
    ("POST", "/api/v1/jobs", "json"),
    ("POST", "/api/v1/checks", "files"),
]


@pytest.mark.parametrize(("method", "path", "how"), OWNED, ids=[f"{m} {p}" for m, p, _ in OWNED])
def test_another_organisations_ids_are_not_found(two_orgs, method, path, how):
    api, a, b, ids = two_orgs
    theirs = _call(api, method, path, how, a.h, ids)
    missing = {k: (v[:-4] + "0000" if k != "name" else v) for k, v in ids.items()}
    none = _call(api, method, path, how, a.h, missing)
    assert theirs.status_code == 404, theirs.text
    assert none.status_code == 404, none.text
    # the same answer as for an id that does not exist: nothing of B's shows
    assert theirs.json()["title"] == none.json()["title"] == "Not Found"
    text = theirs.text
    for secret in (b.id, b.user_id, "example_field", "my-sprayer-20"):
        assert secret not in text
    # and B still sees its own
    if method == "GET":
        assert _call(api, method, path, how, b.h, ids).status_code == 200


def test_lists_show_only_the_organisations_own(two_orgs):
    api, a, b, ids = two_orgs
    for path in ("/api/v1/jobs", "/api/v1/sites"):
        assert api.client.get(path, headers=a.h).json()["total"] == 0
        assert api.client.get(path, headers=b.h).json()["total"] >= 1
    own = [x["id"] for x in api.client.get("/api/v1/aircraft", headers=a.h).json()]
    assert ids["ref"] not in own
    users = api.client.get("/api/v1/users", headers=a.h).json()
    assert [u["id"] for u in users] == [a.user_id]
    tokens = api.client.get("/api/v1/tokens", headers=a.h).json()
    assert ids["token_id"] not in [t["id"] for t in tokens]
    assert json.dumps(api.client.get("/api/v1/me", headers=a.h).json()).count(b.id) == 0


def test_a_cancel_from_another_organisation_does_not_touch_the_job(two_orgs):
    api, a, b, ids = two_orgs
    before = api.client.get(f"/api/v1/jobs/{ids['job_id']}", headers=b.h).json()
    assert api.client.delete(f"/api/v1/jobs/{ids['job_id']}", headers=a.h).status_code == 404
    after = api.client.get(f"/api/v1/jobs/{ids['job_id']}", headers=b.h).json()
    assert before == after
