"""The scheduling cast: Riverbend's Main Street Clinic (New York time) with its exam room,
Dr. Dana Dubois (who signs in as `dr_dana`) and Dr. Lee Park, both working 08:00-18:00 every
day, the 30-minute "Follow-up" both offer, and Paula Patel, a patient."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone

from praxis.core.models import Location, Practice, User
from praxis.patients.models import Patient
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.messaging import MemorySmsSender
from praxis.scheduling.models import (
    Appointment,
    AppointmentResource,
    AppointmentType,
    Provider,
    Resource,
    WaitlistOpening,
)
from praxis.scheduling.testing import (
    AppointmentTypeFactory,
    ProviderFactory,
    ResourceFactory,
    weekly_hours,
)
from praxis.scheduling.visits import appointment_cancel

NEW_YORK = ZoneInfo("America/New_York")
_mrns = itertools.count(900001)


def make_patient(practice: Practice, first: str = "Pat", last: str = "Doe", **extra) -> Patient:
    """A patient row written directly (the registration service belongs to the patients app)."""
    return Patient.objects.create(
        practice=practice,
        mrn=str(next(_mrns)),
        legal_first_name=first,
        legal_last_name=last,
        search_name=f"{last} {first}".lower(),
        date_of_birth=date(1980, 5, 17),
        sex=Patient.Sex.FEMALE,
        **extra,
    )


def book(patient, provider, location, appointment_type, start):  # type: ignore[no-untyped-def]
    """A visit booked through the service, by nobody in particular (set-up for a story)."""
    return appointment_book(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        booked_by=None,
    )


def due_now(appointment: Appointment) -> Appointment:
    """Move a booked visit (and its holds) to start this second: checking in and rooming happen
    only on the visit's day, and now is always today."""
    start = timezone.now().replace(microsecond=0)
    end = start + (appointment.end - appointment.start)
    Appointment.objects.filter(pk=appointment.pk).update(start=start, end=end)
    AppointmentResource.objects.filter(appointment=appointment).update(start=start, end=end)
    appointment.refresh_from_db()
    return appointment


def local(day: date, hour: int, minute: int = 0, *, fold: int = 0) -> datetime:
    """A wall-clock time at the clinic, as an aware datetime."""
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK).replace(fold=fold)


@pytest.fixture
def clinic(location: Location) -> Location:
    return location  # "Main Street Clinic", America/New_York, with room "Exam 1"


@pytest.fixture
def exam_room(clinic: Location) -> Resource:
    return ResourceFactory(location=clinic, name="Exam 1", room=clinic.rooms.get(name="Exam 1"))


@pytest.fixture
def dana(practice: Practice, clinic: Location, dr_dana: User) -> Provider:
    provider = ProviderFactory(practice=practice, user=dr_dana, display_name="Dr. Dana Dubois")
    weekly_hours(provider, clinic, start=time(8), end=time(18))
    return provider


@pytest.fixture
def lee(practice: Practice, clinic: Location) -> Provider:
    provider = ProviderFactory(practice=practice, display_name="Dr. Lee Park")
    weekly_hours(provider, clinic, start=time(8), end=time(18))
    return provider


@pytest.fixture
def follow_up(practice: Practice, dana: Provider, lee: Provider) -> AppointmentType:
    return AppointmentTypeFactory(
        practice=practice, name="Follow-up", duration_minutes=30, providers=[dana, lee]
    )


@pytest.fixture
def paula(practice: Practice) -> Patient:
    return make_patient(practice, "Paula", "Patel")


@pytest.fixture
def visit_day() -> date:
    """A day well in the future (local), so nothing is refused for being in the past."""
    return datetime.now(NEW_YORK).date() + timedelta(days=9)


@pytest.fixture
def freed_ten(paula, dana, clinic, follow_up, visit_day, django_capture_on_commit_callbacks):  # type: ignore[no-untyped-def]
    """Paula's 10:00 with Dr. Dana, cancelled: the half hour it frees, open for the waitlist."""
    visit = book(paula, dana, clinic, follow_up, local(visit_day, 10))
    with django_capture_on_commit_callbacks(execute=True):
        appointment_cancel(appointment=visit, reason="Feeling better", cancelled_by=None)
    return WaitlistOpening.objects.get(cancelled_appointment=visit)


@pytest.fixture
def sms_outbox() -> Iterator[list[dict[str, str]]]:
    """The texts sent during the test (the test settings send them to a list in memory)."""
    MemorySmsSender.outbox.clear()
    yield MemorySmsSender.outbox
    MemorySmsSender.outbox.clear()
