"""The Waitlist page: waiting patients, time freed by cancellations with the entries that fit,
and "Book this slot" (through the booking service; nothing is booked automatically)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from praxis.core import phi_audit
from praxis.core import time as wallclock
from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.forms import refusals_as_messages, refusals_shown_on
from praxis.core.models import Practice
from praxis.patients.access import access_patient_by_id
from praxis.patients.models import Patient

from . import waitlist
from .filters import still_waiting
from .models import WaitlistEntry, WaitlistOpening
from .waitlist_forms import WaitlistEntryForm

PERMS = ("scheduling.book_appointment", "patients.view_patient")


def _page(
    request: AuthedRequest, form: WaitlistEntryForm | None = None, status: int = 200
) -> HttpResponse:
    practice = practice_of(request.user)
    entries = list(still_waiting(practice))
    openings: list[dict[str, Any]] = []
    freed = waitlist.open_openings(practice)
    matches = waitlist.matches_for_each(freed)
    for opening in freed:
        tz = wallclock.zone_of(opening.location)
        openings.append(
            {
                "opening": opening,
                "local_start": opening.start.astimezone(tz),
                "local_end": opening.end.astimezone(tz),
                "matches": matches[opening.pk],
            }
        )
    patient_ids = {e.patient_id for e in entries} | {
        m.patient_id for o in openings for m in o["matches"]
    }
    phi_audit.shown(*sorted(patient_ids), what="waitlist")
    return render(
        request,
        "scheduling/waitlist.html",
        {
            "entries": entries,
            "openings": openings,
            "form": form or WaitlistEntryForm(practice=practice),
        },
        status=status,
    )


def _posted_entry(request: HttpRequest, practice: Practice) -> WaitlistEntry:
    """The entry named by the form; junk, missing and another practice's are the same 404."""
    try:
        pk = int(request.POST.get("entry") or 0)
    except ValueError as exc:
        raise Http404 from exc
    return get_in_practice(WaitlistEntry, practice=practice, what="waitlist entry", pk=pk)


@requires(*PERMS)
@require_GET
def waitlist_page(request: AuthedRequest) -> HttpResponse:
    return _page(request)


@requires(*PERMS)
@require_POST
def waitlist_add(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = WaitlistEntryForm(request.POST, practice=practice)
    if form.is_valid():
        data = form.cleaned_data
        found = (
            Patient.objects.filter(practice=practice, mrn=data["mrn"].strip())
            .values_list("pk", flat=True)
            .first()
        )
        if found is None:
            form.add_error("mrn", "No patient has this MRN.")
        else:
            patient = access_patient_by_id(request.user, found)
            with refusals_shown_on(form):
                waitlist.waitlist_entry_add(
                    patient=patient,
                    appointment_type=data["appointment_type"],
                    provider=data["provider"],
                    location=data["location"],
                    earliest_date=data["earliest_date"],
                    latest_date=data["latest_date"],
                    earliest_time=data["earliest_time"],
                    latest_time=data["latest_time"],
                    note=data["note"],
                    created_by=request.user,
                )
                messages.success(request, "Added to the waitlist.")
                return redirect("scheduling:waitlist")
    return _page(request, form, status=400)


@requires(*PERMS)
@require_POST
def waitlist_remove(request: AuthedRequest, entry_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    entry = get_in_practice(WaitlistEntry, practice=practice, what="waitlist entry", pk=entry_id)
    with refusals_as_messages(request):
        waitlist.waitlist_entry_remove(entry=entry, removed_by=request.user)
        messages.success(request, "Removed from the waitlist.")
    return redirect("scheduling:waitlist")


@requires(*PERMS)
@require_POST
def waitlist_decline(request: AuthedRequest, entry_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    entry = get_in_practice(WaitlistEntry, practice=practice, what="waitlist entry", pk=entry_id)
    with refusals_as_messages(request):
        waitlist.waitlist_entry_decline(entry=entry, declined_by=request.user)
        messages.success(request, "Back to waiting for the next freed time.")
    return redirect("scheduling:waitlist")


@requires(*PERMS)
@require_POST
def waitlist_book(request: AuthedRequest, opening_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    opening = get_in_practice(WaitlistOpening, practice=practice, what="freed time", pk=opening_id)
    entry = _posted_entry(request, practice)
    with refusals_as_messages(request):
        appointment = waitlist.waitlist_book(opening=opening, entry=entry, booked_by=request.user)
        messages.success(request, "Booked from the waitlist.")
        return redirect("scheduling:appointment", appointment_id=appointment.pk)
    return redirect("scheduling:waitlist")


@requires(*PERMS)
@require_POST
def waitlist_offer(request: AuthedRequest, opening_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    opening = get_in_practice(WaitlistOpening, practice=practice, what="freed time", pk=opening_id)
    entry = _posted_entry(request, practice)
    with refusals_as_messages(request):
        waitlist.waitlist_entry_offer(entry=entry, opening=opening, offered_by=request.user)
        messages.success(request, "Marked as offered. Book the slot once the patient accepts.")
    return redirect("scheduling:waitlist")


@requires(*PERMS)
@require_POST
def waitlist_dismiss(request: AuthedRequest, opening_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    opening = get_in_practice(WaitlistOpening, practice=practice, what="freed time", pk=opening_id)
    with refusals_as_messages(request):
        waitlist.waitlist_opening_dismiss(opening=opening, by=request.user)
    return redirect("scheduling:waitlist")
