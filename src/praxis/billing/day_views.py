"""The day sheet (a day's payments and refunds by method and by user, to reconcile the cash
drawer), its CSV, and closing the day."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from django.contrib import messages
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from praxis.core import datefmt, phi_audit
from praxis.core import time as wallclock
from praxis.core.access import AuthedRequest, practice_of, requires
from praxis.core.exports import csv_response
from praxis.core.forms import refusals_as_messages
from praxis.core.models import Practice
from praxis.core.money import money_csv

from . import day_close
from .day_close import METHOD_LABELS, DaySheet
from .payment_forms import DayCloseForm, DayForm
from .permissions import CLOSE_DAY, VIEW_ACCOUNTS
from .today import practice_today

CSV_COLUMNS = (
    "receipt",
    "kind",
    "taken_at",
    "patient_mrn",
    "patient",
    "method",
    "reference",
    "amount",
    "taken_by",
    "location",
)


def _day(request: AuthedRequest) -> date:
    form = DayForm(request.GET)
    chosen = form.cleaned_data.get("day") if form.is_valid() else None
    return chosen or practice_today(practice_of(request.user))


def _day_url(day: date) -> str:
    return f"{reverse('billing:day_sheet')}?day={day.isoformat()}"


@requires(VIEW_ACCOUNTS)
@require_GET
def day_sheet(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    day = _day(request)
    today = practice_today(practice)
    sheet = day_close.day_sheet(practice, day)
    can_close = request.user.has_perm(CLOSE_DAY) and sheet.close is None and day <= today
    return render(
        request,
        "billing/day_sheet.html",
        {
            "sheet": sheet,
            "day_form": DayForm(initial={"day": day}),
            "close_form": DayCloseForm(initial={"day": day}) if can_close else None,
            "previous": day.fromordinal(day.toordinal() - 1),
            "next": day.fromordinal(day.toordinal() + 1) if day < today else None,
            "today": today,
        },
    )


def _rows(practice: Practice, sheet: DaySheet) -> Iterator[list[str]]:
    tz = wallclock.zone_of(practice)
    for p in sheet.payments:
        yield [
            str(p.number),
            p.get_kind_display(),
            p.taken_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
            p.patient.mrn,
            p.patient.display_name,
            METHOD_LABELS.get(p.method, p.method),
            p.reference,
            money_csv(p.amount),  # always positive: the kind says which way it went
            p.taken_by.email if p.taken_by else "",
            p.location.name if p.location else "",
        ]


@requires(VIEW_ACCOUNTS)
@require_GET
def day_sheet_csv(request: AuthedRequest) -> StreamingHttpResponse:
    practice = practice_of(request.user)
    day = _day(request)
    sheet = day_close.day_sheet(practice, day)
    # Built here, not while streaming: the patients read are named in this response's PHI event.
    rows = list(_rows(practice, sheet))
    phi_audit.shown(*(p.patient_id for p in sheet.payments), what="day_sheet_csv")
    return csv_response(f"day-sheet-{day.isoformat()}.csv", CSV_COLUMNS, rows)


@requires(CLOSE_DAY)
@require_POST
def day_close_view(request: AuthedRequest) -> HttpResponse:
    form = DayCloseForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        day = form.cleaned_data.get("day") or practice_today(practice_of(request.user))
        return redirect(_day_url(day))
    day = form.cleaned_data["day"]
    with refusals_as_messages(request):
        day_close.day_close(
            practice=practice_of(request.user),
            day=day,
            by=request.user,
            note=form.cleaned_data["note"],
        )
        messages.success(request, f"Closed {datefmt.day(day)}.")
    return redirect(_day_url(day))
