"""The map in Debian's Chromium with every request off this machine refused: the base map
comes from our own static topojson, the demo claims are drawn as markers and routes, a click
opens the claims of a place, at phone, tablet and desktop widths. Screenshots go to
var/screenshots/ (gitignored)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.contrib.auth.models import Group

from tests.dashboard.test_browser import Tab
from tracker.demo import demo_load

pytestmark = pytest.mark.browser

SCREENSHOTS = settings.BASE_DIR / "var" / "screenshots"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


@pytest.fixture
def demo_live(transactional_db, settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # A transactional test before this one flushed the groups a migration made.
    for name in ("Editors", "Analysts"):
        Group.objects.get_or_create(name=name)
    return demo_load()


def _offline(page) -> list[str]:
    """Refuse every request that leaves the machine; returns the list of those refused."""
    refused: list[str] = []

    def route(r):
        parts = urlsplit(r.request.url)
        if parts.scheme in ("data", "blob") or parts.hostname in LOOPBACK:
            r.continue_()
        else:
            refused.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return refused


def test_the_map_draws_offline_with_markers_for_the_demo_claims(browser, live_server, demo_live):
    for width in (360, 768, 1400):  # one demo for every width (loading it is the slow part)
        context = browser.new_context(viewport={"width": width, "height": 900})
        try:
            tab = Tab(context, live_server.url)
            refused = _offline(tab.page)
            requested: list[str] = []
            tab.page.on("request", lambda r, seen=requested: seen.append(r.url))
            page = tab.open("/map/")
            # The geo layer drew land and country borders from our topojson.
            land = page.locator("#map .geo .layer.land path").first.get_attribute("d") or ""
            assert len(land) > 1000  # coastlines from the topojson, not an empty path
            assert page.locator("#map .geo .layer.countries path").count() > 0
            assert any(u.endswith("/static/vendor/topojson/world_110m.json") for u in requested)
            # Markers for the demo's places and lines for its arms routes.
            assert page.locator("#map .scattergeo .point").count() >= 20
            assert page.locator("#map .scattergeo .js-line").count() >= 2
            rows = page.locator("#places-table tbody tr")
            assert rows.count() >= 20
            # The page fits the screen; the table scrolls inside its box.
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOTS / f"map-{width}.png"), full_page=True)
            assert refused == [] and tab.errors == []
        finally:
            context.close()


def test_a_click_on_a_marker_opens_the_claims_of_that_place(browser, live_server, demo_live):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        tab = Tab(context, live_server.url)
        _offline(tab.page)
        page = tab.open("/map/")
        point = page.locator("#map .scattergeo .point").first
        box = point.bounding_box()
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_url(re.compile(r"/claims/\?place=[a-z0-9-]+"))
        assert page.locator("table.claims tbody tr").count() > 0
        # The keyboard's way: the table's links go to the same place.
        page.goto(live_server.url + "/map/")
        link = page.locator("#places-table a").first
        assert re.search(r"/claims/\?place=[a-z0-9-]+$", link.get_attribute("href"))
        panels = {}
        for path in ("/", "/arms/", "/border/"):
            tab.open(path)
            panels[path] = page.locator("#map-panel .scattergeo .point").count()
        assert all(n > 0 for n in panels.values()), panels
        assert tab.errors == []
    finally:
        context.close()
