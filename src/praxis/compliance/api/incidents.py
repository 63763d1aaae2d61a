"""/incidents: report and list incidents (one's own, or all for those who manage them), the
breach assessment with its computed notice deadlines, and the notices sent.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from datetime import date, datetime

from django.utils import timezone
from ninja import Field, Query, Schema, Status

from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import ApiError, BodyIn, permission, with_errors
from praxis.core.bounds import BoundedDate, Id, Offset
from praxis.core.models import Location

from .. import incidents, selectors
from ..models import BreachAssessment, Incident
from ..models.incidents import IncidentKind, IncidentStatus, NoticeRecipient, Severity
from .routing import router

MANAGE = "compliance.manage_incidents"


class IncidentOut(Schema):
    id: int
    kind: str
    title: str
    description: str
    occurred_on: date
    discovered_on: date
    location_id: int | None
    where: str
    severity: str
    people_involved: str
    actions_taken: str
    status: str
    reported_by_id: int
    reported_at: datetime
    is_breach: bool


class IncidentIn(BodyIn):
    kind: IncidentKind
    title: str = Field(min_length=1, max_length=200)
    description: str = Field("", max_length=20_000)
    occurred_on: BoundedDate
    discovered_on: BoundedDate
    location_id: Id | None = None
    where: str = Field("", max_length=200)
    severity: Severity
    people_involved: str = Field("", max_length=5_000)
    actions_taken: str = Field("", max_length=20_000)


class IncidentPatch(BodyIn):
    status: IncidentStatus | None = None
    actions_taken: str | None = Field(None, max_length=20_000)
    severity: Severity | None = None


class IncidentQuery(Schema):
    limit: int = Field(100, ge=1, le=1000)
    offset: Offset = 0


class DeadlineOut(Schema):
    recipient: str
    state: str
    due: date
    not_before: date | None
    rule: str
    status: str = Field(description="sent, sent late, overdue, due soon or upcoming")
    sent_on: date | None


class NoticeOut(Schema):
    id: int
    recipient: str
    state: str
    sent_on: date
    method: str


class BreachOut(Schema):
    incident_id: int
    affected_total: int
    affected_by_state: dict[str, int]
    law_enforcement_delay_until: date | None
    notes: str
    deadlines: list[DeadlineOut]
    notices: list[NoticeOut]


class BreachIn(BodyIn):
    affected_total: int = Field(ge=1, le=10**9)
    affected_by_state: dict[str, int] = Field(description='{"VT": 512, "NH": 3}')
    law_enforcement_delay_until: BoundedDate | None = None
    notes: str = Field("", max_length=20_000)


class NoticeIn(BodyIn):
    recipient: NoticeRecipient
    state: str = Field("", max_length=2, description="for a media notice")
    sent_on: BoundedDate
    method: str = Field(min_length=1, max_length=200)


def _out(i: Incident) -> IncidentOut:
    return IncidentOut(
        id=i.pk,
        kind=i.kind,
        title=i.title,
        description=i.description,
        occurred_on=i.occurred_on,
        discovered_on=i.discovered_on,
        location_id=i.location_id,
        where=i.where,
        severity=i.severity,
        people_involved=i.people_involved,
        actions_taken=i.actions_taken,
        status=i.status,
        reported_by_id=i.reported_by_id,
        reported_at=i.reported_at,
        is_breach=hasattr(i, "breach"),
    )


def _incident(request: AuthedRequest, incident_id: int) -> Incident:
    return get_in_practice(
        selectors.incidents_for(request.auth),
        practice=practice_of(request.auth),
        what="incident",
        pk=incident_id,
    )


def _breach_out(breach: BreachAssessment) -> BreachOut:
    states = selectors.deadline_states(breach, today=timezone.localdate())
    return BreachOut(
        incident_id=breach.incident_id,
        affected_total=breach.affected_total,
        affected_by_state=breach.affected_by_state,
        law_enforcement_delay_until=breach.law_enforcement_delay_until,
        notes=breach.notes,
        deadlines=[
            DeadlineOut(
                recipient=s.deadline.recipient,
                state=s.deadline.state,
                due=s.deadline.due,
                not_before=s.deadline.not_before,
                rule=s.deadline.rule,
                status=s.state,
                sent_on=s.sent_on,
            )
            for s in states
        ],
        notices=[
            NoticeOut(
                id=n.pk, recipient=n.recipient, state=n.state, sent_on=n.sent_on, method=n.method
            )
            for n in breach.notices.all()
        ],
    )


@router.get("/incidents", response=with_errors(list[IncidentOut]), summary="Incidents")
@permission("compliance.report_incident")
def list_incidents(request: AuthedRequest, query: Query[IncidentQuery]) -> list[IncidentOut]:
    rows = selectors.incidents_for(request.auth)[query.offset : query.offset + query.limit]
    return [_out(i) for i in rows]


@router.post("/incidents", response=with_errors({201: IncidentOut}), summary="Report an incident")
@permission("compliance.report_incident")
def report_incident(request: AuthedRequest, body: IncidentIn) -> Status[IncidentOut]:
    practice = practice_of(request.auth)
    values = body.dict(exclude={"location_id"})
    values["location"] = (
        get_in_practice(Location, practice=practice, what="location", pk=body.location_id)
        if body.location_id is not None
        else None
    )
    incident = incidents.incident_report(practice=practice, values=values, by=request.auth)
    return Status(201, _out(incident))


@router.get("/incidents/{incident_id}", response=with_errors(IncidentOut), summary="An incident")
@permission("compliance.report_incident")
def get_incident(request: AuthedRequest, incident_id: Id) -> IncidentOut:
    return _out(_incident(request, incident_id))


@router.patch(
    "/incidents/{incident_id}", response=with_errors(IncidentOut), summary="Update an incident"
)
@permission(MANAGE)
def update_incident(request: AuthedRequest, incident_id: Id, body: IncidentPatch) -> IncidentOut:
    incident = _incident(request, incident_id)
    incidents.incident_update(
        incident=incident, values=body.dict(exclude_none=True), by=request.auth
    )
    return _out(_incident(request, incident_id))


@router.get(
    "/incidents/{incident_id}/breach",
    response=with_errors(BreachOut),
    summary="The breach assessment and its notice deadlines",
)
@permission(MANAGE)
def get_breach(request: AuthedRequest, incident_id: Id) -> BreachOut:
    incident = _incident(request, incident_id)
    breach = BreachAssessment.objects.filter(incident=incident).first()
    if breach is None:
        raise ApiError(404, "not_found", "This incident has not been assessed as a breach.")
    return _breach_out(breach)


@router.put(
    "/incidents/{incident_id}/breach",
    response=with_errors(BreachOut),
    summary="Assess (or correct the assessment of) the incident as a breach",
)
@permission(MANAGE)
def assess_breach(request: AuthedRequest, incident_id: Id, body: BreachIn) -> BreachOut:
    breach = incidents.breach_assess(
        incident=_incident(request, incident_id), by=request.auth, **body.dict()
    )
    return _breach_out(breach)


@router.post(
    "/incidents/{incident_id}/breach/notices",
    response=with_errors({201: NoticeOut}),
    summary="Record a notice sent",
)
@permission(MANAGE)
def record_notice(request: AuthedRequest, incident_id: Id, body: NoticeIn) -> Status[NoticeOut]:
    incident = _incident(request, incident_id)
    breach = BreachAssessment.objects.filter(incident=incident).select_related("incident").first()
    if breach is None:
        raise ApiError(404, "not_found", "This incident has not been assessed as a breach.")
    n = incidents.notice_record(breach=breach, by=request.auth, **body.dict())
    return Status(
        201,
        NoticeOut(
            id=n.pk, recipient=n.recipient, state=n.state, sent_on=n.sent_on, method=n.method
        ),
    )
