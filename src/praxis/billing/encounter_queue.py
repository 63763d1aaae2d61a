"""The biller's queue ("Visits to bill"): completed visits that have no encounter yet, oldest
first, and the encounters opened but not yet ready (draft or coded). The page and
``GET /api/v1/billing/visits-to-bill`` / ``GET /api/v1/billing/encounters`` read it through one
filter object, so they cannot drift.

Dates: an encounter's date of service is a day on its location's clock; a visit's day is read on
the practice's clock (a practice whose clinics straddle a time zone sees a visit near midnight
under the practice's day, which is the day the biller works in)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet

from praxis.core import time as wallclock
from praxis.core.access import get_in_practice, practice_of
from praxis.core.models import Location, Practice
from praxis.core.service_support import ServiceError
from praxis.patients.access import patients_visible_to
from praxis.patients.models import Coverage, Patient
from praxis.scheduling.models import Appointment, Provider

from .models import Encounter, Icd10Code
from .selectors import normalize_icd10

NOT_YET_READY = (Encounter.Status.DRAFT, Encounter.Status.CODED)
VISIT_ROW = ("patient", "provider", "location", "appointment_type")
ENCOUNTER_ROW = ("patient", "rendering_provider", "location", "coverage__payer")


@dataclass(frozen=True)
class QueueFilters:
    practice: Practice
    provider: Provider | None = None
    location: Location | None = None
    date_from: date | None = None
    date_to: date | None = None

    def visits_to_bill(self) -> QuerySet[Appointment]:
        """Completed visits with no encounter (a voided one does not count), oldest first."""
        live = Encounter.objects.filter(appointment=OuterRef("pk")).exclude(
            status=Encounter.Status.VOIDED
        )
        visits = Appointment.objects.filter(
            practice=self.practice, status=Appointment.Status.COMPLETED
        )
        tz = wallclock.zone_of(self.practice)
        if self.date_from is not None:
            visits = visits.filter(start__gte=wallclock.day_bounds(self.date_from, tz)[0])
        if self.date_to is not None:
            visits = visits.filter(start__lt=wallclock.day_bounds(self.date_to, tz)[1])
        if self.provider is not None:
            visits = visits.filter(provider=self.provider)
        if self.location is not None:
            visits = visits.filter(location=self.location)
        return visits.filter(~Exists(live)).select_related(*VISIT_ROW).order_by("start", "pk")

    def encounters(self, statuses: Sequence[str] = NOT_YET_READY) -> QuerySet[Encounter]:
        """The encounters in these states (default: not yet ready), oldest date of service
        first."""
        rows = Encounter.objects.filter(practice=self.practice, status__in=list(statuses))
        if self.date_from is not None:
            rows = rows.filter(date_of_service__gte=self.date_from)
        if self.date_to is not None:
            rows = rows.filter(date_of_service__lte=self.date_to)
        if self.provider is not None:
            rows = rows.filter(
                Q(rendering_provider=self.provider) | Q(billing_provider=self.provider)
            )
        if self.location is not None:
            rows = rows.filter(location=self.location)
        return rows.select_related(*ENCOUNTER_ROW).order_by("date_of_service", "pk")


def days_waiting(day: date, today: date) -> int:
    return max((today - day) // timedelta(days=1), 0)


def encounter_for(user: Any, encounter_id: int) -> Encounter:
    """The one way pages and the API load an encounter: the user's practice's, of a patient the
    user may see; anything else is the same 404."""
    rows = Encounter.objects.filter(patient__in=patients_visible_to(user)).select_related(
        *ENCOUNTER_ROW, "billing_provider", "appointment", "replaces", "replaced_by"
    )
    return get_in_practice(rows, practice=practice_of(user), what="encounter", pk=encounter_id)


COVERAGE_USED = {"primary": 1, "secondary": 2, "self_pay": None}


def coverage_used(patient: Patient, on: date, choice: str) -> Coverage | None:
    """The coverage an encounter opened by hand bills: the patient's primary or secondary
    coverage in effect on the date of service, or none (self-pay). Refused when there is no
    such coverage that day."""
    if choice not in COVERAGE_USED:
        raise ServiceError({"coverage": ["Say primary, secondary or self_pay."]})
    priority = COVERAGE_USED[choice]
    if priority is None:
        return None
    for coverage in patient.coverages.filter(priority=priority).select_related("payer"):
        if coverage.in_effect_on(on):
            return coverage
    raise ServiceError(
        {"coverage": [f"The patient has no {choice} coverage in effect on {on:%m/%d/%Y}."]}
    )


def icd10_descriptions(codes: Sequence[str], *, on: date) -> dict[str, str]:
    """The descriptions of these codes (stored form, E119) in the release in force on a day:
    one query for the encounter page's diagnoses."""
    wanted = sorted({normalize_icd10(code) for code in codes if code})
    if not wanted:
        return {}
    rows = Icd10Code.objects.filter(release__effective_from__lte=on, code__in=wanted).filter(
        Q(release__effective_to__isnull=True) | Q(release__effective_to__gte=on)
    )
    return dict(rows.values_list("code", "description"))
