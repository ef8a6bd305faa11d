from django.apps import AppConfig


class DutiesConfig(AppConfig):
    """What the shifter does (duties ticked per shift) and must have (the access checklist)."""

    name = "duties"
    verbose_name = "Shift duties and access checklist"

    def ready(self) -> None:
        # shifts sits below this app: its shift page shows the duties done and its
        # schedule and swap/cover forms warn about missing access through the registry
        # it offers (shifts.panels), never by importing this app.
        from duties import selectors
        from shifts.panels import register_shift_panel, register_shift_warnings

        register_shift_panel(load=selectors.shift_duties_panel, template="duties/_shift_panel.html")
        register_shift_warnings(selectors.missing_access_warnings)
