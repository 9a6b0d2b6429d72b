"""Targeted caching (tracker.cache, tracker.httpcache): a save invalidates only the pages and
series a reader could see differently; unchanged pages and API answers are served from their
finished bytes (no query), with ETag / Last-Modified and 304s; anonymous visitors and analysts
share answers, editors have their own; HTML and JSON go out compressed."""

from __future__ import annotations

import datetime as dt
import gzip
import json

import brotli
import pytest
from django.core.cache import cache
from django.test import Client

import tracker.cache
from tests.factories import ClaimFactory, ClaimSourceFactory
from tracker import services
from tracker.models import Claim, ClaimantAlias, ClaimRelation
from tracker.warm import RUNNING_KEY, dashboard_warm

TODAY = dt.date.today()

ARMS_SERIES = "/api/v1/series/?category=arms_transfer&subtype=artillery_shells"
CASUALTY_SERIES = "/api/v1/series/?category=casualties&subtype=killed_or_wounded"
BORDER_CLAIMS = "/api/v1/claims/?category=border_activity"


def _pages(demo) -> dict[str, set[str] | None]:
    """Each public page and API answer, with the categories it shows (None: every one)."""
    cas1, jcs = demo.claims["cas1"], demo.claimants["jcs"]
    return {
        "/": None,
        "/timeline/": None,
        "/totals/": {"casualties"},
        "/arms/": {"arms_transfer"},
        "/border/": {"border_activity"},
        "/claims/": None,
        "/claims/?category=arms_transfer": {"arms_transfer"},
        f"/claims/{cas1.pk}/": None,
        f"/claimants/{jcs.pk}/": None,
        "/api/v1/claims/": None,
        BORDER_CLAIMS: {"border_activity"},
        f"/api/v1/claims/{cas1.pk}/": None,
        CASUALTY_SERIES: {"casualties"},
        ARMS_SERIES: {"arms_transfer"},
    }


def _state(client, path, **headers) -> str:
    response = client.get(path, **headers)
    assert response.status_code == 200, path
    return response["X-Tracker-Cache"]


def _fill(client, pages) -> None:
    for path in pages:
        _state(client, path)


def _states(client, pages) -> dict[str, str]:
    return {path: _state(client, path) for path in pages}


def _expected(pages, touched: set[str] | None) -> dict[str, str]:
    """'miss' for every page that shows a touched category, 'hit' for the others."""
    return {
        path: "miss" if touched is None or shows is None or shows & touched else "hit"
        for path, shows in pages.items()
    }


@pytest.fixture
def approved_claim(demo):
    return ClaimFactory(
        category="casualties", subtype="killed_or_wounded", unit="troops", best=7654,
        qualifier="approximately", claim_date=TODAY, claimant=demo.claimants["jcs"],
        reliability="A", credibility=1,
    )  # fmt: skip


def test_a_pending_claim_leaves_every_public_page_and_answer_cached(
    demo, client, django_assert_num_queries, django_capture_on_commit_callbacks
):
    pages = _pages(demo)
    _fill(client, pages)
    before = {path: client.get(path).content for path in pages}
    public = tracker.cache.versions(None)
    with django_capture_on_commit_callbacks(execute=True):
        pending = ClaimFactory(
            category="casualties", subtype="killed_or_wounded", best=7654, claim_date=TODAY,
            claimant=demo.claimants["jcs"], status=Claim.Status.PENDING,
        )  # fmt: skip
        ClaimSourceFactory(claim=pending, quote="7,654 troops")
        pending.status = Claim.Status.REJECTED  # rejected, never approved
        pending.save()
    assert tracker.cache.versions(None) == public
    for path in pages:
        with django_assert_num_queries(0):
            response = client.get(path)
        assert response["X-Tracker-Cache"] == "hit", path
        assert response.content == before[path]


def test_an_approval_invalidates_its_category_and_the_shared_pages_only(
    demo, client, django_capture_on_commit_callbacks
):
    pages = _pages(demo)
    with django_capture_on_commit_callbacks(execute=True):
        claim = ClaimFactory(
            category="casualties", subtype="killed_or_wounded", unit="troops", best=7654,
            qualifier="approximately", claim_date=TODAY, claimant=demo.claimants["jcs"],
            reliability="A", credibility=1, status=Claim.Status.PENDING,
        )  # fmt: skip
    _fill(client, pages)
    assert b"7,654" not in client.get("/totals/").content
    with django_capture_on_commit_callbacks(execute=True):
        claim.status = Claim.Status.APPROVED
        claim.save()
    assert _states(client, pages) == _expected(pages, {"casualties"})
    assert b"7,654" in client.get("/totals/").content
    assert b"7,654" in client.get("/").content
    assert b"7654" in client.get(CASUALTY_SERIES).content


