"""The web app end to end, in a real headless Chromium (Debian's) driven by Playwright: sign
in, upload the example sites, plan a spray job, a power line and a delivery day through the
forms, see the sortie layer and table, download ``sortie-01.plan`` through the page and
validate it, check an export, compare two plans, tenancy (another organisation's job is
"not found"), the keyboard and the layout at 1366×768 and on a tablet.  Screenshots of each
screen go to ``docs/screenshots/`` (shown in the README)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airwork.testing import browser as chromium_helpers

ROOT = Path(__file__).parents[2]
EXAMPLES = ROOT / "examples"
SHOTS = ROOT / "docs" / "screenshots"
TABLET = {"width": 820, "height": 1180}
DESKTOP = {"width": 1366, "height": 768}


@pytest.fixture(scope="module")
def web(engine, tmp_path_factory) -> Iterator[dict[str, Any]]:
    """The service (SQLite) served on a free port, with two organisations."""
    import httpx

    from airwork.service import Settings, create_app
    from airwork.service.auth import create_org

    tmp = tmp_path_factory.mktemp("webapp")
    app = create_app(
        Settings(data_dir=tmp / "data", db_url=f"sqlite:///{tmp / 'a.db'}"), engine=engine
    )
    with chromium_helpers.serving(app) as base:
        acme = create_org(app.state.service.db, "Acme")
        other = create_org(app.state.service.db, "Other")
        pager = create_org(app.state.service.db, "Pager")  # its jobs: the paging test's only
        with httpx.Client(base_url=base, timeout=60) as client:
            yield {
                "base": base,
                "acme": acme["token"],
                "other": other["token"],
                "pager": pager["token"],
                "http": client,
            }


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    exe = chromium_helpers.chromium()
    if exe is None:
        reason = "no Chromium: /usr/bin/chromium is missing and cannot be installed (not root)"
        if os.environ.get("CI"):  # CI must run the browser tests, not skip them
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=chromium_helpers.ARGS)
        yield b
        b.close()


def open_page(browser, web, token: str | None = "acme", viewport=DESKTOP):
    """A new tab, signed in with ``token`` (an organisation's name in ``web``) or not."""
    context = browser.new_context(viewport=viewport, accept_downloads=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.errors = errors
    if token:
        value = json.dumps(web[token])
        context.add_init_script(f"sessionStorage.setItem('airwork.token', {value})")
    page.set_default_timeout(30_000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


def panel_top(page) -> None:
    """The side panel back at its top (the summary and the table) for a screenshot."""
    page.evaluate("() => { const s = document.querySelector('.side'); if (s) s.scrollTop = 0 }")


def api(web, path: str, token: str = "acme", **kw: Any) -> Any:
    r = web["http"].request(
        kw.pop("method", "GET"),
        f"/api/v1{path}",
        headers={"Authorization": f"Bearer {web[token]}"},
        **kw,
    )
    r.raise_for_status()
    return r


def upload_and_plan(page, web, files: list[Path], kind: str, aircraft: str, **params: str) -> str:
    """Through the New job page: upload ``files``, pick the kind and aircraft, fill
    ``params``, plan; the job's id once its map is drawn."""
    page.goto(web["base"] + "/#/new")
    page.wait_for_selector("#params [data-param]")
    page.set_input_files("#site-files", [str(f) for f in files])
    page.click("#upload")
    page.wait_for_selector("#uploaded")
    page.select_option("#kind", kind)
    page.wait_for_selector("#params [data-param]")
    page.select_option("#aircraft", aircraft)
    for name, value in params.items():
        page.fill(f"#param-{name}", value)
    page.click("#plan")
    page.wait_for_selector("[data-view=job]", timeout=60_000)
    page.wait_for_selector(".map[data-rendered=mission]", timeout=30_000)
    return page.url.rsplit("/", 1)[-1]


def rendered(page, layers: list[str]) -> int:
    return page.evaluate(
        "(ls) => { const m = window.airworkMaps.at(-1); "
        "return m.queryRenderedFeatures({layers: ls.filter(l => m.getLayer(l))}).length }",
        layers,
    )


def download(page, name: str) -> bytes:
    with page.expect_download() as info:
        page.click(f"button[data-file='{name}']")
    return Path(info.value.path()).read_bytes()


def validate_plan(data: bytes, tmp: Path) -> None:
    """A QGroundControl plan: the keys QGC requires, and airwork's own reader accepts it."""
    from airwork.autopilot.read import read_mission_file

    plan = json.loads(data)
    assert plan["fileType"] == "Plan"
    assert {"groundStation", "mission", "geoFence", "rallyPoints"} <= set(plan)
    assert plan["mission"]["items"], "no mission items"
    path = tmp / "sortie-01.plan"
    path.write_bytes(data)
    assert len(read_mission_file(path).items) >= 3


def check_job_page(page, web, job_id: str, tmp: Path) -> dict[str, Any]:
    """The sortie layer drawn, one table row per sortie, sortie-01.plan downloaded and
    valid, byte for byte the API's."""
    job = api(web, f"/jobs/{job_id}").json()
    sorties = api(web, f"/jobs/{job_id}/sorties").json()["sorties"]
    assert len(sorties) >= 1
    assert page.locator("#sorties tbody tr").count() == len(sorties)
    count = (
        job["summary"].get("sorties")
        or job["summary"].get("flights")
        or job["summary"].get("trips")
    )
    assert count == len(sorties)
    assert page.locator(".map").get_attribute("data-sorties") == str(len(sorties))
    assert rendered(page, ["legs-work", "legs-transit"]) > 0
    data = download(page, "sortie-01.plan")
    assert data == api(web, f"/jobs/{job_id}/files/sortie-01.plan").content
    validate_plan(data, tmp)
    assert not page.errors, page.errors
    return job


# ---------------------------------------------------------------------------- scenarios
def test_sign_in_with_a_token(browser, web):
    page = open_page(browser, web, token=None)
    page.goto(web["base"] + "/")
    page.wait_for_selector("[data-view=sign-in]")
    shot(page, "sign-in.png")
    page.fill("#token", "aw_not_a_token")
    page.click("text=Sign in with the token")
    page.wait_for_selector("[role=alert]")
    assert "not valid" in page.inner_text("[role=alert]")
    page.fill("#token", web["acme"])
    page.click("text=Sign in with the token")
    page.wait_for_selector("[data-view=jobs]")
    assert page.evaluate("sessionStorage.getItem('airwork.token')") == web["acme"]
    assert page.evaluate("localStorage.length") == 0
    csp = web["http"].get("/").headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp
    page.context.close()
    # a token that is no longer valid (revoked, expired) leads back to the sign-in page
    web["revoked"] = "aw_revoked_or_expired"
    page = open_page(browser, web, token="revoked")
    page.goto(web["base"] + "/#/jobs")
    page.wait_for_selector("[data-view=sign-in]")
    assert not page.errors, page.errors
    page.context.close()


def test_sign_in_with_a_password(browser, web):
    body = {"name": "pia", "role": "pilot", "password": "correct horse battery"}
    api(web, "/users", method="POST", json=body)
    page = open_page(browser, web, token=None)
    page.goto(web["base"] + "/")
    page.wait_for_selector("[data-view=sign-in]")
    page.fill("#login-org", "Acme")
    page.fill("#login-user", "pia")
    page.fill("#login-password", "not the password")
    page.click("form[aria-labelledby=t-login] button[type=submit]")
    page.wait_for_selector("[role=alert]")
    assert "wrong organisation, user or password" in page.inner_text("[role=alert]")
    page.fill("#login-password", "correct horse battery")
    page.click("form[aria-labelledby=t-login] button[type=submit]")
    page.wait_for_selector("[data-view=jobs]")
    assert page.inner_text("#who") == "pia · Acme"
    assert page.evaluate("sessionStorage.getItem('airwork.token')").startswith("aw_")
    page.context.close()


def test_spray_upload_plan_see_and_download(browser, web, tmp_path):
    page = open_page(browser, web)
    page.goto(web["base"] + "/#/new")
    page.wait_for_selector("#params [data-param]")
    shot(page, "upload.png")
    page.locator("#plan").scroll_into_view_if_needed()
    shot(page, "plan-form.png")
    job_id = upload_and_plan(
        page, web, [EXAMPLES / "farm-with-pylons.geojson"], "spray", "sprayer-40"
    )
    job = check_job_page(page, web, job_id, tmp_path)
    assert job["kind"] == "spray"
    # the stations' names, hover shows lat/lon and local metres, a row selects a sortie
    assert page.locator(".marker-label", has_text="truck A").count() == 1
    box = page.locator(".map canvas").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    status = page.inner_text("#status")
    assert "lat " in status and " m from the site centre" in status
    page.click("#sorties tbody tr:nth-child(9)")
    assert page.get_attribute("#sorties tbody tr:nth-child(9)", "aria-selected") == "true"
    page.wait_for_timeout(400)
    panel_top(page)
    shot(page, "spray-plan.png")
    page.context.close()


def test_power_line(browser, web, tmp_path):
    page = open_page(browser, web)
    job_id = upload_and_plan(
        page, web, [EXAMPLES / "powerline.geojson"], "powerline", "inspector-quad"
    )
    check_job_page(page, web, job_id, tmp_path)
    assert rendered(page, ["towers"]) == 10
    assert page.locator(".marker-label", has_text="L1-1").count() >= 1
    # the line is drawn, and the vantage photo points are the plan's photo waypoints
    fc = json.loads(api(web, f"/jobs/{job_id}/files/mission.geojson").content)
    photos = [f for f in fc["features"] if f["properties"]["role"] == "photo"]
    shown = page.evaluate(
        "() => window.airworkMaps.at(-1).getSource('photos').serialize().data.features.length"
    )
    assert len(photos) > 0 and shown == len(photos)
    assert rendered(page, ["powerlines"]) >= 1
    panel_top(page)
    shot(page, "powerline-plan.png")
    page.context.close()


def test_delivery_day(browser, web, tmp_path):
    page = open_page(browser, web)
    job_id = upload_and_plan(
        page,
        web,
        [EXAMPLES / "delivery.geojson", EXAMPLES / "delivery-orders.csv"],
        "delivery",
        "delivery-hex",
        runtime_s="2",
    )
    check_job_page(page, web, job_id, tmp_path)
    assert rendered(page, ["orders"]) > 0
    drones = page.locator("#sorties tbody tr td:nth-child(2)").all_inner_texts()
    assert all("delivery-hex" in d for d in drones)
    # coloured by drone as in mission.png: one legend entry per drone, a trip's swatch
    # is its drone's colour
    legend = page.inner_text(".legend")
    assert all(f"drone {d}" in legend for d in set(drones))
    swatches = page.eval_on_selector_all(
        "#sorties tbody tr td:first-child .swatch", "els => els.map(e => e.style.background)"
    )
    assert len(set(swatches)) == len(set(drones))
    assert {(d, c) for d, c in zip(drones, swatches, strict=True)} == set(
        dict(zip(drones, swatches, strict=True)).items()
    )
    # one drone's trips highlighted together
    first = sorted(set(drones))[0]
    page.select_option("#drone", first)
    picked = page.locator("#sorties tbody tr[aria-selected=true]").count()
    assert picked == drones.count(first)
    page.wait_for_timeout(300)
    panel_top(page)
    shot(page, "delivery-plan.png")
    page.context.close()


def _spray_jobs(web, n: int) -> tuple[str, list[str]]:
    """A site and ``n`` done spray plans of it (different swaths), through the API."""
    return _spray_jobs_of(web, "acme", n)


def _spray_jobs_of(web, org: str, n: int) -> tuple[str, list[str]]:
    """``org``'s site and ``n`` done spray plans of it (different swaths)."""
    import time

    data = (EXAMPLES / "farm-with-pylons.geojson").read_bytes()
    files = {"file": ("farm.geojson", data)}
    site = api(web, "/sites", org, method="POST", files=files).json()["id"]
    ids = []
    for i in range(n):
        body = {
            "kind": "spray",
            "site": site,
            "aircraft": ["sprayer-40"],
            "params": {"swath_m": 9 + 2 * i},
        }
        ids.append(api(web, "/jobs", org, method="POST", json=body).json()["id"])
    for job_id in ids:
        end = time.monotonic() + 60
        while api(web, f"/jobs/{job_id}", org).json()["status"] not in ("done", "failed"):
            assert time.monotonic() < end
            time.sleep(0.1)
    return site, ids


def test_check_markers_and_compare(browser, web, tmp_path):
    _, (a, b) = _spray_jobs(web, 2)
    page = open_page(browser, web)
    page.goto(web["base"] + f"/#/jobs/{a}")
    page.wait_for_selector(".map[data-rendered=mission]")
    # a no-fly zone across the field: every entry a marker with its reason
    fc = json.loads((EXAMPLES / "farm-with-pylons.geojson").read_text())
    field = next(f for f in fc["features"] if f["properties"].get("role") == "field")
    xs = [p[0] for p in field["geometry"]["coordinates"][0]]
    ys = [p[1] for p in field["geometry"]["coordinates"][0]]
    cx, cy, d = (min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2, 0.0008
    ring = [
        [cx - d, cy - d],
        [cx + d, cy - d],
        [cx + d, cy + d],
        [cx - d, cy + d],
        [cx - d, cy - d],
    ]
    feature = {
        "type": "Feature",
        "properties": {"role": "no_fly", "name": "heliport"},
        "geometry": {"type": "Polygon", "coordinates": [ring]},
    }
    zone = {"type": "FeatureCollection", "features": [feature]}
    path = tmp_path / "zones.geojson"
    path.write_text(json.dumps(zone))
    page.select_option("#check-mission", "mission.geojson")
    page.set_input_files("#check-airspace", str(path))
    page.click("#check")
    page.wait_for_selector("#check-result [data-ok]")
    assert page.get_attribute("#check-result [data-ok]", "data-ok") == "false"
    assert page.locator(".marker-check").count() > 0
    assert "heliport" in page.locator(".marker-check").first.get_attribute("title")
    # the zone given for the check is drawn under the markers, with a legend entry
    assert page.get_attribute(".map", "data-check-given") == "1"
    assert rendered(page, ["check-given-fill"]) >= 1
    assert "zone given for the check" in page.inner_text(".legend")
    page.locator(".maplibregl-marker.marker-check").last.click()
    assert "heliport" in page.inner_text(".maplibregl-popup")
    page.locator("#check-result").scroll_into_view_if_needed()
    shot(page, "check.png")
    page.goto(web["base"] + f"/#/compare/{a}/{b}")
    page.wait_for_selector("[data-view=compare]")
    from playwright.sync_api import expect

    expect(page.locator(".map[data-rendered=mission]")).to_have_count(2, timeout=30_000)
    assert page.locator("#compare-table tbody tr").count() > 5
    shot(page, "compare.png")
    assert not page.errors, page.errors
    page.context.close()


def _lnglat(page, px: float, py: float) -> list[float]:
    """The map's ``unproject`` of a point in page pixels."""
    return page.evaluate(
        "([x, y]) => { const m = window.airworkMaps.at(-1); "
        "const r = m.getCanvas().getBoundingClientRect(); "
        "const c = m.unproject([x - r.left, y - r.top]); return [c.lng, c.lat] }",
        [px, py],
    )


def _ring(site: dict[str, Any]) -> list[list[float]]:
    """The one polygon's exterior ring (without its closing vertex) of a site's geometry."""
    geoms = site["geometry"].get("geometries") or [site["geometry"]]
    polygons = [g for g in geoms if g["type"] == "Polygon"]
    assert len(polygons) == 1, geoms
    return polygons[0]["coordinates"][0][:-1]


def _handles(page, vertices: int) -> None:
    """Wait until the selected shape's vertex handles (and its midpoints) are drawn."""
    page.wait_for_function(
        "(n) => { const m = window.airworkMaps.at(-1); "
        "return m.queryRenderedFeatures({layers: ['handles-vertex']}).length === n "
        "&& (n === 1 || m.queryRenderedFeatures({layers: ['handles-mid']}).length >= n - 1) }",
        arg=vertices,
    )


def test_draw_edit_and_upload_a_site(browser, web):
    page = open_page(browser, web)
    page.goto(web["base"] + "/#/draw")
    page.wait_for_selector("[data-view=draw] .map[data-shapes] canvas")
    box = page.locator(".map canvas").bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    at = {
        k: (x + fx * w, y + fy * h)
        for k, (fx, fy) in enumerate(((0.3, 0.3), (0.7, 0.3), (0.7, 0.7), (0.3, 0.7)))
    }
    # a field: four clicks, finished; Escape cancels a drawing half done
    page.select_option("#draw-role", "field")
    for px, py in at.values():
        page.mouse.click(px, py)
    page.click("text=Finish the shape")
    assert page.get_attribute(".map", "data-selected") == "0"
    page.mouse.click(x + 0.1 * w, y + 0.9 * h)
    page.mouse.click(x + 0.15 * w, y + 0.9 * h)
    assert page.locator("#draw-list li.draft").count() == 1
    page.keyboard.press("Escape")
    assert page.locator("#draw-list li.draft").count() == 0
    # select the field by clicking inside it, drag vertex 3, double-click vertex 1 away
    page.click("#draw-mode-select")
    page.mouse.click(x + 0.5 * w, y + 0.45 * h)
    assert page.get_attribute(".map", "data-selected") == "0"
    _handles(page, 4)
    target = (x + 0.8 * w, y + 0.8 * h)
    page.mouse.move(*at[2])
    page.mouse.down()
    page.mouse.move(at[2][0] + 10, at[2][1] + 10, steps=3)
    page.mouse.move(*target, steps=8)
    page.mouse.up()
    expected = _lnglat(page, *target)
    one_px = _lnglat(page, target[0] + 1, target[1] + 1)
    tol = 3 * max(abs(one_px[0] - expected[0]), abs(one_px[1] - expected[1]))
    deleted = _lnglat(page, *at[0])
    _handles(page, 4)
    page.mouse.dblclick(*at[0])
    assert "(3 vertices)" in page.inner_text("#draw-list li[data-index='0']")
    # a midpoint inserts a vertex, the button deletes it again
    mid = ((at[1][0] + target[0]) / 2, (at[1][1] + target[1]) / 2)
    _handles(page, 3)
    page.mouse.click(*mid)
    assert "(4 vertices)" in page.inner_text("#draw-list li[data-index='0']")
    page.click("#draw-del-vertex")
    assert "(3 vertices)" in page.inner_text("#draw-list li[data-index='0']")
    # a station, renamed in place (its name shows on the map), and a power line
    page.click("#draw-mode-add")
    page.select_option("#draw-role", "station")
    page.fill("#draw-name", "van")
    page.mouse.click(x + 0.2 * w, y + 0.2 * h)
    page.fill("#draw-sel-name", "truck A")
    assert page.locator(".marker-label", has_text="truck A").count() == 1
    assert page.locator(".marker-label", has_text="van").count() == 0
    page.select_option("#draw-role", "line")
    page.fill("#draw-name", "")
    page.mouse.click(x + 0.1 * w, y + 0.5 * h)
    page.mouse.click(x + 0.1 * w, y + 0.8 * h)
    page.focus(".map canvas")
    page.keyboard.press("Enter")
    # an obstacle, deleted from the keyboard in the list
    page.select_option("#draw-role", "obstacle")
    for fx, fy in ((0.85, 0.1), (0.95, 0.1), (0.9, 0.2)):
        page.mouse.click(x + fx * w, y + fy * h)
    page.mouse.dblclick(x + 0.9 * w, y + 0.2 * h)
    items = page.locator("#draw-list li[data-index]")
    assert items.count() == 4
    assert "obstacle (3 vertices)" in items.nth(3).inner_text()
    items.nth(3).focus()
    page.keyboard.press("Enter")
    assert items.nth(3).get_attribute("aria-selected") == "true"
    page.keyboard.press("Delete")
    assert items.count() == 3
    # undo brings the obstacle back with its vertices, redo deletes it again; so do the keys
    page.click("#draw-undo")
    assert items.count() == 4
    assert "obstacle (3 vertices)" in items.nth(3).inner_text()
    page.click("#draw-redo")
    assert items.count() == 3
    page.focus(".map canvas")
    page.keyboard.press("Control+z")
    assert items.count() == 4
    page.keyboard.press("Control+Shift+z")
    assert items.count() == 3
    # two undos take back the deletion and then the drawing; redo replays both
    page.click("#draw-undo")
    page.click("#draw-undo")
    assert items.count() == 3
    assert "obstacle" not in " ".join(items.all_inner_texts())
    page.click("#draw-redo")
    assert items.count() == 4
    page.click("#draw-redo")
    assert items.count() == 3
    # a new change after an undo clears what could be redone
    page.click("#draw-undo")
    assert items.count() == 4
    items.nth(3).focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Delete")
    assert items.count() == 3
    page.click("#draw-redo")
    assert items.count() == 3
    assert "Nothing to redo" in page.inner_text("#draw-message")
    items.nth(0).click()
    _handles(page, 3)
    shot(page, "draw.png")
    # the GeoJSON file the page sends (FormData bodies are not shown to Playwright)
    page.evaluate(
        "() => { const f = window.fetch; window.sentFiles = []; window.fetch = async (u, o) => {"
        " if (o && o.body instanceof FormData)"
        " window.sentFiles.push(await o.body.get('file').text());"
        " return f(u, o) } }"
    )
    page.click("#draw-upload")
    page.wait_for_function("() => window.sentFiles.length > 0")
    sent = json.loads(page.evaluate("window.sentFiles.at(-1)"))
    props = [f["properties"] for f in sent["features"]]
    assert [p["role"] for p in props] == ["field", "station", "line"]
    assert props[1]["name"] == "truck A"
    line = sent["features"][2]
    assert line["geometry"]["type"] == "LineString" and props[2]["height_m"] > 0
    page.wait_for_selector("text=Uploaded site")
    text = page.inner_text("[data-view=draw]")
    assert "1 field" in text and "1 station" in text and " ha" in text
    assert "obstacle" not in page.inner_text("#draw-out")
    site_id = page.get_attribute("#draw-out [data-site]", "data-site")
    ring = _ring(api(web, f"/sites/{site_id}").json())
    assert len(ring) == 3
    assert any(abs(p[0] - expected[0]) < tol and abs(p[1] - expected[1]) < tol for p in ring), (
        ring,
        expected,
    )
    assert not any(abs(p[0] - deleted[0]) < tol and abs(p[1] - deleted[1]) < tol for p in ring), (
        ring,
        deleted,
    )
    assert not page.errors, page.errors
    page.context.close()


def test_draw_validates_and_shows_the_refusal(browser, web):
    page = open_page(browser, web)
    page.goto(web["base"] + "/#/draw")
    page.wait_for_selector("[data-view=draw] .map[data-shapes] canvas")
    box = page.locator(".map canvas").bounding_box()
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.click("#draw-upload")
    assert "Draw at least one" in page.inner_text("#draw-out [role=alert]")
    # two clicks are no polygon: said in the page, nothing sent
    page.mouse.click(x + 0.3 * w, y + 0.3 * h)
    page.mouse.click(x + 0.6 * w, y + 0.3 * h)
    page.click("text=Finish the shape")
    assert "at least 3" in page.inner_text("#draw-message")
    page.keyboard.press("Escape")
    # a bow tie is a polygon the server refuses: its one-line problem shown
    for fx, fy in ((0.3, 0.3), (0.7, 0.7), (0.7, 0.3), (0.3, 0.7)):
        page.mouse.click(x + fx * w, y + fy * h)
    page.click("text=Finish the shape")
    page.click("#draw-upload")
    alert = page.locator("#draw-out [role=alert]")
    alert.wait_for()
    assert "(HTTP 4" in alert.inner_text() and "\n" not in alert.inner_text().strip()
    assert not page.errors, page.errors
    page.context.close()


def test_another_organisations_job_is_not_found(browser, web):
    _, (theirs,) = _spray_jobs(web, 1)
    page = open_page(browser, web, token="other")
    page.goto(web["base"] + f"/#/jobs/{theirs}")
    page.wait_for_selector("[data-view=not-found]")
    assert "Not found" in page.inner_text("h1")
    assert "farm" not in page.inner_text("main")
    shot(page, "not-found.png")
    # nor can it be compared with one's own
    _, (mine,) = _spray_jobs_of(web, "other", 1)
    page.goto(web["base"] + f"/#/compare/{mine}/{theirs}")
    page.wait_for_selector("[data-view=not-found]")
    assert not page.errors, page.errors
    page.context.close()


def test_keyboard_reaches_the_main_controls(browser, web):
    _, (job,) = _spray_jobs(web, 1)
    page = open_page(browser, web)
    page.goto(web["base"] + f"/#/jobs/{job}")
    page.wait_for_selector(".map[data-rendered=mission]")
    reached = []
    for _ in range(40):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                "(e => e.textContent.trim().slice(0, 30) + '|' + e.tagName)(document.activeElement)"
            )
        )
    text = " ".join(reached)
    for name in ("Jobs", "New job", "Compare", "Sign out", "Compare with another plan"):
        assert name in text, (name, reached)
    assert "|TR" in text  # table rows take the focus
    page.focus("#sorties tbody tr:nth-child(3)")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    assert page.get_attribute("#sorties tbody tr:nth-child(4)", "aria-selected") == "true"
    page.goto(web["base"] + "/#/new")
    page.wait_for_selector("#drop")
    page.focus("#drop")
    assert page.evaluate("document.activeElement.id") == "drop"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"
    page.context.close()


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET], ids=["1366x768", "tablet"])
def test_layout_has_no_horizontal_overflow(browser, web, viewport):
    _, (job,) = _spray_jobs(web, 1)
    page = open_page(browser, web, viewport=viewport)
    for route in (f"#/jobs/{job}", "#/new", "#/draw", "#/jobs", f"#/compare/{job}/{job}"):
        page.goto(web["base"] + "/" + route)
        page.wait_for_selector("[data-view]")
        if "jobs/" in route or "compare/" in route:
            page.wait_for_selector(".map[data-rendered=mission]")
        over = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert over <= 0, (route, over)
        if viewport is TABLET and route.startswith("#/jobs/"):
            shot(page, "tablet.png")
    page.context.close()


