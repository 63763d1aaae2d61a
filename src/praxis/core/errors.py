"""Friendly error pages: no stack traces, no internals, the request id to quote to support. The
page keeps the navigation for a person who is signed in (except a 500, which renders without
the request: the error may be in what the navigation reads)."""

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string


def _page(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    body = render_to_string(
        "error.html",
        {
            "status": status,
            "title": title,
            "message": message,
            "request_id": getattr(request, "request_id", ""),
        },
        request=request if status != 500 else None,
    )
    return HttpResponse(body, status=status)


class PermissionDeniedOneLine(logging.Filter):
    """A refused permission is an expected answer, not a fault: Django logs it with the
    exception attached, which prints a traceback for every 403. Keep the one line ("Forbidden
    (Permission denied): /path") and drop the traceback; real errors keep theirs."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info and isinstance(record.exc_info[1], PermissionDenied):
            record.exc_info = None
            record.exc_text = None
        return True


def bad_request(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 400, "Bad request", "The request could not be understood.")


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(
        request,
        403,
        "Not allowed",
        "Your role does not include this page. Ask your Practice Administrator if you need it.",
    )


def page_not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return _page(request, 404, "Not found", "There is nothing here, or it is not yours to see.")


def server_error(request: HttpRequest) -> HttpResponse:
    return _page(
        request,
        500,
        "Something went wrong",
        "The error was logged. Please try again; if it keeps happening, tell support "
        "the request id below.",
    )
