"""Front-desk actions beyond a single booking: moving a visit to another open slot, booking a
weekly series, and the visit-type colours the calendar links to. Thin: access, one service, a
page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from praxis.core import phi_audit
from praxis.core import time as wallclock
from praxis.core.access import AuthedRequest, practice_of, requires
from praxis.core.forms import refusals_shown_on
from praxis.core.service_support import ServiceError
from praxis.patients.access import access_patient_by_id

from . import colours
from .access import access_appointment_by_id, appointments_visible_to
from .booking import SlotTaken, appointment_reschedule
from .booking_request import parties_from_form
from .forms import RescheduleForm, RescheduleSearchForm, SeriesForm
from .models import Appointment, AppointmentType
from .rules import MOVABLE
from .series import OccurrenceProblem, SeriesRefused
from .series import series_book as book_series
from .slots import slot_search
from .views import SLOTS_SHOWN

BOOKERS = ("scheduling.book_appointment", "patients.view_patient")
SERIES_DEFAULTS = {"count": "8", "interval_weeks": "1"}


# --- moving a visit ----------------------------------------------------------------------------


@requires(*BOOKERS)
@require_GET
def reschedule(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment_by_id(request.user, appointment_id)
    return _reschedule_page(request, appointment, query=request.GET.dict())


@requires(*BOOKERS)
@require_POST
def reschedule_move(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment_by_id(request.user, appointment_id)
    form = RescheduleForm(request.POST, practice=practice_of(request.user))
    if not form.is_valid():
        return _reschedule_page(
            request, appointment, error="That slot could not be read; choose again.", status=400
        )
    data = form.cleaned_data
    try:
        appointment_reschedule(
            appointment=appointment,
            start=data["start"],
            provider=data["provider"],
            location=data["location"],
            rescheduled_by=request.user,
        )
    except ServiceError as error:
        # The service may have changed the object in memory before the database said no.
        appointment = access_appointment_by_id(request.user, appointment_id)
        taken = isinstance(error, SlotTaken)
        message = " ".join(error.messages)
        if taken:
            message = f"That time was taken meanwhile; the visit was not moved. {message}"
        return _reschedule_page(request, appointment, error=message, status=409 if taken else 400)
    when = wallclock.describe(appointment.start, wallclock.zone_of(appointment.location))
    messages.success(request, f"Moved to {when} with {appointment.provider.display_name}.")
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


def _reschedule_page(
    request: AuthedRequest,
    appointment: Appointment,
    *,
    query: dict[str, str] | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    phi_audit.shown(appointment.patient_id, obj=appointment)
    defaults = {
        "location": str(appointment.location_id),
        "from_date": timezone.localdate().isoformat(),
    }
    form = RescheduleSearchForm({**defaults, **(query or {})}, practice=practice_of(request.user))
    movable = appointment.status in MOVABLE
    slots = None
    if movable and form.is_valid():
        data = form.cleaned_data
        with refusals_shown_on(form):
            slots = slot_search(
                appointment_type=appointment.appointment_type,
                providers=None if data["any_provider"] else [appointment.provider],
                location=data["location"],
                start_date=data["from_date"],
                end_date=data["from_date"] + timedelta(days=27),
                earliest_time=data["earliest_time"],
                limit=SLOTS_SHOWN,
                moving=appointment,
            )
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


# --- a weekly series ---------------------------------------------------------------------------


@requires(*BOOKERS)
@require_GET
def series(request: AuthedRequest) -> HttpResponse:
    """The plan, pre-filled from a slot of the find page; nothing is checked against the
    calendar until the desk presses "Book the series"."""
    form = SeriesForm({**SERIES_DEFAULTS, **request.GET.dict()}, practice=practice_of(request.user))
    return _series_page(request, form)


@requires(*BOOKERS)
@require_POST
def series_book(request: AuthedRequest) -> HttpResponse:
    form = SeriesForm(request.POST, practice=practice_of(request.user))
    if not form.is_valid():
        return _series_page(request, form)
    data = form.cleaned_data
    parties = parties_from_form(request.user, data)
    try:
        booked = book_series(
            **parties,
            first_start=data["first_start"],
            count=data["count"],
            interval_weeks=data["interval_weeks"],
            booked_by=request.user,
        )
    except SeriesRefused as refused:
        return _series_page(request, form, problems=refused.problems, status=409)
    except ServiceError as error:
        form.add_error(None, " ".join(error.messages))
        return _series_page(request, form)
    messages.success(request, f"Booked {booked.count} visits.")
    return redirect("scheduling:series_detail", series_id=booked.pk)


def _series_page(
    request: AuthedRequest,
    form: SeriesForm,
    *,
    problems: list[OccurrenceProblem] | None = None,
    status: int = 200,
) -> HttpResponse:
    patient_id = form.data.get("patient")
    if not patient_id:
        raise Http404
    patient = access_patient_by_id(request.user, patient_id)
    phi_audit.shown(patient.pk, what="series booking")
    valid = form.is_valid()
    if not valid and status == 200:
        status = 400
    return render(
        request,
        "scheduling/series.html",
        {"form": form, "patient": patient, "problems": problems, "valid": valid},
        status=status,
    )


@requires("scheduling.view_schedule", "patients.view_patient")
@require_GET
def series_detail(request: AuthedRequest, series_id: int) -> HttpResponse:
    visits = list(
        appointments_visible_to(request.user)
        .filter(series_id=series_id)
        .select_related("patient", "provider", "location", "appointment_type")
        .order_by("start")
    )
    if not visits:
        raise Http404
    phi_audit.shown(visits[0].patient_id, what="series")
    rows = [(v, v.start.astimezone(wallclock.zone_of(v.location))) for v in visits]
    return render(request, "scheduling/series_detail.html", {"rows": rows, "first": visits[0]})


# --- visit-type colours ------------------------------------------------------------------------


@requires("scheduling.view_schedule")
@require_GET
def type_colours(request: AuthedRequest) -> HttpResponse:
    """No PHI in here, so it may be cached; the ETag changes whenever a colour does."""
    types: Any = AppointmentType.objects.filter(practice=practice_of(request.user)).order_by("pk")
    body = colours.type_stylesheet(types.values_list("pk", "colour"))
    etag = colours.etag_for(body)
    headers = {"ETag": etag, "Cache-Control": "private, no-cache"}
    if etag in {t.strip() for t in request.headers.get("If-None-Match", "").split(",")}:
        return HttpResponseNotModified(headers=headers)
    return HttpResponse(body, content_type="text/css; charset=utf-8", headers=headers)
