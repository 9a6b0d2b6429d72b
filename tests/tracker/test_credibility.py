"""Suggested credibility (tracker/credibility.py) on hand-worked cases: independent claimants
agreeing raise it, contradicting ones lower it, a claim alone stays 6, an editor's grade stays."""

import dataclasses
import datetime as dt

import pytest

from ingest.proposals import article_propose_claims
from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    ClaimSourceFactory,
    OutletFactory,
)
from tracker import services
from tracker.credibility import (
    ClaimFacts,
    claim_facts,
    credibility_assess,
    credibility_suggest,
    series_claims,
    series_facts,
)
from tracker.models import Claim, ClaimSource

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 1, 13)
CAS = {"category": "casualties", "subtype": "killed_or_wounded", "unit": "troops"}


@pytest.fixture
def who():
    return {
        "jcs": ClaimantFactory(name="T JCS", country="South Korea", kind="military"),
        "nis": ClaimantFactory(name="T NIS", country="South Korea", kind="intelligence"),
        "ukmod": ClaimantFactory(name="T UK MoD", country="United Kingdom", kind="military"),
        "gur": ClaimantFactory(
            name="T GUR", country="Ukraine", kind="intelligence", reliability="C"
        ),
        "isw": ClaimantFactory(name="T ISW", country="United States", kind="ngo", reliability="C"),
        "kcna": ClaimantFactory(
            name="T KCNA", country="North Korea", kind="media", reliability="E"
        ),
    }


def extracted(claimant, days=0, **figure):
    """A pending extracted claim whose credibility is the machine's suggestion."""
    figure.setdefault("qualifier", "approximately")
    return ClaimFactory(
        claimant=claimant, claim_date=DAY + dt.timedelta(days=days), status="pending",
        origin="extracted", credibility=6, credibility_suggested=True, **CAS, **figure,
    )  # fmt: skip


def approved(claimant, days=0, **figure):
    figure.setdefault("qualifier", "approximately")
    return ClaimFactory(
        claimant=claimant, claim_date=DAY + dt.timedelta(days=days), **CAS, **figure
    )


def test_a_claim_alone_cannot_be_judged(who):
    claim = extracted(who["jcs"], best=1100)
    assert credibility_suggest(claim) == 6


def test_one_independent_claimant_agreeing_makes_it_probably_true(who):
    # JCS "about 1,100" against NIS "more than 1,000" five days later: ranges (1100, 1100) and
    # (1000, ∞) overlap, so they agree; NIS is one other voice of the same country → 2.
    claim = extracted(who["jcs"], best=1100)
    approved(who["nis"], days=5, low=1000, best=None, qualifier="more_than")
    assert credibility_suggest(claim) == 2


def test_an_official_claimant_of_another_country_confirms_it(who):
    # UK MoD "about 1,050": 1,050 × 1.1 = 1,155 ≥ 1,100 × 0.9 — agrees within 10%; the UK is
    # another country and the MoD an official claimant graded B → 1.
    claim = extracted(who["jcs"], best=1100)
    approved(who["ukmod"], days=-3, best=1050)
    assessment = credibility_assess(claim)
    assert assessment.grade == 1
    assert "another country" in assessment.reason


def test_two_independent_voices_confirm_it(who):
    # NIS (same country) and ISW (a research institute, not official) both agree → 2 voices → 1.
    claim = extracted(who["jcs"], best=1100)
    approved(who["nis"], best=1150)
    approved(who["isw"], low=1000, best=None, high=1200, qualifier="range")
    assert credibility_suggest(claim) == 1


def test_a_fresh_estimate_far_outside_makes_it_doubtful(who):
    # GUR "about 3,000" against the claim's "about 1,100": 3,000 > 1.5 × 1,100 = 1,650 → 4.
    claim = extracted(who["jcs"], best=1100)
    approved(who["gur"], days=2, best=3000)
    assert credibility_suggest(claim) == 4


def test_two_contradicting_voices_make_it_improbable(who):
    claim = extracted(who["jcs"], best=1100)
    approved(who["gur"], best=3000)
    approved(who["isw"], low=4000, best=None, qualifier="more_than")  # 4,000 > 1,650 too
    assert credibility_suggest(claim) == 5


