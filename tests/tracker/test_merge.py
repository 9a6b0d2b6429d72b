"""The merge rule (tracker.merge): when a proposed figure is another source of a stored claim.

Each case is worked by hand in its comment; candidates are built here, so the cases do not
depend on what the extractor makes of a sentence (tests/ingest/test_eval_ingest.py runs the
same rule through the pipeline on hand-written articles)."""

import datetime as dt

import pytest

from tests.factories import ArticleFactory, ClaimantFactory, UserFactory
from tracker import services
from tracker.merge import (
    Figure,
    _agrees_with,
    claim_duplicate_pairs,
    claimant_is_established,
    claims_corroborated,
    figures_agree,
)
from tracker.models import Claim, Claimant, ClaimSource

pytestmark = pytest.mark.django_db

DAY = dt.date(2025, 1, 15)


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
        "claim_date": DAY,
        "claimant": claimant,
        "quote": quote,
        "rule": "test",
    }
    return {**fields, **overrides}


# Quotes are checked against their article (tracker.quotes): the factory articles print every
# figure these cases quote.
TEXT = (
    "Officials said about 1,100 soldiers were killed or wounded, some 1,100 by another count "
    "and more than 1,000 by a third. Some put it at about 12,000 deployed. 2,000 arrived on "
    "Monday and 2,000 more arrived on Friday; 30 were lost that week."
)


def _article(**fields):
    return ArticleFactory(**{"text": TEXT, **fields})


MORE_THAN_1000 = {"low": 1000.0, "best": None, "qualifier": "more_than"}


@pytest.mark.parametrize(
    ("a", "b", "agree"),
    [
        # equal figures
        (Figure(None, 1100, None, "approximately"), Figure(None, 1100, None, "exact"), True),
        # "more than 1,000" restates "about 1,100": 1,000 <= 1,100 <= 1,000 x 1.25 = 1,250
        (Figure(1000, None, None, "more_than"), Figure(None, 1100, None, "approximately"), True),
        # "more than 1,000" is not "about 5,000": 5,000 > 1,250
        (Figure(1000, None, None, "more_than"), Figure(None, 5000, None, "approximately"), False),
        # "at least 100" is not "about 1,100"
        (Figure(100, None, None, "at_least"), Figure(None, 1100, None, "approximately"), False),
        # a bound above the estimate contradicts it: "more than 1,200" vs "about 1,100"
        (Figure(1200, None, None, "more_than"), Figure(None, 1100, None, "approximately"), False),
        # "up to 12,000" restates "about 11,000": 11,000 <= 12,000 <= 11,000 x 1.25 = 13,750
        (Figure(None, None, 12000, "up_to"), Figure(None, 11000, None, "approximately"), True),
        # "more than 10,000" restates "10,000 to 12,000": 10,000 <= 10,000, 12,000 <= 12,500
        (Figure(10000, None, None, "more_than"), Figure(10000, None, 12000, "range"), True),
        # a vague amount restates nothing: "thousands" (1,000, vague) vs 1,100
        (Figure(1000, None, None, "vague"), Figure(None, 1100, None, "approximately"), False),
        # two bounds agree only when equal
        (Figure(1000, None, None, "more_than"), Figure(1100, None, None, "more_than"), False),
        # no figure and no figure: the same statement ("supplies rocket launchers")
        (Figure(None, None, None, "none"), Figure(None, None, None, "none"), True),
    ],
)
def test_figures_agree_when_equal_or_a_bound_restates_an_estimate(a, b, agree):
    assert figures_agree(a, b) is agree
    assert figures_agree(b, a) is agree


