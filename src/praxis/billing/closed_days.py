"""The rule every posting passes (``ledger._post``): nothing posts into a closed day.

A posting takes the practice's close lock in shared mode and then looks for a ``DayClose`` of
its effective date; closing a day takes the same lock exclusively, so a posting and a close of
its day never interleave (PostgreSQL: a transaction-level advisory lock; postings do not wait on
each other, only on a close in progress. SQLite: ``BEGIN IMMEDIATE`` already serializes every
writer)."""

from __future__ import annotations

from datetime import date

from django.db import connection

from praxis.core import datefmt
from praxis.core.models import Practice
from praxis.core.service_support import ServiceError

from .models import DayClose

_LOCK_DAY_CLOSE = 0x44415943  # "DAYC": the namespace of the per-practice close lock


def _lock(practice: Practice, *, shared: bool) -> None:
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {function}(%s::int, %s::int)", [_LOCK_DAY_CLOSE, practice.pk])


def lock_for_close(practice: Practice) -> None:
    """Wait for the postings in flight to commit, and hold new ones off, until the close
    commits."""
    _lock(practice, shared=False)


class DayClosed(ServiceError):
    """A posting into a closed day."""


def refuse_closed_day(practice: Practice, day: date) -> None:
    """Called inside every posting's transaction, before anything is written."""
    _lock(practice, shared=True)
    if DayClose.objects.filter(practice=practice, day=day).exists():
        raise DayClosed(
            f"{datefmt.day(day)} is closed: its books were balanced and nothing more can be "
            "posted into it. Post it with today's date instead."
        )


def is_closed(practice: Practice, day: date) -> bool:
    return DayClose.objects.filter(practice=practice, day=day).exists()
