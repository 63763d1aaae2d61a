"""Sealing and verifying the audit trail's hash chain.

The hash chain lives in a second insert-only table, ``AuditSeal``: one row per event, numbered
``seq`` in the order a sealer found the events committed. A seal's HMAC-SHA256, under the audit
key from the environment (never in the database), covers the previous seal's hash, the event's id
and fields in a canonical JSON form, the time of sealing and the key's id, so editing, deleting,
inserting or reordering an event or a seal breaks the chain there, and only the key's holder can
compute a chain that fits again (``audit.seal_hash``). One sealer runs at a time (PostgreSQL: an
advisory lock that only sealers take; SQLite: BEGIN IMMEDIATE) and appends the committed,
unsealed events in id order. PostgreSQL commits in any order, so a lower
id may commit after a higher one was sealed: it is sealed by the next run, with a later ``seq``,
never skipped. The worker seals every few seconds; ``verify_chain`` seals first, then walks.

The chain cannot show that its newest seals were cut off: signed checkpoints of its head, kept
in a file outside the database (and e-mailed nightly), can. ``write_checkpoint`` adds one;
``verify_chain`` checks the chain against every one (the file: ``audit_checkpoints``).
Why this shape: docs/adr/0003-audit-chain-sealer.md and docs/adr/0004-keyed-audit-chain.md.
"""

from __future__ import annotations

