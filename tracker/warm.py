"""Warming the dashboard's caches, so readers rarely pay the cold cost of a page.

The first request after a data change rebuilds the page parts the views cache (tracker.cache):
at 1,000,000 claims `/` takes seconds cold, tens of milliseconds warm. `dashboard_warm()` makes
that first request itself, for the anonymous visitor's default pages, by calling the views
(`/`, `/timeline/`, `/totals/`, `/arms/`, `/border/`): the same code and the same cache keys as
a reader's request, no second implementation of any page part.

It runs from the Celery task `tracker.tasks.warm_dashboard`: every minute from beat, and a few
seconds after a data change (`warm_soon`, called on every data-version bump after commit). A
burst of changes enqueues one warm: a cache `add` lock is held from the enqueue until the
task starts. Only with a broker (REDIS_URL, Celery not eager): in eager mode (`make run`) a
warm on every save would slow the admin and load_demo, and the local-memory cache it filled
would be the saving process's own anyway.
"""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import transaction
from django.urls import resolve, reverse

from tracker.cache import data_version

log = logging.getLogger(__name__)

WARM_PAGES = ("overview", "timeline", "totals", "arms", "border")  # URL names
LOCK_KEY = "tracker:dashboard-warm-queued"
DEBOUNCE_SECONDS = getattr(settings, "DASHBOARD_WARM_DEBOUNCE_SECONDS", 5)


def dashboard_warm() -> dict:
    """Build and cache the default page parts an anonymous visitor gets, for the current data
    version. Returns {"version", "pages": {path: ms}, "seconds"}; with the cache unavailable it
    does nothing (a warm that cannot be stored is only load) and returns no pages."""
    version = data_version()
    if version is None:
        log.warning("cache unavailable: dashboard not warmed")
        return {"version": None, "pages": {}, "seconds": 0.0}
    from django.test import RequestFactory  # here: bump_data_version imports this module

    factory = RequestFactory()
    pages: dict[str, float] = {}
    started = time.perf_counter()
    for name in WARM_PAGES:
        path = reverse(name)
        request = factory.get(path)
        request.user = AnonymousUser()
        match = resolve(path)
        t0 = time.perf_counter()
        response = match.func(request, *match.args, **match.kwargs)
        if response.status_code != 200:
            log.warning("warming %s answered %s", path, response.status_code)
            continue
        pages[path] = round((time.perf_counter() - t0) * 1000, 1)
    seconds = round(time.perf_counter() - started, 3)
    log.info("dashboard warmed in %.2f s: %s", seconds, pages)
    return {"version": version, "pages": pages, "seconds": seconds}


def warming_on_change() -> bool:
    """Whether a data change enqueues a warm: only with a real broker, never in eager mode."""
    from celery import current_app

    return (
        getattr(settings, "DASHBOARD_WARM_ON_CHANGE", True)
        and bool(getattr(settings, "REDIS_URL", ""))
        and not current_app.conf.task_always_eager
    )


def warm_soon() -> None:
    """After a data change: enqueue one warm a few seconds after the transaction commits,
    unless one is already queued (debounce). A no-op without a broker."""
    if warming_on_change():
        transaction.on_commit(enqueue_warm)


def enqueue_warm() -> bool:
    """Enqueue `warm_dashboard` in DEBOUNCE_SECONDS unless one is queued; True if enqueued.
    Fails soft: cache or broker down means no warm (beat catches up), never an error."""
    try:
        # The lock outlives the countdown a little, so a lost task blocks warming for at most
        # that long; the task releases it as it starts.
        if not cache.add(LOCK_KEY, 1, DEBOUNCE_SECONDS + 60):
            return False
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: no dashboard warm enqueued", exc_info=True)
        return False
    from tracker.tasks import warm_dashboard

    try:
        warm_dashboard.apply_async(
            countdown=DEBOUNCE_SECONDS, expires=DEBOUNCE_SECONDS + 300, retry=False
        )
    except Exception:  # noqa: BLE001
        log.warning("broker unavailable: no dashboard warm enqueued", exc_info=True)
        release_warm_lock()
        return False
    return True


def release_warm_lock() -> None:
    try:
        cache.delete(LOCK_KEY)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: warm lock not released", exc_info=True)
