"""The audit trail is a hash chain: events are written unchained (no lock, no read), and a sealer
links each committed event to the one sealed before it, so an event or a seal that is edited,
deleted, slid in or moved behind the application's back breaks the chain there, and
`praxis audit verify` (which seals what is pending first) says where. Both tables refuse UPDATE,
DELETE and TRUNCATE. Sealing itself (late commits, concurrent writers and sealers) is in
test_audit_sealing.py.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django.utils import timezone

from praxis.core import audit, audit_chain, audit_triggers, context
from praxis.core.models import AuditEvent, AuditSeal

NEW_YORK = ZoneInfo("America/New_York")


# --- helpers -----------------------------------------------------------------------------------


def a_day_at_the_front_desk(steps: int) -> list[AuditEvent]:
    """Record ``steps`` ordinary events, the way services do, and let the worker seal them."""
    events = [
        audit.record(
            "praxis.scheduling.appointment.booked",
            object_type="scheduling.appointment",
            object_id=100 + step,
            patient_id=7,
            details={"step": step},
        )
        for step in range(steps)
    ]
    audit_chain.seal_pending()
    return events


def seal_of(event: AuditEvent) -> AuditSeal:
    return AuditSeal.objects.get(event_id=event.id)


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


def renumber_event(from_id: int, to_id: int) -> None:
    behind_the_apps_back("UPDATE core_auditevent SET id = %s WHERE id = %s", [to_id, from_id])


def renumber_seal(from_seq: int, to_seq: int) -> None:
    behind_the_apps_back("UPDATE core_auditseal SET seq = %s WHERE seq = %s", [to_seq, from_seq])


def forged_event(*, event_id: int, action: str = "praxis.phi.read") -> AuditEvent:
    """A row an intruder writes (INSERT is allowed: the trail is append-only, not read-only)."""
    forged = AuditEvent(
        id=event_id,
        occurred_at=datetime(2026, 6, 1, 9, 0, tzinfo=NEW_YORK),
        action=action,
        object_type="patients.patient",
        object_id="7",
        patient_id="7",
        details={},
    )
    forged.save(force_insert=True)
    return forged


def forged_seal(*, seq: int, event: AuditEvent, prev_hash: str) -> AuditSeal:
    """A seal an insider who holds the audit key writes, with a hash that is correct for its
    own fields: the chain's shape still gives it away. (Without the key, see
    test_audit_key.py.)"""
    sealed_at = timezone.now()
    digest = keyed_hash(event, prev_hash=prev_hash, sealed_at=sealed_at)
    return AuditSeal.objects.create(
        seq=seq,
        event=event,
        sealed_at=sealed_at,
        prev_hash=prev_hash,
        hash=digest,
        key_id=settings.PRAXIS_AUDIT_KEY_ID,
    )


def keyed_hash(event: AuditEvent, *, prev_hash: str, sealed_at: datetime) -> str:
    """The seal hash under the current audit key."""
    return audit.seal_hash(
        event, prev_hash=prev_hash, sealed_at=sealed_at, key_id=settings.PRAXIS_AUDIT_KEY_ID
    )


# --- the chain as the application writes it ------------------------------------------------------


def test_events_are_sealed_in_order_each_chained_to_the_one_before_from_genesis(db):
    assert not AuditEvent.objects.exists(), "a new installation starts with an empty trail"
    events = [audit.record("praxis.phi.read", patient_id=7, details={"n": n}) for n in range(4)]
    assert not AuditSeal.objects.exists(), "writers only insert events"
    assert events[0].hash == ""

    assert audit_chain.seal_pending() == 4

    seals = list(AuditSeal.objects.order_by("seq"))
    assert [s.seq for s in seals] == [1, 2, 3, 4]
    assert [s.event_id for s in seals] == [e.id for e in events]
    assert [s.prev_hash for s in seals] == [audit.GENESIS] + [s.hash for s in seals[:-1]]
    assert all(
        s.hash == keyed_hash(s.event, prev_hash=s.prev_hash, sealed_at=s.sealed_at) for s in seals
    )
    assert AuditEvent.objects.get(pk=events[3].pk).hash == seals[3].hash
    assert audit_chain.seal_pending() == 0, "nothing is sealed twice"
    report = audit_chain.verify_chain()
    assert report.ok
    assert report.problem is None
    assert report.checked == 4
    assert report.head_hash == seals[-1].hash


def test_recording_an_event_is_one_insert_with_no_lock_and_no_read(db):
    with CaptureQueriesContext(connection) as ctx:
        audit.record("praxis.phi.read", patient_id=7)

    assert [q["sql"].split()[0] for q in ctx.captured_queries] == ["INSERT"]


def test_verify_seals_what_is_pending_before_it_walks(db):
    audit.record("praxis.phi.read", patient_id=7)
    audit.record("praxis.phi.read", patient_id=8)

    report = audit_chain.verify_chain()

    assert report.ok
    assert report.sealed == 2
    assert report.checked == 2
    assert AuditSeal.objects.count() == 2


def test_an_empty_trail_verifies(db):
    report = audit_chain.verify_chain()

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
    audit_chain.seal_pending()

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
    seal = seal_of(reloaded)
    assert keyed_hash(reloaded, prev_hash=seal.prev_hash, sealed_at=seal.sealed_at) == seal.hash
    assert audit_chain.verify_chain().ok


def test_who_and_where_are_taken_from_the_request_context(db, manager_max):
    with context.acting(manager_max, ip="2001:DB8:0:0::1", request_id="req-12345678"):
        event = audit.record("praxis.core.location.updated")

    reloaded = AuditEvent.objects.get(pk=event.pk)
    assert reloaded.actor == manager_max
    assert reloaded.actor_email == "manager_max@example.org"
    assert reloaded.ip == "2001:db8::1"
    assert reloaded.request_id == "req-12345678"
    assert audit_chain.verify_chain().ok


def test_an_ipv4_client_seen_through_a_dual_stack_socket_still_verifies(db):
    with context.acting(ip="::ffff:10.0.0.1"):
        audit.record("praxis.auth.login.succeeded")

    assert audit_chain.verify_chain().ok


def test_large_floats_in_details_still_verify(db):
    audit.record("praxis.finance.report.run", details={"rows_scanned": 1e20})

    assert audit_chain.verify_chain().ok


# --- tampering with events ---------------------------------------------------------------------


def test_an_edited_row_is_reported_as_edited_at_that_row(db):
    trail = a_day_at_the_front_desk(5)
    victim = trail[2]

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditevent SET patient_id = %s WHERE id = %s", ["999", victim.id]
        )
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "edited"
    assert report.problem.event_id == victim.id
    assert report.checked == 3
    assert report.head_hash == seal_of(trail[1]).hash  # the last hash that could be trusted


def test_moving_an_event_to_another_practice_is_an_edit(db, admin_ada, other_practice):
    trail = [audit.record("praxis.test.ours", actor=admin_ada) for _ in range(3)]
    audit_chain.seal_pending()
    assert trail[1].practice_id == admin_ada.practice_id

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditevent SET practice_id = %s WHERE id = %s",
            [other_practice.pk, trail[1].id],
        )
    report = audit_chain.verify_chain()

    assert report.problem.kind == "edited"
    assert report.problem.event_id == trail[1].id


def test_an_edit_with_a_recomputed_seal_is_still_caught_at_the_next_row(db):
    trail = a_day_at_the_front_desk(5)
    victim = AuditEvent.objects.get(pk=trail[2].pk)
    seal = seal_of(victim)
    victim.patient_id = "999"
    forged_hash = keyed_hash(victim, prev_hash=seal.prev_hash, sealed_at=seal.sealed_at)

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditevent SET patient_id = %s WHERE id = %s", ["999", victim.id]
        )
        behind_the_apps_back(
            "UPDATE core_auditseal SET hash = %s WHERE seq = %s", [forged_hash, seal.seq]
        )
    report = audit_chain.verify_chain()

    # The row and its seal now agree; the next seal still names the original.
    assert not report.ok
    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[3].id


def test_a_deleted_middle_row_is_reported_as_deleted_at_the_next_row(db):
    trail = a_day_at_the_front_desk(5)

    with audit_triggers_lifted():
        behind_the_apps_back("DELETE FROM core_auditseal WHERE event_id = %s", [trail[2].id])
        behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [trail[2].id])
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[3].id
    assert f"after event {trail[1].id}" in report.problem.message


def test_a_deleted_first_row_is_reported_at_the_start(db):
    trail = a_day_at_the_front_desk(3)

    with audit_triggers_lifted():
        behind_the_apps_back("DELETE FROM core_auditseal WHERE event_id = %s", [trail[0].id])
        behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [trail[0].id])
    report = audit_chain.verify_chain()

    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[1].id
    assert "at the start" in report.problem.message


def test_two_swapped_rows_are_reported_as_reordered(db):
    trail = a_day_at_the_front_desk(5)
    second, third = trail[1].id, trail[2].id
    parking = trail[-1].id + 1000

    with audit_triggers_lifted():
        renumber_event(second, parking)
        renumber_event(third, second)
        renumber_event(parking, third)
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "reordered"
    assert report.problem.event_id == second
    assert f"later event {third}" in report.problem.message


def test_a_row_renumbered_to_the_end_with_its_seal_is_caught_at_that_row(db):
    trail = a_day_at_the_front_desk(4)
    moved = trail[-1].id + 1

    with audit_triggers_lifted():
        renumber_event(trail[1].id, moved)
        behind_the_apps_back(
            "UPDATE core_auditseal SET event_id = %s WHERE event_id = %s", [moved, trail[1].id]
        )
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "edited"  # the seal covers the id as well as the fields
    assert report.problem.event_id == moved


def test_a_forged_row_slid_into_the_middle_is_reported_as_inserted(db):
    trail = a_day_at_the_front_desk(5)
    slot = seal_of(trail[3]).seq

    with audit_triggers_lifted():
        # Make room by moving the two newest seals one place up, newest first.
        renumber_seal(slot + 1, slot + 2)
        renumber_seal(slot, slot + 1)
    forged = forged_event(event_id=trail[-1].id + 1)
    forged_seal(seq=slot, event=forged, prev_hash=seal_of(trail[2]).hash)
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "inserted"
    assert report.problem.event_id == forged.id
    assert f"between {trail[2].id} and {trail[3].id}" in report.problem.message


def test_a_deleted_row_replaced_by_a_forgery_is_caught(db):
    trail = a_day_at_the_front_desk(5)
    seal = seal_of(trail[2])

    with audit_triggers_lifted():
        behind_the_apps_back("DELETE FROM core_auditseal WHERE seq = %s", [seal.seq])
        behind_the_apps_back("DELETE FROM core_auditevent WHERE id = %s", [trail[2].id])
    forged = forged_event(event_id=trail[2].id)
    forged_seal(seq=seal.seq, event=forged, prev_hash=seal.prev_hash)
    report = audit_chain.verify_chain()

    # The forgery fits behind its predecessor; its successor still names the original.
    assert not report.ok
    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[3].id


def test_a_forged_row_before_the_first_event_is_named_an_insertion(db):
    trail = a_day_at_the_front_desk(3)

    forged = forged_event(event_id=trail[0].id - 1)
    forged_seal(seq=0, event=forged, prev_hash=audit.GENESIS)
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "inserted"
    assert report.problem.event_id in {forged.id, trail[0].id}


# --- tampering with seals ----------------------------------------------------------------------


def test_an_edited_seal_hash_is_reported_at_its_event(db):
    trail = a_day_at_the_front_desk(4)

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditseal SET hash = %s WHERE event_id = %s", ["f" * 64, trail[1].id]
        )
    report = audit_chain.verify_chain()

    assert report.problem.kind == "edited"
    assert report.problem.event_id == trail[1].id


def test_a_backdated_seal_is_reported_as_edited(db):
    trail = a_day_at_the_front_desk(3)

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditseal SET sealed_at = %s WHERE event_id = %s",
            [datetime(2026, 1, 1, tzinfo=NEW_YORK), trail[2].id],
        )
    report = audit_chain.verify_chain()

    assert report.problem.kind == "edited"
    assert report.problem.event_id == trail[2].id


def test_a_seal_pointed_at_another_event_is_caught(db):
    trail = a_day_at_the_front_desk(3)
    spare = forged_event(event_id=trail[-1].id + 10)  # not yet sealed

    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditseal SET event_id = %s WHERE event_id = %s", [spare.id, trail[1].id]
        )
    report = audit_chain.verify_chain()

    assert not report.ok
    assert report.problem.kind == "edited"
    assert report.problem.event_id == spare.id


def test_a_deleted_seal_is_caught_at_the_next_row_even_after_its_event_is_sealed_again(db):
    trail = a_day_at_the_front_desk(4)

    with audit_triggers_lifted():
        behind_the_apps_back("DELETE FROM core_auditseal WHERE event_id = %s", [trail[1].id])
    report = audit_chain.verify_chain()

    assert report.sealed == 1, "verify seals the orphaned event again, at the end"
    assert report.problem.kind == "deleted"
    assert report.problem.event_id == trail[2].id


def test_a_seal_moved_to_the_end_is_reported_as_reordered(db):
    trail = a_day_at_the_front_desk(4)
    last = seal_of(trail[-1]).seq

    with audit_triggers_lifted():
        renumber_seal(seal_of(trail[1]).seq, last + 1)
    report = audit_chain.verify_chain()

    assert report.problem.kind == "reordered"
    assert report.problem.event_id == trail[2].id
    assert f"later event {trail[1].id}" in report.problem.message


# --- the verify command ------------------------------------------------------------------------


def test_audit_verify_says_intact_on_a_good_chain(db):
    a_day_at_the_front_desk(2)
    audit.record("praxis.phi.read", patient_id=7)  # not sealed yet: verify seals it first
    out = StringIO()

    call_command("audit", "verify", stdout=out)

    assert "audit chain intact: 3 events (1 sealed just now)" in out.getvalue()


def test_audit_seal_seals_what_is_pending(db):
    audit.record("praxis.phi.read", patient_id=7)
    out = StringIO()

    call_command("audit", "seal", stdout=out)

    assert out.getvalue().strip() == "sealed 1 events"
    assert AuditSeal.objects.count() == 1


def test_audit_verify_fails_and_names_the_row_on_a_broken_chain(db):
    trail = a_day_at_the_front_desk(3)
    with audit_triggers_lifted():
        behind_the_apps_back(
            "UPDATE core_auditevent SET action = %s WHERE id = %s",
            ["praxis.nothing.to.see", trail[1].id],
        )

    with pytest.raises(CommandError, match=rf"BROKEN.*edited at event {trail[1].id}"):
        call_command("audit", "verify", stdout=StringIO())


# --- the tables refuse changes -----------------------------------------------------------------


def test_the_orm_cannot_update_an_event_or_a_seal(db):
    event = audit.record("praxis.phi.read", patient_id=7)
    audit_chain.seal_pending()

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(patient_id="8")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.filter(event=event).update(hash="0" * 64)

    assert AuditEvent.objects.get(pk=event.pk).patient_id == "7"
    assert audit_chain.verify_chain().ok


def test_saving_a_changed_event_is_refused(db):
    event = audit.record("praxis.phi.read", patient_id=7)
    event.action = "praxis.nothing.to.see"

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).action == "praxis.phi.read"


def test_the_orm_cannot_delete_events_or_seals(db):
    a_day_at_the_front_desk(3)
    audit.record("praxis.phi.read", patient_id=7)  # and one not sealed yet

    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(details__step=1).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(seal__isnull=True).delete()
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditSeal.objects.all().delete()

    assert AuditEvent.objects.count() == 4
    assert AuditSeal.objects.count() == 3
    assert audit_chain.verify_chain().ok


def test_raw_sql_cannot_update_or_delete_either(db):
    event = audit.record("praxis.phi.read", patient_id=7)
    audit_chain.seal_pending()

    for sql in (
        "UPDATE core_auditevent SET patient_id = '8'",
        f"DELETE FROM core_auditevent WHERE id = {event.id}",
        "UPDATE core_auditseal SET prev_hash = 'x'",
        "DELETE FROM core_auditseal",
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            behind_the_apps_back(sql)

    assert AuditEvent.objects.filter(pk=event.pk, patient_id="7").exists()
    assert audit_chain.verify_chain().ok


@pytest.mark.django_db(transaction=True)
def test_postgresql_refuses_truncate():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite has no TRUNCATE; its DELETE trigger covers the whole table")
    # Committed first, as in production (inside one open transaction PostgreSQL would refuse
    # the TRUNCATE for the pending foreign-key checks before our trigger got a say).
    a_day_at_the_front_desk(2)

    for sql in ("TRUNCATE core_auditseal", "TRUNCATE core_auditseal, core_auditevent"):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            behind_the_apps_back(sql)

    assert AuditEvent.objects.count() == 2
    assert AuditSeal.objects.count() == 2


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
    assert audit_chain.verify_chain().ok


def test_a_phi_read_names_the_object_that_was_shown(db, frontdesk_fay, practice):
    request = RequestFactory().get("/")
    request.user = frontdesk_fay

    event = audit.audit_phi_read(request, patient_id=7, obj=practice)

    assert event.object_type == "core.practice"
    assert event.object_id == str(practice.pk)
    assert event.details == {"path_name": ""}