import hmac
import os
from collections import deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from .audit import (
    CHECKPOINT_ACTION,
    GENESIS,
    LEGACY,
    SEAL_BATCH,
    SEAL_GRACE,
    SEAL_LOCK_KEY,
    UnknownAuditKey,
    record,
    seal_hash,
)
from .audit_checkpoints import ChainProblem, Checkpoint, CheckpointBook, us_time
from .models import AuditEvent, AuditSeal

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
        key_id = settings.PRAXIS_AUDIT_KEY_ID
        seals = []
        for event in pending:
            seq += 1
            digest = seal_hash(event, prev_hash=prev_hash, sealed_at=sealed_at, key_id=key_id)
            seals.append(
                AuditSeal(
                    seq=seq,
                    event=event,
                    sealed_at=sealed_at,
                    prev_hash=prev_hash,
                    hash=digest,
                    key_id=key_id,
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


class ChainBroken(Exception):
    """A checkpoint was asked of a chain that does not verify."""

    def __init__(self, problem: ChainProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


def write_checkpoint(report: ChainReport | None = None) -> Checkpoint:
    """Append a signed checkpoint of the chain's head to the checkpoint file, and record in the
    trail that it was written (so a missing file or line is noticed). ``report`` is a verify
    just run; without one, this verifies first. A broken chain gets no checkpoint: a checkpoint
    vouches for everything up to its head."""
    report = verify_chain() if report is None else report
    if report.problem is not None:
        raise ChainBroken(report.problem)
    checkpoint = Checkpoint.sign(seq=report.head_seq, head=report.head_hash, at=timezone.now())
    path = Path(settings.PRAXIS_AUDIT_CHECKPOINT_FILE)
    path.parent.mkdir(parents=True, exist_ok=True)
    # One write of one short line in append mode: writers running at once cannot interleave.
    with path.open("a", encoding="utf-8") as file:
        file.write(checkpoint.line + "\n")
        file.flush()
        os.fsync(file.fileno())
    record(CHECKPOINT_ACTION, details={"seq": checkpoint.seq, "head": checkpoint.head})
    return checkpoint


# --- verifying ---------------------------------------------------------------------------------

_MOVE_WINDOW = 1000  # how many seals either side verify searches for the home of a moved event


@dataclass(frozen=True)
class ChainReport:
    checked: int
    head_hash: str
    problem: ChainProblem | None
    sealed: int = 0  # events this verify sealed before walking
    head_seq: int = 0
    legacy: int = 0  # seals from before the chain was keyed (unkeyed SHA-256)
    checkpoint: Checkpoint | None = None  # the latest checkpoint checked against
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify_chain(*, grace: timedelta | None = None, checkpoints: Path | None = None) -> ChainReport:
    """Seal what is pending, walk the chain in seal order and report the first seal that does
    not fit its event, the seal before it, the audit key or a checkpoint; then a checkpoint the
    chain no longer reaches (truncation), one the trail records and the checkpoint file lacks,
    and any event that should have been sealed and was not. ``checkpoints``: a file of
    checkpoint lines kept elsewhere (the nightly e-mails), instead of the installation's own."""
    grace = SEAL_GRACE if grace is None else grace
    sealed = seal_pending(grace=grace)
    own = checkpoints is None
    book = CheckpointBook(
        Path(settings.PRAXIS_AUDIT_CHECKPOINT_FILE) if checkpoints is None else checkpoints,
        own=own,
    )
    walk = _Walk(grace, book)
    if book.problem is not None:
        return walk.report(book.problem, sealed)
    seals = AuditSeal.objects.select_related("event").order_by("seq")
    for seal in seals.iterator(chunk_size=2000):
        problem = walk.step(seal)
        if problem is not None:
            return walk.report(problem, sealed)
    return walk.report(walk.finish() or _unsealed_problem(grace), sealed)


class _Walk:
    """The chain so far, one seal at a time."""

    def __init__(self, grace: timedelta, book: CheckpointBook) -> None:
        self.grace = grace
        self.book = book
        self.checked = 0
        self.head_hash = GENESIS
        self.head_seq = 0
        self.previous: AuditSeal | None = None
        self.legacy = 0
        self.legacy_until = 0  # the seq of the last legacy seal
        self.keyed = False
        self.recorded: list[AuditEvent] = []  # the trail's own notes of checkpoints written
        self.run_at: datetime | None = None  # when the current seal's run sealed
        self.earlier_run_at: datetime | None = None  # the latest run before it
        self.runs: deque[list[Any]] = deque()  # [run time, highest event id], newest last
        self.horizon = 0  # highest event id sealed more than the grace before the earlier run

    def step(self, seal: AuditSeal) -> ChainProblem | None:
        self.checked += 1
        problem = self._check_key(seal)
        if problem is not None:
            return problem
        digest = seal_hash(
            seal.event, prev_hash=seal.prev_hash, sealed_at=seal.sealed_at, key_id=seal.key_id
        )
        if not hmac.compare_digest(digest, seal.hash):
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
        for checkpoint in self.book.by_seq.get(seal.seq, ()):
            if checkpoint.head != seal.hash:
                return ChainProblem(
                    "rewritten",
                    seal.event_id,
                    f"seal {seal.seq} (event {seal.event_id}) is not the one the checkpoint of "
                    f"{checkpoint.when} vouches for: the trail up to it was rewritten",
                )
        if seal.event.action == CHECKPOINT_ACTION:
            self.recorded.append(seal.event)
        self.head_hash = seal.hash
        self.head_seq = seal.seq
        self.previous = seal
        return None

    def _check_key(self, seal: AuditSeal) -> ChainProblem | None:
        """Legacy (unkeyed) seals may only come before the first keyed one: anyone can compute
        an unkeyed hash, so one after a keyed seal was written without the key."""
        if seal.key_id == LEGACY:
            if self.keyed:
                return ChainProblem(
                    "rewritten",
                    seal.event_id,
                    f"event {seal.event_id}'s seal is unkeyed but follows keyed seals: the chain "
                    "was rewritten from there by someone without the audit key",
                )
            self.legacy += 1
            self.legacy_until = seal.seq
        elif seal.key_id in settings.PRAXIS_AUDIT_KEYS:
            self.keyed = True
        else:
            return ChainProblem(
                "unknown-key",
                seal.event_id,
                f"event {seal.event_id} was sealed with audit key {seal.key_id!r}, which is not "
                "configured: add it to PRAXIS_AUDIT_RETIRED_KEYS (or the seal was forged)",
            )
        return None

    def finish(self) -> ChainProblem | None:
        """After the last seal: a checkpoint beyond the end of the chain (its newest seals were
        cut off), or checkpoints the trail records and the installation's file lacks."""
        last_event = self.previous.event_id if self.previous else 0
        latest = self.book.latest
        if latest is not None and latest.seq > self.head_seq:
            return ChainProblem(
                "truncated",
                last_event,
                f"the trail ends at seal {self.head_seq}, but the checkpoint of {latest.when} "
                f"vouches for seal {latest.seq}: at least the newest {latest.seq - self.head_seq} "
                "sealed event(s) were cut off (or the database was restored from an older backup)",
            )
        if not self.book.own:
            return None
        missing = [
            event
            for event in self.recorded
            if (event.details.get("seq"), event.details.get("head")) not in self.book.signed
        ]
        if not missing:
            return None
        last = missing[-1]
        noted = f"the last at seal {last.details.get('seq')}, written {us_time(last.occurred_at)}"
        if not self.book.exists:
            message = (
                f"the checkpoint file {self.book.path} is missing, but the trail records "
                f"{len(self.recorded)} checkpoint(s) ({noted}): restore the file from a backup, "
                "or check against the checkpoint e-mails with --checkpoints"
            )
        else:
            message = (
                f"the checkpoint file {self.book.path} lacks {len(missing)} checkpoint(s) that "
                f"the trail records ({noted}): it was cut short or replaced"
            )
        return ChainProblem("checkpoint", last.id, message)

    def report(self, problem: ChainProblem | None, sealed: int) -> ChainReport:
        return ChainReport(
            checked=self.checked,
            head_hash=self.head_hash,
            problem=problem,
            sealed=sealed,
            head_seq=self.head_seq,
            legacy=self.legacy,
            checkpoint=self.book.latest,
            warnings=self._warnings() if problem is None else (),
        )

    def _warnings(self) -> tuple[str, ...]:
        latest = self.book.latest
        if latest is None:
            return (
                "No checkpoint yet: the newest events could be cut off without a trace. Run "
                "`praxis audit checkpoint` (the nightly job writes one).",
            )
        if self.legacy and latest.seq < self.legacy_until:
            return (
                f"{self.legacy} seals from before the chain was keyed are not yet covered by a "
                "checkpoint. Run `praxis audit checkpoint`.",
            )
        return ()

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
        try:
            fits = seal_hash(
                event,
                prev_hash=other.prev_hash,
                sealed_at=other.sealed_at,
                key_id=other.key_id,
                event_id=other.event_id,
            )
        except UnknownAuditKey:
            continue
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
        f"event {event.id} no longer matches its seal: it was edited, or the seal was forged "
        + ("without the audit key" if seal.key_id else "(a legacy, unkeyed seal)"),
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
