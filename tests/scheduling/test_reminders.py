"""Reminders: Paula Patel (who may be texted) and Dr. Dana's 10:00 visit, a practice that
texts 72 and 24 hours ahead and e-mails 24 hours ahead, and Paula's replies by text."""

from __future__ import annotations

import json
import threading
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from praxis.core.models import AuditEvent
from praxis.scheduling import reminders
from praxis.scheduling.booking import appointment_book, appointment_reschedule
from praxis.scheduling.messaging import FileSmsSender, MemorySmsSender
from praxis.scheduling.models import Appointment, ReminderRule, ReminderSent
from praxis.scheduling.sms_views import SIGNATURE_HEADER, sign_body
from praxis.scheduling.visits import appointment_cancel

from .conftest import local, make_patient

SECRET = "webhook-secret-for-tests"

pytestmark = pytest.mark.usefixtures("sms_outbox")


@pytest.fixture
def rules(practice):  # type: ignore[no-untyped-def]
    return [
        reminders.reminder_rule_create(practice=practice, hours_before=72, channel="sms"),
        reminders.reminder_rule_create(practice=practice, hours_before=24, channel="sms"),
        reminders.reminder_rule_create(practice=practice, hours_before=24, channel="email"),
    ]


def _texting_patient(practice, **extra):  # type: ignore[no-untyped-def]
    values = {"phone": "+1 212 555 0123", "consent_sms": True, "email": "paula@example.org"}
    values.update(extra)
    return make_patient(practice, "Paula", "Patel", **values)


def _book(patient, dana, clinic, follow_up, day, hour=10):  # type: ignore[no-untyped-def]
    return appointment_book(
        patient=patient,
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        start=local(day, hour),
        booked_by=None,
    )


def test_the_closest_due_reminder_goes_once(practice, rules, dana, clinic, follow_up, visit_day):
    visit = _book(_texting_patient(practice), dana, clinic, follow_up, visit_day)
    assert reminders.send_due_reminders(now=visit.start - timedelta(hours=80))["sent"] == 0

    at_71h = visit.start - timedelta(hours=71)
    assert reminders.send_due_reminders(now=at_71h)["sent"] == 1
    assert reminders.send_due_reminders(now=at_71h)["sent"] == 0  # run twice: still once
    assert reminders.send_due_reminders(now=at_71h + timedelta(minutes=5))["sent"] == 0
    [text] = MemorySmsSender.outbox
    assert text["to"] == "+1 212 555 0123"
    assert "Dr. Dana Dubois" in text["text"] and "Reply C" in text["text"]
    assert "Follow-up" not in text["text"]  # why the patient comes is nobody's business

    at_23h = visit.start - timedelta(hours=23)
    assert reminders.send_due_reminders(now=at_23h)["sent"] == 1  # the 24-hour text
    assert len(MemorySmsSender.outbox) == 2
    assert mail.outbox == []  # no e-mail consent
    assert ReminderSent.objects.filter(appointment=visit).count() == 2
    assert AuditEvent.objects.filter(action="praxis.scheduling.reminder.sent").count() == 2


def test_a_visit_booked_late_gets_only_the_closest_reminder(
    practice, rules, dana, clinic, follow_up, visit_day
):
    visit = _book(_texting_patient(practice), dana, clinic, follow_up, visit_day)
    reminders.send_due_reminders(now=visit.start - timedelta(hours=10))
    reminders.send_due_reminders(now=visit.start - timedelta(hours=9))
    assert len(MemorySmsSender.outbox) == 1
    assert ReminderSent.objects.get(appointment=visit).rule.hours_before == 24


@pytest.mark.parametrize(
    "consents, sms, emails",
    [
        ({"consent_sms": True, "consent_email": True}, 1, 1),
        ({"consent_sms": False, "consent_email": True}, 0, 1),
        ({"consent_sms": True, "phone": ""}, 0, 0),  # consent, but no number
        ({"consent_sms": False, "consent_email": False}, 0, 0),
        ({"consent_email": True, "email": ""}, 1, 0),
    ],
)
def test_only_channels_the_patient_consented_to(
    practice, rules, dana, clinic, follow_up, visit_day, consents, sms, emails
):
    visit = _book(_texting_patient(practice, **consents), dana, clinic, follow_up, visit_day)
    reminders.send_due_reminders(now=visit.start - timedelta(hours=20))
    assert len(MemorySmsSender.outbox) == sms
    assert len(mail.outbox) == emails
    if emails:
        assert mail.outbox[0].to == ["paula@example.org"]


