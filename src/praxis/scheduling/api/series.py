"""/series: book a weekly series whole or not at all, and read one with its visits.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import datetime
from typing import Literal

from django.db.models import QuerySet
from ninja import Field, Schema, Status

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest
from praxis.core.api_support import ApiError, BodyIn, permission, with_errors
from praxis.core.bounds import Id, Instant

from ..access import appointments_visible_to
from ..booking_request import parties_from_api
from ..models import Appointment
from ..series import MAX_SERIES_COUNT, SeriesRefused
from ..series import series_book as book_series
from .routing import router
from .schemas import AppointmentOut, ConflictRange, appointment_out, listed


class SeriesIn(BodyIn):
    patient: Id
    provider: Id
    location: Id
    type: Id
    first_start: Instant = Field(description="with a UTC offset")
    # The limits live in book_series (a 400 names them), not here as well.
    count: int = Field(description=f"1 to {MAX_SERIES_COUNT} visits")
    interval_weeks: int = Field(1, description="every 1 to 12 weeks")
    resources: list[Id] | None = None


class SeriesOut(Schema):
    id: int
    interval_weeks: int
    count: int
    appointments: list[AppointmentOut]


class SeriesProblemOut(Schema):
    start: datetime | None = Field(description="None: the clocks skip this local time")
    local_label: str
    message: str
    conflict: ConflictRange | None


class SeriesRefusedOut(Schema):
    code: Literal["series_refused"]
    message: str
    problems: list[SeriesProblemOut]


def _conflict(start: datetime | None, end: datetime | None) -> ConflictRange | None:
    return ConflictRange(start=start, end=end) if start and end else None


def _series_out(visits: QuerySet[Appointment]) -> SeriesOut:
    """A series with its visits (404 when none is in `visits`)."""
    found = list(listed(visits).select_related("series").order_by("start", "pk"))
    if not found or found[0].series is None:
        raise ApiError(404, "not_found", "Not found.")
    series = found[0].series
    return SeriesOut(
        id=series.pk,
        interval_weeks=series.interval,
        count=series.count,
        appointments=[appointment_out(v) for v in found],
    )


def _refused(refused: SeriesRefused) -> Status[SeriesRefusedOut]:
    problems = [
        SeriesProblemOut(
            start=p.start,
            local_label=p.local_label,
            message=p.message,
            conflict=_conflict(*(p.conflict or (None, None))),
        )
        for p in refused.problems
    ]
    return Status(
        409,
        SeriesRefusedOut(
            code="series_refused", message=" ".join(refused.messages), problems=problems
        ),
    )


@router.post(
    "/series",
    response=with_errors({201: SeriesOut, 409: SeriesRefusedOut}),
    summary="Book a weekly series, whole or not at all (409 lists every visit that cannot be)",
)
@permission("scheduling.book_appointment", "patients.view_patient")
def series_book(
    request: AuthedRequest, body: SeriesIn
) -> Status[SeriesOut] | Status[SeriesRefusedOut]:
    parties = parties_from_api(request.auth, body)
    try:
        series = book_series(
            **parties,
            first_start=body.first_start,
            count=body.count,
            interval_weeks=body.interval_weeks,
            booked_by=request.auth,
        )
    except SeriesRefused as refused:
        return _refused(refused)
    return Status(201, _series_out(Appointment.objects.filter(series=series)))


@router.get(
    "/series/{series_id}", response=with_errors(SeriesOut), summary="A series with its visits"
)
@permission("scheduling.view_schedule", "patients.view_patient")
def series_detail(request: AuthedRequest, series_id: Id) -> SeriesOut:
    found = _series_out(appointments_visible_to(request.auth).filter(series_id=series_id))
    phi_audit.shown(found.appointments[0].patient.id, what="series")
    return found
