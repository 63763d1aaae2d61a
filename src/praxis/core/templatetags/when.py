"""``{% load when %}``: dates and times as pages show them, through ``core/datefmt.py``.

    {{ visit.start|when_day }}       Tue, Dec 1, 2026
    {{ visit.start|when_date }}      Dec 1, 2026
    {{ patient.date_of_birth|when_short }}   12/01/2026
    {{ day|when_brief }}             Tue, Dec 1
    {{ day|when_month_day }}         Dec 1
    {{ visit.start|when_time }}      9:30 AM (or 09:30 on a 24-hour practice)
    {{ event.occurred_at|when_datetime }}    Dec 1, 2026, 9:30 AM
    {{ visit.start|when_day_time }}  Tue, Dec 1, 2026, 9:30 AM
    {{ visit.start|when_zone }}      EST
    {% zone_note visit.start %}      Times are EST (America/New York).
    {% today %}                      Mon, Dec 7, 2026 (today on the page's clock)

A time from the database (UTC) is shown on the page's clock (the practice's time zone, or the
location's on pages that switch to it); a value already put on a clock (``local_start``,
converted to the location's zone by the view) keeps it. Nothing (``None`` or "") shows as
nothing, so ``|default:"never"`` still works. Machine values (links, ``<input>`` values,
``datetime`` attributes) keep ``|date:"Y-m-d"`` and ``isoformat``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from datetime import UTC
from typing import Any

from django import template
from django.utils import timezone

from praxis.core import datefmt

register = template.Library()


def _on_page_clock(value: Any) -> Any:
    """A UTC instant on the page's clock; a naive value, a date or a time as it is."""
    if (
        isinstance(value, dt.datetime)
        and value.tzinfo is not None
        and value.utcoffset() == dt.timedelta(0)
        and value.tzname() in ("UTC", None)
    ):
        return timezone.localtime(value)
    return value


def _filter(name: str, fmt: Callable[[Any], str]) -> None:
    def apply(value: Any) -> str:
        if value is None or value == "":
            return ""
        return fmt(_on_page_clock(value))

    apply.__name__ = name
    register.filter(name, apply)


_filter("when_day", datefmt.day)
_filter("when_date", datefmt.date)
_filter("when_short", datefmt.short)
_filter("when_brief", datefmt.brief)
_filter("when_month_day", datefmt.month_day)
_filter("when_time", datefmt.time)
_filter("when_datetime", datefmt.datetime)
_filter("when_day_time", datefmt.day_time)
_filter("when_zone", datefmt.zone)


@register.simple_tag
def zone_note(value: dt.datetime | None = None) -> str:
    """Once per page: the zone its times are in, at ``value`` (default: now)."""
    at = _on_page_clock(value) if isinstance(value, dt.datetime) else None
    if at is None or at.tzinfo is None:
        at = timezone.localtime(timezone.now())
    key = getattr(at.tzinfo, "key", "") or str(at.tzinfo)
    abbreviation = at.tzname() or key
    place = key.replace("_", " ")
    if not place or place == abbreviation or place == str(UTC):
        return f"Times are {abbreviation}."
    return f"Times are {abbreviation} ({place})."


@register.simple_tag
def today() -> str:
    """Today on the page's clock, as a day ("Mon, Dec 7, 2026")."""
    return datefmt.day(timezone.localdate())
