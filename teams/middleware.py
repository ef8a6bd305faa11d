"""Per-request middleware: no NUL characters in query strings, login everywhere, and
times shown in the viewer's zone."""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import LoginRequiredMiddleware as DjangoLoginRequired
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.http.response import HttpResponseBase
from django.utils import timezone

from teams.selectors import user_display_zone_name
from teams.timezones import zone

NUL_REFUSED = "Text may not contain NUL characters (0x00)."
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class RefuseNulCharactersMiddleware:
    """A NUL character in a query parameter or a form field is a 400 before any view runs.

    No text a person types contains one and PostgreSQL refuses it in every string (a 500
    from deep inside a lookup); this covers what every filter, form and lookup reads.
    JSON bodies are covered by the API's exception handler (`DataError` is a 400).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        sources = [request.GET]
        if request.method == "POST" and request.content_type in FORM_TYPES:
            sources.append(request.POST)
        for data in sources:
            for key, values in data.lists():
                if "\x00" in key or any("\x00" in value for value in values):
                    if request.path_info.startswith("/api/"):
                        return JsonResponse({"detail": NUL_REFUSED}, status=400)
                    return HttpResponseBadRequest(NUL_REFUSED)
        return self.get_response(request)


class LoginRequiredMiddleware(DjangoLoginRequired):
    """Every page needs a login; the API answers 401/403 itself instead of redirecting.

    DRF authenticates API calls (session or token) and requires it by default, so
    /api/ is left to it. Token feeds and signed webhooks opt out with
    `django.contrib.auth.decorators.login_not_required`.
    """

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., HttpResponseBase],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponseBase | None:
        if request.path_info.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class ViewerTimeZoneMiddleware:
    """Activate the signed-in user's display zone for rendering this request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            name = user_display_zone_name(user=user)
            request.viewer_zone_name = name  # type: ignore[attr-defined]
            timezone.activate(zone(name))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
