"""The claimant alias table that editors keep in the database (admin: Claimant aliases).

Every relevant article needs it, so each process keeps the table (and the resolver compiled
from it) until an alias or claimant changes: a save or delete of a Claimant or ClaimantAlias
bumps a version kept in the cache (signals below, connected in IngestConfig.ready), and the
next article whose process sees another version reads the table again. With Redis every
process sees the bump at once; with the local-memory cache only the process that saved does,
so a table read there is also kept for `LOCAL_SECONDS` at most (writes that bypass signals,
queryset.update() or raw SQL, are also seen after that long, or call `bump_aliases_version`).

The claims pipeline bumps the version too (an unknown speaker becomes a new Claimant), and
then reads the table once more on its next article: new names are rare after a few articles.
"""

from __future__ import annotations

import logging
import time

from django.core.cache import cache
from django.db import DatabaseError, connection, transaction
from django.db.models import Value

from ingest.extract.claimants import ClaimantResolver, resolver_for
from tracker.cache import local_only
from tracker.models import Claimant, ClaimantAlias

log = logging.getLogger(__name__)

VERSION_KEY = "ingest:claimant-aliases-version"
LOCAL_SECONDS = 60
SHARED_SECONDS = 3600

# (version, read at (monotonic), table, resolver, claimants looked up by name): this
# process's copy
_cached: tuple[object, float, dict[str, str], ClaimantResolver, dict] | None = None
# The outermost atomic block of this process's connection that saved an alias and has not
# ended yet: a table read inside it may hold rows a rollback takes back, so it is not kept.
_dirty_block = None


def claimant_aliases() -> dict[str, str]:
    """alias -> claimant name, from Claimant names, short names and ClaimantAlias rows.

    The extractor merges these over its built-in defaults. Empty when the database cannot be
    read (not reachable, or not migrated yet): extraction then runs on the defaults alone.
    Cached per process until an alias or claimant is saved (module docstring); a copy, so a
    caller may change it.
    """
    return dict(_current()[0])


def claimant_resolver() -> ClaimantResolver:
    """The resolver compiled from `claimant_aliases()` over the defaults, cached with it:
    what the pipeline passes to `extract_mentions(aliases=…)`."""
    return _current()[1]


def claimants_by_name() -> dict:
    """name -> Claimant (or None) as this process looked them up (ingest.proposals.claimant_for),
    kept with the alias table and dropped with it: a save or delete of any claimant or alias
    drops both. An empty dict that nothing keeps when the table is not kept."""
    _current()
    return _cached[4] if _cached is not None else {}


def claimant_resolver_and_names() -> tuple[ClaimantResolver, dict]:
    """`claimant_resolver()` and `claimants_by_name()` of one look at the version (one cache
    round trip, not two): what an article's claim proposal needs."""
    resolver = _current()[1]
    return resolver, (_cached[4] if _cached is not None else {})


def bump_aliases_version() -> None:
    """Make every process read the alias table again on its next article. Now, and once more
    when the transaction commits (a process that read the old rows in between must not keep
    them)."""
    global _dirty_block
    _bump()
    if connection.in_atomic_block:
        _dirty_block = connection.atomic_blocks[0] if connection.atomic_blocks else None
        transaction.on_commit(_bump)


def on_aliases_changed(sender, **kwargs) -> None:
    """Signal receiver (post_save / post_delete of Claimant and ClaimantAlias)."""
    bump_aliases_version()


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (Claimant, ClaimantAlias):
        for signal in (post_save, post_delete):
            signal.connect(
                on_aliases_changed, sender=model, dispatch_uid=f"ingest-aliases-{model.__name__}"
            )


def _current() -> tuple[dict[str, str], ClaimantResolver]:
    global _cached, _dirty_block
    version = _version()
    now = time.monotonic()
    keep = version is not None
    if _dirty_block is not None:
        blocks = connection.atomic_blocks
        if blocks and blocks[0] is _dirty_block:
            keep = False  # this transaction changed aliases and is still open
        else:
            _dirty_block = None
    if keep and _cached is not None and _cached[0] == version and now - _cached[1] < _max_age():
        return _cached[2], _cached[3]
    table = _read_table()
    if table is None:  # not readable: the defaults alone, and the table is tried again next time
        return {}, resolver_for({})
    resolver = resolver_for(table)
    if keep:
        _cached = (version, now, table, resolver, {})
    else:
        _cached = None
    return table, resolver


def _read_table() -> dict[str, str] | None:
    table: dict[str, str] = {}
    aliases: list[tuple[str, str]] = []
    # One round trip: names, then aliases, which win.
    names = (
        Claimant.objects.order_by()
        .annotate(alias_row=Value(False))
        .values_list("name", "short_name", "alias_row")
    )
    alias_rows = (
        ClaimantAlias.objects.order_by()
        .annotate(alias_row=Value(True))
        .values_list("alias", "claimant__name", "alias_row")
    )
    try:
        for first, second, alias_row in names.union(alias_rows, all=True):
            if alias_row:
                aliases.append((first, second))
                continue
            table[first] = first
            if second:
                table[second] = first
    except DatabaseError:
        return None
    table.update(aliases)
    return table


def _max_age() -> float:
    return LOCAL_SECONDS if local_only() else SHARED_SECONDS


def _version():
    """The current alias version, or None when the cache is unavailable (then nothing is
    kept: every article reads the table)."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            # From the clock: a lost version (eviction, flush) never returns to an old value.
            cache.add(VERSION_KEY, time.time_ns(), None)
            version = cache.get(VERSION_KEY)
        return version
    except Exception:  # noqa: BLE001 — a cache failure means "read the table every time"
        log.warning("cache unavailable: reading the alias table", exc_info=True)
        return None


def _bump() -> None:
    try:
        cache.set(VERSION_KEY, time.time_ns(), None)
    except Exception:  # noqa: BLE001
        log.warning("cache unavailable: could not bump the alias version", exc_info=True)
