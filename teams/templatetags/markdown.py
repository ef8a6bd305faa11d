from django import template
from django.utils.safestring import SafeString, mark_safe

from teams.markdown import render_markdown

register = template.Library()


@register.filter(name="markdown")
def markdown_filter(text: str) -> SafeString:
    """`{{ value|markdown }}`: sanitized HTML (see teams.markdown)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - sanitized by nh3
