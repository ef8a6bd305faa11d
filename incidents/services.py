"""Every write about action items (and incidents, with the incidents feature)."""

import datetime as dt

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from incidents.models import ActionItem
from teams.models import Membership, Team

ACTION_ITEM_FIELDS = frozenset(
    {
        "title",
        "details",
        "owner",
        "due_on",
        "status",
        "source",
        "source_label",
        "source_url",
        "needs_github_issue",
        "github_repo",
        "github_issue_number",
    }
)


def _check_owner_is_member(*, team: Team, owner: User | None) -> None:
    if owner is None:
        return
    if not Membership.objects.active().filter(team=team, user=owner).exists():
        raise ValidationError({"owner": f"{owner.get_username()} is not a member of {team.name}."})


def _check_fields(fields: dict[str, object]) -> None:
    unknown = set(fields) - ACTION_ITEM_FIELDS
    if unknown:
        raise ValidationError(f"Unknown action item fields: {', '.join(sorted(unknown))}.")


@transaction.atomic
def action_item_create(
    *,
    team: Team,
    title: str,
    created_by: User | None,
    owner: User | None = None,
    due_on: dt.date | None = None,
    **fields: object,
) -> ActionItem:
    """Create an action item; the owner, if any, must be an active member of the team."""
    _check_fields(fields)
    _check_owner_is_member(team=team, owner=owner)
    item = ActionItem(
        team=team, title=title, created_by=created_by, owner=owner, due_on=due_on, **fields
    )
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def action_item_update(*, action_item: ActionItem, **fields: object) -> ActionItem:
    """Change fields of an action item; closing (done/dropped) stamps `closed_at`."""
    _check_fields(fields)
    if "owner" in fields:
        _check_owner_is_member(team=action_item.team, owner=fields["owner"])  # type: ignore[arg-type]
    was_open = action_item.status == ActionItem.Status.OPEN
    for name, value in fields.items():
        setattr(action_item, name, value)
    is_open = action_item.status == ActionItem.Status.OPEN
    if was_open and not is_open:
        action_item.closed_at = timezone.now()
    elif is_open:
        action_item.closed_at = None
    action_item.full_clean()
    action_item.save()
    return action_item
