"""Turning a location's wall-clock times into UTC instants, across daylight-saving changes.

Two cases need care. In a *gap* (spring forward, 02:00 to 03:00 in New York) the wall-clock time
does not exist: a person typing it is refused, and an availability boundary that falls in it moves
to where the clock resumes (03:00). In a *fold* (fall back, 01:00 to 02:00 happens twice) one
wall-clock time names two instants: both are kept distinct, and a boundary takes the first for a
start and the second for an end, so the repeated hour belongs to the window.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from praxis.core import datefmt
from praxis.core.service_support import ServiceError


class NonexistentLocalTime(ServiceError):
    """The clocks skip this local time (the spring-forward gap)."""


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def zone_of(location: Any) -> ZoneInfo:
    return zone(location.time_zone)


def _wall(instant: datetime, tz: ZoneInfo) -> datetime:
    return instant.astimezone(tz).replace(tzinfo=None)


def is_nonexistent(naive: datetime, tz: ZoneInfo) -> bool:
    instant = naive.replace(tzinfo=tz).astimezone(UTC)
    return _wall(instant, tz) != naive


def is_ambiguous(naive: datetime, tz: ZoneInfo) -> bool:
    first = naive.replace(tzinfo=tz, fold=0).utcoffset()
    second = naive.replace(tzinfo=tz, fold=1).utcoffset()
    return first != second and not is_nonexistent(naive, tz)


def _resume_after_gap(naive: datetime, tz: ZoneInfo) -> datetime:
    """The first instant whose wall-clock time is at or after `naive`, which lies in a gap."""
    # In a gap, fold=1 reads the time with the offset after the change and lands before the gap
    # on the clock; fold=0 uses the offset before the change and lands after it.
    lo, hi = sorted(int(naive.replace(tzinfo=tz, fold=f).timestamp()) for f in (0, 1))
    while hi - lo > 1:  # binary search to the second: wall(lo) < naive <= wall(hi)
        mid = (lo + hi) // 2
        if _wall(datetime.fromtimestamp(mid, UTC), tz) >= naive:
            hi = mid
        else:
            lo = mid
    return datetime.fromtimestamp(hi, UTC)


def boundary(day: date, at: time, tz: ZoneInfo, *, end: bool = False) -> datetime:
    """The UTC instant a window that starts (or, with `end`, ends) at `at` on `day` begins or
    ends: in a gap, where the clock resumes; in a fold, the first time for a start and the
    second for an end."""
    naive = datetime.combine(day, at)
    if is_nonexistent(naive, tz):
        return _resume_after_gap(naive, tz)
    return naive.replace(tzinfo=tz, fold=1 if end else 0).astimezone(UTC)


def local_to_utc(naive: datetime, tz: ZoneInfo, *, fold: int = 0) -> datetime:
    """A wall-clock time typed by a person, as a UTC instant. A time the clocks skip is refused;
    in a fold, `fold` chooses the first (0) or the second (1) occurrence."""
    if is_nonexistent(naive, tz):
        raise NonexistentLocalTime(
            f"{datefmt.time(naive)} does not exist on {datefmt.date(naive)} in {tz.key}: the "
            "clocks go forward at that time. Pick a time after the change.",
            code="nonexistent_time",
        )
    return naive.replace(tzinfo=tz, fold=fold).astimezone(UTC)


def day_bounds(day: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """The UTC instants at which `day` begins and ends at the location (23 or 25 hours apart on
    the days the clocks change)."""
    return boundary(day, time.min, tz), boundary(day + timedelta(days=1), time.min, tz)


def local_date(instant: datetime, tz: ZoneInfo) -> date:
    return instant.astimezone(tz).date()


def describe(instant: datetime, tz: ZoneInfo, *, clock_24h: bool | None = None) -> str:
    """A local time for messages, with its zone: 'Mon, Mar 15, 2027, 9:00 AM EDT' (the clock
    is the request's practice's unless ``clock_24h`` says)."""
    return datefmt.day_time(instant, tz=tz, clock_24h=clock_24h, with_zone=True)
