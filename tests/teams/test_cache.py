"""The Redis cache backend keeps one client per connection pool (Django's builds one per
call, which costs about as much as the round trip)."""

import redis

from teams.cache import RedisCache


def test_one_client_per_pool_is_kept():
    backend = RedisCache("redis://127.0.0.1:6379/15", {})  # no connection until a command
    client = backend._cache.get_client("key")
    assert isinstance(client, redis.Redis)
    assert backend._cache.get_client("other", write=True) is client
    again = RedisCache("redis://127.0.0.1:6379/15", {})._cache.get_client()
    assert again is not client