def test_a_basemap_shows_its_providers_credit(browser, engine, tmp_path):
    """Tile providers require their credit under their tiles: the map shows the operator's
    ``--basemap-attribution`` as text (MapLibre writes attributions as HTML: escaped)."""
    from airwork.service import Settings, create_app
    from airwork.service.auth import create_org

    credit = "© Test Tiles <b>contributors</b> & co"
    app = create_app(
        Settings(
            data_dir=tmp_path / "data",
            db_url=f"sqlite:///{tmp_path / 'b.db'}",
            basemap_url="http://127.0.0.1:9/{z}/{x}/{y}.png",  # refused at once: no tiles
            basemap_attribution=credit,
        ),
        engine=engine,
    )
    with chromium_helpers.serving(app) as base:
        token = create_org(app.state.service.db, "Tiles")["token"]
        page = open_page(browser, {"base": base, "tiles": token}, token="tiles")
        page.goto(base + "/#/draw")
        page.wait_for_selector(".maplibregl-ctrl-attrib")
        text = page.inner_text(".maplibregl-ctrl-attrib")
        assert credit in text
        assert page.query_selector(".maplibregl-ctrl-attrib b") is None
        page.context.close()


def test_the_chosen_site_is_drawn_before_planning(browser, web):
    """An uploaded (or picked) site is drawn on the New job page: its field, obstacles and
    stations, by role, before any job is planned."""
    farm = json.loads((EXAMPLES / "farm-with-pylons.geojson").read_text())
    roles = {f["properties"].get("role") for f in farm["features"]}
    page = open_page(browser, web)
    page.goto(web["base"] + "/#/new")
    page.wait_for_selector("#params [data-param]")
    page.set_input_files("#site-files", [str(EXAMPLES / "farm-with-pylons.geojson")])
    page.click("#upload")
    page.wait_for_selector("#uploaded")
    site_id = page.input_value("#site")  # the upload's (earlier tests' sites are listed too)
    page.wait_for_selector(f"#site-map[data-rendered=site][data-site='{site_id}']")
    site = api(web, f"/sites/{site_id}").json()
    drawn = int(page.get_attribute("#site-map", "data-features"))
    assert drawn == len(site["features"]["features"]) >= len(farm["features"])
    assert {f["properties"]["role"] for f in site["features"]["features"]} <= roles | {"field"}
    assert rendered(page, ["area-field"]) > 0
    assert rendered(page, ["stations"]) == 2  # both trucks in view
    assert "farm-with-pylons" in page.inner_text("#site-text")
    shot(page, "site-preview.png")
    page.context.close()


