"""Weapon systems in the API, the filter language and the CSV: claims read as
[{name, slug, kind}], are written by slug (400 on an unknown one), and filter by `weapon`."""

from __future__ import annotations

import csv
import io

import pytest

from tests.factories import ClaimantFactory, ClaimFactory
from tracker import services, weapons
from tracker.models import Claim, WeaponSystem


@pytest.fixture
def registry(db):
    weapons.registry_load(WeaponSystem, weapons.registry_entries())
    weapons.forget_index()
    return {s.slug: s for s in WeaponSystem.objects.all()}


@pytest.fixture
def arms(registry):
    gur = ClaimantFactory(name="Ukraine Defence Intelligence", short_name="GUR")

    def claim(label, **fields):
        made = ClaimFactory(claimant=gur, category="arms_transfer", weapon_system=label, **fields)
        services.claim_weapons_set(claim=made)
        return made

    return {
        "pair": claim("KN-23/KN-24", subtype="ballistic_missiles", unit="missiles", best=100),
        "kn23": claim("KN-23", subtype="ballistic_missiles", unit="missiles", best=None,
                      qualifier="none"),
        "mix": claim("170mm SPG and 240mm MRL", subtype="artillery_systems", unit="systems",
                     best=220),
        "pending": claim("KN-24", subtype="ballistic_missiles", unit="missiles", best=300,
                         status=Claim.Status.PENDING),
    }  # fmt: skip


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_a_claim_reads_its_systems_as_name_slug_and_kind(anon_api, arms):
    body = anon_api.get(f"/api/v1/claims/{arms['pair'].pk}/").json()
    assert body["weapon_systems"] == [
        {"name": "KN-23 (Hwasong-11A)", "slug": "kn-23", "kind": "srbm"},
        {"name": "KN-24 (Hwasong-11B)", "slug": "kn-24", "kind": "srbm"},
    ]
    assert body["weapon_system"] == "KN-23/KN-24"  # the label as printed stays


def test_the_list_reads_systems_the_same_way(anon_api, arms):
    rows = {r["id"]: r for r in anon_api.get("/api/v1/claims/").json()["results"]}
    assert [s["slug"] for s in rows[arms["mix"].pk]["weapon_systems"]] == [
        "koksan-170mm", "m1991-240mm-mrl",
    ]  # fmt: skip
    assert rows[arms["kn23"].pk]["weapon_systems"][0]["slug"] == "kn-23"


def test_an_editor_writes_systems_by_slug(editor_api, registry):
    response = editor_api.post(
        "/api/v1/claims/",
        {"category": "arms_transfer", "subtype": "anti_tank_missiles", "qualifier": "none",
         "claim_date": "2025-11-19", "weapon_systems": ["bulsae-4", "rpg-7"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert [s["slug"] for s in response.json()["weapon_systems"]] == ["bulsae-4", "rpg-7"]
    claim = Claim.objects.get(pk=response.json()["id"])
    patched = editor_api.patch(
        f"/api/v1/claims/{claim.pk}/", {"weapon_systems": ["kn-25"]}, format="json"
    )
    assert patched.status_code == 200, patched.content
    assert [s.slug for s in claim.weapon_systems.all()] == ["kn-25"]


def test_a_claim_written_with_a_label_only_gets_the_labels_systems(editor_api, registry):
    response = editor_api.post(
        "/api/v1/claims/",
        {"category": "arms_transfer", "subtype": "rocket_launchers", "qualifier": "none",
         "claim_date": "2025-11-19", "weapon_system": "240mm rocket launchers"},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert [s["slug"] for s in response.json()["weapon_systems"]] == ["m1991-240mm-mrl"]


def test_an_unknown_slug_is_refused_with_400(editor_api, registry):
    response = editor_api.post(
        "/api/v1/claims/",
        {"category": "arms_transfer", "subtype": "drones", "qualifier": "none",
         "claim_date": "2025-11-19", "weapon_systems": ["not-a-system"]},
        format="json",
    )  # fmt: skip
    assert response.status_code == 400
    assert "weapon_systems" in response.json()
    assert not Claim.objects.filter(subtype="drones").exists()


def test_the_registry_endpoint_lists_systems_with_public_claim_counts(anon_api, arms):
    body = anon_api.get("/api/v1/weapon-systems/", {"page_size": 100}).json()
    rows = {r["slug"]: r for r in body["results"]}
    assert len(rows) == WeaponSystem.objects.count() >= 20
    # The pending KN-24 claim is not counted for the public.
    assert (rows["kn-23"]["claim_count"], rows["kn-24"]["claim_count"]) == (2, 1)
    assert "Hwasong-11A" in rows["kn-23"]["aliases"]
    one = anon_api.get("/api/v1/weapon-systems/koksan-170mm/").json()
    assert one["calibre"] == "170 mm" and one["kind"] == "spg"
    found = anon_api.get("/api/v1/weapon-systems/", {"name": "hwasong-11ga"}).json()
    assert [r["slug"] for r in found["results"]] == ["kn-23"]


def test_the_weapon_filter_takes_slugs_and_ors_them(anon_api, arms):
    assert ids(anon_api.get("/api/v1/claims/?weapon=kn-23")) == {arms["pair"].pk, arms["kn23"].pk}
    assert ids(anon_api.get("/api/v1/claims/?weapon=m1991-240mm-mrl")) == {arms["mix"].pk}
    both = ids(anon_api.get("/api/v1/claims/?weapon=kn-24,koksan-170mm"))
    assert both == {arms["pair"].pk, arms["mix"].pk}  # the pending KN-24 claim stays hidden


def test_an_unknown_weapon_slug_is_a_400_on_the_api_and_an_error_on_pages(anon_api, client, arms):
    response = anon_api.get("/api/v1/claims/?weapon=kn-99")
    assert response.status_code == 400 and "weapon" in response.json()
    page = client.get("/claims/?weapon=kn-99")
    assert page.status_code == 200
    assert "kn-99" in page.content.decode()  # named in the error beside the field


def test_the_series_endpoint_takes_the_weapon_filter(anon_api, arms):
    series = anon_api.get(
        "/api/v1/series/?category=arms_transfer&subtype=ballistic_missiles&weapon=kn-23"
    ).json()
    lines = series["cumulative"]["claimants"]
    claim_ids = {p["claim_id"] for line in lines for p in line["points"]}
    assert claim_ids == {arms["pair"].pk}  # KN-23 claims with a figure, approved


def test_the_claims_csv_has_a_weapon_systems_column(anon_api, client, arms):
    for response in (client.get("/claims.csv"), anon_api.get("/api/v1/claims/?format=csv")):
        text = b"".join(response.streaming_content).decode("utf-8-sig")
        rows = {int(r["id"]): r for r in csv.DictReader(io.StringIO(text))}
        assert rows[arms["pair"].pk]["weapon_systems"] == "kn-23 | kn-24"
        assert rows[arms["mix"].pk]["weapon_systems"] == "koksan-170mm | m1991-240mm-mrl"
        assert rows[arms["pair"].pk]["weapon_system"] == "KN-23/KN-24"


def test_claim_list_queries_do_not_grow_with_systems(anon_api, arms, django_assert_max_num_queries):
    anon_api.get("/api/v1/claims/")  # warm what is cached per process
    with django_assert_max_num_queries(6):
        anon_api.get("/api/v1/claims/?page_size=100&weapon=kn-23,kn-24,koksan-170mm")
