from django.apps import AppConfig


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = "Teams and people"

    def ready(self) -> None:
        from teams.signals import team_cache_signals_connect

        team_cache_signals_connect()
