from django import template

from incidents.extensions import item_extras

register = template.Library()


@register.simple_tag
def item_extra_templates() -> list[str]:
    """The templates the apps above registered for an item (see incidents.extensions)."""
    return [extra.template for extra in item_extras()]
