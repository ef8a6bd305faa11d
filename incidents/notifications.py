""" "Handed to you": the email a person gets when someone else makes them the owner of an
incident or an action item (never when they take it themselves).

The key names the object, the new owner and the change (the incident's owner-change
timeline entry, the item's update time), so handing it back and forth later notifies
again while a retried task or a repeated call for the same change does not.
"""

from django.contrib.auth.models import User
from django.utils import timezone

from incidents.models import ActionItem, Incident
from outbox.models import OutboundEmail
from outbox.notifications import Notification, local_time, notification_queue
from teams.selectors import person_name, user_display_zone_name


def _assigned_notify(
    *, obj: Incident | ActionItem, what: str, owner: User, by: User | None, key: str
) -> OutboundEmail | None:
    if by is not None and by.pk == owner.pk:
        return None
    zone_name = user_display_zone_name(user=owner)
    context = {
        "what": what,
        "obj": obj,
        "team": obj.team,
        "by": person_name(by) if by is not None else "Shiftdesk",
        "when": local_time(timezone.now(), zone_name),
        "due": obj.due_on if isinstance(obj, ActionItem) else None,
    }
    return notification_queue(
        kind=Notification.ASSIGNED,
        key=key,
        user=owner,
        subject=f"[{obj.team.name}] {context['by']} handed you {what}: {obj.title}"[:300],
        template="incidents/email/assigned",
        context=context,
    )


def incident_assigned_notify(
    *, incident: Incident, owner: User, by: User | None, change_id: int
) -> OutboundEmail | None:
    """`change_id`: the timeline entry that records this owner change (or the opening)."""
    return _assigned_notify(
        obj=incident,
        what=f"incident #{incident.pk}",
        owner=owner,
        by=by,
        key=f"incident-assigned:{incident.pk}:{owner.pk}:{change_id}",
    )


def action_item_assigned_notify(*, item: ActionItem, by: User | None) -> OutboundEmail | None:
    """The item was just saved with its new owner (its `updated_at` marks this change)."""
    if item.owner is None:
        return None
    stamp = item.updated_at.strftime("%Y%m%dT%H%M%S%f")
    return _assigned_notify(
        obj=item,
        what="an action item",
        owner=item.owner,
        by=by,
        key=f"action-item-assigned:{item.pk}:{item.owner.pk}:{stamp}",
    )
