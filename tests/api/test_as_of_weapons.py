"""`?as_of=` shows the weapon systems a claim named at that moment, not today's (the links of
Claim.weapon_systems have their own history: tracker.models, tracker.weapons.on_links_changed).

A scripted history with a frozen clock, and the answers worked out by hand:

    1 Feb  a claim about "KN-23" missiles approved            -> it names kn-23
   10 Feb  an editor corrects the systems to KN-24             -> kn-24 only
   20 Feb  the editor adds the Koksan gun from its side        -> kn-24 and koksan-170mm
    1 Mar  the claim is deleted                                 -> nothing from then on
"""

from __future__ import annotations

import datetime as dt
from unittest import mock

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from tests.factories import ClaimFactory, ClaimSourceFactory, UserFactory
from tracker import services
from tracker.models import Claim, WeaponSystem

LINKS = Claim.weapon_systems.through


def _at(day: str, hour: int = 12) -> dt.datetime:
    return dt.datetime.fromisoformat(day).replace(hour=hour, tzinfo=dt.UTC)


def _frozen(moment: dt.datetime):
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _systems(claim_id: int, as_of: str | None):
    url = f"/api/v1/claims/{claim_id}/" + (f"?as_of={as_of}" if as_of else "")
    response = APIClient().get(url)
    if response.status_code != 200:
        return response.status_code
    return [s["slug"] for s in response.json()["weapon_systems"]]


def _found_by(slug: str, as_of: str | None) -> list[int]:
    url = f"/api/v1/claims/?weapon={slug}" + (f"&as_of={as_of}" if as_of else "")
    response = APIClient().get(url)
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


@pytest.fixture
def scripted():
    editor = UserFactory(username="editor", is_staff=True, is_superuser=True)
    kn24, koksan = (WeaponSystem.objects.get(slug=s) for s in ("kn-24", "koksan-170mm"))
    with _frozen(_at("2025-02-01")):
        claim = ClaimFactory(
            category="arms_transfer", subtype="ballistic_missiles", unit="missiles", best=50,
            weapon_system="KN-23", status=Claim.Status.PENDING,
        )  # fmt: skip
        services.claim_weapons_set(claim=claim, systems=None)  # from the printed label
        ClaimSourceFactory(claim=claim, quote="about 50 KN-23 missiles")
        services.claim_approve(claim=claim, reviewer=editor)
    with _frozen(_at("2025-02-10")):
        services.claim_update(claim=claim, editor=editor, weapon_systems=[kn24])
    with _frozen(_at("2025-02-20")):
        koksan.claims.add(claim)
    return claim


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("as_of", "named"),
    [
        ("2025-01-31", 404),
        ("2025-02-05", ["kn-23"]),
        ("2025-02-10T11:59", ["kn-23"]),
        ("2025-02-10T12:00", ["kn-24"]),
        ("2025-02-25", ["kn-24", "koksan-170mm"]),
        (None, ["kn-24", "koksan-170mm"]),
    ],
)
def test_a_claim_names_the_systems_it_named_then(scripted, as_of, named):
    assert _systems(scripted.pk, as_of) == named


@pytest.mark.django_db
def test_the_weapon_filter_finds_a_claim_by_the_systems_it_named_then(scripted):
    assert _found_by("kn-23", "2025-02-05") == [scripted.pk]
    assert _found_by("kn-24", "2025-02-05") == []
    assert _found_by("kn-23", "2025-02-15") == []
    assert _found_by("kn-24", "2025-02-15") == [scripted.pk]
    assert _found_by("koksan-170mm", "2025-02-15") == []
    assert _found_by("koksan-170mm", None) == [scripted.pk]
    assert _found_by("kn-23", None) == []


@pytest.mark.django_db
def test_the_registry_counts_the_claims_that_named_a_system_then(scripted):
    def count(slug, as_of):
        response = APIClient().get(f"/api/v1/weapon-systems/{slug}/?as_of={as_of}")
        assert response.status_code == 200, response.content
        return response.json()["claim_count"]

    assert [count("kn-23", d) for d in ("2025-01-31", "2025-02-05", "2025-02-15")] == [0, 1, 0]
    assert [count("kn-24", d) for d in ("2025-02-05", "2025-02-15")] == [0, 1]


@pytest.mark.django_db
def test_each_link_has_a_creation_row_and_a_removed_one_its_deletion(scripted):
    with _frozen(_at("2025-03-01")):
        Claim.objects.get(pk=scripted.pk).delete()
    rows = LINKS.history.order_by("history_date", "history_id").values_list(
        "weaponsystem__slug", "history_type", "history_date", "valid_until"
    )
    assert list(rows) == [
        ("kn-23", "+", _at("2025-02-01"), _at("2025-02-10")),
        ("kn-23", "-", _at("2025-02-10"), None),
        ("kn-24", "+", _at("2025-02-10"), _at("2025-03-01")),
        ("koksan-170mm", "+", _at("2025-02-20"), _at("2025-03-01")),
        ("kn-24", "-", _at("2025-03-01"), None),
        ("koksan-170mm", "-", _at("2025-03-01"), None),
    ]
    # The editor who changed them is named in the links' history, as in the claim's.
    assert LINKS.history.filter(history_date=_at("2025-02-10"), history_type="+").get().id
    assert _systems(scripted.pk, "2025-02-25") == ["kn-24", "koksan-170mm"]
    assert _systems(scripted.pk, "2025-03-05") == 404


