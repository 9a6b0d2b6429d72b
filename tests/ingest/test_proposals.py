"""article_propose_claims: extracted mentions become pending claims, merged across articles."""

import datetime as dt

import pytest

from ingest.proposals import article_propose_claims
from tests.factories import ArticleFactory, ClaimantFactory
from tracker.models import Claim, Claimant, ClaimantAlias, ClaimSource

TEXT = (
    "SEOUL -- About 1,100 North Korean soldiers have been killed or wounded fighting for Russia, "
    "the Joint Chiefs of Staff said on Monday. North Korea has also supplied 240mm multiple "
    "rocket launchers to Russia, the JCS said."
)
PUBLISHED = dt.datetime(2024, 12, 24, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def jcs(db):
    return ClaimantFactory(name="South Korea Joint Chiefs of Staff", short_name="JCS")


def test_an_article_with_a_figure_creates_pending_claims_with_quotes_and_rules(jcs):
    article = ArticleFactory(text=TEXT, published_at=PUBLISHED)
    assert article_propose_claims(article=article) == 2
    casualty = Claim.objects.get(category="casualties")
    assert (casualty.subtype, casualty.best, casualty.qualifier) == (
        "killed_or_wounded",
        1100,
        "approximately",
    )
    assert casualty.claimant == jcs
    assert casualty.claim_date == dt.date(2024, 12, 23)
    assert (casualty.status, casualty.origin) == ("pending", "extracted")
    assert casualty.rule and casualty.extraction_score is not None
    [source] = casualty.sources.all()
    assert TEXT[source.quote_start : source.quote_end] == source.quote
    assert "1,100" in source.quote
    launchers = Claim.objects.get(category="arms_transfer")
    assert (launchers.subtype, launchers.qualifier) == ("rocket_launchers", "none")


def test_running_it_twice_adds_nothing(jcs):
    article = ArticleFactory(text=TEXT, published_at=PUBLISHED)
    article_propose_claims(article=article)
    claims, sources = Claim.objects.count(), ClaimSource.objects.count()
    assert article_propose_claims(article=article) == 0
    assert (Claim.objects.count(), ClaimSource.objects.count()) == (claims, sources)


def test_the_same_figure_from_the_same_claimant_in_a_second_article_adds_a_source(jcs):
    first = ArticleFactory(text=TEXT, published_at=PUBLISHED)
    article_propose_claims(article=first)
    second = ArticleFactory(
        text="The JCS said Tuesday some 1,100 North Korean troops were killed or wounded.",
        published_at=PUBLISHED + dt.timedelta(days=1),
    )
    assert article_propose_claims(article=second) == 1
    claim = Claim.objects.get(category="casualties")
    assert Claim.objects.filter(category="casualties").count() == 1
    assert {s.article for s in claim.sources.all()} == {first, second}


def test_an_alias_added_in_the_database_changes_attribution(db):
    text = "Defence HQ said on Monday that about 1,100 North Korean soldiers were killed or hurt."
    ministry = ClaimantFactory(name="South Korea Ministry of National Defense", short_name="MND")
    article_propose_claims(article=ArticleFactory(text=text, published_at=PUBLISHED))
    assert Claim.objects.get().claimant != ministry
    Claim.objects.all().delete()
    ClaimantAlias.objects.create(claimant=ministry, alias="Defence HQ")
    article_propose_claims(article=ArticleFactory(text=text, published_at=PUBLISHED))
    assert Claim.objects.get().claimant == ministry


def test_an_unknown_claimant_is_created_ungraded(db):
    text = "About 1,100 North Korean soldiers were killed or wounded, the Seoul Defense Forum said."
    article_propose_claims(article=ArticleFactory(text=text, published_at=PUBLISHED))
    claimant = Claim.objects.get().claimant
    assert (claimant.name, claimant.kind, claimant.reliability) == (
        "Seoul Defense Forum",
        Claimant.Kind.OTHER,
        "F",
    )


def test_an_article_without_claims_proposes_nothing(db):
    article = ArticleFactory(text="Seoul was mild on Monday.", published_at=PUBLISHED)
    assert article_propose_claims(article=article) == 0
    assert not Claim.objects.exists()


def test_one_batch_reported_by_two_claimants_is_proposed_as_a_corroboration_and_counted_once(jcs):
    from tracker.models import ClaimRelation
    from tracker.series import SeriesQuery, series_build

    ClaimantFactory(name="Ukraine Defence Intelligence (GUR)", short_name="GUR")
    first = ArticleFactory(
        text="Another 3,000 North Korean troops arrived in Russia, the JCS said on Monday.",
        published_at=dt.datetime(2025, 3, 4, 9, 0, tzinfo=dt.UTC),
    )
    later = ArticleFactory(
        text="Another 3,000 North Korean troops arrived in Russia, the GUR said on Thursday.",
        published_at=dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC),
    )
    article_propose_claims(article=first)
    article_propose_claims(article=later)
    jcs_batch, gur_batch = Claim.objects.filter(subtype="additional_deployment").order_by("pk")
    assert jcs_batch.claimant != gur_batch.claimant  # two claims, one event
    [relation] = ClaimRelation.objects.all()
    assert (relation.from_claim, relation.kind, relation.to_claim) == (
        gur_batch,
        "corroborates",
        jcs_batch,
    )
    assert "Proposed by the pipeline" in relation.note
    article_propose_claims(article=later)  # again: nothing new
    assert ClaimRelation.objects.count() == 1
    series = series_build(
        SeriesQuery("troop_deployment", "additional_deployment", include_pending=True)
    )
    # 3,000 + 3,000 told of one batch: the combined line counts 3,000
    assert series["increments"]["total"] == 3000
