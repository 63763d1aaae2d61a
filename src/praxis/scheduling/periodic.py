"""Scheduling's every-few-minutes jobs (run by `praxis worker`)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.conf import settings

from praxis.core.periodic import periodic_job


def _reminder_interval() -> timedelta:
    return timedelta(minutes=getattr(settings, "PRAXIS_REMINDER_INTERVAL_MINUTES", 5))


@periodic_job("appointment_reminders", every=_reminder_interval)
def _send_reminders() -> dict[str, Any]:
    from .reminders import send_due_reminders

    return send_due_reminders()
