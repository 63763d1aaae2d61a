"""Small helpers tests use to say what a story wrote and showed."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from praxis.core.models import AuditEvent


def audit_mark() -> int:
    """The id of the newest audit event: what a test wrote is everything after it."""
    return AuditEvent.objects.order_by("-id").values_list("id", flat=True).first() or 0


def actions_since(mark: int) -> list[str]:
    events = AuditEvent.objects.filter(id__gt=mark).order_by("id")
    return list(events.values_list("action", flat=True))


def events_since(mark: int, action: str) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(id__gt=mark, action=action).order_by("id"))


def page_text(response: Any) -> str:
    return str(response.content.decode())


def shows(response: Any, message: str) -> bool:
    """The message appears on the page as the template renders it (HTML-escaped)."""
    return escape(message) in page_text(response)
