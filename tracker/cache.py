"""A cache keyed by a data version: the dashboard's page parts and the API's series are cached
until the claims data changes, and no longer.

Every save or delete of a Claim, ClaimSource, ClaimRelation, Claimant or ClaimantAlias bumps a
counter kept in the cache (signals below, connected in TrackerConfig.ready); keys carry
the counter, so the next request after an approval misses and rebuilds. Writes that bypass
signals (raw SQL, COPY, queryset.update() on those models) must call `bump_data_version()`.
Outlets and articles are left out (ingest saves them constantly; a page shows an outlet's name
only beside a claim's quote): an outlet renamed shows once any claim data changes.

With a shared cache (Redis) every process sees the bump at once. With the local-memory cache
each process has its own counter, so entries there also expire after
DASHBOARD_SERIES_CACHE_SECONDS (default 60): other processes are stale for at most that long.

The cache is an optimisation, never a dependency: if it fails (Redis down), callers get
`build()` computed afresh, not an error.
"""

from __future__ import annotations

import hashlib
import logging
import time

from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction

log = logging.getLogger(__name__)

VERSION_KEY = "tracker:data-version"
SHARED_SECONDS = getattr(settings, "DATA_CACHE_SECONDS", 24 * 3600)
LOCAL_SECONDS = getattr(settings, "DASHBOARD_SERIES_CACHE_SECONDS", 60)


def _timeout() -> int:
    return LOCAL_SECONDS if isinstance(cache, LocMemCache) else SHARED_SECONDS


def _fresh() -> int:
    # A new counter starts from the clock, so a lost counter (eviction, Redis flush) never
    # comes back to an old number whose entries might still be cached.
    return time.time_ns()


def data_version() -> int | None:
    """The current data version, or None when the cache is unavailable."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            cache.add(VERSION_KEY, _fresh(), None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:  # noqa: BLE001 — any cache failure means "serve uncached"
        log.warning("cache unavailable: serving uncached", exc_info=True)
        return None


def bump_data_version() -> None:
    """Invalidate every entry cached under the current version, and (with a broker) enqueue a
    debounced warm of the dashboard's default pages once the transaction commits
    (tracker.warm)."""
    _bump()
    from tracker.warm import warm_soon

    warm_soon()


def _bump() -> None:
    try:
        try:
            cache.incr(VERSION_KEY)
        except ValueError:  # no counter yet (or evicted)
            cache.set(VERSION_KEY, _fresh(), None)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: could not bump the data version", exc_info=True)


def _bump_now_and_on_commit() -> None:
    # Now, so this transaction's own later reads miss; after commit, so a request that read the
    # old rows between the first bump and the commit cannot leave its result cached.
    # The bump now does not warm: a warm before the commit would cache the old rows.
    _bump()
    transaction.on_commit(bump_data_version)


def on_data_changed(sender, **kwargs) -> None:
    """Signal receiver (post_save / post_delete) for the models that series and pages read."""
    _bump_now_and_on_commit()


def cache_key(*parts) -> str:
    """A short key for any parts with a stable repr (strings, numbers, tuples, dataclasses)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def cached(name: str, parts: tuple, build):
    """`build()`, cached under (name, parts, data version) until the data changes.

    Fails soft: a cache error or an unknown version means `build()` is returned uncached."""
    version = data_version()
    if version is None:
        return build()
    key = f"data:{name}:{version}:{cache_key(*parts)}"
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: serving uncached", exc_info=True)
        return build()
    if hit is not None:
        return hit
    value = build()
    try:
        cache.set(key, value, _timeout())
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: result not stored", exc_info=True)
    return value


def queryset_key(qs) -> str:
    """The SQL (with parameters) of a queryset: what it selects, for cache keys."""
    sql, params = qs.query.sql_with_params()
    return f"{sql} {params!r}"


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    from tracker.models import Claim, Claimant, ClaimantAlias, ClaimRelation, ClaimSource

    for model in (Claim, ClaimSource, ClaimRelation, Claimant, ClaimantAlias):
        for signal in (post_save, post_delete):
            signal.connect(on_data_changed, sender=model, dispatch_uid=f"data-version-{model}")
