"""Cache reads that ride along with the API token check's own.

Every token-authenticated API request reads the client's failed-token history from the
shared cache (`teams.throttling`). A view that knows, once the caller is known, which
cache entries it will read (who is on shift now: the team's version, the caller's access
and the answer) names them in `read_ahead_keys`; the token check fetches them in the same
round trip and leaves them in `read_ahead`, so a cached answer costs no round trip of
its own.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.core.cache import cache


@dataclass(frozen=True)
class ReadAhead:
    """The values found in the cache under `keys` (keys not found are left out)."""

    keys: frozenset[str]
    found: dict[str, Any]


def cache_get_many(keys: Sequence[str], read_ahead: ReadAhead | None = None) -> dict[str, Any]:
    """`cache.get_many(keys)`, answered from `read_ahead` when it read all of them."""
    if read_ahead is not None and read_ahead.keys.issuperset(keys):
        return {key: read_ahead.found[key] for key in keys if key in read_ahead.found}
    return cache.get_many(keys)


class ReadAheadMixin:
    """For an API view whose cache reads can go along with the token check's."""

    read_ahead: ReadAhead | None = None

    def read_ahead_keys(self, user: User) -> list[str]:
        """The cache keys this request will read for `user` (none: read them itself)."""
        return []
