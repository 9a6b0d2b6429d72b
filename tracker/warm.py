"""Warming the dashboard's caches, so readers rarely pay the cold cost of a page.

The first request after a data change rebuilds what the views cache (tracker.cache,
tracker.httpcache): at 1,000,000 claims `/` takes seconds cold, milliseconds warm.
`dashboard_warm()` makes that first request itself, for the anonymous visitor's default pages,
by calling the views (`/`, `/timeline/`, `/totals/`, `/arms/`, `/border/`) once per encoding a
browser asks for: the same code and the same cache keys as a reader's request, no second
implementation of any page part. A page whose data did not change is answered from its cached
bytes, so a warm after an approval rebuilds only the pages of that category (and `/`).

It runs from the Celery task `tracker.tasks.warm_dashboard`: every minute from beat, and a few
seconds after a change readers can see (`warm_soon`, called on every public version bump after
commit; a pending claim from a feed changes only editors' views and warms nothing). A burst of
changes enqueues one warm: a cache `add` lock is held from the enqueue until the task starts.
Warms never overlap: a second cache `add` lock (expiring after WARM_MAX_SECONDS, so a killed
worker cannot block warming for long) is held while one runs; a warm that finds it taken skips,
and the running one, if the data changed while it ran, enqueues the next. Readers never wait for
a warm: they build what is missing themselves, as with no warm at all.
Only with a broker (REDIS_URL, Celery not eager): in eager mode (`make run`) a warm on every
save would slow the admin and load_demo, and the local-memory cache it filled would be the
saving process's own anyway.
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
from tracker.httpcache import brotli

log = logging.getLogger(__name__)

WARM_PAGES = ("overview", "timeline", "totals", "arms", "border")  # URL names
LOCK_KEY = "tracker:dashboard-warm-queued"
RUNNING_KEY = "tracker:dashboard-warm-running"
WARM_MAX_SECONDS = getattr(settings, "DASHBOARD_WARM_MAX_SECONDS", 150)  # the task's time limit
# The encodings browsers ask for: each is cached as its own finished bytes.
ENCODINGS = ("", "gzip, deflate", *(("gzip, deflate, br",) if brotli is not None else ()))
DEBOUNCE_SECONDS = getattr(settings, "DASHBOARD_WARM_DEBOUNCE_SECONDS", 5)


def dashboard_warm() -> dict:
    """Build and cache the default pages an anonymous visitor gets, for the current data
    versions. Returns {"version", "pages": {path: ms}, "seconds"} (and "skipped": True when
    another warm is running); with the cache unavailable it does nothing (a warm that cannot be
    stored is only load) and returns no pages."""
    version = data_version()
    if version is None:
        log.warning("cache unavailable: dashboard not warmed")
        return {"version": None, "pages": {}, "seconds": 0.0}
    try:
        running = not cache.add(RUNNING_KEY, 1, WARM_MAX_SECONDS)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: dashboard not warmed", exc_info=True)
        return {"version": None, "pages": {}, "seconds": 0.0}
    if running:
        log.info("a dashboard warm is running: this one skips")
        return {"version": version, "pages": {}, "seconds": 0.0, "skipped": True}
    try:
        result = _warm(version)
    finally:
        try:
            cache.delete(RUNNING_KEY)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable: warm lock not released", exc_info=True)
    if data_version() != version and warming_on_change():
        enqueue_warm()  # changed while warming (a warm enqueued meanwhile may have skipped)
    return result


def _warm(version) -> dict:
    from django.test import RequestFactory  # here: bump_data_version imports this module

    factory = RequestFactory()
    pages: dict[str, float] = {}
    started = time.perf_counter()
    for name in WARM_PAGES:
        path = reverse(name)
        match = resolve(path)
        t0 = time.perf_counter()
        for encoding in ENCODINGS:
            request = factory.get(path, HTTP_ACCEPT_ENCODING=encoding)
            request.user = AnonymousUser()
            request.resolver_match = match  # as the URL resolver sets it (the navigation reads it)
            response = match.func(request, *match.args, **match.kwargs)
            if response.status_code != 200:
                log.warning("warming %s answered %s", path, response.status_code)
                break
        else:
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
    """After a change readers can see: enqueue one warm a few seconds after the transaction commits,
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
