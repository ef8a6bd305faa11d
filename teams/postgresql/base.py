"""Django's PostgreSQL backend, reading `timestamptz` values with psycopg's C parser.

Django reads them with a loader derived from psycopg's pure-Python one, which it needs
to set the tzinfo it wants, even when psycopg's C extension is installed (Django ticket
#36960): ~3.5 µs a value. This backend's loader has the C one parse the value and sets
the same tzinfo, so the values are the same. `DATABASE_URL=postgres://...` selects it
(config/settings.py).
"""

import datetime as dt
from typing import Any, cast

from django.db.backends.postgresql import base
from psycopg import adapters
from psycopg.adapt import Loader
from psycopg.pq import Format

TIMESTAMPTZ_OID = adapters.types["timestamptz"].oid
# psycopg's own (always registered): the C one when its C extension (psycopg[binary] or
# psycopg[c]) is installed.
PARSER = cast(type[Loader], adapters.get_loader(TIMESTAMPTZ_OID, Format.TEXT))


class TimestamptzLoader(Loader):
    """A `timestamptz` in the connection's zone (Django sets it: UTC unless DATABASES
    names one), with `timezone` as its tzinfo, as Django's own loader gives it."""

    timezone: dt.tzinfo | None = dt.UTC

    def __init__(self, oid: int, context: Any = None) -> None:
        super().__init__(oid, context)
        self._parse = PARSER(oid, context).load

    def load(self, data: Any) -> dt.datetime:
        return self._parse(data).replace(tzinfo=self.timezone)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_connection_params(self) -> dict[str, Any]:
        params: dict[str, Any] = super().get_connection_params()
        loader = type("TimestamptzLoader", (TimestamptzLoader,), {"timezone": self.timezone})
        params["context"].register_loader("timestamptz", loader)
        return params
