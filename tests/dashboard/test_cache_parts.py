"""Charts assembled from cached parts (tracker.figures.built_traces): after each kind of change
a reader can see, `/totals/` and `/timeline/` built from the traces still cached are the same
bytes as the pages built with the cache cleared, and only the traces whose points changed
were built again."""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.cache import cache
from django.utils import timezone

from tests.factories import ClaimFactory, ClaimSourceFactory
from tracker import figures, services
from tracker.cache import bump_data_version
from tracker.models import Claim, ClaimRelation

TODAY = dt.date.today()
PAGES = ["/totals/", "/timeline/", "/totals/?claimant={jcs}", "/"]


@pytest.fixture
def built(monkeypatch) -> list[str]:
    """The name of every trace group built (not read from the cache)."""
    names: list[str] = []
    for name in ("_claimant_traces", "_increment_traces", "_confidence_points"):
        original = getattr(figures, name)

        def counted(*parts, _original=original, _name=name):
            names.append(_name)
            return _original(*parts)

        monkeypatch.setattr(figures, name, counted)
    return names


def _pending(demo, best: int, **fields) -> Claim:
    fields = {
        "category": "casualties", "subtype": "killed_or_wounded", "unit": "troops",
        "qualifier": "approximately", "claim_date": TODAY, "claimant": demo.claimants["jcs"],
        "reliability": "A", "credibility": 1, "status": Claim.Status.PENDING, **fields,
    }  # fmt: skip
    return ClaimFactory(best=best, **fields)


def _changes(demo, editor):
    """Changes of each kind a reader sees, applied one after the other."""
    jcs = demo.claimants["jcs"]
    claim = _pending(demo, 7654)
    arms = _pending(
        demo, 120, category="arms_transfer", subtype="ballistic_missiles", unit="missiles"
    )

    def approve():
        services.claim_approve(claim=claim, reviewer=editor, grade_confirmed=True)

    def edit():
        claim.best = 8765
        claim.save()

    def approve_elsewhere():
        services.claim_approve(claim=arms, reviewer=editor, grade_confirmed=True)

    def relate():
        ClaimRelation.objects.create(
            from_claim=demo.claims["cas7"], to_claim=demo.claims["cas6"], kind="supersedes"
        )

    def source():
        ClaimSourceFactory(claim=claim, quote="a second outlet repeats the figure")

    def move():
        claim.category, claim.subtype = "border_activity", "soldiers_at_border"
        claim.save()

    def rename():
        jcs.short_name = "JCS-renamed"
        jcs.save()

    def reject():
        services.claim_reject(claim=arms, reviewer=editor, reason="duplicate")

    return [approve, edit, approve_elsewhere, relate, source, move, rename, reject]


def test_pages_from_cached_traces_equal_a_full_build_after_each_change(demo, client, editor, built):
    pages = [p.format(jcs=demo.claimants["jcs"].pk) for p in PAGES]
    # One clock: a chart's citation pins the minute it was drawn.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        for page in pages:
            assert client.get(page).status_code == 200
        full = len(built)
        assert full, "the pages draw claimant lines and timeline points"
        rebuilt = []
        for change in _changes(demo, editor):
            change()
            built.clear()
            from_parts = {page: client.get(page).content for page in pages}
            rebuilt.append((change.__name__, len(built)))
            cache.clear()
            built.clear()
            for page in pages:
                assert client.get(page).content == from_parts[page], (change.__name__, page)
            assert len(built) > 0
    # An approval in one category rebuilds the traces its claims are in, not every trace.
    by_change = dict(rebuilt)
    assert 0 < by_change["approve"] < full
    assert 0 < by_change["edit"] < full
    assert by_change["approve_elsewhere"] < full


def test_an_unchanged_page_builds_no_trace_again(demo, client, built):
    client.get("/totals/")
    client.get("/timeline/")
    assert built
    built.clear()
    # Every page and page part is stale after a raw write; the traces' points are the same.
    bump_data_version()
    client.get("/totals/")
    client.get("/timeline/")
    assert built == []
