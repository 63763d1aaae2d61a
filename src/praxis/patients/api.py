"""/api/v1/patients: find, register and update patients, their coverages and eligibility checks.
Same services and selectors as the pages; what a response carries of a patient is audited by
construction (core/phi_audit.py: the schemas read the fields, the response names the patients).

Searches are POSTs with a JSON body, so names and dates of birth stay out of URLs and logs.
No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Query, Router, Schema, Status

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, Instant, Offset

from . import coverages, registration, selectors
from .access import access_coverage_by_id, access_patient_by_id
from .models import Coverage, Patient, Payer

router = Router(tags=["patients"])

VIEW = "patients.view_patient"
MANAGE = "patients.manage_patient"


# --- schemas ---------------------------------------------------------------------------------


class PatientSummaryOut(Schema):
    id: int
    mrn: str
    legal_first_name: str
    legal_last_name: str
    preferred_name: str
    date_of_birth: date
    phone: str
    status: str
    merged_into_id: int | None


class PatientOut(PatientSummaryOut):
    legal_middle_name: str
    sex: str
    gender_identity: str
    email: str
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str
    preferred_language: str
    consent_sms: bool
    consent_email: bool
    consent_voicemail: bool
    consents_recorded_at: datetime | None
    emergency_contact_name: str
    emergency_contact_phone: str
    emergency_contact_relationship: str
    guarantor_name: str
    guarantor_relationship: str
    referral_source: str
    created_at: datetime


Text64 = Field("", max_length=64)
Text128 = Field("", max_length=128)


class PatientIn(BodyIn):
    legal_first_name: str = Field(..., max_length=64)
    legal_middle_name: str = Text64
    legal_last_name: str = Field(..., max_length=64)
    preferred_name: str = Text64
    date_of_birth: BoundedDate
    sex: Literal["F", "M", "U"]
    gender_identity: str = Text64
    phone: str = Field("", max_length=40, description="any format; stored as E.164")
    email: str = Field("", max_length=254)
    address_line1: str = Text128
    address_line2: str = Text128
    city: str = Text64
    state: str = Field("", max_length=2)
    postal_code: str = Field("", max_length=10)
    preferred_language: str = Field("English", max_length=32)
    consent_sms: bool = False
    consent_email: bool = False
    consent_voicemail: bool = False
    emergency_contact_name: str = Text128
    emergency_contact_phone: str = Field("", max_length=40)
    emergency_contact_relationship: str = Field("", max_length=32)
    guarantor_name: str = Text128
    guarantor_relationship: str = Field("", max_length=32)
    referral_source: str = Text128
    confirm_duplicate: bool = Field(
        False, description="true once the possible duplicates were checked: register anyway"
    )


class PatientPatch(BodyIn):
    """Only the fields sent are changed."""

    legal_first_name: str | None = Field(None, max_length=64)
    legal_middle_name: str | None = Field(None, max_length=64)
    legal_last_name: str | None = Field(None, max_length=64)
    preferred_name: str | None = Field(None, max_length=64)
    date_of_birth: BoundedDate | None = None
    sex: Literal["F", "M", "U"] | None = None
    gender_identity: str | None = Field(None, max_length=64)
    phone: str | None = Field(None, max_length=40)
    email: str | None = Field(None, max_length=254)
    address_line1: str | None = Field(None, max_length=128)
    address_line2: str | None = Field(None, max_length=128)
    city: str | None = Field(None, max_length=64)
    state: str | None = Field(None, max_length=2)
    postal_code: str | None = Field(None, max_length=10)
    preferred_language: str | None = Field(None, max_length=32)
    consent_sms: bool | None = None
    consent_email: bool | None = None
    consent_voicemail: bool | None = None
    emergency_contact_name: str | None = Field(None, max_length=128)
    emergency_contact_phone: str | None = Field(None, max_length=40)
    emergency_contact_relationship: str | None = Field(None, max_length=32)
    guarantor_name: str | None = Field(None, max_length=128)
    guarantor_relationship: str | None = Field(None, max_length=32)
    referral_source: str | None = Field(None, max_length=128)
    status: Literal["active", "inactive", "deceased"] | None = None


class DuplicateOut(Schema):
    code: str
    message: str
    candidates: list[int]


class SearchIn(BodyIn):
    query: str = Field(
        "", max_length=200, description="name words, a date of birth, an MRN or a phone number"
    )
    limit: int = Field(50, ge=1, le=200)


class ListQuery(Schema):
    limit: int = Field(50, ge=1, le=200)
    offset: Offset = 0


class PayerOut(Schema):
    id: int
    name: str
    edi_payer_id: str
    kind: str
    is_active: bool


class CoverageOut(Schema):
    id: int
    patient_id: int
    payer_id: int
    payer_name: str = Field(..., alias="payer.name")
    member_id: str
    group_number: str
    subscriber_name: str
    subscriber_relationship: str
    subscriber_date_of_birth: date | None
    priority: int
    effective_date: date
    end_date: date | None
    eligibility_status: str
    eligibility_checked_at: datetime | None
    eligibility_checked_by_id: int | None
    eligibility_note: str


class CoverageIn(BodyIn):
    payer_id: Id
    member_id: str = Field(..., max_length=40)
    group_number: str = Field("", max_length=40)
    subscriber_name: str = Field("", max_length=128)
    subscriber_relationship: Literal["18", "01", "19", "G8"] = Field(
        "18", description="X12 code: 18 self, 01 spouse, 19 child, G8 other"
    )
    subscriber_date_of_birth: BoundedDate | None = None
    priority: Literal[1, 2, 3] = 1
    effective_date: BoundedDate
    end_date: BoundedDate | None = None


class EligibilityIn(BodyIn):
    status: Literal["active", "inactive", "unknown"]
    note: str = Field("", max_length=255)
    checked_at: Instant | None = Field(None, description="when the check was made; default now")


# --- payers ----------------------------------------------------------------------------------
# Before the patient paths: "/payers" is not a patient id (ninja validates the id, not the URL).


@router.get("/payers", response=with_errors(list[PayerOut]), summary="The practice's payers")
@permission(VIEW)
def list_payers(request: AuthedRequest) -> list[Payer]:
    return list(selectors.practice_payers(practice_of(request.auth)))


# --- patients --------------------------------------------------------------------------------


@router.get("", response=with_errors(list[PatientSummaryOut]), summary="List patients, by name")
@permission(VIEW)
def list_patients(request: AuthedRequest, query: Query[ListQuery]) -> list[Patient]:
    patients = list(
        selectors.patient_search(request.auth, "")[query.offset : query.offset + query.limit]
    )
    phi_audit.shown(what="patient_list")
    return patients


@router.post("/search", response=with_errors(list[PatientSummaryOut]), summary="Find patients")
@permission(VIEW)
def search_patients(request: AuthedRequest, body: SearchIn) -> list[Patient]:
    patients = list(selectors.patient_search(request.auth, body.query)[: body.limit])
    phi_audit.shown(what="patient_search")
    return patients


@router.post(
    "",
    response=with_errors({201: PatientOut, 409: DuplicateOut}),
    summary="Register a patient (409 possible_duplicate lists records to check first)",
)
@permission(MANAGE)
def register_patient(request: AuthedRequest, body: PatientIn) -> Status[Any]:
    values = body.dict(exclude={"confirm_duplicate"})
    try:
        patient = registration.patient_register(
            practice=practice_of(request.auth),
            values=values,
            registered_by=request.auth,
            confirm_duplicate=body.confirm_duplicate,
        )
    except registration.DuplicateWarning as warning:
        return Status(
            409,
            {
                "code": "possible_duplicate",
                "message": warning.messages[0],
                "candidates": [c.pk for c in warning.candidates],
            },
        )
    return Status(201, patient)


@router.get("/{patient_id}", response=with_errors(PatientOut), summary="One patient")
@permission(VIEW)
def get_patient(request: AuthedRequest, patient_id: Id) -> Patient:
    patient = access_patient_by_id(request.auth, patient_id)
    phi_audit.shown(patient.pk, obj=patient)
    return patient


@router.patch(
    "/{patient_id}", response=with_errors(PatientOut), summary="Change a patient's details"
)
@permission(MANAGE)
def update_patient(request: AuthedRequest, patient_id: Id, body: PatientPatch) -> Patient:
    patient = access_patient_by_id(request.auth, patient_id)
    return registration.patient_update(
        patient=patient, values=body.dict(exclude_unset=True), updated_by=request.auth
    )


# --- coverages -------------------------------------------------------------------------------


@router.get(
    "/{patient_id}/coverages",
    response=with_errors(list[CoverageOut]),
    summary="A patient's coverages",
)
@permission(VIEW)
def list_coverages(request: AuthedRequest, patient_id: Id) -> list[Coverage]:
    patient = access_patient_by_id(request.auth, patient_id)
    phi_audit.shown(patient.pk, obj=patient, what="coverages")
    return list(selectors.patient_coverages(patient))


@router.post(
    "/{patient_id}/coverages",
    response=with_errors({201: CoverageOut}),
    summary="Add a coverage",
)
@permission(MANAGE)
def add_coverage(request: AuthedRequest, patient_id: Id, body: CoverageIn) -> Status[Coverage]:
    patient = access_patient_by_id(request.auth, patient_id)
    practice = practice_of(request.auth)
    payer = get_in_practice(Payer, practice=practice, what="payer", pk=body.payer_id)
    values = {**body.dict(exclude={"payer_id"}), "payer": payer}
    return Status(
        201, coverages.coverage_add(patient=patient, values=values, added_by=request.auth)
    )


@router.post(
    "/coverages/{coverage_id}/eligibility",
    response=with_errors(CoverageOut),
    summary="Record the outcome of an eligibility check",
)
@permission(MANAGE)
def record_eligibility(request: AuthedRequest, coverage_id: Id, body: EligibilityIn) -> Coverage:
    coverage = access_coverage_by_id(request.auth, coverage_id)
    return coverages.coverage_record_eligibility(
        coverage=coverage,
        status=body.status,
        note=body.note,
        checked_at=body.checked_at,
        checked_by=request.auth,
    )
