"""The status page: is the worker answering, is beat firing."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from health import selectors, services
from outbox.webhooks import webhook_posts_failing, webhook_posts_waiting_count


def _context() -> dict[str, object]:
    heartbeat = selectors.beat_heartbeat()
    return {
        "heartbeat": heartbeat,
        "beat_alive": selectors.beat_is_alive(heartbeat),
        "pings": selectors.worker_pings_recent(),
        "webhook_posts_failing": list(webhook_posts_failing()),
        "webhook_posts_waiting": webhook_posts_waiting_count(),
    }


def status(request: HttpRequest) -> HttpResponse:
    template = "health/_status.html" if request.htmx else "health/status.html"  # type: ignore[attr-defined]
    return render(request, template, _context())


@require_POST
def ping(request: HttpRequest) -> HttpResponse:
    services.worker_ping_request()
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "health/_status.html", _context())
    return redirect("health:status")
