"""The OpenAPI schema every endpoint gets: grouped by resource, a one-line summary per
operation, and the error responses it can give (their body format included), declared
once here instead of on every view."""

from typing import Any

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse

ERROR_BODY: dict[str, Any] = {
    "type": "object",
    "description": (
        "`detail` says what went wrong; a 400 also carries one entry per invalid field "
        "with its messages."
    ),
    "properties": {
        "detail": {
            "oneOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}],
        },
    },
    "additionalProperties": True,
}

ERRORS = {
    "400": "Invalid input: the body or a query parameter names the problem.",
    "401": "Not signed in: send a session cookie or `Authorization: Token <key>`.",
    "403": "Signed in, but your role in this team does not allow it.",
    "404": "No such team, object or page, or one you may not see.",
    "409": "Changed by someone else since the version you sent; nothing was overwritten.",
    "429": "Too many failed sign-ins from your address: wait a minute (`Retry-After`).",
}

VERBS = {
    "list": "List {plural}",
    "retrieve": "Get one {singular}",
    "create": "Create {singular}",
    "update": "Replace {singular}",
    "partial_update": "Update {singular}",
    "destroy": "Delete {singular}",
}
TAG_NAMES = {"oncall": "who is on shift", "me": "me and my feeds", "events": "calendar events"}


class ShiftdeskAutoSchema(AutoSchema):
    def get_tags(self) -> list[str]:
        parts = self._tokenize_path()
        resource = parts[1] if parts[:1] == ["teams"] and len(parts) > 1 else parts[0]
        return [TAG_NAMES.get(resource, resource.replace("-", " "))]

    def get_summary(self) -> str | None:
        """The action's own first sentence, else "<Verb> <resource>" from the model."""
        action = getattr(self.view, "action", None) or self.method.lower()
        doc = _first_sentence(getattr(getattr(self.view, action, None), "__doc__", None))
        model = self._model()
        if action in VERBS and model is not None:
            meta = model._meta
            return VERBS[action].format(singular=meta.verbose_name, plural=meta.verbose_name_plural)
        if doc:
            return doc
        if model is not None:
            return f"{action.replace('_', ' ').capitalize()} {model._meta.verbose_name}"
        return _first_sentence(type(self.view).__doc__)

    def _model(self) -> Any:
        queryset = getattr(self.view, "queryset", None)
        if queryset is not None:
            return queryset.model
        serializer = getattr(self.view, "serializer_class", None)
        return getattr(getattr(serializer, "Meta", None), "model", None)

    def _error_codes(self) -> list[str]:
        codes = ["401", "403", "429"]
        has_body = self.method in ("POST", "PUT", "PATCH")
        has_query = bool(self._get_filter_parameters() or self.get_override_parameters())
        if has_body or has_query or self._is_list_view():
            codes.append("400")
        if "{" in self.path or self._is_list_view():
            codes.append("404")  # an unknown team or object, or a page past the end
        return codes

    def _get_response_bodies(self, direction: Any = "response") -> dict[str, Any]:
        responses = dict(super()._get_response_bodies(direction))
        declared = set(responses)
        for code in self._error_codes():
            if code not in declared:
                responses[code] = self._get_response_for_code(
                    OpenApiResponse(response=ERROR_BODY, description=ERRORS[code]),
                    code,
                    direction=direction,
                )
        return responses


def _first_sentence(doc: str | None) -> str:
    text = " ".join((doc or "").split())
    return text.split(". ")[0].rstrip(".")