def test_agreed_and_contradicted_is_possibly_true(who):
    claim = extracted(who["jcs"], best=1100)
    approved(who["nis"], best=1100)
    approved(who["gur"], best=3000)
    assert credibility_suggest(claim) == 3


def test_what_does_not_count(who):
    claim = extracted(who["jcs"], best=1100)
    approved(who["kcna"], best=1100)  # graded E: counts for nothing
    approved(who["jcs"], days=1, best=1100)  # the same claimant is not independent
    approved(who["nis"], days=45, best=1100)  # outside the 30-day window
    approved(who["gur"], best=1400)  # 1,400 vs 1,100: neither agrees (>10%) nor contradicts
    ClaimFactory(claimant=who["ukmod"], status="rejected", claim_date=DAY, best=1100, **CAS)
    assert credibility_suggest(claim) == 6


def test_shipments_of_different_size_never_contradict(who):
    shells = {"category": "arms_transfer", "subtype": "artillery_shells", "unit": "rounds"}
    claim = ClaimFactory(
        claimant=who["jcs"], claim_date=DAY, best=1000, measure="increment", status="pending",
        credibility=6, credibility_suggested=True, **shells,
    )  # fmt: skip
    ClaimFactory(claimant=who["gur"], claim_date=DAY, best=9000, measure="increment", **shells)
    assert credibility_suggest(claim) == 6


def test_an_article_figure_printed_by_two_independent_outlets_is_probably_true():
    claim = ClaimFactory(claimant=None, claim_date=DAY, best=1100, status="pending", **CAS)
    for outlet in (OutletFactory(), OutletFactory()):
        ClaimSource.objects.create(
            claim=claim, article=ArticleFactory(outlet=outlet), quote="about 1,100"
        )
    assert credibility_suggest(claim) == 2


def test_refresh_updates_pending_suggestions_and_never_an_editors_grade(who, editor):
    # Three pending claims of JCS's 1,100: one still suggested, one graded 3 by an editor,
    # and one approved with its suggested grade. NIS then says 1,100 too.
    suggested = extracted(who["jcs"], best=1100)
    by_editor = extracted(who["ukmod"], best=1100)
    services.claim_update(claim=by_editor, editor=editor, credibility=3)
    by_editor.refresh_from_db()
    assert by_editor.credibility_suggested is False
    approved_one = extracted(who["isw"], best=1100)
    services.claim_approve(claim=approved_one, reviewer=editor, grade_confirmed=True)
    approved_one.refresh_from_db()
    approved_grade = approved_one.credibility

    newcomer = extracted(who["nis"], days=1, best=1100)
    changed = services.claim_credibility_refresh(claim=newcomer)

    suggested.refresh_from_db(), by_editor.refresh_from_db(), approved_one.refresh_from_db()
    newcomer.refresh_from_db()
    # The newcomer and the suggested claim each have ≥2 agreeing voices (and the UK MoD is an
    # official claimant of another country) → 1, and their confidence follows (B1 → high).
    assert (newcomer.credibility, suggested.credibility) == (1, 1)
    assert newcomer.confidence == "high"
    assert set(changed) == {newcomer.pk, suggested.pk}
    assert by_editor.credibility == 3
    assert approved_one.credibility == approved_grade


def test_an_ingested_claim_is_raised_when_another_country_says_the_same(db):
    published = dt.datetime(2024, 12, 24, 9, 0, tzinfo=dt.UTC)
    first = ArticleFactory(
        published_at=published,
        text="About 1,100 North Korean soldiers have been killed or wounded fighting for "
        "Russia, the Joint Chiefs of Staff said on Monday.",
    )
    article_propose_claims(article=first)
    jcs_claim = Claim.objects.get(category="casualties")
    assert (jcs_claim.credibility, jcs_claim.credibility_suggested) == (6, True)

    second = ArticleFactory(
        published_at=published + dt.timedelta(days=3),
        text="About 1,100 North Korean soldiers have been killed or wounded, the UK Ministry "
        "of Defence said on Thursday.",
    )
    article_propose_claims(article=second)
    jcs_claim.refresh_from_db()
    uk_claim = Claim.objects.exclude(pk=jcs_claim.pk).get(category="casualties")
    # Registry claimants: JCS (South Korea, B) and UK MoD (United Kingdom, B) agree → 1 each.
    assert uk_claim.claimant.name == "UK Ministry of Defence"
    assert (jcs_claim.credibility, uk_claim.credibility) == (1, 1)
    assert jcs_claim.confidence == "high"


