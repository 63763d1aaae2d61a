"""Appointment reminders and the patient's reply to a text reminder.

``send_due_reminders()`` runs every few minutes in each worker (``core/periodic.py``). For every
active visit (scheduled or confirmed) still ahead, a rule is due once the visit is less than
``hours_before`` away; when several rules of one channel are due (a visit booked late), only the
closest one is sent, so a patient never gets the 72-hour and the 24-hour reminder together. A
reminder is sent only through a channel the patient consented to and has an address for.

Each reminder goes out at most once, however many workers run (``reminder_claims``): a worker
claims it by inserting its ``ReminderSent`` row (unique per appointment, rule and channel), as
daily jobs are claimed, commits "sending" just before calling the sender, then records "sent" or
"failed". A worker that stopped after claiming and before sending leaves a claim that another
worker takes over a few minutes later (one wins: a compare-and-set UPDATE), so the reminder still
goes. A worker that stopped while sending leaves a row whose outcome nobody knows: it is marked
"unknown" (audited) and never sent again. A visit that is rescheduled forgets its reminders in
the reschedule's own transaction, and is reminded again for its new time.

A text reminder carries a short signed token naming the visit and its start time. The SMS
gateway posts the reply to ``/scheduling/sms/reply`` signed with PRAXIS_SMS_WEBHOOK_SECRET; "C"
confirms, "N" cancels. A token for a visit that has since moved, or that is no longer scheduled,
changes nothing.
"""

from __future__ import annotations

import logging
import re
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from django.core import signing
from django.db import transaction
from django.utils import timezone

from praxis.core import audit, phi_audit
from praxis.core import time as wallclock
from praxis.core.models import Location, Practice
from praxis.core.service_support import ServiceError

from . import messaging
from .models import Appointment, Channel, ReminderRule, ReminderSent
from .reminder_claims import (
    Claim,
    claim_state,
    reminder_claim,
    reminder_claim_take_over,
    reminder_finish,
    reminder_outcome_unknown,
    reminder_sending,
)
from .visits import appointment_cancel, appointment_transition

logger = logging.getLogger("praxis.scheduling.reminders")

TOKEN_SALT = "praxis.scheduling.sms-reply"
REMINDABLE = (Appointment.Status.SCHEDULED, Appointment.Status.CONFIRMED)
CANCEL_REASON = "Patient replied N to reminder"


# --- rules -------------------------------------------------------------------------------------


def reminder_rule_create(
    *, practice: Any, hours_before: int, channel: str, by: Any = None
) -> ReminderRule:
    if channel not in Channel.values:
        raise ServiceError(f"{channel!r} is not a reminder channel.")
    if not 1 <= hours_before <= 24 * 30:
        raise ServiceError("Remind 1 hour to 30 days before the visit.")
    with transaction.atomic():
        rule, _ = ReminderRule.objects.update_or_create(
            practice=practice,
            hours_before=hours_before,
            channel=channel,
            defaults={"is_active": True},
        )
        audit.record(
            "praxis.scheduling.reminder_rule.saved",
            obj=rule,
            details={"hours_before": hours_before, "channel": channel},
            actor=by,
        )
    return rule


def reminder_rule_set_active(*, rule: ReminderRule, active: bool, by: Any = None) -> ReminderRule:
    if rule.is_active != active:
        with transaction.atomic():
            rule.is_active = active
            rule.save(update_fields=["is_active"])
            verb = "resumed" if active else "paused"
            audit.record(f"praxis.scheduling.reminder_rule.{verb}", obj=rule, actor=by)
    return rule


# --- the token in a text reminder ----------------------------------------------------------------


