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

    def validate_key(self, key):
        """No check: Redis takes any key. Django's warns of keys memcached would refuse (a
        regular expression per key, through a lazy object), for the ten keys or so a cached
        answer reads."""

    def read_and_count(self, keys: list, counters: dict, version=None):
        """The entries `keys` the cache holds ({key: value}) and the counters `counters` ({key:
        timeout}) each added one to ({key: new value}; a missing counter starts at 0 with that
        timeout), in one round trip: a pipeline (no transaction) of SET NX and INCR per
        counter, then one MGET (with no counter, the MGET alone). Raises on a Redis error
        (tracker.cache.versions_and fails soft)."""
        if not counters:  # one MGET, without a pipeline's machinery
            return RedisCache.get_many(self, keys, version=version), {}
        pipe = self._cache.get_client(write=True).pipeline(transaction=False)
        names = [self.make_and_validate_key(key, version=version) for key in counters]
        for name, timeout in zip(names, counters.values(), strict=True):
            pipe.set(name, 0, ex=self.get_backend_timeout(timeout), nx=True)
            pipe.incr(name)
        if keys:
            pipe.mget([self.make_and_validate_key(key, version=version) for key in keys])
        replies = pipe.execute()
        loads = self._cache._serializer.loads
        counts = dict(zip(counters, replies[1 : 2 * len(names) : 2], strict=True))
        values = replies[-1] if keys else []
        found = {
            key: loads(value) for key, value in zip(keys, values, strict=True) if value is not None
        }
        return found, counts

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
