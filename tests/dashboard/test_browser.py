"""The dashboard in Debian's Chromium (Playwright, sync API) against a live server: pages load
with no console errors, charts draw, filters change charts, claim links open. Screenshots of
every page go to $ARTIFACTS_DIR/screenshots (var/artifacts/screenshots by default)."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth.models import Permission
from django.test import Client

from tests.dashboard.pages import demo_pages
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

SCREENSHOTS = (
    Path(os.environ.get("ARTIFACTS_DIR") or settings.BASE_DIR / "var" / "artifacts") / "screenshots"
)


class Tab:
    """A page that records console errors and uncaught exceptions."""

    def __init__(self, context, base_url: str):
        self.base_url = base_url
        self.page = context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def open(self, path: str):
        self.page.goto(self.base_url + path, wait_until="load")
        self.wait_for_charts()
        return self.page

    def wait_for_charts(self):
        self.page.wait_for_function(
            # A function, not an expression: Playwright polls an expression with eval, which
            # our CSP refuses once the first check comes back false.
            "() => document.querySelectorAll('.chart').length === "
            "document.querySelectorAll('.chart[data-drawn]').length",
            timeout=15000,
        )

    def shot(self, name: str):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def tab(browser, live_server, live_demo):
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    yield Tab(context, live_server.url)
    context.close()


@pytest.fixture
def editor_tab(browser, live_server, live_demo):
    # Transactional tests flush the Editors group that a migration made; grant the permission.
    editor = UserFactory(username="editor", is_staff=True)
    editor.user_permissions.add(Permission.objects.get(codename="review_claim"))
    client = Client()
    client.force_login(editor)
    context = browser.new_context(viewport={"width": 1360, "height": 900})
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    yield Tab(context, live_server.url)
    context.close()


def _chart_count(page) -> int:
    return page.locator(".chart").count()


def test_every_page_loads_without_console_errors_and_draws_its_charts(tab, live_demo):
    pages = demo_pages(live_demo)
    with_charts = {"overview", "timeline", "totals", "arms", "border", "map"}
    for name, path in pages.items():
        page = tab.open(path)
        charts = _chart_count(page)
        if name in with_charts:
            assert charts > 0, name
        # Every chart container holds a drawn SVG.
        assert page.locator(".chart .main-svg").count() >= charts, name
        tab.shot(name)
    assert tab.errors == []


def test_changing_a_filter_changes_the_chart(tab):
    page = tab.open("/timeline/")
    before = page.locator("#timeline .point").count()
    panels_before = page.locator("#timeline .infolayer .annotation").count()
    page.select_option("select[name=category]", "casualties")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"category=casualties"))
    tab.wait_for_charts()
    after = page.locator("#timeline .point").count()
    assert 0 < after < before
    assert page.locator("#timeline .infolayer .annotation").count() < panels_before
    assert "Casualties" in page.locator("figcaption").first.inner_text()
    assert tab.errors == []


def test_the_filters_carry_across_pages(tab):
    page = tab.open("/timeline/?category=casualties&min_confidence=high")
    page.click("nav a:text('Running totals')")
    page.wait_for_url(re.compile(r"/totals/\?.*min_confidence=high"))
    tab.wait_for_charts()
    assert page.locator("select[name=min_confidence]").input_value() == "high"


def test_a_claim_link_in_the_browser_opens_its_page(tab, live_demo):
    page = tab.open("/claims/?category=casualties&sort=date")
    page.locator("table.claims tbody tr td:nth-child(2) a").first.click()
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    assert "killed or wounded" in page.locator("h1").inner_text()


def test_clicking_a_timeline_point_opens_the_claim(tab, live_demo):
    page = tab.open("/timeline/?subtype=killed_or_wounded")
    # A point of the chart itself (the date brush below it draws the same points again).
    point = page.locator("#timeline .cartesianlayer .point").first
    box = point.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.wait_for_url(re.compile(r"/claims/\d+/$"))
    claim_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
    assert claim_id in {c.pk for c in live_demo.claims.values() if c.subtype == "killed_or_wounded"}


def test_editors_toggle_pending_claims_and_see_them_marked(editor_tab, live_demo):
    page = editor_tab.open("/timeline/?subtype=killed_or_wounded")
    approved_points = page.locator("#timeline .cartesianlayer .point").count()
    page.check("input[name=pending]")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"pending=on"))
    editor_tab.wait_for_charts()
    assert page.locator("#timeline .cartesianlayer .point").count() == approved_points + 1
    assert page.locator(".pending-banner").is_visible()
    editor_tab.shot("timeline-editor-pending")
    # The hostile quote is drawn as text, never as markup.
    assert page.locator("#timeline img").count() == 0
    assert editor_tab.errors == []


def test_several_claimants_survive_the_form_and_a_bad_value_shows_beside_its_field(tab, live_demo):
    jcs, gur = live_demo.claimants["jcs"].pk, live_demo.claimants["gur"].pk
    page = tab.open(f"/claims/?claimant={jcs},{gur}&date_from=soon")
    claimant = page.locator("select[name=claimant]")
    assert claimant.get_attribute("multiple") is not None
    assert sorted(claimant.evaluate("s => [...s.selectedOptions].map(o => +o.value)")) == sorted(
        [jcs, gur]
    )
    error = page.locator("label.f-date_from .field-error")
    assert error.is_visible() and "valid date" in error.inner_text()
    tab.shot("claims-filter-error")
    page.fill("input[name=date_from]", "2024-01-01")
    page.click(".filters button[type=submit]")
    page.wait_for_url(re.compile(r"date_from=2024-01-01"))
    assert page.locator(".field-error").count() == 0
    names = {
        c.short_name or c.name for c in (live_demo.claimants["jcs"], live_demo.claimants["gur"])
    }
    shown = set(page.locator("table.claims tbody tr td:nth-child(4)").all_inner_texts())
    assert shown and shown <= names, shown
    assert tab.errors == []
