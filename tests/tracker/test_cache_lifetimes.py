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
