"""Writing the audit trail, and the hash a seal carries.

Writers only insert: ``record()`` adds one ``AuditEvent`` row, with no lock and no read, so two
requests never wait on each other for the trail (SQLite's BEGIN IMMEDIATE serializes writing
transactions anyway). ``seal_hash`` is the keyed HMAC-SHA256 a seal carries; sealing, verifying
and checkpoints live in ``audit_chain`` and ``audit_checkpoints``.
Why this shape: docs/adr/0003-audit-chain-sealer.md and docs/adr/0004-keyed-audit-chain.md.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest
from django.utils import timezone

from . import context
from .models import AuditEvent, Practice

GENESIS = "0" * 64
LEGACY = ""  # the key id of seals made before the chain was keyed: plain, unkeyed SHA-256
CHECKPOINT_ACTION = "praxis.core.audit.checkpointed"
SEAL_LOCK_KEY = 0x5345414C  # "SEAL": the advisory lock id that sealers, and only they, take
# How long an audited transaction may stay open, plus the sealer's interval and the clock skew
# between machines. An event sealed after a higher id had been sealed for longer than this did not
# commit late: it was slid in behind the application's back.
SEAL_GRACE = timedelta(hours=1)
SEAL_BATCH = 2000  # events sealed per transaction; a run repeats until none are left


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


def timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


class UnknownAuditKey(LookupError):
    """A seal or checkpoint names a key id that settings.PRAXIS_AUDIT_KEYS does not hold."""


def _key(key_id: str) -> bytes:
    try:
        return str(settings.PRAXIS_AUDIT_KEYS[key_id]).encode()
    except KeyError:
        raise UnknownAuditKey(key_id) from None


def sign(key_id: str, message: str) -> str:
    return hmac.new(_key(key_id), message.encode(), hashlib.sha256).hexdigest()


def _payload(
    event: AuditEvent, prev_hash: str, sealed_at: datetime, event_id: int | None
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "prev": prev_hash,
        "event": event.id if event_id is None else event_id,
        "sealed_at": timestamp(sealed_at),
        "at": timestamp(event.occurred_at),
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
    if event.practice_id is not None:
        # Only when set: events recorded before the column existed keep the hash they were
        # sealed with, and clearing or moving an event's practice still breaks its seal.
        payload["practice"] = event.practice_id
    return payload


def _canonical(payload: dict[str, Any]) -> str:
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def compute_hash(
    event: AuditEvent, *, prev_hash: str, sealed_at: datetime, event_id: int | None = None
) -> str:
    """The unkeyed SHA-256 of a legacy seal (made before the chain was keyed): anyone can compute
    it, which is why new seals use ``seal_hash``. ``event_id`` overrides the event's own id:
    verify uses it to recognise an event that was moved."""
    payload = _payload(event, prev_hash, sealed_at, event_id)
    return hashlib.sha256(_canonical(payload).encode()).hexdigest()


def seal_hash(
    event: AuditEvent,
    *,
    prev_hash: str,
    sealed_at: datetime,
    key_id: str,
    event_id: int | None = None,
) -> str:
    """The seal hash of ``event`` chained to ``prev_hash``: HMAC-SHA256 under audit key
    ``key_id`` (which the hash also covers, so a seal cannot be passed off under another key),
    or the legacy unkeyed hash for ``LEGACY``. Raises ``UnknownAuditKey``."""
    if key_id == LEGACY:
        return compute_hash(event, prev_hash=prev_hash, sealed_at=sealed_at, event_id=event_id)
    payload = {**_payload(event, prev_hash, sealed_at, event_id), "key": key_id}
    return sign(key_id, _canonical(payload))


def record(
    action: str,
    *,
    obj: Any = None,
    object_type: str = "",
    object_id: Any = "",
    patient_id: Any = "",
    details: Mapping[str, Any] | None = None,
    actor: Any = None,
    practice_id: int | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` defaults to the current request's user; the event belongs
    to ``practice_id``, else to the practice of ``obj``, else to the actor's."""
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
        practice_id=practice_id or _practice_of(obj, actor),
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
    # One INSERT and nothing else: no lock, no read of the chain. If it fails, the exception
    # undoes the caller's transaction with it.
    event.save(force_insert=True)
    return event


def _practice_of(obj: Any, actor: Any) -> int | None:
    # Every practice-owned record carries practice_id (a Practice is its own); a user's is the
    # practice they work for. What has neither belongs to the installation.
    if isinstance(obj, Practice):
        return obj.pk
    for source in (obj, actor):
        practice_id = getattr(source, "practice_id", None)
        if practice_id is not None:
            return int(practice_id)
    return None


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
