"""Encounters (superbills): opened from a completed visit or by hand, coded (diagnoses and
charge lines, each checked against the code sets and the fee schedule for the date of service),
and marked ready, which posts the charges to the ledger (``ledger.charges_post``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from zoneinfo import ZoneInfo

from django.db import transaction

from praxis.core import audit
from praxis.core.models import Location, User
from praxis.core.money import ZERO, round_money
from praxis.core.service_support import ServiceError
from praxis.core.time import local_date
from praxis.patients.models import Coverage, Patient
from praxis.scheduling.models import Appointment, Provider

from .constants import MODIFIERS, PLACES_OF_SERVICE
from .ledger import charges_post
from .models import ChargeLine, Encounter, EncounterDiagnosis, ProcedureCode
from .models.codes import MAX_UNITS, dotted
from .models.encounters import MAX_DIAGNOSES, MAX_MODIFIERS, MAX_POINTERS, OFFICE
from .selectors import fee_for, icd10_in_force, normalize_icd10

NDC_DIGITS = 11


@dataclass(frozen=True)
class LineInput:
    """One charge line as coded: the code, units, the positions of its diagnoses (1-based, in
    the order they point), modifiers and an NDC for drugs."""

    procedure_code: ProcedureCode
    units: int = 1
    pointers: Sequence[int] = (1,)
    modifiers: Sequence[str] = field(default_factory=tuple)
    ndc: str = ""


def _check_provider(provider: Provider, role: str, practice_id: int) -> None:
    if provider.practice_id != practice_id:
        raise ServiceError(f"The {role} provider is not one of this practice's.")
    if not (provider.npi or "").strip():
        raise ServiceError(
            f"The {role} provider, {provider.display_name}, has no NPI; add it before billing."
        )


def _primary_coverage(patient: Patient, on: date) -> Coverage | None:
    for coverage in patient.coverages.select_related("payer").order_by(
        "priority", "-effective_date"
    ):
        if coverage.in_effect_on(on):
            return coverage
    return None


def encounter_create(
    *,
    patient: Patient,
    date_of_service: date,
    rendering_provider: Provider,
    location: Location,
    by: User | None,
    billing_provider: Provider | None = None,
    place_of_service: str = OFFICE,
    coverage: Coverage | None = None,
    appointment: Appointment | None = None,
) -> Encounter:
    """A draft encounter. ``coverage`` None is self-pay."""
    billing = billing_provider or rendering_provider
    practice_id = patient.practice_id
    _check_provider(rendering_provider, "rendering", practice_id)
    _check_provider(billing, "billing", practice_id)
    if location.practice_id != practice_id:
        raise ServiceError("The location is not one of this practice's.")
    if place_of_service not in PLACES_OF_SERVICE:
        raise ServiceError(f"{place_of_service!r} is not a place-of-service code Praxis knows.")
    if coverage is not None:
        if coverage.patient_id != patient.pk:
            raise ServiceError("That coverage is not this patient's.")
        if not coverage.in_effect_on(date_of_service):
            raise ServiceError(
                f"The coverage is not in effect on the date of service, {date_of_service:%m/%d/%Y}."
            )
    with transaction.atomic():
        encounter = Encounter.objects.create(
            practice_id=practice_id,
            patient=patient,
            appointment=appointment,
            date_of_service=date_of_service,
            rendering_provider=rendering_provider,
            billing_provider=billing,
            location=location,
            place_of_service=place_of_service,
            coverage=coverage,
            created_by=by,
        )
        audit.record(
            "praxis.billing.encounter.created",
            obj=encounter,
            patient_id=patient.pk,
            details={"appointment": appointment.pk if appointment else None},
            actor=by,
        )
    return encounter


def encounter_create_from_visit(*, appointment: Appointment, by: User | None) -> Encounter:
    """The encounter of a completed visit: its patient, provider and location, the visit's day
    on the location's clock, and the patient's primary coverage in effect that day."""
    if appointment.status != Appointment.Status.COMPLETED:
        raise ServiceError("Only a completed visit becomes an encounter.")
    with transaction.atomic():
        Appointment.objects.select_for_update().filter(pk=appointment.pk).values_list("pk").first()
        live = Encounter.objects.filter(appointment=appointment)
        if live.exclude(status=Encounter.Status.VOIDED).exists():
            raise ServiceError("This visit already has an encounter.")
        day = local_date(appointment.start, ZoneInfo(appointment.location.time_zone))
        return encounter_create(
            patient=appointment.patient,
            date_of_service=day,
            rendering_provider=appointment.provider,
            location=appointment.location,
            coverage=_primary_coverage(appointment.patient, day),
            appointment=appointment,
            by=by,
        )


# Where a coding refusal points (the page puts each message next to it; the API names it):
# "diagnoses" / "lines" for the lists, "diagnoses.3" / "lines.2" for one (1-based), and
# "rendering_provider" / "billing_provider".
Refusals = dict[str, list[str]]


def _refuse(found: Refusals, where: str, message: str) -> None:
    found.setdefault(where, []).append(message)


def _provider_refusals(encounter: Encounter, found: Refusals) -> None:
    for role, provider in (
        ("rendering", encounter.rendering_provider),
        ("billing", encounter.billing_provider),
    ):
        try:
            _check_provider(provider, role, encounter.practice_id)
        except ServiceError as error:
            _refuse(found, f"{role}_provider", " ".join(error.messages))


def _coded_diagnoses(encounter: Encounter, diagnoses: Sequence[str], found: Refusals) -> list[str]:
    day = encounter.date_of_service
    if not diagnoses:
        _refuse(found, "diagnoses", "Add at least one diagnosis.")
    if len(diagnoses) > MAX_DIAGNOSES:
        _refuse(found, "diagnoses", f"An encounter carries at most {MAX_DIAGNOSES} diagnoses.")
    codes: list[str] = []
    for position, text in enumerate(diagnoses, start=1):
        where = f"diagnoses.{position}"
        code = normalize_icd10(text)
        known = icd10_in_force(code, on=day)
        if known is None:
            _refuse(
                found,
                where,
                f"{text.strip()!r} is not an ICD-10-CM code in force on {day:%m/%d/%Y}.",
            )
        elif not known.billable:
            _refuse(
                found,
                where,
                f"{dotted(code)} is a category, not a billable code: choose a more specific "
                "code beneath it.",
            )
        elif code in codes:
            _refuse(found, where, f"{dotted(code)} is listed twice.")
        codes.append(code)
    return codes


def _line_refusal(encounter: Encounter, number: int, line: LineInput, positions: int) -> str:
    """The first thing wrong with a line ("" when nothing is)."""
    try:
        _check_line(encounter, number, line, positions)
    except ServiceError as error:
        return " ".join(error.messages)
    return ""


def _check_line(encounter: Encounter, number: int, line: LineInput, positions: int) -> list[str]:
    code = line.procedure_code
    day = encounter.date_of_service
    where = f"Line {number} ({code.code})"
    if code.practice_id != encounter.practice_id:
        raise ServiceError(f"{where}: no such procedure code in this practice.")
    if code.active_from > day or (code.active_to is not None and code.active_to < day):
        raise ServiceError(f"{where}: the code is not active on {day:%m/%d/%Y}.")
    if isinstance(line.units, bool) or not isinstance(line.units, int) or line.units <= 0:
        raise ServiceError(f"{where}: units must be a whole number of 1 or more.")
    if line.units > MAX_UNITS:
        raise ServiceError(f"{where}: at most {MAX_UNITS} units.")
    pointers = list(line.pointers)
    if not pointers or len(pointers) > MAX_POINTERS:
        raise ServiceError(f"{where}: point at one to {MAX_POINTERS} diagnoses.")
    for pointer in pointers:
        if pointer < 1 or pointer > positions:
            raise ServiceError(
                f"{where} points at diagnosis {pointer}, but the encounter has "
                f"{positions} diagnos{'i' if positions == 1 else 'e'}s."
            )
    if len(set(pointers)) != len(pointers):
        raise ServiceError(f"{where} points at the same diagnosis twice.")
    modifiers = [m.strip().upper() for m in line.modifiers if m.strip()]
    if len(modifiers) > MAX_MODIFIERS:
        raise ServiceError(f"{where}: at most {MAX_MODIFIERS} modifiers.")
    for modifier in modifiers:
        if modifier not in MODIFIERS:
            raise ServiceError(f"{where}: {modifier!r} is not a modifier Praxis knows.")
    ndc = line.ndc.replace("-", "").strip()
    if ndc and (not ndc.isdigit() or len(ndc) != NDC_DIGITS):
        raise ServiceError(f"{where}: an NDC is {NDC_DIGITS} digits (5-4-2).")
    return modifiers


def _priced_line(current: Encounter, number: int, line: LineInput) -> ChargeLine | str:
    """The line priced from the fee schedule, or what refuses it."""
    modifiers = [m.strip().upper() for m in line.modifiers if m.strip()]
    payer = current.coverage.payer if current.coverage is not None else None
    day = current.date_of_service
    fee = fee_for(
        current.practice, line.procedure_code, modifiers[0] if modifiers else "", payer, day
    )
    if fee is None and modifiers:
        fee = fee_for(current.practice, line.procedure_code, "", payer, day)
    if fee is None:
        return (
            f"Line {number} ({line.procedure_code.code}): no fee on the schedule for "
            f"{day:%m/%d/%Y}; add one first."
        )
    return ChargeLine(
        encounter=current,
        line_number=number,
        procedure_code=line.procedure_code,
        modifiers=modifiers,
        units=line.units,
        diagnosis_pointers=list(line.pointers),
        unit_fee=fee.amount,
        amount=round_money(fee.amount * line.units),
        ndc=line.ndc.replace("-", "").strip(),
    )


def encounter_code(
    *, encounter: Encounter, diagnoses: Sequence[str], lines: Sequence[LineInput], by: User | None
) -> Encounter:
    """Set the encounter's diagnoses (in order) and charge lines, replacing what was coded
    before; each line's amount is the fee schedule's for the date of service (the coverage's
    payer's contracted fee, else the standard fee) times its units. Every coding check runs and
    a refusal names each diagnosis, line and provider at fault (``Refusals``); nothing is
    written unless all pass."""
    with transaction.atomic():
        current = Encounter.objects.select_for_update().get(pk=encounter.pk)
        if current.status not in (Encounter.Status.DRAFT, Encounter.Status.CODED):
            raise ServiceError(
                f"The encounter is {current.get_status_display().lower()}: its charges are "
                "posted, so its coding no longer changes here."
                if current.status != Encounter.Status.VOIDED
                else "The encounter is voided: it no longer changes."
            )
        found: Refusals = {}
        codes = _coded_diagnoses(current, diagnoses, found)
        if not lines:
            _refuse(found, "lines", "Add at least one charge line.")
        rows: list[ChargeLine] = []
        for number, line in enumerate(lines, start=1):
            refusal = _line_refusal(current, number, line, len(diagnoses))
            priced = refusal or _priced_line(current, number, line)
            if isinstance(priced, str):
                _refuse(found, f"lines.{number}", priced)
            else:
                rows.append(priced)
        _provider_refusals(current, found)
        if found:
            raise ServiceError(found)
        current.diagnoses.all().delete()
        current.lines.all().delete()
        EncounterDiagnosis.objects.bulk_create(
            EncounterDiagnosis(encounter=current, position=position, code=code)
            for position, code in enumerate(codes, start=1)
        )
        ChargeLine.objects.bulk_create(rows)
        current.status = Encounter.Status.CODED
        current.save(update_fields=["status"])
        audit.record(
            "praxis.billing.encounter.coded",
            obj=current,
            patient_id=current.patient_id,
            details={"diagnoses": codes, "lines": [row.procedure_code.code for row in rows]},
            actor=by,
        )
    encounter.status = current.status
    return current


def encounter_mark_ready(*, encounter: Encounter, by: User | None) -> Encounter:
    """Coded → ready: the charges are posted to the ledger in the same transaction."""
    with transaction.atomic():
        current = Encounter.objects.select_for_update().get(pk=encounter.pk)
        if current.status != Encounter.Status.CODED:
            raise ServiceError(
                f"Only a coded encounter can be marked ready; this one is "
                f"{current.get_status_display().lower()}."
            )
        _check_provider(current.rendering_provider, "rendering", current.practice_id)
        _check_provider(current.billing_provider, "billing", current.practice_id)
        if sum((line.amount for line in current.lines.all()), ZERO) <= ZERO:
            raise ServiceError("The encounter's charges come to $0.00: there is nothing to bill.")
        current.status = Encounter.Status.READY
        current.save(update_fields=["status"])
        charges_post(encounter=current, by=by)
        audit.record(
            "praxis.billing.encounter.ready",
            obj=current,
            patient_id=current.patient_id,
            actor=by,
        )
    encounter.status = current.status
    return current
