"""What a reminder rule sends, seen before it sends anything: the text for a sample visit
(tomorrow at 9:30 AM with the practice's first provider at its first location), its length as
text messages, and a test sent to the person setting the rule up. No patient's data is used, and
the sample's reply code names no visit, so a reply to a test text changes nothing."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import timezone

from praxis.core import audit
from praxis.core import time as wallclock
from praxis.core.models import Location, Practice
from praxis.core.service_support import ServiceError
from praxis.core.validators import normalize_phone

from .models import Channel, Provider, ReminderRule
from .reminders import Message, deliver, reminder_message

logger = logging.getLogger("praxis.scheduling.reminders")

SAMPLE_VISIT_ID = 0  # no visit has it
SAMPLE_TIME = time(9, 30)


def text_messages(text: str) -> int:
    """How many text messages a carrier splits ``text`` into: 160 characters in one, 153 per
    part when longer; 70 and 67 once a character outside plain ASCII forces Unicode (a
    simplification of the GSM alphabet that never counts too few)."""
    single, part = (160, 153) if text.isascii() else (70, 67)
    return 1 if len(text) <= single else -(-len(text) // part)


@dataclass(frozen=True)
class Preview:
    channel: str
    message: Message
    texts: int  # text messages, for SMS


def reminder_preview(
    practice: Practice, channel: str, *, now: datetime | None = None
) -> Preview | None:
    """The reminder a patient would get for a sample visit; None before the practice has a
    location."""
    location = Location.objects.filter(practice=practice, is_active=True).order_by("pk").first()
    if location is None:
        return None
    provider = (
        Provider.objects.filter(practice=practice, is_active=True).order_by("display_name").first()
    )
    tz = wallclock.zone_of(location)
    tomorrow = wallclock.local_date(now or timezone.now(), tz) + timedelta(days=1)
    message = reminder_message(
        practice=practice,
        provider=str(provider) if provider else "your provider",
        location=location,
        start=wallclock.local_to_utc(datetime.combine(tomorrow, SAMPLE_TIME), tz),
        channel=channel,
        pk=SAMPLE_VISIT_ID,
    )
    return Preview(channel=channel, message=message, texts=text_messages(message.text))


def _test_address(channel: str, to: str) -> str:
    try:
        if channel == Channel.SMS:
            return normalize_phone(to)
        validate_email(to)
    except ValidationError as exc:
        raise ServiceError(exc.messages[0]) from exc
    return to


def reminder_test_send(*, rule: ReminderRule, to: str) -> Preview:
    """Send the rule's sample reminder to ``to`` (a phone number for a text rule, an e-mail
    address otherwise: the sender's own, not a patient's)."""
    address = _test_address(rule.channel, to.strip())
    preview = reminder_preview(rule.practice, rule.channel)
    if preview is None:
        raise ServiceError("Add a location first: the sample visit takes place there.")
    try:
        deliver(rule.channel, address, preview.message)
    except Exception as exc:
        logger.exception("test reminder for rule %s could not be sent", rule.pk)
        gateway = "text-message gateway" if rule.channel == Channel.SMS else "mail server"
        raise ServiceError(
            f"The test could not be sent: the {gateway} refused it. Check its settings."
        ) from exc
    audit.record(
        "praxis.scheduling.reminder_rule.tested", obj=rule, details={"channel": rule.channel}
    )
    return preview
