"""Markdown to safe HTML: what people type in reports, timelines and notes.

Rendered with Python-Markdown, then sanitized with nh3 (an allow-list of tags and
attributes; links get rel="noopener noreferrer"), so nothing typed can inject script.
"""

import markdown as markdown_lib
import nh3

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4",
    "h5", "h6", "hr", "i", "li", "ol", "p", "pre", "s", "strong", "sub", "sup", "table",
    "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "td": {"align"}, "th": {"align"}}
EXTENSIONS = ["extra", "sane_lists", "nl2br"]


def render_markdown(text: str) -> str:
    """Sanitized HTML for `text` (Markdown); safe to mark_safe."""
    html = markdown_lib.markdown(text or "", extensions=EXTENSIONS, output_format="html")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
