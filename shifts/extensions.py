"""What apps above `shifts` add to the "your shift starts tomorrow" email, without an import.

An upper app (`handover`: the link to the draft handover note) registers, from its
AppConfig.ready, a callable `section(shift=..., user=...)` that returns a block for the
email as `(text, html)`, or None to add nothing. The HTML block is escaped unless it is
a SafeString: build it with `django.utils.html.format_html`.
"""

from collections.abc import Callable

from django.contrib.auth.models import User

from shifts.models import Shift

ReminderSection = Callable[..., tuple[str, str] | None]

_sections: list[ReminderSection] = []


def register_shift_reminder_section(section: ReminderSection) -> None:
    if section not in _sections:
        _sections.append(section)


def shift_reminder_sections(*, shift: Shift, user: User) -> list[tuple[str, str]]:
    """Every registered block for this shift and recipient, in registration order."""
    blocks = (section(shift=shift, user=user) for section in _sections)
    return [block for block in blocks if block is not None]
