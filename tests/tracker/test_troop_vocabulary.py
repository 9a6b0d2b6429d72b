"""Troop vocabulary (issue 11): 'in Russia now', 'sent in total' and 'additional deployment'
are different figures, each with the measure its meaning fixes; migration 0005 maps today's
claims by their own words."""

import datetime as dt
import importlib

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from ingest.proposals import troop_kind
from tests.factories import ClaimFactory
from tracker import vocab

troop_migration = importlib.import_module("tracker.migrations.0005_troop_vocabulary")
TROOPS = {"category": "troop_deployment", "unit": "troops", "qualifier": "approximately"}


def test_the_vocabulary_says_what_each_troop_figure_counts():
    assert list(vocab.SUBTYPES["troop_deployment"]) == [
        "deployed", "sent_total", "additional_deployment", "in_combat", "workers", "withdrawn",
    ]  # fmt: skip
    assert vocab.SUBTYPES["troop_deployment"]["deployed"] == "In Russia now (in theatre)"
    for subtype in vocab.SUBTYPES["troop_deployment"]:
        assert vocab.subtype_meaning("troop_deployment", subtype)


@pytest.mark.django_db
def test_an_additional_deployment_filed_as_cumulative_is_refused_with_a_field_message():
    claim = ClaimFactory.build(
        subtype="additional_deployment", best=1000, measure="cumulative", claimant=None, **TROOPS
    )
    with pytest.raises(ValidationError) as refused:
        claim.full_clean()
    assert "always increment" in refused.value.message_dict["measure"][0]
    for subtype in ("deployed", "sent_total"):
        claim = ClaimFactory.build(
            subtype=subtype, best=1000, measure="increment", claimant=None, **TROOPS
        )
        with pytest.raises(ValidationError) as refused:
            claim.full_clean()
        assert "always cumulative" in refused.value.message_dict["measure"][0]


@pytest.mark.django_db
def test_the_database_refuses_a_troop_figure_with_the_wrong_measure():
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(subtype="additional_deployment", measure="cumulative", **TROOPS)
    with pytest.raises(IntegrityError), transaction.atomic():
        ClaimFactory(subtype="sent_total", measure="increment", **TROOPS)


@pytest.mark.django_db
def test_the_api_answers_400_naming_the_measure(editor):
    api = APIClient()
    api.force_authenticate(editor)
    response = api.post(
        "/api/v1/claims/",
        {
            "category": "troop_deployment",
            "subtype": "additional_deployment",
            "best": 1000,
            "qualifier": "approximately",
            "unit": "troops",
            "measure": "cumulative",
            "claim_date": "2025-02-27",
        },  # fmt: skip
        format="json",
    )
    assert response.status_code == 400
    assert "always increment" in response.json()["measure"][0]


@pytest.mark.django_db
def test_sent_in_total_is_a_filter_of_its_own(client):
    ClaimFactory(subtype="sent_total", best=15000, **TROOPS)
    ClaimFactory(subtype="deployed", best=11000, **TROOPS)
    body = client.get("/api/v1/claims/?subtype=sent_total").json()
    assert [c["best"] for c in body["results"]] == [15000]


@pytest.mark.django_db
def test_the_methodology_page_has_the_troop_vocabulary_table(client):
    page = client.get("/methodology/").content.decode()
    assert "What each troop figure counts" in page
    assert "Sent in total (rotations included)" in page
    assert "always increment" in page


@pytest.mark.parametrize(
    ("subtype", "measure", "words", "expected"),
    [
        # A total with replacements is a sent-in-total figure.
        ("deployed", "cumulative", "about 15,000 troops in total, including replacements",
         ("sent_total", "cumulative")),
        ("deployed", "cumulative", "a total of 14,000 counting the rotation",
         ("sent_total", "cumulative")),
        # A batch is an additional deployment, an increment.
        ("deployed", "increment", "1,000 engineers", ("additional_deployment", "increment")),
        ("deployed", "cumulative", "1,000 military engineers arrived in Kursk",
         ("additional_deployment", "increment")),
        ("deployed", "cumulative", "sent another 3,000 soldiers",
         ("additional_deployment", "increment")),
        ("additional_deployment", "cumulative", "an additional 1,500",
         ("additional_deployment", "increment")),
        # A stock stays a stock.
        ("deployed", "cumulative", "11,000 to 12,000 soldiers are in Russia",
         ("deployed", "cumulative")),
        ("in_combat", "cumulative", "8,000 moved to Kursk", ("in_combat", "cumulative")),
    ],
)  # fmt: skip
def test_the_mapping_reads_the_claims_own_words(subtype, measure, words, expected):
    assert troop_migration.troop_subtype(subtype, measure, words) == expected


@pytest.mark.django_db(transaction=True)
def test_migration_0005_maps_todays_troop_claims():
    executor = MigrationExecutor(connection)
    before = [("tracker", "0003_claim_series_cover_index")]
    after = [("tracker", "0005_troop_vocabulary")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Claim_, Article_, Source_ = (
            old.get_model("tracker", m) for m in ("Claim", "Article", "ClaimSource")
        )
        article = Article_.objects.create(title="t", text="x")

        def troop(subtype, measure, quote, notes=""):
            claim = Claim_.objects.create(
                category="troop_deployment", subtype=subtype, measure=measure, best=1000,
                qualifier="approximately", unit="troops", claim_date=dt.date(2025, 4, 30),
                notes=notes,
            )  # fmt: skip
            Source_.objects.create(claim=claim, article=article, quote=quote)
            return claim.pk

        total = troop("deployed", "cumulative", "about 15,000 in total, replacements included")
        arrived = troop("deployed", "increment", "1,000 engineers")
        batch = troop("deployed", "cumulative", "a new batch of 1,000 arrived")
        stock = troop("deployed", "cumulative", "11,000 are in Russia now")
        cumulative_add = troop("additional_deployment", "cumulative", "an additional 1,500")
        by_notes = troop("deployed", "cumulative", "15,000", notes="Total with rotations.")

        executor.loader.build_graph()
        executor.migrate(after)
        new = executor.loader.project_state(after).apps.get_model("tracker", "Claim")
        kinds = {c.pk: (c.subtype, c.measure) for c in new.objects.all()}
        assert kinds == {
            total: ("sent_total", "cumulative"),
            arrived: ("additional_deployment", "increment"),
            batch: ("additional_deployment", "increment"),
            stock: ("deployed", "cumulative"),
            cumulative_add: ("additional_deployment", "increment"),
            by_notes: ("sent_total", "cumulative"),
        }
        assert "migration 0005" in new.objects.get(pk=arrived).notes
        assert "migration 0005" not in new.objects.get(pk=stock).notes
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())


def test_an_extracted_batch_counted_as_deployed_becomes_an_additional_deployment():
    candidate = {"category": "troop_deployment", "subtype": "deployed", "measure": "increment"}
    assert troop_kind(dict(candidate)) == {
        **candidate, "subtype": "additional_deployment", "measure": "increment"
    }  # fmt: skip
    candidate = {"category": "troop_deployment", "subtype": "sent_total", "measure": "increment"}
    assert troop_kind(dict(candidate))["measure"] == "cumulative"
    casualty = {"category": "casualties", "subtype": "killed", "measure": "increment"}
    assert troop_kind(dict(casualty)) == casualty
