from django.apps import AppConfig


class MeetingsConfig(AppConfig):
    name = "meetings"
    verbose_name = "Meetings and internal reports"

    def ready(self) -> None:
        from meetings.feeds import team_meeting_feed_links
        from teams.feeds import register_feed_lister

        register_feed_lister(team_meeting_feed_links)
