"""The ten defects an attack run found (issue 12), one test each: every input gets an answer,
never a 500. Each test failed before its fix."""

from __future__ import annotations

import datetime as dt
import json
import xml.dom.minidom

import pytest
from django.test import Client

from tests.factories import ArticleFactory, ClaimFactory, ClaimSourceFactory
from tracker.models import Claim, ClaimSource

pytestmark = pytest.mark.django_db


def _json(client: Client, method: str, url: str, body: str):
    return getattr(client, method)(url, data=body, content_type="application/json")


# 1. Admin add/change forms of claim sources and relations -----------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "/admin/tracker/claimsource/add/",
        "/admin/tracker/claimrelation/add/",
    ],
)
def test_editors_can_open_the_source_and_relation_add_forms(editor_client, url):
    ClaimFactory()
    response = editor_client.get(url)
    assert response.status_code == 200


def test_editors_can_add_and_change_a_claim_source_in_the_admin(editor_client):
    claim = ClaimFactory()
    article = ArticleFactory(text="Some 300 troops were seen near the border.")
    response = editor_client.post(
        "/admin/tracker/claimsource/add/",
        {"claim": claim.pk, "article": article.pk, "quote": "300 troops", "quote_start": 5,
         "quote_end": 15},
    )  # fmt: skip
    assert response.status_code == 302, response.content[:2000]
    source = ClaimSource.objects.get(claim=claim, article=article)
    assert editor_client.get(f"/admin/tracker/claimsource/{source.pk}/change/").status_code == 200


def test_the_review_queue_still_lists_pending_claims_first(editor_client):
    ClaimFactory(claim_date=dt.date(2025, 1, 1), summary="approved newer")
    pending = ClaimFactory(
        claim_date=dt.date(2024, 1, 1), status=Claim.Status.PENDING, summary="pending older"
    )
    response = editor_client.get("/admin/tracker/claim/")
    assert response.status_code == 200
    ids = [c.pk for c in response.context["cl"].result_list]
    assert ids[0] == pending.pk


# 2. The Atom feed survives control characters -------------------------------------------------


def test_the_feed_answers_when_a_quote_or_title_holds_control_characters(client):
    article = ArticleFactory(title="Border\x0cnews\x1b[31m today")
    claim = ClaimFactory()
    ClaimSourceFactory(claim=claim, article=article, quote="about\x0c 1,100\x08 troops\x1b")
    response = client.get("/feeds/claims.atom")
    assert response.status_code == 200
    xml.dom.minidom.parseString(response.content)  # well-formed
    assert b"Bordernews[31m today" in response.content


# 3. Internal notes stay internal ----------------------------------------------------------------


def test_the_claim_page_history_never_shows_notes_or_who_reviewed(client):
    from tests.factories import UserFactory
    from tracker import services

    editor = UserFactory(username="zqxreviewer", is_staff=True, groups=["Editors"])
    claim = ClaimFactory(notes="")
    claim.notes = "internal zqxnotemark"
    claim.save()
    services.claim_approve(claim=claim, reviewer=editor)
    page = client.get(claim.get_absolute_url()).content.decode()
    assert "zqxnotemark" not in page
    assert "notes" not in page
    assert editor.username not in page


# 5. Extreme dates --------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31)])
def test_totals_answers_for_a_series_on_the_first_or_last_representable_day(client, day):
    ClaimFactory(claim_date=day)
    for query in ("", f"?date_from={day}&date_to={day}"):
        response = client.get(f"/totals/{query}")
        assert response.status_code == 200


# 6. Deeply nested JSON -----------------------------------------------------------------------


def _nested(depth: int) -> str:
    return '{"category": ' + "[" * depth + "]" * depth + "}"


@pytest.mark.parametrize("depth", [1000, 100_000])
def test_deeply_nested_json_is_a_400(editor_client, depth):
    claim = ClaimFactory()
    for method, url in [
        ("post", "/api/v1/claims/"),
        ("patch", f"/api/v1/claims/{claim.pk}/"),
        ("put", f"/api/v1/claims/{claim.pk}/"),
        ("post", "/api/v1/articles/ingest"),
    ]:
        response = _json(editor_client, method, url, _nested(depth))
        assert response.status_code == 400, (method, url, response.status_code)


