# mypy: disallow-untyped-defs, disallow-incomplete-defs
"""Writes about changes (patches, releases) and where each stands on each host.

A change's scope is fixed when it is created (the chosen hosts, else the active hosts on
its target release, else every active host) and can be extended; each host in scope has
one `HostChange` row. Recording a state is idempotent: the same state again writes
nothing and no history.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from deployments.models import Change, Host, HostChange, HostEvent
from deployments.services.hosts import check_when, host_event_record
from teams.models import Team
from teams.updates import model_update

CHANGE_FIELDS = frozenset({"kind", "title", "link", "target_release", "description"})


def _check_hosts(*, team: Team, hosts: Iterable[Host], field: str = "hosts") -> list[Host]:
    hosts = list(hosts)
    strangers = sorted(host.name for host in hosts if host.team_id != team.pk)
    if strangers:
        raise ValidationError({field: f"Not a host of {team.name}: {', '.join(strangers)}."})
    retired = sorted(host.name for host in hosts if host.state == Host.State.RETIRED)
    if retired:
        raise ValidationError({field: f"Retired: {', '.join(retired)}."})
    return hosts


def change_scope(*, team: Team, target_release: str, hosts: Iterable[Host] | None) -> list[Host]:
    """The hosts a new change applies to (see the module docstring)."""
    if hosts is not None:
        chosen = _check_hosts(team=team, hosts=hosts)
        if chosen:
            return chosen
    active = Host.objects.filter(team=team).active()
    if target_release:
        return list(active.filter(release=target_release))
    return list(active)


@transaction.atomic
def change_create(
    *,
    team: Team,
    title: str,
    by: User | None,
    hosts: Iterable[Host] | None = None,
    created_at: dt.datetime | None = None,
    **fields: Any,
) -> Change:
    """Record a patch or release and make it pending on every host in its scope."""
    unknown = set(fields) - CHANGE_FIELDS
    if unknown:
        raise ValidationError(f"Unknown change fields: {', '.join(sorted(unknown))}.")
    change = Change(team=team, title=title.strip(), created_by=by, **fields)
    change.target_release = change.target_release.strip()
    change.created_at = check_when(created_at, field="created_at")
    change.full_clean()
    scope = change_scope(team=team, target_release=change.target_release, hosts=hosts)
    if not scope:
        release = change.target_release
        message = f"No active host runs release {release}." if release else "No active host."
        raise ValidationError({"hosts": message})
    change.save()
    HostChange.objects.bulk_create(
        HostChange(change=change, host=host, updated_at=change.created_at, updated_by=by)
        for host in scope
    )
    return change


@transaction.atomic
def change_update(
    *, change: Change, by: User | None, closed: bool | None = None, **fields: Any
) -> Change:
    """Edit a change's description; `closed` takes it off (or back onto) the matrix."""
    change, _ = model_update(instance=change, fields=CHANGE_FIELDS, data=fields)
    if closed is not None and closed != (change.closed_at is not None):
        change.closed_at = timezone.now() if closed else None
        change.save(update_fields=["closed_at"])
    return change


@transaction.atomic
def change_scope_extend(*, change: Change, hosts: Iterable[Host], by: User | None) -> int:
    """Put more hosts in the change's scope (pending there); returns how many were new."""
    chosen = _check_hosts(team=change.team, hosts=hosts)
    present = set(
        HostChange.objects.filter(change=change, host__in=chosen).values_list("host_id", flat=True)
    )
    new = [host for host in chosen if host.pk not in present]
    HostChange.objects.bulk_create(
        HostChange(change=change, host=host, updated_by=by) for host in new
    )
    return len(new)


def host_change_get(*, change: Change, host: Host, lock: bool = False) -> HostChange:
    """The cell of `host` in `change`, or a 400 naming why there is none."""
    if change.team_id != host.team_id:
        raise ValidationError({"change": f"Change #{change.pk} is not a change of this team."})
    cells = HostChange.objects.filter(change=change, host=host)
    cell = (cells.select_for_update() if lock else cells).first()
    if cell is None:
        raise ValidationError(
            {"host": f"{host.name} is not in the scope of change #{change.pk} ({change.title})."}
        )
    cell.change, cell.host = change, host
    return cell


@transaction.atomic
def host_change_record(
    *,
    change: Change,
    host: Host,
    state: str,
    by: User | None,
    note: str = "",
    at: dt.datetime | None = None,
) -> tuple[HostChange, bool]:
    """Record where `change` stands on `host` (a patch script calls this after applying).

    Returns the cell and whether its state changed. The same state again writes no
    history; a new note with it replaces the cell's note.
    """
    if state not in HostChange.State.values:
        choices = ", ".join(HostChange.State.values)
        raise ValidationError({"state": f"Unknown state {state!r}: use one of {choices}."})
    note = note.strip()
    if len(note) > 500:
        raise ValidationError({"note": "A note is at most 500 characters."})
    when = check_when(at)
    if not change.is_open:
        raise ValidationError({"change": f"Change #{change.pk} is closed; reopen it first."})
    cell = host_change_get(change=change, host=host, lock=True)
    if cell.state == state:
        if note and note != cell.note:
            cell.note = note
            cell.save(update_fields=["note"])
        return cell, False
    host_event_record(
        host=host,
        kind=HostEvent.Kind.CHANGE,
        change=change,
        by=by,
        old=cell.state,
        new=state,
        note=note,
        at=when,
    )
    cell.state = state
    cell.note = note
    cell.updated_at = when
    cell.updated_by = by
    cell.save(update_fields=["state", "note", "updated_at", "updated_by"])
    return cell, True


@transaction.atomic
def change_apply_pending(
    *, change: Change, by: User | None, hosts: QuerySet[Host] | None = None, note: str = ""
) -> int:
    """Mark the change applied on every host where it is still pending (optionally only
    `hosts`, e.g. one site): three queries however many hosts. Returns how many."""
    if not change.is_open:
        raise ValidationError({"change": f"Change #{change.pk} is closed; reopen it first."})
    pending = HostChange.objects.select_for_update().filter(
        change=change, state=HostChange.State.PENDING
    )
    if hosts is not None:
        pending = pending.filter(host__in=hosts)
    rows = list(pending.values_list("pk", "host_id"))
    if not rows:
        return 0
    now = timezone.now()
    note = note.strip()[:500]
    HostChange.objects.filter(pk__in=[pk for pk, _ in rows]).update(
        state=HostChange.State.APPLIED, note=note, updated_at=now, updated_by=by
    )
    HostEvent.objects.bulk_create(
        HostEvent(
            host_id=host_id,
            kind=HostEvent.Kind.CHANGE,
            change=change,
            old_value=HostChange.State.PENDING,
            new_value=HostChange.State.APPLIED,
            note=note or "Applied to all pending hosts.",
            by=by,
            at=now,
        )
        for _, host_id in rows
    )
    return len(rows)
