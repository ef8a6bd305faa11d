from django.apps import AppConfig


class HandoverConfig(AppConfig):
    """The period summary builder and the handover note of each shift."""

    name = "handover"
    verbose_name = "Handover notes"

    def ready(self) -> None:
        from handover.selectors import shift_panel_context
        from handover.shift_reminder import inherited_note_section
        from shifts.extensions import register_shift_reminder_section
        from shifts.panels import register_shift_panel

        register_shift_reminder_section(inherited_note_section)

        register_shift_panel(load=shift_panel_context, template="handover/_shift_panel.html")