# 7. Huge quote offsets ---------------------------------------------------------------------------


@pytest.mark.parametrize("offset", [2**31, 2**63, 2**64 + 5, 10**30])
def test_quote_offsets_beyond_the_column_are_a_400(editor_client, offset):
    article = ArticleFactory()
    body = {
        "category": "casualties", "subtype": "killed", "best": 10, "qualifier": "exact",
        "unit": "troops", "measure": "cumulative", "claim_date": "2024-12-01",
        "sources": [{"article": article.pk, "quote": "ten", "quote_start": 0,
                     "quote_end": offset}],
    }  # fmt: skip
    response = _json(editor_client, "post", "/api/v1/claims/", json.dumps(body))
    assert response.status_code == 400
    assert "quote_end" in response.content.decode()


# 8. Ingest URLs that are not http(s) or have impossible ports ---------------------------------


@pytest.mark.parametrize(
    "url",
    ["http://example.org:99999/a", "https://example.org:0x50/", "ftp://example.org/a",
     "ftps://example.org/a"],
)  # fmt: skip
def test_ingest_url_errors_are_a_400_in_the_api(editor_client, url):
    response = _json(editor_client, "post", "/api/v1/articles/ingest", json.dumps({"url": url}))
    assert response.status_code == 400


@pytest.mark.parametrize(
    "url", ["http://example.org:99999/a", "ftp://example.org/a", "ftps://example.org/a"]
)
def test_ingest_url_errors_are_a_form_error_in_the_admin(editor_client, url):
    response = editor_client.post("/admin/tracker/article/add-from-source/", {"url": url})
    assert response.status_code == 200
    assert response.context["form"].errors["url"]


# 10. Minus zero, pasted text that mentions <body -------------------------------------------------


def test_minus_zero_is_stored_and_shown_as_zero(editor_client):
    body = {
        "category": "casualties", "subtype": "killed", "best": -0.0, "low": -0.0,
        "qualifier": "exact", "unit": "troops", "measure": "cumulative",
        "claim_date": "2024-12-01",
    }  # fmt: skip
    response = _json(editor_client, "post", "/api/v1/claims/", json.dumps(body))
    assert response.status_code == 201
    claim = Claim.objects.get(pk=response.json()["id"])
    assert str(claim.best) == "0.0" and str(claim.low) == "0.0"
    assert response.json()["figure"] == "0 troops"


def test_pasted_text_that_mentions_a_body_tag_is_read_as_text():
    from ingest.maintext import looks_like_html, main_text

    text = (
        "Notes from a <body of evidence> panel.\n\nOfficials said about 600 soldiers "
        "crossed the river last week, according to the ministry."
    )
    assert not looks_like_html(text)
    assert "600 soldiers" in main_text(text).text
    assert looks_like_html("<!doctype html><html><body><p>Hello there.</p></body></html>")
    assert looks_like_html("<p>One paragraph</p><p>and another</p>")
    assert not looks_like_html("<3 the troops said 5 < 7 and 9 > 2")


# Found by tests/security/test_fuzz_forms.py ----------------------------------------------------


@pytest.mark.parametrize(
    "url, field",
    [("/admin/tracker/claimsource/add/", "claim"), ("/admin/tracker/claim/add/", "claimant")],
)
@pytest.mark.parametrize("bogus", ["x\x9e", "1e309", "9223372036854775808"])
def test_an_autocomplete_field_given_a_bogus_id_shows_a_form_error(
    superuser_client, url, field, bogus
):
    response = superuser_client.post(url, {field: bogus})
    assert response.status_code == 200
    assert response.context["adminform"].form.errors[field]


def test_a_permission_id_past_the_column_is_a_form_error(superuser_client):
    response = superuser_client.post(
        "/admin/auth/group/add/", {"name": "g", "permissions": ["9223372036854775808"]}
    )
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["permissions"]