def test_the_same_claim_lookup_reads_figures_as_figures_agree_does():
    # claim_find_same decides on plain rows (pk, subtype, low, best, high, qualifier, ...)
    # without building each row's Figure: every pair of a small grid gives the same answer
    values = [None, 900.0, 1000.0, 1100.0, 1500.0]
    qualifiers = ["exact", "vague", "more_than", "at_least", "up_to", "fewer_than", "about"]
    figures = [(lo, b, hi, q) for lo in values for b in values for hi in values for q in qualifiers]
    for a in figures:
        mine = Figure(*a)
        for b in figures:
            assert _agrees_with(mine, (0, "", *b)) is figures_agree(mine, Figure(*b)), (a, b)


def test_the_same_claim_lookup_reads_a_claimants_series_as_the_orm_filter_does():
    from django.db import connection

    from tests.factories import ClaimFactory
    from tracker import merge

    jcs, nis = ClaimantFactory(), ClaimantFactory()
    day = dt.date(2024, 12, 23)
    for days, claimant, subtype in [
        (-31, jcs, "killed_or_wounded"), (-30, jcs, "killed_or_wounded"),
        (0, jcs, "killed_or_wounded"), (30, jcs, "killed_or_wounded"),
        (31, jcs, "killed_or_wounded"), (0, jcs, "killed"), (0, nis, "killed_or_wounded"),
    ]:  # fmt: skip
        ClaimFactory(
            claimant=claimant, subtype=subtype, claim_date=day + dt.timedelta(days=days),
            low=1000, best=None, high=1200, qualifier="range", measure="increment",
            period_start=day - dt.timedelta(days=7), period_end=day,
        )  # fmt: skip
    window = (day - dt.timedelta(days=30), day + dt.timedelta(days=30))
    orm = Claim.objects.filter(
        category="casualties", subtype="killed_or_wounded", norm_unit="troops", claimant=jcs,
        claim_date__range=window,
    ).values_list(*merge._ROW_FIELDS)  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            merge._same_series_sql(), ["casualties", "killed_or_wounded", "troops", jcs.pk, *window]
        )
        rows = [tuple(row) for row in cursor.fetchall()]
    assert sorted(rows) == sorted(orm) and len(rows) == 3
    assert {type(v) for row in rows for v in row[8:10]} == {dt.date}


def test_a_headline_restating_the_body_becomes_a_second_source_of_the_body_claim():
    jcs = ClaimantFactory(name="Joint Chiefs")
    article = ArticleFactory(text="More than 1,000 hurt. About 1,100 killed or wounded, JCS said.")
    body, _ = services.claim_propose(article=article, candidate=_candidate(jcs, "About 1,100"))
    # The headline is unattributed and gives a bound: same article, same series, agreeing.
    headline, created = services.claim_propose(
        article=article, candidate=_candidate(None, "More than 1,000", **MORE_THAN_1000)
    )
    assert not created and headline == body
    claim = Claim.objects.get()
    assert (claim.best, claim.qualifier, claim.claimant) == (1100, "approximately", jcs)
    assert claim.sources.count() == 2


def test_a_headline_proposed_first_takes_the_body_figure_and_claimant():
    jcs = ClaimantFactory(name="Joint Chiefs", reliability="A")
    article = ArticleFactory(text="More than 1,000 hurt. About 1,100 killed or wounded, JCS said.")
    services.claim_propose(
        article=article, candidate=_candidate(None, "More than 1,000", **MORE_THAN_1000)
    )
    services.claim_propose(article=article, candidate=_candidate(jcs, "About 1,100"))
    claim = Claim.objects.get()
    # The claim keeps the more precise figure (an estimate beats a bound) and the claimant.
    assert (claim.low, claim.best, claim.qualifier) == (None, 1100, "approximately")
    assert (claim.claimant, claim.reliability) == (jcs, "A")
    assert claim.sources.count() == 2


def test_the_same_claimants_figure_12_days_later_from_another_outlet_is_one_claim(settings):
    settings.CLAIM_MERGE_WINDOW_DAYS = 30
    nis = ClaimantFactory()
    first, later = _article(), _article()  # two outlets (factory: one each)
    assert first.outlet != later.outlet
    services.claim_propose(article=first, candidate=_candidate(nis, "about 1,100"))
    _, created = services.claim_propose(
        article=later,  # 2025-01-15 + 12 days
        candidate=_candidate(nis, "some 1,100", claim_date=dt.date(2025, 1, 27)),
    )
    assert not created
    claim = Claim.objects.get()
    assert {s.article for s in claim.sources.all()} == {first, later}


