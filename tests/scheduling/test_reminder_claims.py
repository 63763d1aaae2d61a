"""A worker that stops half-way through a reminder: Paula's 10:00 with Dr. Dana, a practice that
texts 24 hours ahead, and workers that die after claiming the text, or while sending it. A text
whose claim was abandoned still goes, once; a text that may have gone never goes again."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connection

from praxis.core.models import AuditEvent
from praxis.scheduling import reminder_claims, reminders
from praxis.scheduling.messaging import MemorySmsSender
from praxis.scheduling.models import Appointment, ReminderRule, ReminderSent

from .conftest import book, local, make_patient

STALE = reminder_claims.STALE_CLAIM

pytestmark = pytest.mark.usefixtures("sms_outbox")


class WorkerStopped(BaseException):
    """The process died: no ``except Exception`` catches it, nothing after it runs."""


@pytest.fixture
def visit(practice, dana, clinic, follow_up, visit_day) -> Appointment:  # type: ignore[no-untyped-def]
    reminders.reminder_rule_create(practice=practice, hours_before=24, channel="sms")
    paula = make_patient(practice, "Paula", "Patel", phone="+1 212 555 0123", consent_sms=True)
    return book(paula, dana, clinic, follow_up, local(visit_day, 10))


def _stop_worker(*args, **kwargs):  # type: ignore[no-untyped-def]
    raise WorkerStopped


def _row(visit: Appointment) -> ReminderSent:
    return ReminderSent.objects.get(appointment=visit)


@pytest.mark.django_db
def test_a_claim_abandoned_before_sending_is_taken_over_once(visit, monkeypatch):
    t0 = visit.start - timedelta(hours=20)
    with monkeypatch.context() as crash:
        crash.setattr(reminders, "reminder_sending", _stop_worker)  # after the claim, before
        with pytest.raises(WorkerStopped):
            reminders.send_due_reminders(now=t0)
    assert _row(visit).outcome == "claimed"

    fresh = reminders.send_due_reminders(now=t0 + STALE - timedelta(seconds=1))
    assert (fresh["sent"], fresh["taken_over"], fresh["already_claimed"]) == (0, 0, 1)
    assert MemorySmsSender.outbox == []  # its worker may only be slow

    stale = reminders.send_due_reminders(now=t0 + STALE)
    assert (stale["sent"], stale["taken_over"]) == (1, 1)
    assert len(MemorySmsSender.outbox) == 1
    row = _row(visit)
    assert (row.outcome, row.attempt) == ("sent", 2)
    sent = AuditEvent.objects.get(action="praxis.scheduling.reminder.sent")
    assert sent.details["attempt"] == 2

    later = reminders.send_due_reminders(now=t0 + 3 * STALE)
    assert (later["sent"], later["taken_over"]) == (0, 0)
    assert len(MemorySmsSender.outbox) == 1


@pytest.mark.django_db
def test_a_send_abandoned_half_way_is_never_retried(visit, monkeypatch):
    t0 = visit.start - timedelta(hours=20)
    with monkeypatch.context() as crash:
        crash.setattr("praxis.scheduling.messaging.send_sms", _stop_worker)
        with pytest.raises(WorkerStopped):
            reminders.send_due_reminders(now=t0)
    assert _row(visit).outcome == "sending"

    assert reminders.send_due_reminders(now=t0 + timedelta(minutes=1))["sent"] == 0
    gave_up = reminders.send_due_reminders(now=t0 + STALE)
    assert (gave_up["sent"], gave_up["outcome_unknown"]) == (0, 1)
    assert _row(visit).outcome == "unknown"
    unknown = AuditEvent.objects.get(action="praxis.scheduling.reminder.outcome_unknown")
    assert unknown.patient_id == str(visit.patient_id)

    for hours in (1, 5, 19):
        run = reminders.send_due_reminders(now=t0 + timedelta(hours=hours))
        assert (run["sent"], run["outcome_unknown"]) == (0, 0)
    assert MemorySmsSender.outbox == []
    assert _row(visit).outcome == "unknown"


@pytest.mark.django_db
def test_a_worker_whose_claim_was_taken_over_sends_nothing(visit):
    t0 = visit.start - timedelta(hours=20)
    [(appointment, rule)] = reminders._due(t0, list(ReminderRule.objects.all()))
    stalled = reminder_claims.reminder_claim(appointment=appointment, rule=rule, now=t0)
    assert stalled is not None
    state = reminder_claims.claim_state(appointment, rule)
    assert state is not None and state.abandoned_claim(t0 + STALE)
    taker = reminder_claims.reminder_claim_take_over(state=state, now=t0 + STALE)
    assert taker is not None and taker.attempt == 2

    assert not reminder_claims.reminder_sending(claim=stalled, now=t0 + STALE)  # woke up late
    assert reminder_claims.reminder_sending(claim=taker, now=t0 + STALE)
    assert reminder_claims.reminder_claim_take_over(state=state, now=t0 + STALE) is None


@pytest.mark.django_db(transaction=True)
def test_two_workers_racing_for_an_abandoned_claim_send_it_once(visit, monkeypatch):
    t0 = visit.start - timedelta(hours=20)
    with monkeypatch.context() as crash:
        crash.setattr(reminders, "reminder_sending", _stop_worker)
        with pytest.raises(WorkerStopped):
            reminders.send_due_reminders(now=t0)

    # Both workers have read the abandoned claim before either tries to take it over.
    both_read = threading.Barrier(2, timeout=30)
    read = reminder_claims.claim_state

    def read_then_wait(*args):  # type: ignore[no-untyped-def]
        state = read(*args)
        both_read.wait()
        return state

    monkeypatch.setattr(reminders, "claim_state", read_then_wait)

    def worker() -> dict[str, int]:
        try:
            return reminders.send_due_reminders(now=t0 + STALE)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = [run.result() for run in [pool.submit(worker) for _ in range(2)]]

    assert sorted(r["taken_over"] for r in results) == [0, 1]
    assert sorted(r["sent"] for r in results) == [0, 1]
    assert len(MemorySmsSender.outbox) == 1
    row = _row(visit)
    assert (row.outcome, row.attempt) == ("sent", 2)
