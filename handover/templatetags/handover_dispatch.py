"""`{% handover_dispatch_state note %}`: on the note page, whether the weekly email went
out (or why not), with the preview link for leads. Two queries."""

from typing import Any

from django import template

from handover import dispatch
from handover.models import HandoverNote
from teams.access import team_access

register = template.Library()


@register.inclusion_tag("handover/_dispatch_state.html", takes_context=True)
def handover_dispatch_state(context: dict[str, Any], note: HandoverNote) -> dict[str, Any]:
    request = context["request"]
    return {
        "note": note,
        "record": dispatch.dispatch_for_shift(shift_id=note.shift_id),
        "is_lead": team_access(user=request.user, team=note.team).is_lead,
    }