def test_an_edit_of_an_approved_claim_shows_its_new_figure(demo, client, approved_claim):
    pages = _pages(demo)
    _fill(client, pages)
    approved_claim.best = 8765
    approved_claim.save()
    assert _states(client, pages) == _expected(pages, {"casualties"})
    assert b"8,765" in client.get("/totals/").content


def test_moving_an_approved_claim_to_another_category_touches_both(demo, client, approved_claim):
    pages = _pages(demo)
    _fill(client, pages)
    approved_claim.category, approved_claim.subtype = "border_activity", "soldiers_at_border"
    approved_claim.save()
    assert _states(client, pages) == _expected(pages, {"casualties", "border_activity"})


def test_a_rejection_after_approval_takes_the_figure_off_the_pages(
    demo, client, approved_claim, editor
):
    pages = _pages(demo)
    _fill(client, pages)
    assert b"7,654" in client.get("/totals/").content
    services.claim_reject(claim=approved_claim, reviewer=editor, reason="duplicate")
    assert _states(client, pages) == _expected(pages, {"casualties"})
    assert b"7,654" not in client.get("/totals/").content


def test_a_source_merged_into_an_approved_claim_shows_on_its_page(demo, client):
    pages = _pages(demo)
    _fill(client, pages)
    cas1 = demo.claims["cas1"]
    ClaimSourceFactory(claim=cas1, quote="a merged quote from a second outlet")
    assert _states(client, pages) == _expected(pages, {"casualties"})
    assert b"a merged quote from a second outlet" in client.get(f"/claims/{cas1.pk}/").content


def test_a_relation_change_recounts_the_series_of_its_claims(demo, client):
    pages = _pages(demo)
    _fill(client, pages)
    cas6, cas7 = demo.claims["cas6"], demo.claims["cas7"]

    def counted() -> set[int]:
        series = client.get(CASUALTY_SERIES).json()
        return {p["claim_id"] for line in series["cumulative"]["claimants"] for p in line["points"]}

    assert cas6.pk in counted()
    relation = ClaimRelation.objects.create(from_claim=cas7, to_claim=cas6, kind="supersedes")
    assert _states(client, pages) == _expected(pages, {"casualties"})
    assert cas6.pk not in counted()
    _fill(client, pages)
    relation.delete()
    assert _states(client, pages) == _expected(pages, {"casualties"})
    assert cas6.pk in counted()


def test_a_claimant_renamed_shows_everywhere(demo, client):
    pages = _pages(demo)
    _fill(client, pages)
    jcs = demo.claimants["jcs"]
    jcs.short_name = "JCS-renamed"
    jcs.save()
    assert _states(client, pages) == _expected(pages, None)
    assert b"JCS-renamed" in client.get("/arms/").content
    _fill(client, pages)
    ClaimantAlias.objects.create(claimant=jcs, alias="the joint staff")
    assert _states(client, pages) == _expected(pages, None)


def test_internal_fields_of_an_approved_claim_touch_no_public_page(
    demo, client, approved_claim, editor
):
    pages = _pages(demo)
    _fill(client, pages)
    approved_claim.notes = "checked against the Korean original"
    approved_claim.review_note = "fine"
    approved_claim.save()
    services.claim_mark_edited(claim=approved_claim, editor=editor)
    assert set(_states(client, pages).values()) == {"hit"}


def test_a_raw_write_invalidates_everything(demo, client):
    pages = _pages(demo)
    _fill(client, pages)
    tracker.cache.bump_data_version()
    assert set(_states(client, pages).values()) == {"miss"}


# --- Conditional requests ------------------------------------------------------------------------


