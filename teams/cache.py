"""Django's Redis cache backend, keeping one Redis client per connection pool and
without memcached's key checks.

Django's own builds a new `redis.Redis` client on every cache call, which costs about as
much as the round trip to Redis itself; a client is safe to share between threads
(each command takes a connection from the pool), so one per pool is enough. Django also
checks every key for what memcached refuses (over 250 characters, spaces and control
characters) with a loop over its characters in Python: a few microseconds a key, on the
on-call answer's hot path (four keys a request). Redis takes any key, and every key is
built by our code.
"""

from typing import Any

from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient as DjangoRedisCacheClient


class RedisCacheClient(DjangoRedisCacheClient):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._clients: dict[int, Any] = {}

    def get_client(self, key: Any = None, *, write: bool = False) -> Any:
        # Django's private helpers, which its stubs leave out.
        pool = self._get_connection_pool(write)  # type: ignore[attr-defined]
        client = self._clients.get(id(pool))
        if client is None:
            client = self._client(connection_pool=pool)  # type: ignore[attr-defined]
            self._clients[id(pool)] = client
        return client


class RedisCache(DjangoRedisCache):
    """`CACHE_URL=redis://...` selects this backend (config/settings.py)."""

    def __init__(self, server: str, params: dict[str, Any]) -> None:
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key: str) -> None:
        """Redis takes any key (see the module's docstring)."""
