"""The handover note in the "your shift starts tomorrow" email (shifts.extensions)."""

from django.conf import settings
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils.html import format_html

from handover.models import HandoverNote
from shifts.models import Shift


def inherited_note_section(*, shift: Shift, user: User) -> tuple[str, str] | None:
    """The note of the shift handing over to `shift` (two queries): its state and link."""
    before = Shift.objects.filter(rotation_id=shift.rotation_id, end_at=shift.start_at).first()
    if before is None:
        return None
    note = HandoverNote.objects.filter(shift=before).first()
    state = note.state if note is not None else "not started yet"
    path = reverse("handover:note", kwargs={"slug": shift.team.slug, "shift_id": before.pk})
    url = f"{settings.SITE_URL}{path}"
    text = f"The handover note you inherit ({state}): {url}"
    html = format_html('The <a href="{}">handover note</a> you inherit ({}).', url, state)
    return (text, html)
