"""How long a process keeps what it read, by cache: with the local-memory cache (the embedded
default) other processes' version bumps never reach it, so it keeps things a short while; with
Redis every process sees every bump, so it may keep them long. (`django.core.cache.cache` is a
proxy: the backend must be asked, not the proxy.)"""

from __future__ import annotations

import pytest
from django.test import override_settings

from ingest import aliases
from tracker import cache, registries

LOCAL = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
REDIS = {
    "default": {
        "BACKEND": "config.cache.FailSoftRedisCache",
        "LOCATION": "redis://127.0.0.1:6379/0",  # never connected to: only its kind is asked
    }
}


@pytest.mark.parametrize(("caches", "local"), [(LOCAL, True), (REDIS, False)])
def test_what_a_process_keeps_lives_as_long_as_its_cache_allows(caches, local):
    with override_settings(CACHES=caches):
        assert cache.local_only() is local
        assert cache.timeout() == (cache.LOCAL_SECONDS if local else cache.SHARED_SECONDS)
        assert aliases._max_age() == (aliases.LOCAL_SECONDS if local else aliases.SHARED_SECONDS)
        expected = registries.LOCAL_SECONDS if local else registries.SHARED_SECONDS
        assert registries._max_age() == expected


def test_memo_keys_tell_apart_what_repr_tells_apart():
    """A memoised part is keyed by its parts' JSON when they are plain data (chart points): two
    parts get one key only if they are equal, numbers of another type included; a date is
    written tagged, never as its ISO text (a date and its string get two keys, a date and a
    datetime too); a part JSON cannot write (a Decimal) is keyed by its repr."""
    import datetime as dt
    from decimal import Decimal

    from tracker.cache import _memo_key

    point = {"date": "2024-01-01", "value": 1.0, "low": None, "status": "approved"}
    assert _memo_key(([point], "#123", 40)) == _memo_key(([dict(point)], "#123", 40))
    others = [
        ([{**point, "value": 1}], "#123", 40),
        ([{**point, "value": 1.5}], "#123", 40),
        ([{**point, "low": 0.0}], "#123", 40),
        ([{**point, "status": "pending"}], "#123", 40),
        ([point], "#123", 41),
        ([point, point], "#123", 40),
        ([{**point, "date": dt.date(2024, 1, 1)}], "#123", 40),
        ([{**point, "date": dt.date(2024, 1, 2)}], "#123", 40),
        ([{**point, "date": dt.datetime(2024, 1, 1)}], "#123", 40),
        ([{**point, "date": dt.datetime(2024, 1, 1, tzinfo=dt.UTC)}], "#123", 40),
        ([{**point, "value": Decimal("1.0")}], "#123", 40),
    ]
    keys = {_memo_key(parts) for parts in others} | {_memo_key(([point], "#123", 40))}
    assert len(keys) == len(others) + 1
    dated = ([{**point, "date": dt.date(2024, 1, 1)}], "#123", 40)
    assert _memo_key(dated).startswith("json:")  # a timeline's rows: JSON, not repr
    assert _memo_key(dated) == _memo_key(([{**point, "date": dt.date(2024, 1, 1)}], "#123", 40))
    assert not _memo_key(([{**point, "value": Decimal("1.0")}], "#123", 40)).startswith("json:")
