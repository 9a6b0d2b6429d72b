"""Editors' ingest controls in admin: poll now, re-process, add by URL or pasted text."""

import pytest
from django.urls import reverse

from ingest.models import Feed
from tests.ingest.conftest import relevant_paragraphs
from tracker.models import Article

pytestmark = pytest.mark.django_db
ADD_URL = "admin:tracker_article_add_from_source"


def test_poll_now_ingests_the_feed(site, superuser_client, django_capture_on_commit_callbacks):
    link = site.add_article("/a", "Troops", relevant_paragraphs(1))
    feed = Feed.objects.create(url=site.add_feed("/f.xml", [{"link": link}]))
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(
            reverse("admin:ingest_feed_changelist"),
            {"action": "poll_now", "_selected_action": [feed.pk]},
            follow=True,
        )
    assert "1 feed(s) queued for polling." in response.content.decode()
    assert Article.objects.get().status == Article.Status.PROCESSED


def test_reprocess_refetches_a_failed_article(
    site, superuser_client, django_capture_on_commit_callbacks
):
    url = site.add_article("/a", "Troops", relevant_paragraphs(1), fail_first=1)
    article = Article.objects.create(url=url, status="failed", error="HTTP 500")
    with django_capture_on_commit_callbacks(execute=True):
        superuser_client.post(
            reverse("admin:tracker_article_changelist"),
            {"action": "reprocess", "_selected_action": [article.pk]},
        )
    article.refresh_from_db()
    assert article.status == Article.Status.PROCESSED and article.error == ""


def test_the_add_form_fetches_a_url(site, superuser_client, django_capture_on_commit_callbacks):
    url = site.add_article("/a", "Troops", relevant_paragraphs(1))
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(reverse(ADD_URL), {"url": url})
    assert response.status_code == 302
    assert Article.objects.get(url=url).status == Article.Status.PROCESSED


def test_the_add_form_stores_pasted_text(superuser, superuser_client):
    text = "\n\n".join(relevant_paragraphs(4))
    response = superuser_client.post(
        reverse(ADD_URL), {"text": text, "title": "Pasted", "published": "2025-01-13"}
    )
    article = Article.objects.get()
    assert response.url == reverse("admin:tracker_article_change", args=[article.pk])
    assert article.title == "Pasted" and article.submitted_by == superuser
    assert article.status == Article.Status.PROCESSED and article.url is None


def test_the_add_form_wants_a_url_or_a_text(superuser_client):
    response = superuser_client.post(reverse(ADD_URL), {})
    assert "Give either a URL to fetch or a pasted text." in response.content.decode()
    page = superuser_client.get(reverse("admin:tracker_article_changelist")).content.decode()
    assert reverse(ADD_URL) in page


def test_analysts_cannot_use_the_add_form(analyst_client):
    assert analyst_client.get(reverse(ADD_URL)).status_code == 403
