"""Who is booked, with whom, where and for what: the one parser that turns a booking request
(the booking and series pages' forms, the API's booking and series bodies) into the booking
services' keyword arguments.

The patient is loaded through ``access_patient_by_id`` (the person booking must be allowed to
see them); everything else is scoped to the person's practice, so another practice's id is the
same 404 as a missing one. The pages' forms have loaded the provider, location and visit type
already (their choices are the practice's active ones); the API names them by id.

A request to book the patient a second visit of the same type on the same day is held back as a
``PossibleDuplicate`` (a warning, not a rule: the page asks to confirm, the API answers 409
``possible_duplicate`` unless the body says ``"allow_duplicate": true``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol, TypedDict

from praxis.core import datefmt
from praxis.core import time as wallclock
from praxis.core.access import NotInPractice, get_in_practice, practice_of
from praxis.core.models import Location, Practice, User
from praxis.core.service_support import ServiceError
from praxis.patients.access import access_patient_by_id
from praxis.patients.models import Patient

from .models import Appointment, AppointmentType, Provider, Resource
from .selectors import same_day_visits


class BookingBody(Protocol):
    """What the API's booking and series bodies name, by id."""

    patient: int
    provider: int
    location: int
    type: int
    resources: list[int] | None


class BookingParties(TypedDict):
    """The keyword arguments of ``appointment_book`` and ``series_book`` that say who and what."""

    patient: Patient
    provider: Provider
    location: Location
    appointment_type: AppointmentType
    resources: list[Resource] | None  # None: the ones the visit type needs, chosen free


def parties_from_form(user: User, data: Mapping[str, Any]) -> BookingParties:
    """From a page form's cleaned data (provider, location and visit type loaded already)."""
    return BookingParties(
        patient=access_patient_by_id(user, data["patient"]),
        provider=data["provider"],
        location=data["location"],
        appointment_type=data["appointment_type"],
        resources=None,
    )


def parties_from_api(user: User, body: BookingBody) -> BookingParties:
    """From an API body's ids (the patient first: a patient the caller may not see is 404)."""
    practice = practice_of(user)
    patient = access_patient_by_id(user, body.patient)
    location = location_in(practice, body.location)
    return BookingParties(
        patient=patient,
        provider=provider_in(practice, body.provider),
        location=location,
        appointment_type=appointment_type_in(practice, body.type),
        resources=resources_in(practice, body.resources),
    )


class PossibleDuplicate(ServiceError):
    """The patient already has a visit of this type that day; book only once confirmed."""

    def __init__(self, message: str, *, visits: list[Appointment]) -> None:
        super().__init__(message, code="possible_duplicate")
        self.visits = visits


def _when(visit: Appointment) -> str:
    local = visit.start.astimezone(wallclock.zone_of(visit.location))
    return f"{datefmt.day(local)} at {datefmt.time(local)}"


def refuse_possible_duplicate(
    parties: BookingParties, *, start: datetime, allow_duplicate: bool
) -> None:
    """Hold back a second visit of the same type for the patient on the same day, unless the
    person booking said it is meant (``allow_duplicate``)."""
    if allow_duplicate:
        return
    visits = same_day_visits(
        patient=parties["patient"],
        appointment_type=parties["appointment_type"],
        location=parties["location"],
        start=start,
    )
    if visits:
        first = visits[0]
        raise PossibleDuplicate(
            f"{parties['patient'].display_name} already has a "
            f"{parties['appointment_type'].name} on {_when(first)} with "
            f"{first.provider.display_name}. Book a second one only if it is meant.",
            visits=visits,
        )


def provider_in(practice: Practice, pk: int) -> Provider:
    return get_in_practice(Provider, practice=practice, what="provider", pk=pk)


def location_in(practice: Practice, pk: int) -> Location:
    return get_in_practice(Location, practice=practice, what="location", pk=pk)


def appointment_type_in(practice: Practice, pk: int) -> AppointmentType:
    # The services read the type's practice (its time zone); one join instead of a query.
    types = AppointmentType.objects.select_related("practice")
    return get_in_practice(types, practice=practice, what="appointment type", pk=pk)


def resources_in(practice: Practice, ids: Iterable[int] | None) -> list[Resource] | None:
    """The practice's resources with these ids (None stays None: the service chooses)."""
    if ids is None:
        return None
    wanted = set(ids)
    found = list(Resource.objects.filter(location__practice=practice, pk__in=wanted))
    if len(found) != len(wanted):
        raise NotInPractice("resource")
    return found