def test_the_jobs_list_pages_through_older_jobs(browser, web):
    """The list shows a page and fetches older jobs on demand (it showed the newest 100 and
    nothing beyond)."""
    _, jobs = _spray_jobs_of(web, "pager", 5)
    page = open_page(browser, web, token="pager")
    page.context.add_init_script("sessionStorage.setItem('airwork.pageSize', '2')")
    page.goto(web["base"] + "/#/jobs")
    page.wait_for_selector("#more-jobs")
    listed = lambda: page.locator("[data-view=jobs] tbody tr").count()  # noqa: E731
    assert listed() == 2 and page.inner_text("#jobs-shown") == "2 of 5 job(s)"
    page.click("#more-jobs")
    page.locator("[data-view=jobs] tbody tr").nth(3).wait_for()
    page.click("#more-jobs")
    page.locator("[data-view=jobs] tbody tr").nth(4).wait_for()
    assert page.is_hidden("#more-jobs") and page.inner_text("#jobs-shown") == "5 of 5 job(s)"
    links = page.eval_on_selector_all(
        "[data-view=jobs] tbody tr td:first-child a", "els => els.map(e => e.hash)"
    )
    assert links == [f"#/jobs/{j}" for j in reversed(jobs)]  # each once, newest first
    page.context.close()


