# mypy: disallow-untyped-defs, disallow-incomplete-defs
"""Importing a patch-status table: check every row against the team's hosts and
changes, then write all of them or none (a bad row means nothing is written)."""

from collections.abc import Sequence
from dataclasses import dataclass, field

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from deployments.models import Change, Host, HostChange
from deployments.patch_table import TableRow
from deployments.services.changes import host_change_record
from teams.models import Team


@dataclass
class ImportRow:
    """A table row resolved against the database, with what is wrong with it."""

    line: int
    host_name: str
    change_label: str
    state: str
    note: str
    host: Host | None = None
    change: Change | None = None
    current: str = ""
    errors: list[str] = field(default_factory=list)

    @property
    def changes_something(self) -> bool:
        return not self.errors and self.current != self.state


@dataclass(frozen=True)
class ImportResult:
    changed: int
    unchanged: int


def _change_lookup(team: Team) -> tuple[dict[int, Change], dict[str, list[Change]]]:
    by_id: dict[int, Change] = {}
    by_title: dict[str, list[Change]] = {}
    for change in Change.objects.filter(team=team):
        by_id[change.pk] = change
        by_title.setdefault(change.title.strip().lower(), []).append(change)
    return by_id, by_title


def patch_table_check(*, team: Team, rows: Sequence[TableRow]) -> list[ImportRow]:
    """Every row with its host, change, current state and errors (three queries)."""
    hosts = {host.name.lower(): host for host in Host.objects.filter(team=team)}
    by_id, by_title = _change_lookup(team)
    cells = {
        (change_id, host_id): state
        for change_id, host_id, state in HostChange.objects.filter(change__team=team).values_list(
            "change_id", "host_id", "state"
        )
    }
    seen: dict[tuple[int, int], int] = {}
    checked: list[ImportRow] = []
    for row in rows:
        result = ImportRow(
            line=row.line,
            host_name=row.host,
            change_label=row.change,
            state=row.state,
            note=row.note,
        )
        result.host = hosts.get(row.host.lower())
        if not row.host:
            result.errors.append("No host given.")
        elif result.host is None:
            result.errors.append(f"Unknown host {row.host!r}.")
        label = row.change.lstrip("#").strip()
        if label.isdigit() and int(label) in by_id:
            result.change = by_id[int(label)]
        else:
            matches = by_title.get(row.change.strip().lower(), [])
            if len(matches) == 1:
                result.change = matches[0]
            elif len(matches) > 1:
                result.errors.append(f"Several changes are titled {row.change!r}: use the id.")
            elif row.change:
                result.errors.append(f"Unknown change {row.change!r}.")
            else:
                result.errors.append("No change given.")
        if not row.state:
            result.errors.append(
                f"Bad state {row.state_word!r}: use pending, applied, failed or not needed."
            )
        if len(row.note) > 500:
            result.errors.append("The note is longer than 500 characters.")
        if result.change is not None and not result.change.is_open:
            result.errors.append(f"Change #{result.change.pk} is closed.")
        if result.host is not None and result.change is not None:
            key = (result.change.pk, result.host.pk)
            if key not in cells:
                result.errors.append(
                    f"{result.host.name} is not in the scope of change #{result.change.pk}."
                )
            elif key in seen:
                result.errors.append(f"Same host and change as line {seen[key]}.")
            else:
                seen[key] = row.line
                result.current = cells[key]
        checked.append(result)
    return checked


@transaction.atomic
def patch_table_import(*, team: Team, rows: Sequence[TableRow], by: User) -> ImportResult:
    """Write every row, or nothing if any row is bad (checked again at write time)."""
    checked = patch_table_check(team=team, rows=rows)
    bad = [row for row in checked if row.errors]
    if bad:
        first = bad[0]
        raise ValidationError(
            f"{len(bad)} row(s) are not valid, nothing was imported; "
            f"line {first.line}: {' '.join(first.errors)}"
        )
    changed = 0
    for row in checked:
        if row.change is None or row.host is None:  # not reached: such a row has errors
            continue
        _, did_change = host_change_record(
            change=row.change, host=row.host, state=row.state, note=row.note, by=by
        )
        changed += did_change
    return ImportResult(changed=changed, unchanged=len(checked) - changed)
