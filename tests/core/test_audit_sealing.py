"""Sealing: writers append audit events without waiting on each other, and one sealer at a time
chains them in the order it finds them committed. On PostgreSQL a lower id can commit after a
higher one was sealed; it is sealed by the next run, never skipped. An event that turns up
below ids sealed long before was not late: it was slid in, and verify says so. Real threads and
real transactions, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection, transaction
from django.utils import timezone

from praxis.core import audit, audit_chain, periodic
from praxis.core.models import AuditEvent, AuditSeal

NO_GRACE = timedelta(0)  # every run counts: a test cannot wait an hour between runs


def honest_event(
    event_id: int | None = None, *, occurred_at: datetime | None = None, **details: object
) -> AuditEvent:
    """An ordinary event; with ``event_id``, one that took that id (as a PostgreSQL transaction
    that commits late has an id lower than events already sealed)."""
    if event_id is None and occurred_at is None:
        return audit.record("praxis.phi.read", patient_id=7, details=details)
    event = AuditEvent(
        id=event_id,
        occurred_at=occurred_at or timezone.now(),
        action="praxis.phi.read",
        patient_id="7",
        details=dict(details),
    )
    event.save(force_insert=True)
    return event


def seq_of(event: AuditEvent) -> int:
    return AuditSeal.objects.get(event_id=event.id).seq


def the_chain_is_whole() -> None:
    """Every event sealed exactly once, seqs 1..n without a gap, and the walk finds nothing."""
    report = audit_chain.verify_chain()
    assert report.ok, report.problem
    seals = list(AuditSeal.objects.order_by("seq").values_list("seq", "event_id"))
    assert [seq for seq, _ in seals] == list(range(1, len(seals) + 1))
    assert sorted(event for _, event in seals) == list(
        AuditEvent.objects.order_by("id").values_list("id", flat=True)
    )
    assert report.checked == len(seals)


def in_threads(*targets: Callable[[], None], timeout: float = 120) -> None:
    """Run each target in its own thread (its own connection); re-raise the first error."""
    errors: list[BaseException] = []

    def run(target: Callable[[], None]) -> None:
        try:
            target()
        except BaseException as exc:  # collected and re-raised in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(t,)) for t in targets]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    assert not errors, errors


def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip(
            "SQLite serializes writing transactions (BEGIN IMMEDIATE): commits keep id order"
        )


# --- many writers, many sealers ----------------------------------------------------------------

WRITERS = 6
EVENTS_EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_and_a_sealer_produce_a_chain_that_verifies():
    start_together = threading.Barrier(WRITERS + 1)
    writers_done = threading.Event()

    def front_desk_terminal(terminal: int) -> Callable[[], None]:
        def work() -> None:
            start_together.wait(timeout=30)
            for step in range(EVENTS_EACH):
                audit.record(
                    "praxis.phi.read",
                    patient_id=terminal,
                    details={"terminal": terminal, "step": step},
                )

        return work

    def the_worker() -> None:
        start_together.wait(timeout=30)
        while not writers_done.is_set():
            audit_chain.seal_pending()

    def writers() -> None:
        in_threads(*(front_desk_terminal(n) for n in range(WRITERS)))
        writers_done.set()

    in_threads(writers, the_worker)
    audit_chain.seal_pending()

    the_chain_is_whole()
    assert AuditEvent.objects.count() == WRITERS * EVENTS_EACH
    for terminal in range(WRITERS):
        steps = AuditEvent.objects.filter(patient_id=str(terminal)).order_by("id")
        assert [e.details["step"] for e in steps] == list(range(EVENTS_EACH))


@pytest.mark.django_db(transaction=True)
def test_two_sealers_at_once_never_seal_an_event_twice():
    for n in range(60):
        honest_event(n=n)
    start_together = threading.Barrier(4)
    sealed: list[int] = []

    def sealer() -> None:
        start_together.wait(timeout=30)
        for _ in range(3):
            sealed.append(
                audit_chain.seal_pending(batch=7)
            )  # small batches: many turns to interleave

    def writer() -> None:
        start_together.wait(timeout=30)
        for n in range(20):
            honest_event(n=100 + n)

    in_threads(sealer, sealer, sealer, writer)
    sealed.append(audit_chain.seal_pending())

    assert sum(sealed) == AuditEvent.objects.count() == 80
    the_chain_is_whole()


# --- commit order is not id order ----------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_lower_id_that_commits_after_a_higher_one_was_sealed_is_sealed_not_skipped():
    postgresql_only()
    recorded, may_commit = threading.Event(), threading.Event()
    slow: list[AuditEvent] = []

    def slow_import() -> None:
        with transaction.atomic():
            slow.append(audit.record("praxis.billing.era.imported", details={"file": 1}))
            recorded.set()
            assert may_commit.wait(timeout=30)

    thread = threading.Thread(target=lambda: in_threads(slow_import))
    thread.start()
    assert recorded.wait(timeout=30)
    quick = audit.record("praxis.phi.read", patient_id=7)  # a higher id, committed at once
    assert quick.id > slow[0].id

    assert audit_chain.seal_pending() == 1  # only what is committed
    assert not AuditSeal.objects.filter(event_id=slow[0].id).exists()
    may_commit.set()
    thread.join(timeout=60)
    assert audit_chain.seal_pending() == 1

    assert seq_of(slow[0]) == seq_of(quick) + 1
    the_chain_is_whole()


def test_an_event_that_turns_up_below_sealed_ids_is_sealed_next_in_line(db):
    # What PostgreSQL does when a lower id commits late, on both databases.
    first, third = honest_event(1000), honest_event(1002)
    assert audit_chain.seal_pending() == 2
    late = honest_event(1001)

    assert audit_chain.seal_pending() == 1

    assert [seq_of(first), seq_of(third), seq_of(late)] == [1, 2, 3]
    the_chain_is_whole()


@pytest.mark.django_db(transaction=True)
def test_a_writer_holding_its_transaction_open_does_not_hold_up_the_others():
    """An ERA import records events early in a long transaction; PHI reads go on meanwhile."""
    postgresql_only()
    recorded, reads_done = threading.Event(), threading.Event()
    waited: list[bool] = []

    def long_import() -> None:
        with transaction.atomic():
            audit.record("praxis.billing.era.imported", details={"file": 2})
            recorded.set()
            waited.append(reads_done.wait(timeout=30))

    thread = threading.Thread(target=lambda: in_threads(long_import))
    thread.start()
    assert recorded.wait(timeout=30)
    for n in range(20):
        audit.record("praxis.phi.read", patient_id=n)
    audit_chain.seal_pending()
    reads_done.set()
    thread.join(timeout=60)

    assert waited == [True], "the reads had to wait for the import to commit"
    audit_chain.seal_pending()
    the_chain_is_whole()


def test_a_rolled_back_write_leaves_no_event_and_the_chain_whole(db):
    honest_event()
    with pytest.raises(RuntimeError), transaction.atomic():
        audit.record("praxis.patients.patient.updated", patient_id=7)
        raise RuntimeError("the update failed after its event was recorded")

    assert audit_chain.seal_pending() == 1
    the_chain_is_whole()


# --- events that were not late but slid in -----------------------------------------------------


def test_an_event_slid_in_below_a_trail_sealed_long_before_is_not_sealed_and_is_reported(db):
    this_morning = datetime.now(UTC) - timedelta(hours=3)
    trail = [honest_event(occurred_at=this_morning + timedelta(minutes=m)) for m in range(3)]
    audit_chain.seal_pending()
    forged = honest_event(trail[0].id - 1)  # an intruder's row before the first event

    report = audit_chain.verify_chain()

    assert report.sealed == 0, "no sealer chains it"
    assert not report.ok
    assert report.problem.kind == "unsealed"
    assert report.problem.event_id == forged.id
    assert "inserted behind the application's back" in report.problem.message
    assert not AuditSeal.objects.filter(event_id=forged.id).exists()


def test_an_event_sealed_long_after_a_higher_id_is_reported_as_inserted(db):
    # Three runs of the worker; 1001 committed late, after 1010 was sealed: honest.
    for event_id in (1010, 1001, 1020):
        honest_event(event_id)
        audit_chain.seal_pending()
    slid_in = honest_event(1005)
    audit_chain.seal_pending()  # recent ids are still open to late commits: the sealer takes it

    # Within the grace (an hour by default) 1005 may be a late commit too...
    assert audit_chain.verify_chain().ok
    # ...but not once 1010 has been sealed for longer than the grace, two runs before it.
    report = audit_chain.verify_chain(grace=NO_GRACE)

    assert report.problem.kind == "inserted"
    assert report.problem.event_id == slid_in.id
    assert "sealed more than 0 minutes after a later event" in report.problem.message
    assert report.checked == 4


def test_when_the_sealer_cannot_run_verify_reports_events_waiting_longer_than_the_grace(
    db, monkeypatch
):
    monkeypatch.setattr(audit_chain, "seal_pending", lambda **kwargs: 0)
    honest_event()
    assert audit_chain.verify_chain().ok, "an event recorded moments ago may still be waiting"
    waiting = AuditEvent(
        occurred_at=datetime.now(UTC) - audit.SEAL_GRACE - timedelta(minutes=1),
        action="praxis.phi.read",
        patient_id="7",
    )
    waiting.save(force_insert=True)

    report = audit_chain.verify_chain()

    assert report.problem.kind == "unsealed"
    assert report.problem.event_id == waiting.id
    assert "the sealer cannot seal it" in report.problem.message


# --- the worker ----------------------------------------------------------------------------------


def test_the_worker_seals_every_few_seconds(db):
    from praxis.core.management.commands.worker import SCHEDULER_INTERVAL_S

    job = periodic.REGISTRY["audit_seal"]
    assert job.every() <= timedelta(seconds=10)
    assert job.every().total_seconds() >= SCHEDULER_INTERVAL_S
    honest_event()

    assert job.run() == {"sealed": 1}
    the_chain_is_whole()
