"""The Manager sets the practice's reminder rules on the scheduling set-up page."""

from __future__ import annotations

import pytest
from django.urls import reverse

from praxis.core.testing.assertions import actions_since, audit_mark, page_text
from praxis.scheduling.models import ReminderRule
from praxis.scheduling.reminders import reminder_rule_create

pytestmark = pytest.mark.django_db

ADD = reverse("scheduling:reminder_rule_add")


def test_the_manager_adds_a_rule_and_pauses_it(client_for, manager_max, practice):
    client = client_for(manager_max)
    mark = audit_mark()
    response = client.post(ADD, {"hours_before": "48", "channel": "sms"})
    assert response["Location"].endswith("#reminders")
    rule = ReminderRule.objects.get(practice=practice)
    assert (rule.hours_before, rule.channel, rule.is_active) == (48, "sms", True)
    page = client.get(reverse("scheduling:setup"))
    assert "48 h before" in page_text(page)

    client.post(reverse("scheduling:reminder_rule_toggle", args=[rule.pk]))
    rule.refresh_from_db()
    assert rule.is_active is False
    assert actions_since(mark) == [
        "praxis.scheduling.reminder_rule.saved",
        "praxis.scheduling.reminder_rule.paused",
    ]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"hours_before": "0", "channel": "sms"}, "greater than or equal to 1"),
        ({"hours_before": "721", "channel": "email"}, "less than or equal to 720"),
        ({"hours_before": "24", "channel": "pigeon"}, "Select a valid choice"),
        ({"hours_before": "soon", "channel": "sms"}, "Enter a whole number"),
    ],
)
def test_bad_rules_are_refused_and_nothing_is_written(client_for, manager_max, data, message):
    client = client_for(manager_max)
    mark = audit_mark()
    response = client.post(ADD, data)
    assert response.status_code == 400
    assert message in page_text(response)
    assert not ReminderRule.objects.exists()
    assert actions_since(mark) == []


def test_only_the_manager_and_administrator_set_rules(client_for, frontdesk_fay, practice):
    rule = reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    client = client_for(frontdesk_fay)
    assert client.post(ADD, {"hours_before": "72", "channel": "email"}).status_code == 403
    toggle = reverse("scheduling:reminder_rule_toggle", args=[rule.pk])
    assert client.post(toggle).status_code == 403
    rule.refresh_from_db()
    assert rule.is_active


def test_another_practices_rule_is_a_404(client_for, manager_max, other_practice):
    rule = reminder_rule_create(practice=other_practice, hours_before=24, channel="sms")
    response = client_for(manager_max).post(
        reverse("scheduling:reminder_rule_toggle", args=[rule.pk])
    )
    assert response.status_code == 404
    rule.refresh_from_db()
    assert rule.is_active
