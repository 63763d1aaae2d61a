"""The SMS gateway's webhook for replies to text reminders.

Public (the gateway has no session) and CSRF-exempt, so it is authenticated instead by the
``X-Praxis-Signature`` header: ``sha256=`` and the hex HMAC-SHA256 of the raw body under
PRAXIS_SMS_WEBHOOK_SECRET, compared in constant time. No secret configured: every call is 403.
"""

from __future__ import annotations

import hashlib
import hmac
import json

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from praxis.core.access import public

from .reminders import handle_sms_reply

SIGNATURE_HEADER = "X-Praxis-Signature"


def sign_body(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _signed(request: HttpRequest) -> bool:
    secret = getattr(settings, "PRAXIS_SMS_WEBHOOK_SECRET", "")
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not secret or not given:
        return False
    return hmac.compare_digest(sign_body(request.body, secret).encode(), given.encode())


@public
@csrf_exempt
@require_POST
def sms_reply(request: HttpRequest) -> HttpResponse:
    if not _signed(request):
        return JsonResponse({"code": "forbidden", "message": "Bad signature."}, status=403)
    try:
        data = json.loads(request.body)
        sender, text, token = (str(data.get(k, "")) for k in ("from", "text", "token"))
    except (ValueError, AttributeError):
        return JsonResponse({"code": "invalid", "message": "Send a JSON object."}, status=400)
    outcome = handle_sms_reply(sender_phone=sender, text=text, token=token)
    return JsonResponse({"outcome": outcome})
