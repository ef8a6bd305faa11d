from django.apps import AppConfig


class HandoverConfig(AppConfig):
    """The period summary builder and the handover note of each shift."""

    name = "handover"
    verbose_name = "Handover notes"

    def ready(self) -> None:
        from handover.selectors import shift_panel_context
        from shifts.extensions import register_shift_panel

        register_shift_panel(template="handover/_shift_panel.html", context=shift_panel_context)
