"""/icd10: search ICD-10-CM codes of the release in force on a date.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date

from ninja import Field, Query, Schema

from praxis.core.access import AuthedRequest, practice_of
from praxis.core.api_support import permission, with_errors
from praxis.core.bounds import BoundedDate

from .. import selectors
from ..models import Icd10Code
from ..today import practice_today
from .routing import router


class Icd10Query(Schema):
    q: str = Field("", max_length=100, description="a code's beginning or words; empty: none")
    on: BoundedDate | None = Field(None, description="the visit's date; default today")
    limit: int = Field(selectors.ICD10_SEARCH_LIMIT, ge=1, le=100)


class Icd10Out(Schema):
    code: str = Field(description="without the dot, as claims carry it: E119")
    display: str = Field(description="with the dot: E11.9")
    description: str
    billable: bool
    release: str
    effective_from: date
    effective_to: date | None


def _out(code: Icd10Code) -> Icd10Out:
    return Icd10Out(
        code=code.code,
        display=code.dotted,
        description=code.description,
        billable=code.billable,
        release=code.release.label,
        effective_from=code.release.effective_from,
        effective_to=code.release.effective_to,
    )


@router.get(
    "/icd10",
    response=with_errors(list[Icd10Out]),
    summary="Find ICD-10-CM codes in force on a date (billable first)",
)
@permission("billing.view_codes")
def icd10_search(request: AuthedRequest, query: Query[Icd10Query]) -> list[Icd10Out]:
    on = query.on or practice_today(practice_of(request.auth))
    return [_out(code) for code in selectors.icd10_search(query.q, on=on, limit=query.limit)]
