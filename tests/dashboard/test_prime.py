"""An approval builds its series again for readers (tracker.series_state.prime): once the change
commits, the series, the running totals page's chart and tables, (for the overview's series)
the card headline and the timeline's latest claims are cached under the keys a reader's request
uses, so the first reader after an approval builds no series and reads no claim for the
timeline; a pending claim primes nothing; a failure never fails the change."""

from __future__ import annotations

import datetime as dt
import functools
import json
from unittest import mock

import pytest
from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.utils import timezone

from tests.factories import ClaimFactory, ClaimSourceFactory
from tracker import dashboard, figures, series, series_state, services, summaries, vocab
from tracker.models import Claim

TODAY = dt.date.today()
CASUALTY_SERIES = "/api/v1/series/?category=casualties&subtype=killed_or_wounded"


def _pending(demo, best: int, **fields) -> Claim:
    claim = ClaimFactory(
        category="casualties", subtype="killed_or_wounded", unit="troops", best=best,
        claim_date=TODAY, claimant=demo.claimants["jcs"], status=Claim.Status.PENDING,
        reliability="A", credibility=1, **fields,
    )  # fmt: skip
    ClaimSourceFactory(claim=claim, quote=f"{best:,} troops")
    return claim


def _primes(callbacks) -> list:
    return [
        c
        for c in callbacks
        if isinstance(c, functools.partial) and c.func is series_state._prime_after_response
    ]


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """What a request builds: each call of the functions that compute a series, its running
    totals chart and its tables' summary, and that read the timeline's claims, by name."""
    calls: list[str] = []
    for module, name in (
        (series, "series_build"),
        (series, "series_headline"),
        (figures, "_totals_traces"),
        (summaries, "series_summary"),
        (dashboard, "timeline_points"),
    ):
        original = getattr(module, name)

        def spy(*args, _original=original, _name=name, **kwargs):
            calls.append(_name)
            return _original(*args, **kwargs)

        monkeypatch.setattr(module, name, spy)
    return calls


def _approved(demo, editor, capture, best: int) -> tuple[Claim, list]:
    """A pending claim of `best` troops approved, its on-commit callbacks run; and them."""
    claim = _pending(demo, best)
    with capture(execute=True) as callbacks:
        services.claim_approve(claim=claim, reviewer=editor, grade_confirmed=True)
    return claim, callbacks


@pytest.fixture
def one_clock():
    """One clock for a test that compares a primed page with one built again later: a chart's
    citation pins the minute it was drawn, and the two may fall on either side of a minute."""
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        yield


def test_the_first_reader_after_an_approval_builds_no_series(
    demo, client, editor, django_capture_on_commit_callbacks, built, one_clock
):
    client.get("/totals/")
    client.get(CASUALTY_SERIES)
    claim, callbacks = _approved(demo, editor, django_capture_on_commit_callbacks, 7654)
    assert len(_primes(callbacks)) == 1
    assert "series_build" in built  # built by the approval, after its commit
    built.clear()
    page = client.get("/totals/")
    answer = client.get(CASUALTY_SERIES)
    assert page.status_code == answer.status_code == 200
    assert page["X-Tracker-Cache"] == answer["X-Tracker-Cache"] == "miss"  # new data: new bytes
    assert built == []  # neither the series, nor its chart, nor its tables built again
    assert "7,654" in page.content.decode()
    assert json.loads(answer.content)["latest_headline"]["claim_id"] == claim.pk
    # What the approval built is what a reader would have built from nothing.
    primed = page.content
    cache.clear()
    assert client.get("/totals/").content == primed
    assert "series_build" in built


@pytest.fixture
def in_a_request():
    """Django's request signals sent around the test's body, as a server sends them around a
    request (without closing the test's database connection, as Django's test client)."""
    signals = (request_started, request_finished)
    for signal in signals:
        signal.disconnect(close_old_connections)
    request_started.send(sender=None, environ={})
    try:
        yield lambda: request_finished.send(sender=None)
    finally:
        for signal in signals:
            signal.connect(close_old_connections)


def test_inside_a_request_the_series_is_built_once_the_response_has_gone(
    demo, editor, django_capture_on_commit_callbacks, built, in_a_request
):
    _approved(demo, editor, django_capture_on_commit_callbacks, 7653)
    assert built == []  # committed, the editor's response not sent yet: nothing built
    in_a_request()  # the server closes the response
    assert "series_build" in built and "timeline_points" in built
    built.clear()
    in_a_request()  # a later request's end builds nothing again
    assert built == []


