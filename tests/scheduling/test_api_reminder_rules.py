"""Reminder rules through the API: what the Manager does on the scheduling set-up page, with the
same service and the same permission."""

from __future__ import annotations

import pytest

from praxis.core.testing.assertions import actions_since, audit_mark
from praxis.scheduling.models import ReminderRule
from praxis.scheduling.reminders import reminder_rule_create

from .test_api import BASE, post

pytestmark = pytest.mark.django_db
RULES = f"{BASE}/reminder-rules"


@pytest.fixture
def max_(client_for, manager_max):  # type: ignore[no-untyped-def]
    return client_for(manager_max)


def test_the_manager_adds_a_rule_pauses_and_resumes_it(max_, practice):
    mark = audit_mark()
    response = post(max_, RULES, {"hours_before": 48, "channel": "sms"})
    assert response.status_code == 201
    rule = response.json()
    assert (rule["hours_before"], rule["channel"], rule["is_active"]) == (48, "sms", True)
    assert ReminderRule.objects.get(practice=practice).pk == rule["id"]

    paused = post(max_, f"{RULES}/{rule['id']}/pause", {})
    assert (paused.status_code, paused.json()["is_active"]) == (200, False)
    assert post(max_, f"{RULES}/{rule['id']}/pause", {}).json()["is_active"] is False
    resumed = post(max_, f"{RULES}/{rule['id']}/resume", {})
    assert (resumed.status_code, resumed.json()["is_active"]) == (200, True)
    assert actions_since(mark) == [
        "praxis.scheduling.reminder_rule.saved",
        "praxis.scheduling.reminder_rule.paused",
        "praxis.scheduling.reminder_rule.resumed",
    ]


def test_the_list_shows_the_practices_rules_only(max_, practice, other_practice):
    reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    reminder_rule_create(practice=practice, hours_before=72, channel="email")
    reminder_rule_create(practice=other_practice, hours_before=12, channel="sms")
    rules = max_.get(RULES).json()
    assert [(r["hours_before"], r["channel"]) for r in rules] == [(72, "email"), (24, "sms")]


def test_adding_a_paused_rule_again_resumes_it(max_, practice):
    rule = reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    post(max_, f"{RULES}/{rule.pk}/pause", {})
    again = post(max_, RULES, {"hours_before": 24, "channel": "sms"})
    assert (again.status_code, again.json()["id"], again.json()["is_active"]) == (
        201,
        rule.pk,
        True,
    )
    assert ReminderRule.objects.count() == 1


@pytest.mark.parametrize(
    ("body", "status", "message"),
    [
        ({"hours_before": 0, "channel": "sms"}, 400, "Remind 1 hour to 30 days before the visit."),
        (
            {"hours_before": 721, "channel": "email"},
            400,
            "Remind 1 hour to 30 days before the visit.",
        ),
        ({"hours_before": 24, "channel": "pigeon"}, 422, "Some values are not valid."),
        ({"hours_before": "soon", "channel": "sms"}, 422, "Some values are not valid."),
        ({"channel": "sms"}, 422, "Some values are not valid."),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_written(max_, body, status, message):
    mark = audit_mark()
    response = post(max_, RULES, body)
    assert response.status_code == status
    assert response.json()["message"] == message
    assert not ReminderRule.objects.exists()
    assert actions_since(mark) == []


def test_another_practices_rule_is_a_404(max_, other_practice):
    rule = reminder_rule_create(practice=other_practice, hours_before=24, channel="sms")
    for action in ("pause", "resume"):
        response = post(max_, f"{RULES}/{rule.pk}/{action}", {})
        assert response.status_code == 404
        assert response.json()["message"] == "No such reminder rule in this practice."
    rule.refresh_from_db()
    assert rule.is_active


@pytest.mark.parametrize(
    ("persona_name", "allowed"), [("admin_ada", True), ("frontdesk_fay", False)]
)
def test_who_may_set_reminder_rules(request, client_for, practice, persona_name, allowed):
    rule = reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    client = client_for(request.getfixturevalue(persona_name))
    answers = [
        client.get(RULES),
        post(client, RULES, {"hours_before": 72, "channel": "email"}),
        post(client, f"{RULES}/{rule.pk}/pause", {}),
        post(client, f"{RULES}/{rule.pk}/resume", {}),
    ]
    if allowed:
        assert [a.status_code for a in answers] == [200, 201, 200, 200]
    else:
        assert {a.status_code for a in answers} == {403}
        assert ReminderRule.objects.count() == 1
        rule.refresh_from_db()
        assert rule.is_active
