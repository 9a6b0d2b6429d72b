"""The weapon-system registry: the shipped file, the one resolver, the loader and the admin."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from tests.factories import ArticleFactory, ClaimFactory
from tracker import services, weapons
from tracker.models import Claim, WeaponSystem

ENTRIES = weapons.registry_entries()
INDEX = [(e["slug"], e["aliases"]) for e in ENTRIES]


@pytest.fixture
def registry(db):
    # Shipped by migration 0016; loaded again in case a transactional test flushed the tables.
    weapons.registry_load(WeaponSystem, ENTRIES)
    weapons.forget_index()
    return {s.slug: s for s in WeaponSystem.objects.all()}


def resolve(text: str) -> list[str]:
    return weapons.match_slugs(text, INDEX)


# --- The registry file --------------------------------------------------------------------


def test_the_registry_ships_at_least_twenty_systems_each_described():
    assert len(ENTRIES) >= 20
    kinds = {k for k, _ in WeaponSystem.Kind.choices}
    for entry in ENTRIES:
        assert entry["name"] and entry["notes"] and entry["aliases"], entry["slug"]
        assert entry["kind"] in kinds, entry["slug"]


def test_every_alias_and_slug_names_one_system_only():
    owner: dict[str, str] = {}
    for entry in ENTRIES:
        for alias in [*entry["aliases"], entry["slug"]]:
            key = weapons.normalise(alias)
            assert owner.setdefault(key, entry["slug"]) == entry["slug"], (alias, owner[key])
    assert len({e["slug"] for e in ENTRIES}) == len(ENTRIES)
    assert len({e["name"] for e in ENTRIES}) == len(ENTRIES)


def test_every_alias_resolves_to_its_own_system():
    for entry in ENTRIES:
        for alias in entry["aliases"]:
            assert resolve(alias) == [entry["slug"]], alias


# --- The resolver ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "expected"),
    [
        ("KN-23", ["kn-23"]),
        ("kn 23", ["kn-23"]),
        ("KN23s", ["kn-23"]),
        ("Hwasong-11A", ["kn-23"]),
        ("hwasong 11 ga", ["kn-23"]),
        ("KN-23/KN-24", ["kn-23", "kn-24"]),  # the first example: two systems
        ("KN-23 and KN-24 missiles", ["kn-23", "kn-24"]),
        ("170mm SPG and 240mm MRL", ["koksan-170mm", "m1991-240mm-mrl"]),  # the second
        ("170 mm guns and 240 mm rocket launchers", ["koksan-170mm", "m1991-240mm-mrl"]),
        ("240mm MRL", ["m1991-240mm-mrl"]),
        ("240-mm multiple rocket launchers", ["m1991-240mm-mrl"]),
        ("170mm Koksan", ["koksan-170mm"]),
        ("M1991 240mm MRL and Koksan", ["m1991-240mm-mrl", "koksan-170mm"]),
        ("122mm and 152mm shells", ["122mm-shell", "152mm-shell"]),
        ("152mm howitzer", ["152mm-howitzer"]),  # the longer alias wins over "152mm"
        ("122mm rocket launchers", ["122mm-mrl"]),
        ("Bulsae-4 ATGM", ["bulsae-4"]),
        ("Bulsae-3", ["bulsae-3"]),
        ("Geran-2 drones", ["shahed-geran-2"]),
        ("Hwasong-11", ["hwasong-11"]),
        ("Hwasong-11C", ["hwasong-11c"]),
    ],
)
def test_labels_resolve_ignoring_case_spaces_hyphens_and_slashes(label, expected):
    assert resolve(label) == expected


@pytest.mark.parametrize("label", ["", "artillery", "Stalingrad", "KN-230", "1700mm", "howitzers"])
def test_labels_without_a_known_system_resolve_to_none(label):
    # Word edges count: "Grad" is an alias, but not inside "Stalingrad".
    assert resolve(label) == []


def test_resolve_all_returns_registry_rows_in_label_order(registry):
    found = weapons.resolve_all("240mm MRL and 170mm SPG")
    assert found == [registry["m1991-240mm-mrl"], registry["koksan-170mm"]]


def test_an_alias_added_by_an_editor_resolves_at_once(registry):
    kn25 = registry["kn-25"]
    kn25.aliases = [*kn25.aliases, "Super-Large MRL 2025"]
    kn25.save()
    assert weapons.resolve_all("super large MRL 2025") == [kn25]


def test_an_alias_of_another_system_is_refused(registry):
    kn24 = registry["kn-24"]
    kn24.aliases = [*kn24.aliases, "kn 23"]
    with pytest.raises(Exception, match="already names KN-23"):
        kn24.full_clean()


# --- Claims link to systems -----------------------------------------------------------------


def test_a_new_claim_names_the_systems_of_its_label(registry):
    claim = services.claim_create(
        category="arms_transfer", subtype="artillery_systems", qualifier="none",
        claim_date=dt.date(2025, 2, 27), weapon_system="170mm SPG and 240mm MRL",
    )  # fmt: skip
    assert {s.slug for s in claim.weapon_systems.all()} == {"koksan-170mm", "m1991-240mm-mrl"}
    # The label as printed stays, for the figure as printed.
    assert Claim.objects.get(pk=claim.pk).weapon_system == "170mm SPG and 240mm MRL"


def test_systems_given_explicitly_win_over_the_label(registry, editor):
    claim = services.claim_create(
        category="arms_transfer", subtype="ballistic_missiles", qualifier="none",
        claim_date=dt.date(2025, 2, 27), weapon_system="missiles",
        weapon_systems=[registry["kn-24"]],
    )  # fmt: skip
    assert [s.slug for s in claim.weapon_systems.all()] == ["kn-24"]
    services.claim_update(claim=claim, editor=editor, weapon_system="KN-23")
    assert [s.slug for s in claim.weapon_systems.all()] == ["kn-23"]


def test_the_loader_is_idempotent_and_keeps_editors_changes(registry):
    kn23 = registry["kn-23"]
    kn23.notes = "An editor's note."
    kn23.aliases = [*kn23.aliases, "editor alias"]
    kn23.save()
    call_command("load_weapon_systems")
    again = weapons.registry_load(WeaponSystem, ENTRIES)
    assert again == {"created": 0, "updated": 0, "unchanged": len(ENTRIES)}
    kn23.refresh_from_db()
    assert kn23.notes == "An editor's note." and "editor alias" in kn23.aliases
    assert WeaponSystem.objects.count() == len(ENTRIES)


def test_the_loader_links_claims_whose_label_names_a_system(registry):
    claim = ClaimFactory(category="arms_transfer", subtype="ballistic_missiles",
                         weapon_system="KN-23/KN-24")  # fmt: skip
    assert not claim.weapon_systems.exists()  # written around the services
    call_command("load_weapon_systems")
    assert {s.slug for s in claim.weapon_systems.all()} == {"kn-23", "kn-24"}


def test_the_migration_resolver_links_existing_labels(registry):
    # Migration 0016 links what was stored before it with the same function.
    module = __import__("tracker.migrations.0016_weapon_systems", fromlist=["resolve_claims"])
    from django.apps import apps

    claim = ClaimFactory(category="arms_transfer", subtype="artillery_systems",
                         weapon_system="170mm SPG and 240mm MRL")  # fmt: skip
    module.resolve_claims(apps, None)
    assert {s.slug for s in claim.weapon_systems.all()} == {"koksan-170mm", "m1991-240mm-mrl"}


# --- Ingest ----------------------------------------------------------------------------------


def test_extracted_proposals_name_registry_systems(registry):
    from ingest.proposals import article_propose_claims

    article = ArticleFactory(
        text="North Korea has supplied Russia with 240mm rocket launchers and KN-23 missiles, "
        "South Korea's Joint Chiefs of Staff said on Monday."
    )
    article_propose_claims(article=article)
    linked = {
        (c.subtype, s.slug)
        for c in Claim.objects.filter(sources__article=article)
        for s in c.weapon_systems.all()
    }
    assert ("rocket_launchers", "m1991-240mm-mrl") in linked
    assert ("ballistic_missiles", "kn-23") in linked


# --- Admin -----------------------------------------------------------------------------------


def test_admin_finds_a_system_by_any_alias(editor_client, registry):
    response = editor_client.get("/admin/tracker/weaponsystem/", {"q": "Hwasong-11Ga"})
    assert response.status_code == 200
    assert "KN-23 (Hwasong-11A)" in response.content.decode()
    assert "KN-24" not in response.content.decode().split("result")[-1]


def test_admin_claim_form_offers_systems_by_autocomplete(editor_client, registry):
    claim = ClaimFactory(category="arms_transfer", subtype="ballistic_missiles")
    response = editor_client.get(f"/admin/tracker/claim/{claim.pk}/change/")
    assert response.status_code == 200
    assert 'name="weapon_systems"' in response.content.decode()
    found = editor_client.get(
        "/admin/autocomplete/",
        {"term": "kn-24", "app_label": "tracker", "model_name": "claim",
         "field_name": "weapon_systems"},
    ).json()  # fmt: skip
    assert [r["text"] for r in found["results"]] == ["KN-24 (Hwasong-11B)"]


def test_the_registry_is_kept_per_process_until_a_system_is_saved(db, django_assert_num_queries):
    weapons.resolve_all("240mm MRL")
    with django_assert_num_queries(0):  # neither the index nor the rows are read again
        [mrl] = weapons.resolve_all("240mm MRL")
    mrl.aliases = [*mrl.aliases, "Big Tube Launcher"]
    mrl.save()
    assert weapons.resolve_all("a big tube launcher") == [mrl]
