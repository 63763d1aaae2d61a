"""Setting a practice's scheduling up: providers, resources (rooms, equipment), appointment types,
weekly hours (availability templates) and their exceptions (time off, extra sessions).

Each write refuses objects of another practice, validates the record, and is audited. Weekly
hours that would put a provider in two places at once are refused.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time
from typing import Any

from django.db import transaction
from django.db.models import Q

from praxis.core import audit, datefmt
from praxis.core.models import Location, Room, User
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse

from .models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Provider,
    Resource,
)
from .rules import require_aware


def _created(instance: Any, action: str, **details: Any) -> None:
    full_clean_or_refuse(instance)
    instance.save()
    audit.record(action, obj=instance, details=details)


def _same_practice(practice_id: int, *objects: Any) -> None:
    for obj in objects:
        owner = getattr(obj, "practice_id", None)
        if owner is None and hasattr(obj, "location"):
            owner = obj.location.practice_id
        if owner != practice_id:
            raise ServiceError(f"{obj} belongs to another practice.")


def provider_create(*, practice: Any, values: dict[str, Any], user: User | None = None) -> Provider:
    if user is not None:
        _same_practice(practice.pk, user)
    with transaction.atomic():
        provider = Provider(practice=practice, user=user, **values)
        _created(provider, "praxis.scheduling.provider.created")
    return provider


def resource_create(
    *, location: Location, kind: str, name: str, room: Room | None = None
) -> Resource:
    if room is not None and room.location_id != location.pk:
        raise ServiceError(f"{room.name} is not a room at {location}.")
    with transaction.atomic():
        resource = Resource(location=location, kind=kind, name=name.strip(), room=room)
        _created(resource, "praxis.scheduling.resource.created")
    return resource


def appointment_type_create(
    *,
    practice: Any,
    values: dict[str, Any],
    providers: Iterable[Provider] = (),
    required_resources: Iterable[Resource] = (),
) -> AppointmentType:
    providers, required_resources = list(providers), list(required_resources)
    _same_practice(practice.pk, *providers, *required_resources)
    with transaction.atomic():
        appointment_type = AppointmentType(practice=practice, **values)
        _created(appointment_type, "praxis.scheduling.appointment_type.created")
        appointment_type.providers.set(providers)
        appointment_type.required_resources.set(required_resources)
    return appointment_type


def _lock_provider_row(provider: Provider) -> None:
    # Two managers adding hours for one provider at once must not both pass the overlap check:
    # on PostgreSQL the row lock serializes them; SQLite's IMMEDIATE transaction already does.
    list(Provider.objects.select_for_update().filter(pk=provider.pk).values_list("pk"))


def _refuse_overlapping_hours(
    *,
    provider: Provider,
    weekday: int,
    start_time: time,
    end_time: time,
    effective_from: date,
    effective_to: date | None,
) -> None:
    """A provider is in one place at a time: two blocks of weekly hours on the same weekday
    whose dates and times overlap are refused, whatever their locations."""
    if end_time <= start_time:
        raise ServiceError("The hours must end after they start.")
    if effective_to is not None and effective_to < effective_from:
        raise ServiceError("The last day is before the first day.")
    clashes = AvailabilityTemplate.objects.filter(
        provider=provider,
        weekday=weekday,
        start_time__lt=end_time,
        end_time__gt=start_time,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
    if effective_to is not None:
        clashes = clashes.filter(effective_from__lte=effective_to)
    clash = clashes.select_related("location").order_by("start_time").first()
    if clash is not None:
        until = f" until {datefmt.date(clash.effective_to)}" if clash.effective_to else ""
        raise ServiceError(
            f"These hours overlap {provider}'s {clash.get_weekday_display()} hours "
            f"{datefmt.time_range(clash.start_time, clash.end_time)} at {clash.location} "
            f"(from {datefmt.date(clash.effective_from)}{until}). Change or remove those first.",
            code="hours_overlap",
        )


def availability_template_create(
    *,
    provider: Provider,
    location: Location,
    weekday: int,
    start_time: time,
    end_time: time,
    effective_from: date,
    effective_to: date | None = None,
    allowed_types: Iterable[AppointmentType] = (),
) -> AvailabilityTemplate:
    allowed_types = list(allowed_types)
    _same_practice(provider.practice_id, location, *allowed_types)
    with transaction.atomic():
        _lock_provider_row(provider)
        _refuse_overlapping_hours(
            provider=provider,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            effective_from=effective_from,
            effective_to=effective_to,
        )
        template = AvailabilityTemplate(
            provider=provider,
            location=location,
            weekday=weekday,
            start_time=start_time,
            end_time=end_time,
            effective_from=effective_from,
            effective_to=effective_to,
        )
        _created(template, "praxis.scheduling.availability_template.created")
        template.allowed_types.set(allowed_types)
    return template


def availability_exception_create(
    *,
    provider: Provider,
    kind: str,
    start: datetime,
    end: datetime,
    location: Location | None = None,
    note: str = "",
) -> AvailabilityException:
    require_aware(start)
    require_aware(end)
    if location is not None:
        _same_practice(provider.practice_id, location)
    if end <= start:
        raise ServiceError("The end is not after the start.")
    with transaction.atomic():
        exception = AvailabilityException(
            provider=provider, location=location, kind=kind, start=start, end=end, note=note
        )
        _created(exception, "praxis.scheduling.availability_exception.created", kind=kind)
    return exception


def provider_update(
    *, provider: Provider, values: dict[str, Any], user: User | None = None
) -> Provider:
    if user is not None:
        _same_practice(provider.practice_id, user)
    with transaction.atomic():
        changed = apply_changes(provider, {**values, "user": user})
        audit.record(
            "praxis.scheduling.provider.updated", obj=provider, details={"fields": changed}
        )
    return provider


def appointment_type_update(
    *,
    appointment_type: AppointmentType,
    values: dict[str, Any],
    providers: Iterable[Provider] = (),
    required_resources: Iterable[Resource] = (),
) -> AppointmentType:
    providers, required_resources = list(providers), list(required_resources)
    _same_practice(appointment_type.practice_id, *providers, *required_resources)
    with transaction.atomic():
        changed = apply_changes(appointment_type, values)
        appointment_type.providers.set(providers)
        appointment_type.required_resources.set(required_resources)
        audit.record(
            "praxis.scheduling.appointment_type.updated",
            obj=appointment_type,
            details={
                "fields": changed,
                "providers": sorted(p.pk for p in providers),
                "required_resources": sorted(r.pk for r in required_resources),
            },
        )
    return appointment_type


def availability_template_delete(*, template: AvailabilityTemplate) -> None:
    """Removes a block of weekly hours. Visits already booked in it stay booked."""
    with transaction.atomic():
        audit.record(
            "praxis.scheduling.availability_template.deleted",
            obj=template,
            details={
                "provider": template.provider_id,
                "location": template.location_id,
                "weekday": template.weekday,
                "start_time": template.start_time.isoformat(),
                "end_time": template.end_time.isoformat(),
            },
        )
        template.delete()


def availability_exception_delete(*, exception: AvailabilityException) -> None:
    with transaction.atomic():
        audit.record(
            "praxis.scheduling.availability_exception.deleted",
            obj=exception,
            details={
                "provider": exception.provider_id,
                "kind": exception.kind,
                "start": exception.start.isoformat(),
                "end": exception.end.isoformat(),
            },
        )
        exception.delete()
