"""A Redis cache that fails soft: when Redis is down, reads miss and writes are dropped (with a
warning in the log) instead of turning every cached page and throttled API call into a 500.
The cache only ever holds what can be rebuilt from the database."""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError

log = logging.getLogger(__name__)


def _soft(default_factory):
    def wrap(method):
        def call(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except (RedisError, OSError) as exc:
                log.warning("cache unavailable (%s): %s", method.__name__, exc)
                return default_factory(*args, **kwargs)

        call.__name__ = method.__name__
        call.__doc__ = method.__doc__
        return call

    return wrap


def _default(key, default=None, *args, **kwargs):
    return default


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's client, keeping one `redis.Redis` per connection pool: Django builds a new one
    for every cache call, and its constructor (some 170 response callbacks) cost more CPU than
    a cached page's whole round trip. A `redis.Redis` is safe to share: each command takes a
    connection from the pool."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient

    def write_then_first(self, writes: dict, keys: list, version=None):
        """Write `writes` ({key: (value, timeout)}), then read the first of `keys` the cache
        holds: (its position in `keys`, its value), or (None, None). The writes and the first
        key go in one round trip (a pipeline, no transaction); each further key is read only
        when the one before it is missing (a cached answer's raw copy, up to ~1 MB, is read
        only when its representation is). Plain commands: a Lua script would copy every value
        it returns through the script's interpreter, on the one Redis thread. Fails soft: Redis
        down reads as nothing found and writes nothing."""
        if not keys:
            return None, None
        loads = self._cache._serializer.loads
        dumps = self._cache._serializer.dumps
        try:
            pipe = self._cache.get_client(write=True).pipeline(transaction=False)
            for key, (value, timeout) in writes.items():
                name = self.make_and_validate_key(key, version=version)
                seconds = self.get_backend_timeout(timeout)
                if seconds == 0:
                    pipe.delete(name)
                else:
                    pipe.set(name, dumps(value), ex=seconds)
            pipe.get(self.make_and_validate_key(keys[0], version=version))
            found = pipe.execute()[-1]
            if found is not None:
                return 0, loads(found)
        except (RedisError, OSError) as exc:
            log.warning("cache unavailable (write_then_first): %s", exc)
            return None, None
        for i, key in enumerate(keys[1:], start=1):
            value = self.get(key, version=version)
            if value is not None:
                return i, value
        return None, None

    get = _soft(_default)(RedisCache.get)
    set = _soft(lambda *a, **k: None)(RedisCache.set)
    add = _soft(lambda *a, **k: False)(RedisCache.add)
    touch = _soft(lambda *a, **k: False)(RedisCache.touch)
    delete = _soft(lambda *a, **k: False)(RedisCache.delete)
    has_key = _soft(lambda *a, **k: False)(RedisCache.has_key)
    get_many = _soft(lambda *a, **k: {})(RedisCache.get_many)
    set_many = _soft(lambda keys, *a, **k: list(keys))(RedisCache.set_many)
    delete_many = _soft(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _soft(lambda *a, **k: False)(RedisCache.clear)

    def incr(self, key, delta=1, version=None):
        try:
            return super().incr(key, delta, version)
        except (RedisError, OSError) as exc:
            log.warning("cache unavailable (incr): %s", exc)
            raise ValueError(f"Key '{key}' not found (cache unavailable)") from exc

    # get_or_set (BaseCache) is get + add + get: with the soft methods above, a dead Redis makes
    # it compute the value and return it uncached.
