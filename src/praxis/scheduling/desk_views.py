"""Front-desk actions beyond a single booking: moving a visit to another open slot and the
visit-type colours the calendar links to. Thin: access, one service, a page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from praxis.core import audit
from praxis.core.access import practice_of, requires
from praxis.core.services import ServiceError

from . import colours, services, wallclock
from .access import access_appointment_by_id
from .forms import RescheduleForm, RescheduleSearchForm
from .models import Appointment, AppointmentType
from .views import SLOTS_SHOWN

BOOKERS = ("scheduling.book_appointment", "patients.view_patient")


# --- moving a visit ----------------------------------------------------------------------------


@requires(*BOOKERS)
@require_GET
def reschedule(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment_by_id(request.user, appointment_id)
    return _reschedule_page(request, appointment, query=request.GET.dict())


@requires(*BOOKERS)
@require_POST
def reschedule_move(request: HttpRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment_by_id(request.user, appointment_id)
    form = RescheduleForm(request.POST, practice=practice_of(request.user))
    if not form.is_valid():
        return _reschedule_page(
            request, appointment, error="That slot could not be read; choose again.", status=400
        )
    data = form.cleaned_data
    try:
        services.appointment_reschedule(
            appointment=appointment,
            start=data["start"],
            provider=data["provider"],
            location=data["location"],
            rescheduled_by=request.user,  # type: ignore[arg-type]
        )
    except ServiceError as error:
        # The service may have changed the object in memory before the database said no.
        appointment = access_appointment_by_id(request.user, appointment_id)
        taken = isinstance(error, services.SlotTaken)
        message = " ".join(error.messages)
        if taken:
            message = f"That time was taken meanwhile; the visit was not moved. {message}"
        return _reschedule_page(request, appointment, error=message, status=409 if taken else 400)
    when = wallclock.describe(appointment.start, wallclock.zone_of(appointment.location))
    messages.success(request, f"Moved to {when} with {appointment.provider.display_name}.")
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


def _reschedule_page(
    request: HttpRequest,
    appointment: Appointment,
    *,
    query: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    audit.audit_phi_read(request, patient_id=appointment.patient_id, obj=appointment)
    defaults = {
        "location": str(appointment.location_id),
        "from_date": timezone.localdate().isoformat(),
    }
    form = RescheduleSearchForm({**defaults, **(query or {})}, practice=practice_of(request.user))
    movable = appointment.status in services.MOVABLE
    slots = None
    if movable and form.is_valid():
        data = form.cleaned_data
        try:
            slots = services.slot_search(
                appointment_type=appointment.appointment_type,
                providers=None if data["any_provider"] else [appointment.provider],
                location=data["location"],
                start_date=data["from_date"],
                end_date=data["from_date"] + timedelta(days=27),
                earliest_time=data["earliest_time"],
                limit=SLOTS_SHOWN,
            )
        except ServiceError as refused:
            form.add_error(None, " ".join(refused.messages))
    if form.errors and status == 200:
        status = 400
    tz = wallclock.zone_of(appointment.location)
    return render(
        request,
        "scheduling/reschedule.html",
        {
            "appointment": appointment,
            "local_start": appointment.start.astimezone(tz),
            "local_end": appointment.end.astimezone(tz),
            "movable": movable,
            "form": form,
            "slots": slots,
            "error": error,
        },
        status=status,
    )


# --- visit-type colours ------------------------------------------------------------------------


@requires("scheduling.view_schedule")
@require_GET
def type_colours(request: HttpRequest) -> HttpResponse:
    """No PHI in here, so it may be cached; the ETag changes whenever a colour does."""
    types: Any = AppointmentType.objects.filter(practice=practice_of(request.user)).order_by("pk")
    body = colours.type_stylesheet(types.values_list("pk", "colour"))
    etag = colours.etag_for(body)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        return HttpResponseNotModified(headers=headers)
    return HttpResponse(body, content_type="text/css; charset=utf-8", headers=headers)
