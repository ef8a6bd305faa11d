"""A team's cached entries live in the shared cache; each process keeps copies of what it
read or wrote, used only under the team's version read from the shared cache, so what
another process (a web worker, the Celery worker) changes is seen at once."""

import datetime as dt
import time

import pytest
import time_machine
from django.core.cache import cache

from teams import cache_versions
from teams.cache_versions import (
    team_cache_copies,
    team_cache_get,
    team_cache_get_many,
    team_cache_invalidate,
    team_cache_key,
    team_cache_set,
)

NOW = dt.datetime(2027, 3, 29, 12, tzinfo=dt.UTC)
KEY = team_cache_key(team_id=7, name="oncall:")
OTHER = team_cache_key(team_id=7, name="oncall:3")


@pytest.fixture
def reads(monkeypatch) -> list[list[str]]:
    """The keys of every read from the shared cache."""
    seen: list[list[str]] = []
    original = cache.get_many

    def get_many(keys, *args, **kwargs):
        seen.append(list(keys))
        return original(keys, *args, **kwargs)

    monkeypatch.setattr(cache, "get_many", get_many)
    return seen


def another_process_invalidates() -> None:
    """What `team_cache_invalidate` does once its transaction commits, in another process."""
    cache.set(cache_versions._version_key(7), "from-another-process", None)


def test_a_copy_saves_reading_the_entry_while_the_version_holds(reads):
    version, _ = team_cache_get(team_id=7, key=KEY)
    team_cache_set(key=KEY, version=version, value={"person": "lead"}, timeout=60)
    reads.clear()
    assert team_cache_get(team_id=7, key=KEY) == (version, {"person": "lead"})
    assert reads == [["team-cache-version:7"]]  # the version only
    assert cache.get(KEY)[:2] == (version, {"person": "lead"})


def test_a_version_set_by_another_process_outdates_the_copy_at_once(reads):
    version, _ = team_cache_get(team_id=7, key=KEY)
    team_cache_set(key=KEY, version=version, value="old", timeout=60)
    another_process_invalidates()
    reads.clear()
    assert team_cache_get(team_id=7, key=KEY) == ("from-another-process", None)
    # The copy was outdated, so the shared entry was read too (another process may have
    # cached the new answer); the copy is dropped, and the next read asks for the entry.
    assert reads == [["team-cache-version:7"], [KEY]]
    assert KEY not in team_cache_copies
    reads.clear()
    team_cache_get(team_id=7, key=KEY)
    assert reads == [["team-cache-version:7", KEY]]


def test_an_answer_another_process_cached_under_the_new_version_is_taken():
    version, _ = team_cache_get(team_id=7, key=KEY)
    team_cache_set(key=KEY, version=version, value="old", timeout=60)
    another_process_invalidates()
    cache.set(KEY, ("from-another-process", "new", time.time() + 3600), 3600)
    assert team_cache_get(team_id=7, key=KEY) == ("from-another-process", "new")
    assert team_cache_copies[KEY][:2] == ("from-another-process", "new")


def test_an_invalidation_in_this_process_outdates_every_copy_of_the_team(
    db, django_capture_on_commit_callbacks
):
    version, _ = team_cache_get_many(team_id=7, keys=[KEY, OTHER])
    team_cache_set(key=KEY, version=version, value="a", timeout=60)
    team_cache_set(key=OTHER, version=version, value="b", timeout=60)
    with django_capture_on_commit_callbacks(execute=True):
        team_cache_invalidate(team_id=7)
    new_version, values = team_cache_get_many(team_id=7, keys=[KEY, OTHER])
    assert new_version != version
    assert values == {}


def test_a_copy_ends_at_the_deadline_its_entry_was_cached_with(reads):
    with time_machine.travel(NOW, tick=False) as traveller:
        version, _ = team_cache_get(team_id=7, key=KEY)
        team_cache_set(key=KEY, version=version, value="answer", timeout=60)
        traveller.move_to(NOW + dt.timedelta(seconds=59))
        assert team_cache_get(team_id=7, key=KEY)[1] == "answer"
        traveller.move_to(NOW + dt.timedelta(seconds=60))
        reads.clear()
        assert team_cache_get(team_id=7, key=KEY)[1] is None
        assert reads == [["team-cache-version:7", KEY]]


def test_the_copies_are_bounded(monkeypatch):
    monkeypatch.setattr(cache_versions, "TEAM_CACHE_COPIES_KEPT", 3)
    version, _ = team_cache_get(team_id=7, key=KEY)
    for number in range(10):
        key = team_cache_key(team_id=7, name=f"entry:{number}")
        team_cache_set(key=key, version=version, value=number, timeout=60)
        assert len(team_cache_copies) <= 3
    # Copies dropped past the limit are read from the shared cache again.
    _, values = team_cache_get_many(
        team_id=7, keys=[team_cache_key(team_id=7, name=f"entry:{n}") for n in range(10)]
    )
    assert sorted(values.values()) == list(range(10))
