# mypy: disallow-untyped-defs, disallow-incomplete-defs
"""Writes about hosts: add, edit, move through running → draining → drained →
redeploying → running (or retired), each move kept as a `HostEvent`."""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from deployments.models import Change, Host, HostEvent, validate_year
from teams.access import team_access
from teams.models import Membership, Team
from teams.updates import model_update

RELEASE_MAX = 50
HOST_FIELDS = frozenset({"name", "site", "role", "release", "notes"})


def host_event_record(
    *,
    host: Host,
    kind: str,
    by: User | None,
    old: str = "",
    new: str = "",
    note: str = "",
    change: Change | None = None,
    at: dt.datetime | None = None,
) -> HostEvent:
    """One line of the host's history (called by every service that changes a host)."""
    return HostEvent.objects.create(
        host=host,
        kind=kind,
        change=change,
        old_value=old[:50],
        new_value=new[:50],
        note=note[:500],
        by=by,
        at=at or timezone.now(),
    )


def check_when(at: dt.datetime | None, *, field: str = "at") -> dt.datetime:
    """When something happened: default now; never in the future nor outside 1970..2200."""
    now = timezone.now()
    if at is None:
        return now
    try:
        validate_year(at)
    except ValidationError as error:
        raise ValidationError({field: error.messages}) from error
    if at > now + dt.timedelta(minutes=5):
        raise ValidationError({field: "This cannot be in the future."})
    return at


def _check_name_free(*, team: Team, name: str, host: Host | None = None) -> None:
    clash = Host.objects.filter(team=team, name__iexact=name)
    if host is not None:
        clash = clash.exclude(pk=host.pk)
    if clash.exists():
        raise ValidationError({"name": f"{team.name} already has a host named {name}."})


@transaction.atomic
def host_create(
    *,
    team: Team,
    name: str,
    site: str,
    by: User | None,
    role: str = Host.Role.AGENT,
    release: str = "",
    notes: str = "",
) -> Host:
    name, site, release = name.strip(), site.strip(), release.strip()
    _check_name_free(team=team, name=name)
    host = Host(
        team=team,
        name=name,
        site=site,
        role=role,
        release=release,
        notes=notes,
        state_changed_by=by,
    )
    host.full_clean(validate_unique=False, validate_constraints=False)
    host.save()
    host_event_record(host=host, kind=HostEvent.Kind.CREATED, by=by, new=release)
    return host


@transaction.atomic
def host_update(*, host: Host, by: User | None, **fields: Any) -> Host:
    """Edit a host's description; a new release is written to its history."""
    data = {
        key: value.strip() if isinstance(value, str) else value for key, value in fields.items()
    }
    if "name" in data:
        _check_name_free(team=host.team, name=data["name"], host=host)
    old_release = host.release
    host, changed = model_update(
        instance=host, fields=HOST_FIELDS, data=data, validate_unique=False
    )
    if "release" in changed:
        host_event_record(
            host=host, kind=HostEvent.Kind.RELEASE, by=by, old=old_release, new=host.release
        )
    return host


@transaction.atomic
def host_set_state(
    *,
    host: Host,
    state: str,
    by: User | None,
    note: str = "",
    release: str | None = None,
    at: dt.datetime | None = None,
) -> tuple[Host, bool]:
    """Move a host to `state` (and, when redeployed, to a new `release`).

    Retiring a host or bringing one back needs a lead. The same state again changes
    nothing and writes no history: returns (host, False).
    """
    if state not in Host.State.values:
        raise ValidationError({"state": f"Unknown state {state!r}."})
    release = (release or "").strip()
    if len(release) > RELEASE_MAX:
        raise ValidationError({"release": "A release is at most 50 characters."})
    when = check_when(at)
    if Host.State.RETIRED in (state, host.state) and state != host.state and by is not None:
        team_access(user=by, team=host.team).require(min_role=Membership.Role.LEAD)
    changed = False
    if state != host.state:
        host_event_record(
            host=host,
            kind=HostEvent.Kind.STATE,
            by=by,
            old=host.state,
            new=state,
            note=note,
            at=when,
        )
        host.state = state
        host.state_changed_at = when
        host.state_changed_by = by
        host.save(update_fields=["state", "state_changed_at", "state_changed_by"])
        changed = True
    if release and release != host.release:
        host_event_record(
            host=host, kind=HostEvent.Kind.RELEASE, by=by, old=host.release, new=release, at=when
        )
        host.release = release
        host.save(update_fields=["release"])
        changed = True
    return host, changed