def test_vague_figures_and_pairs_of_bounds_confirm_nothing(who):
    # "thousands" (vague, low=1,000) would overlap almost anything: it counts for nothing, and
    # is itself left at 6. "more than 1,000" and "more than 5,000" overlap but say too little.
    vague = extracted(who["jcs"], low=1000, best=None, qualifier="vague")
    bound = extracted(who["ukmod"], low=1000, best=None, qualifier="more_than")
    approved(who["isw"], low=5000, best=None, qualifier="more_than")
    assert (credibility_suggest(vague), credibility_suggest(bound)) == (6, 6)
    # NIS's estimate of 12,000 is consistent with "more than 1,000", and the NIS is an official
    # claimant of another country than the UK MoD → 1. The vague claim stays 6.
    approved(who["nis"], best=12000)
    assert (credibility_suggest(vague), credibility_suggest(bound)) == (6, 1)


def test_a_newer_estimate_a_fortnight_later_does_not_contradict(who):
    # 1,500 on day 0 and "more than 10,000" on day 17: the deployment grew; 17 > 7 days.
    claim = extracted(who["nis"], best=1500)
    approved(who["jcs"], days=17, low=10000, best=None, qualifier="more_than")
    assert credibility_suggest(claim) == 6


def test_claims_without_a_number_agree_only_on_a_specific_thing(who):
    # JCS and NIS (one country) say North Korea supplies rocket launchers, with no number:
    # one other voice agrees → 2. Two unrelated statements filed under "other" confirm nothing.
    launchers = {"category": "arms_transfer", "subtype": "rocket_launchers", "unit": ""}
    said = [
        ClaimFactory(claimant=c, claim_date=DAY, best=None, qualifier="none", status="pending",
                     credibility=6, credibility_suggested=True, **launchers)
        for c in (who["jcs"], who["nis"])
    ]  # fmt: skip
    assert credibility_suggest(said[0]) == 2
    other = {"category": "other", "subtype": "other", "unit": ""}
    unrelated = [
        ClaimFactory(claimant=c, claim_date=DAY, best=None, qualifier="none", **other)
        for c in (who["jcs"], who["gur"])
    ]
    assert credibility_suggest(unrelated[0]) == 6


SHELLS = {"category": "arms_transfer", "subtype": "artillery_shells", "unit": "shells"}


def shipped(claimant, days=0, **figure):
    """A pending extracted claim of shells shipped, its credibility the machine's suggestion."""
    return ClaimFactory(
        claimant=claimant, claim_date=DAY + dt.timedelta(days=days), status="pending",
        origin="extracted", credibility=6, credibility_suggested=True, measure="increment",
        qualifier="approximately", **SHELLS, **figure,
    )  # fmt: skip


def test_the_facts_of_several_series_read_together_are_each_series_own(who):
    # Two series side by side, each with claims inside and outside the window, a rejected
    # one, and a claim no claimant made (its voice is the outlets that printed it).
    for days in (-70, -50, -10, 0, 3, 55, 80):
        extracted(who["jcs"], days=days, best=1000 + days)
        shipped(who["nis"], days=days, best=5000)
    ClaimFactory(claimant=who["gur"], claim_date=DAY, best=900, status="rejected", **CAS)
    claimless = shipped(None, best=5000)
    outlet = OutletFactory()
    ClaimSourceFactory(claim=claimless, article=ArticleFactory(outlet=outlet))
    claims = [
        Claim.objects.get(claimant=who["jcs"], claim_date=DAY),
        Claim.objects.get(claimant=who["nis"], claim_date=DAY + dt.timedelta(days=3)),
    ]

    together = series_facts(claims, days=60)

    assert together == [claim_facts(series_claims(c, days=60)) for c in claims]
    # built without ClaimFacts.__init__: every field, nothing else, equal to the constructor's
    names = {f.name for f in dataclasses.fields(ClaimFacts)}
    for fact in (fact for series in together for fact in series):
        assert type(fact) is ClaimFacts and set(vars(fact)) == names
        assert fact == ClaimFacts(**vars(fact)) and hash(fact) == hash(ClaimFacts(**vars(fact)))
        with pytest.raises(dataclasses.FrozenInstanceError):
            fact.pk = 0
    assert [len(f) for f in together] == [5, 6]  # -50 … 55 of each; not the rejected one
    assert {f.pk: f.voice for f in together[1]}[claimless.pk] == {("outlet", outlet.pk)}


