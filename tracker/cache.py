"""Caches keyed by data versions: the dashboard's page parts, the API's series and the finished
bytes of pages and API responses (tracker.httpcache) are cached until the data they show
changes, and no longer.

Versions (counters kept in the cache; every key carries the ones its entry depends on):
- one per category (`cat:casualties`, …): what the public sees of that category's claims —
  approved claims, their sources and relations;
- `global`: claimants and their aliases (names appear on every page and in every filter), and
  every raw write (`bump_data_version()`);
- `unreviewed`: anything an editor sees that the public does not (pending and rejected claims,
  internal fields). Entries that include unreviewed claims (editors' views) carry it.

A save changes only what a reader could see differently (signals below, connected in
TrackerConfig.ready; the claim's state before the save is read in pre_save):
- a claim that neither was nor is approved (a pending claim from a feed, a pending claim
  rejected) bumps only `unreviewed`;
- an approved claim whose public fields are unchanged (an editor's note, the review note, who
  reviewed) bumps only `unreviewed` (`updated_at` alone is not a change readers see);
- an approval, an edit of an approved claim, a rejection or deletion of an approved claim, and a
  source or relation of an approved claim bump the categories involved (old and new category;
  for a claim, also the categories of claims related to it) and `unreviewed`;
- a claimant or alias saved or deleted bumps `global`.
Public bumps also enqueue a debounced warm of the default pages (tracker.warm); unreviewed-only
bumps do not. Writes that bypass signals (raw SQL, COPY, queryset.update(), bulk_create on those
models) must call `bump_data_version()`, which bumps `global` (so every entry). Outlets and
articles are left out (ingest saves them constantly; a page shows an outlet's name only beside a
claim's quote): an outlet renamed shows once the claims around it change.

With a shared cache (Redis) every process sees a bump at once. With the local-memory cache
each process has its own counters, so entries there also expire after
DASHBOARD_SERIES_CACHE_SECONDS (default 60): other processes are stale for at most that long.

The cache is an optimisation, never a dependency: if it fails (Redis down), callers get
`build()` computed afresh, not an error.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Iterable

import orjson
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.core.exceptions import EmptyResultSet
from django.db import transaction

from tracker import asof, vocab

log = logging.getLogger(__name__)

VERSION_PREFIX = "tracker:version:"
GLOBAL = "global"
UNREVIEWED = "unreviewed"
SHARED_SECONDS = getattr(settings, "DATA_CACHE_SECONDS", 24 * 3600)
LOCAL_SECONDS = getattr(settings, "DASHBOARD_SERIES_CACHE_SECONDS", 60)


def local_only() -> bool:
    """Whether the default cache is this process's own memory (the embedded default), which
    other processes' version bumps do not reach. (`cache` is a proxy: ask the backend.)"""
    return isinstance(caches["default"], LocMemCache)


def timeout() -> int:
    return LOCAL_SECONDS if local_only() else SHARED_SECONDS


def _fresh() -> int:
    # A new counter starts from the clock, so a lost counter (eviction, Redis flush) never
    # comes back to an old number whose entries might still be cached.
    return time.time_ns()


def version_names(categories: Iterable[str] | None = None, *, unreviewed: bool = False) -> list:
    """The version names an entry depends on: `global`, the categories (None: every category)
    and, for entries that include unreviewed claims, `unreviewed`."""
    cats = vocab.CATEGORIES if categories is None else sorted(set(categories))
    names = [GLOBAL, *(f"cat:{c}" for c in cats)]
    if unreviewed:
        names.append(UNREVIEWED)
    return names


def versions(categories: Iterable[str] | None = None, *, unreviewed: bool = False):
    """The current versions (a tuple, one cache round trip), or None when the cache is
    unavailable."""
    return versions_and(categories, unreviewed=unreviewed)[0]


def versions_and(
    categories: Iterable[str] | None = None,
    *,
    unreviewed: bool = False,
    also: Iterable[str] = (),
    count: dict | None = None,
):
    """`versions(...)`, the cache entries `also` (a dict: those found) and the counters `count`
    ({key: timeout}) each added one to (a dict: their new values), in one round trip (a
    pipeline on Redis: `read_and_count`): a cached answer's bytes and its caller's throttle
    count come with the versions they are checked against (tracker.httpcache). Returns
    (versions or None when the cache is unavailable, found, counts)."""
    also = list(also)
    keys = [VERSION_PREFIX + n for n in version_names(categories, unreviewed=unreviewed)]
    _bump_stale()  # this thread's writes since its last read: its reads must miss
    try:
        found, counts = read_and_count(keys + also, count or {})
        extra = {k: found.pop(k) for k in also if k in found}
        missing = [k for k in keys if found.get(k) is None]
        if missing:
            for key in missing:
                cache.add(key, _fresh(), None)
            found.update(cache.get_many(missing))
        values = tuple(found.get(k) for k in keys)
    except Exception:  # noqa: BLE001 — any cache failure means "serve uncached"
        log.warning("cache unavailable: serving uncached", exc_info=True)
        return None, {}, {}
    return (None if None in values else values), extra, counts


