"""The biller's pages: the queue of visits to bill, "Bill this visit", a new encounter by hand,
the encounter page with its coding form (diagnoses with ICD-10-CM search as you type, charge
lines), "Mark ready to bill" and the void. Views are thin: access, one service or selector, a
page. Encounters are PHI: every page is audited (``phi_audit``)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, practice_of, requires
from praxis.core.forms import refusals_as_messages, refusals_shown_on
from praxis.core.models import Location, Practice
from praxis.core.money import ZERO
from praxis.core.service_support import ServiceError
from praxis.patients.access import access_patient_by_id
from praxis.patients.selectors import patient_id_by_mrn
from praxis.scheduling.access import access_appointment_by_id
from praxis.scheduling.models import Provider

from . import encounter_voids, encounters, selectors
from .encounter_forms import CodingForm, EncounterNewForm, QueueFilterForm, VoidForm
from .encounter_queue import QueueFilters, coverage_used, encounter_for, icd10_descriptions
from .models import ChargeLine, Encounter, EncounterDiagnosis
from .models.codes import dotted
from .selectors import normalize_icd10
from .today import practice_today

VIEW = ("billing.view_encounters", "patients.view_patient")
CODE = ("billing.code_encounters", "patients.view_patient")
QUEUE_LIMIT = 200


def _providers(practice: Practice) -> QuerySet[Provider]:
    return Provider.objects.filter(practice=practice).order_by("display_name")


def _locations(practice: Practice) -> QuerySet[Location]:
    return Location.objects.filter(practice=practice).order_by("name")


def queue_filters(practice: Practice, form: QueueFilterForm) -> QueueFilters:
    data = form.cleaned_data if form.is_valid() else {}
    return QueueFilters(
        practice=practice,
        provider=data.get("provider"),
        location=data.get("location"),
        date_from=data.get("date_from"),
        date_to=data.get("date_to"),
    )


@requires(*VIEW)
@require_GET
def queue(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = QueueFilterForm(
        request.GET, providers=_providers(practice), locations=_locations(practice)
    )
    filters = queue_filters(practice, form)
    visits = list(filters.visits_to_bill()[: QUEUE_LIMIT + 1])
    open_encounters = list(filters.encounters()[: QUEUE_LIMIT + 1])
    context = {
        "form": form,
        "visits": visits[:QUEUE_LIMIT],
        "more_visits": len(visits) > QUEUE_LIMIT,
        "encounters": open_encounters[:QUEUE_LIMIT],
        "more_encounters": len(open_encounters) > QUEUE_LIMIT,
        "today": practice_today(practice),
    }
    template = "billing/encounter_queue.html#results" if request.htmx else None
    status = 400 if form.errors else 200
    return render(request, template or "billing/encounter_queue.html", context, status=status)


@requires(*CODE, "scheduling.view_schedule")
@require_POST
def bill_visit(request: AuthedRequest, appointment_id: int) -> HttpResponse:
    """Open the encounter of a completed visit (or the one it has) and show it."""
    appointment = access_appointment_by_id(request.user, appointment_id)
    existing = appointment.encounters.exclude(status=Encounter.Status.VOIDED).first()
    if existing is not None:
        return redirect("billing:encounter", encounter_id=existing.pk)
    with refusals_as_messages(request):
        encounter = encounters.encounter_create_from_visit(appointment=appointment, by=request.user)
        messages.success(request, "Encounter opened: code it below.")
        return redirect("billing:encounter", encounter_id=encounter.pk)
    return redirect("scheduling:appointment", appointment_id=appointment.pk)


def _new_encounter(request: AuthedRequest, form: EncounterNewForm) -> Encounter:
    data = form.cleaned_data
    practice = practice_of(request.user)
    patient_id = patient_id_by_mrn(practice, data["mrn"])
    if patient_id is None:
        raise ServiceError({"mrn": ["No patient of this practice has that MRN."]})
    patient = access_patient_by_id(request.user, patient_id)
    day = data["date_of_service"]
    coverage = coverage_used(patient, day, data["coverage"])
    return encounters.encounter_create(
        patient=patient,
        date_of_service=day,
        rendering_provider=data["rendering_provider"],
        billing_provider=data["billing_provider"],
        location=data["location"],
        place_of_service=data["place_of_service"],
        coverage=coverage,
        by=request.user,
    )


@requires(*CODE)
@require_http_methods(["GET", "POST"])
def encounter_new(request: AuthedRequest) -> HttpResponse:
    practice = practice_of(request.user)
    form = EncounterNewForm(
        request.POST or None,
        providers=_providers(practice),
        locations=_locations(practice),
        initial={"date_of_service": practice_today(practice)},
    )
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            encounter = _new_encounter(request, form)
            messages.success(request, "Encounter opened: code it below.")
            return redirect("billing:encounter", encounter_id=encounter.pk)
    status = 400 if form.errors else 200
    return render(request, "billing/encounter_new.html", {"form": form}, status=status)


def _coding_form(
    request: AuthedRequest,
    encounter: Encounter,
    diagnoses: list[EncounterDiagnosis],
    lines: list[ChargeLine],
) -> CodingForm:
    codes = list(selectors.procedure_codes_in_use(encounter.practice, on=encounter.date_of_service))
    data = request.POST if request.method == "POST" else None
    return CodingForm(data, encounter=encounter, codes=codes, diagnoses=diagnoses, lines=lines)


@requires(*VIEW)
@require_http_methods(["GET", "POST"])
def encounter_detail(request: AuthedRequest, encounter_id: int) -> HttpResponse:
    """The encounter; a POST saves its coding (``encounter_code``)."""
    encounter = encounter_for(request.user, encounter_id)
    phi_audit.shown(encounter.patient_id, obj=encounter)
    editable = encounter.status in (Encounter.Status.DRAFT, Encounter.Status.CODED)
    can_code = request.user.has_perm("billing.code_encounters")
    diagnoses = list(encounter.diagnoses.all())
    lines = list(encounter.lines.select_related("procedure_code"))
    form = _coding_form(request, encounter, diagnoses, lines) if editable and can_code else None
    header_errors: dict[str, list[str]] = {}
    if request.method == "POST":
        if form is None:
            return _refused(request, encounter)
        if form.is_valid():
            try:
                encounters.encounter_code(
                    encounter=encounter,
                    diagnoses=form.cleaned_data["diagnoses"],
                    lines=form.cleaned_data["lines"],
                    by=request.user,
                )
            except ServiceError as error:
                header_errors = form.show_refusal(error)
            else:
                messages.success(request, "Coding saved.")
                return redirect("billing:encounter", encounter_id=encounter.pk)
    shown = [d.code for d in diagnoses] + (form.dx_values() if form is not None else [])
    described = icd10_descriptions(shown, on=encounter.date_of_service)
    context = {
        "encounter": encounter,
        "form": form,
        "header_errors": header_errors,
        "diagnoses": [(dotted(d.code), described.get(d.code, "")) for d in diagnoses],
        "dx_rows": [
            (field, described.get(normalize_icd10(str(field.value() or "")), ""))
            for field in (form.dx_fields() if form is not None else [])
        ],
        "lines": lines,
        "total": sum((line.amount for line in lines), ZERO),
        "can_code": can_code,
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "billing/encounter.html", context, status=status)


def _refused(request: AuthedRequest, encounter: Encounter) -> HttpResponse:
    if encounter.status in (Encounter.Status.DRAFT, Encounter.Status.CODED):
        messages.error(request, "You may look at encounters but not code them.")
    else:
        messages.error(
            request,
            f"The encounter is {encounter.get_status_display().lower()}: it is read-only.",
        )
    return redirect("billing:encounter", encounter_id=encounter.pk)


@requires(*VIEW)
@require_GET
def encounter_icd10(request: AuthedRequest, encounter_id: int) -> HttpResponse:
    """Search as you type for one diagnosis row: the codes in force on the date of service."""
    encounter = encounter_for(request.user, encounter_id)
    slot = request.GET.get("slot", "")
    slot = slot if slot.isdigit() and int(slot) < 12 else "0"
    q = (request.GET.get(f"dx-{slot}") or request.GET.get("q") or "").strip()[:100]
    results = selectors.icd10_search(q, on=encounter.date_of_service, limit=10) if q else []
    return render(
        request,
        "billing/encounter.html#icd10",
        {"results": results, "slot": slot, "q": q, "encounter": encounter},
    )


@requires(*CODE)
@require_POST
def encounter_ready(request: AuthedRequest, encounter_id: int) -> HttpResponse:
    encounter = encounter_for(request.user, encounter_id)
    with refusals_as_messages(request):
        encounters.encounter_mark_ready(encounter=encounter, by=request.user)
        messages.success(request, "Ready to bill: the charges are posted.")
    return redirect("billing:encounter", encounter_id=encounter.pk)


@requires(*CODE)
@require_http_methods(["GET", "POST"])
def encounter_void(request: AuthedRequest, encounter_id: int) -> HttpResponse:
    encounter = encounter_for(request.user, encounter_id)
    phi_audit.shown(encounter.patient_id, obj=encounter)
    form = VoidForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_shown_on(form):
            done = encounter_voids.encounter_void(
                encounter=encounter,
                reason=form.cleaned_data["reason"],
                replace=form.cleaned_data["replace"],
                by=request.user,
            )
            if done.replacement is not None:
                messages.success(request, "Voided. This is its replacement: correct it below.")
                return redirect("billing:encounter", encounter_id=done.replacement.pk)
            messages.success(request, "Voided.")
            return redirect("billing:encounter", encounter_id=encounter.pk)
    status = 400 if form.errors else 200
    return render(
        request,
        "billing/encounter_void.html",
        {"form": form, "encounter": encounter},
        status=status,
    )