@pytest.mark.django_db
def test_links_written_in_bulk_by_ingest_have_their_creation_rows():
    from tests.factories import ArticleFactory, ClaimantFactory

    with _frozen(_at("2025-04-01")):
        made = services.claims_create_pending(
            article=ArticleFactory(text="Officials counted 20 KN-24 missiles delivered."),
            candidates=[
                {
                    "category": "arms_transfer", "subtype": "ballistic_missiles",
                    "unit": "missiles", "best": 20, "qualifier": "exact",
                    "weapon_system": "KN-24", "claimant": ClaimantFactory(),
                    "claim_date": dt.date(2025, 3, 30), "quote": "20 KN-24 missiles",
                }
            ],
        )  # fmt: skip
    (claim,) = made
    assert list(
        LINKS.history.filter(claim_id=claim.pk).values_list("weaponsystem__slug", "history_date")
    ) == [("kn-24", _at("2025-04-01"))]


@pytest.mark.django_db
def test_links_written_without_history_are_dated_their_claims_creation():
    with _frozen(_at("2025-02-01")):
        claim = ClaimFactory(
            category="arms_transfer", subtype="ballistic_missiles", unit="missiles"
        )
    system = WeaponSystem.objects.get(slug="kn-25")
    with connection.cursor() as cursor:  # as a COPY or an import writes it: no signal
        cursor.execute(
            f"INSERT INTO {LINKS._meta.db_table} (claim_id, weaponsystem_id) VALUES (%s, %s)",
            [claim.pk, system.pk],
        )
    assert _systems(claim.pk, "2025-02-05") == []
    call_command("backfill_history", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert _systems(claim.pk, "2025-01-31") == 404
    assert _systems(claim.pk, "2025-02-05") == ["kn-25"]


@pytest.mark.django_db(transaction=True)
def test_migration_0020_gives_every_link_there_is_a_creation_row_dated_its_claim():
    before, after = [("tracker", "0019_series_line")], [("tracker", "0020_weapon_link_history")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        Claim_, System_ = (
            old.get_model("tracker", "Claim"),
            old.get_model("tracker", "WeaponSystem"),
        )
        claim = Claim_.objects.create(
            category="arms_transfer", subtype="ballistic_missiles", qualifier="exact",
            unit="missiles", norm_unit="missiles", measure="cumulative", best=9, norm_best=9,
            claim_date=dt.date(2025, 1, 30), reliability="B", credibility=2,
            confidence="high", status="approved",
        )  # fmt: skip
        Claim_.objects.filter(pk=claim.pk).update(created_at=_at("2025-02-01"))
        system, _ = System_.objects.get_or_create(  # a transactional test may find it flushed
            slug="kn-23", defaults={"name": "KN-23 (Hwasong-11A)", "kind": "srbm"}
        )
        claim.weapon_systems.add(system)
        executor.loader.build_graph()
        executor.migrate(after)
    finally:
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
    rows = LINKS.history.filter(claim_id=claim.pk)
    assert list(rows.values_list("history_type", "history_date", "valid_until")) == [
        ("+", _at("2025-02-01"), None)
    ]
    # The trigger keeps `valid_until` from here on.
    with _frozen(_at("2025-03-01")):
        Claim.objects.get(pk=claim.pk).weapon_systems.clear()
    assert rows.get(history_type="+").valid_until == _at("2025-03-01")


@pytest.mark.django_db
def test_the_claim_page_history_lists_each_change_of_the_systems(client, scripted):
    history = client.get(scripted.get_absolute_url()).context["history"]
    systems = [
        (entry["date"], entry["type"], change["old"], change["new"])
        for entry in history
        for change in entry["changes"]
        if change["field"] == "weapon_systems"
    ]
    kn23, kn24 = "KN-23 (Hwasong-11A)", "KN-24 (Hwasong-11B)"
    koksan = "M1989 Koksan 170 mm self-propelled gun"
    assert systems == [
        (_at("2025-02-10"), "changed", kn23, kn24),  # with the editor's edit of the claim
        (_at("2025-02-20"), "changed", kn24, f"{kn24}, {koksan}"),  # on its own
    ]
    assert [e["date"] for e in history] == sorted(e["date"] for e in history)


@pytest.mark.django_db
def test_an_edit_that_replaces_the_systems_is_one_change_on_the_claim_page(client, editor):
    claim = ClaimFactory(
        category="arms_transfer", subtype="ballistic_missiles", unit="missiles",
        weapon_system="KN-23",
    )  # fmt: skip
    services.claim_weapons_set(claim=claim, systems=None)
    kn24 = WeaponSystem.objects.get(slug="kn-24")
    services.claim_update(claim=claim, editor=editor, best=60, weapon_systems=[kn24])
    entry = client.get(claim.get_absolute_url()).context["history"][-1]
    assert entry["type"] == "changed"
    assert [(c["field"], c["old"], c["new"]) for c in entry["changes"]][-1:] == [
        ("weapon_systems", "KN-23 (Hwasong-11A)", "KN-24 (Hwasong-11B)")
    ]
