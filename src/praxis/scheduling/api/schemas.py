"""What several of scheduling's resources answer with: a reference to a named record, an
appointment, and the 409 of a taken time.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import datetime
from typing import Literal

from django.db.models import Model, Prefetch, QuerySet, prefetch_related_objects
from ninja import Field, Schema, Status

from praxis.core import time as wallclock

from ..booking import SlotTaken
from ..models import Appointment, AppointmentResource


class Ref(Schema):
    id: int
    name: str


class AppointmentOut(Schema):
    id: int
    patient: Ref
    provider: Ref
    location: Ref
    appointment_type: Ref
    start: datetime
    end: datetime
    local_start: datetime
    status: str
    resources: list[Ref]
    room: Ref | None
    checked_in_at: datetime | None
    roomed_at: datetime | None
    completed_at: datetime | None
    cancelled_at: datetime | None
    cancel_reason_code: str = Field(description="why it was canceled (empty if it was not)")
    cancel_reason: str
    late_cancel: bool
    series_id: int | None
    warnings: list[str] = Field(
        default_factory=list, description="booking: e.g. the provider's license has lapsed"
    )


class ConflictRange(Schema):
    start: datetime
    end: datetime


class SlotTakenOut(Schema):
    code: Literal["slot_taken"]
    message: str
    conflict: ConflictRange


def ref(obj: Model, name: str) -> Ref:
    return Ref(id=obj.pk, name=name)


# What an answer lists of a visit's resources; a no-op where the list selector prefetched them.
_HOLDS = Prefetch("resource_holds", queryset=AppointmentResource.objects.select_related("resource"))


def appointment_out(a: Appointment) -> AppointmentOut:
    prefetch_related_objects([a], _HOLDS)
    holds = a.resource_holds.all()
    return AppointmentOut(
        id=a.pk,
        patient=ref(a.patient, a.patient.display_name),
        provider=ref(a.provider, a.provider.display_name),
        location=ref(a.location, a.location.name),
        appointment_type=ref(a.appointment_type, a.appointment_type.name),
        start=a.start,
        end=a.end,
        local_start=a.start.astimezone(wallclock.zone_of(a.location)),
        status=a.status,
        resources=[ref(h.resource, h.resource.name) for h in holds],
        room=ref(a.room, a.room.name) if a.room else None,
        checked_in_at=a.checked_in_at,
        roomed_at=a.roomed_at,
        completed_at=a.completed_at,
        cancelled_at=a.cancelled_at,
        cancel_reason_code=a.cancel_reason_code,
        cancel_reason=a.cancel_reason,
        late_cancel=a.late_cancel,
        series_id=a.series_id,
        warnings=[a.license_warning] if a.license_warning else [],
    )


# What a list of visits needs beside the rows: two queries however long it is.
def listed(appointments: QuerySet[Appointment]) -> QuerySet[Appointment]:
    return appointments.select_related(
        "patient", "provider", "location", "appointment_type", "room"
    ).prefetch_related(_HOLDS)


def slot_taken(exc: SlotTaken) -> Status[SlotTakenOut]:
    return Status(
        409,
        SlotTakenOut(
            code="slot_taken",
            message=" ".join(exc.messages),
            conflict=ConflictRange(start=exc.conflict_start, end=exc.conflict_end),
        ),
    )
