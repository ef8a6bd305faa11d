from django.apps import AppConfig


class HandoverConfig(AppConfig):
    """The period summary builder and the handover note of each shift."""

    name = "handover"
    verbose_name = "Handover notes"
