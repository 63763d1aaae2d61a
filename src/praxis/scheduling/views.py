"""Scheduling pages: the location calendar (day and week), finding and booking a slot, an
appointment's page with its status steps, and the ready-for-tomorrow board. Thin: access, one
service or selector, a page."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core import phi_audit
from praxis.core import time as wallclock
from praxis.core.access import AuthedRequest, practice_of, requires
from praxis.core.forms import refusals_as_messages, refusals_shown_on
from praxis.core.models import Location
from praxis.patients.access import access_patient_by_id
from praxis.patients.selectors import patient_search

from . import selectors
from .access import access_appointment_by_id
from .booking import appointment_book
from .booking_request import PossibleDuplicate, parties_from_form, refuse_possible_duplicate
from .calendar_grid import day_grid, room_day_grid
from .forms import (
    BoardForm,
    BookForm,
    CalendarForm,
    CancelForm,
    FindSlotForm,
    PatientPickForm,
    TransitionForm,
    search_again_query,
)
from .models import Appointment
from .readiness import CHECKS, board_balances, not_tracked, readiness_rows, summarize
from .rules import MOVABLE
from .slots import slot_search
from .visits import allowed_steps, appointment_cancel, appointment_transition

SLOTS_SHOWN = 12
PATIENTS_SHOWN = 10


@requires("scheduling.view_schedule", "patients.view_patient")
@require_GET
def calendar(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    first_location = Location.objects.filter(practice=practice, is_active=True).first()
    data: dict[str, Any] = {"mode": "day", "location": first_location.pk if first_location else ""}
    data.update({k: v for k, v in request.GET.items() if v})
    form = CalendarForm(data, practice=practice)
    if not form.is_valid():
        return render(request, "scheduling/calendar.html", {"form": form}, status=400)
    filters = form.filters()
    form.data = {**data, "date": filters.day}  # the date box shows the day shown
    location, day, mode = form.cleaned_data["location"], filters.day, form.cleaned_data["mode"]
    context: dict[str, Any] = {"form": form, "location": location, "day": day, "mode": mode}
    appointments = list(filters.appointments())
    tz = wallclock.zone_of(location)
    if filters.week:
        monday, _ = selectors.week_of(day)
        days = [monday + timedelta(days=i) for i in range(7)]
        context["week"] = [
            (d, [a for a in appointments if a.start.astimezone(tz).date() == d]) for d in days
        ]
        context["previous"], context["next"] = day - timedelta(days=7), day + timedelta(days=7)
    else:
        active = [a for a in appointments if a.is_active]
        if form.cleaned_data["by"] == "room":
            context["grid"] = room_day_grid(
                location=location,
                day=day,
                appointments=active,
                resources=selectors.bookable_resources(location=location),
            )
        else:
            context["grid"] = day_grid(
                location=location, day=day, appointments=active, now=timezone.now()
            )
        context["cancelled"] = [a for a in appointments if not a.is_active]
        context["previous"], context["next"] = day - timedelta(days=1), day + timedelta(days=1)
    phi_audit.shown(*(a.patient_id for a in appointments), what=f"calendar {mode}")
    with timezone.override(tz):  # times on the clinic's clock
        return render(request, "scheduling/calendar.html", context)


@requires("scheduling.book_appointment", "patients.view_patient")
@require_GET
def find_slot(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    patient = None
    if request.GET.get("patient"):
        patient = access_patient_by_id(request.user, request.GET["patient"])
        phi_audit.shown(patient.pk, what="booking")
    initial = {"from_date": timezone.localdate()}
    form = FindSlotForm(
        request.GET if "appointment_type" in request.GET else None,
        initial={**initial, **request.GET.dict()},
        practice=practice,
    )
    slots = None
    if form.is_bound and form.is_valid() and patient is not None:
        data = form.cleaned_data
        slots = slot_search(
            appointment_type=data["appointment_type"],
            providers=[data["provider"]] if data["provider"] else None,
            location=data["location"],
            start_date=data["from_date"],
            end_date=data["from_date"] + timedelta(days=27),
            earliest_time=data["earliest_time"],
            limit=SLOTS_SHOWN,
        )
    status = 400 if form.is_bound and form.errors else 200
    return render(
        request,
        "scheduling/find.html",
        {"form": form, "patient": patient, "slots": slots, "pick_form": PatientPickForm()},
        status=status,
    )


@requires("scheduling.book_appointment", "patients.view_patient")
@require_POST
def pick_patient(request: AuthedRequest) -> HttpResponse:
    """htmx: patients matching the search box (a POST, so names stay out of URLs and logs)."""
    form = PatientPickForm(request.POST)
    patients = (
        list(patient_search(request.user, form.cleaned_data["q"])[:PATIENTS_SHOWN])
        if (form.is_valid())
        else []
    )
    return render(
        request,
        "scheduling/find.html#patient-choices",
        {"patients": patients, "pick_form": form, "query": request.POST.dict()},
    )


@requires("scheduling.book_appointment", "patients.view_patient")
@require_POST
def book(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = BookForm(request.POST, practice=practice)
    if not form.is_valid():
        messages.error(request, "That slot could not be read; search again.")
        return redirect("scheduling:find")
    parties = parties_from_form(request.user, form.cleaned_data)
    search_again = (
        reverse("scheduling:find")
        + "?"
        + search_again_query(
            form.cleaned_data["searched"],
            patient=parties["patient"].pk,
            appointment_type=parties["appointment_type"].pk,
            location=parties["location"].pk,
        )
    )
    try:
        refuse_possible_duplicate(
            parties,
            start=form.cleaned_data["start"],
            allow_duplicate=form.cleaned_data["allow_duplicate"],
        )
    except PossibleDuplicate as warning:  # the same form again, with a box to confirm
        phi_audit.shown(parties["patient"].pk, what="booking")
        return render(
            request,
            "scheduling/book_confirm.html",
            {"form": form, "warning": warning, "search_again": search_again},
        )
    with refusals_as_messages(request):
        appointment = appointment_book(
            **parties, start=form.cleaned_data["start"], booked_by=request.user
        )
        messages.success(request, "Booked.")
        if appointment.license_warning:
            messages.warning(request, appointment.license_warning)
        return redirect("scheduling:appointment", appointment_id=appointment.pk)
    # Refused (the message says why): back to the same search, for this patient.
    response = redirect(search_again)
    response.status_code = 303
    return response


@requires("scheduling.view_schedule", "patients.view_patient")
@require_GET
def appointment_detail(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment_by_id(request.user, appointment_id)
    phi_audit.shown(appointment.patient_id, obj=appointment)
    return _appointment_page(request, appointment)


def _appointment_page(
    request: HttpRequest,
    appointment: Appointment,
    *,
    status: int = 200,
) -> HttpResponse:
    tz = wallclock.zone_of(appointment.location)
    with timezone.override(tz):  # the template's date filters show the clinic's clock
        return render(
            request,
            "scheduling/appointment.html",
            {
                "appointment": appointment,
                "local_start": appointment.start.astimezone(tz),
                "local_end": appointment.end.astimezone(tz),
                "next_steps": [step.value for step in allowed_steps(appointment)],
                "status_labels": dict(Appointment.Status.choices),
                "transition_form": TransitionForm(appointment=appointment),
                "can_cancel": appointment.status in MOVABLE,
            },
            status=status,
        )


@requires("scheduling.update_appointment_status", "patients.view_patient")
@require_POST
def transition(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    appointment = access_appointment_by_id(request.user, appointment_id)
    form = TransitionForm(request.POST, appointment=appointment)
    if form.is_valid():
        with refusals_as_messages(request):
            appointment_transition(
                appointment=appointment,
                to_status=form.cleaned_data["to"],
                by=request.user,
                room=form.cleaned_data["room"],
            )
            messages.success(request, f"Now {appointment.get_status_display().lower()}.")
    else:
        messages.error(request, "Choose a valid next step.")
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


@requires("scheduling.book_appointment", "patients.view_patient")
@require_http_methods(["GET", "POST"])
def cancel(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    """The confirm step: the visit, why it is canceled, then the cancel itself (POST)."""
    appointment = access_appointment_by_id(request.user, appointment_id)
    phi_audit.shown(appointment.patient_id, obj=appointment)
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            appointment_cancel(
                appointment=appointment,
                reason_code=form.cleaned_data["reason_code"],
                reason=form.cleaned_data["reason"],
                cancelled_by=request.user,
            )
            messages.success(request, "Canceled; the time is free again.")
            return redirect("scheduling:appointment", appointment_id=appointment.pk)
    if appointment.status not in MOVABLE:
        messages.error(request, "This visit can no longer be canceled.")
        return redirect("scheduling:appointment", appointment_id=appointment.pk)
    tz = wallclock.zone_of(appointment.location)
    with timezone.override(tz):
        return render(
            request,
            "scheduling/cancel.html",
            {"appointment": appointment, "form": form},
            status=400 if form.errors else 200,
        )


@requires("scheduling.view_readiness_board", "patients.view_patient")
@require_GET
def readiness_board(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = BoardForm(request.GET or None, practice=practice)
    if form.is_bound and not form.is_valid():
        return render(request, "scheduling/board.html", {"form": form}, status=400)
    data = form.cleaned_data if form.is_bound else {}
    day, rows = readiness_rows(
        practice=practice, day=data.get("date"), location=data.get("location")
    )
    problems = data.get("problems") or []
    shown = [r for r in rows if all(r.fails(key) for key in problems)]
    phi_audit.shown(*(r.appointment.patient_id for r in shown), what="readiness board")
    balances = board_balances(shown)
    return render(
        request,
        "scheduling/board.html",
        {
            "form": form,
            "day": day,
            "rows": shown,
            "summary": summarize(rows),
            "checks": CHECKS,
            "balances": balances,
            "not_tracked": not_tracked(balances),
        },
    )
