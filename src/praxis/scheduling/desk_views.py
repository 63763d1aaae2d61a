"""Front-desk actions beyond a single booking: the visit-type colours the calendar links to.
Thin: access, one service or selector, a response."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.views.decorators.http import require_GET

from praxis.core.access import practice_of, requires

from . import colours
from .models import AppointmentType

# --- visit-type colours ------------------------------------------------------------------------


@requires("scheduling.view_schedule")
@require_GET
def type_colours(request: HttpRequest) -> HttpResponse:
    """No PHI in here, so it may be cached; the ETag changes whenever a colour does."""
    types: Any = AppointmentType.objects.filter(practice=practice_of(request.user)).order_by("pk")
    body = colours.type_stylesheet(types.values_list("pk", "colour"))
    etag = colours.etag_for(body)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        return HttpResponseNotModified(headers=headers)
    return HttpResponse(body, content_type="text/css; charset=utf-8", headers=headers)
