"""Warming the dashboard (tracker.warm): after `dashboard_warm()` a reader's first request is
served from the cache with the same HTML; a burst of changes enqueues one warm task; the task
is idempotent; a failing cache makes warming a no-op."""

from __future__ import annotations

import io
import os
from unittest import mock

import pytest
from celery import current_app
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import ingest.aliases
import tracker.cache
import tracker.warm
from tests.factories import ClaimantFactory, ClaimFactory
from tests.services import requires
from tracker import tasks
from tracker.cache import bump_data_version
from tracker.warm import LOCK_KEY, dashboard_warm, enqueue_warm

WARMED = ["/", "/timeline/", "/totals/", "/arms/", "/border/"]
# Queries a warmed page still makes: the filter form's claimants, and on / the latest claims
# with their sources (cold: 21 on /, 19 on /arms/, 17 on /border/ with the demo data).
WARM_QUERIES = {"/": 3, "/timeline/": 1, "/totals/": 1, "/arms/": 1, "/border/": 1}


def _cold(client, path) -> tuple[bytes, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response.content, len(queries)


@pytest.mark.parametrize("path", WARMED)
def test_after_warming_a_readers_first_request_is_cached_and_renders_the_same_html(
    demo, client, path, django_assert_max_num_queries
):
    # One clock for both renders: a chart's citation pins the minute it was drawn, and on a
    # loaded machine the cold render and the warm one may fall in two minutes.
    with mock.patch("django.utils.timezone.now", return_value=timezone.now()):
        cold_html, cold_queries = _cold(client, path)
        bump_data_version()  # a change: nothing is cached for the new version
        result = dashboard_warm()
        assert list(result["pages"]) == WARMED
        assert result["version"] == tracker.cache.data_version()
        with django_assert_max_num_queries(WARM_QUERIES[path]):
            response = client.get(path)
    assert response.content == cold_html
    assert cold_queries > WARM_QUERIES[path]


def test_the_overview_is_cold_again_after_a_change_until_warmed(demo, client):
    dashboard_warm()
    ClaimFactory(category="casualties", subtype="killed_or_wounded", best=9000)
    _, after_change = _cold(client, "/")
    assert after_change > 3
    bump_data_version()
    dashboard_warm()
    _, after_warm = _cold(client, "/")
    assert after_warm <= 3


def test_the_command_warms_the_same_pages(demo, client, django_assert_max_num_queries):
    out = io.StringIO()
    call_command("warm_dashboard", stdout=out)
    assert "warmed 5 pages" in out.getvalue()
    with django_assert_max_num_queries(3):
        assert client.get("/").status_code == 200


@pytest.fixture
def broker(settings, monkeypatch):
    """Warming on change switched on as with REDIS_URL and a worker; enqueues recorded."""
    settings.DASHBOARD_WARM_ON_CHANGE = True
    settings.REDIS_URL = settings.REDIS_URL or "redis://127.0.0.1:6379/12"
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    sent = []
    monkeypatch.setattr(tasks.warm_dashboard, "apply_async", lambda *a, **kw: sent.append((a, kw)))
    cache.delete(LOCK_KEY)
    yield sent
    current_app.conf.task_always_eager = eager
    cache.delete(LOCK_KEY)


def test_pending_claims_warm_nothing_and_a_burst_of_approvals_enqueues_one_warm_after_commit(
    db, broker, django_capture_on_commit_callbacks
):
    claimant = ClaimantFactory()
    broker.clear()
    cache.delete(LOCK_KEY)
    # A feed's pending claims change no page a reader sees: no warm.
    with django_capture_on_commit_callbacks(execute=True):
        claims = ClaimFactory.create_batch(100, status="pending", claimant=claimant)
    assert broker == []
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for claim in claims[:50]:
            claim.status = "approved"
            claim.save()
    assert broker == []  # nothing before the commit
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    assert len(broker) == 1
    assert broker[0][1]["countdown"] == tracker.warm.DEBOUNCE_SECONDS
    assert cache.get(LOCK_KEY) is not None
    # An approval burst later, while that warm is still queued: nothing more enqueued.
    with django_capture_on_commit_callbacks(execute=True):
        for claim in claims[50:]:
            claim.status = "approved"
            claim.save()
    assert len(broker) == 1


def test_the_task_releases_the_lock_so_the_next_change_enqueues_again(
    demo, broker, django_capture_on_commit_callbacks
):
    assert enqueue_warm() is True
    assert enqueue_warm() is False
    tasks.warm_dashboard.apply(throw=True)
    assert cache.get(LOCK_KEY) is None
    with django_capture_on_commit_callbacks(execute=True):
        ClaimFactory()
    assert len(broker) == 2


def test_in_eager_mode_saves_enqueue_no_warm(db, settings, django_capture_on_commit_callbacks):
    settings.DASHBOARD_WARM_ON_CHANGE = True
    current = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            ClaimFactory()
    finally:
        current_app.conf.task_always_eager = current
    # Only version bumps (the data versions; the ingest alias table's, as the factory saves a
    # claimant) and the headline history's recording (tracker.headlines) run after the commit:
    # no warm is enqueued.
    others = [
        cb
        for cb in callbacks
        if getattr(cb, "__qualname__", "") != "_Batch.flush" and cb is not ingest.aliases._bump
    ]
    assert others and all(tracker.cache.is_version_bump(cb) for cb in others)
    assert cache.get(LOCK_KEY) is None


def test_the_task_is_idempotent(demo, client, django_assert_max_num_queries):
    first = tasks.warm_dashboard.apply(throw=True).get()
    second = tasks.warm_dashboard.apply(throw=True).get()
    assert first["version"] == second["version"]
    assert list(first["pages"]) == list(second["pages"]) == WARMED
    with django_assert_max_num_queries(3):
        html = client.get("/").content
    bump_data_version()
    cold_html, _ = _cold(client, "/")
    assert html == cold_html


class BrokenCache:
    def __getattr__(self, name):
        def fail(*args, **kwargs):
            raise ConnectionError("cache down")

        return fail


def test_with_the_cache_down_warming_is_a_no_op_not_an_error(
    demo, client, monkeypatch, broker, django_assert_num_queries
):
    monkeypatch.setattr(tracker.cache, "cache", BrokenCache())
    monkeypatch.setattr(tracker.warm, "cache", BrokenCache())
    with django_assert_num_queries(0):
        result = dashboard_warm()
    assert result == {"version": None, "pages": {}, "seconds": 0.0}
    assert tasks.warm_dashboard.apply(throw=True).get()["pages"] == {}
    assert enqueue_warm() is False
    assert broker == []
    assert client.get("/").status_code == 200


def _drain(queue) -> int:
    drained = 0
    while True:
        try:
            queue.get(block=False).ack()
        except queue.Empty:
            return drained
        drained += 1


@requires(bool(os.environ.get("REDIS_URL")), "needs the Redis broker")
def test_with_redis_the_warm_reaches_the_broker_with_its_countdown_and_expiry(db, settings):
    settings.DASHBOARD_WARM_ON_CHANGE = True
    eager = current_app.conf.task_always_eager
    current_app.conf.task_always_eager = False
    cache.delete(LOCK_KEY)
    try:
        with current_app.connection_for_write() as conn:
            queue = conn.SimpleQueue("celery")
            _drain(queue)
            assert enqueue_warm() is True
            assert enqueue_warm() is False
            message = queue.get(timeout=5)
            message.ack()
            assert message.headers["task"] == "tracker.tasks.warm_dashboard"
            assert message.headers["eta"] and message.headers["expires"]
            assert _drain(queue) == 0  # one message for two enqueues
            queue.close()
    finally:
        current_app.conf.task_always_eager = eager
        cache.delete(LOCK_KEY)
