"""Reads for the core app: the audit-trail search (shared by the page, the CSV export and the
API), user lists, and the figures the two home pages show."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Lower
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_tasks_db.models import DBTaskResult

from .models import ApiToken, AuditEvent, DailyJobRun, Location, Practice, Room, User
from .roles import ROLES, mfa_required_for
from .time import day_bounds, zone_of


@dataclass(frozen=True)
class AuditFilters:
    date_from: date | None = None
    date_to: date | None = None
    actor_id: int | None = None
    patient_id: str = ""
    action: str = ""  # a dotted prefix: "praxis.auth" matches every auth event


def _trail_of(practice: Practice | None) -> Q:
    return (
        Q(practice=practice)
        # Recorded before events carried their practice: the actor's tells.
        | Q(practice__isnull=True, actor__practice=practice)
        # The installation's own (a backup, an unknown address failing to sign in), which
        # name no patient.
        | Q(practice__isnull=True, actor__isnull=True, patient_id="")
    )


def audit_event_search(filters: AuditFilters, *, practice: Practice) -> QuerySet[AuditEvent]:
    """The practice's events the filters select, newest first: what its people did and what
    happened to its records with nobody signed in (failed sign-ins to its accounts, reminders),
    plus the installation's own events; never another practice's. Dates are days on the
    practice's clock, the same for the page, the CSV and the API."""
    zone = zone_of(practice)
    events = (
        AuditEvent.objects.select_related("actor", "seal")
        .filter(_trail_of(practice))
        .order_by("-id")
    )
    if filters.date_from:
        events = events.filter(occurred_at__gte=day_bounds(filters.date_from, zone)[0])
    if filters.date_to:
        events = events.filter(occurred_at__lt=day_bounds(filters.date_to, zone)[1])
    if filters.actor_id:
        events = events.filter(actor_id=filters.actor_id)
    if filters.patient_id:
        events = events.filter(patient_id=filters.patient_id.strip())
    if filters.action:
        events = events.filter(action__startswith=filters.action.strip())
    return events


def practice_users(practice: Practice | None) -> QuerySet[User]:
    has_mfa = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return (
        User.objects.filter(practice=practice)
        .annotate(has_mfa=Exists(has_mfa))
        .prefetch_related("groups")
        .order_by("-is_active", "full_name")
    )


def practice_locations(practice: Practice) -> QuerySet[Location]:
    return (
        Location.objects.filter(practice=practice)
        .prefetch_related(Prefetch("rooms", queryset=Room.objects.order_by("name")))
        .annotate(active_rooms=Count("rooms", filter=Q(rooms__is_active=True)))
        .order_by("-is_active", "name")
    )


def user_tokens(user: User) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user).order_by("-created_at")


def _role_counts(practice: Practice | None) -> list[dict[str, Any]]:
    counts = dict(
        User.objects.filter(practice=practice, is_active=True)
        .values_list("groups__name")
        .annotate(n=Count("id"))
        .values_list("groups__name", "n")
    )
    return [{"role": role, "count": counts.get(role.label, 0)} for role in ROLES]


def last_daily_run(job: str) -> DailyJobRun | None:
    return DailyJobRun.objects.filter(job=job).order_by("-run_date").first()


def locked_out_users(practice: Practice | None) -> list[User]:
    """The practice's people whose account is locked now: as many failed sign-ins as the
    limit, the last within the lock's length (how django-axes decides, per account)."""
    now = timezone.now()
    locked = AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=now - settings.AXES_COOLOFF_TIME,
    ).values("username")
    return list(
        User.objects.filter(practice=practice, is_active=True)
        .annotate(sign_in_key=Lower("email"))
        .filter(sign_in_key__in=locked)
        .order_by("full_name")
    )


def security_figures(practice: Practice | None) -> dict[str, Any]:
    since = timezone.now() - timedelta(hours=24)
    users = list(practice_users(practice).filter(is_active=True))
    lacking_mfa = [u for u in users if not u.has_mfa and mfa_required_for(u)]  # type: ignore[attr-defined]
    recent = AuditEvent.objects.filter(_trail_of(practice), occurred_at__gte=since).aggregate(
        failed=Count("id", filter=Q(action="praxis.auth.login.failed")),
        locked_out=Count("id", filter=Q(action="praxis.auth.login.locked_out")),
        events=Count("id"),
    )
    return {
        "failed_logins_24h": recent["failed"],
        "lockouts_24h": recent["locked_out"],
        "mfa_missing": lacking_mfa,
        "locked_out": locked_out_users(practice),
        "audit_last_verify": last_daily_run("audit_chain_verify"),
        "audit_events_24h": recent["events"],
    }


def people_figures(practice: Practice | None) -> dict[str, Any]:
    invited = Q(is_active=True, password__startswith=UNUSABLE_PASSWORD_PREFIX)
    counts = User.objects.filter(practice=practice).aggregate(
        active=Count("id", filter=Q(is_active=True)),
        deactivated=Count("id", filter=Q(is_active=False)),
        invited=Count("id", filter=invited),
    )
    return {
        "active_users": counts["active"],
        "deactivated_users": counts["deactivated"],
        "pending_invitations": counts["invited"],
        "role_counts": _role_counts(practice),
    }


def facility_figures(practice: Practice | None) -> dict[str, Any]:
    locations = Location.objects.filter(practice=practice, is_active=True)
    return {
        "locations": locations.count(),
        "rooms": Room.objects.filter(location__in=locations, is_active=True).count(),
    }


def background_figures() -> dict[str, Any]:
    tasks = DBTaskResult.objects.values("status").annotate(n=Count("id"))
    by_status = {row["status"]: row["n"] for row in tasks}
    return {
        "tasks_ready": by_status.get("READY", 0),
        "tasks_failed": by_status.get("FAILED", 0),
        "daily_runs": list(DailyJobRun.objects.order_by("-started_at")[:5]),
    }
