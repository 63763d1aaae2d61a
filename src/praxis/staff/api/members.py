"""/members: staff records (list with the page's filters, get, add, change), their pay (only
with staff.view_compensation: no other answer carries pay), and separation.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from ninja import Field, Query, Schema, Status
from pydantic import WithJsonSchema

from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, Offset
from praxis.core.models import Location, Practice, User
from praxis.core.money import ApiMoney

from .. import people, selectors, separations
from ..models import Position, StaffMember
from .routing import router

VIEW = "staff.view_staff"
MANAGE = "staff.manage_staff"
PAY = "staff.view_compensation"

EmploymentType = Literal["full_time", "part_time", "contractor", "per_diem"]
WorkingStatus = Literal["onboarding", "active", "on_leave"]
# Said as patterns a client (or a schema-driven test) can check: what the fields accept exactly.
Fte = Annotated[
    Decimal,
    Field(gt=0, le=1, decimal_places=2),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(0\.(0[1-9]|[1-9][0-9]?)|1(\.00?)?)$",
            "description": 'from "0.01" to "1.00"',
            "examples": ["0.80"],
        },
        mode="validation",
    ),
]
Rate = Annotated[
    ApiMoney,
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^[0-9]{1,10}(\.[0-9]{1,2})?$",
            "description": 'dollars and cents (an hour, or a year for a salary), e.g. "21.40"',
            "examples": ["21.40"],
        },
        mode="validation",
    ),
]


class MemberOut(Schema):
    id: int
    full_name: str
    email: str
    job_title: str
    position_id: int | None
    department: str
    employment_type: str
    fte: Decimal
    manager_id: int | None
    hire_date: date
    location_ids: list[int]
    status: str
    user_id: int | None
    npi: str


def member_out(member: StaffMember) -> MemberOut:
    return MemberOut(
        id=member.pk,
        full_name=member.full_name,
        email=member.email,
        job_title=member.job_title,
        position_id=member.position_id,
        department=member.department,
        employment_type=member.employment_type,
        fte=member.fte,
        manager_id=member.manager_id,
        hire_date=member.hire_date,
        location_ids=[loc.pk for loc in member.locations.all()],
        status=member.status,
        user_id=member.user_id,
        npi=member.npi,
    )


class MemberQuery(Schema):
    status: Literal["onboarding", "active", "on_leave", "separated"] | None = None
    location_id: Id | None = None
    department: str = Field("", max_length=64)
    q: str = Field("", max_length=64, description="part of the name")
    limit: int = Field(200, ge=1, le=1000)
    offset: Offset = 0


class MemberIn(BodyIn):
    full_name: str = Field(max_length=128)
    job_title: str = Field(max_length=128)
    hire_date: BoundedDate
    email: str = Field("", max_length=254)
    position_id: Id | None = None
    department: str = Field("", max_length=64)
    employment_type: EmploymentType = "full_time"
    fte: Fte = Decimal("1.00")
    manager_id: Id | None = None
    location_ids: list[Id] = []
    status: WorkingStatus = "active"
    user_id: Id | None = None
    npi: str = Field("", max_length=10)


class MemberPatch(BodyIn):
    """Only the fields sent are changed."""

    full_name: str | None = Field(None, max_length=128)
    job_title: str | None = Field(None, max_length=128)
    hire_date: BoundedDate | None = None
    email: str | None = Field(None, max_length=254)
    position_id: Id | None = None
    department: str | None = Field(None, max_length=64)
    employment_type: EmploymentType | None = None
    fte: Fte | None = None
    manager_id: Id | None = None
    location_ids: list[Id] | None = None
    status: WorkingStatus | None = None
    user_id: Id | None = None
    npi: str | None = Field(None, max_length=10)


def _values(practice: Practice, sent: dict[str, Any]) -> dict[str, Any]:
    """The body's ids as the practice's records (another practice's id: 404)."""
    values = dict(sent)
    loaders: list[tuple[str, Any, str]] = [
        ("position_id", Position, "position"),
        ("manager_id", StaffMember, "staff member"),
        ("user_id", User, "user"),
    ]
    for key, model, what in loaders:
        if key in values:
            pk = values.pop(key)
            values[key[:-3]] = (
                None if pk is None else get_in_practice(model, practice=practice, what=what, pk=pk)
            )
    if "location_ids" in values:
        ids = values.pop("location_ids") or []
        values["locations"] = [
            get_in_practice(Location, practice=practice, what="location", pk=pk) for pk in ids
        ]
    return values


def _member(request: AuthedRequest, member_id: int) -> StaffMember:
    return get_in_practice(
        StaffMember.objects.select_related("practice", "user", "position"),
        practice=practice_of(request.auth),
        what="staff member",
        pk=member_id,
    )


@router.get("/members", response=with_errors(list[MemberOut]), summary="Staff members")
@permission(VIEW)
def list_members(request: AuthedRequest, query: Query[MemberQuery]) -> list[MemberOut]:
    practice = practice_of(request.auth)
    location = None
    if query.location_id is not None:
        location = get_in_practice(
            Location, practice=practice, what="location", pk=query.location_id
        )
    filters = selectors.StaffFilters(
        status=query.status or "", location=location, department=query.department, search=query.q
    )
    rows = selectors.staff_list(practice, filters)[query.offset : query.offset + query.limit]
    return [member_out(m) for m in rows]


@router.get("/members/{member_id}", response=with_errors(MemberOut), summary="A staff member")
@permission(VIEW)
def get_member(request: AuthedRequest, member_id: Id) -> MemberOut:
    return member_out(_member(request, member_id))


@router.post("/members", response=with_errors({201: MemberOut}), summary="Add a staff member")
@permission(MANAGE)
def create_member(request: AuthedRequest, body: MemberIn) -> Status[MemberOut]:
    practice = practice_of(request.auth)
    member = people.staff_create(practice=practice, values=_values(practice, body.dict()))
    return Status(201, member_out(member))


@router.patch(
    "/members/{member_id}", response=with_errors(MemberOut), summary="Change a staff member"
)
@permission(MANAGE)
def update_member(request: AuthedRequest, member_id: Id, body: MemberPatch) -> MemberOut:
    member = _member(request, member_id)
    values = _values(member.practice, body.dict(exclude_unset=True))
    return member_out(people.staff_update(member=member, values=values))


# --- pay ---------------------------------------------------------------------------------------


class PayOut(Schema):
    id: int
    pay_type: str
    rate: ApiMoney
    effective_from: date
    note: str


class PayIn(BodyIn):
    pay_type: Literal["hourly", "salary"]
    rate: Rate
    effective_from: BoundedDate
    note: str = Field("", max_length=200)


@router.get(
    "/members/{member_id}/pay",
    response=with_errors(list[PayOut]),
    summary="A staff member's pay history (Administrator and HR)",
)
@permission(VIEW, PAY)
def list_pay(request: AuthedRequest, member_id: Id) -> list[PayOut]:
    member = _member(request, member_id)
    return [PayOut.from_orm(p) for p in selectors.pay_history(member)]


@router.post(
    "/members/{member_id}/pay",
    response=with_errors({201: PayOut}),
    summary="Record a pay change (Administrator and HR)",
)
@permission(VIEW, PAY)
def add_pay(request: AuthedRequest, member_id: Id, body: PayIn) -> Status[PayOut]:
    member = _member(request, member_id)
    pay = people.compensation_add(member=member, values=body.dict(), recorded_by=request.auth)
    return Status(201, PayOut.from_orm(pay))


# --- separation --------------------------------------------------------------------------------


class SeparationIn(BodyIn):
    kind: Literal["resignation", "termination"]
    reason: str = Field(min_length=1, max_length=500)
    last_day: BoundedDate
    immediately: bool = Field(False, description="end access now, not after the last day")
    offboarding_notes: str = Field("", max_length=4000)


class SeparationOut(Schema):
    id: int
    staff_id: int
    kind: str
    reason: str
    last_day: date
    effective_on: date = Field(description="the day access ends")
    applied: bool = Field(description="access has ended")


@router.post(
    "/members/{member_id}/separation",
    response=with_errors({201: SeparationOut}),
    summary="Record a resignation or termination (access ends now or after the last day)",
)
@permission(MANAGE)
def separate(request: AuthedRequest, member_id: Id, body: SeparationIn) -> Status[SeparationOut]:
    member = _member(request, member_id)
    separation = separations.separation_record(
        member=member, recorded_by=request.auth, **body.dict()
    )
    return Status(
        201,
        SeparationOut(
            id=separation.pk,
            staff_id=member.pk,
            kind=separation.kind,
            reason=separation.reason,
            last_day=separation.last_day,
            effective_on=separation.effective_on,
            applied=separation.applied_at is not None,
        ),
    )
