"""Patient pages: find, register, view, edit; coverages and eligibility checks; documents;
payers; merging duplicates. Views are thin: access, one service, a page. What a page shows of a
patient is audited by construction (core/phi_audit.py: one PHI-read event per response); views
only label the read. Ids are the only patient data in URLs (the search box is sent as a POST)."""

from __future__ import annotations

import logging
from copy import copy
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of, requires
from praxis.core.downloads import stored_attachment
from praxis.core.forms import refusals_shown_on, show_service_error
from praxis.core.service_support import ServiceError

from . import coverages, documents, merge, payers, registration, selectors, uploads
from .access import (
    access_coverage_by_id,
    access_document_by_id,
    access_patient_by_id,
    patients_visible_to,
)
from .forms import (
    CoverageEndForm,
    CoverageForm,
    DocumentForm,
    EligibilityForm,
    MergeForm,
    PatientForm,
    PayerForm,
    RegisterForm,
    SearchForm,
)
from .models import Coverage, Patient, PatientDocument, Payer

logger = logging.getLogger("praxis.patients")

VIEW = "patients.view_patient"
MANAGE = "patients.manage_patient"
PAGE_SIZE = 50
SEARCH_LIMIT = 50


def _status(*forms_: forms.BaseForm | None) -> int:
    return 400 if any(f is not None and f.errors for f in forms_) else 200


# --- find ------------------------------------------------------------------------------------


@requires(VIEW)
@require_GET
def patient_list(request: AuthedRequest) -> HttpResponse:
    patients = selectors.patient_search(request.user, "")
    page = Paginator(patients, PAGE_SIZE).get_page(request.GET.get("page"))
    phi_audit.shown(what="patient_list")
    return render(
        request,
        "patients/list.html",
        {"form": SearchForm(), "page": page, "results": None},
    )


@requires(VIEW)
@require_POST
def patient_search(request: AuthedRequest) -> HttpResponse:
    """The search box. A POST so that names and dates of birth stay out of URLs and logs."""
    form = SearchForm(request.POST)
    results: list[Patient] = []
    more = False
    if form.is_valid():
        found = list(
            selectors.patient_search(request.user, form.cleaned_data["q"])[: SEARCH_LIMIT + 1]
        )
        more = len(found) > SEARCH_LIMIT
        results = found[:SEARCH_LIMIT]
        phi_audit.shown(what="patient_search")
    template = "patients/list.html#results" if request.htmx else "patients/list.html"
    return render(
        request,
        template,
        {"form": form, "page": None, "results": results, "more": more, "searched": True},
        status=_status(form),
    )


# --- register, view, edit --------------------------------------------------------------------


def _open_patient(request: AuthedRequest, patient_id: int) -> Patient:
    """A patient whose record can still change: a record merged away is closed (404)."""
    patient = access_patient_by_id(request.user, patient_id)
    if patient.is_merged:
        raise Http404
    return patient


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def patient_register(request: AuthedRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None)
    form.fields["confirm_duplicate"].widget = forms.HiddenInput()
    candidates: list[Patient] = []
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in registration.DEMOGRAPHIC_FIELDS}
        try:
            patient = registration.patient_register(
                practice=practice_of(request.user),
                values=values,
                registered_by=request.user,
                confirm_duplicate=form.cleaned_data["confirm_duplicate"],
            )
        except registration.DuplicateWarning as warning:
            candidates = warning.candidates
            form.add_error(None, warning.messages[0])
            form.fields["confirm_duplicate"].widget = forms.CheckboxInput()
            phi_audit.shown(what="duplicate_candidates")
        except ServiceError as error:
            show_service_error(form, error)
        else:
            messages.success(request, f"Registered {patient.display_name}, MRN {patient.mrn}.")
            # Registration goes on to the insurance, in the same flow (it may be skipped).
            return redirect(reverse("patients:coverage_add", args=[patient.pk]) + REGISTERING)
    return render(
        request,
        "patients/patient_form.html",
        {"form": form, "patient": None, "candidates": candidates},
        status=_status(form),
    )


def _detail(request: AuthedRequest, patient: Patient, **forms_: Any) -> HttpResponse:
    can_manage = request.user.has_perm(MANAGE)
    upload_form = forms_.get("upload_form") or (DocumentForm() if can_manage else None)
    return render(
        request,
        "patients/detail.html",
        {
            "patient": patient,
            "coverages": selectors.patient_coverages(patient),
            "documents": selectors.patient_documents(patient),
            "upload_form": upload_form,
            "can_manage": can_manage and not patient.is_merged,
            "can_merge": request.user.has_perm("patients.merge_patient") and not patient.is_merged,
        },
        status=_status(upload_form),
    )


