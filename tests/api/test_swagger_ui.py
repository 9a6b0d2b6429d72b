"""The Swagger UI at /api/docs/ renders from our static files, under our CSP, with no internet,
and passes axe (no serious or critical violation) at a phone's width and a desktop's with an
operation open: our own page template and colours (templates/drf_spectacular/swagger_ui.html,
static/css/api-docs.css)."""

import pytest
from playwright.sync_api import sync_playwright

from tests.dashboard.test_accessibility import _axe_findings  # the pages' axe check

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def test_swagger_ui_renders_every_resource_without_csp_errors(live_server):
    problems: list[str] = []
    requested_hosts: set[str] = set()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.on("console", lambda m: m.type in ("error", "warning") and problems.append(m.text))
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.on("request", lambda r: requested_hosts.add(r.url.split("/")[2]))
        response = page.goto(f"{live_server.url}/api/docs/")
        assert "script-src 'self'" in response.headers["content-security-policy"]
        page.wait_for_selector(".opblock-tag-section", timeout=20000)
        tags = page.locator(".opblock-tag").all_inner_texts()
        browser.close()
    assert {"claims", "claimants", "outlets", "articles", "relations", "series"} <= {
        t.strip().split("\n")[0] for t in tags
    }
    assert problems == []
    assert requested_hosts == {live_server.url.split("/")[2]}


def test_swagger_ui_passes_axe_at_phone_and_desktop_widths(live_server):
    findings: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        for width in (360, 1400):
            page = browser.new_page(viewport={"width": width, "height": 900})
            page.goto(f"{live_server.url}/api/docs/")
            page.wait_for_selector(".opblock-tag-section", timeout=20000)
            assert page.locator("html").get_attribute("lang") == "en"
            # An operation opened: its parameters, buttons and example response are checked too.
            page.locator("#operations-claims-claims_list .opblock-summary-control").click()
            page.wait_for_selector("#operations-claims-claims_list .responses-wrapper")
            findings += [
                f"@{width}px: {line}"
                for line in _axe_findings(page, f"{live_server.url}/static/vendor/axe/axe.min.js")
            ]
            page.close()
        browser.close()
    assert not findings, "\n".join(findings)
