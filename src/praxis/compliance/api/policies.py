"""/policies: the library, versions (write, send for review, approve), acknowledging, and who
has acknowledged. Text bodies only here; a PDF is uploaded on the page.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Schema, Status

from praxis.core.access import AuthedRequest, NotInPractice, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id
from praxis.core.models import User

from .. import policies, selectors
from ..models import Policy, PolicyVersion
from ..models.policies import Category
from .routing import router

MANAGE = "compliance.manage_policies"


class VersionOut(Schema):
    id: int
    number: int
    status: str
    change_summary: str
    affected_roles: list[str]
    body: str
    has_pdf: bool
    effective_date: date | None
    next_review_date: date | None
    approved_by: str | None
    approved_at: datetime | None


class PolicyOut(Schema):
    id: int
    title: str
    category: str
    owner_id: int | None
    roles: list[str]
    current_version: VersionOut | None


class PolicyDetailOut(PolicyOut):
    versions: list[VersionOut]


# A request body is at most 1 MB (core.body_limit) and JSON may spell a character in six bytes
# (\u00eb): a text the API takes must fit in it however it is written.
API_TEXT_MAX = 100_000


class PolicyIn(BodyIn):
    title: str = Field(min_length=1, max_length=200)
    category: Category
    owner_id: Id | None = None
    roles: list[str] = Field(description="role slugs: administrator, manager, front_desk, ...")
    body: str = Field(min_length=1, max_length=API_TEXT_MAX)


class VersionIn(BodyIn):
    body: str = Field(min_length=1, max_length=API_TEXT_MAX)
    change_summary: str = Field("", max_length=500)
    affected_roles: list[str] = Field(description="the roles that must acknowledge again")


class ApproveIn(BodyIn):
    effective_date: BoundedDate
    next_review_date: BoundedDate


class ToReadOut(Schema):
    policy_id: int
    title: str
    version_id: int
    acknowledged_at: datetime | None


class PersonAckOut(Schema):
    user_id: int
    name: str
    acknowledged_at: datetime | None


class AckStatusOut(Schema):
    version_id: int | None
    required: int
    acknowledged: int
    rate_percent: int
    people: list[PersonAckOut]


def _version_out(v: PolicyVersion) -> VersionOut:
    return VersionOut(
        id=v.pk,
        number=v.number,
        status=v.status,
        change_summary=v.change_summary,
        affected_roles=v.affected_roles,
        body=v.body,
        has_pdf=v.has_file,
        effective_date=v.effective_date,
        next_review_date=v.next_review_date,
        approved_by=str(v.approved_by) if v.approved_by_id else None,
        approved_at=v.approved_at,
    )


def _policy_out(p: Policy) -> PolicyOut:
    return PolicyOut(
        id=p.pk,
        title=p.title,
        category=p.category,
        owner_id=p.owner_id,
        roles=p.roles,
        current_version=_version_out(p.current_version) if p.current_version else None,
    )


def _policy(request: AuthedRequest, policy_id: int) -> Policy:
    policy = get_in_practice(
        Policy.objects.select_related("current_version__approved_by"),
        practice=practice_of(request.auth),
        what="policy",
        pk=policy_id,
    )
    if policy.current_version_id is None and not request.auth.has_perm(MANAGE):
        raise NotInPractice("policy")
    return policy


def _version(request: AuthedRequest, version_id: int) -> PolicyVersion:
    return get_in_practice(
        PolicyVersion.objects.select_related("policy", "approved_by"),
        practice=practice_of(request.auth),
        what="policy version",
        through="policy",
        pk=version_id,
    )


@router.get("/policies", response=with_errors(list[PolicyOut]), summary="The policy library")
@permission("compliance.view_policies")
def list_policies(request: AuthedRequest) -> list[PolicyOut]:
    rows = selectors.policies(
        practice_of(request.auth), with_drafts=request.auth.has_perm(MANAGE)
    ).select_related("current_version__approved_by")
    return [_policy_out(p) for p in rows]


@router.post("/policies", response=with_errors({201: PolicyDetailOut}), summary="Add a policy")
@permission(MANAGE)
def create_policy(request: AuthedRequest, body: PolicyIn) -> Status[PolicyDetailOut]:
    practice = practice_of(request.auth)
    owner = None
    if body.owner_id is not None:
        owner = get_in_practice(User, practice=practice, what="person", pk=body.owner_id)
    policy = policies.policy_create(
        practice=practice,
        title=body.title,
        category=body.category,
        owner=owner,
        roles=body.roles,
        body=body.body,
        by=request.auth,
    )
    return Status(201, _detail(request, policy.pk))


def _detail(request: AuthedRequest, policy_id: int) -> PolicyDetailOut:
    policy = _policy(request, policy_id)
    versions = selectors.versions_of(policy, with_drafts=request.auth.has_perm(MANAGE))
    return PolicyDetailOut(
        **_policy_out(policy).dict(), versions=[_version_out(v) for v in versions]
    )


@router.get(
    "/policies/to-read", response=with_errors(list[ToReadOut]), summary="My policies to read"
)
@permission("compliance.view_policies")
def to_read(request: AuthedRequest) -> list[ToReadOut]:
    return [
        ToReadOut(
            policy_id=row.policy.pk,
            title=row.policy.title,
            version_id=row.policy.current_version_id or 0,
            acknowledged_at=row.acknowledged_at,
        )
        for row in selectors.policies_to_read(request.auth)
    ]


@router.get("/policies/{policy_id}", response=with_errors(PolicyDetailOut), summary="A policy")
@permission("compliance.view_policies")
def get_policy(request: AuthedRequest, policy_id: Id) -> PolicyDetailOut:
    return _detail(request, policy_id)


@router.post(
    "/policies/{policy_id}/versions",
    response=with_errors({201: VersionOut}),
    summary="Write a new version (a draft)",
)
@permission(MANAGE)
def create_version(request: AuthedRequest, policy_id: Id, body: VersionIn) -> Status[VersionOut]:
    version = policies.version_create(
        policy=_policy(request, policy_id),
        body=body.body,
        change_summary=body.change_summary,
        affected_roles=body.affected_roles,
        by=request.auth,
    )
    return Status(201, _version_out(version))


@router.post(
    "/versions/{version_id}/submit", response=with_errors(VersionOut), summary="Send for review"
)
@permission(MANAGE)
def submit_version(request: AuthedRequest, version_id: Id) -> VersionOut:
    return _version_out(
        policies.version_submit(version=_version(request, version_id), by=request.auth)
    )


@router.post(
    "/versions/{version_id}/approve",
    response=with_errors(VersionOut),
    summary="Approve (publish) a version in review",
)
@permission("compliance.approve_policies")
def approve_version(request: AuthedRequest, version_id: Id, body: ApproveIn) -> VersionOut:
    version = policies.version_approve(
        version=_version(request, version_id),
        effective_date=body.effective_date,
        next_review_date=body.next_review_date,
        by=request.auth,
    )
    return _version_out(version)


@router.post(
    "/policies/{policy_id}/acknowledge",
    response=with_errors(ToReadOut),
    summary="Acknowledge the version in force",
)
@permission("compliance.view_policies")
def acknowledge(request: AuthedRequest, policy_id: Id) -> ToReadOut:
    policy = _policy(request, policy_id)
    ack = policies.policy_acknowledge(policy=policy, user=request.auth)
    return ToReadOut(
        policy_id=policy.pk,
        title=policy.title,
        version_id=ack.version_id,
        acknowledged_at=ack.acknowledged_at,
    )


@router.get(
    "/policies/{policy_id}/acknowledgments",
    response=with_errors(AckStatusOut),
    summary="Who has and has not acknowledged the version in force",
)
@permission(MANAGE)
def acknowledgments(request: AuthedRequest, policy_id: Id) -> AckStatusOut:
    status = selectors.acknowledgment_status(_policy(request, policy_id))
    people = [
        PersonAckOut(user_id=u.pk, name=str(u), acknowledged_at=a.acknowledged_at)
        for u, a in status.done
    ]
    people += [
        PersonAckOut(user_id=u.pk, name=str(u), acknowledged_at=None) for u in status.pending
    ]
    return AckStatusOut(
        version_id=status.policy.current_version_id,
        required=status.required,
        acknowledged=len(status.done),
        rate_percent=status.rate,
        people=people,
    )


class RemindOut(Schema):
    sent: int
    already_reminded_today: int


@router.post(
    "/policies/{policy_id}/remind",
    response=with_errors(RemindOut),
    summary="E-mail those who have not acknowledged (once a day each)",
)
@permission(MANAGE)
def remind(request: AuthedRequest, policy_id: Id) -> RemindOut:
    policy = _policy(request, policy_id)
    status = selectors.acknowledgment_status(policy)
    sent, skipped = policies.reminders_send(
        policy=policy, pending=status.pending, by=request.auth, today=timezone.localdate()
    )
    return RemindOut(sent=sent, already_reminded_today=skipped)
