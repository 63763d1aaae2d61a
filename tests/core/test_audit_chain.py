"""The audit trail is a hash chain: every event carries the hash of the one before it, so a row
that is edited, deleted, slid in or moved behind the application's back breaks the chain at that
row, and `praxis audit verify` says where. The table itself refuses UPDATE, DELETE and TRUNCATE.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.urls import resolve, reverse

from praxis.core import audit, audit_triggers, context
from praxis.core.models import AuditEvent

NEW_YORK = ZoneInfo("America/New_York")


# --- helpers -----------------------------------------------------------------------------------


def a_day_at_the_front_desk(steps: int) -> list[AuditEvent]:
    """Record ``steps`` ordinary events, the way services do."""
    return [
        audit.record(
            "praxis.scheduling.appointment.booked",
            object_type="scheduling.appointment",
            object_id=100 + step,
            patient_id=7,
            details={"step": step},
        )
        for step in range(steps)
    ]


@contextmanager
def audit_triggers_lifted() -> Iterator[None]:
    """What an intruder with database access does first: drop the append-only triggers."""
    audit_triggers.remove(connection)
    try:
        yield
    finally:
        audit_triggers.install(connection)


def behind_the_apps_back(sql: str, params: list[object] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params or [])


def renumber(from_id: int, to_id: int) -> None:
    behind_the_apps_back("UPDATE core_auditevent SET id = %s WHERE id = %s", [to_id, from_id])


def forged_event(*, event_id: int, prev_hash: str, action: str) -> AuditEvent:
    """A row an intruder writes with a hash that is correct for its own fields."""
    forged = AuditEvent(
        id=event_id,
        occurred_at=datetime(2026, 6, 1, 9, 0, tzinfo=NEW_YORK),
        action=action,
        object_type="patients.patient",
        object_id="7",
        patient_id="7",
        details={},
        prev_hash=prev_hash,
    )
    forged.hash = audit.compute_hash(forged, prev_hash)
    forged.save(force_insert=True)  # INSERT is allowed: the trail is append-only, not read-only
    return forged


# --- the chain as the application writes it ------------------------------------------------------


def test_each_event_chains_to_the_one_before_it_starting_from_genesis(db):
    assert not AuditEvent.objects.exists(), "a new installation starts with an empty trail"

    a_day_at_the_front_desk(4)

    trail = list(AuditEvent.objects.order_by("id"))
    assert [e.prev_hash for e in trail] == [audit.GENESIS] + [e.hash for e in trail[:-1]]
    assert all(e.hash == audit.compute_hash(e, e.prev_hash) for e in trail)
    report = audit.verify_chain()
    assert report.ok
    assert report.problem is None
    assert report.checked == 4
    assert report.head_hash == trail[-1].hash


def test_an_empty_trail_verifies(db):
    report = audit.verify_chain()

    assert report.ok
    assert report.checked == 0
    assert report.head_hash == audit.GENESIS


def test_details_with_datetimes_decimals_and_ids_still_verify_after_a_reload(db):
    charge_posted = datetime(2026, 6, 1, 9, 30, 15, 123456, tzinfo=NEW_YORK)
    batch = uuid.UUID("12345678-1234-5678-1234-567812345678")

    event = audit.record(
        "praxis.billing.charge.posted",
        object_id=42,
        patient_id=7,
        details={
            "posted_at": charge_posted,
            "service_date": date(2026, 5, 29),
            "amount": Decimal("125.50"),
            "adjustment": Decimal("-0.10"),
            "batch": batch,
            "codes": ("99213", "36415"),
            "note": "Zoë's co-pay — paid in full",
        },
    )

    reloaded = AuditEvent.objects.get(pk=event.pk)
    # What was hashed is exactly what the JSON column gives back.
    assert (
        reloaded.details
        == event.details
        == {
            "posted_at": "2026-06-01T09:30:15.123-04:00",
            "service_date": "2026-05-29",
            "amount": "125.50",
            "adjustment": "-0.10",
            "batch": str(batch),
            "codes": ["99213", "36415"],
            "note": "Zoë's co-pay — paid in full",
        }
    )
    assert reloaded.object_id == "42"
    assert reloaded.patient_id == "7"
    assert audit.compute_hash(reloaded, reloaded.prev_hash) == reloaded.hash
    assert audit.verify_chain().ok


def test_who_and_where_are_taken_from_the_request_context(db, manager_max):
    with context.acting(manager_max, ip="2001:DB8:0:0::1", request_id="req-12345678"):
        event = audit.record("praxis.core.location.updated")

    reloaded = AuditEvent.objects.get(pk=event.pk)
    assert reloaded.actor == manager_max
    assert reloaded.actor_email == "manager_max@example.org"
    assert reloaded.ip == "2001:db8::1"
    assert reloaded.request_id == "req-12345678"
    assert audit.verify_chain().ok


def test_an_ipv4_client_seen_through_a_dual_stack_socket_still_verifies(db):
    with context.acting(ip="::ffff:10.0.0.1"):
        audit.record("praxis.auth.login.succeeded")

    assert audit.verify_chain().ok


def test_large_floats_in_details_still_verify(db):
    audit.record("praxis.finance.report.run", details={"rows_scanned": 1e20})

    assert audit.verify_chain().ok


# --- tampering ---------------------------------------------------------------------------------


def test_an_edited_row_is_reported_as_edited_at_that_row(db):
    trail = a_day_at_the_front_desk(5)
    victim = trail[2]

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditevent SET patient_id = %s WHERE id = %s", ["999", victim.id]
        )
    report = audit.verify_chain()

    assert not report.ok
    assert report.problem.kind == "edited"
    assert report.problem.event_id == victim.id
    assert report.checked == 3
    assert report.head_hash == trail[1].hash  # the last hash that could be trusted


def test_an_edit_with_a_recomputed_hash_is_still_caught_at_the_next_row(db):
    trail = a_day_at_the_front_desk(5)
    victim = AuditEvent.objects.get(pk=trail[2].pk)
    victim.patient_id = "999"
    victim.hash = audit.compute_hash(victim, victim.prev_hash)

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditevent SET patient_id = %s, hash = %s WHERE id = %s",
            [victim.patient_id, victim.hash, victim.id],
        )
    report = audit.verify_chain()

    # The row itself now looks right; the one after it still points at the original.
    assert not report.ok
    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[3].id


def test_a_deleted_middle_row_is_reported_as_deleted_at_the_next_row(db):
    trail = a_day_at_the_front_desk(5)

    with audit_triggers_lifted():
        behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [trail[2].id])
    report = audit.verify_chain()

    assert not report.ok
    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[3].id
    assert f"after event {trail[1].id}" in report.problem.message


def test_a_deleted_first_row_is_reported_at_the_start(db):
    trail = a_day_at_the_front_desk(3)

    with audit_triggers_lifted():
        behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [trail[0].id])
    report = audit.verify_chain()

    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[1].id
    assert "at the start" in report.problem.message


def test_two_swapped_rows_are_reported_as_reordered(db):
    trail = a_day_at_the_front_desk(5)
    second, third = trail[1].id, trail[2].id
    parking = trail[-1].id + 1000

    with audit_triggers_lifted():
        renumber(second, parking)
        renumber(third, second)
        renumber(parking, third)
    report = audit.verify_chain()

    assert not report.ok
    assert report.problem.kind == "reordered"
    assert report.problem.event_id == second
    assert f"later event {third}" in report.problem.message


def test_a_row_moved_to_the_end_is_reported_as_reordered(db):
    trail = a_day_at_the_front_desk(4)

    with audit_triggers_lifted():
        renumber(trail[1].id, trail[-1].id + 1)
    report = audit.verify_chain()

    assert report.problem.kind == "reordered"
    assert report.problem.event_id == trail[2].id


def test_a_forged_row_slid_into_the_middle_is_reported_as_inserted(db):
    trail = a_day_at_the_front_desk(5)
    slot = trail[3].id

    with audit_triggers_lifted():
        # Make room by moving the two newest rows one id up, newest first.
        renumber(trail[4].id, trail[4].id + 1)
        renumber(trail[3].id, trail[3].id + 1)
    forged = forged_event(event_id=slot, prev_hash=trail[2].hash, action="praxis.phi.read")
    report = audit.verify_chain()

    assert not report.ok
    assert report.problem.kind == "inserted"
    assert report.problem.event_id == forged.id
    assert f"between {trail[2].id} and {slot + 1}" in report.problem.message


def test_a_deleted_row_replaced_by_a_forgery_is_caught(db):
    trail = a_day_at_the_front_desk(5)

    with audit_triggers_lifted():
        behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [trail[2].id])
    forged_event(event_id=trail[2].id, prev_hash=trail[1].hash, action="praxis.phi.read")
    report = audit.verify_chain()

    # The forgery fits behind its predecessor; its successor still names the original.
    assert not report.ok
    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[3].id


def test_a_forged_row_before_the_first_event_is_caught(db):
    trail = a_day_at_the_front_desk(3)

    forged_event(event_id=trail[0].id - 1, prev_hash=audit.GENESIS, action="praxis.phi.read")
    report = audit.verify_chain()

    assert not report.ok
    assert report.problem.event_id in {trail[0].id - 1, trail[0].id}


def test_a_forged_row_before_the_first_event_is_named_an_insertion(db):
    trail = a_day_at_the_front_desk(3)

    forged_event(event_id=trail[0].id - 1, prev_hash=audit.GENESIS, action="praxis.phi.read")

    assert audit.verify_chain().problem.kind == "inserted"


# --- the verify command ------------------------------------------------------------------------


def test_audit_verify_says_intact_on_a_good_chain(db):
    a_day_at_the_front_desk(3)
    out = StringIO()

    call_command("audit", "verify", stdout=out)

    assert "audit chain intact: 3 events" in out.getvalue()


def test_audit_verify_fails_and_names_the_row_on_a_broken_chain(db):
    trail = a_day_at_the_front_desk(3)
    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditevent SET action = %s WHERE id = %s",
            ["praxis.nothing.to.see", trail[1].id],
        )

    with pytest.raises(CommandError, match=rf"BROKEN.*edited at event {trail[1].id}"):
        call_command("audit", "verify", stdout=StringIO())


# --- the table refuses changes -----------------------------------------------------------------


def test_the_orm_cannot_update_an_event(db):
    event = audit.record("praxis.phi.read", patient_id=7)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(patient_id="8")

    assert AuditEvent.objects.get(pk=event.pk).patient_id == "7"


def test_saving_a_changed_event_is_refused(db):
    event = audit.record("praxis.phi.read", patient_id=7)
    event.action = "praxis.nothing.to.see"

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "praxis.phi.read"


def test_the_orm_cannot_delete_events(db):
    a_day_at_the_front_desk(3)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(details__step=1).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.count() == 3
    assert audit.verify_chain().ok


def test_raw_sql_cannot_update_or_delete_either(db):
    event = audit.record("praxis.phi.read", patient_id=7)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        behind_the_apps_back("UPDATE core_auditevent SET patient_id = '8'")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [event.id])

    assert AuditEvent.objects.filter(pk=event.pk, patient_id="7").exists()


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_truncate():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE trigger covers the whole table")
    # Committed first, as in production (inside one open transaction PostgreSQL would refuse
    # the TRUNCATE for the pending foreign-key checks before our trigger got a say).
    a_day_at_the_front_desk(2)

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        behind_the_apps_back("TRUNCATE core_auditevent")

    assert AuditEvent.objects.count() == 2


# --- many writers at once ----------------------------------------------------------------------

WRITERS = 6
EVENTS_EACH = 25


@pytest.mark.django_db(transaction=True)
def test_concurrent_writers_take_turns_at_the_chain_head():
    before = AuditEvent.objects.count()
    start_together = threading.Barrier(WRITERS)
    errors: list[BaseException] = []

    def front_desk_terminal(terminal: int) -> None:
        try:
            start_together.wait(timeout=30)
            for step in range(EVENTS_EACH):
                audit.record(
                    "praxis.phi.read",
                    patient_id=terminal,
                    details={"terminal": terminal, "step": step},
                )
        except BaseException as exc:  # collected and re-raised in the test's thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=front_desk_terminal, args=(n,)) for n in range(WRITERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    assert not errors, errors
    assert not any(thread.is_alive() for thread in threads)
    report = audit.verify_chain()
    assert report.ok, report.problem
    assert report.checked == before + WRITERS * EVENTS_EACH
    # No two events chained to the same head: the chain never forked.
    prev_hashes = list(AuditEvent.objects.values_list("prev_hash", flat=True))
    assert len(prev_hashes) == len(set(prev_hashes))
    for terminal in range(WRITERS):
        steps = AuditEvent.objects.filter(patient_id=str(terminal)).order_by("id")
        assert [e.details["step"] for e in steps] == list(range(EVENTS_EACH))


# --- PHI reads ---------------------------------------------------------------------------------


def test_looking_at_a_patient_records_a_phi_read_by_the_requests_user(db, frontdesk_fay):
    request = RequestFactory().get(reverse("core:my_home"))
    request.user = frontdesk_fay
    request.resolver_match = resolve(request.path)

    event = audit.audit_phi_read(request, patient_id=7, what="demographics", section="insurance")

    reloaded = AuditEvent.objects.get(pk=event.pk)
    assert reloaded.action == "praxis.phi.read"
    assert reloaded.patient_id == "7"
    assert reloaded.actor == frontdesk_fay
    assert reloaded.actor_email == "frontdesk_fay@example.org"
    assert reloaded.details == {
        "path_name": "core:my_home",
        "what": "demographics",
        "section": "insurance",
    }
    assert audit.verify_chain().ok


def test_a_phi_read_names_the_object_that_was_shown(db, frontdesk_fay, practice):
    request = RequestFactory().get("/")
    request.user = frontdesk_fay

    event = audit.audit_phi_read(request, patient_id=7, obj=practice)

    assert event.object_type == "core.practice"
    assert event.object_id == str(practice.pk)
    assert event.details == {"path_name": ""}
