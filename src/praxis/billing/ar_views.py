"""The accounts-receivable pages: aging by payer or by patient (and its CSV), the charge lines
behind each cell (and their CSV), the collections work list and a patient's collections notes.
Thin: the filters from the form, one selector (``aging``, ``collections``), a page."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.exports import csv_response
from praxis.core.forms import refusals_shown_on
from praxis.core.models import Practice
from praxis.core.money import ZERO, money_csv
from praxis.patients.access import access_patient_by_id
from praxis.patients.models import Payer

from . import aging, collections
from .aging import BUCKETS, NO_PAYER, AgingFilters, AgingRow
from .forms import AgingFilterForm, AgingLinesForm, CollectionNoteForm, CollectionsFilterForm

VIEW_AR = "billing.view_ar"
WORK = "billing.work_collections"
SEE_PATIENTS = "patients.view_patient"
PAGE_SIZE = 50


def _bad(form: forms.Form) -> bool:
    return form.is_bound and not form.is_valid()


def _page(rows: Any, request: AuthedRequest) -> Page:  # type: ignore[type-arg]
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


@requires(VIEW_AR, SEE_PATIENTS)
@require_GET
def ar_aging(request: AuthedRequest) -> HttpResponse:
    form = AgingFilterForm(request.GET or None)
    context: dict[str, Any] = {"form": form, "buckets": BUCKETS}
    if _bad(form):
        return render(request, "billing/ar_aging.html", context, status=400)
    filters = form.filters(practice_of(request.user))
    page = None
    if filters.by == "patient":
        page = _page(aging.aging_groups(filters), request)
        rows = aging.aging_rows(filters, page.object_list)
        phi_audit.shown(*(row.group for row in rows), what="ar_aging")
    else:
        rows = aging.aging_rows(filters)
    context |= {
        "filters": filters,
        "query": urlencode(filters.query()),
        "rows": rows,
        "page": page,
        "totals": aging.aging_totals(filters),
        "no_payer": NO_PAYER,
    }
    return render(request, "billing/ar_aging.html", context)


def _summary_csv(rows: list[AgingRow], totals: AgingRow) -> list[list[str]]:
    return [
        [
            row.name,
            row.mrn,
            *(money_csv(amount) for _, amount in row.cells),
            money_csv(row.total),
            str(row.lines),
        ]
        for row in [*rows, totals]
    ]


@requires(VIEW_AR, SEE_PATIENTS)
@require_GET
def ar_aging_csv(request: AuthedRequest) -> HttpResponse | StreamingHttpResponse:
    form = AgingFilterForm(request.GET or None)
    if _bad(form):
        return HttpResponse("Those filters are not valid.", status=400, content_type="text/plain")
    filters = form.filters(practice_of(request.user))
    rows = aging.aging_rows(filters)
    if filters.by == "patient":
        phi_audit.shown(*(row.group for row in rows), what="ar_aging_csv")
    header = ["Payer" if filters.by == "payer" else "Patient", "MRN"]
    header += [f"{b.label} days" for b in BUCKETS] + ["Total", "Lines"]
    return csv_response(
        f"ar-aging-by-{filters.by}-{filters.as_of.isoformat()}.csv",
        header,
        _summary_csv(rows, aging.aging_totals(filters)),
    )


def _group_name(
    request: AuthedRequest, practice: Practice, filters: AgingFilters, group: Any
) -> str:
    """The payer or patient a drill-down is about (another practice's: 404), or "All"."""
    if group is None:
        return "All payers" if filters.by == "payer" else "All patients"
    if filters.by == "payer":
        if group == NO_PAYER:
            return "No payer"
        return get_in_practice(Payer, practice=practice, what="payer", pk=group).name
    return access_patient_by_id(request.user, group).display_name


def _lines(request: AuthedRequest) -> tuple[AgingLinesForm, dict[str, Any]]:
    form = AgingLinesForm(request.GET or None)
    if _bad(form):
        return form, {}
    practice = practice_of(request.user)
    filters = form.filters(practice)
    data = form.cleaned_data if form.is_bound else {}
    group = data.get("group")
    bucket = aging.bucket_named(data.get("bucket") or "")
    return form, {
        "filters": filters,
        "query": urlencode(filters.query()),
        "group": group,
        "bucket": bucket,
        "group_name": _group_name(request, practice, filters, group),
        "lines": aging.aging_lines(filters, group=group, bucket=bucket),
    }


@requires(VIEW_AR, SEE_PATIENTS)
@require_GET
def ar_lines(request: AuthedRequest) -> HttpResponse:
    form, context = _lines(request)
    if not context:
        return render(request, "billing/ar_lines.html", {"form": form}, status=400)
    page = _page(context["lines"], request)
    rows = aging.with_age(context["filters"], page.object_list)
    phi_audit.shown(*(row.patient_id for row in rows), what="ar_lines")
    return render(
        request, "billing/ar_lines.html", {**context, "form": form, "page": page, "rows": rows}
    )


LINE_COLUMNS = ["Patient", "MRN", "Payer", "Date of service", "Billed on", "Code", "Charge"]
LINE_COLUMNS += ["Balance", "Days"]


@requires(VIEW_AR, SEE_PATIENTS)
@require_GET
def ar_lines_csv(request: AuthedRequest) -> HttpResponse | StreamingHttpResponse:
    _, context = _lines(request)
    if not context:
        return HttpResponse("Those filters are not valid.", status=400, content_type="text/plain")
    rows = aging.with_age(context["filters"], context["lines"])
    table = [
        [
            item.patient.display_name,
            item.patient.mrn,
            item.payer.name if item.payer else "",
            item.date_of_service.isoformat(),
            item.billed_on.isoformat(),
            item.charge_line.procedure_code.code,
            money_csv(item.charge_line.amount),
            money_csv(item.balance),  # type: ignore[attr-defined]
            str(item.days),  # type: ignore[attr-defined]
        ]
        for item in rows
    ]
    phi_audit.shown(*(item.patient_id for item in rows), what="ar_lines_csv")
    filters = context["filters"]
    return csv_response(f"ar-lines-{filters.as_of.isoformat()}.csv", LINE_COLUMNS, table)


@requires(WORK, SEE_PATIENTS)
@require_GET
def ar_collections(request: AuthedRequest) -> HttpResponse:
    form = CollectionsFilterForm(request.GET or None)
    if _bad(form):
        return render(request, "billing/ar_collections.html", {"form": form}, status=400)
    filters = form.filters(practice_of(request.user))
    due = bool(form.is_bound and form.cleaned_data.get("due"))
    page = _page(collections.collections_list(filters, follow_up_due=due), request)
    rows = [collections.named(row) for row in page.object_list]
    phi_audit.shown(*(row["patient_id"] for row in rows), what="ar_collections")
    return render(
        request,
        "billing/ar_collections.html",
        {"form": form, "filters": filters, "page": page, "rows": rows, "due": due},
    )


@requires(WORK, SEE_PATIENTS)
@require_http_methods(["GET", "POST"])
def ar_collection_patient(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient_by_id(request.user, patient_id)
    form = CollectionNoteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            collections.collection_note_add(
                patient=patient,
                note=form.cleaned_data["note"],
                follow_up_on=form.cleaned_data.get("follow_up_on"),
                by=request.user,
            )
            messages.success(request, f"Added a note for {patient.display_name}.")
            return redirect("billing:ar_collection_patient", patient_id=patient.pk)
    filters = AgingFilters.of(practice=patient.practice, by="patient")
    rows = aging.with_age(filters, aging.aging_lines(filters, group=patient.pk))
    phi_audit.shown(patient.pk, obj=patient, what="ar_collection_patient")
    return render(
        request,
        "billing/ar_collection_patient.html",
        {
            "patient": patient,
            "form": form,
            "rows": rows,
            "total": sum((row.balance for row in rows), ZERO),  # type: ignore[attr-defined]
            "notes": list(collections.collection_notes(patient)),
        },
        status=400 if form.errors else 200,
    )
