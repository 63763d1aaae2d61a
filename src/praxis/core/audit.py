"""Writing, sealing and checking the audit trail.

Writers only insert: ``record()`` adds one ``AuditEvent`` row, with no lock and no read, so two
requests never wait on each other for the trail (SQLite's BEGIN IMMEDIATE serializes writing
transactions anyway).

The hash chain lives in a second insert-only table, ``AuditSeal``: one row per event, numbered
``seq`` in the order a sealer found the events committed. A seal's SHA-256 covers the previous
seal's hash, the event's id and fields in a canonical JSON form, and the time of sealing, so
editing, deleting, inserting or reordering an event or a seal breaks the chain there. One sealer
runs at a time (PostgreSQL: an advisory lock that only sealers take; SQLite: BEGIN IMMEDIATE) and
appends the committed, unsealed events in id order. PostgreSQL commits in any order, so a lower
id may commit after a higher one was sealed: it is sealed by the next run, with a later ``seq``,
never skipped. The worker seals every few seconds; ``verify_chain`` seals first, then walks.
Why this shape: docs/adr/0003-audit-chain-sealer.md.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from collections import deque
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, transaction
from django.db.models import Q
from django.http import HttpRequest
from django.utils import timezone

from . import context
from .models import AuditEvent, AuditSeal

GENESIS = "0" * 64
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


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def compute_hash(
    event: AuditEvent, *, prev_hash: str, sealed_at: datetime, event_id: int | None = None
) -> str:
    """The seal hash of ``event`` chained to ``prev_hash`` (``event_id`` overrides the event's
    own id: verify uses it to recognise an event that was moved)."""
    payload = {
        "prev": prev_hash,
        "event": event.id if event_id is None else event_id,
        "sealed_at": _timestamp(sealed_at),
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
    # One INSERT and nothing else: no lock, no read of the chain. If it fails, the exception
    # undoes the caller's transaction with it.
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


# --- sealing -----------------------------------------------------------------------------------


def seal_pending(*, grace: timedelta | None = None, batch: int = SEAL_BATCH) -> int:
    """Chain every committed event that has no seal yet, lowest id first; return how many.

    Any number of workers may call this at once: sealers take turns on their own lock, never on
    a writer's. Only committed rows are visible here, so an event whose transaction is still open
    is left for a later run, where it gets the next ``seq``.
    """
    grace = SEAL_GRACE if grace is None else grace
    # One time for the whole run, so the seals of one run never look late to each other.
    sealed_at = timezone.now()
    total = 0
    while True:
        sealed = _seal_batch(sealed_at=sealed_at, grace=grace, batch=batch)
        total += sealed
        if sealed < batch:
            return total


def _seal_batch(*, sealed_at: datetime, grace: timedelta, batch: int) -> int:
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Read committed: each statement after the lock sees the last sealer's seals.
                cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SEAL_LOCK_KEY])
        head = _head()
        pending = AuditEvent.objects.filter(
            pk__gt=_sealed_floor(head, grace), seal__isnull=True
        ).order_by("pk")[:batch]
        seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS)
        seals = []
        for event in pending:
            seq += 1
            digest = compute_hash(event, prev_hash=prev_hash, sealed_at=sealed_at)
            seals.append(
                AuditSeal(
                    seq=seq, event=event, sealed_at=sealed_at, prev_hash=prev_hash, hash=digest
                )
            )
            prev_hash = digest
        AuditSeal.objects.bulk_create(seals)
    return len(seals)


def _head() -> AuditSeal | None:
    return AuditSeal.objects.order_by("-seq").only("seq", "hash", "sealed_at").first()


def _sealed_floor(head: AuditSeal | None, grace: timedelta) -> int:
    """An event id at or below which no honest event can still be waiting for its seal: the id of
    a sealed event that occurred more than ``grace`` before the newest seal. Ids are handed out in
    time order, so a transaction still open with a lower id took it before that event occurred
    and has been open longer than the grace, or its commit would have been sealed by the newest
    run. Sealers look only above it (a short scan); verify reports unsealed events below it."""
    if head is None:
        return 0
    floor = (
        AuditEvent.objects.filter(occurred_at__lt=head.sealed_at - grace, seal__isnull=False)
        .order_by("-occurred_at")
        .values_list("pk", flat=True)
        .first()
    )
    return floor or 0


# --- verifying ---------------------------------------------------------------------------------

_MOVE_WINDOW = 1000  # how many seals either side verify searches for the home of a moved event


@dataclass(frozen=True)
class ChainProblem:
    kind: str  # "edited" | "deleted" | "inserted" | "reordered" | "unsealed"
    event_id: int
    message: str


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    problem: ChainProblem | None
    sealed: int = 0  # events this verify sealed before walking

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(*, grace: timedelta | None = None) -> ChainReport:
    """Seal what is pending, walk the chain in seal order and report the first seal that does
    not fit its event or the seal before it; then any event that should have been sealed and
    was not."""
    grace = SEAL_GRACE if grace is None else grace
    sealed = seal_pending(grace=grace)
    walk = _Walk(grace)
    seals = AuditSeal.objects.select_related("event").order_by("seq")
    for seal in seals.iterator(chunk_size=2000):
        problem = walk.step(seal)
        if problem is not None:
            return ChainReport(walk.checked, walk.head_hash, problem, sealed)
    return ChainReport(walk.checked, walk.head_hash, _unsealed_problem(grace), sealed)


class _Walk:
    """The chain so far, one seal at a time."""

    def __init__(self, grace: timedelta) -> None:
        self.grace = grace
        self.checked = 0
        self.head_hash = GENESIS
        self.previous: AuditSeal | None = None
        self.run_at: datetime | None = None  # when the current seal's run sealed
        self.earlier_run_at: datetime | None = None  # the latest run before it
        self.runs: deque[list[Any]] = deque()  # [run time, highest event id], newest last
        self.horizon = 0  # highest event id sealed more than the grace before the earlier run

    def step(self, seal: AuditSeal) -> ChainProblem | None:
        self.checked += 1
        if compute_hash(seal.event, prev_hash=seal.prev_hash, sealed_at=seal.sealed_at) != (
            seal.hash
        ):
            return _explain_mismatch(seal)
        if seal.prev_hash != self.head_hash:
            return _explain_break(seal, self.previous)
        if self._sealed_late(seal):
            return ChainProblem(
                "inserted",
                seal.event_id,
                f"event {seal.event_id} was sealed more than {_minutes(self.grace)} after a "
                "later event: it was inserted behind the application's back (or a transaction "
                "stayed open that long)",
            )
        self.head_hash = seal.hash
        self.previous = seal
        return None

    def _sealed_late(self, seal: AuditSeal) -> bool:
        """Whether a higher id was sealed more than the grace before the run previous to this
        seal's. An honest event commits within the grace of taking its id, so the run after its
        commit seals it; one that appears only later was written later."""
        new_run = seal.sealed_at != self.run_at
        if new_run:
            if self.run_at is not None:
                self.earlier_run_at = max(self.earlier_run_at or self.run_at, self.run_at)
            self.run_at = seal.sealed_at
        if self.earlier_run_at is not None:
            cutoff = self.earlier_run_at - self.grace
            while self.runs and self.runs[0][0] < cutoff:
                self.horizon = max(self.horizon, self.runs.popleft()[1])
        late = seal.event_id < self.horizon
        if new_run:
            self.runs.append([seal.sealed_at, seal.event_id])
        else:
            self.runs[-1][1] = max(self.runs[-1][1], seal.event_id)
        return late


def _explain_mismatch(seal: AuditSeal) -> ChainProblem:
    """The event does not fit its seal: edited, or moved (its fields fit a nearby seal)."""
    event = seal.event
    nearby = AuditSeal.objects.filter(
        seq__range=(seal.seq - _MOVE_WINDOW, seal.seq + _MOVE_WINDOW)
    ).exclude(seq=seal.seq)
    for other in nearby.iterator(chunk_size=500):
        fits = compute_hash(
            event, prev_hash=other.prev_hash, sealed_at=other.sealed_at, event_id=other.event_id
        )
        if fits == other.hash:
            when = "later" if other.seq > seal.seq else "earlier"
            return ChainProblem(
                "reordered",
                event.id,
                f"event {event.id} was moved: it holds the record of {when} event {other.event_id}",
            )
    return ChainProblem(
        "edited",
        event.id,
        f"event {event.id} no longer matches its seal: it was edited (or forged)",
    )


def _explain_break(seal: AuditSeal, previous: AuditSeal | None) -> ChainProblem:
    event_id = seal.event_id
    after = f"after event {previous.event_id}" if previous else "at the start"
    if seal.prev_hash == GENESIS and previous is not None:
        return ChainProblem(
            "inserted", event_id, f"event {event_id} starts a second chain {after}: it was inserted"
        )
    linked = AuditSeal.objects.filter(hash=seal.prev_hash).values_list("seq", "event_id").first()
    if linked is None:
        return ChainProblem(
            "deleted",
            event_id,
            f"event(s) missing before event {event_id} ({after}): they were deleted",
        )
    linked_seq, linked_event = linked
    if linked_seq > seal.seq:
        return ChainProblem(
            "reordered",
            event_id,
            f"event {event_id} was moved: it chains to later event {linked_event}",
        )
    return ChainProblem(
        "inserted",
        previous.event_id if previous else event_id,
        f"event(s) between {linked_event} and {event_id} were inserted behind the application's "
        "back",
    )


def _unsealed_problem(grace: timedelta) -> ChainProblem | None:
    """The first event the sealers should have sealed by now and did not: one below the sealed
    floor (written after later events were long sealed), or one older than the grace."""
    floor = _sealed_floor(_head(), grace)
    stale = (
        AuditEvent.objects.filter(seal__isnull=True)
        .filter(Q(pk__lte=floor) | Q(occurred_at__lt=timezone.now() - grace))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    if stale is None:
        return None
    if stale <= floor:
        message = (
            f"event {stale} is not sealed, and later events were sealed more than "
            f"{_minutes(grace)} before: it was inserted behind the application's back"
        )
    else:
        message = (
            f"event {stale} has waited more than {_minutes(grace)} for its seal: the sealer "
            "cannot seal it (or it was inserted behind the application's back)"
        )
    return ChainProblem("unsealed", stale, message)


def _minutes(span: timedelta) -> str:
    minutes = round(span.total_seconds() / 60)
    return f"{minutes} minute{'s' if minutes != 1 else ''}"