def test_the_same_claimants_figure_40_days_later_is_a_new_claim(settings):
    settings.CLAIM_MERGE_WINDOW_DAYS = 30
    nis = ClaimantFactory()
    services.claim_propose(article=_article(), candidate=_candidate(nis, "about 1,100"))
    _, created = services.claim_propose(
        article=_article(),  # 2025-01-15 + 40 days: outside the 30-day window
        candidate=_candidate(nis, "about 1,100", claim_date=dt.date(2025, 2, 24)),
    )
    assert created and Claim.objects.count() == 2


def test_the_window_is_a_setting(settings):
    settings.CLAIM_MERGE_WINDOW_DAYS = 10
    nis = ClaimantFactory()
    services.claim_propose(article=_article(), candidate=_candidate(nis, "about 1,100"))
    _, created = services.claim_propose(
        article=_article(),  # 12 days apart, the window is 10
        candidate=_candidate(nis, "about 1,100", claim_date=dt.date(2025, 1, 27)),
    )
    assert created


def test_a_later_report_of_the_same_bound_still_merges_across_outlets():
    nis = ClaimantFactory()
    services.claim_propose(
        article=_article(), candidate=_candidate(nis, "more than 1,000", **MORE_THAN_1000)
    )
    services.claim_propose(
        article=_article(),
        candidate=_candidate(nis, "about 1,100", claim_date=dt.date(2025, 1, 20)),
    )
    claim = Claim.objects.get()  # pending, so it takes the more precise figure
    assert (claim.best, claim.sources.count()) == (1100, 2)


def test_an_approved_claim_keeps_the_figure_its_editor_approved():
    nis, editor = ClaimantFactory(), UserFactory()
    claim, _ = services.claim_propose(
        article=_article(), candidate=_candidate(nis, "more than 1,000", **MORE_THAN_1000)
    )
    services.claim_approve(claim=claim, reviewer=editor, grade_confirmed=True)
    services.claim_propose(article=_article(), candidate=_candidate(nis, "about 1,100"))
    claim.refresh_from_db()
    assert (claim.low, claim.best, claim.status) == (1000, None, "approved")
    assert claim.sources.count() == 2


def test_two_claimants_with_the_same_figure_on_the_same_day_are_two_claims():
    # Two shipments of 2,000 the same day from two claimants: the series must add them.
    gur, jcs = ClaimantFactory(), ClaimantFactory()
    shipment = {
        "category": "troop_deployment",
        "subtype": "additional_deployment",
        "best": 2000.0,
        "qualifier": "exact",
        "measure": "increment",
    }
    article = _article()
    services.claim_propose(article=article, candidate=_candidate(gur, "2,000 arrived", **shipment))
    _, created = services.claim_propose(
        article=_article(), candidate=_candidate(jcs, "2,000 arrived", **shipment)
    )
    assert created and Claim.objects.count() == 2
    # Even in one article: both claimants are named.
    _, created = services.claim_propose(
        article=article, candidate=_candidate(jcs, "2,000 more arrived", **shipment)
    )
    assert not created  # it is JCS's claim from the other article (same claimant, same day)
    assert Claim.objects.count() == 2


