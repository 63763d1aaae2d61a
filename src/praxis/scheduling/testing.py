"""factory_boy factories for scheduling, shared by the tests and (later) the demo.

They write rows directly, without audit events. `AppointmentFactory` bypasses the booking
service and its checks: use it for history (past visits) and for tests of the database's own
guarantees, and `booking.appointment_book` for everything else.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, time
from typing import Any

import factory

from praxis.core.models import Location
from praxis.core.testing.factories import LocationFactory, PracticeFactory, valid_npi

from .models import (
    Appointment,
    AppointmentResource,
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Provider,
    Resource,
)

EVERY_DAY = range(7)
WEEKDAYS = range(5)


class ProviderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Provider

    practice = factory.SubFactory(PracticeFactory)
    display_name = factory.Sequence(lambda n: f"Dr. Provider {n}")
    npi = factory.Sequence(lambda n: valid_npi(7_000_000 + n))
    taxonomy_code = "207Q00000X"
    credentials = "MD"


class ResourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Resource

    location = factory.SubFactory(LocationFactory)
    kind = Resource.Kind.ROOM
    name = factory.Sequence(lambda n: f"Room {n}")


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    """``AppointmentTypeFactory(practice=p, providers=[dr], required_resources=[room])``"""

    class Meta:
        model = AppointmentType
        skip_postgeneration_save = True

    practice = factory.SubFactory(PracticeFactory)
    name = factory.Sequence(lambda n: f"Visit type {n}")
    duration_minutes = 30

    @factory.post_generation
    def providers(obj: AppointmentType, create: bool, extracted: Any, **kwargs: Any) -> None:
        if create and extracted:
            obj.providers.set(extracted)

    @factory.post_generation
    def required_resources(
        obj: AppointmentType, create: bool, extracted: Any, **kwargs: Any
    ) -> None:
        if create and extracted:
            obj.required_resources.set(extracted)


class AvailabilityTemplateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityTemplate
        skip_postgeneration_save = True

    provider = factory.SubFactory(ProviderFactory)
    location = factory.SubFactory(LocationFactory)
    weekday = 0
    start_time = time(9, 0)
    end_time = time(17, 0)
    effective_from = date(2020, 1, 1)

    @factory.post_generation
    def allowed_types(obj: AvailabilityTemplate, create: bool, extracted: Any, **kw: Any) -> None:
        if create and extracted:
            obj.allowed_types.set(extracted)


class AvailabilityExceptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AvailabilityException

    provider = factory.SubFactory(ProviderFactory)
    kind = AvailabilityException.Kind.TIME_OFF


def weekly_hours(
    provider: Provider,
    location: Location,
    *,
    start: time = time(9, 0),
    end: time = time(17, 0),
    weekdays: Iterable[int] = EVERY_DAY,
    **kwargs: Any,
) -> list[AvailabilityTemplate]:
    """The provider works from `start` to `end` (local) at the location on each of `weekdays`."""
    templates: list[AvailabilityTemplate] = []
    for day in weekdays:
        template: AvailabilityTemplate = AvailabilityTemplateFactory(  # type: ignore[assignment]
            provider=provider,
            location=location,
            weekday=day,
            start_time=start,
            end_time=end,
            **kwargs,
        )
        templates.append(template)
    return templates


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A row written behind the booking service's back (no checks, no locks, no audit)."""

    class Meta:
        model = Appointment

    practice = factory.SelfAttribute("provider.practice")
    provider = factory.SubFactory(ProviderFactory)
    location = factory.SubFactory(LocationFactory, practice=factory.SelfAttribute("..practice"))
    appointment_type = factory.SubFactory(
        AppointmentTypeFactory, practice=factory.SelfAttribute("..practice")
    )
    end = factory.LazyAttribute(lambda o: o.start + o.appointment_type.duration)


def hold(appointment: Appointment, *resources: Resource) -> list[AppointmentResource]:
    """Resource holds for an appointment made with AppointmentFactory."""
    return [
        AppointmentResource.objects.create(
            appointment=appointment,
            resource=r,
            start=appointment.start,
            end=appointment.end,
            active=appointment.is_active,
        )
        for r in resources
    ]
