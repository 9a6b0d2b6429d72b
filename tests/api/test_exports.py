"""CSV, the JSON-lines dump and its import, and the Atom feed."""

import csv
import io
import json
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command

from tests.factories import (
    ArticleFactory,
    ClaimantFactory,
    ClaimFactory,
    ClaimSourceFactory,
    OutletFactory,
)
from tracker import exchange
from tracker.csvexport import CLAIM_COLUMNS
from tracker.models import (
    Article,
    Claim,
    Claimant,
    ClaimantAlias,
    ClaimRelation,
    ClaimSource,
    Outlet,
)

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


def _csv_rows(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(body)))


def test_csv_has_one_row_per_claim_with_sources_joined(anon_api):
    claim = ClaimFactory(claimant=ClaimantFactory(name="JCS"), best=1100)
    reuters = ArticleFactory(title="Reuters story", outlet=OutletFactory(name="Reuters"))
    ClaimSourceFactory(claim=claim, article=reuters, quote="1,100 casualties")
    ClaimSourceFactory(claim=claim, quote="about 1,100 soldiers", quote_start=0, quote_end=5)
    ClaimFactory(status="pending")
    response = anon_api.get("/api/v1/claims/?format=csv")
    rows = _csv_rows(response)
    assert list(rows[0]) == list(CLAIM_COLUMNS)
    [row] = rows
    assert row["id"] == str(claim.pk) and row["claimant"] == "JCS" and row["best"] == "1100"
    assert row["source_count"] == "2"
    assert row["source_quotes"].split(" | ") == ["1,100 casualties", "about 1,100 soldiers"]
    assert row["source_outlets"].split(" | ")[0] == "Reuters"


def test_csv_follows_filters_and_is_not_paginated(anon_api):
    ClaimFactory.create_batch(60)
    ClaimFactory(category="arms_transfer", subtype="drones", unit="drones")
    assert len(_csv_rows(anon_api.get("/api/v1/claims/?format=csv"))) == 61
    assert len(_csv_rows(anon_api.get("/api/v1/claims/?format=csv&subtype=drones"))) == 1


def test_csv_neutralises_spreadsheet_formulas_from_articles(anon_api):
    claim = ClaimFactory(summary='=HYPERLINK("http://evil")')
    ClaimSourceFactory(claim=claim, quote="@SUM(A1)")
    [row] = _csv_rows(anon_api.get("/api/v1/claims/?format=csv"))
    assert row["summary"].startswith("'=") and row["source_quotes"].startswith("'@")


def test_csv_errors_are_400(anon_api):
    assert anon_api.get("/api/v1/claims/?format=csv&category=nope").status_code == 400


def _everything():
    jcs = ClaimantFactory(name="Joint Chiefs of Staff", description="ROK JCS")
    ClaimantAlias.objects.create(claimant=jcs, alias="JCS")
    article = ArticleFactory(
        raw="<p>raw html</p>", relevance=0.8, relevance_reasons=["korea", "russia"], author="A"
    )
    ArticleFactory(url=None, text="manual text", content_hash="abc123", outlet=None)
    approved = ClaimFactory(claimant=jcs, low=1000, best=1100, high=1200, notes="n")
    ClaimSourceFactory(claim=approved, article=article)
    pending = ClaimFactory(claimant=jcs, status="pending", unit="miles", best=3.5)
    ClaimFactory(claimant=None, status="rejected", best=None, qualifier="none")
    ClaimRelation.objects.create(from_claim=pending, to_claim=approved, kind="supersedes")


