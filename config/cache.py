"""A Redis cache that fails soft: when Redis is down, reads miss and writes are dropped (with a
warning in the log) instead of turning every cached page and throttled API call into a 500.
The cache only ever holds what can be rebuilt from the database."""

from __future__ import annotations

import logging

from django.core.cache.backends.redis import RedisCache, RedisCacheClient
from redis.exceptions import RedisError, ResponseError

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


# Writes KEYS[1..n] (ARGV: n, the n values, the n timeouts in seconds: -1 none, 0 delete), then
# reads KEYS[n+1..] in order and answers {position, value} of the first one found, or {0}.
_WRITE_THEN_FIRST = """
local n = tonumber(ARGV[1])
for i = 1, n do
  local ttl = tonumber(ARGV[1 + n + i])
  if ttl > 0 then
    redis.call('SET', KEYS[i], ARGV[1 + i], 'EX', ttl)
  elseif ttl < 0 then
    redis.call('SET', KEYS[i], ARGV[1 + i])
  else
    redis.call('DEL', KEYS[i])
  end
end
for i = n + 1, #KEYS do
  local value = redis.call('GET', KEYS[i])
  if value then
    return {i - n, value}
  end
end
return {0}
"""


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
        self._scripts = {}
        self._no_scripts = False

    def write_then_first(self, writes: dict, keys: list, version=None):
        """Write `writes` ({key: (value, timeout)}), then read the first of `keys` the cache
        holds: (its position in `keys`, its value), or (None, None). One round trip (a script:
        tracker.cache.write_then_first); a Redis that refuses scripts gets a call per key.
        Fails soft: Redis down reads as nothing found and writes nothing."""
        client = self._cache.get_client(write=True)
        script = self._scripts.get(id(client))
        if script is None:
            script = self._scripts[id(client)] = client.register_script(_WRITE_THEN_FIRST)
        dumps = self._cache._serializer.dumps
        names = [self.make_and_validate_key(key, version=version) for key in writes]
        names += [self.make_and_validate_key(key, version=version) for key in keys]
        timeouts = [self.get_backend_timeout(timeout) for _, timeout in writes.values()]
        args = [len(writes), *(dumps(value) for value, _ in writes.values())]
        args += [-1 if t is None else t for t in timeouts]
        if not self._no_scripts:
            try:
                found = script(keys=names, args=args, client=client)
            except ResponseError as exc:  # scripts refused (an ACL, a proxy): plain commands
                log.warning("Redis refuses scripts (%s): one call per key from now on", exc)
                self._no_scripts = True
            except (RedisError, OSError) as exc:
                log.warning("cache unavailable (write_then_first): %s", exc)
                return None, None
            else:
                if not found[0]:
                    return None, None
                return found[0] - 1, self._cache._serializer.loads(found[1])
        for key, (value, timeout) in writes.items():
            self.set(key, value, timeout, version=version)
        for i, key in enumerate(keys):
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
