"""The claim on each reminder: however many workers run, a reminder goes out at most once, and a
worker that stopped while holding a claim does not keep it forever.

A reminder's ``ReminderSent`` row (unique per appointment, rule and channel) goes
claimed → sending → sent or failed:

- *claimed*: a worker inserted the row; the unique constraint lets one worker win. Nothing has
  gone out yet.
- *sending*: committed just before the sender is called. From here on, only the sender knows.
- *sent* / *failed*: what the sender answered.

A row still *claimed* after ``STALE_CLAIM`` belongs to a worker that stopped between claiming and
sending, so nothing went out: exactly one other worker takes it over, with a compare-and-set
UPDATE on the claim's attempt number, and sends it. Every step from *claimed* on is such an
UPDATE, so a worker whose claim was taken over while it stalled sends nothing. A row still
*sending* after ``STALE_CLAIM`` belongs to a worker that stopped while sending: the reminder may
or may not have gone out, so it is never retried; it becomes *unknown*, audited, for the
practice to see. Never twice matters more than always.

Lower than ``reminders`` and ``booking``: a rescheduled visit forgets its reminders here, in the
reschedule's own transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import F

from praxis.core import audit
from praxis.core.models import User

from .models import Appointment, ReminderRule, ReminderSent

Outcome = ReminderSent.Outcome

# Claiming and calling the sender take a fraction of a second; a claim this old is abandoned.
STALE_CLAIM = timedelta(minutes=5)


@dataclass(frozen=True)
class Claim:
    """A reminder this worker may send: its row and the attempt it holds."""

    pk: int
    attempt: int


@dataclass(frozen=True)
class ClaimState:
    """A reminder's row as a worker found it."""

    pk: int
    outcome: str
    attempt: int
    claimed_at: datetime
    sent_at: datetime | None

    def abandoned_claim(self, now: datetime) -> bool:
        return self.outcome == Outcome.CLAIMED and self.claimed_at <= now - STALE_CLAIM

    def abandoned_send(self, now: datetime) -> bool:
        return (
            self.outcome == Outcome.SENDING
            and self.sent_at is not None
            and self.sent_at <= now - STALE_CLAIM
        )


def claim_state(appointment: Appointment, rule: ReminderRule) -> ClaimState | None:
    row = (
        ReminderSent.objects.filter(appointment=appointment, rule=rule, channel=rule.channel)
        .values_list("pk", "outcome", "attempt", "claimed_at", "sent_at")
        .first()
    )
    return ClaimState(*row) if row else None


def reminder_claim(*, appointment: Appointment, rule: ReminderRule, now: datetime) -> Claim | None:
    """Insert the reminder's row; None when another worker (or an earlier run) has it."""
    try:
        with transaction.atomic():
            row = ReminderSent.objects.create(
                appointment=appointment, rule=rule, channel=rule.channel, claimed_at=now
            )
    except IntegrityError:
        return None
    return Claim(row.pk, row.attempt)


def reminder_claim_take_over(*, state: ClaimState, now: datetime) -> Claim | None:
    """Take over an abandoned claim; None when another worker took it first (or it moved on)."""
    with transaction.atomic():
        won = ReminderSent.objects.filter(
            pk=state.pk,
            outcome=Outcome.CLAIMED,
            attempt=state.attempt,
            claimed_at__lte=now - STALE_CLAIM,
        ).update(attempt=F("attempt") + 1, claimed_at=now)
    return Claim(state.pk, state.attempt + 1) if won else None


def reminder_sending(*, claim: Claim, now: datetime) -> bool:
    """Commit "sending" just before the sender is called. False when the claim is no longer this
    worker's (taken over while it stalled, or forgotten because the visit moved): send nothing."""
    with transaction.atomic():
        return bool(
            ReminderSent.objects.filter(
                pk=claim.pk, outcome=Outcome.CLAIMED, attempt=claim.attempt
            ).update(outcome=Outcome.SENDING, sent_at=now)
        )


def reminder_finish(
    *, claim: Claim, outcome: str, appointment: Appointment, rule: ReminderRule
) -> None:
    """Record what the sender answered. A slow send already marked unknown learns its outcome."""
    with transaction.atomic():
        ReminderSent.objects.filter(
            pk=claim.pk, outcome__in=(Outcome.SENDING, Outcome.UNKNOWN), attempt=claim.attempt
        ).update(outcome=outcome)
        audit.record(
            "praxis.scheduling.reminder.sent",
            obj=appointment,
            patient_id=appointment.patient_id,
            details={
                "rule": rule.pk,
                "channel": rule.channel,
                "hours_before": rule.hours_before,
                "outcome": outcome,
                "attempt": claim.attempt,
            },
        )


def reminder_outcome_unknown(*, state: ClaimState, appointment: Appointment) -> bool:
    """A worker stopped while sending: record that nobody knows whether the reminder went out.
    It is not sent again. False when another worker recorded it first."""
    with transaction.atomic():
        marked = ReminderSent.objects.filter(
            pk=state.pk, outcome=Outcome.SENDING, attempt=state.attempt
        ).update(outcome=Outcome.UNKNOWN)
        if marked:
            audit.record(
                "praxis.scheduling.reminder.outcome_unknown",
                obj=appointment,
                patient_id=appointment.patient_id,
                details={"reminder": state.pk, "attempt": state.attempt, "since": state.sent_at},
            )
    return bool(marked)


def reminders_forget(*, appointment: Appointment, by: User | None) -> int:
    """A visit that moved is reminded again, for its new time (the old text's token no longer
    matches it): its reminder rows go. Called inside the reschedule's transaction."""
    with transaction.atomic():
        forgotten, _ = ReminderSent.objects.filter(appointment_id=appointment.pk).delete()
        if forgotten:
            audit.record(
                "praxis.scheduling.reminder.forgotten",
                obj=appointment,
                patient_id=appointment.patient_id,
                details={"reminders": forgotten, "start": appointment.start},
                actor=by,
            )
    return forgotten
