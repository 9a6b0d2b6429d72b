"""Claims carry a gazetteer place: read as {name, slug, lat, lon, kind} with a precision,
written by slug, exported in the CSV."""

import csv
import io

import pytest

from tests.factories import ClaimantFactory, ClaimFactory
from tracker.models import Claim, Place
from tracker.places import places_load

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def places():
    places_load()


@pytest.fixture
def body():
    return {
        "category": "arms_transfer",
        "subtype": "containers",
        "best": 200,
        "qualifier": "approximately",
        "unit": "containers",
        "measure": "increment",
        "claim_date": "2024-11-13",
        "claimant": ClaimantFactory(reliability="B").pk,
        "place": "dunai",
        "origin_place": "rajin",
    }


def test_a_claim_written_with_place_slugs_reads_back_with_coordinates(editor_api, body):
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    dunai = Place.objects.get(slug="dunai")
    assert data["place"] == {
        "name": dunai.name,
        "slug": "dunai",
        "lat": dunai.latitude,
        "lon": dunai.longitude,
        "kind": "port",
    }
    assert data["origin_place"]["slug"] == "rajin"
    assert data["location_precision"] == "exact"  # a port pins the claim down


def test_a_given_precision_is_kept(editor_api, body):
    body["location_precision"] = "region"
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.json()["location_precision"] == "region"


def test_an_unknown_place_slug_is_a_400_naming_the_field(editor_api, body):
    body["place"] = "atlantis"
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert "atlantis" in response.json()["place"][0]
    assert not Claim.objects.exists()


def test_only_an_arms_transfer_has_an_origin_place(editor_api, body):
    body.update(category="casualties", subtype="killed", unit="troops", measure="cumulative")
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert "origin_place" in response.json()


def test_clearing_the_place_clears_its_precision(editor_api, body):
    claim_id = editor_api.post("/api/v1/claims/", body, format="json").json()["id"]
    response = editor_api.patch(
        f"/api/v1/claims/{claim_id}/", {"place": None, "origin_place": None}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["place"] is None and response.json()["location_precision"] == ""


def test_fast_and_serializer_reads_agree_on_places(anon_api):
    claim = ClaimFactory(
        category="arms_transfer", subtype="containers", best=10, qualifier="exact",
        unit="containers", measure="increment", place=Place.objects.get(slug="vostochny-port"),
        origin_place=Place.objects.get(slug="rajin"),
    )  # fmt: skip
    ClaimFactory(best=5, qualifier="exact")  # no place
    fast = anon_api.get("/api/v1/claims/").json()["results"]
    slow = anon_api.get("/api/v1/claims/", HTTP_ACCEPT="application/json; indent=2").json()
    assert fast == slow["results"]
    row = next(r for r in fast if r["id"] == claim.pk)
    assert row["place"]["slug"] == "vostochny-port" and row["origin_place"]["kind"] == "port"
    assert row["location_precision"] == "exact"
    assert [r["place"] for r in fast if r["id"] != claim.pk] == [None]


def test_the_csv_has_place_coordinates_and_precision(client):
    sudzha = Place.objects.get(slug="sudzha")
    ClaimFactory(best=100, qualifier="exact", place=sudzha)
    response = client.get("/claims.csv")
    rows = list(
        csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig")))
    )
    assert (rows[0]["place"], rows[0]["precision"]) == ("sudzha", "area")
    assert (float(rows[0]["lat"]), float(rows[0]["lon"])) == (sudzha.latitude, sudzha.longitude)
    assert rows[0]["origin_place"] == ""