def test_export_then_import_round_trips_every_row_unchanged(editor, tmp_path):
    _everything()
    Claim.objects.filter(status="pending").update(created_by=editor, reviewed_by=editor)
    before = list(exchange.dump_lines())
    counted = (Claimant, ClaimantAlias, Outlet, Article, Claim)
    # The registry's claimants (migration 0006) are in every database, and in the dump.
    registry = Claimant.objects.filter(registry=True).count()
    registry_aliases = ClaimantAlias.objects.filter(claimant__registry=True).count()
    path = tmp_path / "dump.jsonl"
    call_command("export_jsonl", str(path))
    assert path.read_text().splitlines(keepends=True) == before
    for model in reversed(exchange.EXCHANGE_MODELS):
        model.objects.all().delete()
    Claim.history.all().delete()  # the deletions above wrote history rows of their own
    assert not Claim.objects.exists()
    call_command("import_jsonl", str(path), stdout=io.StringIO())
    assert list(exchange.dump_lines()) == before
    counts = [m.objects.count() for m in counted]
    assert counts == [registry + 1, registry_aliases + 1, 1, 2, 3]
    assert ClaimSource.objects.count() == 1 and ClaimRelation.objects.count() == 1
    assert Claim.objects.get(status="pending").created_by == editor
    # New rows after an import get fresh ids.
    claim_pks = [r["pk"] for r in map(json.loads, before) if r["model"] == "tracker.claim"]
    assert ClaimFactory().pk > max(claim_pks)


def test_import_into_a_database_without_the_users_keeps_the_rows(editor):
    _everything()
    Claim.objects.update(created_by=editor)
    lines = list(exchange.dump_lines())
    for model in reversed(exchange.EXCHANGE_MODELS):
        model.objects.all().delete()
    editor.delete()
    exchange.load_lines(lines)
    assert Claim.objects.count() == 3
    assert not Claim.objects.filter(created_by__isnull=False).exists()


def test_api_dump_is_what_import_reads(editor_api):
    _everything()
    response = editor_api.get("/api/v1/export.jsonl")
    assert response["Content-Type"] == "application/jsonl"
    lines = b"".join(response.streaming_content).decode().splitlines(keepends=True)
    assert lines == list(exchange.dump_lines())
    models = {json.loads(line)["model"] for line in lines}
    assert models == {m._meta.label_lower for m in exchange.EXCHANGE_MODELS}


def test_import_refuses_unknown_models():
    line = json.dumps({"model": "auth.user", "pk": 1, "fields": {"username": "x"}})
    with pytest.raises(ValueError, match="unknown model"):
        exchange.load_lines([line])


def test_feed_lists_newly_approved_claims_only(client):
    approved = ClaimFactory(claimant=ClaimantFactory(name="JCS"))
    approved.reviewed_at = approved.created_at
    approved.save()
    ClaimFactory(status="pending", best=4242)
    response = client.get("/feeds/claims.atom")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    entries = ET.fromstring(response.content).findall(f"{ATOM}entry")
    assert len(entries) == 1
    assert (
        entries[0].find(f"{ATOM}title").text
        == "JCS: Casualties: Killed or wounded — about 1,100 troops"
    )
    assert entries[0].find(f"{ATOM}link").get("href").endswith(f"/claims/{approved.pk}/")
    assert b"4,242" not in response.content


def test_feed_escapes_article_text(client):
    claim = ClaimFactory()
    ClaimSourceFactory(claim=claim, quote="<script>alert(1)</script>")
    response = client.get("/feeds/claims.atom")
    summary = ET.fromstring(response.content).find(f"{ATOM}entry/{ATOM}summary")
    assert summary.get("type") == "html"
    # After XML parsing the HTML still shows the tag as text, never as markup.
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary.text
    assert "<script>" not in summary.text


def test_dump_answers_clients_that_ask_for_jsonl(editor_api, anon_api):
    ClaimFactory()
    response = editor_api.get("/api/v1/export.jsonl", HTTP_ACCEPT="application/jsonl")
    assert response.status_code == 200
    refused = anon_api.get("/api/v1/export.jsonl", HTTP_ACCEPT="application/jsonl")
    assert refused.status_code in (401, 403)
    assert json.loads(refused.content)["detail"]