def test_unchanged_data_answers_304_and_an_approval_changes_the_etag(
    demo, client, django_assert_num_queries
):
    first = client.get("/totals/")
    etag, modified = first["ETag"], first["Last-Modified"]
    assert etag and modified
    with django_assert_num_queries(0):
        again = client.get("/totals/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b""
    assert again["ETag"] == etag
    assert client.get("/totals/", HTTP_IF_MODIFIED_SINCE=modified).status_code == 304
    series_etag = client.get(ARMS_SERIES)["ETag"]
    assert client.get(ARMS_SERIES, HTTP_IF_NONE_MATCH=series_etag).status_code == 304

    pending = demo.claims["cas_pending"]
    pending.status = Claim.Status.APPROVED
    pending.save()
    changed = client.get("/totals/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag
    # An unrelated category keeps its validator.
    arms = client.get("/arms/")
    assert client.get("/arms/", HTTP_IF_NONE_MATCH=arms["ETag"]).status_code == 304


# --- Roles ---------------------------------------------------------------------------------------


def test_anonymous_and_analyst_share_answers_with_their_own_navigation(
    demo, client, analyst_client
):
    anonymous = client.get("/totals/")
    assert anonymous["X-Tracker-Cache"] == "miss"
    analyst = analyst_client.get("/totals/")
    assert analyst["X-Tracker-Cache"] == "hit"  # the page the anonymous request built
    assert b"Editors&#x27; desk" not in anonymous.content
    assert b"Editors&#x27; desk" in analyst.content or b"Editors' desk" in analyst.content
    assert b"tracker:user-nav" not in anonymous.content + analyst.content
    assert anonymous.content.replace(b"\n", b"") != analyst.content.replace(b"\n", b"")
    assert "Cookie" in anonymous["Vary"]


def test_pending_claims_never_reach_anonymous_answers_and_editors_get_their_own(
    demo, client, editor_client
):
    pending = demo.claims["cas_pending"]
    marker = f"/claims/{pending.pk}/".encode()
    editor = editor_client.get("/claims/?pending=on")
    assert marker in editor.content
    assert b"pending-link" in editor.content  # the editors' queue count, rendered for them
    anonymous = client.get("/claims/?pending=on")
    assert anonymous["X-Tracker-Cache"] == "miss"  # not the editor's bytes
    assert marker not in anonymous.content
    assert client.get(f"/api/v1/claims/{pending.pk}/").status_code == 404
    # The other way round: an anonymous answer is never an editor's.
    client.get("/claims/")
    assert editor_client.get("/claims/")["X-Tracker-Cache"] == "miss"
    assert editor.get("Cache-Control") == "private, no-cache"


def test_an_editor_sees_a_new_pending_claim_at_once(demo, editor_client):
    editor_client.get("/claims/?pending=on")
    claim = ClaimFactory(best=4321, claim_date=TODAY, status=Claim.Status.PENDING)
    response = editor_client.get("/claims/?pending=on")
    assert f"/claims/{claim.pk}/".encode() in response.content


# --- Compression ---------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/", "/timeline/", CASUALTY_SERIES, "/api/v1/claims/"])
def test_html_and_json_go_out_compressed(demo, client, path):
    plain = client.get(path)
    zipped = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert len(zipped.content) < len(plain.content) / 3
    assert "Accept-Encoding" in zipped["Vary"]
    squeezed = client.get(path, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert squeezed["Content-Encoding"] == "br"
    assert brotli.decompress(squeezed.content) == plain.content
    assert squeezed["ETag"] == zipped["ETag"] == plain["ETag"]


@pytest.mark.parametrize(("accept", "encoding"), [("gzip, deflate, br", "br"), ("gzip", "gzip")])
def test_a_miss_goes_out_compressed_fast_and_the_first_hit_stores_it_compressed_well(
    demo, client, accept, encoding, monkeypatch
):
    from tracker import httpcache
    from tracker.httpcache import BROTLI_QUALITY, FAST, GZIP_LEVEL

    def compressed(body, level):
        if encoding == "br":
            return brotli.compress(body, quality=level)
        return gzip.compress(body, compresslevel=level, mtime=0)

    fast, well = FAST[encoding], {"br": BROTLI_QUALITY, "gzip": GZIP_LEVEL}[encoding]
    path = "/api/v1/claims/"
    miss = client.get(path, HTTP_ACCEPT_ENCODING=accept)
    assert (miss["X-Tracker-Cache"], miss["Content-Encoding"]) == ("miss", encoding)
    plain = client.get(path)  # the identity representation: a hit of the raw copy
    assert plain["X-Tracker-Cache"] == "hit"
    assert miss.content == compressed(plain.content, fast) != compressed(plain.content, well)
    first = client.get(path, HTTP_ACCEPT_ENCODING=accept)  # compresses well, stores it
    assert first["X-Tracker-Cache"] == "hit"
    assert first.content == compressed(plain.content, well)
    assert miss["ETag"] == first["ETag"] == plain["ETag"]  # weak: the same JSON
    monkeypatch.setattr(httpcache, "_compress", None)  # the next hit compresses nothing
    second = client.get(path, HTTP_ACCEPT_ENCODING=accept)
    assert second["X-Tracker-Cache"] == "hit"
    assert second.content == first.content


def test_a_small_answer_is_compressed_well_on_its_miss_and_its_first_hit_compresses_nothing(
    demo, client, monkeypatch
):
    from tracker import httpcache

    path = f"/api/v1/claims/{demo.claims['cas1'].pk}/"
    miss = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br")
    assert miss["X-Tracker-Cache"] == "miss"
    plain = client.get(path)
    assert len(plain.content) < httpcache.FAST_FROM
    assert miss.content == brotli.compress(plain.content, quality=httpcache.BROTLI_QUALITY)
    monkeypatch.setattr(httpcache, "_compress", None)  # stored on the miss: nothing to do
    first = client.get(path, HTTP_ACCEPT_ENCODING="gzip, br")
    assert (first["X-Tracker-Cache"], first.content) == ("hit", miss.content)


def test_editors_pages_are_compressed_per_response_and_csrf_forms_never(demo, editor_client):
    editor = editor_client.get("/totals/", HTTP_ACCEPT_ENCODING="gzip")
    assert editor["Content-Encoding"] == "gzip"
    login = Client().get("/admin/login/", HTTP_ACCEPT_ENCODING="gzip")
    assert b"csrfmiddlewaretoken" in login.content
    assert not login.has_header("Content-Encoding")


# --- Warming -------------------------------------------------------------------------------------


def test_a_warm_never_overlaps_a_running_one(demo, client):
    cache.add(RUNNING_KEY, 1, 60)
    try:
        assert dashboard_warm()["skipped"] is True
        assert client.get("/")["X-Tracker-Cache"] == "miss"  # nothing was warmed
    finally:
        cache.delete(RUNNING_KEY)
    assert set(dashboard_warm()["pages"]) >= {"/"}
    assert cache.get(RUNNING_KEY) is None
    # Warmed in every encoding a browser asks for.
    for encoding in ("", "gzip", "gzip, br"):
        assert _state(client, "/", HTTP_ACCEPT_ENCODING=encoding) == "hit"


def test_cached_answers_decode_as_json(demo, client):
    for path in (CASUALTY_SERIES, BORDER_CLAIMS):
        first, second = client.get(path), client.get(path)
        assert second["X-Tracker-Cache"] == "hit"
        assert json.loads(second.content) == json.loads(first.content)
        assert second["Content-Type"].startswith("application/json")


def test_an_approval_rebuilds_only_its_own_card_on_the_overview(
    demo, client, monkeypatch, django_capture_on_commit_callbacks
):
    from tracker import dashboard

    built = []
    card_for, arms_highlights = dashboard.card_for, dashboard.arms_highlights
    monkeypatch.setattr(
        dashboard, "card_for", lambda scope, *spec: built.append(spec[0]) or card_for(scope, *spec)
    )
    monkeypatch.setattr(
        dashboard, "arms_highlights", lambda scope: built.append("arms") or arms_highlights(scope)
    )
    with django_capture_on_commit_callbacks(execute=True):
        claim = ClaimFactory(
            category="casualties", subtype="killed_or_wounded", unit="troops", best=7654,
            qualifier="approximately", claim_date=TODAY, claimant=demo.claimants["jcs"],
            reliability="A", credibility=1, status=Claim.Status.PENDING,
        )  # fmt: skip
    first = client.get("/").content
    assert sorted(built) == sorted([*(s[0] for s in dashboard.CARD_SERIES), "arms"])
    built.clear()
    with django_capture_on_commit_callbacks(execute=True):
        claim.status = Claim.Status.APPROVED
        claim.save()
    page = client.get("/").content
    assert b"7,654" in page and b"7,654" not in first
    assert built == ["casualties"]  # the other cards and the arms highlights from the cache
