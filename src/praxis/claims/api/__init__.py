"""/api/v1/claims/: claims from ready encounters, scrubbing, batches (create, read, download,
submit). The same services and selectors as the pages.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date, datetime

from django.http import HttpResponse
from ninja import Router, Schema, Status

from praxis.billing.models import Encounter
from praxis.core import audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import Id
from praxis.core.money import ApiMoney
from praxis.patients.models import Payer

from .. import batching, selectors, services
from ..models import Claim, ClaimBatch

router = Router(tags=["claims"])


class FindingOut(Schema):
    rule_id: str
    severity: str
    message: str
    fix_hint: str


class ClaimOut(Schema):
    id: int
    encounter_id: int
    patient_id: int
    payer_id: int
    date_of_service: date
    status: str
    total_charge: ApiMoney
    batch_id: int | None
    findings: list[FindingOut]


class ClaimIn(BodyIn):
    encounter_id: Id


class BatchIn(BodyIn):
    payer_id: Id


class BatchOut(Schema):
    id: int
    payer_id: int
    control_number: int
    claim_ids: list[int]
    created_at: datetime
    submitted_at: datetime | None


def _claim_out(claim: Claim) -> ClaimOut:
    return ClaimOut(
        id=claim.pk,
        encounter_id=claim.encounter_id,
        patient_id=claim.encounter.patient_id,
        payer_id=claim.payer_id,
        date_of_service=claim.encounter.date_of_service,
        status=claim.status,
        total_charge=claim.total_charge,
        batch_id=claim.batch_id,
        findings=[FindingOut.from_orm(f) for f in claim.findings.all()],
    )


def _batch_out(batch: ClaimBatch) -> BatchOut:
    return BatchOut(
        id=batch.pk,
        payer_id=batch.payer_id,
        control_number=batch.control_number,
        claim_ids=[c.pk for c in batch.claims.all()],
        created_at=batch.created_at,
        submitted_at=batch.submitted_at,
    )


def _claim(request: AuthedRequest, claim_id: int) -> Claim:
    return get_in_practice(
        Claim.objects.select_related("encounter").prefetch_related("findings"),
        practice=practice_of(request.auth),
        what="claim",
        pk=claim_id,
    )


def _batch(request: AuthedRequest, batch_id: int) -> ClaimBatch:
    return get_in_practice(
        ClaimBatch, practice=practice_of(request.auth), what="claim batch", pk=batch_id
    )


@router.get("/claims", response=with_errors(list[ClaimOut]), summary="The practice's claims")
@permission("claims.view_claims")
def list_claims(request: AuthedRequest, status: str = "") -> list[ClaimOut]:
    rows = selectors.claims_of(practice_of(request.auth), status=status).prefetch_related(
        "findings"
    )
    return [_claim_out(claim) for claim in rows[:500]]


@router.post("/claims", response=with_errors({201: ClaimOut}), summary="A claim from an encounter")
@permission("claims.work_claims")
def create_claim(request: AuthedRequest, body: ClaimIn) -> Status[ClaimOut]:
    practice = practice_of(request.auth)
    encounter = get_in_practice(
        Encounter, practice=practice, what="encounter", pk=body.encounter_id
    )
    claim = services.claim_create(practice=practice, encounter=encounter, by=request.auth)
    return Status(201, _claim_out(_claim(request, claim.pk)))


@router.get("/claims/{claim_id}", response=with_errors(ClaimOut), summary="One claim")
@permission("claims.view_claims")
def get_claim(request: AuthedRequest, claim_id: Id) -> ClaimOut:
    return _claim_out(_claim(request, claim_id))


@router.post("/claims/{claim_id}/scrub", response=with_errors(ClaimOut), summary="Scrub a claim")
@permission("claims.work_claims")
def scrub_claim(request: AuthedRequest, claim_id: Id) -> ClaimOut:
    services.claim_scrub(claim=_claim(request, claim_id), by=request.auth)
    return _claim_out(_claim(request, claim_id))


@router.post("/batches", response=with_errors({201: BatchOut}), summary="Batch a payer's claims")
@permission("claims.work_claims")
def create_batch(request: AuthedRequest, body: BatchIn) -> Status[BatchOut]:
    practice = practice_of(request.auth)
    payer = get_in_practice(Payer, practice=practice, what="payer", pk=body.payer_id)
    batch = batching.batch_create(practice=practice, payer=payer, by=request.auth)
    return Status(201, _batch_out(batch))


@router.get("/batches/{batch_id}", response=with_errors(BatchOut), summary="One batch")
@permission("claims.view_claims")
def get_batch(request: AuthedRequest, batch_id: Id) -> BatchOut:
    return _batch_out(_batch(request, batch_id))


@router.get(
    "/batches/{batch_id}/file",
    response=with_errors({200: None}),
    summary="The batch's 837P file",
)
@permission("claims.view_claims")
def download_batch(request: AuthedRequest, batch_id: Id) -> HttpResponse:
    batch = _batch(request, batch_id)
    patients = list(batch.claims.values_list("encounter__patient_id", flat=True))
    audit.record(
        "praxis.phi.read",
        obj=batch,
        details={"what": "claim batch file", "patient_ids": patients},
        actor=request.auth,
    )
    response = HttpResponse(batch.content, content_type="application/edi-x12")
    response["Content-Disposition"] = f'attachment; filename="{batch.filename}"'
    return response


@router.post("/batches/{batch_id}/submit", response=with_errors(BatchOut), summary="Submit")
@permission("claims.work_claims")
def submit_batch(request: AuthedRequest, batch_id: Id) -> BatchOut:
    return _batch_out(batching.batch_submit(batch=_batch(request, batch_id), by=request.auth))
