"""Editors write claims through the API: validation messages per field, never a 500."""

import pytest

from tests.factories import ArticleFactory, ClaimantFactory, ClaimFactory
from tracker.models import Article, Claim

pytestmark = pytest.mark.django_db


@pytest.fixture
def body():
    return {
        "category": "casualties",
        "subtype": "killed_or_wounded",
        "best": 1100,
        "qualifier": "approximately",
        "unit": "troops",
        "claim_date": "2024-12-23",
        "claimant": ClaimantFactory(reliability="A").pk,
    }


def test_editor_creates_a_pending_api_claim_with_sources(token_api, editor, body):
    article = ArticleFactory()
    body["sources"] = [{"article": article.pk, "quote": "about 1,100 soldiers were killed"}]
    response = token_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 201, response.content
    claim = Claim.objects.get(pk=response.json()["id"])
    assert (claim.status, claim.origin, claim.created_by) == ("pending", "api", editor)
    assert claim.reliability == "A"  # the claimant's default
    assert response.json()["sources"][0]["article_id"] == article.pk
    assert claim.sources.get().quote_start == 15  # found in the article text


def test_low_above_best_is_a_400_on_low(editor_api, body):
    body["low"] = 2000
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert response.json()["low"] == ["Low must not exceed best."]


def test_subtype_of_another_category_is_a_400_on_subtype(editor_api, body):
    body["subtype"] = "artillery_shells"
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert "is not a subtype of casualties" in response.json()["subtype"][0]


def test_unknown_subtype_is_a_400(editor_api, body):
    body["subtype"] = "zombies"
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400 and "subtype" in response.json()


def test_qualifier_none_with_numbers_is_a_400_on_qualifier(editor_api, body):
    body["qualifier"] = "none"
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400
    assert response.json()["qualifier"] == [
        "A claim with numbers needs a qualifier other than 'none'."
    ]


def test_numbers_missing_with_a_qualifier_is_a_400(editor_api, body):
    body["best"] = None
    response = editor_api.post("/api/v1/claims/", body, format="json")
    assert response.status_code == 400 and "qualifier" in response.json()


def test_claim_without_number_is_accepted_with_qualifier_none(editor_api, body):
    body.update(best=None, qualifier="none", unit="", category="arms_transfer")
    body["subtype"] = "rocket_launchers"
    assert editor_api.post("/api/v1/claims/", body, format="json").status_code == 201


def test_negative_figures_missing_fields_and_bad_dates_are_400(editor_api, body):
    assert (
        editor_api.post("/api/v1/claims/", {**body, "best": -1}, format="json").status_code == 400
    )
    response = editor_api.post("/api/v1/claims/", {"best": 1}, format="json")
    assert response.status_code == 400
    assert {"category", "subtype", "qualifier", "claim_date"} <= set(response.json())
    bad = {**body, "period_start": "2025-02-01", "period_end": "2025-01-01"}
    response = editor_api.post("/api/v1/claims/", bad, format="json")
    assert response.status_code == 400 and "period_end" in response.json()
    unknown = {**body, "claimant": 999999}
    assert editor_api.post("/api/v1/claims/", unknown, format="json").status_code == 400


def test_update_validates_against_the_stored_claim(editor_api):
    claim = ClaimFactory(best=1100, qualifier="approximately")
    response = editor_api.patch(f"/api/v1/claims/{claim.pk}/", {"low": 5000}, format="json")
    assert response.status_code == 400 and "low" in response.json()
    claim.refresh_from_db()
    assert claim.low is None


def test_a_source_added_by_a_patch_still_needs_its_article_and_quote(editor_api):
    # Found by the fuzzer: a PATCH makes nested fields optional, and `sources: [{}]` was a 500.
    claim = ClaimFactory(best=1100)
    article = ArticleFactory()
    for source, missing in (
        ({}, {"article", "quote"}),
        ({"article": article.pk}, {"quote"}),
        ({"quote": "about 1,100 soldiers"}, {"article"}),
    ):
        response = editor_api.patch(
            f"/api/v1/claims/{claim.pk}/", {"sources": [source]}, format="json"
        )
        assert response.status_code == 400, response.content
        errors = response.json()["sources"]["0"]  # (DRF keys a PATCH's list errors by index)
        assert set(errors) == missing
        assert all(errors[name] == ["This field is required."] for name in missing)
    assert claim.sources.count() == 0


