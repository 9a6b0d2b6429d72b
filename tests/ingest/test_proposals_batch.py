"""An article's new claims are written together (tracker.services.claims_create_pending): the
rows they leave are those that proposing them one by one (claim_propose) leaves — claims,
sources, weapon links, history rows with their users, reasons and validity — and nothing
public moves."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import RequestFactory
from simple_history.models import HistoricalRecords

from tests.factories import ArticleFactory, ClaimantFactory, UserFactory
from tracker import services
from tracker.models import Claim, ClaimSource, Place, PublicChange, SeriesChange

pytestmark = pytest.mark.django_db

TEXT = (
    "The Joint Chiefs said about 1,100 soldiers were killed or wounded near Testgrad. "
    "Pyongyang shipped 50 KN-23 missiles to Russia, the agency said. "
    "Some 300 engineers were deployed."
)
_SKIP = {"id", "claim_id", "created_at", "updated_at", "history_id", "history_date", "valid_until"}


def _candidates(claimant, place) -> list[dict]:
    def quoted(quote: str) -> dict:
        start = TEXT.index(quote)
        return {"quote": quote, "quote_start": start, "quote_end": start + len(quote)}

    casualties = {
        "category": "casualties",
        "subtype": "killed_or_wounded",
        "best": 1100.0,
        "qualifier": "approximately",
        "unit": "troops",
        "measure": "cumulative",
        "claim_date": dt.date(2024, 12, 23),
        "claimant": claimant,
        "place": place,
        "rule": "casualties.killed_or_wounded",
        "extraction_score": 0.9,
        "credibility_suggested": True,
        **quoted("about 1,100 soldiers were killed or wounded near Testgrad"),
    }
    missiles = {
        "category": "arms_transfer",
        "subtype": "ballistic_missiles",
        "best": 50.0,
        "qualifier": "exact",
        "unit": "missiles",
        "measure": "increment",
        "claim_date": dt.date(2024, 12, 20),
        "claimant": None,  # the outlet's voice: reliability from the outlet
        "weapon_system": "KN-23",  # systems resolved from the label (weapon_systems absent)
        "rule": "arms_transfer.ballistic_missiles",
        "extraction_score": 0.7,
        **quoted("Pyongyang shipped 50 KN-23 missiles to Russia"),
    }
    refused = {  # low above best: the claim model refuses it, the others are still written
        **casualties,
        "category": "troop_deployment",
        "subtype": "additional_deployment",
        "low": 400.0,
        "best": 300.0,
        "unit": "troops",
        "measure": "increment",
        "place": None,
        **quoted("Some 300 engineers were deployed"),
    }
    return [casualties, refused, missiles]


def _one_by_one(article, candidates) -> list[Claim | None]:
    made = []
    for candidate in candidates:
        try:
            claim, _ = services.claim_propose(
                article=article, candidate=candidate, create=True, known_new=True
            )
        except ValidationError:
            claim = None
        made.append(claim)
    return made


def _stored(claim: Claim) -> dict:
    """What a claim left in the database, without ids and times."""

    def plain(values: dict) -> dict:
        return {k: v for k, v in values.items() if k not in _SKIP}

    return {
        "claim": plain(Claim.objects.filter(pk=claim.pk).values()[0]),
        "sources": [plain(s) for s in ClaimSource.objects.filter(claim=claim).values()],
        "systems": sorted(claim.weapon_systems.values_list("slug", flat=True)),
        "history": [
            {**plain(h), "open": h["valid_until"] is None}
            for h in claim.history.order_by("history_id").values()
        ],
        "source history": [
            {**plain(h), "open": h["valid_until"] is None}
            for s in claim.sources.all()
            for h in s.history.order_by("history_id").values()
        ],
    }


@pytest.fixture
def place():
    return Place.objects.create(
        name="Testgrad",
        slug="testgrad",
        kind=Place.Kind.CITY,
        country="Russia",
        latitude=51.7,
        longitude=36.2,
    )


def test_claims_written_together_leave_the_rows_of_claims_proposed_one_by_one(place):
    claimant = ClaimantFactory(reliability="B")
    editor = UserFactory()
    together, alone = ArticleFactory(text=TEXT), ArticleFactory(text=TEXT)
    request = RequestFactory().get("/")
    request.user = editor  # the history's user comes from the request, as on a save
    HistoricalRecords.context.request = request
    public, series = PublicChange.objects.count(), SeriesChange.objects.count()
    try:
        with transaction.atomic():
            batch = services.claims_create_pending(
                article=together, candidates=_candidates(claimant, place)
            )
            single = _one_by_one(alone, _candidates(claimant, place))
    finally:
        del HistoricalRecords.context.request
    assert [c is None for c in batch] == [c is None for c in single] == [False, True, False]
    for mine, theirs in zip(batch, single, strict=True):
        if mine is None:
            continue
        stored, expected = _stored(mine), _stored(theirs)
        for source in stored["sources"] + stored["source history"]:
            source["article_id"] = alone.pk  # the one difference: which of the two articles
        assert stored == expected
        assert stored["history"][0]["history_user_id"] == editor.pk
        created = Claim.objects.get(pk=mine.pk).created_at
        assert mine.history.get().history_date >= created  # written after the row, as on a save
    assert batch[0].place == place and batch[0].location_precision == "area"
    assert _stored(batch[2])["systems"]  # the label named a registry system
    assert PublicChange.objects.count() == public  # pending claims: nothing public changed
    assert SeriesChange.objects.count() == series


def test_a_claim_written_together_ends_its_creation_row_at_its_next_save(place):
    article = ArticleFactory(text=TEXT)
    with transaction.atomic():
        claim = services.claims_create_pending(
            article=article, candidates=_candidates(ClaimantFactory(), place)
        )[0]
    claim.credibility = 2
    claim.save()
    created, edited = claim.history.order_by("history_id")
    assert (created.history_type, edited.history_type) == ("+", "~")
    assert created.valid_until == edited.history_date and edited.valid_until is None
    [source] = claim.sources.all()
    assert source.history.get().history_type == "+"


def test_a_place_deleted_meanwhile_refuses_only_its_claim(place):
    article = ArticleFactory(text=TEXT)
    candidates = _candidates(ClaimantFactory(), place)
    Place.objects.filter(pk=place.pk).delete()  # a gazetteer read before the delete names it
    with transaction.atomic():
        made = services.claims_create_pending(article=article, candidates=candidates)
    assert [c is None for c in made] == [True, True, False]
    assert Claim.objects.filter(sources__article=article).count() == 1


@pytest.mark.django_db
def test_the_ids_found_are_the_orms_and_a_lock_takes_them_in_id_order(place):
    from django.db import connection

    from tracker.models import Claimant

    claimants = [ClaimantFactory(name=f"Bureau {n}") for n in range(3)]
    ids = {c.pk for c in claimants} | {max(c.pk for c in claimants) + 100}
    with transaction.atomic():
        locked = services._ids_found(Claimant, ids, lock=True)
    assert locked == set(Claimant.objects.filter(pk__in=ids).values_list("pk", flat=True))
    assert locked == {c.pk for c in claimants}
    assert services._ids_found(Place, {place.pk, place.pk + 1}) == {place.pk}
    assert services._ids_found(Place, set()) == set()
    sql = services._ids_found_sql(Claimant, 3, True)
    assert sql.endswith(" FOR UPDATE") is connection.features.has_select_for_update
    assert "ORDER BY" in sql
    assert "FOR UPDATE" not in services._ids_found_sql(Place, 2, False)
