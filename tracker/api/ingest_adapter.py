"""The API's one door into the ingest pipeline.

DESIGN.md: `ingest` depends on `tracker`, never the reverse. This module is the single, deliberate
exception: it imports `ingest.services` lazily, inside the call, so nothing in `tracker` imports
`ingest` when Django loads. It uses, when present:
- `article_enqueue_url(url=, submitted_by=) -> Article` (register queued, fetch on a worker after
  commit) — else `article_ingest_url(url=, submitted_by=)`;
- `article_enqueue_text(text=, title=, submitted_by=)` (store queued, process on a worker after
  commit) — else `article_ingest_text(...)`; `article_enqueue_file(name=, content=,
  submitted_by=)` for an uploaded .txt/.html file;
either returning an Article or a result with `.article` (and `.reason` when it failed). Until the
ingest services exist, the article is stored queued for the pipeline to pick up.
"""

from __future__ import annotations

import importlib

from django.contrib.auth.models import AbstractBaseUser

from tracker.models import Article


class IngestRefused(ValueError):
    """The pipeline would not take the submission (the message says why)."""


class IngestUnavailable(RuntimeError):
    """The work queue (Celery's broker) is down. What was submitted is stored, queued; the same
    request sent again once the queue is back enqueues it."""


def _queue_errors() -> tuple[type[BaseException], ...]:
    try:
        from kombu.exceptions import OperationalError
    except ImportError:  # pragma: no cover - kombu comes with Celery
        return ()
    return (OperationalError,)


def _ingest_service(*names: str):
    try:
        module = importlib.import_module("ingest.services")
    except ImportError:
        return None
    for name in names:
        service = getattr(module, name, None)
        if service is not None:
            return service
    return None


def _article_of(outcome) -> Article:
    if isinstance(outcome, Article):
        return outcome
    article = getattr(outcome, "article", None)
    if article is None:
        raise IngestRefused(getattr(outcome, "reason", "") or "The article could not be ingested.")
    return article


def article_submit(**submission) -> Article:
    """Hand a URL or a text to the ingest pipeline; returns the article (queued or further).
    Raises IngestUnavailable when the work queue cannot be reached."""
    try:
        return _article_submit(**submission)
    except _queue_errors() as exc:
        raise IngestUnavailable(
            "The work queue is unavailable. The submission is stored as queued; send the same "
            "request again later to have it processed."
        ) from exc


def _article_submit(
    *,
    url: str = "",
    text: str = "",
    title: str = "",
    file=None,
    submitted_by: AbstractBaseUser | None = None,
) -> Article:
    if url:
        url_refusal = _ingest_service("url_refusal")
        if url_refusal is not None and (reason := url_refusal(url)):
            raise IngestRefused(reason)
        ingest_url = _ingest_service("article_enqueue_url", "article_ingest_url")
        if ingest_url is not None:
            return _article_of(ingest_url(url=url, submitted_by=submitted_by))
        article, _ = Article.objects.get_or_create(
            url=url, defaults={"submitted_by": submitted_by, "status": Article.Status.QUEUED}
        )
        return article
    if file is not None:
        enqueue_file = _ingest_service("article_enqueue_file")
        if enqueue_file is None:
            raise IngestRefused("File ingest is not available.")
        return _article_of(
            enqueue_file(name=file.name, content=file.read(), submitted_by=submitted_by)
        )
    # Heavy work leaves the request: a text is stored queued and processed on a worker.
    ingest_text = _ingest_service("article_enqueue_text", "article_ingest_text")
    if ingest_text is not None:
        return _article_of(ingest_text(text=text, title=title, submitted_by=submitted_by))
    return Article.objects.create(
        text=text, title=title, submitted_by=submitted_by, status=Article.Status.QUEUED
    )
