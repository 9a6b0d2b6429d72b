"""The access matrix: every page, the feed, every API read and key admin views, for anonymous,
analyst, editor and superuser. Pending and rejected claims (marked with unique strings and
figures) never reach the first two, whatever the URL, filter or format; writes are refused."""

from __future__ import annotations

import pytest

from tests.security.conftest import (
    PENDING_FIGURE,
    PENDING_MARK,
    REJECTED_MARK,
    ROLES,
    forbidden_strings,
)
from tracker.models import Claim

READERS = ["anonymous", "analyst"]
REVIEWERS = ["editor", "superuser"]
# Every reader-facing URL, with the knobs a curious reader would try: the editors' pending
# toggle, the status filter, a search for the marker, the CSV and series forms.
SERIES = "category=casualties&subtype=killed_or_wounded"
READ_URLS = [
    "/",
    "/?pending=1",
    "/timeline/?pending=1",
    "/totals/?pending=1",
    "/arms/?pending=1",
    "/border/?pending=1",
    "/claims/",
    "/claims/?pending=1",
    f"/claims/?q={PENDING_MARK[3:]}",  # a substring: the page echoes the query
    f"/claims/?q={REJECTED_MARK[3:]}&pending=1",
    "/claims.csv",
    "/claims.csv?pending=1",
    "/claimants/{claimant}/",
    "/claimants/{claimant}/?pending=1",
    "/articles/{article}/",
    "/articles/{article}/?pending=1",
    "/claims/{approved}/",
    "/methodology/",
    "/feeds/claims.atom",
    "/api/v1/claims/",
    "/api/v1/claims/?status=pending",
    "/api/v1/claims/?status=rejected",
    f"/api/v1/claims/?q={PENDING_MARK[3:]}",
    "/api/v1/claims/?format=csv",
    "/api/v1/claims/?format=csv&status=pending",
    "/api/v1/claims/{approved}/",
    "/api/v1/claimants/{claimant}/",
    "/api/v1/articles/{article}/",
    "/api/v1/articles/",
    "/api/v1/relations/",
    f"/api/v1/series/?{SERIES}",
    f"/api/v1/series/?{SERIES}&include_pending=true",
]


def _fill(url: str, matrix) -> str:
    return url.format(
        claimant=matrix.claimant.pk, article=matrix.article.pk, approved=matrix.approved.pk
    )


