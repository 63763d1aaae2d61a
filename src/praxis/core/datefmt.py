"""Dates and times as people read them: the one place that decides how every page, PDF, e-mail,
text message and sentence shows a day or a time of day.

The named formats (US English):

    ``day``       "Tue, Dec 1, 2026"          a day on its own: page headings, a visit's date
    ``date``      "Dec 1, 2026"               a date in running text or a table cell
    ``short``     "12/01/2026"                where space is short: dates of birth, coverage dates
    ``brief``     "Tue, Dec 1"                a day in a week strip, where the year is plain
    ``time``      "9:30 AM" (or "09:30")      a time of day
    ``datetime``  "Dec 1, 2026, 9:30 AM"      a moment: when something happened or will happen
    ``day_time``  "Tue, Dec 1, 2026, 9:30 AM" a visit's start in a message or on its own page

Times are 12-hour ("9:30 AM", midnight "12:00 AM", noon "12:00 PM") unless the practice chose
the 24-hour clock (``Practice.clock_24h``: "09:30", "00:00", "13:05"). A request runs with its
practice's choice (``PracticeTimeZoneMiddleware`` wraps it in ``clock(...)``, with the time
zone), so pages and their filters (``{% load when %}``) need no argument and no query per row;
code outside a request (reminders, tasks) passes ``clock_24h=practice.clock_24h`` or runs inside
``clock_of(practice)``.

These functions format the wall clock of the value they are given; pass ``tz`` to convert an
aware instant first (the template filters get values already converted to the page's zone).
Machine formats (ISO 8601 in CSV, the API, ``<time datetime>`` and ``<input type=date>``) are
not made here: they stay ``isoformat()`` and ``|date:"Y-m-d"``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol
from zoneinfo import ZoneInfo

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

_clock_24h: ContextVar[bool] = ContextVar("praxis_clock_24h", default=False)


class _HasClock(Protocol):
    clock_24h: bool


@contextmanager
def clock(use_24h: bool) -> Iterator[None]:
    """Within the block, times without an explicit ``clock_24h`` use this clock."""
    token = _clock_24h.set(bool(use_24h))
    try:
        yield
    finally:
        _clock_24h.reset(token)


@contextmanager
def clock_of(practice: _HasClock | None) -> Iterator[None]:
    """The practice's clock for the block (12-hour when there is no practice)."""
    with clock(bool(getattr(practice, "clock_24h", False))):
        yield


def uses_24h() -> bool:
    """Whether times shown now use the 24-hour clock."""
    return _clock_24h.get()


def _local(value: dt.datetime, tz: ZoneInfo | None) -> dt.datetime:
    if tz is not None and value.tzinfo is not None:
        return value.astimezone(tz)
    return value


def _as_date(value: dt.date, tz: ZoneInfo | None) -> dt.date:
    if isinstance(value, dt.datetime):
        return _local(value, tz).date()
    return value


def date(value: dt.date, *, tz: ZoneInfo | None = None) -> str:
    """ "Dec 1, 2026"."""
    d = _as_date(value, tz)
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}"


def day(value: dt.date, *, tz: ZoneInfo | None = None) -> str:
    """ "Tue, Dec 1, 2026"."""
    d = _as_date(value, tz)
    return f"{_WEEKDAYS[d.weekday()]}, {date(d)}"


def brief(value: dt.date, *, tz: ZoneInfo | None = None) -> str:
    """ "Tue, Dec 1": a day near the others on the page, where the year goes without saying."""
    d = _as_date(value, tz)
    return f"{_WEEKDAYS[d.weekday()]}, {_MONTHS[d.month - 1]} {d.day}"


def month_day(value: dt.date, *, tz: ZoneInfo | None = None) -> str:
    """ "Dec 1": a day in a range whose year is shown once."""
    d = _as_date(value, tz)
    return f"{_MONTHS[d.month - 1]} {d.day}"


def short(value: dt.date, *, tz: ZoneInfo | None = None) -> str:
    """ "12/01/2026"."""
    d = _as_date(value, tz)
    return f"{d.month:02d}/{d.day:02d}/{d.year:04d}"


def time(
    value: dt.time | dt.datetime, *, tz: ZoneInfo | None = None, clock_24h: bool | None = None
) -> str:
    """ "9:30 AM", "12:00 AM" (midnight), "12:00 PM" (noon); on the 24-hour clock "09:30"."""
    if isinstance(value, dt.datetime):
        value = _local(value, tz).timetz()
    use_24h = uses_24h() if clock_24h is None else clock_24h
    if use_24h:
        return f"{value.hour:02d}:{value.minute:02d}"
    hour = value.hour % 12 or 12
    return f"{hour}:{value.minute:02d} {'AM' if value.hour < 12 else 'PM'}"


def zone(value: dt.datetime, *, tz: ZoneInfo | None = None) -> str:
    """The zone's abbreviation at that moment ("EST", "EDT"); empty for a naive value."""
    return _local(value, tz).tzname() or ""


def _with_zone(text: str, value: dt.datetime, tz: ZoneInfo | None, show: bool) -> str:
    if not show:
        return text
    name = zone(value, tz=tz)
    return f"{text} {name}" if name else text


def datetime(
    value: dt.datetime,
    *,
    tz: ZoneInfo | None = None,
    clock_24h: bool | None = None,
    with_zone: bool = False,
) -> str:
    """ "Dec 1, 2026, 9:30 AM" (with_zone: "Dec 1, 2026, 9:30 AM EST")."""
    local = _local(value, tz)
    text = f"{date(local)}, {time(local, clock_24h=clock_24h)}"
    return _with_zone(text, local, None, with_zone)


def day_time(
    value: dt.datetime,
    *,
    tz: ZoneInfo | None = None,
    clock_24h: bool | None = None,
    with_zone: bool = False,
) -> str:
    """ "Tue, Dec 1, 2026, 9:30 AM" (with_zone: "... 9:30 AM EST")."""
    local = _local(value, tz)
    text = f"{day(local)}, {time(local, clock_24h=clock_24h)}"
    return _with_zone(text, local, None, with_zone)


def time_range(
    start: dt.time | dt.datetime,
    end: dt.time | dt.datetime,
    *,
    tz: ZoneInfo | None = None,
    clock_24h: bool | None = None,
) -> str:
    """ "9:30 AM\u201310:00 AM" (an en dash between)."""
    return f"{time(start, tz=tz, clock_24h=clock_24h)}\u2013{time(end, tz=tz, clock_24h=clock_24h)}"
