"""Celery tasks of the pipeline: poll_feed → fetch_article (fetch, then process in the same task);
process_article re-processes a stored article.

Each task takes ids (or a URL), looks the row up, returns quietly when it is gone, and calls
one service. Services are idempotent, so late acknowledgement is safe: a task redelivered after
a worker died runs again and changes nothing that was already done.
"""

from __future__ import annotations

import functools

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.utils.time import get_exponential_backoff_interval
from django.conf import settings
from django.db import transaction

from ingest import services
from ingest.fetch import FetchError, TransientFetchError
from ingest.models import Feed
from tracker.models import Article

TASK_OPTIONS = {"bind": True, "acks_late": True, "reject_on_worker_lost": True}


def _backoff(retries: int) -> int:
    """Exponential back-off with full jitter: 0..2^(n+1) s, capped at 10 minutes."""
    return get_exponential_backoff_interval(
        factor=2, retries=retries, maximum=600, full_jitter=True
    )


def _retry_or_give_up(task, exc: TransientFetchError) -> str | None:
    """Schedule a retry (raises), or after the last attempt return the reason to record."""
    request = task.request
    attempt, allowed = request.retries + 1, settings.INGEST_MAX_RETRIES
    if request.retries >= allowed:
        return f"{exc} (gave up after {attempt} attempts)"
    if request.is_eager:
        # Celery's eager retry raises when errors propagate; run the next attempt in place.
        task.apply(args=request.args, kwargs=request.kwargs, retries=attempt, throw=True)
        return None
    raise task.retry(exc=exc, countdown=_backoff(request.retries), max_retries=allowed)


@shared_task(**TASK_OPTIONS, soft_time_limit=60, time_limit=90)
def poll_feed(self, feed_id: int) -> None:
    feed = Feed.objects.filter(pk=feed_id).first()
    if feed is None:
        return
    try:
        result = services.feed_poll(feed=feed)
    except TransientFetchError as exc:
        reason = _retry_or_give_up(self, exc)
        if reason:
            services.feed_record_failure(feed=feed, reason=reason)
        return
    except FetchError:
        return  # recorded on the feed by the service
    except SoftTimeLimitExceeded:
        services.feed_record_failure(feed=feed, reason="timeout: the poll ran out of time")
        return
    for url in result.to_fetch:
        transaction.on_commit(functools.partial(fetch_article.delay, url))


@shared_task(**TASK_OPTIONS, soft_time_limit=180, time_limit=210)
def fetch_article(self, url: str) -> None:
    """Fetch the URL and process the article in the same task: the body is committed first
    (status fetched), so a worker lost while processing redelivers this task, which finds the
    body stored, does not fetch again, and processes it. Saves a broker round trip per article
    over handing it on to process_article (kept for re-processing)."""
    try:
        article = services.article_fetch(url=url)
    except TransientFetchError as exc:
        article = services.article_for_url(url)
        reason = _retry_or_give_up(self, exc)
        if reason and article is not None:
            services.article_record_failure(article=article, reason=reason)
        return
    except FetchError:
        return  # recorded on the article by the service
    except SoftTimeLimitExceeded:
        article = services.article_for_url(url)
        if article is not None:
            services.article_record_failure(article=article, reason="timeout: fetch ran too long")
        return
    # Also when fetched earlier: a redelivered fetch must still process the article.
    if article.status == Article.Status.FETCHED:
        _process(article)


def _process(article: Article) -> None:
    try:
        services.article_process(article=article)
    except SoftTimeLimitExceeded:
        services.article_record_failure(article=article, reason="timeout: processing ran too long")


@shared_task(**TASK_OPTIONS, soft_time_limit=120, time_limit=150)
def process_article(self, article_id: int) -> None:
    article = Article.objects.filter(pk=article_id).first()
    if article is None:
        return
    _process(article)


@shared_task(**TASK_OPTIONS, soft_time_limit=30, time_limit=60)
def poll_due_feeds(self) -> int:
    """Beat's entry: enqueue poll_feed for every enabled feed whose interval has passed."""
    due = services.feeds_due()
    for feed in due:
        poll_feed.apply_async((feed.pk,), expires=300)
    return len(due)
