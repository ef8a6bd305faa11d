"""What apps above `shifts` add to its pages, without an import.

- Shift panels: an upper app registers `load(shift)` (a constant number of queries) and
  the template that shows its answer; the shift page renders each with `panel` set to
  the answer (and the page's context). `duties` shows the duties done this way.
- Shift warnings: an upper app registers `warn(team, user_ids)` returning, for the people
  it has something to say about, lines of warning (a constant number of queries). The
  schedule warns on the rows of coming shifts, the shift page next to the swap and cover
  forms. `duties` warns about missing required access this way.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from shifts.models import Shift
from teams.models import Team

Warn = Callable[[Team, Sequence[int]], dict[int, list[str]]]


@dataclass(frozen=True)
class ShiftPanel:
    load: Callable[[Shift], object]
    template: str


@dataclass(frozen=True)
class LoadedPanel:
    template: str
    panel: object


_panels: list[ShiftPanel] = []
_warnings: list[Warn] = []


def register_shift_panel(*, load: Callable[[Shift], object], template: str) -> None:
    panel = ShiftPanel(load=load, template=template)
    if panel not in _panels:
        _panels.append(panel)


def register_shift_warnings(warn: Warn) -> None:
    if warn not in _warnings:
        _warnings.append(warn)


def shift_panels(shift: Shift) -> list[LoadedPanel]:
    return [LoadedPanel(template=p.template, panel=p.load(shift)) for p in _panels]


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
