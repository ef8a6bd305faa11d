"""`POST /github/webhook/`: GitHub's signed deliveries.

The signature (`X-Hub-Signature-256`, HMAC-SHA256 of the raw body with
GITHUB_WEBHOOK_SECRET) is checked with a constant-time compare before anything is
read; a bad or missing one (or no secret configured) is a 403 and changes nothing.
The answer comes at once: the stored delivery is processed by a task.
"""

import hashlib
import hmac
import json

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from github_sync.services import deliveries


def signature_valid(*, secret: str, body: bytes, signature: str) -> bool:
    if not secret or not signature.startswith("sha256="):
        return False
    expected = hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(f"sha256={expected}", signature)


@csrf_exempt  # authenticated by its signature, not a session
@login_not_required
@require_POST
def webhook(request: HttpRequest) -> JsonResponse:
    body = request.body
    signature = request.headers.get("X-Hub-Signature-256", "")
    if not signature_valid(secret=settings.GITHUB_WEBHOOK_SECRET, body=body, signature=signature):
        return JsonResponse({"detail": "Missing or invalid signature."}, status=403)
    event = request.headers.get("X-GitHub-Event", "")
    delivery_id = request.headers.get("X-GitHub-Delivery", "")[:64]
    if not event or not delivery_id:
        return JsonResponse(
            {"detail": "X-GitHub-Event and X-GitHub-Delivery are required."}, status=400
        )
    try:
        payload = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return JsonResponse({"detail": "The body is not JSON."}, status=400)
    if not isinstance(payload, dict):
        return JsonResponse({"detail": "The body is not a JSON object."}, status=400)
    result = deliveries.delivery_receive(delivery_id=delivery_id, event=event, payload=payload)
    return JsonResponse({"result": result}, status=202 if result == "queued" else 200)
