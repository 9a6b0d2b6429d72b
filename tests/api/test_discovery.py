"""What a newcomer finds: the API root lists every endpoint with absolute URLs, the vocabulary
lists the values filters take with their labels, public reads carry no lock in the schema."""

import io
import json

import pytest
from django.core.management import call_command

from tests.factories import ClaimFactory
from tracker import trust, vocab

pytestmark = pytest.mark.django_db

EXPECTED = {
    "claims", "claims_csv", "claimants", "outlets", "articles", "relations", "series",
    "series_changes", "vocabulary", "schema", "docs", "dashboard_csv", "feed", "export_jsonl",
    "ingest", "changes", "changes_feed", "releases", "weapon_systems",
}  # fmt: skip


def test_the_root_lists_every_endpoint_with_absolute_urls_that_answer(anon_api):
    ClaimFactory()
    response = anon_api.get("/api/v1/")
    assert response.status_code == 200
    endpoints = response.json()["endpoints"]
    assert set(endpoints) == EXPECTED
    for name, endpoint in endpoints.items():
        assert endpoint["url"].startswith("http://testserver/"), name
        assert endpoint["description"]
        if endpoint["access"] == "public":
            url = endpoint["url"].removeprefix("http://testserver")
            if name == "series":
                url += "?category=casualties&subtype=killed_or_wounded"
            assert anon_api.get(url).status_code == 200, name
    assert endpoints["claims_csv"]["url"].endswith("/api/v1/claims/?format=csv")
    assert endpoints["export_jsonl"]["access"] == "editors"
    assert anon_api.get(endpoints["export_jsonl"]["url"]).status_code in (401, 403)


def test_the_vocabulary_lists_every_value_with_its_label(anon_api):
    response = anon_api.get("/api/v1/vocabulary/")
    assert response.status_code == 200
    assert "public" in response["Cache-Control"] and "max-age=" in response["Cache-Control"]
    body = response.json()
    categories = {c["value"]: c for c in body["categories"]}
    assert list(categories) == list(vocab.CATEGORIES)
    for key, category in categories.items():
        assert category["label"] == vocab.CATEGORIES[key]
        assert {s["value"]: s["label"] for s in category["subtypes"]} == vocab.SUBTYPES[key]
    troops = {s["value"]: s for s in categories["troop_deployment"]["subtypes"]}
    assert troops["additional_deployment"]["measure"] == "increment"
    assert troops["deployed"]["meaning"] == vocab.SUBTYPE_MEANINGS["troop_deployment"]["deployed"]
    assert {q["value"]: q["label"] for q in body["qualifiers"]} == vocab.QUALIFIERS
    assert {m["value"]: m["label"] for m in body["measures"]} == vocab.MEASURES
    assert {u["value"]: u["label"] for u in body["units"]} == vocab.UNITS
    assert [c["value"] for c in body["confidence"]] == list(trust.CONFIDENCE_LEVELS)
    assert body["confidence"][0]["rule"] == trust.CONFIDENCE_RULES["high"]


def test_every_subtype_the_vocabulary_lists_is_a_filter_value(anon_api):
    body = anon_api.get("/api/v1/vocabulary/").json()
    for category in body["categories"]:
        for subtype in category["subtypes"]:
            query = f"category={category['value']}&subtype={subtype['value']}"
            assert anon_api.get(f"/api/v1/claims/?{query}").status_code == 200, query


def _schema() -> dict:
    out = io.StringIO()
    call_command("spectacular", "--format", "openapi-json", stdout=out)
    return json.loads(out.getvalue())


def test_public_reads_carry_no_lock_and_writes_do():
    paths = _schema()["paths"]
    public = [
        "/api/v1/", "/api/v1/claims/", "/api/v1/claims/{id}/", "/api/v1/claimants/",
        "/api/v1/outlets/", "/api/v1/articles/", "/api/v1/relations/", "/api/v1/series/",
        "/api/v1/series/changes/", "/api/v1/vocabulary/",
    ]  # fmt: skip
    for path in public:
        assert "security" not in paths[path]["get"], path
    assert paths["/api/v1/claims/"]["post"]["security"]
    assert paths["/api/v1/claims/{id}/approve"]["post"]["security"]
    assert paths["/api/v1/export.jsonl"]["get"]["security"]


def test_the_schema_documents_the_filters_and_their_aliases():
    paths = _schema()["paths"]
    for path in ("/api/v1/claims/", "/api/v1/series/"):
        params = {p["name"]: p for p in paths[path]["get"]["parameters"]}
        for name in ("claimant", "date_from", "claim_date_after", "pending", "confidence"):
            assert name in params, (path, name)
        assert params["claimant"]["schema"]["type"] == "array"
        assert "Alias of date_from" in params["claim_date_after"]["description"]
    vocabulary = paths["/api/v1/vocabulary/"]["get"]["responses"]["200"]
    assert "application/json" in vocabulary["content"]
