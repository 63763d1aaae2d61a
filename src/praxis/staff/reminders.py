"""Credential expiry reminders and due separations: the staff app's daily jobs.

A reminder goes to the holder and the practice's Administrators 90, 60 and 30 days before a
credential expires: once per threshold. The job claims a reminder by inserting its
``CredentialReminder`` row (unique per credential, expiry date and threshold) and sends the
e-mail after commit, so a second run the same day, or two workers, send nothing more. A job
that missed days sends only the nearest threshold (a credential first seen 25 days out gets the
30-day reminder, not three at once); a renewed credential (a new expiry date) starts over."""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import partial
from typing import Any

from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from praxis.core import datefmt
from praxis.core.daily import daily_job
from praxis.core.models import User

from .models import Credential, CredentialReminder, StaffMember
from .separations import practice_today, separations_apply_due

THRESHOLDS = (30, 60, 90)  # nearest first


def threshold_for(days_left: int) -> int | None:
    return next((t for t in THRESHOLDS if days_left <= t), None)


def _administrators(practice_id: int) -> list[str]:
    return list(
        User.objects.filter(
            practice_id=practice_id, is_active=True, groups__name="Practice Administrator"
        )
        .values_list("email", flat=True)
        .distinct()
    )


def _claim(credential: Credential, days_before: int) -> bool:
    assert credential.expires_on is not None
    try:
        with transaction.atomic():
            CredentialReminder.objects.create(
                credential=credential, expires_on=credential.expires_on, days_before=days_before
            )
    except IntegrityError:
        return False  # sent already, by an earlier run or another worker
    return True


def _send(credential: Credential, days_left: int, recipients: list[str]) -> None:
    assert credential.expires_on is not None
    member = credential.staff
    what = credential.get_kind_display()
    where = f" ({credential.state})" if credential.state else ""
    send_mail(
        subject=f"{member.full_name}: {what} expires in {days_left} days",
        message=(
            f"{member.full_name}'s {what}{where} number {credential.number} expires on "
            f"{datefmt.day(credential.expires_on)}, in {days_left} days.\n\n"
            "Renew it in time and record the new dates in Praxis (Staff, then the person's "
            "page). A provider whose state license lapses is flagged when booked.\n"
        ),
        from_email=None,
        recipient_list=recipients,
    )


def credential_reminders_send(*, today: date | None = None) -> dict[str, int]:
    """Claim and send the reminders due today; safe to run any number of times a day."""
    sent = 0
    # A coarse window in the database (each practice's own "today" is applied below).
    around = today or timezone.localdate()
    upcoming = (
        Credential.objects.filter(
            expires_on__gte=around - timedelta(days=1),
            expires_on__lte=around + timedelta(days=THRESHOLDS[-1] + 1),
        )
        .exclude(staff__status=StaffMember.Status.SEPARATED)
        .select_related("staff__practice", "staff__user")
    )
    admins: dict[int, list[str]] = {}
    for credential in upcoming.iterator():
        assert credential.expires_on is not None
        member = credential.staff
        day = today or practice_today(member.practice)
        if not day <= credential.expires_on <= day + timedelta(days=THRESHOLDS[-1]):
            continue
        days_left = (credential.expires_on - day).days
        threshold = threshold_for(days_left)
        if threshold is None or not _claim(credential, threshold):
            continue
        if member.practice_id not in admins:
            admins[member.practice_id] = _administrators(member.practice_id)
        holder = member.user.email if member.user and member.user.is_active else member.email
        recipients = sorted({*admins[member.practice_id], *([holder] if holder else [])})
        if recipients:
            transaction.on_commit(partial(_send, credential, days_left, recipients))
            sent += 1
    return {"reminders_sent": sent}


@daily_job("staff_credential_reminders", at=time(6, 0))
def _credential_reminders() -> dict[str, Any]:
    return credential_reminders_send()


@daily_job("staff_separations", at=time(0, 10))
def _separations() -> dict[str, Any]:
    return {"separations_applied": separations_apply_due()}
