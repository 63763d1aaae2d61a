"""/procedure-codes: the practice's CPT/HCPCS codes (list, add, change).

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date

from ninja import Field, Query, Schema, Status

from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, Offset

from .. import procedure_codes, selectors
from ..models import ProcedureCode
from ..models.codes import MAX_UNITS
from .routing import router

VIEW = "billing.view_codes"
MANAGE = "billing.manage_codes"


class ProcedureCodeOut(Schema):
    id: int
    code: str
    description: str
    default_units: int
    active_from: date
    active_to: date | None


class CodeListQuery(Schema):
    q: str = Field("", max_length=100, description="a code's beginning or words")
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class ProcedureCodeIn(BodyIn):
    code: str = Field(..., max_length=5, description="99213, G0439 or 3074F")
    description: str = Field(..., max_length=200)
    default_units: int = Field(1, ge=1, le=MAX_UNITS)
    active_from: BoundedDate
    active_to: BoundedDate | None = None


class ProcedureCodePatch(BodyIn):
    """Only the fields sent are changed."""

    code: str | None = Field(None, max_length=5)
    description: str | None = Field(None, max_length=200)
    default_units: int | None = Field(None, ge=1, le=MAX_UNITS)
    active_from: BoundedDate | None = None
    active_to: BoundedDate | None = None


@router.get(
    "/procedure-codes",
    response=with_errors(list[ProcedureCodeOut]),
    summary="The practice's procedure codes",
)
@permission(VIEW)
def list_procedure_codes(
    request: AuthedRequest, query: Query[CodeListQuery]
) -> list[ProcedureCode]:
    codes = selectors.procedure_codes(practice_of(request.auth), query.q)
    return list(codes[query.offset : query.offset + query.limit])


@router.post(
    "/procedure-codes",
    response=with_errors({201: ProcedureCodeOut}),
    summary="Add a procedure code",
)
@permission(MANAGE)
def create_procedure_code(request: AuthedRequest, body: ProcedureCodeIn) -> Status[ProcedureCode]:
    code = procedure_codes.procedure_code_create(
        practice=practice_of(request.auth), values=body.dict()
    )
    return Status(201, code)


@router.patch(
    "/procedure-codes/{code_id}",
    response=with_errors(ProcedureCodeOut),
    summary="Change a procedure code",
)
@permission(MANAGE)
def update_procedure_code(
    request: AuthedRequest, code_id: Id, body: ProcedureCodePatch
) -> ProcedureCode:
    code = get_in_practice(
        ProcedureCode, practice=practice_of(request.auth), what="procedure code", pk=code_id
    )
    return procedure_codes.procedure_code_update(
        procedure_code=code, values=body.dict(exclude_unset=True)
    )