def test_in_one_article_a_guessed_name_yields_to_the_registered_claimant():
    # "According to him, about 12,000 ..." and "Zelensky said 12,000 ...": the pipeline made
    # a claimant of "him" (kind other, F, nothing else known); the registered one keeps it.
    him = Claimant.objects.create(name="him")
    zelensky = ClaimantFactory(name="Ukraine's president", reliability="C")
    assert not claimant_is_established(him) and claimant_is_established(zelensky)
    article = ArticleFactory(text="According to him, about 12,000. Zelensky said 12,000.")
    troops = {"category": "troop_deployment", "subtype": "deployed", "best": 12000.0}
    services.claim_propose(article=article, candidate=_candidate(him, "about 12,000", **troops))
    services.claim_propose(article=article, candidate=_candidate(zelensky, "said 12,000", **troops))
    claim = Claim.objects.get()
    assert (claim.claimant, claim.reliability, claim.sources.count()) == (zelensky, "C", 2)
    # In another article the guessed name is a claimant of its own: no merge by name alone.
    _, created = services.claim_propose(
        article=_article(), candidate=_candidate(him, "about 12,000", **troops)
    )
    assert created


def test_unattributed_figures_in_two_articles_stay_two_claims():
    services.claim_propose(article=_article(), candidate=_candidate(None, "about 1,100"))
    _, created = services.claim_propose(
        article=_article(), candidate=_candidate(None, "about 1,100")
    )
    assert created and Claim.objects.count() == 2


def test_increments_with_different_periods_are_two_events():
    gur = ClaimantFactory()
    week = {"measure": "increment", "best": 30.0, "qualifier": "exact"}
    services.claim_propose(
        article=_article(),
        candidate=_candidate(
            gur, "30", period_start=dt.date(2025, 1, 6), period_end=dt.date(2025, 1, 12), **week
        ),
    )
    _, created = services.claim_propose(
        article=_article(),
        candidate=_candidate(
            gur, "30", period_start=dt.date(2025, 1, 13), period_end=dt.date(2025, 1, 19), **week
        ),
    )
    assert created


def test_the_same_plan_quoted_twice_in_one_article_is_one_claim_with_two_sources():
    text = "The agency said 6,000 more will go. Later it said again that 6,000 more will go."
    article = ArticleFactory(text=text)
    plan = {
        "category": "troop_deployment",
        "subtype": "additional_deployment",
        "best": 6000.0,
        "qualifier": "exact",
        "measure": "increment",
    }
    quote = "6,000 more will go"
    for start in (text.find(quote), text.rfind(quote)):
        services.claim_propose(
            article=article,
            candidate=_candidate(
                None, quote, quote_start=start, quote_end=start + len(quote), **plan
            ),
        )
    claim = Claim.objects.get()
    assert [text[s.quote_start : s.quote_end] for s in claim.sources.all()] == [
        "6,000 more will go"
    ] * 2


def test_proposing_again_adds_nothing():
    jcs = ClaimantFactory()
    article = ArticleFactory(text="More than 1,000 hurt. About 1,100 killed or wounded, JCS said.")
    for _ in range(2):
        services.claim_propose(article=article, candidate=_candidate(jcs, "About 1,100"))
        services.claim_propose(
            article=article, candidate=_candidate(None, "More than 1,000", **MORE_THAN_1000)
        )
    assert (Claim.objects.count(), ClaimSource.objects.count()) == (1, 2)


def test_duplicate_pairs_finds_what_the_merge_would_have_merged(settings):
    settings.CLAIM_MERGE_WINDOW_DAYS = 30
    nis, other = ClaimantFactory(), ClaimantFactory()
    first = services.claim_create(
        claimant=nis, category="casualties", subtype="killed_or_wounded", best=1100,
        qualifier="approximately", unit="troops", claim_date=DAY,
    )  # fmt: skip
    restated = services.claim_create(
        claimant=nis, category="casualties", subtype="killed_or_wounded", low=1000,
        qualifier="more_than", unit="troops", claim_date=DAY + dt.timedelta(days=12),
    )  # fmt: skip
    services.claim_create(  # another claimant: a second claim, not a duplicate
        claimant=other, category="casualties", subtype="killed_or_wounded", best=1100,
        qualifier="approximately", unit="troops", claim_date=DAY,
    )  # fmt: skip
    [pair] = claim_duplicate_pairs()
    assert {pair.first, pair.second} == {first, restated}
    assert pair.reason == "same claimant within 30 days"