def test_update_is_recorded_in_history_with_the_editor(editor_api, editor):
    claim = ClaimFactory(best=1100)
    response = editor_api.patch(f"/api/v1/claims/{claim.pk}/", {"best": 1200}, format="json")
    assert response.status_code == 200 and response.json()["best"] == 1200
    assert claim.history.latest().history_user == editor


def test_approve_records_the_reviewer(token_api, editor):
    claim = ClaimFactory(status="pending")
    response = token_api.post(f"/api/v1/claims/{claim.pk}/approve")
    assert response.json()["status"] == "approved"
    claim.refresh_from_db()
    assert claim.reviewed_by == editor and claim.reviewed_at is not None


def test_reject_then_the_claim_leaves_the_public_list(editor_api, anon_api):
    claim = ClaimFactory()
    editor_api.post(
        f"/api/v1/claims/{claim.pk}/reject", {"reason": "Wrong claimant"}, format="json"
    )
    assert anon_api.get("/api/v1/claims/").json()["count"] == 0


def test_ingest_of_a_url_answers_202_with_a_status_url(editor_api, editor):
    response = editor_api.post(
        "/api/v1/articles/ingest", {"url": "https://news.example.org/kursk"}, format="json"
    )
    assert response.status_code == 202
    body = response.json()
    article = Article.objects.get(pk=body["article_id"])
    assert article.url == "https://news.example.org/kursk" and article.submitted_by == editor
    assert body["status_url"].endswith(f"/api/v1/articles/{article.pk}/")
    status = editor_api.get(body["status_url"]).json()
    assert status["status"] == body["status"]


def test_ingest_of_a_text_answers_202_and_leaves_the_work_to_a_worker(
    editor_api, django_capture_on_commit_callbacks
):
    from ingest import services

    text = "The Joint Chiefs of Staff said about 1,100 North Korean soldiers were killed."
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = editor_api.post("/api/v1/articles/ingest", {"text": text}, format="json")
    assert response.status_code == 202 and response.json()["status"] == "queued"
    assert len(queued) == 1  # process_article, once the request's transaction commits
    article = Article.objects.get(pk=response.json()["article_id"])
    services.article_process(article=article)  # what the worker does
    assert Article.objects.get(pk=article.pk).text == text


def test_ingest_refuses_other_schemes_and_empty_submissions(editor_api):
    for payload in ({"url": "file:///etc/passwd"}, {"url": "ftp://x.org/a"}, {}, {"text": " "}):
        response = editor_api.post("/api/v1/articles/ingest", payload, format="json")
        assert response.status_code == 400, payload


def test_ingest_uses_the_pipeline_services_when_they_exist(editor_api, monkeypatch):
    import types

    calls = []

    def enqueue(*, url, submitted_by):
        calls.append(url)
        return Article.objects.create(url=url, submitted_by=submitted_by)

    def ingest_text(*, text, title, submitted_by):
        return types.SimpleNamespace(article=None, reason="not about North Korea and Russia")

    fake = types.SimpleNamespace(article_enqueue_url=enqueue, article_ingest_text=ingest_text)
    monkeypatch.setitem(__import__("sys").modules, "ingest.services", fake)
    response = editor_api.post(
        "/api/v1/articles/ingest", {"url": "https://news.example.org/b"}, format="json"
    )
    assert response.status_code == 202 and calls == ["https://news.example.org/b"]
    response = editor_api.post("/api/v1/articles/ingest", {"text": "weather"}, format="json")
    assert response.status_code == 400
    assert response.json()["non_field_errors"] == ["not about North Korea and Russia"]


def test_tracker_does_not_import_ingest_except_the_lazy_adapter():
    """ingest depends on tracker, never the reverse: no tracker module imports ingest, but for
    the adapter's import inside its function."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "tracker"
    offenders = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text())
        top_level = set(map(id, tree.body))
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            if any(n == "ingest" or n.startswith("ingest.") for n in names):
                lazy = id(node) not in top_level and path.name == "ingest_adapter.py"
                if not lazy:
                    offenders.append(f"{path.relative_to(root.parent)}:{node.lineno}")
    assert offenders == []
