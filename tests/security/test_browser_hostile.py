"""Hostile data in a real browser (Debian's Chromium via Playwright, live server): every page and
the admin change pages load with payloads in every field, and no injected script runs — neither
from the HTML, the chart data, the chart hover labels, nor a javascript: article URL."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client

from tests.factories import UserFactory
from tests.security.test_hostile_content import ADMIN_PAGES, PAGES, fill

pytestmark = pytest.mark.browser
PWNED = "() => [window.__pwned === undefined, document.title === 'PWNED']"


def _context(browser, live_server, user=None):
    context = browser.new_context()
    if user is not None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
        context.add_cookies(
            [{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}]
        )
    return context


def _visit(page, url: str, csp_violations: list) -> None:
    response = page.goto(url, wait_until="load")
    assert response.status == 200, url
    csp = response.headers["content-security-policy"]
    script_src = next(d for d in csp.split(";") if d.strip().startswith("script-src"))
    assert script_src.split() == ["script-src", "'self'"], csp
    charts = page.locator(".chart").count()
    if charts:
        page.wait_for_function(
            # A function, not an expression: Playwright polls an expression with eval, which
            # our CSP refuses once the first check comes back false.
            "() => document.querySelectorAll('.chart').length === "
            "document.querySelectorAll('.chart[data-drawn]').length",
            timeout=15000,
        )
        # Show every chart's first hover label: the payloads are in the hover text.
        page.evaluate(
            """() => document.querySelectorAll('.chart[data-drawn]').forEach(el => {
                 (el.data || []).forEach((trace, i) => {
                   if ((trace.x || []).length && trace.hoverinfo !== 'skip') {
                     try { window.Plotly.Fx.hover(el, [{curveNumber: i, pointNumber: 0}]); }
                     catch (e) {}
                   }
                 });
               })"""
        )
        assert page.locator(".hoverlayer img, .hoverlayer script").count() == 0, url
    # Any javascript: link that slipped through would be clicked here.
    for link in page.locator("a[href^='javascript:' i]").all():
        link.click()
    page.wait_for_timeout(50)
    not_run, title_changed = page.evaluate(PWNED)
    assert not_run and not title_changed, url
    assert csp_violations == [], url


def _watch(page) -> list:
    violations: list = []
    page.on(
        "console", lambda m: violations.append(m.text) if "Content Security" in m.text else None
    )
    return violations


def test_no_injected_script_runs_on_any_page(browser, live_server, live_hostile):
    context = _context(browser, live_server)
    page = context.new_page()
    violations = _watch(page)
    for path in PAGES:
        _visit(page, live_server.url + fill(path, live_hostile), violations)
    context.close()


def test_no_injected_script_runs_in_admin(browser, live_server, live_hostile):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    context = _context(browser, live_server, root)
    page = context.new_page()
    violations = _watch(page)
    for path in ADMIN_PAGES:
        _visit(page, live_server.url + fill(path, live_hostile), violations)
    context.close()