@requires(VIEW)
@require_GET
def patient_detail(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = access_patient_by_id(request.user, patient_id)
    phi_audit.shown(patient.pk, obj=patient)
    return _detail(request, patient)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def patient_edit(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = _open_patient(request, patient_id)
    # The form works on a copy: the page header keeps the stored name while the form has errors.
    form = PatientForm(request.POST or None, instance=copy(patient))
    phi_audit.shown(patient.pk, obj=patient, what="edit")
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in registration.PATIENT_UPDATE_FIELDS}
        with refusals_shown_on(form):
            registration.patient_update(patient=patient, values=values, updated_by=request.user)
            messages.success(request, "Saved.")
            return redirect("patients:detail", patient_id=patient.pk)
    return render(
        request,
        "patients/patient_form.html",
        {"form": form, "patient": patient, "candidates": []},
        status=_status(form),
    )


# --- coverages -------------------------------------------------------------------------------


# The query that marks the coverage page as registration's insurance step.
REGISTERING = "?step=insurance"


def _coverage_page(
    request: AuthedRequest,
    patient: Patient,
    form: CoverageForm,
    coverage: Coverage | None = None,
    end_form: CoverageEndForm | None = None,
) -> HttpResponse:
    return render(
        request,
        "patients/coverage_form.html",
        {
            "patient": patient,
            "coverage": coverage,
            "form": form,
            "end_form": end_form or (CoverageEndForm() if coverage else None),
            "registering": coverage is None and request.GET.get("step") == "insurance",
        },
        status=_status(form, end_form),
    )


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def coverage_add(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = _open_patient(request, patient_id)
    in_use = selectors.practice_payers(practice_of(request.user), active_only=True)
    form = CoverageForm(request.POST or None, payers=in_use)
    phi_audit.shown(patient.pk, obj=patient, what="coverage_add")
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in coverages.COVERAGE_FIELDS}
        with refusals_shown_on(form):
            coverages.coverage_add(patient=patient, values=values, added_by=request.user)
            messages.success(request, "Coverage added.")
            if request.GET.get("step") == "insurance":  # registration's last step: what's next
                return redirect("patients:detail", patient_id=patient.pk)
            return redirect(reverse("patients:detail", args=[patient.pk]) + "#coverages")
    return _coverage_page(request, patient, form)


def _payers_for(request: AuthedRequest, coverage: Coverage) -> Any:
    every_payer = selectors.practice_payers(practice_of(request.user))
    return every_payer.filter(Q(is_active=True) | Q(pk=coverage.payer_id))


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def coverage_edit(request: AuthedRequest, coverage_id: int) -> HttpResponse:
    coverage = access_coverage_by_id(request.user, coverage_id)
    patient = coverage.patient
    if patient.is_merged:
        raise Http404
    form = CoverageForm(
        request.POST or None,
        instance=copy(coverage),
        payers=_payers_for(request, coverage),
    )
    phi_audit.shown(patient.pk, obj=coverage, what="coverage")
    if request.method == "POST" and form.is_valid():
        values = {k: form.cleaned_data[k] for k in coverages.COVERAGE_FIELDS}
        with refusals_shown_on(form):
            coverages.coverage_update(coverage=coverage, values=values, updated_by=request.user)
            messages.success(request, "Coverage saved.")
            return redirect(reverse("patients:detail", args=[patient.pk]) + "#coverages")
    return _coverage_page(request, patient, form, coverage)


@requires(MANAGE)
@require_POST
def coverage_end(request: AuthedRequest, coverage_id: int) -> HttpResponse:
    coverage = access_coverage_by_id(request.user, coverage_id)
    end_form = CoverageEndForm(request.POST)
    if end_form.is_valid():
        with refusals_shown_on(end_form):
            coverages.coverage_end(
                coverage=coverage,
                end_date=end_form.cleaned_data["end_date"],
                ended_by=request.user,
            )
            messages.success(request, "Coverage ended.")
            return redirect(reverse("patients:detail", args=[coverage.patient_id]) + "#coverages")
    form = CoverageForm(instance=coverage, payers=_payers_for(request, coverage))
    return _coverage_page(request, coverage.patient, form, coverage, end_form)


@requires(MANAGE)
@require_http_methods(["GET", "POST"])
def coverage_eligibility(request: AuthedRequest, coverage_id: int) -> HttpResponse:
    coverage = access_coverage_by_id(request.user, coverage_id)
    form = EligibilityForm(request.POST or None)
    phi_audit.shown(coverage.patient_id, obj=coverage, what="coverage")
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            coverages.coverage_record_eligibility(
                coverage=coverage,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                checked_by=request.user,
            )
            messages.success(request, "Eligibility check recorded.")
            return redirect(reverse("patients:detail", args=[coverage.patient_id]) + "#coverages")
    return render(
        request,
        "patients/eligibility.html",
        {"coverage": coverage, "patient": coverage.patient, "form": form},
        status=_status(form),
    )


# --- documents -------------------------------------------------------------------------------


@requires(MANAGE)
@require_POST
def document_upload(request: AuthedRequest, patient_id: int) -> HttpResponse:
    patient = _open_patient(request, patient_id)
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        with refusals_shown_on(form):
            documents.document_upload(
                patient=patient,
                kind=form.cleaned_data["kind"],
                upload=form.cleaned_data["file"],
                uploaded_by=request.user,
            )
            messages.success(request, "Document uploaded.")
            return redirect(reverse("patients:detail", args=[patient.pk]) + "#documents")
    return _detail(request, patient, upload_form=form)


@requires(VIEW)
@require_GET
def document_download(request: AuthedRequest, document_id: int) -> HttpResponseBase:
    document = access_document_by_id(request.user, document_id)
    phi_audit.shown(document.patient_id, obj=document, what="document")
    return _attachment(document)


def _attachment(document: PatientDocument) -> FileResponse:
    return stored_attachment(
        document.storage_path,
        filename=uploads.download_name(document.original_filename, document.content_type),
        content_type=document.content_type,
    )


# --- merge -----------------------------------------------------------------------------------


@requires("patients.merge_patient")
@require_http_methods(["GET", "POST"])
def patient_merge(request: AuthedRequest, patient_id: int) -> HttpResponse:
    """Three steps: name the duplicate, review what will move, confirm. Only then merge."""
    keep = _open_patient(request, patient_id)
    form = MergeForm(request.POST or None)
    duplicate: Patient | None = None
    phi_audit.shown(keep.pk, obj=keep, what="merge")
    if request.method == "POST" and form.is_valid():
        duplicate = _duplicate_by_mrn(request, keep, form.cleaned_data["duplicate_mrn"])
        if duplicate is None:
            form.add_error("duplicate_mrn", "No other active record has this MRN.")
        elif form.cleaned_data["confirm"]:
            with refusals_shown_on(form):
                merge.patient_merge(keep=keep, duplicate=duplicate, merged_by=request.user)
                messages.success(
                    request, f"Merged MRN {duplicate.mrn} into this record. It cannot be undone."
                )
                return redirect("patients:detail", patient_id=keep.pk)
        elif form.cleaned_data["step"] == MergeForm.CONFIRM:
            form.add_error("confirm", "Tick this box to merge the records.")
        else:
            phi_audit.shown(duplicate.pk, what="merge_review")
            form = MergeForm(initial={"duplicate_mrn": duplicate.mrn, "step": MergeForm.CONFIRM})
    reviewing = duplicate is not None
    if reviewing:
        form.fields["duplicate_mrn"].widget = forms.HiddenInput()
    else:
        form.fields["confirm"].widget = forms.HiddenInput()
    return render(
        request,
        "patients/merge.html",
        {
            "keep": keep,
            "patient": keep,
            "duplicate": duplicate,
            "form": form,
            "moves": _moves(duplicate) if duplicate else None,
            "candidates": selectors.duplicates_of(keep) if not reviewing else [],
        },
        status=_status(form),
    )


def _duplicate_by_mrn(request: AuthedRequest, keep: Patient, mrn: str) -> Patient | None:
    found: Patient | None = (
        patients_visible_to(request.user)
        .filter(mrn=mrn.strip(), merged_into__isnull=True)
        .exclude(pk=keep.pk)
        .first()
    )
    return found


def _moves(duplicate: Patient) -> dict[str, int]:
    return {
        "coverages": duplicate.coverages.count(),
        "documents": duplicate.documents.count(),
    }


# --- payers ----------------------------------------------------------------------------------


@requires("patients.manage_payers")
@require_http_methods(["GET", "POST"])
def payer_list(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = PayerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            payer = payers.payer_create(practice=practice, values=form.cleaned_data)
            messages.success(request, f"Added {payer.name}.")
            return redirect("patients:payer_list")
    return render(
        request,
        "patients/payers.html",
        {"payers": selectors.practice_payers(practice), "form": form},
        status=_status(form),
    )


@requires("patients.manage_payers")
@require_http_methods(["GET", "POST"])
def payer_edit(request: AuthedRequest, payer_id: int) -> HttpResponse:
    practice = practice_of(request.user)
    payer = get_in_practice(Payer, practice=practice, what="payer", pk=payer_id)
    form = PayerForm(request.POST or None, instance=Payer.objects.get(pk=payer.pk))
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            payers.payer_update(payer=payer, values=form.cleaned_data)
            messages.success(request, f"Saved {form.cleaned_data['name']}.")
            return redirect("patients:payer_list")
    return render(
        request, "patients/payer_edit.html", {"payer": payer, "form": form}, status=_status(form)
    )
