"""The database itself refuses double booking on PostgreSQL, even behind the application's back:
the exclusion constraints exist, fire on a raw insert, ignore cancelled visits and touching
ranges, and a violation reaching the booking service becomes the same SlotTaken as its check."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import IntegrityError, connection, transaction

from praxis.scheduling import booking, selectors
from praxis.scheduling.booking import SlotTaken, appointment_book
from praxis.scheduling.models import Appointment
from praxis.scheduling.testing import AppointmentFactory, AppointmentTypeFactory, hold

from .conftest import local

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="exclusion constraints are PostgreSQL's"
    ),
]


def visit(paula, provider, clinic, appointment_type, start, **kw):  # type: ignore[no-untyped-def]
    return AppointmentFactory(
        patient=paula,
        provider=provider,
        location=clinic,
        appointment_type=appointment_type,
        start=start,
        **kw,
    )


def test_the_exclusion_constraints_exist():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
            "WHERE contype = 'x' AND conname LIKE 'appointment_%%' ORDER BY conname"
        )
        found = dict(cursor.fetchall())
    assert set(found) == {"appointment_provider_no_overlap", "appointment_resource_no_overlap"}
    assert (
        "tstzrange(start, \"end\", '[)'::text) WITH &&" in found["appointment_provider_no_overlap"]
    )
    assert "WHERE (active)" in found["appointment_resource_no_overlap"]


def test_a_raw_overlapping_insert_is_refused_by_the_database(
    paula, dana, clinic, follow_up, visit_day
):
    visit(paula, dana, clinic, follow_up, local(visit_day, 10))
    with (
        pytest.raises(IntegrityError, match="appointment_provider_no_overlap"),
        transaction.atomic(),
    ):
        visit(paula, dana, clinic, follow_up, local(visit_day, 10, 15))
    # touching ranges and inactive visits are fine
    visit(paula, dana, clinic, follow_up, local(visit_day, 10, 30))
    visit(paula, dana, clinic, follow_up, local(visit_day, 10, 15), status="cancelled")
    visit(paula, dana, clinic, follow_up, local(visit_day, 10), status="no_show")
    assert Appointment.objects.count() == 4


def test_a_raw_overlapping_resource_hold_is_refused(
    practice, paula, dana, lee, clinic, exam_room, visit_day
):
    procedure = AppointmentTypeFactory(practice=practice, providers=[dana, lee])
    hold(visit(paula, dana, clinic, procedure, local(visit_day, 10)), exam_room)
    lees = visit(paula, lee, clinic, procedure, local(visit_day, 10, 15))
    with (
        pytest.raises(IntegrityError, match="appointment_resource_no_overlap"),
        transaction.atomic(),
    ):
        hold(lees, exam_room)
    lees.status = "cancelled"
    lees.save()
    hold(lees, exam_room)  # an inactive hold does not count


def test_if_the_check_were_skipped_the_constraint_still_answers_slot_taken(
    monkeypatch, frontdesk_fay, paula, dana, clinic, follow_up, visit_day
):
    first = visit(paula, dana, clinic, follow_up, local(visit_day, 10))
    monkeypatch.setattr(booking, "_reserve", lambda **kw: ())  # no lock, no check
    with pytest.raises(SlotTaken) as refused:
        appointment_book(
            patient=paula,
            provider=dana,
            location=clinic,
            appointment_type=follow_up,
            start=local(visit_day, 10, 15),
            booked_by=frontdesk_fay,
        )
    assert (refused.value.conflict_start, refused.value.conflict_end) == (first.start, first.end)
    assert Appointment.objects.count() == 1


def test_busy_intervals_are_read_through_the_provider_start_index(dana, visit_day):
    start = local(visit_day, 0)
    query = Appointment.objects.filter(
        provider_id__in=[dana.pk],
        status__in=["scheduled"],
        start__gte=start - timedelta(hours=12),
        start__lt=start + timedelta(days=7),
        end__gt=start,
    )
    assert selectors.provider_busy_intervals(provider_ids=[dana.pk], start=start, end=start) == {}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        plan = query.explain()
    assert "appointment_provider_start" in plan
    assert "Index Cond" in plan and "provider_id" in plan