def read_and_count(keys: list, counters: dict) -> tuple[dict, dict]:
    """The entries `keys` the cache holds ({key: value}) and the counters `counters` ({key:
    timeout}: created at 0 with that timeout when missing) each added one to ({key: new
    value}). With Redis one round trip (config.cache.FailSoftRedisCache.read_and_count); a call
    per key elsewhere. Raises when the cache fails (the callers fail soft)."""
    if hasattr(cache, "read_and_count"):
        return cache.read_and_count(keys, counters)
    counts = {}
    for key, seconds in counters.items():
        cache.add(key, 0, seconds)
        counts[key] = cache.incr(key)
    return cache.get_many(keys), counts


def uncount(key: str) -> None:
    """Take one back from the counter `key` (a request refused after it was counted). Fails
    soft."""
    try:
        cache.decr(key)
    except Exception:  # noqa: BLE001 — missing (expired) or the cache unavailable: nothing to undo
        log.debug("counter %s not taken back", key, exc_info=True)


def data_version():
    """Every public version and the unreviewed one (a tuple), or None when the cache is
    unavailable: changes whenever anything cached may have changed."""
    return versions(None, unreviewed=True)


def _bump(names: Iterable[str]) -> None:
    for name in names:
        key = VERSION_PREFIX + name
        try:
            try:
                cache.incr(key)
            except ValueError:  # no counter yet (or evicted)
                cache.set(key, _fresh(), None)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable: could not bump version %s", name, exc_info=True)


def bump_data_version() -> None:
    """Invalidate every cached entry (for writes that bypass the signals), and (with a broker)
    enqueue a debounced warm of the dashboard's default pages once the transaction commits
    (tracker.warm)."""
    _bump([GLOBAL])
    _warm_soon()


def _warm_soon() -> None:
    from tracker.warm import warm_soon

    warm_soon()


def _public_bump(names: tuple[str, ...]) -> None:
    _bump(names)
    _warm_soon()


def _unreviewed_bump() -> None:
    _bump([UNREVIEWED])


# Versions this thread's open transaction has changed and not bumped yet (`data_changed`).
_local = threading.local()


def data_changed(*, categories: Iterable[str] = (), claimants: bool = False) -> None:
    """A write changed what readers see of `categories` (and of claimants, when `claimants`);
    editors' views always change. Bumped before this thread's next read of a version, so this
    transaction's own later reads miss, and again after commit, so a request that read the old
    rows in between cannot leave its result cached. Other processes cannot see the rows before
    the commit, so the first bump waits for a read: many writes in one transaction (an
    ingested article's claims, sources and grades) cost one bump now, if read, and one after
    commit, not two per row. The bump before the commit does not warm: a warm then would
    cache the old rows."""
    names = tuple(f"cat:{c}" for c in sorted(set(categories)))
    if claimants:
        names = (GLOBAL, *names)
    names = (*names, UNREVIEWED)
    connection = transaction.get_connection()
    if not connection.in_atomic_block:  # autocommit: committed already, one bump (and warm)
        _AfterCommitBump(names)()
        return
    stale = getattr(_local, "stale", None)
    if stale is None:
        stale = _local.stale = set()
    stale.update(names)
    # One after-commit bump of the editors' version per transaction (public bumps, which also
    # warm, stay one per write). One still waiting survives whatever this write survives: a
    # savepoint rolled back takes its callbacks with it, so of the savepoints open when it was
    # registered, those still listed were released into their parents or are still open,
    # around this write too.
    if names == (UNREVIEWED,):
        for _sids, callback, _robust in connection.run_on_commit:
            if isinstance(callback, _AfterCommitBump) and callback.names == names:
                if not callback.ran:
                    return
    transaction.on_commit(_AfterCommitBump(names))


class _AfterCommitBump:
    """The bump `data_changed` leaves for after the commit (with a warm when public)."""

    def __init__(self, names: tuple[str, ...]) -> None:
        self.names = names
        self.func = _public_bump if len(names) > 1 else _unreviewed_bump
        self.ran = False

    def __call__(self) -> None:
        self.ran = True
        stale = getattr(_local, "stale", None)
        if stale:
            stale.difference_update(self.names)  # bumped now: no read needs it bumped again
        if self.func is _public_bump:
            _public_bump(self.names)
        else:
            _unreviewed_bump()


