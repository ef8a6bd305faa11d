"""Read a rendered form's fields as a browser would submit them (no JavaScript)."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: list[tuple[str, str]] = []
        self._textarea: str | None = None
        self._text = ""
        self._select: str | None = None
        self._selected: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        attr = dict(attrs)
        if tag == "form" and attr.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attr.get("name")
        if tag == "input" and name and attr.get("type") not in ("submit", "button"):
            if attr.get("type") == "checkbox":
                if "checked" in attr:
                    self.fields.append((name, attr.get("value") or "on"))
            else:
                self.fields.append((name, attr.get("value") or ""))
        elif tag == "textarea" and name:
            self._textarea, self._text = name, ""
        elif tag == "select" and name:
            self._select, self._selected, self._first_option = name, None, None
        elif tag == "option" and self._select is not None:
            value = attr.get("value") or ""
            if self._first_option is None:
                self._first_option = value
            if "selected" in attr:
                self._selected = value

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "textarea" and self._textarea is not None:
            self.fields.append((self._textarea, self._text.removeprefix("\n")))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._selected if self._selected is not None else self._first_option
            self.fields.append((self._select, chosen or ""))
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text += data


def form_fields(html: str, form_id: str = "report-form") -> dict[str, list[str]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    fields: dict[str, list[str]] = {}
    for name, value in reader.fields:
        fields.setdefault(name, []).append(value)
    return fields


def only_changed(fields: dict[str, list[str]], topic_id: str) -> dict[str, list[str]]:
    """What the editor's script autosaves when only topic `topic_id` changed: that topic
    with its action items, the CSRF token and every part's version."""
    topic = f"topic-{topic_id}-"
    items = set(fields.get(topic + "item", []))
    return {
        name: values
        for name, values in fields.items()
        if name.startswith(topic)
        or (name.startswith("item-") and name.split("-")[1] in items)
        or name.endswith("-version")
        or name in ("version", "csrfmiddlewaretoken")
    } | {"topic": [topic_id]}