def test_cancelled_and_past_visits_get_no_reminder(
    practice, rules, dana, clinic, follow_up, visit_day
):
    paula = _texting_patient(practice)
    cancelled = _book(paula, dana, clinic, follow_up, visit_day, 10)
    appointment_cancel(appointment=cancelled, reason="Travel", cancelled_by=None)
    later = _book(paula, dana, clinic, follow_up, visit_day, 14)
    # At 13:00 the 10:00 visit is past (and cancelled); only the 14:00 one is reminded.
    result = reminders.send_due_reminders(now=local(visit_day, 13))
    assert result["sent"] == 1
    assert list(ReminderSent.objects.values_list("appointment", flat=True)) == [later.pk]
    # and after the 14:00 visit started, nothing more
    assert reminders.send_due_reminders(now=local(visit_day, 15))["sent"] == 0


def test_inactive_rules_send_nothing(practice, rules, dana, clinic, follow_up, visit_day):
    ReminderRule.objects.update(is_active=False)
    visit = _book(_texting_patient(practice), dana, clinic, follow_up, visit_day)
    assert reminders.send_due_reminders(now=visit.start - timedelta(hours=1))["sent"] == 0


def test_a_moved_visit_is_reminded_again(
    practice, rules, dana, clinic, follow_up, visit_day, django_capture_on_commit_callbacks
):
    visit = _book(_texting_patient(practice), dana, clinic, follow_up, visit_day)
    reminders.send_due_reminders(now=visit.start - timedelta(hours=20))
    with django_capture_on_commit_callbacks(execute=True):
        appointment_reschedule(appointment=visit, start=local(visit_day, 15), rescheduled_by=None)
    assert not ReminderSent.objects.filter(appointment=visit).exists()
    reminders.send_due_reminders(now=visit.start - timedelta(hours=20))
    assert len(MemorySmsSender.outbox) == 2


def test_the_file_sender_appends_json_lines(tmp_path):
    sender = FileSmsSender(tmp_path / "outbox" / "sms.jsonl")
    sender.send(to="+12125550123", text="one")
    sender.send(to="+12125550123", text="two")
    lines = (tmp_path / "outbox" / "sms.jsonl").read_text().splitlines()
    assert [json.loads(line)["text"] for line in lines] == ["one", "two"]


# --- replies -----------------------------------------------------------------------------------


@pytest.fixture
def texted_visit(practice, rules, dana, clinic, follow_up, visit_day, settings):  # type: ignore[no-untyped-def]
    settings.PRAXIS_SMS_WEBHOOK_SECRET = SECRET
    return _book(_texting_patient(practice), dana, clinic, follow_up, visit_day)


def _reply(body: dict, secret: str = SECRET) -> object:
    raw = json.dumps(body).encode()
    return Client().post(
        "/scheduling/sms/reply",
        raw,
        content_type="application/json",
        headers={SIGNATURE_HEADER: sign_body(raw, secret)},
    )


def _from_paula(visit: Appointment, text: str) -> dict:
    return {"from": "+12125550123", "text": text, "token": reminders.reply_token(visit)}


def test_replying_c_confirms(texted_visit):
    response = _reply(_from_paula(texted_visit, " c "))
    assert response.status_code == 200 and response.json() == {"outcome": "confirmed"}
    texted_visit.refresh_from_db()
    assert texted_visit.status == "confirmed"
    assert AuditEvent.objects.filter(action="praxis.scheduling.appointment.confirmed").exists()
    assert AuditEvent.objects.filter(action="praxis.scheduling.reminder.reply").exists()


def test_replying_n_cancels(texted_visit):
    assert _reply(_from_paula(texted_visit, "N")).json() == {"outcome": "cancelled"}
    texted_visit.refresh_from_db()
    assert texted_visit.status == "cancelled"
    assert texted_visit.cancel_reason == "Patient replied N to reminder"


def test_other_text_changes_nothing(texted_visit):
    response = _reply(_from_paula(texted_visit, "What time again?"))
    assert response.status_code == 200 and response.json() == {"outcome": "ignored"}
    texted_visit.refresh_from_db()
    assert texted_visit.status == "scheduled"


@pytest.mark.parametrize("secret", ["wrong-secret", ""])
def test_a_bad_signature_is_refused(texted_visit, secret):
    assert _reply(_from_paula(texted_visit, "N"), secret=secret).status_code == 403
    texted_visit.refresh_from_db()
    assert texted_visit.status == "scheduled"


