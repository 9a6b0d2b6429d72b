"""Registry tables (places, weapon systems) read once per process and kept until they change.

The ingest pipeline needs every place and weapon-system alias for every article; reading and
compiling them per article cost more than extracting its claims. A `RegistryCopy` keeps what
its `build` made of the table until a save or delete of one of its models (signals, connected
in TrackerConfig.ready) bumps a version kept in the cache. With Redis every process sees the
bump at once; with the local-memory cache only the process that saved does, so a copy there is
also read again after `LOCAL_SECONDS` (as are writes that bypass signals, queryset.update() or
raw SQL, unless they call `bump()`); with a shared cache, after `SHARED_SECONDS`.

A bump inside a transaction is made again when it commits (a process that read the old rows in
between must not keep them), and a copy read inside the transaction that bumped is not kept: a
rollback may take its rows back. When the cache cannot be reached, nothing is kept.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

from django.core.cache import cache
from django.db import connection, transaction

log = logging.getLogger(__name__)

T = TypeVar("T")
LOCAL_SECONDS = 60
SHARED_SECONDS = 3600


class RegistryCopy(Generic[T]):
    def __init__(self, name: str, build: Callable[[], T]) -> None:
        self.key = f"tracker:registry-version:{name}"
        self.build = build
        self._kept: tuple[object, float, T] | None = None  # (version, read at, value)
        # per thread (each has its own connection): the outermost atomic block that bumped
        self._local = threading.local()

    def get(self) -> T:
        """The built table: this process's copy while the version is unchanged, else built
        from the database again."""
        version, now = self._version(), time.monotonic()
        keep = version is not None
        dirty = getattr(self._local, "dirty_block", None)
        if dirty is not None:
            blocks = connection.atomic_blocks
            if blocks and blocks[0] is dirty:
                keep = False  # this transaction changed the table and is still open
            else:
                self._local.dirty_block = None
        kept = self._kept
        if keep and kept is not None and kept[0] == version and now - kept[1] < _max_age():
            return kept[2]
        value = self.build()
        self._kept = (version, now, value) if keep else None
        return value

    def bump(self, **signal_kwargs) -> None:
        """Make every process build the table again (a signal receiver, too)."""
        self._kept = None
        self._set_version()
        if connection.in_atomic_block:
            blocks = connection.atomic_blocks
            self._local.dirty_block = blocks[0] if blocks else None
            transaction.on_commit(self._set_version)

    def connect(self, *models) -> None:
        from django.db.models.signals import post_delete, post_save

        for model in models:
            for signal in (post_save, post_delete):
                signal.connect(
                    self.bump,
                    sender=model,
                    weak=False,
                    dispatch_uid=f"{self.key}-{model.__name__}-{id(signal)}",
                )

    def _version(self):
        try:
            version = cache.get(self.key)
            if version is None:
                # From the clock: a lost version (eviction, flush) never returns to an old value.
                cache.add(self.key, time.time_ns(), None)
                version = cache.get(self.key)
            return version
        except Exception:  # noqa: BLE001 — a cache failure means "read the table every time"
            log.warning("cache unavailable: reading %s every time", self.key, exc_info=True)
            return None

    def _set_version(self) -> None:
        try:
            cache.set(self.key, time.time_ns(), None)
        except Exception:  # noqa: BLE001
            log.warning("cache unavailable: could not bump %s", self.key, exc_info=True)


def _max_age() -> float:
    from tracker.cache import local_only

    return LOCAL_SECONDS if local_only() else SHARED_SECONDS
