"""Merging proposed claims and the editors' one-click review in the claim form."""

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, ClaimSourceFactory
from tracker import services
from tracker.models import Claim, ClaimSource

pytestmark = pytest.mark.django_db


def _candidate(claimant, quote, **overrides):
    fields = {
        "category": "casualties",
        "subtype": "killed_or_wounded",
        "low": None,
        "best": 1100.0,
        "high": None,
        "qualifier": "approximately",
        "unit": "troops",
        "measure": "cumulative",
        "claim_date": dt.date(2024, 12, 23),
        "claimant": claimant,
        "quote": quote,
        "rule": "casualties.killed_or_wounded",
        "extraction_score": 0.9,
    }
    return {**fields, **overrides}


def test_a_proposed_claim_is_pending_extracted_with_its_quote():
    article = ArticleFactory()
    claimant = ClaimantFactory(reliability="B")
    claim, created = services.claim_propose(
        article=article, candidate=_candidate(claimant, "about 1,100 soldiers")
    )
    assert created and claim.status == "pending" and claim.origin == "extracted"
    assert claim.reliability == "B" and claim.rule == "casualties.killed_or_wounded"
    source = claim.sources.get()
    assert article.text[source.quote_start : source.quote_end] == "about 1,100 soldiers"


def test_it_merges_the_same_figure_from_two_outlets_into_one_claim():
    claimant = ClaimantFactory()
    first, second = ArticleFactory(), ArticleFactory()
    claim1, _ = services.claim_propose(
        article=first, candidate=_candidate(claimant, "about 1,100 soldiers")
    )
    claim2, created = services.claim_propose(
        article=second,
        candidate=_candidate(claimant, "about 1,100 soldiers", claim_date=dt.date(2024, 12, 27)),
    )
    assert not created and claim1 == claim2
    assert Claim.objects.count() == 1
    assert ClaimSource.objects.filter(claim=claim1).count() == 2


def test_it_keeps_claims_apart_when_dates_are_further_apart_than_the_merge_window(settings):
    settings.CLAIM_MERGE_WINDOW_DAYS = 30
    claimant = ClaimantFactory()
    services.claim_propose(
        article=ArticleFactory(), candidate=_candidate(claimant, "about 1,100 soldiers")
    )
    _, created = services.claim_propose(
        article=ArticleFactory(),  # 2024-12-23 + 31 days
        candidate=_candidate(claimant, "about 1,100 soldiers", claim_date=dt.date(2025, 1, 23)),
    )
    assert created and Claim.objects.count() == 2


def test_it_keeps_claims_apart_for_other_claimants_or_figures():
    a, b = ClaimantFactory(), ClaimantFactory()
    services.claim_propose(
        article=ArticleFactory(), candidate=_candidate(a, "about 1,100 soldiers")
    )
    services.claim_propose(
        article=ArticleFactory(), candidate=_candidate(b, "about 1,100 soldiers")
    )
    services.claim_propose(
        article=ArticleFactory(), candidate=_candidate(a, "about 1,100 soldiers", best=3000.0)
    )
    assert Claim.objects.count() == 3


def test_repeated_mentions_in_one_article_become_one_claim_with_two_quotes():
    article = ArticleFactory(text="About 1,100 soldiers fell. Again: about 1,100 soldiers fell.")
    claimant = ClaimantFactory()
    for start in (0, 34):
        services.claim_propose(
            article=article,
            candidate=_candidate(
                claimant, "bout 1,100 soldiers", quote_start=start + 1, quote_end=start + 20
            ),
        )
    claim = Claim.objects.get()
    assert claim.sources.count() == 2


def test_proposing_the_same_mention_twice_changes_nothing():
    article, claimant = ArticleFactory(), ClaimantFactory()
    for _ in range(2):
        services.claim_propose(article=article, candidate=_candidate(claimant, "about 1,100"))
    assert (Claim.objects.count(), ClaimSource.objects.count()) == (1, 1)


def _change_form_post(client, claim, **extra):
    """The claim's change form as the browser would submit it, plus `extra` fields."""
    response = client.get(reverse("admin:tracker_claim_change", args=[claim.pk]))
    data = {}
    form = response.context["adminform"].form
    for name, field in form.fields.items():
        value = form.initial.get(name, field.initial)
        if value is not None:
            data[name] = value.pk if hasattr(value, "pk") else value
    for formset in response.context["inline_admin_formsets"]:
        fs = formset.formset
        data.update({f"{fs.prefix}-{k}": v for k, v in fs.management_form.initial.items()})
        for i, sub in enumerate(fs.forms):
            for name in sub.fields:
                value = sub.instance.pk if name == "id" else sub.initial.get(name)
                if value is not None:
                    data[f"{fs.prefix}-{i}-{name}"] = getattr(value, "pk", value)
    data.update(extra)
    return data


def test_approve_and_next_opens_the_next_pending_claim(editor_client, editor):
    first = ClaimSourceFactory(claim__status="pending").claim
    second = ClaimFactory(status="pending")
    url = reverse("admin:tracker_claim_change", args=[first.pk])
    page = editor_client.get(url).content.decode()
    assert 'name="_approve_next"' in page and "<mark>" in page
    response = editor_client.post(url, _change_form_post(editor_client, first, _approve_next="1"))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:tracker_claim_change", args=[second.pk])
    first.refresh_from_db()
    assert (first.status, first.reviewed_by) == ("approved", editor)


def test_reject_and_next_saves_the_editors_edits_first(editor_client):
    claim = ClaimFactory(status="pending", best=1100)
    url = reverse("admin:tracker_claim_change", args=[claim.pk])
    data = _change_form_post(
        editor_client, claim, _reject_next="1", notes="duplicate figure", _reject_reason="Duplicate"
    )
    response = editor_client.post(url, data)
    assert response["Location"] == reverse("admin:tracker_claim_changelist")
    claim.refresh_from_db()
    assert (claim.status, claim.notes) == ("rejected", "duplicate figure")


def test_analyst_sees_no_review_buttons(analyst_client):
    claim = ClaimFactory(status="pending")
    page = analyst_client.get(reverse("admin:tracker_claim_change", args=[claim.pk]))
    assert b"_approve_next" not in page.content
