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

Each process also keeps its own copy of the entries it read or wrote
(`team_cache_copies`), used only under the version just read from the shared cache: a
change made in any process (a web worker, the Celery worker, the admin) is seen at once,
as before, but an unchanged answer is not read and unpickled again on every request, so
a hit reads the version alone. Every entry carries its deadline, and so do the copies.
The values are shared by the requests of a process: callers only read them.
"""

import secrets
import time
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db import transaction

from teams.read_ahead import ReadAhead, cache_get_many

# This process's copies: key -> (version, value, deadline as a time.time() timestamp).
team_cache_copies: dict[str, tuple[str, Any, float]] = {}
TEAM_CACHE_COPIES_KEPT = 10_000


def _version_key(team_id: int) -> str:
    return f"team-cache-version:{team_id}"


def team_cache_key(*, team_id: int, name: str) -> str:
    """The cache key of the team's entry `name` (e.g. "oncall:")."""
    return f"team:{team_id}:{name}"


def team_cache_get(*, team_id: int, key: str) -> tuple[str, Any]:
    """The team's current version, and the value cached under `key` for that version
    (None if there is none): one cache round trip."""
    version, found = team_cache_get_many(team_id=team_id, keys=[key])
    return version, found.get(key)


def team_cache_read_keys(*, team_id: int, keys: Sequence[str]) -> list[str]:
    """What `team_cache_get_many` reads from the shared cache (for `teams.read_ahead`):
    the team's version, and the entries this process has no live copy of."""
    now = time.time()
    missing = [key for key in keys if not _live(team_cache_copies.get(key), now)]
    return [_version_key(team_id), *missing]


def team_cache_get_many(
    *, team_id: int, keys: Sequence[str], read_ahead: ReadAhead | None = None
) -> tuple[str, dict[str, Any]]:
    """The team's current version, and the values cached under `keys` for that version
    (keys without one are left out): one cache round trip, or none if `read_ahead`
    holds them; another only for copies the version has outdated."""
    version_key = _version_key(team_id)
    found = cache_get_many(team_cache_read_keys(team_id=team_id, keys=keys), read_ahead)
    version = found.pop(version_key, None)
    if version is None:
        version = secrets.token_hex(8)
        if not cache.add(version_key, version, None):
            version = cache.get(version_key, version)
    now = time.time()
    values: dict[str, Any] = {}
    outdated: list[str] = []
    entries = [found[key] if key in found else team_cache_copies.get(key) for key in keys]
    for key, entry in zip(keys, entries, strict=True):
        if entry is None:
            continue
        if entry[0] == version and now < entry[2]:
            values[key] = entry[1]
            if key in found:
                _keep(key, entry)
        elif entry[0] != version and key not in found:
            outdated.append(key)  # another process may have cached it for this version
        else:  # of no use any more: the next read asks the shared cache
            team_cache_copies.pop(key, None)
    if outdated:
        refreshed = cache.get_many(outdated)
        for key in outdated:
            entry = refreshed.get(key)
            if entry is not None and entry[0] == version and now < entry[2]:
                values[key] = entry[1]
                _keep(key, entry)
            else:
                team_cache_copies.pop(key, None)
    return version, values


def team_cache_set(*, key: str, version: str, value: Any, timeout: float) -> None:
    """Cache `value` under `key` for the team's `version` (from `team_cache_get`) for
    `timeout` seconds."""
    entry = (version, value, time.time() + timeout)
    cache.set(key, entry, timeout)
    _keep(key, entry)


def _live(copy: tuple[str, Any, float] | None, now: float) -> bool:
    return copy is not None and now < copy[2]


def _keep(key: str, entry: tuple[str, Any, float]) -> None:
    """Keep a copy of a shared entry (bounded: all are dropped past the limit)."""
    if len(team_cache_copies) >= TEAM_CACHE_COPIES_KEPT:
        team_cache_copies.clear()
    team_cache_copies[key] = entry


def team_cache_invalidate(*, team_id: int) -> None:
    """Every answer cached for the team is stale once the current transaction commits."""
    transaction.on_commit(lambda: cache.set(_version_key(team_id), secrets.token_hex(8), None))
