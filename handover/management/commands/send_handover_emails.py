"""`manage.py send_handover_emails [--team SLUG] [--at ISO-DATETIME]`: send the handover
emails due at that instant (default now), the same way the beat does. Idempotent: a
handover already sent is left alone."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from handover import dispatch
from handover.models import HandoverDispatch
from teams.bounds import local_time_problem, validate_sane_datetime
from teams.models import Team
from teams.timezones import zone


def parse_at(value: str, team: Team | None) -> dt.datetime:
    """An ISO datetime; without an offset it is read in the team's zone (and needs --team)."""
    try:
        at = dt.datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(
            f"--at {value!r} is not an ISO datetime: give e.g. 2027-01-18T09:00+01:00."
        ) from error
    try:
        validate_sane_datetime(at)
    except ValidationError as error:
        raise CommandError(f"--at: {' '.join(error.messages)}") from error
    if at.tzinfo is not None:
        return at
    if team is None:
        raise CommandError(
            "--at has no UTC offset: add one (e.g. +01:00) or give --team to read it in"
            " the team's zone."
        )
    tz = zone(team.time_zone)
    problem = local_time_problem(at, tz)
    if problem:
        raise CommandError(f"--at: {problem}")
    return at.replace(tzinfo=tz)


class Command(BaseCommand):
    help = "Send the handover emails due at an instant (default now); idempotent."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", help="Only this team (slug), e.g. wmcore.")
        parser.add_argument(
            "--at",
            help="The instant, ISO 8601 (e.g. 2027-01-18T09:00+01:00); without an offset,"
            " in the team's zone. Default: now.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = None
        if options["team"]:
            team = Team.objects.filter(slug=options["team"]).first()
            if team is None:
                raise CommandError(f"No team {options['team']!r}.")
        at = parse_at(options["at"], team) if options["at"] else timezone.now()
        sent = 0
        for shift in dispatch.shifts_due(at=at, team=team):
            record, created = dispatch.handover_dispatch_send(
                shift=shift, now=at, via=HandoverDispatch.Via.COMMAND
            )
            if not created:
                continue
            sent += 1
            where = (
                f"to {len(record.recipients)} recipient(s)"
                if record.recipients
                else "NOT sent: nobody to send it to"
            )
            late = " (late)" if record.late else ""
            self.stdout.write(
                f"{shift.team.name}, shift #{shift.pk}: handover email {where}{late}."
            )
        if not sent:
            self.stdout.write(f"No handover email due at {at.isoformat()}.")