def test_a_headline_saying_killed_for_the_bodys_killed_or_wounded_is_one_claim():
    # Headline "more than 1,000 killed", body "about 1,100 killed or wounded", same claimant:
    # the headline shortened the body (1,000 <= 1,100 <= 1,250), so it is its second source
    # and the claim keeps the body's subtype and figure.
    jcs = ClaimantFactory(name="Joint Chiefs")
    article = ArticleFactory(
        text="More than 1,000 killed. About 1,100 killed or wounded, JCS said."
    )
    body, _ = services.claim_propose(article=article, candidate=_candidate(jcs, "About 1,100"))
    headline, created = services.claim_propose(
        article=article,
        candidate=_candidate(jcs, "More than 1,000 killed", subtype="killed", **MORE_THAN_1000),
    )
    assert not created and headline == body
    claim = Claim.objects.get()
    assert (claim.subtype, claim.best, claim.sources.count()) == ("killed_or_wounded", 1100, 2)


def test_a_headline_proposed_first_takes_the_bodys_subtype_with_its_figure():
    jcs = ClaimantFactory(name="Joint Chiefs")
    article = ArticleFactory(
        text="More than 1,000 killed. About 1,100 killed or wounded, JCS said."
    )
    services.claim_propose(
        article=article,
        candidate=_candidate(jcs, "More than 1,000 killed", subtype="killed", **MORE_THAN_1000),
    )
    services.claim_propose(article=article, candidate=_candidate(jcs, "About 1,100"))
    claim = Claim.objects.get()
    assert (claim.subtype, claim.best, claim.qualifier) == (
        "killed_or_wounded",
        1100,
        "approximately",
    )


def test_killed_and_killed_or_wounded_stay_apart_across_articles_and_killed_never_joins_wounded():
    jcs = ClaimantFactory(name="Joint Chiefs")
    services.claim_propose(article=_article(), candidate=_candidate(jcs, "about 1,100"))
    # another article, same claimant and day: only the same subtype merges across articles
    _, created = services.claim_propose(
        article=_article(), candidate=_candidate(jcs, "some 1,100", subtype="killed")
    )
    assert created
    # in one article, "wounded" does not restate "killed"
    article = ArticleFactory(text="About 1,100 killed, and about 1,100 wounded, JCS said.")
    services.claim_propose(
        article=article, candidate=_candidate(jcs, "About 1,100 killed", subtype="killed")
    )
    _, created = services.claim_propose(
        article=article, candidate=_candidate(jcs, "about 1,100 wounded", subtype="wounded")
    )
    assert created


def _batch(claimant, day, best=3000.0, qualifier="exact", **fields):
    return services.claim_create(
        claimant=claimant, category="troop_deployment", subtype="additional_deployment",
        best=best, qualifier=qualifier, unit="troops", measure="increment", claim_date=day,
        **fields,
    )  # fmt: skip


def test_one_batch_told_by_two_claimants_within_the_window_is_a_corroboration(settings):
    settings.CLAIM_MERGE_WINDOW_DAYS = 30
    jcs, monitors, press = ClaimantFactory(), ClaimantFactory(), ClaimantFactory()
    first = _batch(jcs, DAY)  # 3,000 sent, JCS, 15 January
    # 20 days later another claimant gives 3,000: the same batch (20 <= 30)
    later = _batch(monitors, DAY + dt.timedelta(days=20))
    assert claims_corroborated(later) == [first]
    # 60 days after the first (40 after the second): outside the window, a batch of its own
    assert claims_corroborated(_batch(press, DAY + dt.timedelta(days=60))) == []
    # another figure (2,000), or a vague amount ("thousands"): nothing
    assert claims_corroborated(_batch(press, DAY, best=2000.0)) == []
    vague = _batch(press, DAY, best=None, low=3000.0, qualifier="vague")
    assert claims_corroborated(vague) == []