def test_the_timeline_after_an_approval_reads_no_claim(
    demo, client, editor, django_capture_on_commit_callbacks, built, one_clock
):
    client.get("/timeline/")
    _approved(demo, editor, django_capture_on_commit_callbacks, 7659)
    assert "timeline_points" in built  # read by the approval, after its commit
    built.clear()
    response = client.get("/timeline/")
    assert response.status_code == 200
    assert built == []
    assert "7,659" in response.content.decode()
    primed = response.content
    cache.clear()
    assert client.get("/timeline/").content == primed
    assert built == ["timeline_points"]


def test_the_overview_card_of_an_approved_series_is_built_with_it(
    demo, client, editor, django_capture_on_commit_callbacks, built
):
    client.get("/")
    _approved(demo, editor, django_capture_on_commit_callbacks, 7655)
    built.clear()
    response = client.get("/")
    assert response.status_code == 200
    assert "series_headline" not in built and "series_build" not in built
    assert "7,655" in response.content.decode()


@pytest.fixture
def settled(demo, editor, django_capture_on_commit_callbacks):
    """The demo's claims (written by factories, not services) brought into the series state by
    one approval, so that what a test's change primes is what that change touched."""
    _approved(demo, editor, django_capture_on_commit_callbacks, 7600)


def test_a_pending_claim_primes_nothing(
    demo, settled, editor, django_capture_on_commit_callbacks, built
):
    built.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        claim = services.claim_create(
            category="casualties", subtype="killed_or_wounded", unit="troops", best=7656,
            qualifier="approximately", measure="cumulative", claim_date=TODAY,
            claimant=demo.claimants["jcs"], credibility=2, created_by=editor,
        )  # fmt: skip
    assert claim.status == Claim.Status.PENDING
    assert _primes(callbacks) == []
    assert built == []


def test_priming_can_be_turned_off(
    demo, editor, settings, django_capture_on_commit_callbacks, built
):
    settings.SERIES_PRIME_ON_COMMIT = False
    _, callbacks = _approved(demo, editor, django_capture_on_commit_callbacks, 7657)
    assert _primes(callbacks) == []
    assert built == []


def test_a_failed_priming_never_fails_the_change(
    demo, client, editor, django_capture_on_commit_callbacks, monkeypatch, caplog
):
    def broken(*args, **kwargs):
        raise RuntimeError("series build failed")

    claim = _pending(demo, 7658)
    with monkeypatch.context() as patch:
        patch.setattr(series, "series_build", broken)
        with django_capture_on_commit_callbacks(execute=True):
            services.claim_approve(claim=claim, reviewer=editor, grade_confirmed=True)
    claim.refresh_from_db()
    assert claim.status == Claim.Status.APPROVED
    assert "not primed" in caplog.text
    # Nothing half-built was kept: the reader builds the series with the approval in it.
    assert "7,658" in client.get("/totals/").content.decode()


def _approve_all(claims, editor, capture) -> list:
    with capture(execute=False) as callbacks:
        services.claims_approve(
            claims=Claim.objects.filter(pk__in=[c.pk for c in claims]), reviewer=editor
        )
    return _primes(callbacks)


def test_a_bulk_change_primes_each_series_it_touched_once(
    demo, settled, editor, django_capture_on_commit_callbacks
):
    claims = [_pending(demo, 7000 + n) for n in range(3)]
    claims.append(
        ClaimFactory(
            category="arms_transfer", subtype="artillery_shells", unit="shells", best=12345,
            claim_date=TODAY, claimant=demo.claimants["jcs"], status=Claim.Status.PENDING,
            reliability="A", credibility=1,
        )
    )  # fmt: skip
    (primed,) = _approve_all(claims, editor, django_capture_on_commit_callbacks)
    assert primed.args[0] == [
        ("arms_transfer", "artillery_shells"),
        ("casualties", "killed_or_wounded"),
    ]


def test_a_change_of_many_series_primes_a_few_and_leaves_the_rest_to_readers(
    demo, settled, editor, django_capture_on_commit_callbacks
):
    subtypes = sorted(vocab.SUBTYPES["arms_transfer"])[: series_state.PRIME_MAX_SERIES + 2]
    claims = [
        ClaimFactory(
            category="arms_transfer", subtype=subtype, unit="pieces", best=10 + n,
            claim_date=TODAY, claimant=demo.claimants["jcs"], status=Claim.Status.PENDING,
            reliability="A", credibility=1,
        )
        for n, subtype in enumerate(subtypes)
    ]  # fmt: skip
    (primed,) = _approve_all(claims, editor, django_capture_on_commit_callbacks)
    assert (
        primed.args[0] == [("arms_transfer", s) for s in subtypes][: series_state.PRIME_MAX_SERIES]
    )
