"""The Manager's ready-for-tomorrow board: every visit of the next business day with the checks
that decide whether the team is ready for it. Columns whose data Praxis does not hold yet
(balances, credentials) say "not tracked" rather than show a made-up value."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone

from praxis.core.models import Location, Practice
from praxis.patients.selectors import coverage_verified_since, patients_with_consent_form

from .models import Appointment, Resource
from .selectors import readiness_appointments

COVERAGE_FRESH_DAYS = 30


@dataclass(frozen=True)
class Check:
    key: str
    label: str
    problem: str  # the filter's label: show only visits failing this check


CHECKS: tuple[Check, ...] = (
    Check("coverage", f"Coverage verified ({COVERAGE_FRESH_DAYS} days)", "Coverage not verified"),
    Check("forms", "Consent form on file", "Forms missing"),
    Check("room", "Room assigned", "No room"),
    Check("confirmed", "Reminder confirmed", "Not confirmed"),
)
NOT_TRACKED = ("Balance", "Provider credentials")


@dataclass(frozen=True)
class ReadinessRow:
    appointment: Appointment
    checks: dict[str, bool]

    @property
    def ready(self) -> bool:
        return all(self.checks.values())


def readiness_rows(
    *, practice: Practice, day: date | None = None, location: Location | None = None
) -> tuple[date, list[ReadinessRow]]:
    day, appointments_qs = readiness_appointments(practice=practice, day=day, location=location)
    appointments = list(appointments_qs)
    patient_ids = {a.patient_id for a in appointments}
    since = timezone.now() - timedelta(days=COVERAGE_FRESH_DAYS)
    verified = coverage_verified_since(patient_ids, since, on=day)
    with_forms = patients_with_consent_form(patient_ids)
    rows = [
        ReadinessRow(
            appointment=a,
            checks={
                "coverage": a.patient_id in verified,
                "forms": a.patient_id in with_forms,
                "room": a.room_id is not None
                or any(h.resource.kind == Resource.Kind.ROOM for h in a.resource_holds.all()),
                "confirmed": a.status == Appointment.Status.CONFIRMED,
            },
        )
        for a in appointments
    ]
    return day, rows
