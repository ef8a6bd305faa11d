from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The top of the stack: the dashboard that puts every app's panel on one page."""

    name = "desk"
    verbose_name = "Shift desk"