def _bump_stale() -> None:
    stale = getattr(_local, "stale", None)
    if stale:
        names = sorted(stale)
        stale.clear()
        _bump(names)


def is_version_bump(callback) -> bool:
    """Whether an on-commit callback is one of the version bumps above (for tests that check
    which work a write leaves for after its commit)."""
    bumps = (bump_data_version, _public_bump, _unreviewed_bump)
    return getattr(callback, "func", callback) in bumps


def cache_key(*parts) -> str:
    """A short key for any parts with a stable repr (strings, numbers, tuples, dataclasses)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def cached(
    name: str,
    parts: tuple,
    build,
    *,
    categories: Iterable[str] | None = None,
    unreviewed: bool = False,
):
    """`build()`, cached under (name, parts, versions) until the data it reads changes: the
    claims of `categories` (None: every category), claimants, and, when `unreviewed`, anything
    an editor sees.

    Fails soft: a cache error or an unknown version means `build()` is returned uncached."""
    current = versions(categories, unreviewed=unreviewed)
    if current is None:
        return build()
    # As of a past moment (tracker.asof) the same parts read other rows: the moment is keyed.
    return _kept(f"data:{name}:{cache_key(current, asof.moment(), *parts)}", build)


def memo(name: str, parts: tuple, build):
    """`build()`, cached under `parts` alone: for a pure function of its inputs, `parts` being
    every input it reads (the points of one chart line, say), so no version is needed — a
    change in the data makes other parts, hence another key. Kept `timeout()` seconds.

    Fails soft like `cached`."""
    return _kept(f"memo:{name}:{_memo_key(parts)}", build)


def memo_many(name: str, many: list[tuple], build) -> list:
    """`[memo(name, parts, lambda: build(*parts)) for parts in many]` with one cache read for
    them all and one write for those missing (a chart's lines: a changed chart reads dozens).
    Fails soft like `cached`."""
    keys = [f"memo:{name}:{_memo_key(parts)}" for parts in many]
    try:
        found = cache.get_many(keys)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: serving uncached", exc_info=True)
        found = {}
    values, missing = [], {}
    for key, parts in zip(keys, many, strict=True):
        value = found.get(key)
        if value is None:
            value = missing[key] = build(*parts)
        values.append(value)
    if missing:
        try:
            cache.set_many(missing, timeout())
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable: result not stored", exc_info=True)
    return values


_AS_IS = orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_DATETIME
_AS_IS |= orjson.OPT_PASSTHROUGH_SUBCLASS


def _unkeyed(value):
    """orjson's `default` for a memo key: a date or a datetime as a tagged object (so that it
    differs from its ISO string: a function may treat them differently); anything else has no
    JSON key."""
    if isinstance(value, dt.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, dt.date):
        return {"__date__": value.isoformat()}
    raise TypeError


def _memo_key(parts: tuple) -> str:
    """`cache_key(*parts)`, from the parts' JSON when they are plain data (lists, tuples, dicts
    with string keys, strings, numbers, booleans, None, dates: a chart line's points, the
    timeline's rows), which orjson writes several times faster than `repr` (an approval's first
    page builds hundreds of these keys; the timeline's 1,500 rows took 9 ms by `repr`, 1 ms so);
    any other part (a dataclass, a subclass, a Decimal) falls back to `repr`. JSON tells these
    values apart as `repr` does, except a tuple from a list with the same items, a float NaN or
    infinity from None, and a date from a dict holding only its tag ("__date__": its ISO
    string), which a memoised function of chart points or rows is not given."""
    try:
        text = orjson.dumps(parts, default=_unkeyed, option=_AS_IS)
    except TypeError:
        return cache_key(*parts)
    return "json:" + hashlib.sha256(text).hexdigest()


def _kept(key: str, build):
    """The value cached under `key`, else `build()` stored there for `timeout()` seconds; a
    cache error serves `build()` uncached."""
    try:
        hit = cache.get(key)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: serving uncached", exc_info=True)
        return build()
    if hit is not None:
        return hit
    value = build()
    try:
        cache.set(key, value, timeout())
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: result not stored", exc_info=True)
    return value


def queryset_key(qs) -> str:
    """The SQL (with parameters) of a queryset: what it selects, for cache keys. A queryset
    that Django knows selects nothing (`pk__in=[]`, say) has no SQL: its key says so."""
    try:
        sql, params = qs.query.sql_with_params()
    except EmptyResultSet:
        return f"empty {qs.model._meta.label}"
    return f"{sql} {params!r}"


# --- What a save changes ------------------------------------------------------------------------

# `updated_at` moves with every save: alone, it is not a change readers see.
_SILENT = frozenset({"updated_at"})


def _public_attnames() -> list[str]:
    from tracker.disclosure import PUBLIC_CLAIM_FIELDS
    from tracker.models import Claim

    return [
        f.attname
        for f in Claim._meta.concrete_fields
        if f.name in PUBLIC_CLAIM_FIELDS and f.name not in _SILENT and not f.primary_key
    ]


def _approved(status) -> bool:
    return status == "approved"


def on_claim_saving(sender, instance, update_fields=None, raw=False, **kwargs) -> None:
    """Remember the claim's public state before this save (one query, edits only)."""
    instance._cache_before = None
    if instance.pk is None or raw:
        return
    from tracker.disclosure import PUBLIC_CLAIM_FIELDS

    if update_fields is not None and not (set(update_fields) & set(PUBLIC_CLAIM_FIELDS) - _SILENT):
        instance._cache_before = "internal"  # only internal fields: nothing public changes
        return
    from tracker.before import row_before

    instance._cache_before = row_before(instance)


