"""Writes about action items, whatever their source (a meeting topic, an incident).

`meetings` creates and updates its topics' items through these two services.
"""

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from incidents.models import ActionItem, Incident
from incidents.notifications import action_item_assigned_notify
from incidents.services.team_records import team_records_check
from teams.models import Team
from teams.selectors import team_members_check
from teams.updates import model_update

ACTION_ITEM_FIELDS = (
    "title",
    "details",
    "owner",
    "due_on",
    "status",
    "source",
    "source_label",
    "source_url",
    "needs_github_issue",
    "incident",
)


def _check_owner_and_incident(*, team: Team, data: dict[str, Any]) -> None:
    if "owner" in data:
        team_members_check(team=team, users=[data["owner"]], field="owner")
    if data.get("incident") is not None:
        team_records_check(team=team, records=[data["incident"]], field="incident")


@transaction.atomic
def action_item_create(
    *,
    team: Team,
    title: str,
    created_by: User | None,
    owner: User | None = None,
    due_on: dt.date | None = None,
    incident: Incident | None = None,
    **fields: Any,
) -> ActionItem:
    """Create an action item; the owner, if any, must be an active member of the team."""
    _check_owner_and_incident(team=team, data={"owner": owner, "incident": incident})
    item = ActionItem(
        team=team,
        title=title,
        created_by=created_by,
        owner=owner,
        due_on=due_on,
        incident=incident,
        **fields,
    )
    if incident is not None and "source" not in fields:
        item.source = ActionItem.Source.INCIDENT
        item.source_label = item.source_label or str(incident)
        item.source_url = item.source_url or incident.get_absolute_url()
    item.full_clean()
    item.save()
    action_item_assigned_notify(item=item, by=created_by)
    return item


@transaction.atomic
def action_item_update(
    *, action_item: ActionItem, by: User | None = None, **fields: Any
) -> ActionItem:
    """Change fields of an action item; closing (done/dropped) stamps `closed_at`.

    A new owner is emailed unless they made the change themselves (`by`)."""
    previous_owner_id = action_item.owner_id
    _check_owner_and_incident(team=action_item.team, data=fields)
    closed_at = action_item.closed_at
    if fields.get("status", action_item.status) == ActionItem.Status.OPEN:
        closed_at = None
    elif action_item.status == ActionItem.Status.OPEN:
        closed_at = timezone.now()
    # `closed_at` follows the status (a value given for it is replaced).
    action_item, _ = model_update(
        instance=action_item,
        fields=(*ACTION_ITEM_FIELDS, "closed_at"),
        data={**fields, "closed_at": closed_at},
    )
    if action_item.owner_id is not None and action_item.owner_id != previous_owner_id:
        action_item_assigned_notify(item=action_item, by=by)
    return action_item