def _b36(n: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while True:
        n, r = divmod(n, 36)
        out = digits[r] + out
        if n == 0:
            return out


def reply_token(appointment: Appointment) -> str:
    """Signed "<id>.<start>" (base 36): short enough for a text, and stale once the visit moves."""
    return _token(appointment.pk, appointment.start)


def _token(pk: int, start: datetime) -> str:
    value = f"{_b36(pk)}.{_b36(int(start.timestamp()))}"
    return signing.Signer(salt=TOKEN_SALT).sign(value)


def read_token(token: str) -> tuple[int, int] | None:
    try:
        value = signing.Signer(salt=TOKEN_SALT).unsign(token)
        pk, start = value.split(".")
        return int(pk, 36), int(start, 36)
    except (signing.BadSignature, ValueError):
        return None


# --- sending -----------------------------------------------------------------------------------


def _address(appointment: Appointment, channel: str) -> str:
    patient = appointment.patient
    if channel == Channel.SMS:
        return patient.phone if patient.consent_sms and patient.phone else ""
    return patient.email if patient.consent_email and patient.email else ""


@dataclass(frozen=True)
class Message:
    subject: str  # e-mail only
    text: str


def reminder_message(
    *, practice: Practice, provider: str, location: Location, start: datetime, channel: str, pk: int
) -> Message:
    """The reminder a patient gets for visit ``pk`` (what the rule preview shows, with a sample
    visit). The practice, the time, the place and the provider: nothing about why the patient
    comes."""
    tz = wallclock.zone_of(location)
    # Sent by the worker, outside any request: the practice's own clock, said here.
    when = wallclock.describe(start, tz, clock_24h=practice.clock_24h)
    text = f"{practice.name}: reminder of your visit with {provider} on {when} at {location.name}."
    if channel == Channel.SMS:
        text += f" Reply C to confirm or N to cancel. Ref {_token(pk, start)}"
    else:
        text += f"\n\nTo change it, call us at {practice.phone}."
    return Message(subject=f"Your visit at {practice.name}", text=text)


def _message(appointment: Appointment, channel: str) -> Message:
    return reminder_message(
        practice=appointment.practice,
        provider=str(appointment.provider),
        location=appointment.location,
        start=appointment.start,
        channel=channel,
        pk=appointment.pk,
    )


def deliver(channel: str, address: str, message: Message) -> None:
    if channel == Channel.SMS:
        messaging.send_sms(to=address, text=message.text)
    else:
        messaging.send_email(to=address, subject=message.subject, text=message.text)


@dataclass
class ReminderRun:
    sent: int = 0
    failed: int = 0
    skipped_no_consent: int = 0
    already_claimed: int = 0
    taken_over: int = 0
    outcome_unknown: int = 0


def _due(now: datetime, rules: list[ReminderRule]) -> list[tuple[Appointment, ReminderRule]]:
    horizon = max((r.hours_before for r in rules), default=0)
    if not horizon:
        return []
    appointments = (
        Appointment.objects.filter(
            practice_id__in={r.practice_id for r in rules},
            status__in=REMINDABLE,
            start__gt=now,
            start__lte=now + timedelta(hours=horizon),
        )
        .select_related("patient", "provider", "location", "practice")
        .order_by("start", "pk")
    )
    due: list[tuple[Appointment, ReminderRule]] = []
    for appointment in appointments:
        left = appointment.start - now
        by_channel: dict[str, ReminderRule] = {}
        for rule in rules:
            if rule.practice_id != appointment.practice_id:
                continue
            if left > timedelta(hours=rule.hours_before):
                continue
            closest = by_channel.get(rule.channel)
            if closest is None or rule.hours_before < closest.hours_before:
                by_channel[rule.channel] = rule
        due.extend((appointment, rule) for rule in by_channel.values())
    return due


def _claim(
    appointment: Appointment, rule: ReminderRule, now: datetime, run: ReminderRun
) -> Claim | None:
    """This worker's claim on the reminder: a new one, or an abandoned one taken over. A send
    abandoned half-way is recorded as of unknown outcome, and never retried."""
    state = claim_state(appointment, rule)
    if state is not None and state.abandoned_send(now):
        if reminder_outcome_unknown(state=state, appointment=appointment):
            run.outcome_unknown += 1
        return None
    if state is None:
        claim = reminder_claim(appointment=appointment, rule=rule, now=now)
    elif state.abandoned_claim(now):
        claim = reminder_claim_take_over(state=state, now=now)
        run.taken_over += 1 if claim else 0
    else:
        claim = None
    if claim is None:
        run.already_claimed += 1
    return claim


def _send(appointment: Appointment, rule: ReminderRule, address: str) -> str:
    """Call the sender; the outcome to record. A failed send is recorded and not retried: a
    sender that raised may still have sent, and a reminder never goes twice."""
    try:
        deliver(rule.channel, address, _message(appointment, rule.channel))
    except Exception:
        logger.exception("reminder for appointment %s could not be sent", appointment.pk)
        return ReminderSent.Outcome.FAILED
    return ReminderSent.Outcome.SENT


def send_due_reminders(now: datetime | None = None) -> dict[str, int]:
    """Send every reminder that is due and not yet sent; return counts for the worker's log.
    Each claim is stamped with the clock as it is taken, not as the run began: a long run must
    not make its own fresh claims look abandoned to the other workers. `now` fixes the clock."""
    rules = list(ReminderRule.objects.filter(is_active=True))
    run = ReminderRun()
    for appointment, rule in _due(now or timezone.now(), rules):
        address = _address(appointment, rule.channel)
        if not address:
            run.skipped_no_consent += 1
            continue
        at = now or timezone.now()
        claim = _claim(appointment, rule, at, run)
        if claim is None:
            continue
        if not reminder_sending(claim=claim, now=at):
            run.already_claimed += 1  # taken over while this worker stalled, or the visit moved
            continue
        outcome = _send(appointment, rule, address)
        reminder_finish(claim=claim, outcome=outcome, appointment=appointment, rule=rule)
        if outcome == ReminderSent.Outcome.SENT:
            run.sent += 1
        else:
            run.failed += 1
    return asdict(run)


# --- replies -----------------------------------------------------------------------------------


def _digits(phone: str) -> str:
    return re.sub(r"\D", "", phone or "")[-10:]


@phi_audit.unshown()  # compares the sender with the patient's phone; shows nothing
def handle_sms_reply(*, sender_phone: str, text: str, token: str) -> str:
    """Act on a reply to a text reminder; return what happened (for the gateway's log):
    "confirmed", "cancelled" or "ignored". Only a reply from the patient's own number, carrying
    the token of the visit as it still stands, changes anything."""
    answer = (text or "").strip().upper().rstrip(".!")
    found = read_token(token or "")
    appointment = None
    outcome = "ignored"
    if found is not None:
        pk, start = found
        appointment = Appointment.objects.select_related("patient").filter(pk=pk).first()
        if (
            appointment is not None
            and int(appointment.start.timestamp()) == start
            and appointment.status in REMINDABLE
            and _digits(sender_phone)
            and _digits(sender_phone) == _digits(appointment.patient.phone)
        ):
            try:
                if answer in {"C", "YES", "Y"} and appointment.status != "confirmed":
                    appointment_transition(appointment=appointment, to_status="confirmed", by=None)
                    outcome = "confirmed"
                elif answer in {"N", "NO"}:
                    appointment_cancel(
                        appointment=appointment,
                        reason=CANCEL_REASON,
                        reason_code=Appointment.CancelReason.REMINDER_REPLY,
                        cancelled_by=None,
                    )
                    outcome = "cancelled"
            except ServiceError:
                outcome = "ignored"
    audit.record(
        "praxis.scheduling.reminder.reply",
        object_type="scheduling.appointment" if appointment else "",
        object_id=appointment.pk if appointment else "",
        patient_id=appointment.patient_id if appointment else "",
        details={"outcome": outcome, "token_valid": found is not None, "answer": answer[:8]},
    )
    return outcome
