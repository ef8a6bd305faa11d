"""`manage.py record_change`: what a patch script on a host runs after applying a change
(the same as `POST /api/v1/teams/{slug}/hosts/{name}/changes/{id}/`)."""

from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.http import Http404

from deployments import selectors
from deployments.models import HostChange
from deployments.services import changes
from teams.access import team_access
from teams.models import Membership, Team


class Command(BaseCommand):
    help = "Record where a change stands on a host (idempotent: the same state again is a no-op)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--team", required=True, help="Team slug, e.g. wmcore.")
        parser.add_argument("--host", required=True, help="Host name, e.g. vocms0255.")
        parser.add_argument("--change", required=True, help="Change id.")
        parser.add_argument("--state", required=True, choices=HostChange.State.values)
        parser.add_argument("--note", default="")
        parser.add_argument(
            "--user", default="", help="Who did it: a member of the team (default: nobody)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        team = Team.objects.filter(slug=options["team"]).first()
        if team is None:
            raise CommandError(f"No team {options['team']!r}.")
        by = None
        if options["user"]:
            by = User.objects.filter(username=options["user"], is_active=True).first()
            try:
                if by is None:
                    raise Http404
                team_access(user=by, team=team).require(min_role=Membership.Role.MEMBER)
            except (Http404, PermissionDenied) as error:
                raise CommandError(f"{options['user']} is not a member of {team.name}.") from error
        try:
            host = selectors.host_get(team=team, name=options["host"])
        except Http404 as error:
            raise CommandError(f"{team.name} has no host {options['host']!r}.") from error
        try:
            change = selectors.change_get(team=team, pk=options["change"])
            cell, changed = changes.host_change_record(
                change=change, host=host, state=options["state"], note=options["note"], by=by
            )
        except Http404 as error:
            raise CommandError(f"{team.name} has no change {options['change']!r}.") from error
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from error
        verb = "recorded" if changed else "already so, nothing written"
        self.stdout.write(f"{change.title} on {host.name}: {cell.state} ({verb}).")
