"""Calendar files: one visit as an .ics for the patient, and a provider's private feed.

Both carry the location's VTIMEZONE and local times, so calendar apps show the clinic's clock
across daylight-saving changes. Calendar apps sync to phones and third-party clouds, so what goes
in is the least that is useful: the patient's own file names the practice, the place, the
provider and the visit type; the provider's feed names no patient at all ("Visit: Follow-up").

A feed URL holds a random token; only its SHA-256 is stored, so the URL is shown once when it is
made. Making a new one revokes the provider's previous feeds; a revoked token is a 404.
Deactivating a user revokes the feeds of their provider record and the feeds they made (they saw
the address), and a provider whose user is deactivated serves no feed. The address is a secret
in a path: Praxis's logs redact it (``LOG_REDACTED_PATHS`` in the settings).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Iterable
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from icalendar import Calendar, Event

from praxis.core import audit
from praxis.core import time as wallclock
from praxis.core.models import User
from praxis.core.services import revokes_on_deactivation

from .models import Appointment, AppointmentType, Provider, ProviderFeedToken

FEED_PAST = timedelta(days=30)
FEED_AHEAD = timedelta(days=90)
ICAL_STATUS = {
    Appointment.Status.SCHEDULED: "TENTATIVE",
    Appointment.Status.CANCELLED: "CANCELLED",
    Appointment.Status.NO_SHOW: "CANCELLED",
}


def _calendar(name: str) -> Calendar:
    cal = Calendar()
    cal.add("prodid", "-//Praxis//Scheduling//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", name)
    return cal


def _place(appointment: Appointment, *, for_patient: bool) -> str:
    """Where the visit happens. A home visit is at the patient's address, which only the
    patient's own file carries: a provider feed is a bearer URL synced to phones and clouds,
    so it says "home visit" and the address stays in Praxis."""
    mode = appointment.appointment_type.visit_mode
    if mode == AppointmentType.VisitMode.TELEHEALTH:
        return "Telehealth (video visit)"
    if mode == AppointmentType.VisitMode.HOME_VISIT:
        return appointment.patient.address_text if for_patient else "Home visit"
    location = appointment.location
    return ", ".join(p for p in (location.name, location.address_text) if p)


def _event(
    appointment: Appointment, summary: str, *, for_patient: bool, description: str = ""
) -> Event:
    tz = wallclock.zone_of(appointment.location)
    event = Event()
    event.add("uid", f"appointment-{appointment.pk}@praxis")
    event.add("dtstamp", timezone.now())
    event.add("dtstart", appointment.start.astimezone(tz))
    event.add("dtend", appointment.end.astimezone(tz))
    event.add("summary", summary)
    event.add("location", _place(appointment, for_patient=for_patient))
    event.add("status", ICAL_STATUS.get(Appointment.Status(appointment.status), "CONFIRMED"))
    if description:
        event.add("description", description)
    return event


def appointment_ics(appointment: Appointment) -> bytes:
    """The patient's own visit: practice, place, provider and visit type; nothing else."""
    practice = appointment.practice
    cal = _calendar(practice.name)
    cal.add("method", "PUBLISH")
    description = f"{appointment.appointment_type} with {appointment.provider} at {practice.name}."
    if practice.phone:
        description += f" To change it, call {practice.phone}."
    cal.add_component(
        _event(
            appointment,
            f"{appointment.appointment_type} with {appointment.provider}",
            for_patient=True,
            description=description,
        )
    )
    cal.add_missing_timezones()
    return cal.to_ical()  # type: ignore[no-any-return]


def provider_feed_ics(provider: Provider, appointments: Iterable[Appointment]) -> bytes:
    cal = _calendar(f"{provider} (Praxis)")
    for appointment in appointments:
        # No patient: calendar apps sync to phones and clouds the practice does not control.
        cal.add_component(
            _event(appointment, f"Visit: {appointment.appointment_type}", for_patient=False)
        )
    cal.add_missing_timezones()
    return cal.to_ical()  # type: ignore[no-any-return]


def feed_appointments(provider: Provider) -> list[Appointment]:
    now = timezone.now()
    return list(
        Appointment.objects.filter(
            provider=provider, start__gte=now - FEED_PAST, start__lt=now + FEED_AHEAD
        )
        .select_related("location", "appointment_type")
        .order_by("start", "pk")
    )


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_token_create(*, provider: Provider, by: Any) -> str:
    """A new feed URL's token (shown once); the provider's earlier feeds stop working."""
    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        ProviderFeedToken.objects.filter(provider=provider, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        feed = ProviderFeedToken.objects.create(
            provider=provider, token_hash=_hash(token), created_by=by
        )
        audit.record("praxis.scheduling.feed.created", obj=feed, actor=by)
    return token


def feed_token_revoke(*, feed: ProviderFeedToken, by: Any) -> None:
    with transaction.atomic():
        if feed.revoked_at is None:
            feed.revoked_at = timezone.now()
            feed.save(update_fields=["revoked_at"])
            audit.record("praxis.scheduling.feed.revoked", obj=feed, actor=by)


def provider_for_token(token: str) -> Provider | None:
    feed = (
        ProviderFeedToken.objects.filter(
            token_hash=_hash(token), revoked_at__isnull=True, provider__is_active=True
        )
        # A provider record may have no user (a locum); one whose user is deactivated is gone.
        .filter(Q(provider__user__isnull=True) | Q(provider__user__is_active=True))
        .select_related("provider")
        .first()
    )
    return feed.provider if feed else None


@revokes_on_deactivation
def revoke_feeds_of(user: User) -> dict[str, int]:
    """The deactivated user's own feeds and those they made: either way they know the address."""
    revoked = ProviderFeedToken.objects.filter(
        Q(provider__user=user) | Q(created_by=user), revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    return {"feeds_revoked": revoked}


def feed_url(token: str) -> str:
    return f"{settings.PRAXIS_BASE_URL}/scheduling/feeds/{token}.ics"


def providers_managed_by(user: Any) -> list[Provider]:
    """The Manager manages every provider's feed; a provider, their own."""
    if user.has_perm("scheduling.manage_scheduling_setup"):
        return list(Provider.objects.filter(practice_id=user.practice_id, is_active=True))
    return list(Provider.objects.filter(practice_id=user.practice_id, user=user, is_active=True))
