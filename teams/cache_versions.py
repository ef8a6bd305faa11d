"""Per-team cache versions: answers cached for a team (who is on shift now) are stored
with the team's version and read back only while that version is current.

Every service that changes what such an answer depends on (shifts, covers, rotations,
leave re-plans, memberships) calls `team_cache_invalidate(team_id=...)`, which sets a
new version once the transaction commits. A reader that ran between the write and the
commit may cache the old answer, but under the old version, which is never read again.
Versions are random, so a version that was evicted and recreated never matches an
answer cached before.
"""

import secrets
from typing import Any

from django.core.cache import cache
from django.db import transaction


def _version_key(team_id: int) -> str:
    return f"team-version:{team_id}"


def team_cache_get(*, team_id: int, key: str) -> tuple[str, Any]:
    """The team's current version, and the value cached under `key` for that version
    (None if there is none): one cache round trip."""
    version_key = _version_key(team_id)
    found = cache.get_many([version_key, key])
    version = found.get(version_key)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, None):
            version = cache.get(version_key, version)
    stored = found.get(key)
    if stored is None or stored[0] != version:
        return version, None
    return version, stored[1]


def team_cache_set(*, key: str, version: str, value: Any, timeout: float) -> None:
    """Cache `value` under `key` for the team's `version` (from `team_cache_get`)."""
    cache.set(key, (version, value), timeout)


def team_cache_invalidate(*, team_id: int) -> None:
    """Every answer cached for the team is stale once the current transaction commits."""
    transaction.on_commit(lambda: cache.set(_version_key(team_id), secrets.token_hex(8), None))
