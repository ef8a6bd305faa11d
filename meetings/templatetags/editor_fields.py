"""The report editor's field names are built from ids (`item-<id>-due_on`); these tags
show a field's error next to it and the value typed into it when it was not saved.

- `{% field_error "item" item.pk "due_on" %}`: the error span (empty when none).
- `{% field_invalid "item" item.pk "due_on" %}`: ` aria-invalid="true" aria-describedby=…`.
- `{% kept default "item" item.pk "due_on" %}`: the posted value of a field that was not
  saved (context `kept`), else `default`.
"""

from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

register = template.Library()


def _name(parts: tuple[Any, ...]) -> str:
    return "-".join(str(part) for part in parts)


@register.simple_tag(takes_context=True)
def field_error(context: template.Context, *parts: Any) -> SafeString:
    name = _name(parts)
    message = (context.get("errors") or {}).get(name)
    if not message:
        return SafeString("")
    return format_html(
        '<span class="error field-error" id="{}-error" data-for="{}">{}</span>', name, name, message
    )


@register.simple_tag(takes_context=True)
def field_invalid(context: template.Context, *parts: Any) -> SafeString:
    name = _name(parts)
    if name not in (context.get("errors") or {}):
        return SafeString("")
    return format_html(' aria-invalid="true" aria-describedby="{}-error"', name)


@register.simple_tag(takes_context=True)
def kept(context: template.Context, default: Any, *parts: Any) -> Any:
    return (context.get("kept") or {}).get(_name(parts), default)


@register.simple_tag(takes_context=True)
def due_input(
    context: template.Context,
    *parts: Any,
    value: Any = None,
    label: str = "",
    enter_topic: int | None = None,
) -> SafeString:
    """A due date: the browser's date input; a value that was not saved is shown as typed
        in a text input (the same forms are read: 2026-12-14, 14/12/2026, 14.12.2026). Enter
    in the new-item row's (`enter_topic`) adds the item."""
    name = _name(parts)
    kept_value = (context.get("kept") or {}).get(name)
    typed = kept_value is not None
    shown = kept_value if typed else (value.isoformat() if value else "")
    return format_html(
        '<input type="{}" name="{}" value="{}" aria-label="{}" class="due"{}{}>{}',
        "text" if typed else "date",
        name,
        shown,
        label,
        format_html(' data-enter="add-item-{}"', enter_topic) if enter_topic else "",
        field_invalid(context, *parts),
        field_error(context, *parts),
    )
