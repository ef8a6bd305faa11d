"""On PostgreSQL, `timestamptz` values are parsed by psycopg's C loader
(`teams.postgresql`) and come back exactly as Django's own loader gives them."""

import datetime as dt

import pytest
from django.db import connection
from django.db.backends.postgresql.psycopg_any import register_tzloader
from psycopg.pq import Format

from teams.models import Team
from teams.postgresql.base import TIMESTAMPTZ_OID, TimestamptzLoader

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="PostgreSQL's loader: run by the PostgreSQL pass of .ci/run",
    ),
]

VALUES = [
    "2027-03-28 00:59:59.999999+00",  # Europe/Zurich's spring-forward, a microsecond before
    "2027-03-28 01:30:00+01",
    "2027-11-07 01:30:00-05",  # America/Chicago's fall-back, the hour that happens twice
    "2027-11-07 01:30:00-06",
    "2026-12-03 10:00:00.12+00",
    "0001-01-01 00:00:00+00",
    "9999-12-31 23:59:59.999999+00",
]
QUERY = "SELECT " + ", ".join(f"'{value}'::timestamptz" for value in VALUES) + ", NULL::timestamptz"


def test_the_backend_reads_timestamps_with_its_loader():
    connection.ensure_connection()
    loader = connection.connection.adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT)
    assert issubclass(loader, TimestamptzLoader)
    assert loader.timezone is dt.UTC


def test_the_values_are_django_loaders_values():
    with connection.cursor() as cursor:
        cursor.execute(QUERY)
        ours = cursor.fetchone()
    with connection.cursor() as cursor:
        register_tzloader(dt.UTC, cursor.cursor)  # Django's own, on this cursor only
        cursor.execute(QUERY)
        djangos = cursor.fetchone()
    assert ours == djangos
    assert ours[-1] is None
    assert all(value.tzinfo is dt.UTC for value in ours[:-1])
    assert ours[0] == dt.datetime(2027, 3, 28, 0, 59, 59, 999999, tzinfo=dt.UTC)
    assert ours[2] == dt.datetime(2027, 11, 7, 6, 30, tzinfo=dt.UTC)
    assert ours[3] == dt.datetime(2027, 11, 7, 7, 30, tzinfo=dt.UTC)
    assert ours[4].microsecond == 120000


def test_a_model_round_trip_keeps_the_instant():
    team = Team.objects.create(slug="ops", name="Ops")
    stored = Team.objects.get(pk=team.pk).created_at
    assert stored == team.created_at
    assert stored.tzinfo is dt.UTC