def test_claims_of_two_series_refreshed_together_are_graded_as_one_by_one(who):
    casualties = [extracted(who["jcs"], best=1100), extracted(who["nis"], days=2, best=1100)]
    arms = [shipped(who["ukmod"], best=20), shipped(who["gur"], days=1, best=21)]
    changed = services.claims_credibility_refresh(claims=[casualties[1], arms[1]])
    graded = {c.pk: Claim.objects.get(pk=c.pk).credibility for c in casualties + arms}
    Claim.objects.update(credibility=6)
    one_by_one = services.claim_credibility_refresh(claim=casualties[1])
    one_by_one += services.claim_credibility_refresh(claim=arms[1])
    assert changed == one_by_one and len(changed) == 4
    assert graded == {c.pk: Claim.objects.get(pk=c.pk).credibility for c in casualties + arms}


def test_regrades_keep_their_history_and_cost_the_same_queries_however_many(
    who, django_capture_on_commit_callbacks
):
    # Pending claims regraded by one refresh each get the history row a save writes (the new
    # grade and the confidence that follows), the editors' data version moves, and writing
    # them is three statements (their rows read, one update, their history), not a few per
    # claim: the facts' read and those three, for one claim regraded or four.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tracker.cache import versions

    earlier = [extracted(who[name], best=1100) for name in ("jcs", "ukmod", "isw")]
    newcomer = extracted(who["nis"], days=1, best=1100)
    before = versions([], unreviewed=True)[-1]
    with (
        django_capture_on_commit_callbacks(execute=True),
        CaptureQueriesContext(connection) as queries,
    ):
        changed = services.claim_credibility_refresh(claim=newcomer)
    assert set(changed) == {c.pk for c in (*earlier, newcomer)}
    assert len(queries) == 4
    assert versions([], unreviewed=True)[-1] != before
    for claim in (*earlier, newcomer):
        claim.refresh_from_db()
        last = claim.history.order_by("-history_id").first()
        assert (last.history_type, last.credibility, last.confidence) == (
            "~",
            claim.credibility,
            claim.confidence,
        )
        assert claim.credibility < 6 and claim.history.count() == 2

    alone = extracted(who["kcna"], days=40, best=5)
    lone_voice = extracted(who["jcs"], days=41, best=5)
    with CaptureQueriesContext(connection) as queries:
        changed = services.claim_credibility_refresh(claim=lone_voice)
    assert changed and len(queries) == 4
    assert {alone.pk, lone_voice.pk} >= set(changed)


def test_a_claim_approved_since_its_facts_were_read_is_saved_as_before(who, editor):
    # The refresh grades pending claims; one approved between its read and its write is still
    # written as it always was, by its own save (whose signals log a public claim's change).
    from tracker.models import PublicChange

    claim = extracted(who["jcs"], best=1100)
    services.claim_approve(claim=claim, reviewer=editor, grade_confirmed=True)
    logged = PublicChange.objects.filter(claim_id=claim.pk).count()
    services._credibility_write({claim.pk: 2})
    claim.refresh_from_db()
    assert (claim.credibility, claim.status) == (2, "approved")
    assert claim.history.order_by("-history_id").first().credibility == 2
    assert PublicChange.objects.filter(claim_id=claim.pk).count() == logged + 1
