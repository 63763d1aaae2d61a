"""The Manager's ready-for-tomorrow board: every visit of the next business day with the checks
that decide whether the team is ready for it.

Only the checks that apply to a visit count: "room assigned" applies to a visit whose type
reserves a room (a telehealth call or a visit type without a room needs none). A visit is ready
when every check that applies passes, and the summary says how many are and which check is
missing most. "Provider licensed" asks the staff app whether the provider's state license (in
the location's state) is in force on the day: one query for the board.

The patient's balance is shown beside each visit, not checked: owing money is no reason a visit
is not ready, and the front desk wants the figure to ask for it at check-in. Scheduling does not
import billing: the app that keeps the ledger registers a reader (``core.plugins
.patient_balances``), one query for the whole board; without one, "Balance" is named as not
tracked."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.utils import timezone

from praxis.core import plugins
from praxis.core.models import Location, Practice
from praxis.patients.selectors import coverage_verified_since, patients_with_consent_form
from praxis.staff.selectors import license_problems

from .models import Appointment, AppointmentType, Resource
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
    Check("credentials", "Provider licensed", "Provider not licensed"),
)
NOT_TRACKED: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReadinessRow:
    appointment: Appointment
    checks: dict[str, bool | None]  # None: the check does not apply to this visit

    @property
    def ready(self) -> bool:
        return all(ok for ok in self.checks.values() if ok is not None)

    def fails(self, key: str) -> bool:
        return self.checks[key] is False


@dataclass(frozen=True)
class ReadinessSummary:
    total: int
    ready: int
    missing: list[tuple[Check, int]]  # the checks visits fail, most failed first

    @property
    def most_missing(self) -> tuple[Check, int] | None:
        return self.missing[0] if self.missing else None


def summarize(rows: list[ReadinessRow]) -> ReadinessSummary:
    failed = Counter(key for row in rows for key, ok in row.checks.items() if ok is False)
    return ReadinessSummary(
        total=len(rows),
        ready=sum(1 for row in rows if row.ready),
        missing=[
            (c, failed[c.key])
            for c in sorted(CHECKS, key=lambda c: -failed[c.key])
            if failed[c.key]
        ],
    )


def _types_reserving_a_room(type_ids: set[int]) -> set[int]:
    """The visit types among these that reserve a room (one query)."""
    through = AppointmentType.required_resources.through
    return set(
        through.objects.filter(
            appointmenttype_id__in=type_ids, resource__kind=Resource.Kind.ROOM
        ).values_list("appointmenttype_id", flat=True)
    )


def readiness_rows(
    *, practice: Practice, day: date | None = None, location: Location | None = None
) -> tuple[date, list[ReadinessRow]]:
    day, appointments_qs = readiness_appointments(practice=practice, day=day, location=location)
    appointments = list(appointments_qs)
    patient_ids = {a.patient_id for a in appointments}
    since = timezone.now() - timedelta(days=COVERAGE_FRESH_DAYS)
    verified = coverage_verified_since(patient_ids, since, on=day)
    with_forms = patients_with_consent_form(patient_ids)
    needs_room = _types_reserving_a_room({a.appointment_type_id for a in appointments})
    licenses = license_problems(
        practice_id=practice.pk,
        visits={(a.provider.npi, a.location.state) for a in appointments},
        on_date=day,
    )
    rows = [
        ReadinessRow(
            appointment=a,
            checks={
                "coverage": a.patient_id in verified,
                "forms": a.patient_id in with_forms,
                "room": (
                    a.room_id is not None
                    or any(h.resource.kind == Resource.Kind.ROOM for h in a.resource_holds.all())
                )
                if a.appointment_type_id in needs_room
                else None,
                "confirmed": a.status == Appointment.Status.CONFIRMED,
                "credentials": licenses[(a.provider.npi, a.location.state)] is None,
            },
        )
        for a in appointments
    ]
    return day, rows


def board_balances(rows: list[ReadinessRow]) -> dict[int, Decimal] | None:
    """What each patient on the board owes after their credit (absent: nothing); None when no
    app keeps balances. One query for the board."""
    return plugins.patient_balances(row.appointment.patient_id for row in rows)


def not_tracked(balances: dict[int, Decimal] | None) -> tuple[str, ...]:
    return NOT_TRACKED if balances is not None else ("Balance", *NOT_TRACKED)
