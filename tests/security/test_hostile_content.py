"""Hostile text (script tags, event handlers, javascript: URLs, strings that break out of JSON
or a <script> element) in every field that comes from outside is shown as text everywhere:
pages, admin change pages, API JSON, CSV and the Atom feed."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.security.conftest import HOSTILE_LONG, JS_URL, P_BREAK, RAW_PAYLOADS, ROLES

PAGES = [
    "/",
    "/timeline/",
    "/totals/",
    "/arms/",
    "/border/",
    "/claims/",
    "/claims/{claim}/",
    "/claimants/{claimant}/",
    "/articles/{article}/",
    "/articles/{js_article}/",
    "/methodology/",
]
ADMIN_PAGES = [
    "/admin/tracker/claim/",
    "/admin/tracker/claim/{claim}/change/",
    "/admin/tracker/claim/{claim}/history/",
    "/admin/tracker/claimant/",
    "/admin/tracker/claimant/{claimant}/change/",
    "/admin/tracker/outlet/",
    "/admin/tracker/outlet/{outlet}/change/",
    "/admin/tracker/article/",
    "/admin/tracker/article/{article}/change/",
    "/admin/tracker/article/{js_article}/change/",
    "/admin/tracker/claimsource/",
    "/admin/ingest/feed/",
    "/admin/ingest/feed/{feed}/change/",
]
JS_HREF = re.compile(
    r"""(href|src|action|formaction)\s*=\s*["']?\s*(javascript|data|vbscript):""", re.I
)


def fill(url: str, h) -> str:
    return url.format(
        claim=h.claim.pk,
        claimant=h.claimant.pk,
        article=h.article.pk,
        js_article=h.js_article.pk,
        outlet=h.outlet.pk,
        feed=h.feed.pk,
    )


def body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def assert_inert_html(html: str) -> None:
    for payload in RAW_PAYLOADS:
        assert payload not in html, payload
    assert not JS_HREF.search(html), JS_HREF.search(html).group(0)
    # Every <script> element is either an external 'self' file or an inert JSON data block.
    for attrs in re.findall(r"<script\b([^>]*)>", html, re.I):
        assert "src=" in attrs or 'type="application/json"' in attrs, attrs


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", PAGES)
def test_pages_show_hostile_text_as_text(hostile, client_for, role, url):
    response = client_for(role).get(fill(url, hostile))
    assert response.status_code == 200
    html = body(response)
    assert_inert_html(html)
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_the_hostile_text_is_on_the_page_escaped(hostile, client_for):
    # Not vacuous: the payloads are there, as visible text.
    html = body(client_for("anonymous").get(f"/claims/{hostile.claim.pk}/"))
    assert "&lt;script&gt;window.__pwned=1" in html


@pytest.mark.parametrize("url", ["/articles/{js_article}/", "/claims/{claim}/"])
def test_javascript_urls_are_never_links(hostile, client_for, url):
    html = body(client_for("anonymous").get(fill(url, hostile)))
    for href in re.findall(r"""href\s*=\s*["']([^"']*)["']""", html, re.I):
        assert not href.strip().lower().startswith(("javascript:", "data:", "vbscript:")), href
    if url.startswith("/claims/"):
        assert 'href="https://hostile.example.org/a?q=%22%3E%3Cscript%3E"' in html


@pytest.mark.parametrize("role", ["editor", "superuser"])
@pytest.mark.parametrize("url", ADMIN_PAGES)
def test_admin_pages_show_hostile_text_as_text(hostile, client_for, role, url):
    if "/ingest/feed/" in url and role == "editor":
        role = "superuser"  # feeds are managed by superusers only
    response = client_for(role).get(fill(url, hostile))
    assert response.status_code == 200, url
    assert_inert_html(body(response))


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/claims/",
        "/api/v1/claims/{claim}/",
        "/api/v1/claimants/{claimant}/",
        "/api/v1/outlets/{outlet}/",
        "/api/v1/articles/",
        "/api/v1/articles/{article}/",
        "/api/v1/series/?category=troop_deployment&subtype=deployed",
    ],
)
def test_api_returns_hostile_text_as_json_data(hostile, client_for, url):
    response = client_for("editor").get(fill(url, hostile))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["X-Content-Type-Options"] == "nosniff"
    data = json.loads(body(response))  # still valid JSON
    text = json.dumps(data, ensure_ascii=False)
    assert "__pwned" in text or "series" in url  # the payload survives as data


def test_api_round_trips_the_exact_strings(hostile, client_for):
    data = client_for("anonymous").get(f"/api/v1/claims/{hostile.claim.pk}/").json()
    quotes = {s["quote"] for s in data["sources"]}
    assert HOSTILE_LONG in quotes and P_BREAK in quotes


def test_the_export_is_one_valid_json_object_per_line(hostile, client_for):
    # splitlines() also breaks on U+2028/2029, as JavaScript does: the dump must survive it.
    lines = body(client_for("editor").get("/api/v1/export.jsonl")).splitlines()
    records = [json.loads(line) for line in lines if line.strip()]
    assert any(HOSTILE_LONG in r["fields"].values() for r in records)


@pytest.mark.parametrize("url", ["/claims.csv", "/api/v1/claims/?format=csv"])
def test_csv_keeps_hostile_text_in_its_cells_and_defuses_formulas(hostile, client_for, url):
    from tests.factories import ClaimFactory

    ClaimFactory(summary='=HYPERLINK("http://evil.example/","x")', best=7)
    response = client_for("anonymous").get(url)
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(body(response))))
    width = len(rows[0])
    assert all(len(row) == width for row in rows)  # quotes and newlines did not break rows
    cells = [cell for row in rows[1:] for cell in row]
    assert any("__pwned" in cell for cell in cells)
    assert not any(
        cell.startswith(("=", "+", "-", "@"))
        for cell in cells
        if cell[:1] != "-" or not cell[1:2].isdigit()
    )


def test_the_atom_feed_is_well_formed_and_escaped(hostile, client_for):
    response = client_for("anonymous").get("/feeds/claims.atom")
    root = ET.fromstring(response.content)  # well-formed XML despite the payloads
    ns = {"a": "http://www.w3.org/2005/Atom"}
    entries = root.findall("a:entry", ns)
    assert entries
    for entry in entries:
        title = entry.find("a:title", ns).text
        assert "__pwned" in title  # plain text in the title element
        summary = entry.find("a:summary", ns)
        # type="html": after one XML decoding the HTML must still have the payload escaped.
        assert summary.get("type") == "html"
        for payload in RAW_PAYLOADS:
            assert payload not in summary.text
    assert JS_URL not in response.content.decode()
