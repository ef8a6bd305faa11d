"""The check every service makes on the records it links: they belong to the same team."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import Model

from teams.models import Team


def team_records_check(*, team: Team, records: Iterable[Model], field: str) -> None:
    """ValidationError on `field` unless every record belongs to `team`.

    The message never names the record: it may be another team's, which the caller
    must not learn anything about (not even that it exists)."""
    if any(getattr(record, "team_id", None) != team.pk for record in records):
        raise ValidationError({field: f"Only records of {team.name} can be used here."})
