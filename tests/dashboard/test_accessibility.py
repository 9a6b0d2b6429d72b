"""Accessibility and phones, in Debian's Chromium against a live server: axe-core (served from
our own static files, static/vendor/axe/) finds no serious or critical violation on any page at
a phone's width and a desktop's; no page is wider than a phone's or a tablet's screen; the skip
link, chart summaries and folding filters work. Every page is shot at 360, 390, 768 and 1,400 px
(var/artifacts/screenshots)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from tests.dashboard.pages import demo_pages
from tests.dashboard.test_browser import Tab

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "static" / "vendor" / "axe"
WIDTHS = (360, 1400)


def _pages(demo) -> dict[str, str]:
    return demo_pages(demo)


def _axe_findings(page, static_url: str) -> list[str]:
    """axe-core's serious and critical violations on the page, one line per element."""
    page.add_script_tag(url=static_url)
    result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['impact']} {v['id']}: {v['help']} — {node['target']} {node['failureSummary']!r}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
        for node in v["nodes"]
    ]


def test_the_vendored_axe_matches_its_recorded_sha256():
    lines = [ln for ln in (AXE / "SHA256SUMS").read_text().splitlines() if ln[:1] != "#"]
    recorded = {name: digest for digest, name in (line.split() for line in lines)}
    assert set(recorded) == {"axe/axe.min.js"}
    digest = hashlib.sha256((AXE / "axe.min.js").read_bytes()).hexdigest()
    assert digest == recorded["axe/axe.min.js"]
    assert (AXE / "LICENSE").is_file()


def test_axe_finds_no_serious_or_critical_violation_on_any_page(browser, live_server, live_demo):
    findings = []
    for width in WIDTHS:  # one demo for both widths (loading it is the slow part)
        context = browser.new_context(viewport={"width": width, "height": 900})
        tab = Tab(context, live_server.url)
        try:
            for name, path in _pages(live_demo).items():
                page = tab.open(path)
                findings += [
                    f"{name} @{width}px: {line}"
                    for line in _axe_findings(
                        page, live_server.url + "/static/vendor/axe/axe.min.js"
                    )
                ]
                if width > 768:  # the narrower widths are shot by the next test
                    tab.shot(f"desktop-{width}-{name}")
        finally:
            context.close()
    assert not findings, "\n".join(findings)


@pytest.fixture
def phone(browser, live_server, live_demo):
    context = browser.new_context(viewport={"width": 360, "height": 740})
    yield Tab(context, live_server.url)
    context.close()


def test_no_page_is_wider_than_a_phone_or_a_tablet(browser, live_server, live_demo):
    too_wide = {}
    for width in (360, 390, 768):
        context = browser.new_context(viewport={"width": width, "height": 800})
        tab = Tab(context, live_server.url)
        try:
            for name, path in _pages(live_demo).items():
                page = tab.open(path)
                scroll, inner = page.evaluate("[document.documentElement.scrollWidth, innerWidth]")
                if scroll > inner:
                    too_wide[f"{name} @{width}px"] = scroll
                tab.shot(f"{'phone' if width < 768 else 'tablet'}-{width}-{name}")
        finally:
            context.close()
    assert not too_wide, f"wider than the screen: {too_wide}"


def test_the_claims_table_scrolls_inside_its_own_box_on_a_phone(phone):
    page = phone.open("/claims/")
    box = page.locator(".table-scroll").first
    # The table is wider than the screen; its box scrolls, the page does not.
    assert box.evaluate("b => b.scrollWidth > b.clientWidth")
    assert box.evaluate("b => getComputedStyle(b).overflowX") == "auto"
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_the_skip_link_is_first_and_moves_focus_to_the_content(phone):
    page = phone.open("/totals/")
    page.keyboard.press("Tab")
    link = page.locator(":focus")
    assert link.inner_text() == "Skip to content" and link.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"


def test_the_filters_fold_away_on_a_phone_and_stay_open_on_a_desktop(phone, browser, live_server):
    page = phone.open("/timeline/")
    assert not page.locator("select[name=category]").is_visible()
    page.click("details.filters-fold > summary")
    assert page.locator("select[name=category]").is_visible()

    context = browser.new_context(viewport={"width": 1400, "height": 900})
    try:
        desk = Tab(context, live_server.url).open("/timeline/")
        assert desk.locator("select[name=category]").is_visible()
        assert not desk.locator("details.filters-fold > summary").is_visible()
    finally:
        context.close()


def test_a_bad_date_on_a_phone_shows_its_error_beside_the_field(phone):
    response = phone.page.goto(phone.base_url + "/claims/?date_from=2025-13-01")
    assert response.status in (200, 400)
    error = phone.page.locator("label.f-date_from .field-error")
    # The form stays open when it holds an error, so the error is seen.
    assert error.is_visible() and "valid date" in error.inner_text()
    assert phone.page.locator("table.claims").count() == 1


def test_every_chart_has_its_summary_and_sparklines_are_named(browser, live_server, live_demo):
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    tab = Tab(context, live_server.url)
    try:
        page = tab.open("/totals/?category=casualties&subtype=killed_or_wounded")
        summary = page.locator("#totals-summary")
        text = summary.inner_text()
        assert re.search(r"4,700 troops .*according to JCS as of 28 April 2025", text), text
        assert page.locator("#totals").get_attribute("aria-describedby") == "totals-summary"
        # The keyboard path to the points: the summary's link reaches the table.
        summary.locator("a").focus()
        page.keyboard.press("Enter")
        page.wait_for_url(re.compile(r"#totals-table$"))

        for path in ("/timeline/", "/arms/", "/border/"):
            page = tab.open(path)
            charts = page.locator(".chart").count()
            summaries = page.locator(".chart-summary").all_inner_texts()
            assert charts and len(summaries) == charts, path
            assert all(len(text) > 40 for text in summaries), summaries

        page = tab.open("/")
        sparks = page.locator(".card .chart")
        assert sparks.count() > 0
        for i in range(sparks.count()):
            spark = sparks.nth(i)
            assert spark.get_attribute("role") == "img"
            name = spark.get_attribute("aria-label")
            assert " as of " in name or " summed " in name, name
    finally:
        context.close()
    assert tab.errors == []
