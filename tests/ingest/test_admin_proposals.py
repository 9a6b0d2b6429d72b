"""After "Add from URL or text" the editor lands on the article, with its proposals listed."""

import pytest
from django.urls import reverse

from tests.ingest.conftest import relevant_paragraphs
from tracker.models import Article, Claim

pytestmark = pytest.mark.django_db
ADD_URL = "admin:tracker_article_add_from_source"


def test_a_pasted_text_lands_on_its_article_with_the_proposed_claims_linked(
    superuser_client, django_capture_on_commit_callbacks
):
    text = "\n\n".join(relevant_paragraphs(4))
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse(ADD_URL), {"text": text, "title": "Pasted", "published": "2025-01-13"}
        )
    article = Article.objects.get()
    page = superuser_client.get(reverse("admin:tracker_article_change", args=[article.pk]))
    body = page.content.decode()
    claims = Claim.objects.filter(sources__article=article).distinct()
    assert claims.exists()
    for claim in claims:
        assert reverse("admin:tracker_claim_change", args=[claim.pk]) in body
    assert "Relevant (score" in body and "mentions North Korea" in body
    assert f"{claims.count()} claim" in body
    assert '"rule": "north_korea"' not in body  # no raw JSON
    assert response.status_code == 302


def test_a_url_lands_on_its_article_page(
    site, superuser_client, django_capture_on_commit_callbacks
):
    url = site.add_article("/a", "Troops", relevant_paragraphs(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(reverse(ADD_URL), {"url": url})
    article = Article.objects.get(url=url)
    assert response.url == reverse("admin:tracker_article_change", args=[article.pk])
