"""Separation: a resignation or a termination, with its reason and last day. Access ends at
once, or at the end of the last day (the daily job applies the due ones): the sign-in is
deactivated through core's ``user_deactivate``, which ends every session and revokes every API
token in the same transaction. The record stays (marked separated) with its history.

Choices where the issue is silent: nobody records their own separation (core refuses to
deactivate one's own account, and a job could not apply it later); a person with a separation
pending cannot get a second one; the last day may not be before the hire date."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core import time as wallclock
from praxis.core.models import Practice, User
from praxis.core.service_support import ServiceError, full_clean_or_refuse
from praxis.core.services import user_deactivate

from .models import Separation, StaffMember


def practice_today(practice: Practice, *, now: datetime | None = None) -> date:
    return (now or timezone.now()).astimezone(wallclock.zone_of(practice)).date()


def separation_record(
    *,
    member: StaffMember,
    kind: str,
    reason: str,
    last_day: date,
    immediately: bool,
    offboarding_notes: str,
    recorded_by: User,
) -> Separation:
    today = practice_today(member.practice)
    effective_on = today if immediately else last_day + timedelta(days=1)
    separation = Separation(
        staff=member,
        kind=kind,
        reason=reason.strip(),
        last_day=last_day,
        effective_on=effective_on,
        offboarding_notes=offboarding_notes.strip(),
        recorded_by=recorded_by,
    )
    full_clean_or_refuse(separation, exclude=["staff", "recorded_by"])
    if last_day < member.hire_date:
        raise ServiceError({"last_day": "The last day is before the hire date."})
    if member.user_id is not None and member.user_id == recorded_by.pk:
        raise ServiceError("You cannot record your own separation; ask HR or a colleague.")
    with transaction.atomic():
        StaffMember.objects.select_for_update().filter(pk=member.pk).first()
        member.refresh_from_db(fields=["status"])
        if member.status == StaffMember.Status.SEPARATED:
            raise ServiceError(f"{member.full_name} is already separated.")
        if Separation.objects.filter(staff=member, applied_at=None).exists():
            raise ServiceError(f"A separation of {member.full_name} is already pending.")
        separation.save()
        audit.record(
            "praxis.staff.separation.recorded",
            obj=separation,
            details={"staff": member.pk, "kind": kind, "effective_on": effective_on},
            actor=recorded_by,
        )
        if effective_on <= today:
            _apply(separation)
    return separation


def _apply(separation: Separation) -> None:
    """Inside the caller's transaction: mark the record separated and end the sign-in."""
    member = separation.staff
    member.status = StaffMember.Status.SEPARATED
    member.save(update_fields=["status"])
    details: dict[str, Any] = {"staff": member.pk}
    user = member.user
    if user is not None and user.is_active:
        assert separation.recorded_by is not None
        user_deactivate(user=user, deactivated_by=separation.recorded_by)
        details["user_deactivated"] = user.pk
    separation.applied_at = timezone.now()
    separation.save(update_fields=["applied_at"])
    audit.record("praxis.staff.separation.applied", obj=separation, details=details, actor=None)


def separations_apply_due(*, now: datetime | None = None) -> int:
    """Apply every pending separation whose day has come (each in its own transaction, so one
    refusal, such as a practice's last Administrator, does not hold up the others)."""
    applied = 0
    pending = Separation.objects.filter(applied_at=None).select_related(
        "staff__practice", "staff__user", "recorded_by"
    )
    for separation in pending:
        if separation.effective_on > practice_today(separation.staff.practice, now=now):
            continue
        try:
            with transaction.atomic():
                _apply(separation)
        except ServiceError:
            continue  # stays pending and shows on the record; the next run tries again
        applied += 1
    return applied
