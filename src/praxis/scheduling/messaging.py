"""Outgoing text messages through a pluggable sender.

``settings.PRAXIS_SMS_SENDER`` names a class (dotted path) with a ``send(*, to, text)`` method.
Built in: ``ConsoleSmsSender`` (prints; the demo), ``FileSmsSender`` (appends one JSON line per
message to ``DATA_DIR/outbox/sms.jsonl`` for a gateway to pick up) and ``MemorySmsSender`` (keeps
them in a list; the tests). A real gateway is one small class implementing the same method.
E-mail reminders go through Django's e-mail backend (``EMAIL_BACKEND``).
"""

from __future__ import annotations

import json
import sys
import threading
from pathlib import Path
from typing import Any, ClassVar, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils import timezone
from django.utils.module_loading import import_string


class SmsSender(Protocol):
    def send(self, *, to: str, text: str) -> None: ...


class ConsoleSmsSender:
    def send(self, *, to: str, text: str) -> None:
        sys.stdout.write(f"SMS to {to}: {text}\n")


class FileSmsSender:
    _lock = threading.Lock()

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or Path(settings.DATA_DIR) / "outbox" / "sms.jsonl"

    def send(self, *, to: str, text: str) -> None:
        line = json.dumps({"to": to, "text": text, "at": timezone.now().isoformat()})
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, self.path.open("a", encoding="utf-8") as out:
            out.write(line + "\n")


class MemorySmsSender:
    outbox: ClassVar[list[dict[str, str]]] = []
    _lock = threading.Lock()

    def send(self, *, to: str, text: str) -> None:
        with self._lock:
            self.outbox.append({"to": to, "text": text})


def sms_sender() -> SmsSender:
    dotted = getattr(settings, "PRAXIS_SMS_SENDER", "") or (
        "praxis.scheduling.messaging.ConsoleSmsSender"
    )
    sender: Any = import_string(dotted)()
    return sender  # type: ignore[no-any-return]


def send_sms(*, to: str, text: str) -> None:
    sms_sender().send(to=to, text=text)


def send_email(*, to: str, subject: str, text: str) -> None:
    send_mail(subject=subject, message=text, from_email=None, recipient_list=[to])
