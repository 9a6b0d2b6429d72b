"""The API's cached answers on their short path (tracker.httpcache: callers with no credentials
skip DRF's request; tracker.api.throttling: a throttle at a fixed cost): roles, query strings
and approvals still decide what each caller reads, bad credentials are still refused, and the
throttle still stops and lets in again."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from rest_framework.throttling import AnonRateThrottle

from tests.factories import ClaimFactory, ClaimSourceFactory
from tracker import services
from tracker.api import throttling
from tracker.models import Claim

pytestmark = pytest.mark.django_db

LIST = "/api/v1/claims/?category=casualties"


@pytest.fixture
def claims():
    approved = ClaimFactory(category="casualties", subtype="killed_or_wounded", best=1111)
    ClaimSourceFactory(claim=approved)
    pending = ClaimFactory(
        category="casualties", subtype="killed_or_wounded", best=2222, status=Claim.Status.PENDING
    )
    return approved, pending


def _bests(response) -> set:
    assert response.status_code == 200
    return {c["best"] for c in response.json()["results"]}


def test_editors_never_read_the_anonymous_answer_and_anonymous_never_theirs(
    anon_api, editor_api, token_api, claims
):
    assert _bests(anon_api.get(LIST)) == {1111}
    assert anon_api.get(LIST)["X-Tracker-Cache"] == "hit"
    # By session and by token, editors see the pending claim beside the approved one.
    assert _bests(editor_api.get(LIST)) == {1111, 2222}
    assert _bests(token_api.get(LIST)) == {1111, 2222}
    assert _bests(anon_api.get(LIST)) == {1111}
    approved, pending = claims
    assert token_api.get(f"/api/v1/claims/{pending.pk}/").status_code == 200
    assert anon_api.get(f"/api/v1/claims/{pending.pk}/").status_code == 404


def test_a_bad_token_or_a_stale_session_is_answered_as_before(anon_api, claims):
    anon_api.get(LIST)  # the anonymous answer is cached
    anon_api.credentials(HTTP_AUTHORIZATION="Token not-a-token")
    refused = anon_api.get(LIST)
    assert refused.status_code == 403  # DRF's answer (session first: no WWW-Authenticate)
    assert refused.json()["detail"] == "Invalid token."
    anon_api.credentials()
    anon_api.cookies["sessionid"] = "expired-or-made-up"
    assert _bests(anon_api.get(LIST)) == {1111}


def test_the_query_string_keys_the_answer(anon_api, claims):
    assert _bests(anon_api.get(LIST)) == {1111}
    assert _bests(anon_api.get("/api/v1/claims/?category=arms_transfer")) == set()
    assert anon_api.get(LIST + "&page_size=1").json()["count"] == 1


@pytest.mark.parametrize(
    "path", [LIST, "detail", "/api/v1/series/?category=casualties&subtype=killed_or_wounded"]
)
def test_callers_asking_for_json_in_any_usual_way_share_one_answer(anon_api, claims, path):
    path = f"/api/v1/claims/{claims[0].pk}/" if path == "detail" else path
    first = anon_api.get(path, HTTP_ACCEPT="*/*")
    assert first["X-Tracker-Cache"] == "miss"
    for accept in ({}, {"HTTP_ACCEPT": "application/json"}, {"HTTP_ACCEPT": " */* "}):
        again = anon_api.get(path, **accept)
        assert (again["X-Tracker-Cache"], again.content) == ("hit", first.content)
    assert anon_api.get(path, HTTP_ACCEPT="").status_code == 406  # as DRF answers it
    # Anything else is answered on its own (it may choose another renderer, or indent).
    indented = anon_api.get(path, HTTP_ACCEPT="application/json; indent=2")
    assert indented["X-Tracker-Cache"] == "miss" and indented.json() == first.json()


def test_an_approval_reaches_the_cached_anonymous_list_and_detail(anon_api, editor, claims):
    approved, pending = claims
    assert _bests(anon_api.get(LIST)) == {1111}
    assert anon_api.get(f"/api/v1/claims/{approved.pk}/")["X-Tracker-Cache"] == "miss"
    assert anon_api.get(f"/api/v1/claims/{approved.pk}/")["X-Tracker-Cache"] == "hit"
    services.claim_approve(claim=pending, reviewer=editor, grade_confirmed=True)
    assert _bests(anon_api.get(LIST)) == {1111, 2222}
    assert anon_api.get(f"/api/v1/claims/{pending.pk}/").json()["best"] == 2222
    assert anon_api.get(f"/api/v1/claims/{approved.pk}/")["X-Tracker-Cache"] == "miss"


def test_a_claim_detail_is_one_statement_on_postgresql(anon_api, claims, django_assert_num_queries):
    # On PostgreSQL one statement (its sources and weapon systems as JSON); elsewhere the claim
    # with its sources joined, then its weapon systems (a second many-valued join would
    # multiply the rows).
    from django.db import connection

    approved, _ = claims
    ClaimSourceFactory(claim=approved, quote_start=1, quote_end=2)
    with django_assert_num_queries(1 if connection.vendor == "postgresql" else 2):
        body = anon_api.get(f"/api/v1/claims/{approved.pk}/").json()
    assert body["best"] == 1111
    assert len(body["sources"]) == 2


def test_a_claim_without_sources_has_an_empty_list(anon_api, claims):
    approved = ClaimFactory(best=3333)
    assert anon_api.get(f"/api/v1/claims/{approved.pk}/").json()["sources"] == []


# --- The throttle --------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, set by the test (a minute-long window starts at 6,000 s)."""
    now = {"t": 6000.0}
    monkeypatch.setattr(throttling.AnonRateThrottle, "timer", lambda self: now["t"])
    return now


