"""Each history row knows when the next one replaced it (`valid_until`, tracker.validity): the
as-of views (tracker.asof) read the rows current at a moment through it."""

from __future__ import annotations

import datetime as dt
import io
import json
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory, ClaimSourceFactory
from tracker import exchange, services
from tracker.models import Claim, ClaimSource

BEFORE = [("tracker", "0016_weapon_systems")]
AFTER = [("tracker", "0017_history_valid_until")]


def _at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def _frozen(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _intervals(history) -> list[tuple]:
    rows = history.order_by("history_date", "history_id")
    return list(rows.values_list("best", "history_type", "history_date", "valid_until"))


def _best_as_of(claim_id: int, as_of: str):
    response = APIClient().get(f"/api/v1/claims/{claim_id}/?as_of={as_of}")
    return response.json()["best"] if response.status_code == 200 else response.status_code


@pytest.mark.django_db
def test_each_version_of_a_claim_edited_three_times_ends_where_the_next_begins(editor):
    created, *edited = (_at(d) for d in ("2025-02-01", "2025-02-05", "2025-02-10", "2025-02-20"))
    with _frozen(created):
        claim = ClaimFactory(best=1000)
    for moment, best in zip(edited, (1100, 1200, 1300), strict=True):
        with _frozen(moment):
            services.claim_update(claim=claim, editor=editor, best=best, confirm_figures=True)
    assert _intervals(claim.history) == [
        (1000, "+", created, edited[0]),
        (1100, "~", edited[0], edited[1]),
        (1200, "~", edited[1], edited[2]),
        (1300, "~", edited[2], None),
    ]
    assert [_best_as_of(claim.pk, d) for d in ("2025-01-31", "2025-02-07", "2025-02-25")] == [
        404,
        1100,
        1300,
    ]


@pytest.mark.django_db
def test_a_deleted_claim_and_source_disappear_at_their_deletion_time():
    with _frozen(_at("2025-02-01")):
        claim = ClaimFactory(best=1000)
        kept = ClaimSourceFactory(claim=claim)
        dropped = ClaimSourceFactory(claim=claim, article=ArticleFactory())
    claim_id, dropped_id = claim.pk, dropped.pk  # delete() forgets them
    kept_article, dropped_article = kept.article_id, dropped.article_id
    with _frozen(_at("2025-02-10")):
        dropped.delete()
    with _frozen(_at("2025-02-20")):
        claim.delete()
    created, deleted = (
        ClaimSource.history.filter(id=dropped_id)
        .order_by("history_date")
        .values_list("history_type", "valid_until")
    )
    assert (created, deleted) == (("+", _at("2025-02-10")), ("-", None))
    assert _intervals(Claim.history.filter(id=claim_id))[-1][1:] == ("-", _at("2025-02-20"), None)

    def articles(as_of: str) -> set[int] | int:
        response = APIClient().get(f"/api/v1/claims/{claim_id}/?as_of={as_of}")
        if response.status_code != 200:
            return response.status_code
        return {s["article_id"] for s in response.json()["sources"]}

    assert articles("2025-02-05") == {kept_article, dropped_article}
    assert articles("2025-02-10T11:59") == {kept_article, dropped_article}
    assert articles("2025-02-10T12:00") == {kept_article}
    assert articles("2025-02-20T12:00") == 404


@pytest.mark.django_db
def test_a_version_written_late_fits_between_its_neighbours(editor):
    # An import of old history, or a backdated save: the intervals around it are cut to it.
    with _frozen(_at("2025-02-01")):
        claim = ClaimFactory(best=1000)
    with _frozen(_at("2025-02-20")):
        services.claim_update(claim=claim, editor=editor, best=1300, confirm_figures=True)
    claim.best, claim._history_date = 1100, _at("2025-02-10")
    claim.save()
    claim.refresh_from_db()
    assert [(best, until) for best, _, _, until in _intervals(claim.history)] == [
        (1000, _at("2025-02-10")),
        (1100, _at("2025-02-20")),
        (1300, None),
    ]
    assert _best_as_of(claim.pk, "2025-02-15") == 1100


@pytest.mark.django_db
def test_a_claim_written_without_history_counts_from_its_creation_after_the_backfill():
    with _frozen(_at("2025-02-10")):
        [claim] = Claim.objects.bulk_create([ClaimFactory.build(claimant=ClaimantFactory())])
    assert _best_as_of(claim.pk, "2025-02-11") == 404  # no history: absent from the past
    out = io.StringIO()
    call_command("backfill_history", stdout=out)
    assert "tracker.Claim: 1 creation rows added" in out.getvalue()
    assert [_best_as_of(claim.pk, d) for d in ("2025-02-10T11:59", "2025-02-11")] == [404, 1100]


def _import_at_10_february(claim: dict, text: str, quote: str) -> None:
    """Load a dump of one article, one claim (pk 1) and its source quoting `quote` of `text`,
    on 10 February 2025 (rows without times are stamped with the import's)."""
    start = text.index(quote)
    source = {"claim": 1, "article": 1, "quote": quote, "quote_start": start}
    records = [
        {"model": "tracker.article", "pk": 1, "fields": {"title": "A report", "text": text}},
        {"model": "tracker.claim", "pk": 1, "fields": claim},
        {"model": "tracker.claimsource", "pk": 1,
         "fields": {**source, "quote_end": start + len(quote)}},
    ]  # fmt: skip
    with _frozen(_at("2025-02-10")):
        exchange.load_lines([json.dumps(record) + "\n" for record in records])


@pytest.mark.django_db
def test_an_imported_claim_and_source_without_history_count_from_the_import():
    claim = {
        "category": "casualties", "subtype": "killed_or_wounded", "best": 1100,
        "qualifier": "approximately", "unit": "troops", "measure": "cumulative",
        "claim_date": "2024-12-23", "reliability": "B", "credibility": 2, "status": "approved",
    }  # fmt: skip
    text = "Officials said about 1,100 soldiers were killed or wounded."
    _import_at_10_february(claim, text, "about 1,100 soldiers")
    assert [_best_as_of(1, d) for d in ("2025-02-09", "2025-02-11")] == [404, 1100]
    shown = APIClient().get("/api/v1/claims/1/?as_of=2025-02-11").json()["sources"]
    assert [s["quote"] for s in shown] == ["about 1,100 soldiers"]


@pytest.mark.django_db
def test_an_imported_claims_weapon_systems_count_from_its_creation_not_the_import():
    from tracker.models import WeaponSystem

    kn23 = WeaponSystem.objects.get(slug="kn-23").pk
    claim = {
        "category": "arms_transfer", "subtype": "ballistic_missiles", "best": 50,
        "qualifier": "approximately", "unit": "missiles", "measure": "cumulative",
        "claim_date": "2024-12-23", "reliability": "B", "credibility": 2, "status": "approved",
        "weapon_system": "KN-23", "weapon_systems": [kn23],
        "created_at": "2025-01-05T12:00:00Z", "updated_at": "2025-01-05T12:00:00Z",
    }  # fmt: skip
    text = "Officials said about 50 KN-23 missiles were delivered."
    _import_at_10_february(claim, text, "about 50 KN-23 missiles")
    shown = APIClient().get("/api/v1/claims/1/?as_of=2025-01-06").json()
    assert [s["slug"] for s in shown["weapon_systems"]] == ["kn-23"]


@pytest.mark.django_db(transaction=True)
def test_migration_0017_dates_old_history_and_gives_bulk_loaded_rows_a_creation_row():
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    try:
        old = executor.loader.project_state(BEFORE).apps
        Claim_, Article_, Source_, History_ = (
            old.get_model("tracker", m)
            for m in ("Claim", "Article", "ClaimSource", "HistoricalClaim")
        )
        fields = {
            "category": "casualties", "subtype": "killed_or_wounded", "qualifier": "exact",
            "unit": "troops", "norm_unit": "troops", "measure": "cumulative",
            "claim_date": dt.date(2025, 1, 30), "reliability": "B", "credibility": 2,
            "confidence": "high", "status": "approved",
        }  # fmt: skip
        edited = Claim_.objects.create(best=1500, norm_best=1500, **fields)
        for day, best, kind in (("2025-02-01", 1000, "+"), ("2025-02-20", 1500, "~")):
            values = {**fields, "best": best, "norm_best": best}
            History_.objects.create(
                id=edited.pk, history_date=_at(day), history_type=kind, **values,
                created_at=edited.created_at, updated_at=edited.updated_at,
            )  # fmt: skip
        loaded = Claim_.objects.create(best=3000, norm_best=3000, **fields)
        Claim_.objects.filter(pk=loaded.pk).update(created_at=_at("2025-02-10"))
        source = Source_.objects.create(
            claim=loaded, article=Article_.objects.create(title="t", text="3,000"), quote="3,000"
        )
        Source_.objects.filter(pk=source.pk).update(created_at=_at("2025-02-10"))

        executor.loader.build_graph()
        executor.migrate(AFTER)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())

    assert [(b, t, until) for b, t, _, until in _intervals(Claim.history.filter(id=edited.pk))] == [
        (1000, "+", _at("2025-02-20")),
        (1500, "~", None),
    ]
    assert _intervals(Claim.history.filter(id=loaded.pk)) == [(3000, "+", _at("2025-02-10"), None)]
    assert ClaimSource.history.filter(id=source.pk, history_date=_at("2025-02-10")).exists()
    assert [_best_as_of(edited.pk, d) for d in ("2025-02-05", "2025-02-25")] == [1000, 1500]
    assert [_best_as_of(loaded.pk, d) for d in ("2025-02-09", "2025-02-11")] == [404, 3000]
    # The triggers keep it from here on.
    with _frozen(_at("2025-03-01")):
        Claim.objects.get(pk=loaded.pk).delete()
    assert Claim.history.get(id=loaded.pk, history_type="+").valid_until == _at("2025-03-01")
