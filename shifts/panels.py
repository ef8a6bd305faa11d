"""What apps above `shifts` add to its pages, without an import.

- Shift panels: an upper app registers `load(shift, access)` (a constant number of
  queries; None shows nothing) and the template that shows its answer; the shift page
  renders each with `panel` set to the answer (and the page's context). `duties` shows
  the duties done this way, `handover` the link to the shift's handover note.
- Shift warnings: an upper app registers `warn(team, user_ids)` returning, for the people
  it has something to say about, lines of warning (a constant number of queries). The
  schedule warns on the rows of coming shifts, the shift page next to the swap and cover
  forms. `duties` warns about missing required access this way.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shifts.models import Shift
from teams.access import TeamAccess
from teams.models import Team

Warn = Callable[[Team, Sequence[int]], dict[int, list[str]]]
Load = Callable[[Shift, TeamAccess], object | None]


@dataclass(frozen=True)
class ShiftPanel:
    load: Load
    template: str


@dataclass(frozen=True)
class LoadedPanel:
    template: str
    panel: object


_panels: list[ShiftPanel] = []
_warnings: list[Warn] = []


def register_shift_panel(*, load: Load, template: str) -> None:
    panel = ShiftPanel(load=load, template=template)
    if panel not in _panels:
        _panels.append(panel)


def register_shift_warnings(warn: Warn) -> None:
    if warn not in _warnings:
        _warnings.append(warn)


def shift_panels(*, shift: Shift, access: TeamAccess) -> list[LoadedPanel]:
    loaded = (LoadedPanel(template=p.template, panel=p.load(shift, access)) for p in _panels)
    return [panel for panel in loaded if panel.panel is not None]


def shift_warnings(*, team: Team, user_ids: Sequence[int]) -> dict[int, list[str]]:
    """Every registrant's warnings about these people, merged by person."""
    merged: dict[int, list[str]] = {}
    ids = [pk for pk in dict.fromkeys(user_ids) if pk]
    if not ids:
        return merged
    for warn in _warnings:
        for user_id, lines in warn(team, ids).items():
            merged.setdefault(user_id, []).extend(lines)
    return merged
