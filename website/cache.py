"""The shared cache backend for production: Redis, degrading to "no cache" when Redis cannot be reached.

Everything Dignity keeps in the cache can be rebuilt from the database (anonymous pages, page routes, fragments,
the content generation), so a web host that loses Redis should serve pages uncached, not answer 500. Reads
answer "not cached" and fills are skipped. Writes that invalidate (incr, delete, clear) still raise: a publish
whose invalidation was lost would leave other hosts serving the old text, so it must fail loudly. /readyz still
reports the cache as failing (website/health.py), so the balancer stops sending traffic to this host anyway.
"""

import logging
import time

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache, RedisCacheClient

logger = logging.getLogger(__name__)
UNREACHABLE = (RedisConnectionError, RedisTimeoutError, ConnectionError, TimeoutError, OSError)
# One warning per process every this many seconds, not one per request.
WARN_EVERY_SECONDS = 30.0


class ReusingRedisCacheClient(RedisCacheClient):
    """Django's client builds a new redis.Redis for every operation; redis-py 5+ fills about 170 response
    callbacks in each one's constructor, which cost as much CPU as the GET it serves (measured: 164 µs to
    build, 151 µs for a GET on loopback). One redis.Redis per connection pool is enough: it holds no
    connection of its own (the pool hands them out, and resets itself in a forked worker)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class DegradingRedisCache(RedisCache):
    _last_warning = 0.0

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusingRedisCacheClient

    def _degraded(self, operation, error, default):
        now = time.monotonic()
        if now - DegradingRedisCache._last_warning > WARN_EVERY_SECONDS:
            DegradingRedisCache._last_warning = now
            logger.warning("cache unreachable, serving uncached (%s: %s: %s)", operation, type(error).__name__, error)
        return default

    def get(self, key, default=None, version=None):
        try:
            return super().get(key, default, version)
        except UNREACHABLE as error:
            return self._degraded("get", error, default)

    def get_many(self, keys, version=None):
        try:
            return super().get_many(keys, version)
        except UNREACHABLE as error:
            return self._degraded("get_many", error, {})

    def has_key(self, key, version=None):
        try:
            return super().has_key(key, version)
        except UNREACHABLE as error:
            return self._degraded("has_key", error, False)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set(key, value, timeout, version)
        except UNREACHABLE as error:
            return self._degraded("set", error, None)

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().set_many(data, timeout, version)
        except UNREACHABLE as error:
            return self._degraded("set_many", error, list(data))

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().add(key, value, timeout, version)
        except UNREACHABLE as error:
            return self._degraded("add", error, False)

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        try:
            return super().touch(key, timeout, version)
        except UNREACHABLE as error:
            return self._degraded("touch", error, False)
