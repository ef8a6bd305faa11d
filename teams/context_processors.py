from django.http import HttpRequest
from django.utils import timezone


def viewer_time_zone(request: HttpRequest) -> dict[str, str]:
    """The zone every time on the page is shown in, so the layout can name it."""
    return {"viewer_zone_name": timezone.get_current_timezone_name()}
