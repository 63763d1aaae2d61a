"""Writing and checking the audit trail.

Each event's hash is SHA-256 over the previous event's hash and the event's own fields in a
canonical JSON form, so editing, deleting, inserting or reordering a row breaks the chain at that
row. Writers serialize on the chain head (PostgreSQL: a transaction-level advisory lock; SQLite:
the IMMEDIATE write lock every transaction takes), so two requests never chain to the same row.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from . import context
from .models import AuditEvent

GENESIS = "0" * 64
_CHAIN_LOCK_KEY = 0x50524158  # "PRAX": the advisory lock id for the audit chain head


def _json_number(text: str) -> float | int:
    # PostgreSQL's jsonb gives 1e+20 back as 100000000000000000000: store such whole floats as
    # the integers they are, so the hash covers what the column returns.
    value = float(text)
    if "e" in text.lower() and value.is_integer():
        return int(Decimal(text))
    return value


def _normalize_details(details: Mapping[str, Any] | None) -> dict[str, Any]:
    # What is hashed must be exactly what the JSON column gives back later.
    encoded = json.dumps(dict(details or {}), cls=DjangoJSONEncoder, allow_nan=False)
    return json.loads(encoded, parse_float=_json_number)  # type: ignore[no-any-return]


def _normalize_ip(ip: str | None) -> str | None:
    if not ip:
        return None
    try:
        # Drop an IPv6 zone id ("fe80::1%eth0"); the database column cannot hold it.
        address = ipaddress.ip_address(ip.split("%", 1)[0])
    except ValueError:
        return None
    # An IPv4 client seen through a dual-stack socket: keep the IPv4 form, which is also what
    # the database column would turn "::ffff:10.0.0.1" into.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address.compressed


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def compute_hash(event: AuditEvent, prev_hash: str) -> str:
    payload = {
        "prev": prev_hash,
        "at": _timestamp(event.occurred_at),
        "actor": event.actor_id,
        "actor_email": event.actor_email,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "patient_id": event.patient_id,
        "ip": event.ip,
        "request_id": event.request_id,
        "details": event.details,
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def record(
    action: str,
    *,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    patient_id: Any = "",
    details: Mapping[str, Any] | None = None,
    actor: Any = None,
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the current request's user."""
    ctx = context.current()
    actor = actor if actor is not None else ctx.user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or obj.pk
    event = AuditEvent(
        occurred_at=timezone.now(),
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        patient_id="" if patient_id is None else str(patient_id),
        ip=_normalize_ip(ctx.ip),
        request_id=ctx.request_id,
        details=_normalize_details(details),
    )
    if settings.PRAXIS_AUDIT_DISABLED:  # benchmarks only; settings refuse it in production
        return event
    # No savepoint: an event that cannot be written must undo the caller's write as well, and
    # the SAVEPOINT/RELEASE pair would cost two round trips on every audited write.
    with transaction.atomic(savepoint=False):
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])
        head = AuditEvent.objects.order_by("-id").values_list("hash", flat=True).first()
        event.prev_hash = head or GENESIS
        event.hash = compute_hash(event, event.prev_hash)
        event.save(force_insert=True)
    return event


def audit_phi_read(
    request: HttpRequest, *, patient_id: Any, obj: Any = None, what: str = "", **details: Any
) -> AuditEvent:
    """Record that the request's user looked at a patient's information (one line in a view)."""
    if what:
        details["what"] = what
    return record(
        "praxis.phi.read",
        obj=obj,
        patient_id=patient_id,
        details={"path_name": getattr(request.resolver_match, "view_name", ""), **details},
        actor=request.user,
    )


def audit_phi_list(
    request: HttpRequest, *, patient_ids: Iterable[Any], what: str, **details: Any
) -> AuditEvent | None:
    """Record that a list (search results, a calendar, a board) showed these patients: one
    event naming them all, in the order shown. Nothing is recorded for an empty list."""
    ids = list(dict.fromkeys(patient_ids))
    if not ids:
        return None
    return audit_phi_read(request, patient_id="", what=what, patient_ids=ids, **details)


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # "edited" | "deleted" | "inserted" | "reordered"
    event_id: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    problem: ChainProblem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def _rows() -> Iterable[AuditEvent]:
    return AuditEvent.objects.order_by("id").iterator(chunk_size=2000)


def verify_chain() -> ChainReport:
    """Walk the chain in id order and report the first row that does not fit."""
    expected_prev = GENESIS
    previous: AuditEvent | None = None
    checked = 0
    for event in _rows():
        checked += 1
        if compute_hash(event, event.prev_hash) != event.hash:
            return ChainReport(
                checked,
                expected_prev,
                ChainProblem(
                    "edited",
                    event.id,
                    f"event {event.id} no longer matches its hash: it was edited (or forged)",
                ),
            )
        if event.prev_hash != expected_prev:
            return ChainReport(checked, expected_prev, _explain_break(event, previous))
        expected_prev = event.hash
        previous = event
    return ChainReport(checked, expected_prev, None)


def _explain_break(event: AuditEvent, previous: AuditEvent | None) -> ChainProblem:
    after = f"after event {previous.id}" if previous else "at the start"
    if event.prev_hash == GENESIS and previous is not None:
        return ChainProblem(
            "inserted", event.id, f"event {event.id} starts a second chain {after}: it was inserted"
        )
    linked_id = AuditEvent.objects.filter(hash=event.prev_hash).values_list("id", flat=True).first()
    if linked_id is None:
        return ChainProblem(
            "deleted",
            event.id,
            f"event(s) missing before event {event.id} ({after}): they were deleted",
        )
    if linked_id > event.id:
        return ChainProblem(
            "reordered",
            event.id,
            f"event {event.id} was moved: it chains to later event {linked_id}",
        )
    return ChainProblem(
        "inserted",
        previous.id if previous else event.id,
        f"event(s) between {linked_id} and {event.id} were inserted behind the application's back",
    )