def _related_categories(claim_ids: list[int]) -> set[str]:
    from django.db.models import Q

    from tracker.models import Claim, ClaimRelation

    related = ClaimRelation.objects.filter(
        Q(from_claim_id__in=claim_ids) | Q(to_claim_id__in=claim_ids)
    ).values_list("from_claim_id", "to_claim_id")
    others = {pk for pair in related for pk in pair} - set(claim_ids)
    if not others:
        return set()
    return set(
        Claim.objects.filter(pk__in=others, status="approved").values_list("category", flat=True)
    )


def on_claim_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    before = instance.__dict__.pop("_cache_before", None)
    if before == "internal":
        data_changed()
        return
    was, now = before is not None and _approved(before["status"]), _approved(instance.status)
    changed = (was != now) or (
        was and now and any(before[name] != getattr(instance, name) for name in _public_attnames())
    )
    categories = set()
    if changed:
        if was:
            categories.add(before["category"])
        if now:
            categories.add(instance.category)
        categories |= _related_categories([instance.pk])
    data_changed(categories=categories)


def on_claim_deleted(sender, instance, **kwargs) -> None:
    categories = set()
    if _approved(instance.status):
        categories = {instance.category} | _related_categories([instance.pk])
    data_changed(categories=categories)


def on_source_changed(sender, instance, **kwargs) -> None:
    from tracker.models import Claim, ClaimSource

    if ClaimSource.claim.is_cached(instance) and instance.claim is not None:
        row = (instance.claim.status, instance.claim.category)
    else:
        row = Claim.objects.filter(pk=instance.claim_id).values_list("status", "category").first()
    categories = {row[1]} if row and _approved(row[0]) else set()
    data_changed(categories=categories)


def on_relation_changed(sender, instance, **kwargs) -> None:
    from tracker.models import Claim

    rows = Claim.objects.filter(
        pk__in=[instance.from_claim_id, instance.to_claim_id], status="approved"
    ).values_list("category", flat=True)
    data_changed(categories=set(rows))


def on_claimant_changed(sender, **kwargs) -> None:
    data_changed(claimants=True)


def on_weapons_linked(sender, instance, action, reverse, **kwargs) -> None:
    """A claim's weapon systems changed (Claim.weapon_systems): its category, if readers see it;
    from the system's side, everything."""
    if not action.startswith("post_"):
        return
    if reverse:
        data_changed(claimants=True)
    else:
        data_changed(categories={instance.category} if _approved(instance.status) else set())


def connect_signals() -> None:
    from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

    from tracker.models import (
        Claim,
        Claimant,
        ClaimantAlias,
        ClaimRelation,
        ClaimSource,
        Place,
        WeaponSystem,
    )

    pre_save.connect(on_claim_saving, sender=Claim, dispatch_uid="data-version-claim-saving")
    post_save.connect(on_claim_saved, sender=Claim, dispatch_uid="data-version-claim-saved")
    post_delete.connect(on_claim_deleted, sender=Claim, dispatch_uid="data-version-claim-deleted")
    receivers = (
        (ClaimSource, on_source_changed),
        (ClaimRelation, on_relation_changed),
        (Claimant, on_claimant_changed),
        (ClaimantAlias, on_claimant_changed),
        (Place, on_claimant_changed),  # place names, like claimant names, show on every page
        (WeaponSystem, on_claimant_changed),  # names and kinds on every page that lists systems
    )
    for model, receiver in receivers:
        for signal in (post_save, post_delete):
            signal.connect(receiver, sender=model, dispatch_uid=f"data-version-{model}-{signal}")
    m2m_changed.connect(
        on_weapons_linked, sender=Claim.weapon_systems.through, dispatch_uid="data-version-weapons"
    )
