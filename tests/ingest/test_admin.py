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


def test_the_add_form_queues_pasted_text_for_a_worker(
    superuser, superuser_client, django_capture_on_commit_callbacks
):
    text = "\n\n".join(relevant_paragraphs(4))
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = superuser_client.post(
            reverse(ADD_URL), {"text": text, "title": "Pasted", "published": "2025-01-13"}
        )
    article = Article.objects.get()
    assert response.url == reverse("admin:tracker_article_change", args=[article.pk])
    assert article.title == "Pasted" and article.submitted_by == superuser
    assert article.status == Article.Status.QUEUED and article.url is None
    assert len(queued) == 1
    page = superuser_client.get(response.url).content.decode()
    assert "Queued: waiting for a worker" in page  # the article's page shows its progress
    queued[0]()  # the worker's turn (eager here)
    article.refresh_from_db()
    assert article.status == Article.Status.PROCESSED
    page = superuser_client.get(response.url).content.decode()
    assert "Processed: its claims wait for review." in page


def test_the_add_form_queues_an_uploaded_file(superuser_client, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    body = "title: Uploaded\npublished: 2025-01-13\n\n" + "\n\n".join(relevant_paragraphs(3))
    upload = SimpleUploadedFile("report.txt", body.encode(), content_type="text/plain")
    with django_capture_on_commit_callbacks(execute=True):
        response = superuser_client.post(reverse(ADD_URL), {"file": upload})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.title == "Uploaded" and article.status == Article.Status.PROCESSED


def test_the_add_form_refuses_other_file_types(superuser_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("report.pdf", b"%PDF-1.4", content_type="application/pdf")
    response = superuser_client.post(reverse(ADD_URL), {"file": upload})
    assert response.status_code == 200
    assert response.context["form"].errors["file"]
    assert not Article.objects.exists()


def test_the_add_form_wants_a_url_or_a_text(superuser_client):
    response = superuser_client.post(reverse(ADD_URL), {})
    assert "Give one of a URL to fetch, a pasted text or a file." in response.content.decode()
    page = superuser_client.get(reverse("admin:tracker_article_changelist")).content.decode()
    assert reverse(ADD_URL) in page


def test_analysts_cannot_use_the_add_form(analyst_client):
    assert analyst_client.get(reverse(ADD_URL)).status_code == 403
