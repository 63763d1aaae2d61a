"""/ar: accounts receivable aging (by payer or patient, from the date of service or the billing
date, as of a day), the charge lines behind a cell, the collections work list and its notes. The
same ``AgingFilters`` and selectors as the pages.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Any, Literal

from ninja import Field, Query, Schema, Status

from praxis.core import phi_audit
from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, Offset
from praxis.core.money import ApiMoney
from praxis.patients.access import access_patient_by_id
from praxis.patients.models import Payer

from .. import aging, collections
from ..aging import BUCKET_KEYS, NO_PAYER, AgingFilters, AgingRow
from ..models.collections import NOTE_MAX_LENGTH
from .routing import router

BucketKey = Literal["d0_30", "d31_60", "d61_90", "d91_120", "d120_plus"]
assert set(BucketKey.__args__) == set(BUCKET_KEYS)  # type: ignore[attr-defined]


class AgingQuery(Schema):
    by: Literal["payer", "patient"] = "payer"
    basis: Literal["service", "billed"] = Field(
        "service", description="age from the date of service or from the billing date"
    )
    as_of: BoundedDate | None = Field(None, description="empty: today on the practice's clock")


class AgingRowOut(Schema):
    id: int | None = Field(description="the payer's (0: no payer) or patient's id; null: totals")
    name: str
    mrn: str = ""
    buckets: dict[str, ApiMoney] = Field(description="d0_30, d31_60, d61_90, d91_120, d120_plus")
    total: ApiMoney
    lines: int


class AgingOut(Schema):
    by: str
    basis: str
    as_of: date
    rows: list[AgingRowOut]
    totals: AgingRowOut


class LinesQuery(AgingQuery):
    group_id: int | None = Field(
        None, ge=0, le=2**63 - 1, description="a payer's (0: no payer) or patient's id"
    )
    bucket: BucketKey | None = None
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class LineOut(Schema):
    charge_line_id: int
    encounter_id: int
    patient_id: int
    patient_name: str
    mrn: str
    payer_id: int | None
    date_of_service: date
    billed_on: date
    code: str
    charge: ApiMoney
    balance: ApiMoney
    days: int


class CollectionsQuery(Schema):
    basis: Literal["service", "billed"] = "service"
    as_of: BoundedDate | None = None
    follow_up_due: bool = False
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class CollectionOut(Schema):
    patient_id: int
    name: str
    mrn: str
    balance: ApiMoney
    over_90: ApiMoney
    oldest: date
    last_payment: date | None
    last_note: str | None
    follow_up_on: date | None


class NoteIn(BodyIn):
    note: str = Field(max_length=NOTE_MAX_LENGTH)
    follow_up_on: BoundedDate | None = None


class NoteOut(Schema):
    id: int
    patient_id: int
    note: str
    follow_up_on: date | None
    by_id: int | None
    at: datetime


def _filters(request: AuthedRequest, query: Any, by: str = "patient") -> AgingFilters:
    return AgingFilters.of(
        practice=practice_of(request.auth),
        by=getattr(query, "by", by),
        basis=query.basis,
        as_of=query.as_of,
    )


def _row(row: AgingRow) -> AgingRowOut:
    return AgingRowOut(
        id=row.group,
        name=row.name,
        mrn=row.mrn,
        buckets=row.buckets,
        total=row.total,
        lines=row.lines,
    )


@router.get("/ar/aging", response=with_errors(AgingOut), summary="A/R aging")
@permission("billing.view_ar", "patients.view_patient")
def ar_aging(request: AuthedRequest, query: Query[AgingQuery]) -> AgingOut:
    filters = _filters(request, query)
    rows = aging.aging_rows(filters)
    if filters.by == "patient":
        phi_audit.shown(*(row.group for row in rows), what="ar_aging")
    return AgingOut(
        by=filters.by,
        basis=filters.basis,
        as_of=filters.as_of,
        rows=[_row(row) for row in rows],
        totals=_row(aging.aging_totals(filters)),
    )


@router.get("/ar/lines", response=with_errors(list[LineOut]), summary="Charge lines of a cell")
@permission("billing.view_ar", "patients.view_patient")
def ar_lines(request: AuthedRequest, query: Query[LinesQuery]) -> list[LineOut]:
    filters = _filters(request, query)
    group = query.group_id
    if group is not None and filters.by == "payer" and group != NO_PAYER:
        get_in_practice(Payer, practice=filters.practice, what="payer", pk=group)
    elif group is not None and filters.by == "patient":
        access_patient_by_id(request.auth, group)
    bucket = aging.bucket_named(query.bucket) if query.bucket else None
    lines = aging.aging_lines(filters, group=group, bucket=bucket)
    rows = aging.with_age(filters, lines[query.offset : query.offset + query.limit])
    return [
        LineOut(
            charge_line_id=item.charge_line_id,
            encounter_id=item.charge_line.encounter_id,
            patient_id=item.patient_id,
            patient_name=item.patient.display_name,
            mrn=item.patient.mrn,
            payer_id=item.payer_id,
            date_of_service=item.date_of_service,
            billed_on=item.billed_on,
            code=item.charge_line.procedure_code.code,
            charge=item.charge_line.amount,
            balance=item.balance,  # type: ignore[attr-defined]
            days=item.days,  # type: ignore[attr-defined]
        )
        for item in rows
    ]


@router.get(
    "/ar/collections", response=with_errors(list[CollectionOut]), summary="Collections list"
)
@permission("billing.work_collections", "patients.view_patient")
def ar_collections(request: AuthedRequest, query: Query[CollectionsQuery]) -> list[CollectionOut]:
    filters = _filters(request, query)
    found = collections.collections_list(filters, follow_up_due=query.follow_up_due)
    rows = [collections.named(row) for row in found[query.offset : query.offset + query.limit]]
    phi_audit.shown(*(row["patient_id"] for row in rows), what="ar_collections")
    return [CollectionOut(**row) for row in rows]


@router.post(
    "/ar/collections/{patient_id}/notes",
    response=with_errors({201: NoteOut}),
    summary="Add a collections note",
)
@permission("billing.work_collections", "patients.view_patient")
def add_collection_note(request: AuthedRequest, patient_id: Id, body: NoteIn) -> Status[NoteOut]:
    patient = access_patient_by_id(request.auth, patient_id)
    note = collections.collection_note_add(
        patient=patient, note=body.note, follow_up_on=body.follow_up_on, by=request.auth
    )
    return Status(
        201,
        NoteOut(
            id=note.pk,
            patient_id=patient.pk,
            note=note.note,
            follow_up_on=note.follow_up_on,
            by_id=note.by_id,
            at=note.at,
        ),
    )