def test_a_throttled_caller_is_let_in_again_when_retry_after_says(
    anon_api, claims, clock, monkeypatch
):
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute")
    codes = [anon_api.get(LIST).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    wait = int(anon_api.get(LIST)["Retry-After"])
    assert 1 <= wait <= 121
    clock["t"] += wait - 2
    assert anon_api.get(LIST).status_code == 429
    clock["t"] += 2
    assert anon_api.get(LIST).status_code == 200


def test_answers_built_afresh_count_once_each(anon_api, claims, clock, monkeypatch):
    """A miss is counted where the count was read (tracker.httpcache), the view does not
    count it again: four new answers are four requests."""
    monkeypatch.setattr(AnonRateThrottle, "rate", "3/minute")
    codes = [anon_api.get(f"{LIST}&page_size={n}") for n in (1, 2, 3, 4)]
    assert [r.status_code for r in codes] == [200, 200, 200, 429]
    assert [r["X-Tracker-Cache"] for r in codes[:3]] == ["miss"] * 3
    detail = f"/api/v1/claims/{claims[0].pk}/"
    clock["t"] += 120  # a new window, and no request in the last one
    codes = [anon_api.get(detail).status_code for _ in range(4)]  # a miss, then hits
    assert codes == [200, 200, 200, 429]


def test_requests_of_the_last_minute_count_across_the_window_boundary(
    anon_api, claims, clock, monkeypatch
):
    monkeypatch.setattr(AnonRateThrottle, "rate", "4/minute")
    clock["t"] += 50  # late in one window: four requests
    assert [anon_api.get(LIST).status_code for _ in range(4)] == [200] * 4
    clock["t"] += 20  # early in the next: five sixths of those four still count (3.3)
    assert [anon_api.get(LIST).status_code for _ in range(2)] == [200, 429]


def test_the_throttle_keeps_one_number_per_caller_and_window_however_many_requests(
    anon_api, claims, clock
):
    counter = AnonRateThrottle.cache_format % {"scope": "anon", "ident": "127.0.0.1"}
    detail = f"/api/v1/claims/{claims[0].pk}/"
    for n in range(31):  # misses and hits, list and detail
        assert anon_api.get(LIST if n % 2 else detail).status_code == 200
    assert cache.get(f"{counter}:100") == 31  # 6,000 s into minute-long windows: the 100th
    clock["t"] += 60
    anon_api.get(LIST)
    assert (cache.get(f"{counter}:100"), cache.get(f"{counter}:101")) == (31, 1)