def test_an_existing_site_is_edited_in_the_drawing_tool(browser, web):
    """A stored site opens in the drawing tool with its shapes and their properties (from
    the New job page's link); an obstacle deleted there, the upload is a new site with the
    rest kept as it was: stations' names, obstacles' heights."""
    farm = json.loads((EXAMPLES / "farm-with-pylons.geojson").read_text())
    page = open_page(browser, web)
    page.goto(web["base"] + "/#/new")
    page.wait_for_selector("#params [data-param]")
    page.set_input_files("#site-files", [str(EXAMPLES / "farm-with-pylons.geojson")])
    page.click("#upload")
    page.wait_for_selector("#uploaded")
    old_id = page.input_value("#site")
    old = api(web, f"/sites/{old_id}").json()
    page.wait_for_selector(f"#site-map[data-rendered=site][data-site='{old_id}']")
    page.click("#edit-site")
    page.wait_for_selector(f"[data-view=draw] .map[data-site='{old_id}']")
    shapes = len(old["features"]["features"])
    assert page.get_attribute("[data-view=draw] .map", "data-shapes") == str(shapes)
    assert "Editing farm-with-pylons" in page.inner_text("#draw-message")
    obstacles = page.locator("#draw-list li[data-role=obstacle]")
    before = obstacles.count()
    assert before == old["summary"]["features"]["obstacle"]
    obstacles.first.click()
    page.click("#draw-del-shape")
    page.click("#draw-upload")
    page.wait_for_selector("#draw-out [data-site]")
    new = api(web, f"/sites/{page.get_attribute('#draw-out [data-site]', 'data-site')}").json()
    assert new["id"] != old_id and new["name"] == "farm-with-pylons (edited)"
    assert new["summary"]["features"]["obstacle"] == before - 1
    assert new["summary"]["field_area_ha"] == pytest.approx(old["summary"]["field_area_ha"])

    def props(site, role):
        return sorted(
            json.dumps(f["properties"], sort_keys=True)
            for f in site["features"]["features"]
            if f["properties"]["role"] == role
        )

    assert props(new, "station") == props(old, "station")  # names kept
    names = {f["properties"].get("name") for f in farm["features"]}
    assert {"truck A", "truck B"} <= names
    assert set(props(new, "obstacle")) < set(props(old, "obstacle"))  # heights kept
    assert not page.errors, page.errors
    page.context.close()
