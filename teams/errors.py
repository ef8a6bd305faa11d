"""The project's own domain errors, which every surface maps the same way.

Services raise Django's `ValidationError` for bad input (400 / a form error) and
`VersionConflict` when a write is based on a version that is no longer current (409
with the current values, or the editor's conflict box). Not found and forbidden are
Django's `Http404` and `PermissionDenied`.
"""

from typing import Any


class VersionConflict(Exception):
    """A write based on a version that is no longer the current one."""

    def __init__(self, *, version: int, current: dict[str, Any]) -> None:
        super().__init__("Changed by someone else since this version was read.")
        self.version = version
        self.current = current
