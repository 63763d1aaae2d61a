"""/encounters and /visits-to-bill: the biller's queue, opening an encounter (from a completed
visit or by hand), its coding, "ready to bill" and the void. The same services and selectors as
the pages (``encounter_queue.QueueFilters``, ``encounters``, ``encounter_voids``).

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Query, Schema, Status

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, Offset
from praxis.core.models import Location
from praxis.core.money import ZERO, ApiMoney
from praxis.core.service_support import ServiceError
from praxis.patients.access import access_patient_by_id
from praxis.scheduling.access import access_appointment_by_id
from praxis.scheduling.models import Provider

from .. import encounter_voids, encounters
from ..encounter_queue import QueueFilters, coverage_used, encounter_for
from ..encounters import LineInput
from ..models import ChargeLine, Encounter, ProcedureCode
from ..models.encounters import MAX_DIAGNOSES
from .routing import router

VIEW = ("billing.view_encounters", "patients.view_patient")
CODE = ("billing.code_encounters", "patients.view_patient")


class QueueQuery(Schema):
    provider_id: Id | None = None
    location_id: Id | None = None
    date_from: BoundedDate | None = None
    date_to: BoundedDate | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class EncounterQuery(QueueQuery):
    status: list[Literal["draft", "coded", "ready", "billed", "voided"]] = Field(
        ["draft", "coded"], description="default: not yet ready (draft and coded)"
    )


class VisitToBillOut(Schema):
    appointment_id: int
    start: datetime
    patient_id: int
    patient_name: str
    provider_id: int
    location_id: int
    appointment_type: str


class ChargeLineOut(Schema):
    line_number: int
    procedure_code: str
    modifiers: list[str]
    units: int
    pointers: list[int]
    unit_fee: ApiMoney
    amount: ApiMoney
    ndc: str


class EncounterOut(Schema):
    id: int
    status: str
    patient_id: int
    appointment_id: int | None
    date_of_service: date
    rendering_provider_id: int
    billing_provider_id: int
    location_id: int
    place_of_service: str
    coverage_id: int | None = Field(description="null: self-pay")
    diagnoses: list[str] = Field(description="in order, without the dot: E119")
    lines: list[ChargeLineOut]
    total: ApiMoney
    replaces_id: int | None
    void_reason: str


class EncounterIn(BodyIn):
    """From a completed visit (``appointment_id`` alone), or by hand (the other fields)."""

    appointment_id: Id | None = None
    patient_id: Id | None = None
    date_of_service: BoundedDate | None = None
    rendering_provider_id: Id | None = None
    billing_provider_id: Id | None = Field(None, description="empty: the rendering provider")
    location_id: Id | None = None
    place_of_service: str = Field("11", max_length=2)
    coverage: Literal["primary", "secondary", "self_pay"] = "primary"


class LineIn(Schema):
    procedure_code: str = Field(..., max_length=5, description="the practice's code: 99213")
    modifiers: list[str] = Field([], max_length=8)
    units: int = Field(1, ge=-9999, le=9999)
    pointers: list[int] = Field(
        [1], max_length=8, description="diagnosis positions, 1 to 4 of them"
    )
    ndc: str = Field("", max_length=13)


class CodingIn(BodyIn):
    diagnoses: list[str] = Field(..., max_length=MAX_DIAGNOSES * 2)
    lines: list[LineIn] = Field(..., max_length=100)


class VoidIn(BodyIn):
    reason: str = Field(..., max_length=200)
    replace: bool = Field(True, description="open a replacement with the same coding")


class VoidOut(Schema):
    voided: EncounterOut
    replacement: EncounterOut | None


def _out(encounter: Encounter) -> EncounterOut:
    """One encounter as the API shows it (two queries: its diagnoses, its lines)."""
    return _out_from(
        encounter,
        [d.code for d in encounter.diagnoses.order_by("position")],
        list(encounter.lines.select_related("procedure_code").order_by("line_number")),
    )


def _filters(request: AuthedRequest, query: QueueQuery) -> QueueFilters:
    practice = practice_of(request.auth)
    return QueueFilters(
        practice=practice,
        provider=None
        if query.provider_id is None
        else get_in_practice(Provider, practice=practice, what="provider", pk=query.provider_id),
        location=None
        if query.location_id is None
        else get_in_practice(Location, practice=practice, what="location", pk=query.location_id),
        date_from=query.date_from,
        date_to=query.date_to,
    )


@router.get(
    "/visits-to-bill",
    response=with_errors(list[VisitToBillOut]),
    summary="Completed visits with no encounter, oldest first",
)
@permission(*VIEW)
def visits_to_bill(request: AuthedRequest, query: Query[QueueQuery]) -> list[VisitToBillOut]:
    visits = _filters(request, query).visits_to_bill()[query.offset : query.offset + query.limit]
    return [
        VisitToBillOut(
            appointment_id=v.pk,
            start=v.start,
            patient_id=v.patient_id,
            patient_name=v.patient.display_name,
            provider_id=v.provider_id,
            location_id=v.location_id,
            appointment_type=v.appointment_type.name,
        )
        for v in visits
    ]


@router.get(
    "/encounters",
    response=with_errors(list[EncounterOut]),
    summary="Encounters (default: draft and coded, oldest first)",
)
@permission(*VIEW)
def list_encounters(request: AuthedRequest, query: Query[EncounterQuery]) -> list[EncounterOut]:
    rows = _filters(request, query).encounters(query.status)
    rows = rows.prefetch_related("diagnoses", "lines__procedure_code")
    found = list(rows[query.offset : query.offset + query.limit])
    for encounter in found:
        phi_audit.shown(encounter.patient_id)
    return [_summary(e) for e in found]


def _summary(encounter: Encounter) -> EncounterOut:
    """``_out`` from prefetched diagnoses and lines (the list: no query per encounter)."""
    lines = sorted(encounter.lines.all(), key=lambda line: line.line_number)
    diagnoses = sorted(encounter.diagnoses.all(), key=lambda d: d.position)
    return _out_from(encounter, [d.code for d in diagnoses], lines)


def _out_from(encounter: Encounter, diagnoses: list[str], lines: list[ChargeLine]) -> EncounterOut:
    return EncounterOut(
        id=encounter.pk,
        status=encounter.status,
        patient_id=encounter.patient_id,
        appointment_id=encounter.appointment_id,
        date_of_service=encounter.date_of_service,
        rendering_provider_id=encounter.rendering_provider_id,
        billing_provider_id=encounter.billing_provider_id,
        location_id=encounter.location_id,
        place_of_service=encounter.place_of_service,
        coverage_id=encounter.coverage_id,
        diagnoses=diagnoses,
        lines=[
            ChargeLineOut(
                line_number=line.line_number,
                procedure_code=line.procedure_code.code,
                modifiers=line.modifiers,
                units=line.units,
                pointers=line.diagnosis_pointers,
                unit_fee=line.unit_fee,
                amount=line.amount,
                ndc=line.ndc,
            )
            for line in lines
        ],
        total=sum((line.amount for line in lines), ZERO),
        replaces_id=encounter.replaces_id,
        void_reason=encounter.void_reason,
    )


def _by_hand(request: AuthedRequest, body: EncounterIn) -> Encounter:
    missing = [
        name
        for name in ("patient_id", "date_of_service", "rendering_provider_id", "location_id")
        if getattr(body, name) is None
    ]
    if missing:
        raise ServiceError(
            {
                name: ["Required for an encounter opened by hand (or send appointment_id)."]
                for name in missing
            }
        )
    assert body.date_of_service is not None
    practice = practice_of(request.auth)
    patient = access_patient_by_id(request.auth, body.patient_id)
    rendering = get_in_practice(
        Provider, practice=practice, what="provider", pk=body.rendering_provider_id
    )
    billing = None
    if body.billing_provider_id is not None:
        billing = get_in_practice(
            Provider, practice=practice, what="provider", pk=body.billing_provider_id
        )
    return encounters.encounter_create(
        patient=patient,
        date_of_service=body.date_of_service,
        rendering_provider=rendering,
        billing_provider=billing,
        location=get_in_practice(Location, practice=practice, what="location", pk=body.location_id),
        place_of_service=body.place_of_service,
        coverage=coverage_used(patient, body.date_of_service, body.coverage),
        by=request.auth,
    )


@router.post(
    "/encounters",
    response=with_errors({201: EncounterOut}),
    summary="Open an encounter: from a completed visit (appointment_id) or by hand",
)
@permission(*CODE)
def create_encounter(request: AuthedRequest, body: EncounterIn) -> Status[EncounterOut]:
    if body.appointment_id is not None:
        if not request.auth.has_perm("scheduling.view_schedule"):
            raise ServiceError("Opening an encounter from a visit needs access to the schedule.")
        appointment = access_appointment_by_id(request.auth, body.appointment_id)
        encounter = encounters.encounter_create_from_visit(appointment=appointment, by=request.auth)
    else:
        encounter = _by_hand(request, body)
    return Status(201, _out(encounter))


@router.get(
    "/encounters/{encounter_id}", response=with_errors(EncounterOut), summary="One encounter"
)
@permission(*VIEW)
def get_encounter(request: AuthedRequest, encounter_id: Id) -> EncounterOut:
    encounter = encounter_for(request.auth, encounter_id)
    phi_audit.shown(encounter.patient_id, obj=encounter)
    return _out(encounter)


def _lines(encounter: Encounter, body: CodingIn) -> list[LineInput]:
    wanted = {line.procedure_code.strip().upper() for line in body.lines}
    codes = {
        code.code: code
        for code in ProcedureCode.objects.filter(practice_id=encounter.practice_id, code__in=wanted)
    }
    unknown = {
        f"lines.{n}": [f"Line {n}: {line.procedure_code!r} is not one of this practice's codes."]
        for n, line in enumerate(body.lines, start=1)
        if line.procedure_code.strip().upper() not in codes
    }
    if unknown:
        raise ServiceError(unknown)
    return [
        LineInput(
            procedure_code=codes[line.procedure_code.strip().upper()],
            units=line.units,
            pointers=tuple(line.pointers),
            modifiers=tuple(line.modifiers),
            ndc=line.ndc,
        )
        for line in body.lines
    ]


@router.put(
    "/encounters/{encounter_id}/coding",
    response=with_errors(EncounterOut),
    summary="Set the diagnoses (in order) and charge lines; every coding check runs",
)
@permission(*CODE)
def code_encounter(request: AuthedRequest, encounter_id: Id, body: CodingIn) -> EncounterOut:
    encounter = encounter_for(request.auth, encounter_id)
    coded = encounters.encounter_code(
        encounter=encounter,
        diagnoses=body.diagnoses,
        lines=_lines(encounter, body),
        by=request.auth,
    )
    return _out(coded)


@router.post(
    "/encounters/{encounter_id}/ready",
    response=with_errors(EncounterOut),
    summary="Mark a coded encounter ready to bill: its charges are posted",
)
@permission(*CODE)
def ready_encounter(request: AuthedRequest, encounter_id: Id) -> EncounterOut:
    encounter = encounter_for(request.auth, encounter_id)
    return _out(encounters.encounter_mark_ready(encounter=encounter, by=request.auth))


@router.post(
    "/encounters/{encounter_id}/void",
    response=with_errors(VoidOut),
    summary="Void an encounter (a ready one's charges reversed), optionally with a replacement",
)
@permission(*CODE)
def void_encounter(request: AuthedRequest, encounter_id: Id, body: VoidIn) -> VoidOut:
    encounter = encounter_for(request.auth, encounter_id)
    done = encounter_voids.encounter_void(
        encounter=encounter, reason=body.reason, replace=body.replace, by=request.auth
    )
    return VoidOut(
        voided=_out(done.voided),
        replacement=_out(done.replacement) if done.replacement is not None else None,
    )
