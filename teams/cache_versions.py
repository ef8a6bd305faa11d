"""Per-team cache versions: answers cached for a team (who is on shift now) are stored
with the team's version and read back only while that version is current.

Every service that changes what such an answer depends on (shifts, covers, rotations,
leave re-plans) calls `team_cache_invalidate(team_id=...)`, which sets a new version once
the transaction commits; every save and delete of a team or a membership does too
(`teams.signals`, the admin's included), since the callers' access is cached the same
way. A reader that ran between the write and the commit may cache the old answer, but
under the old version, which is never read again.
Versions are random, so a version that was evicted and recreated never matches an
answer cached before.
"""

import secrets
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction

from teams.read_ahead import ReadAhead, cache_get_many


def _version_key(team_id: int) -> str:
    return f"team-version:{team_id}"


def team_cache_key(*, team_id: int, name: str) -> str:
    """The cache key of the team's entry `name` (e.g. "oncall:")."""
    return f"team:{team_id}:{name}"


def team_cache_get(*, team_id: int, key: str) -> tuple[str, Any]:
    """The team's current version, and the value cached under `key` for that version
    (None if there is none): one cache round trip."""
    version, found = team_cache_get_many(team_id=team_id, keys=[key])
    return version, found.get(key)


def team_cache_read_keys(*, team_id: int, keys: Sequence[str]) -> list[str]:
    """What `team_cache_get_many` reads from the cache (for `teams.read_ahead`)."""
    return [_version_key(team_id), *keys]


def team_cache_get_many(
    *, team_id: int, keys: Sequence[str], read_ahead: ReadAhead | None = None
) -> tuple[str, dict[str, Any]]:
    """The team's current version, and the values cached under `keys` for that version
    (keys without one are left out): one cache round trip, or none if `read_ahead`
    holds them."""
    version_key = _version_key(team_id)
    found = cache_get_many(team_cache_read_keys(team_id=team_id, keys=keys), read_ahead)
    version = found.pop(version_key, None)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, None):
            version = cache.get(version_key, version)
    return version, {key: stored[1] for key, stored in found.items() if stored[0] == version}


def team_cache_set(*, key: str, version: str, value: Any, timeout: float) -> None:
    """Cache `value` under `key` for the team's `version` (from `team_cache_get`)."""
    cache.set(key, (version, value), timeout)


def team_cache_invalidate(*, team_id: int) -> None:
    """Every answer cached for the team is stale once the current transaction commits."""
    transaction.on_commit(lambda: cache.set(_version_key(team_id), secrets.token_hex(8), None))
