"""The API's one door into the ingest pipeline.

DESIGN.md: `ingest` depends on `tracker`, never the reverse. This module is the single, deliberate
exception: it imports `ingest.services` lazily, inside the call, so nothing in `tracker` imports
`ingest` when Django loads. While the ingest services do not exist yet, the article is stored
queued (status `queued`) for the pipeline to pick up.
"""

from __future__ import annotations

import importlib

from django.contrib.auth.models import AbstractBaseUser

from tracker.models import Article


def _ingest_service(name: str):
    try:
        module = importlib.import_module("ingest.services")
    except ImportError:
        return None
    return getattr(module, name, None)


def article_submit(
    *,
    url: str = "",
    text: str = "",
    title: str = "",
    submitted_by: AbstractBaseUser | None = None,
) -> Article:
    """Hand a URL or a text to the ingest pipeline; returns the (queued) article."""
    if url:
        ingest_url = _ingest_service("article_ingest_url")
        if ingest_url is not None:
            return ingest_url(url=url, submitted_by=submitted_by)
        article, _ = Article.objects.get_or_create(
            url=url, defaults={"submitted_by": submitted_by, "status": Article.Status.QUEUED}
        )
        return article
    ingest_text = _ingest_service("article_ingest_text")
    if ingest_text is not None:
        return ingest_text(text=text, title=title, submitted_by=submitted_by)
    return Article.objects.create(
        text=text, title=title, submitted_by=submitted_by, status=Article.Status.QUEUED
    )
