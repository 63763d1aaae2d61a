"""Refuse an oversized request body before any of it is read.

Django's own limits (DATA_UPLOAD_MAX_MEMORY_SIZE, FILE_UPLOAD_MAX_MEMORY_SIZE) only decide what
stays in memory: a 600 MB multipart post is still read and spooled to disk before the document
service refuses it for being over 10 MB. This middleware sits at the top of the stack and
answers 413 from the Content-Length alone; the body is never read. A multipart form (a document
upload) may carry the document limit (PRAXIS_UPLOAD_MAX_MB) plus room for the form's other
fields; every other body (forms, API JSON) at most 1 MB. The stream is also capped at the
declared length and the limit, so a body longer than it claims is cut off rather than read.
The reverse proxy refuses larger bodies before they reach the app (docs/guide/production.md).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.handlers.wsgi import LimitedStream
from django.http import HttpRequest, HttpResponse, JsonResponse

from .errors import _page

MB = 1024 * 1024
# What a multipart form carries besides the file: its boundaries and the other fields.
MULTIPART_OVERHEAD = 1 * MB
OTHER_BODY_LIMIT = 1 * MB


def body_limit(request: HttpRequest) -> int:
    """The most bytes this request's body may have."""
    if request.content_type == "multipart/form-data":
        return int(settings.PRAXIS_UPLOAD_MAX_MB) * MB + MULTIPART_OVERHEAD
    return OTHER_BODY_LIMIT


def _too_large(request: HttpRequest, limit: int) -> HttpResponse:
    upload_mb = int(settings.PRAXIS_UPLOAD_MAX_MB)
    if request.content_type == "multipart/form-data":
        message = f"The file is too large: files can be at most {upload_mb} MB."
    else:
        message = f"The request is too large: at most {limit // MB} MB."
    if request.path.startswith("/api/"):
        return JsonResponse({"code": "too_large", "message": message}, status=413)
    return _page(request, 413, "Too large", message)


class BodyLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> Any:
        limit = body_limit(request)
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            declared = 0
        if declared > limit:
            return _too_large(request, limit)
        stream = getattr(request, "_stream", None)
        if stream is not None:
            # Never read past the limit, whatever the body turns out to be.
            request._stream = LimitedStream(stream, min(declared, limit))  # type: ignore[assignment]
        return self.get_response(request)
