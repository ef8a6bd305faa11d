from django.apps import AppConfig


class ShiftsConfig(AppConfig):
    name = "shifts"
    verbose_name = "Shift rotations and handovers"

    def ready(self) -> None:
        from shifts.feeds import shift_feed_links
        from teams.feeds import register_feed_lister

        register_feed_lister(shift_feed_links)
