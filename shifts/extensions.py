"""What apps above `shifts` show on a shift's page, without an import.

An upper app registers, from its AppConfig.ready, a template and a function giving its
context for one shift (`context(shift, access)`, a few queries at most; None shows
nothing). The shift page includes each registered template with that context as `panel`.
`handover` registers the link to the shift's handover note this way.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from shifts.models import Shift
from teams.access import TeamAccess

PanelContext = Callable[[Shift, TeamAccess], dict[str, Any] | None]


@dataclass(frozen=True)
class ShiftPanel:
    template: str
    context: PanelContext


_panels: list[ShiftPanel] = []


def register_shift_panel(*, template: str, context: PanelContext) -> None:
    panel = ShiftPanel(template=template, context=context)
    if panel not in _panels:
        _panels.append(panel)


def shift_panels(*, shift: Shift, access: TeamAccess) -> list[tuple[str, dict[str, Any]]]:
    """(template, context) of every registered panel that has something to show."""
    shown = []
    for panel in _panels:
        context = panel.context(shift, access)
        if context is not None:
            shown.append((panel.template, context))
    return shown
