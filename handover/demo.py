"""Demo data: alice's current shift has a drafted handover note (some text typed in,
not finalised), handed over to carol (the demo swap puts carol on next week). Running it
again changes nothing: the text is written only into an untouched note."""

from typing import cast

from django.contrib.auth.models import User
from django.utils import timezone

from handover import services
from shifts.models import Shift
from teams.demo import DemoContext

DEMO_TEXT = {
    "ongoing_debugging": (
        "- JobAccountant on **vocms0256** leaks memory after ~2 days; a restart buys time. "
        "Heap dumps are in the incident.\n"
        "- Rucio injection is slow for T2_CH_CERN: waiting for Rucio ops to answer."
    ),
    "watch_out_for": (
        "The tape staging queue at T1_US_FNAL grows every evening after 18:00 CERN time."
    ),
    "next_week": "Monday 16:00: the WMCore weekly — prepare the draining plan for the upgrade.",
}


def seed(context: DemoContext) -> None:
    team = context.team
    users = cast(dict[str, User], context.users)
    if team is None:
        return
    now = timezone.now()
    shift = (
        Shift.objects.filter(team=team, assignee=users["alice"], end_at__gt=now)
        .select_related("team", "rotation")
        .order_by("start_at")
        .first()
    )
    if shift is None:
        return
    note = services.handover_note_get_or_draft(shift=shift)
    untouched = note.version == 1 and not any(services.note_values(note).values())
    if untouched and not note.is_finalised:
        note = services.handover_note_update(
            note=note, user=users["alice"], version=note.version, data=DEMO_TEXT
        )
    incoming = note.incoming.get_username() if note.incoming else "nobody"
    context.log(f"handover note of alice's shift ({note.state}), handed over to {incoming}")
