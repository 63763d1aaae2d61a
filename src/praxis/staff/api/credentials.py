"""/members/{id}/credentials and /credentials/{id}/verify: a member's credentials (the scanned
copy is uploaded on the page; the API carries the data).

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date, datetime
from typing import Literal

from ninja import Field, Schema, Status

from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id
from praxis.patients.models import Payer

from .. import credentialing, selectors
from ..models import Credential
from ..separations import practice_today
from .members import MANAGE, VIEW, _member
from .routing import router

Kind = Literal["state_license", "dea", "board", "cpr_bls", "ache", "hfma", "payer_enrollment"]


class CredentialOut(Schema):
    id: int
    staff_id: int
    kind: str
    number: str
    issuer: str
    state: str
    payer_id: int | None
    issued_on: date | None
    expires_on: date | None
    status: str = Field(description="expired, expiring (within 90 days), current or no expiry")
    verified_at: datetime | None
    verified_by_id: int | None
    verification_method: str
    has_scan: bool


def credential_out(credential: Credential, today: date) -> CredentialOut:
    return CredentialOut(
        id=credential.pk,
        staff_id=credential.staff_id,
        kind=credential.kind,
        number=credential.number,
        issuer=credential.issuer,
        state=credential.state,
        payer_id=credential.payer_id,
        issued_on=credential.issued_on,
        expires_on=credential.expires_on,
        status=selectors.credential_state(credential, today),
        verified_at=credential.verified_at,
        verified_by_id=credential.verified_by_id,
        verification_method=credential.verification_method,
        has_scan=bool(credential.stored_name),
    )


class CredentialIn(BodyIn):
    kind: Kind
    number: str = Field(min_length=1, max_length=64)
    issuer: str = Field("", max_length=128)
    state: str = Field("", max_length=2, description="two-letter state (licenses)")
    payer_id: Id | None = Field(None, description="payer enrollments only")
    issued_on: BoundedDate | None = None
    expires_on: BoundedDate | None = None


class VerifyIn(BodyIn):
    method: Literal["primary_source", "document", "payer", "other"]
    note: str = Field("", max_length=200)


@router.get(
    "/members/{member_id}/credentials",
    response=with_errors(list[CredentialOut]),
    summary="A staff member's credentials",
)
@permission(VIEW)
def list_credentials(request: AuthedRequest, member_id: Id) -> list[CredentialOut]:
    member = _member(request, member_id)
    today = practice_today(member.practice)
    return [credential_out(c, today) for c in selectors.credentials_of(member)]


@router.post(
    "/members/{member_id}/credentials",
    response=with_errors({201: CredentialOut}),
    summary="Add a credential (400 when the number is on file or the dates are out of order)",
)
@permission(MANAGE)
def add_credential(
    request: AuthedRequest, member_id: Id, body: CredentialIn
) -> Status[CredentialOut]:
    member = _member(request, member_id)
    values = body.dict(exclude={"payer_id"})
    values["payer"] = None
    if body.payer_id is not None:
        values["payer"] = get_in_practice(
            Payer, practice=member.practice, what="payer", pk=body.payer_id
        )
    credential = credentialing.credential_add(member=member, values=values, added_by=request.auth)
    return Status(201, credential_out(credential, practice_today(member.practice)))


@router.post(
    "/credentials/{credential_id}/verify",
    response=with_errors(CredentialOut),
    summary="Record who verified a credential, and how",
)
@permission(MANAGE)
def verify_credential(request: AuthedRequest, credential_id: Id, body: VerifyIn) -> CredentialOut:
    practice = practice_of(request.auth)
    credential = get_in_practice(Credential, practice=practice, what="credential", pk=credential_id)
    credentialing.credential_verify(
        credential=credential, method=body.method, note=body.note, verified_by=request.auth
    )
    return credential_out(credential, practice_today(practice))
