"""What a cancel and a reschedule write besides the visit itself: the waitlist opening a
cancellation frees, and the reminders a moved visit forgets. Both are written in the same
transaction as the change, audited, and undo the change when they fail."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import DatabaseError
from django.db.models import QuerySet
from django.utils import timezone

from praxis.core.models import AuditEvent
from praxis.scheduling import reminders
from praxis.scheduling.booking import appointment_reschedule
from praxis.scheduling.models import Appointment, ReminderSent, WaitlistOpening
from praxis.scheduling.signals import appointment_changed
from praxis.scheduling.visits import appointment_cancel

from .conftest import book, local

pytestmark = pytest.mark.django_db


def _actions() -> list[str]:
    return list(AuditEvent.objects.order_by("pk").values_list("action", flat=True))


@pytest.fixture
def ten(paula, dana, clinic, follow_up, visit_day) -> Appointment:  # type: ignore[no-untyped-def]
    return book(paula, dana, clinic, follow_up, local(visit_day, 10))


def test_a_cancel_opens_the_freed_time_in_its_own_transaction(ten, frontdesk_fay):
    appointment_cancel(appointment=ten, reason="Feeling better", cancelled_by=frontdesk_fay)

    opening = WaitlistOpening.objects.get(cancelled_appointment=ten)  # no on_commit needed
    assert (opening.status, opening.start, opening.end) == ("open", ten.start, ten.end)
    opened = AuditEvent.objects.get(action="praxis.scheduling.waitlist_opening.opened")
    assert opened.object_id == str(opening.pk)
    assert opened.actor_id == frontdesk_fay.pk
    assert _actions()[-2:] == [
        "praxis.scheduling.appointment.cancelled",
        "praxis.scheduling.waitlist_opening.opened",
    ]


def test_a_cancel_that_cannot_open_the_time_is_undone(ten, monkeypatch):
    def refuse(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DatabaseError("the opening could not be written")

    before = _actions()
    monkeypatch.setattr(WaitlistOpening, "save", refuse)
    with pytest.raises(DatabaseError):
        appointment_cancel(appointment=ten, reason="Feeling better", cancelled_by=None)

    ten.refresh_from_db()
    assert ten.status == "scheduled" and ten.cancelled_at is None
    assert not WaitlistOpening.objects.exists()
    assert _actions() == before  # neither the cancel nor the opening was audited


def test_a_visit_already_under_way_frees_nothing_for_the_waitlist(ten):
    started = timezone.now() - timedelta(minutes=5)
    Appointment.objects.filter(pk=ten.pk).update(start=started, end=started + timedelta(hours=1))
    appointment_cancel(appointment=ten, reason="Left before being seen", cancelled_by=None)
    assert not WaitlistOpening.objects.exists()
    assert "praxis.scheduling.waitlist_opening.opened" not in _actions()


@pytest.fixture
def reminded_ten(practice, ten) -> Appointment:  # type: ignore[no-untyped-def]
    patient = ten.patient
    patient.phone, patient.consent_sms = "+1 212 555 0123", True
    patient.save()
    reminders.reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    reminders.send_due_reminders(now=ten.start - timedelta(hours=20))
    assert ReminderSent.objects.filter(appointment=ten).count() == 1
    return ten


def test_a_reschedule_forgets_the_reminders_in_its_own_transaction(
    reminded_ten, frontdesk_fay, visit_day
):
    appointment_reschedule(
        appointment=reminded_ten, start=local(visit_day, 15), rescheduled_by=frontdesk_fay
    )

    assert not ReminderSent.objects.filter(appointment=reminded_ten).exists()
    forgotten = AuditEvent.objects.get(action="praxis.scheduling.reminder.forgotten")
    assert forgotten.object_id == str(reminded_ten.pk)
    assert forgotten.patient_id == str(reminded_ten.patient_id)
    assert forgotten.actor_id == frontdesk_fay.pk
    assert forgotten.details["reminders"] == 1


def test_a_reschedule_that_cannot_forget_the_reminders_is_undone(
    reminded_ten, visit_day, monkeypatch
):
    delete = QuerySet.delete

    def refuse(queryset, *args, **kwargs):  # type: ignore[no-untyped-def]
        if queryset.model is ReminderSent:
            raise DatabaseError("the reminders could not be deleted")
        return delete(queryset, *args, **kwargs)

    before = _actions()
    monkeypatch.setattr(QuerySet, "delete", refuse)
    with pytest.raises(DatabaseError):
        appointment_reschedule(
            appointment=reminded_ten, start=local(visit_day, 15), rescheduled_by=None
        )

    assert Appointment.objects.get(pk=reminded_ten.pk).start == local(visit_day, 10)
    assert ReminderSent.objects.filter(appointment=reminded_ten).count() == 1
    assert _actions() == before


def test_a_move_with_nothing_to_forget_audits_only_the_move(ten, visit_day):
    appointment_reschedule(appointment=ten, start=local(visit_day, 15), rescheduled_by=None)
    assert "praxis.scheduling.reminder.forgotten" not in _actions()


def test_no_receiver_of_appointment_changed_writes_any_more():
    # The waitlist and the reminders used to listen and write after commit; both are service
    # calls inside the transaction now, and nothing else in Praxis listens.
    assert not appointment_changed.has_listeners(Appointment)
