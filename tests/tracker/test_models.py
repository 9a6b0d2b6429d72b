import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from tests.factories import ArticleFactory, ClaimFactory, ClaimSourceFactory
from tracker import trust
from tracker.models import Claim, ClaimRelation, figure_text

pytestmark = pytest.mark.django_db


def _rejected_by_database(**fields):
    """Bypass clean(): the database itself must refuse the row."""
    claim = ClaimFactory.build(**fields)
    claim.claimant.save()
    with pytest.raises(IntegrityError), transaction.atomic():
        claim.save()


def test_database_rejects_low_above_best():
    _rejected_by_database(low=200, best=100, qualifier="approximately")


def test_database_rejects_best_above_high():
    _rejected_by_database(best=500, high=100, qualifier="approximately")


def test_database_rejects_low_above_high_range():
    _rejected_by_database(low=12000, best=None, high=10000, qualifier="range")


def test_database_rejects_numbers_with_qualifier_none():
    _rejected_by_database(best=1100, qualifier="none")


def test_database_rejects_qualifier_without_numbers():
    _rejected_by_database(low=None, best=None, high=None, qualifier="exact")


def test_database_rejects_negative_figures():
    _rejected_by_database(low=-5, best=None, qualifier="at_least")


def test_database_rejects_period_ending_before_it_starts():
    _rejected_by_database(period_start=dt.date(2025, 2, 1), period_end=dt.date(2025, 1, 1))


def test_claim_without_number_is_stored_with_qualifier_none():
    claim = ClaimFactory(
        category="arms_transfer",
        subtype="rocket_launchers",
        low=None,
        best=None,
        high=None,
        qualifier="none",
        unit="",
        weapon_system="240mm MRL",
    )
    assert Claim.objects.get(pk=claim.pk).figure_display == "no figure"


def test_article_url_is_unique():
    ArticleFactory(url="https://outlet.example.org/a")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(url="https://outlet.example.org/a")


def test_articles_without_url_may_coexist():
    ArticleFactory(url=None, content_hash="")
    ArticleFactory(url=None, content_hash="")


def test_same_text_hash_is_one_article():
    ArticleFactory(content_hash="ab" * 32)
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(content_hash="ab" * 32)


def test_one_source_per_claim_article_and_quote_offsets():
    source = ClaimSourceFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimSourceFactory(claim=source.claim, article=source.article)


def test_relation_to_itself_is_refused():
    claim = ClaimFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimRelation.objects.create(from_claim=claim, to_claim=claim, kind="corroborates")


def test_clean_names_the_field_in_error():
    claim = ClaimFactory.build(low=300, best=100, qualifier="approximately")
    with pytest.raises(ValidationError) as err:
        claim.full_clean(exclude=["claimant"])
    assert "low" in err.value.message_dict


def test_clean_refuses_subtype_of_another_category():
    claim = ClaimFactory.build(category="border_activity", subtype="killed")
    with pytest.raises(ValidationError) as err:
        claim.full_clean(exclude=["claimant"])
    assert "not a subtype of border_activity" in err.value.message_dict["subtype"][0]


@pytest.mark.parametrize(
    ("reliability", "credibility", "label"),
    [
        ("A", 1, "high"),
        ("B", 2, "high"),
        ("B", 3, "moderate"),
        ("C", 1, "moderate"),
        ("C", 3, "moderate"),
        ("C", 4, "low"),
        ("D", 1, "low"),
        ("F", 6, "low"),
        ("A", 6, "low"),
    ],
)
def test_confidence_mapping(reliability, credibility, label):
    assert trust.confidence_for(reliability, credibility) == label


def test_confidence_is_stored_from_the_grade_on_save():
    claim = ClaimFactory(reliability="B", credibility=2)
    assert claim.confidence == "high"
    claim.credibility = 4
    claim.save()
    assert Claim.objects.get(pk=claim.pk).confidence == "low"


def test_lengths_are_kept_as_printed_and_normalised_to_km():
    claim = ClaimFactory(
        category="border_activity", subtype="fence", best=155, qualifier="exact", unit="miles"
    )
    assert claim.unit == "miles" and claim.best == 155
    assert claim.norm_unit == "km"
    assert claim.norm_best == pytest.approx(249.45, abs=0.01)


def test_claim_edits_are_kept_in_history(editor):
    claim = ClaimFactory()
    claim.best = 1200
    claim._history_user = editor
    claim.save()
    history = list(claim.history.order_by("history_date"))
    assert [h.best for h in history] == [1100, 1200]
    assert history[-1].history_user == editor


def test_a_range_with_one_end_reads_as_its_figure():
    # The API accepts qualifier "range" with only `low`; reading it must not fail (found by
    # schemathesis: a 500 on POST /api/v1/claims/).
    assert figure_text(1000, None, None, "range", "troops") == "1,000 troops"
    assert figure_text(10, None, 20, "range", "") == "10–20"
