"""/reminder-rules: when reminders go out and by which channel; paused rules send nothing.

No `from __future__ import annotations` here: ninja reads the annotations at import time.
"""

from ninja import Field, Schema, Status

from praxis.core.access import AuthedRequest, get_in_practice, practice_of
from praxis.core.api_support import BodyIn, permission, with_errors
from praxis.core.bounds import Id

from .. import reminders
from ..models import Channel, ReminderRule
from .routing import router

SETUP = "scheduling.manage_scheduling_setup"


class ReminderRuleOut(Schema):
    id: int
    hours_before: int
    channel: Channel
    is_active: bool


class ReminderRuleIn(BodyIn):
    hours_before: int = Field(description="1 to 720")
    channel: Channel


def _rule_out(rule: ReminderRule) -> ReminderRuleOut:
    return ReminderRuleOut(
        id=rule.pk,
        hours_before=rule.hours_before,
        channel=Channel(rule.channel),
        is_active=rule.is_active,
    )


def _set_active(request: AuthedRequest, rule_id: int, *, active: bool) -> ReminderRuleOut:
    practice = practice_of(request.auth)
    rule = get_in_practice(ReminderRule, practice=practice, what="reminder rule", pk=rule_id)
    return _rule_out(reminders.reminder_rule_set_active(rule=rule, active=active, by=request.auth))


@router.get(
    "/reminder-rules", response=with_errors(list[ReminderRuleOut]), summary="The reminder rules"
)
@permission(SETUP)
def reminder_rules(request: AuthedRequest) -> list[ReminderRuleOut]:
    rules = ReminderRule.objects.filter(practice=practice_of(request.auth))
    return [_rule_out(r) for r in rules]


@router.post(
    "/reminder-rules",
    response=with_errors({201: ReminderRuleOut}),
    summary="Add a rule (the same hours and channel again resumes the existing rule)",
)
@permission(SETUP)
def reminder_rule_add(request: AuthedRequest, body: ReminderRuleIn) -> Status[ReminderRuleOut]:
    rule = reminders.reminder_rule_create(
        practice=practice_of(request.auth),
        hours_before=body.hours_before,
        channel=body.channel,
        by=request.auth,
    )
    return Status(201, _rule_out(rule))


@router.post(
    "/reminder-rules/{rule_id}/pause", response=with_errors(ReminderRuleOut), summary="Pause a rule"
)
@permission(SETUP)
def reminder_rule_pause(request: AuthedRequest, rule_id: Id) -> ReminderRuleOut:
    return _set_active(request, rule_id, active=False)


@router.post(
    "/reminder-rules/{rule_id}/resume",
    response=with_errors(ReminderRuleOut),
    summary="Resume a rule",
)
@permission(SETUP)
def reminder_rule_resume(request: AuthedRequest, rule_id: Id) -> ReminderRuleOut:
    return _set_active(request, rule_id, active=True)
