"""/api/v1/ endpoints of the core app. Same services and selectors as the pages.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import datetime
from typing import Any

from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema

from . import plugins, selectors, services
from .access import AuthedRequest, get_in_practice, practice_of
from .api_support import any_signed_in, permission, with_errors
from .bounds import BoundedDate, Id, Offset
from .models import ApiToken, AuditEvent, Location, Practice, User
from .roles import permissions_for, roles_of

router = Router(tags=["core"])


class MeOut(Schema):
    id: int
    email: str
    full_name: str
    roles: list[str]
    permissions: list[str]


class AddressOut(Schema):
    address_line1: str
    address_line2: str
    city: str
    state: str
    postal_code: str


class PracticeOut(AddressOut):
    id: int
    name: str
    legal_name: str
    group_npi: str
    taxonomy_code: str
    phone: str
    time_zone: str
    clock_24h: bool


class RoomOut(Schema):
    id: int
    name: str
    is_active: bool


class LocationOut(AddressOut):
    id: int
    name: str
    place_of_service: str
    time_zone: str
    is_active: bool
    rooms: list[RoomOut]


class UserOut(Schema):
    id: int
    email: str
    full_name: str
    is_active: bool
    roles: list[str]
    has_mfa: bool


class AuditEventOut(Schema):
    id: int
    occurred_at: datetime
    actor_email: str
    action: str
    object_type: str
    object_id: str
    patient_id: str
    ip: str | None
    request_id: str
    details: dict[str, Any]
    hash: str


class AuditQuery(Schema):
    date_from: BoundedDate | None = None
    date_to: BoundedDate | None = None
    actor_id: Id | None = None
    patient_id: str = ""
    mrn: str = Field("", max_length=20, description="the patient's MRN (instead of patient_id)")
    action: str = Field("", description="dotted prefix, e.g. praxis.auth")
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    created_at: datetime
    expires_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


def _user_out(user: User) -> UserOut:
    return UserOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        is_active=user.is_active,
        roles=[r.slug for r in roles_of(user)],
        has_mfa=bool(getattr(user, "has_mfa", False)),
    )


@router.get("/me", response=with_errors(MeOut), summary="The signed-in user and their permissions")
@any_signed_in
def me(request: AuthedRequest) -> MeOut:
    user = request.auth
    roles = roles_of(user)
    perms = sorted(set().union(*(permissions_for(r) for r in roles))) if roles else []
    return MeOut(
        id=user.pk,
        email=user.email,
        full_name=user.full_name,
        roles=[r.slug for r in roles],
        permissions=perms,
    )


@router.get("/practice", response=with_errors(PracticeOut), summary="The practice's identity")
@any_signed_in
def practice(request: AuthedRequest) -> Practice:
    return practice_of(request.auth)


class PracticeDisplayPatch(Schema):
    """How the practice's pages, printouts and messages show times (the rest of the practice's
    identity is edited on its settings page)."""

    clock_24h: bool = Field(description="Times as 13:30 instead of 1:30 PM.")


@router.patch(
    "/practice",
    response=with_errors(PracticeOut),
    summary="Choose the 12- or 24-hour clock for the practice's pages and messages",
)
@permission("core.manage_practice")
def practice_display(request: AuthedRequest, body: PracticeDisplayPatch) -> Practice:
    practice = Practice.objects.get(pk=practice_of(request.auth).pk)
    return services.practice_update(practice=practice, values=body.dict())


@router.get(
    "/locations", response=with_errors(list[LocationOut]), summary="Locations and their rooms"
)
@any_signed_in
def locations(request: AuthedRequest) -> list[Location]:
    return list(selectors.practice_locations(practice_of(request.auth)))


@router.get("/users", response=with_errors(list[UserOut]), summary="The practice's users")
@permission("core.manage_users")
def users(request: AuthedRequest) -> list[UserOut]:
    return [_user_out(u) for u in selectors.practice_users(practice_of(request.auth))]


@router.post(
    "/users/{user_id}/deactivate",
    response=with_errors(UserOut),
    summary="Deactivate a user: ends every session and revokes their tokens",
)
@permission("core.manage_users")
def deactivate_user(request: AuthedRequest, user_id: Id) -> UserOut:
    practice = practice_of(request.auth)
    subject = get_in_practice(
        selectors.practice_users(practice), practice=practice, what="user", pk=user_id
    )
    services.user_deactivate(user=subject, deactivated_by=request.auth)
    return _user_out(subject)


@router.get(
    "/audit/events", response=with_errors(list[AuditEventOut]), summary="Search the audit trail"
)
@permission("core.view_audit")
def audit_events(request: AuthedRequest, query: Query[AuditQuery]) -> list[AuditEvent]:
    practice = practice_of(request.auth)
    patient_id = query.patient_id
    if query.mrn.strip():
        found = plugins.patient_id_by_mrn(practice, query.mrn)
        if found is None:
            return []  # no such patient here, so no events about them
        patient_id = str(found)
    filters = selectors.AuditFilters(
        date_from=query.date_from,
        date_to=query.date_to,
        actor_id=query.actor_id,
        patient_id=patient_id,
        action=query.action,
    )
    events = selectors.audit_event_search(filters, practice=practice)
    return list(events[query.offset : query.offset + query.limit])


@router.get("/tokens", response=with_errors(list[TokenOut]), summary="Your API tokens")
@permission("core.use_api")
def tokens(request: AuthedRequest) -> list[ApiToken]:
    return list(selectors.user_tokens(request.auth))


@router.delete(
    "/tokens/{token_id}", response=with_errors(TokenOut), summary="Revoke one of your tokens"
)
@permission("core.use_api")
def revoke_token(request: AuthedRequest, token_id: Id) -> ApiToken:
    # Tokens are personal: scoped to their owner, not only to the practice.
    token = get_object_or_404(ApiToken, pk=token_id, user=request.auth)
    return services.api_token_revoke(token=token)
