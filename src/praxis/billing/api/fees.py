"""/fees: the fee schedule (list, by payer or the standard fees; add).

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date
from typing import Annotated, Literal

from ninja import Field, Query, Schema, Status
from pydantic import WithJsonSchema

from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, Offset
from praxis.core.money import ApiMoney
from praxis.patients.models import Payer

from .. import fees, selectors
from ..models import Fee, ProcedureCode
from .routing import router


class FeeOut(Schema):
    id: int
    procedure_code_id: int
    code: str
    modifier: str
    payer_id: int | None = Field(description="null: the practice's standard fee")
    amount: ApiMoney
    effective_from: date
    effective_to: date | None


class FeeQuery(Schema):
    payer_id: Id | None = Field(None, description="one payer's contracted fees")
    standard: bool = Field(False, description="only the practice's standard fees")
    limit: int = Field(500, ge=1, le=5000)
    offset: Offset = 0


# What a fee's amount may be, said as a pattern a client (or a schema-driven test) can check:
# dollars and up to two decimal places, no sign (a fee is never negative).
FeeAmount = Annotated[
    ApiMoney,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
            "description": 'dollars and cents, e.g. "89.70"',
            "examples": ["89.70"],
        },
        mode="validation",
    ),
]


class FeeIn(BodyIn):
    procedure_code_id: Id
    modifier: str = Field("", max_length=2)
    payer_id: Id | None = Field(None, description="empty: the practice's standard fee")
    amount: FeeAmount
    effective_from: BoundedDate
    effective_to: BoundedDate | None = None


def _out(fee: Fee) -> FeeOut:
    return FeeOut(
        id=fee.pk,
        procedure_code_id=fee.procedure_code_id,
        code=fee.procedure_code.code,
        modifier=fee.modifier,
        payer_id=fee.payer_id,
        amount=fee.amount,
        effective_from=fee.effective_from,
        effective_to=fee.effective_to,
    )


@router.get("/fees", response=with_errors(list[FeeOut]), summary="The fee schedule")
@permission("billing.view_codes")
def list_fees(request: AuthedRequest, query: Query[FeeQuery]) -> list[FeeOut]:
    practice = practice_of(request.auth)
    payer: Payer | Literal["standard"] | None = None
    if query.payer_id is not None:
        payer = get_in_practice(Payer, practice=practice, what="payer", pk=query.payer_id)
    elif query.standard:
        payer = "standard"
    rows = selectors.fees(practice, payer=payer)[query.offset : query.offset + query.limit]
    return [_out(fee) for fee in rows]


@router.post("/fees", response=with_errors({201: FeeOut}), summary="Add a fee")
@permission("billing.manage_codes")
def create_fee(request: AuthedRequest, body: FeeIn) -> Status[FeeOut]:
    practice = practice_of(request.auth)
    code = get_in_practice(
        ProcedureCode, practice=practice, what="procedure code", pk=body.procedure_code_id
    )
    payer = None
    if body.payer_id is not None:
        payer = get_in_practice(Payer, practice=practice, what="payer", pk=body.payer_id)
    values = {
        **body.dict(exclude={"procedure_code_id", "payer_id"}),
        "procedure_code": code,
        "payer": payer,
    }
    return Status(201, _out(fees.fee_create(practice=practice, values=values)))