def test_no_secret_configured_refuses_everything(texted_visit, settings):
    settings.PRAXIS_SMS_WEBHOOK_SECRET = ""
    assert _reply(_from_paula(texted_visit, "N"), secret="").status_code == 403


@pytest.mark.parametrize("token", ["", "garbage", "1.abc:forged-signature", "zzz.zzz:aW52YWxpZA"])
def test_an_unknown_token_changes_nothing(texted_visit, token):
    response = _reply({"from": "+12125550123", "text": "N", "token": token})
    assert response.status_code == 200 and response.json() == {"outcome": "ignored"}
    texted_visit.refresh_from_db()
    assert texted_visit.status == "scheduled"


def test_a_reply_from_another_number_changes_nothing(texted_visit):
    body = {**_from_paula(texted_visit, "N"), "from": "+13125550199"}
    assert _reply(body).json() == {"outcome": "ignored"}


def test_an_old_token_after_the_visit_moved_changes_nothing(texted_visit, visit_day):
    old = _from_paula(texted_visit, "C")
    appointment_reschedule(
        appointment=texted_visit, start=local(visit_day, 15), rescheduled_by=None
    )
    assert _reply(old).json() == {"outcome": "ignored"}
    texted_visit.refresh_from_db()
    assert texted_visit.status == "scheduled"


def test_a_replayed_n_after_cancelling_changes_nothing(texted_visit):
    body = _from_paula(texted_visit, "N")
    assert _reply(body).json() == {"outcome": "cancelled"}
    assert _reply(body).json() == {"outcome": "ignored"}
    assert _reply({**body, "text": "C"}).json() == {"outcome": "ignored"}


def test_get_is_not_allowed(texted_visit):
    assert Client().get("/scheduling/sms/reply").status_code == 405


# --- two workers at once -------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_send_each_reminder_once(practice, dana, clinic, follow_up, visit_day):
    reminders.reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    paula = _texting_patient(practice)
    visits = [_book(paula, dana, clinic, follow_up, visit_day, h) for h in (9, 11, 13, 15)]
    now = visits[0].start - timedelta(hours=2)
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            reminders.send_due_reminders(now=now)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert ReminderSent.objects.count() == 4
    assert len(MemorySmsSender.outbox) == 4
    assert sorted(m["text"] for m in MemorySmsSender.outbox) == sorted(
        set(m["text"] for m in MemorySmsSender.outbox)
    )


def test_the_worker_runs_reminders_every_few_minutes(
    practice, rules, dana, clinic, follow_up, visit_day, monkeypatch
):
    from praxis.core import periodic

    assert "appointment_reminders" in periodic.REGISTRY
    monkeypatch.setattr(periodic, "_last_run", {})
    ran: list[int] = []
    job = periodic.REGISTRY["appointment_reminders"]
    monkeypatch.setitem(
        periodic.REGISTRY,
        job.name,
        periodic.PeriodicJob(job.name, job.every, lambda: ran.append(1) or {}),
    )
    t0 = local(visit_day, 8)
    periodic.run_periodic_jobs(now=t0)
    periodic.run_periodic_jobs(now=t0 + timedelta(minutes=2))  # too soon
    periodic.run_periodic_jobs(now=t0 + timedelta(minutes=5))
    assert ran == [1, 1]


@pytest.mark.parametrize(("clock_24h", "at"), [(False, "1:30 PM"), (True, "13:30")])
def test_the_reminder_says_the_day_and_time_on_the_practices_clock(  # type: ignore[no-untyped-def]
    practice, rules, dana, clinic, follow_up, visit_day, clock_24h, at
):
    """The worker sends outside any request, so the text takes the practice's clock itself."""
    from praxis.core import datefmt

    practice.clock_24h = clock_24h
    practice.save(update_fields=["clock_24h"])
    patient = _texting_patient(practice, consent_email=True)
    visit = appointment_book(
        patient=patient,
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        start=local(visit_day, 13, 30),
        booked_by=None,
    )
    reminders.send_due_reminders(now=visit.start - timedelta(hours=20))
    zone = local(visit_day, 13, 30).tzname()
    when = f"on {datefmt.day(visit_day)}, {at} {zone}"
    assert when in MemorySmsSender.outbox[0]["text"]
    assert when in mail.outbox[0].body
