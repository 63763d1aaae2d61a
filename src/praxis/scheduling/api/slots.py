"""GET /slots: free times for a visit type, the same search as the booking and moving pages.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import datetime, timedelta

from ninja import Field, Query, Schema

from praxis.core.access import AuthedRequest, practice_of
from praxis.core.api_support import ApiError, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, LocalTime

from ..access import access_appointment_by_id
from ..booking_request import appointment_type_in, location_in, provider_in
from ..filters import today_at
from ..slots import slot_search
from .routing import router
from .schemas import Ref, ref


class SlotOut(Schema):
    start: datetime = Field(description="UTC")
    end: datetime
    local_start: datetime = Field(description="The same instant in the location's time zone")
    provider: Ref
    location: Ref
    resources: list[Ref]


class SlotQuery(Schema):
    # Optional here so that a role without the permission gets 403 rather than 422 (ninja
    # validates before the permission check runs); `type` is required below.
    type: Id | None = Field(None, description="appointment type id (required unless moving)")
    provider: Id | None = None
    location: Id | None = None
    start: BoundedDate | None = Field(None, description="first local date; default today")
    end: BoundedDate | None = Field(None, description="last local date; default start + 13 days")
    earliest_time: LocalTime | None = Field(None, description="local time of day")
    limit: int = Field(20, ge=1, le=200)
    moving: Id | None = Field(
        None,
        description="an appointment to move: its own time counts as free, and its visit type "
        "is the default type",
    )


@router.get("/slots", response=with_errors(list[SlotOut]), summary="Free slots for a visit type")
@permission("scheduling.view_schedule")
def slots(request: AuthedRequest, query: Query[SlotQuery]) -> list[SlotOut]:
    practice = practice_of(request.auth)
    moving = None
    if query.moving is not None:
        moving = access_appointment_by_id(request.auth, query.moving)
    if query.type is not None:
        appointment_type = appointment_type_in(practice, query.type)
    elif moving is not None:
        appointment_type = moving.appointment_type
    else:
        raise ApiError(400, "rejected", "Give the appointment type: ?type=<id>.")
    location = location_in(practice, query.location) if query.location is not None else None
    provider = provider_in(practice, query.provider) if query.provider is not None else None
    start = query.start or today_at(practice, location)
    found = slot_search(
        appointment_type=appointment_type,
        providers=[provider] if provider else None,
        location=location,
        start_date=start,
        end_date=query.end or start + timedelta(days=13),
        earliest_time=query.earliest_time,
        limit=query.limit,
        moving=moving,
    )
    return [
        SlotOut(
            start=s.start,
            end=s.end,
            local_start=s.local_start,
            provider=ref(s.provider, s.provider.display_name),
            location=ref(s.location, s.location.name),
            resources=[ref(r, r.name) for r in s.resources],
        )
        for s in found
    ]
