"""What apps above `incidents` show with its action items and incidents, without an import.

An upper app registers, from its AppConfig.ready, a function that loads what it shows
for a page's items (`attach`: a list of action items and incidents, mixed; it must cost
a constant number of queries, and sets attributes on the items) and the template that
shows it for one item. Pages call `item_extras_attach(items)` once, and templates put
`{% include "incidents/_item_extras.html" with item=... %}` where an item's extras go
(each registered template gets `item` and the page's context: `team`, `can_write`,
`request`). `github_sync` registers the item's GitHub issues this way.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from incidents.models import ActionItem, Incident

Item = TypeVar("Item", bound=ActionItem | Incident)


@dataclass(frozen=True)
class ItemExtra:
    attach: Callable[[Sequence[ActionItem | Incident]], object]
    template: str


_extras: list[ItemExtra] = []


def register_item_extra(
    *, attach: Callable[[Sequence[ActionItem | Incident]], object], template: str
) -> None:
    extra = ItemExtra(attach=attach, template=template)
    if extra not in _extras:
        _extras.append(extra)


def item_extras() -> list[ItemExtra]:
    return list(_extras)


def item_extras_attach(items: Sequence[Item]) -> Sequence[Item]:
    """Load every registered extra of a page's items (each registrant's own queries)."""
    if items:
        for extra in _extras:
            extra.attach(items)
    return items