def _body(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode()
    return response.content.decode()


def _leaks(text: str) -> list[str]:
    low = text.lower()
    return [s for s in forbidden_strings() if s.lower() in low]


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize("url", READ_URLS)
def test_readers_never_receive_unreviewed_claims(matrix, client_for, role, url):
    response = client_for(role).get(_fill(url, matrix))
    assert response.status_code == 200, url
    assert _leaks(_body(response)) == []


@pytest.mark.parametrize("role", READERS)
@pytest.mark.parametrize(
    "template",
    ["/claims/{pk}/", "/api/v1/claims/{pk}/", "/api/v1/claims/{pk}/history/"],
)
@pytest.mark.parametrize("which", ["pending", "rejected"])
def test_readers_get_404_for_an_unreviewed_claim(matrix, client_for, role, template, which):
    claim = getattr(matrix, which)
    response = client_for(role).get(template.format(pk=claim.pk))
    assert response.status_code == 404
    assert _leaks(_body(response)) == []


@pytest.mark.parametrize("role", READERS)
def test_reader_counts_ignore_unreviewed_claims(matrix, client_for, role):
    client = client_for(role)
    assert client.get("/api/v1/claims/").json()["count"] == 1
    assert client.get(f"/api/v1/claims/?q={PENDING_MARK[3:]}").json()["count"] == 0
    csv_rows = _body(client.get("/claims.csv?pending=1")).strip().splitlines()
    assert len(csv_rows) == 2  # header + the approved claim
    series = client.get(f"/api/v1/series/?{SERIES}&include_pending=true").json()
    values = str(series)
    assert str(float(PENDING_FIGURE)) not in values and str(PENDING_FIGURE) not in values


@pytest.mark.parametrize("role", REVIEWERS)
def test_reviewers_see_what_readers_do_not(matrix, client_for, role):
    # The same probes do find the markers for editors: the reader tests above are not vacuous.
    client = client_for(role)
    assert PENDING_MARK in _body(client.get("/claims/?pending=1"))
    api = _body(client.get("/api/v1/claims/"))
    assert PENDING_MARK in api and REJECTED_MARK in api
    assert client.get(f"/claims/{matrix.pending.pk}/").status_code == 200
    assert client.get(f"/api/v1/claims/{matrix.rejected.pk}/").status_code == 200
    assert REJECTED_MARK in _body(client.get("/api/v1/export.jsonl"))


@pytest.mark.parametrize("role", ROLES)
def test_the_atom_feed_is_public_and_approved_only(matrix, client_for, role):
    response = client_for(role).get("/feeds/claims.atom")
    assert response.status_code == 200
    assert _leaks(_body(response)) == []


# --- Admin ---------------------------------------------------------------------------------

ADMIN_LISTS = [
    "/admin/tracker/claim/",
    "/admin/tracker/claim/?status__exact=pending",
    f"/admin/tracker/claim/?q={PENDING_MARK[3:]}",
    "/admin/tracker/claimsource/",
    f"/admin/tracker/claimsource/?q={PENDING_MARK[3:]}",
    "/admin/tracker/claimrelation/",
]


@pytest.mark.parametrize("url", ADMIN_LISTS + ["/admin/"])
def test_anonymous_is_sent_to_the_admin_login(matrix, client_for, url):
    response = client_for("anonymous").get(url)
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("url", ADMIN_LISTS)
def test_analysts_browse_admin_without_unreviewed_claims(matrix, client_for, url):
    response = client_for("analyst").get(url)
    assert response.status_code == 200
    assert _leaks(_body(response)) == []


@pytest.mark.parametrize("which", ["pending", "rejected"])
@pytest.mark.parametrize("view", ["change", "history"])
def test_analysts_cannot_open_an_unreviewed_claim_in_admin(matrix, client_for, which, view):
    claim = getattr(matrix, which)
    response = client_for("analyst").get(f"/admin/tracker/claim/{claim.pk}/{view}/", follow=True)
    assert _leaks(_body(response)) == []


def test_admin_counts_for_analysts_leave_unreviewed_claims_out(matrix, client_for):
    import re

    for role, expected in (("analyst", 1), ("editor", 3)):
        client = client_for(role)
        # The claimant registry (migration 0006) lists 46 more claimants, none with claims here.
        for url in ("/admin/tracker/claimant/?registry__exact=0", "/admin/tracker/article/"):
            html = _body(client.get(url))
            counts = re.findall(r'<td class="field-(?:claim|source)_count">(\d+)</td>', html)
            assert counts == [str(expected)], (role, url, counts)


@pytest.mark.parametrize("role", REVIEWERS)
def test_reviewers_open_unreviewed_claims_in_admin(matrix, client_for, role):
    response = client_for(role).get(f"/admin/tracker/claim/{matrix.pending.pk}/change/")
    assert response.status_code == 200
    assert PENDING_MARK in _body(response)


def test_analysts_cannot_change_anything_in_admin(matrix, client_for):
    client = client_for("analyst")
    for url in ("/admin/tracker/claim/add/", f"/admin/tracker/claim/{matrix.approved.pk}/delete/"):
        assert client.get(url).status_code == 403, url
    response = client.post(
        "/admin/tracker/claim/",
        {"action": "approve_selected", "_selected_action": [matrix.pending.pk]},
    )
    assert response.status_code in {200, 302, 403}
    matrix.pending.refresh_from_db()
    assert matrix.pending.status == Claim.Status.PENDING


# --- Writes --------------------------------------------------------------------------------

DASHBOARD_PAGES = ["/", "/timeline/", "/totals/", "/arms/", "/border/", "/claims/", "/claims.csv"]


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", DASHBOARD_PAGES + ["/methodology/"])
def test_pages_are_read_only(matrix, client_for, role, url):
    assert client_for(role).post(url, {"x": "1"}).status_code in {403, 405}


@pytest.mark.parametrize("role", READERS)
def test_readers_cannot_write_through_the_api(matrix, client_for, role):
    client = client_for(role)
    pk = matrix.pending.pk
    attempts = [
        ("post", "/api/v1/claims/", {"category": "casualties"}),
        ("patch", f"/api/v1/claims/{matrix.approved.pk}/", {"best": 1}),
        ("put", f"/api/v1/claims/{matrix.approved.pk}/", {"best": 1}),
        ("post", f"/api/v1/claims/{pk}/approve", {}),
        ("post", f"/api/v1/claims/{pk}/reject", {}),
        ("post", "/api/v1/articles/ingest", {"text": "x" * 200}),
        ("get", "/api/v1/export.jsonl", None),
    ]
    for method, url, data in attempts:
        kwargs = {"content_type": "application/json"} if data is not None else {}
        args = (url, data) if data is not None else (url,)
        response = getattr(client, method)(*args, **kwargs)
        assert response.status_code in {401, 403}, (method, url, response.status_code)
        assert _leaks(_body(response)) == []
    matrix.pending.refresh_from_db()
    matrix.approved.refresh_from_db()
    assert matrix.pending.status == Claim.Status.PENDING
    assert matrix.approved.best == 1100


def test_the_superuser_reviews_through_the_api(matrix, client_for):
    response = client_for("superuser").post(f"/api/v1/claims/{matrix.pending.pk}/approve")
    assert response.status_code == 200
    matrix.pending.refresh_from_db()
    assert matrix.pending.status == Claim.Status.APPROVED
