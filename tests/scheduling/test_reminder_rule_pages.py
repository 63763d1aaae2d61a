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


# --- preview and test send --------------------------------------------------------------------


@pytest.fixture
def dr_lee(practice, location):
    from praxis.scheduling.testing import ProviderFactory

    return ProviderFactory(practice=practice, display_name="Dr. Ann Lee")


def _test_url(rule: ReminderRule) -> str:
    return reverse("scheduling:reminder_rule_test", args=[rule.pk])


def test_each_rule_shows_what_a_patient_would_get(client_for, manager_max, practice, dr_lee):
    reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    reminder_rule_create(practice=practice, hours_before=72, channel="email")
    text = page_text(client_for(manager_max).get(reverse("scheduling:setup")))
    assert f"{practice.name}: reminder of your visit with Dr. Ann Lee on" in text
    assert "9:30 AM" in text
    assert "Reply C to confirm or N to cancel" in text
    assert "text message" in text  # the length of the SMS, in texts
    assert f"Subject: Your visit at {practice.name}" in text


@pytest.mark.parametrize(
    "text, texts",
    [("a" * 160, 1), ("a" * 161, 2), ("a" * 306, 2), ("a" * 307, 3), ("é" * 70, 1), ("é" * 71, 2)],
)
def test_a_long_text_is_counted_in_the_messages_a_carrier_splits_it_into(text, texts):
    from praxis.scheduling.reminder_preview import text_messages

    assert text_messages(text) == texts


def test_a_test_text_goes_to_the_number_typed_and_names_no_visit(
    client_for, manager_max, practice, dr_lee, sms_outbox
):
    rule = reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    client = client_for(manager_max)
    mark = audit_mark()
    response = client.post(_test_url(rule), {"to": "(802) 555-0142"})
    assert response["Location"].endswith("#reminders")
    [sent] = sms_outbox
    assert sent["to"] == "+18025550142"
    assert "Dr. Ann Lee" in sent["text"]
    token = sent["text"].rsplit("Ref ", 1)[1]
    from praxis.scheduling.reminders import read_token

    assert read_token(token)[0] == 0  # a reply to it finds no visit
    assert actions_since(mark) == ["praxis.scheduling.reminder_rule.tested"]


def test_a_test_e_mail_goes_to_the_address_typed(client_for, manager_max, practice, dr_lee):
    from django.core import mail

    rule = reminder_rule_create(practice=practice, hours_before=72, channel="email")
    client_for(manager_max).post(_test_url(rule), {"to": "max@example.org"})
    [sent] = mail.outbox
    assert sent.to == ["max@example.org"] and "Dr. Ann Lee" in sent.body


@pytest.mark.parametrize(
    "channel, to, message",
    [
        ("sms", "12", "not a valid phone number"),
        ("sms", "", "Enter a phone number"),
        ("email", "not-an-address", "Enter a valid email address"),
    ],
)
def test_a_bad_test_address_is_refused_and_nothing_sent(
    client_for, manager_max, practice, dr_lee, sms_outbox, channel, to, message
):
    from django.core import mail

    rule = reminder_rule_create(practice=practice, hours_before=24, channel=channel)
    client = client_for(manager_max)
    mark = audit_mark()
    client.post(_test_url(rule), {"to": to})
    assert message in page_text(client.get(reverse("scheduling:setup")))
    assert sms_outbox == [] and mail.outbox == []
    assert actions_since(mark) == []


def test_a_gateway_that_refuses_says_so(client_for, manager_max, practice, dr_lee, monkeypatch):
    from praxis.scheduling import messaging

    def refuse(**kwargs):
        raise ConnectionError("gateway down")

    monkeypatch.setattr(messaging, "send_sms", refuse)
    rule = reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    client = client_for(manager_max)
    client.post(_test_url(rule), {"to": "(802) 555-0142"})
    assert "the text-message gateway refused it" in page_text(
        client.get(reverse("scheduling:setup"))
    )


def test_the_front_desk_cannot_send_tests_and_another_practices_rule_is_404(
    client_for, frontdesk_fay, manager_max, other_practice
):
    rule = reminder_rule_create(practice=other_practice, hours_before=24, channel="sms")
    assert client_for(frontdesk_fay).post(_test_url(rule), {"to": "8025550142"}).status_code == 403
    assert client_for(manager_max).post(_test_url(rule), {"to": "8025550142"}).status_code == 404
