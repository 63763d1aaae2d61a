"""Today on the practice's clock: the default first day of a new code or fee and the default
date of an ICD-10-CM lookup."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from praxis.core import time as wallclock
from praxis.core.models import Practice


def practice_today(practice: Practice, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(wallclock.zone_of(practice)).date()
