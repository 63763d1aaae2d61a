"""Frontdesk Fay books, moves and cancels visits; the clinic's day moves them along; bad requests
are refused with a message and leave nothing behind."""

from __future__ import annotations

import itertools
from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from praxis.core import datefmt
from praxis.core.models import AuditEvent
from praxis.core.service_support import ServiceError
from praxis.core.testing.factories import LocationFactory, PracticeFactory, RoomFactory
from praxis.scheduling.booking import SlotTaken, appointment_book, appointment_reschedule
from praxis.scheduling.models import Appointment, AppointmentResource, AvailabilityException
from praxis.scheduling.series import SeriesRefused, series_book
from praxis.scheduling.signals import appointment_changed
from praxis.scheduling.testing import (
    AppointmentFactory,
    AppointmentTypeFactory,
    AvailabilityExceptionFactory,
    ProviderFactory,
    ResourceFactory,
    hold,
    weekly_hours,
)
from praxis.scheduling.visits import appointment_cancel, appointment_transition

from .conftest import due_now, local, make_patient

pytestmark = pytest.mark.django_db
Status = Appointment.Status


def book(patient, provider, location, appointment_type, start, by, **kw):  # type: ignore[no-untyped-def]
    return appointment_book(
        patient=patient,
        provider=provider,
        location=location,
        appointment_type=appointment_type,
        start=start,
        booked_by=by,
        **kw,
    )


def audit_actions() -> list[str]:
    return list(AuditEvent.objects.order_by("id").values_list("action", flat=True))


# --- booking ---------------------------------------------------------------------------------


def test_fay_books_paula_with_dr_dana(
    frontdesk_fay, paula, dana, clinic, follow_up, visit_day, django_capture_on_commit_callbacks
):
    heard = []

    def listener(sender, appointment, change, **kw):  # type: ignore[no-untyped-def]
        heard.append((appointment.pk, change))

    appointment_changed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            appt = book(paula, dana, clinic, follow_up, local(visit_day, 10), frontdesk_fay)
    finally:
        appointment_changed.disconnect(listener)

    appt.refresh_from_db()
    assert appt.status == Status.SCHEDULED
    assert appt.end - appt.start == timedelta(minutes=30)
    assert appt.start.astimezone(local(visit_day, 0).tzinfo).time() == time(10)
    assert appt.practice_id == paula.practice_id and appt.booked_by == frontdesk_fay
    event = AuditEvent.objects.get(action="praxis.scheduling.appointment.booked")
    assert event.patient_id == str(paula.pk) and event.object_id == str(appt.pk)
    assert event.actor == frontdesk_fay
    assert heard == [(appt.pk, "booked")]
    assert appt.history.count() == 1


def test_back_to_back_is_fine_but_overlap_is_refused_with_the_range(
    frontdesk_fay, paula, dana, clinic, follow_up, visit_day
):
    first = book(paula, dana, clinic, follow_up, local(visit_day, 10), frontdesk_fay)
    second = book(paula, dana, clinic, follow_up, local(visit_day, 10, 30), frontdesk_fay)
    assert first.end == second.start

    with pytest.raises(SlotTaken) as refused:
        book(paula, dana, clinic, follow_up, local(visit_day, 10, 15), frontdesk_fay)
    assert (refused.value.conflict_start, refused.value.conflict_end) == (first.start, first.end)
    assert "Dr. Dana Dubois is already booked from" in refused.value.messages[0]
    assert Appointment.objects.count() == 2


def test_a_provider_is_in_one_place_at_a_time(
    frontdesk_fay, practice, paula, dana, clinic, follow_up, visit_day
):
    north = LocationFactory(practice=practice, name="North Clinic")
    weekly_hours(dana, north, start=time(8), end=time(18))
    book(paula, dana, clinic, follow_up, local(visit_day, 10), frontdesk_fay)
    with pytest.raises(SlotTaken):
        book(paula, dana, north, follow_up, local(visit_day, 10), frontdesk_fay)


def test_the_room_a_type_needs_is_chosen_and_held(
    frontdesk_fay, practice, paula, dana, lee, clinic, exam_room, visit_day
):
    exam_2 = ResourceFactory(location=clinic, name="Exam 2")
    procedure = AppointmentTypeFactory(
        practice=practice,
        name="Procedure",
        providers=[dana, lee],
        required_resources=[exam_room, exam_2],
    )
    at_ten = local(visit_day, 10)
    a = book(paula, dana, clinic, procedure, at_ten, frontdesk_fay)
    b = book(paula, lee, clinic, procedure, at_ten, frontdesk_fay)
    assert [list(x.resources.all()) for x in (a, b)] == [[exam_room], [exam_2]]

    carl = ProviderFactory(practice=practice, display_name="Dr. Carl Cho")
    weekly_hours(carl, clinic, start=time(8), end=time(18))
    procedure.providers.add(carl)
    with pytest.raises(SlotTaken) as refused:
        book(paula, carl, clinic, procedure, at_ten, frontdesk_fay)
    assert refused.value.messages[0].startswith("Every suitable room is already booked")
    assert refused.value.conflict_start == at_ten


def test_equipment_is_needed_in_addition_to_a_room(
    frontdesk_fay, practice, paula, dana, lee, clinic, exam_room, visit_day
):
    ultrasound = ResourceFactory(location=clinic, name="Ultrasound", kind="equipment")
    exam_2 = ResourceFactory(location=clinic, name="Exam 2")
    scan = AppointmentTypeFactory(
        practice=practice, providers=[dana, lee], required_resources=[exam_room, exam_2, ultrasound]
    )
    a = book(paula, dana, clinic, scan, local(visit_day, 10), frontdesk_fay)
    assert set(a.resources.all()) == {exam_room, ultrasound}
    with pytest.raises(SlotTaken) as refused:
        book(paula, lee, clinic, scan, local(visit_day, 10), frontdesk_fay)
    assert refused.value.messages[0].startswith("Ultrasound is already booked")


def test_resources_can_be_chosen_but_must_cover_the_need(
    frontdesk_fay, practice, paula, dana, clinic, exam_room, visit_day
):
    exam_2 = ResourceFactory(location=clinic, name="Exam 2")
    ecg = ResourceFactory(location=clinic, name="ECG", kind="equipment")
    procedure = AppointmentTypeFactory(
        practice=practice, providers=[dana], required_resources=[exam_room, exam_2]
    )
    with pytest.raises(ServiceError) as refused:
        book(paula, dana, clinic, procedure, local(visit_day, 9), frontdesk_fay, resources=[ecg])
    assert refused.value.messages == [f"{procedure.name} needs Exam 1 or Exam 2."]
    appt = book(
        paula, dana, clinic, procedure, local(visit_day, 9), frontdesk_fay, resources=[exam_2, ecg]
    )
    assert set(appt.resources.all()) == {exam_2, ecg}


# --- bad input: a clear message and nothing written ------------------------------------------


def _refusals(practice, paula, dana, clinic, follow_up, visit_day):  # type: ignore[no-untyped-def]
    """(story, booking kwargs, message) for each way a booking is refused."""
    other = PracticeFactory(name="Elsewhere Clinic")
    stranger = make_patient(other, "Sam", "Stranger")
    their_clinic = LocationFactory(practice=other, name="Their Clinic")
    not_offering = ProviderFactory(practice=practice, display_name="Dr. Nia Nolan")
    weekly_hours(not_offering, clinic)
    retired = ProviderFactory(practice=practice, display_name="Dr. Old Timer", is_active=False)
    follow_up.providers.add(retired)
    merged = make_patient(practice, "Dup", "Licate", merged_into=paula)
    deceased = make_patient(practice, "Late", "Patient", status="deceased")
    ten = local(visit_day, 10)
    base = {"patient": paula, "provider": dana, "location": clinic, "start": ten}
    return [
        (
            "in the past",
            {**base, "start": timezone.now() - timedelta(hours=1)},
            "This time is in the past.",
        ),
        (
            "no time zone",
            {**base, "start": datetime.combine(visit_day, time(10))},
            "Give the start time with its time zone (or UTC offset).",
        ),
        (
            "another practice's patient",
            {**base, "patient": stranger},
            "This patient is not registered with this practice.",
        ),
        (
            "another practice's location",
            {**base, "location": their_clinic},
            "Their Clinic is not one of this practice's locations.",
        ),
        (
            "provider who does not offer the type",
            {**base, "provider": not_offering},
            "Dr. Nia Nolan does not offer Follow-up.",
        ),
        (
            "inactive provider",
            {**base, "provider": retired},
            "Dr. Old Timer no longer takes appointments.",
        ),
        (
            "merged patient record",
            {**base, "patient": merged},
            "This patient record was merged into another; book on that record.",
        ),
        (
            "deceased patient",
            {**base, "patient": deceased},
            "This patient is recorded as deceased.",
        ),
        (
            "outside the provider's hours",
            {**base, "start": local(visit_day, 17, 45)},
            "Dr. Dana Dubois is not available at Main Street Clinic at "
            f"{datefmt.day(visit_day)}, 5:45 PM "
            f"{local(visit_day, 17, 45).tzname()} for this visit type.",
        ),
    ]


def test_each_bad_booking_is_refused_with_its_message_and_writes_nothing(
    frontdesk_fay, practice, paula, dana, clinic, follow_up, visit_day
):
    cases = _refusals(practice, paula, dana, clinic, follow_up, visit_day)
    before = audit_actions()
    for story, kwargs, message in cases:
        with pytest.raises(ServiceError) as refused:
            appointment_book(appointment_type=follow_up, booked_by=frontdesk_fay, **kwargs)
        assert refused.value.messages == [message], story
    assert Appointment.objects.count() == 0
    assert AppointmentResource.objects.count() == 0
    assert audit_actions() == before


def test_a_type_needing_a_room_cannot_be_booked_where_there_is_none(
    frontdesk_fay, practice, paula, dana, clinic, exam_room, visit_day
):
    north = LocationFactory(practice=practice, name="North Clinic")
    weekly_hours(dana, north)
    procedure = AppointmentTypeFactory(
        practice=practice, name="Procedure", providers=[dana], required_resources=[exam_room]
    )
    with pytest.raises(ServiceError) as refused:
        book(paula, dana, north, procedure, local(visit_day, 10), frontdesk_fay)
    assert refused.value.messages == [
        "North Clinic has none of the rooms or equipment Procedure needs."
    ]
    assert not Appointment.objects.exists()


def test_time_off_refuses_a_booking(frontdesk_fay, paula, dana, clinic, follow_up, visit_day):
    AvailabilityExceptionFactory(
        provider=dana,
        kind=AvailabilityException.Kind.TIME_OFF,
        start=local(visit_day, 12),
        end=local(visit_day, 14),
    )
    with pytest.raises(ServiceError, match="not available"):
        book(paula, dana, clinic, follow_up, local(visit_day, 13), frontdesk_fay)
    assert book(paula, dana, clinic, follow_up, local(visit_day, 14), frontdesk_fay)


# --- rescheduling and cancelling -------------------------------------------------------------


def test_fay_moves_a_confirmed_visit_and_it_needs_confirming_again(
    frontdesk_fay, paula, dana, lee, clinic, follow_up, visit_day
):
    appt = book(paula, dana, clinic, follow_up, local(visit_day, 10), frontdesk_fay)
    appointment_transition(appointment=appt, to_status="confirmed", by=frontdesk_fay)
    # overlapping its own old time is fine: it is the same visit
    moved = appointment_reschedule(
        appointment=appt, start=local(visit_day, 10, 15), rescheduled_by=frontdesk_fay
    )
    assert moved.status == Status.SCHEDULED
    assert moved.start == local(visit_day, 10, 15)
    blocker = book(paula, lee, clinic, follow_up, local(visit_day, 11), frontdesk_fay)
    with pytest.raises(SlotTaken) as refused:
        appointment_reschedule(
            appointment=moved, start=local(visit_day, 11), provider=lee, rescheduled_by=None
        )
    assert refused.value.conflict_start == blocker.start
    moved.refresh_from_db()
    assert (moved.provider, moved.start) == (dana, local(visit_day, 10, 15))
    assert "praxis.scheduling.appointment.rescheduled" in audit_actions()


def test_rescheduling_moves_the_resource_holds(
    frontdesk_fay, practice, paula, dana, clinic, exam_room, visit_day
):
    procedure = AppointmentTypeFactory(
        practice=practice, providers=[dana], required_resources=[exam_room]
    )
    appt = book(paula, dana, clinic, procedure, local(visit_day, 10), frontdesk_fay)
    appointment_reschedule(appointment=appt, start=local(visit_day, 10, 15), rescheduled_by=None)
    holds = list(
        AppointmentResource.objects.filter(appointment=appt).values_list("start", "active")
    )
    assert holds == [(local(visit_day, 10, 15), True)]


def test_cancelling_needs_a_reason_frees_the_time_and_marks_late_ones(
    frontdesk_fay, practice, paula, dana, clinic, exam_room, visit_day
):
    procedure = AppointmentTypeFactory(
        practice=practice, providers=[dana], required_resources=[exam_room]
    )
    appt = book(paula, dana, clinic, procedure, local(visit_day, 10), frontdesk_fay)
    for reason in ("", "   "):
        with pytest.raises(ServiceError) as refused:
            appointment_cancel(appointment=appt, reason=reason, cancelled_by=frontdesk_fay)
        assert refused.value.messages == ["Give a reason for the cancellation."]
    appt.refresh_from_db()
    assert appt.status == Status.SCHEDULED and appt.cancel_reason == ""

    appointment_cancel(appointment=appt, reason="Patient is travelling", cancelled_by=None)
    appt.refresh_from_db()
    assert appt.status == Status.CANCELLED and not appt.late_cancel
    assert appt.cancelled_at is not None
    assert not AppointmentResource.objects.filter(appointment=appt, active=True).exists()
    # the time and the room are free again
    again = book(paula, dana, clinic, procedure, local(visit_day, 10), frontdesk_fay)
    assert list(again.resources.all()) == [exam_room]

    soon = AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=procedure,
        start=timezone.now() + timedelta(hours=3),
    )  # fmt: skip
    appointment_cancel(appointment=soon, reason="Sick", cancelled_by=frontdesk_fay)
    assert soon.late_cancel is True

    with pytest.raises(ServiceError) as refused:
        appointment_cancel(appointment=soon, reason="again", cancelled_by=frontdesk_fay)
    assert refused.value.messages == ["A visit that is canceled cannot be canceled."]


# --- the visit's day -------------------------------------------------------------------------


def test_a_visit_moves_through_its_day(
    frontdesk_fay, clinical_cleo, dr_dana, paula, dana, clinic, follow_up, visit_day
):
    appt = due_now(book(paula, dana, clinic, follow_up, local(visit_day, 10), frontdesk_fay))
    exam_1 = clinic.rooms.get(name="Exam 1")
    appointment_transition(appointment=appt, to_status="confirmed", by=frontdesk_fay)
    appointment_transition(appointment=appt, to_status="arrived", by=frontdesk_fay)
    assert appt.checked_in_at is not None
    with pytest.raises(ServiceError) as refused:
        appointment_transition(appointment=appt, to_status="in_room", by=clinical_cleo)
    assert refused.value.messages == ["Choose the room the patient is in."]
    appointment_transition(appointment=appt, to_status="in_room", by=clinical_cleo, room=exam_1)
    assert (appt.room, appt.status) == (exam_1, Status.IN_ROOM) and appt.roomed_at
    appointment_transition(appointment=appt, to_status="completed", by=dr_dana)
    appt.refresh_from_db()
    assert appt.status == Status.COMPLETED and appt.completed_at is not None
    actions = [a for a in audit_actions() if a.startswith("praxis.scheduling.appointment.")]
    assert [a.rsplit(".", 1)[1] for a in actions] == [
        "booked",
        "confirmed",
        "arrived",
        "in_room",
        "completed",
    ]


def test_rooming_defaults_to_the_room_the_visit_holds(
    frontdesk_fay, practice, paula, dana, clinic, exam_room, visit_day
):
    procedure = AppointmentTypeFactory(
        practice=practice, providers=[dana], required_resources=[exam_room]
    )
    appt = due_now(book(paula, dana, clinic, procedure, local(visit_day, 10), frontdesk_fay))
    appointment_transition(appointment=appt, to_status="arrived", by=frontdesk_fay)
    appointment_transition(appointment=appt, to_status="in_room", by=frontdesk_fay)
    assert appt.room == exam_room.room


@pytest.mark.parametrize(
    ("status", "to", "message"),
    [
        (
            "scheduled",
            "completed",
            "A visit that is scheduled cannot become completed "
            "(next: arrived, canceled, confirmed, no-show).",
        ),
        (
            "arrived",
            "confirmed",
            "A visit that is arrived cannot become confirmed (next: in room).",
        ),
        ("completed", "arrived", "A visit that is completed cannot become arrived."),
        ("cancelled", "confirmed", "A visit that is canceled cannot become confirmed."),
        ("scheduled", "cancelled", "Canceling needs a reason: cancel the visit instead."),
        ("scheduled", "teleported", "'teleported' is not a status."),
    ],
)
def test_illegal_transitions_are_refused_and_change_nothing(
    frontdesk_fay, paula, dana, clinic, follow_up, visit_day, status, to, message
):
    appt = AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
        start=local(visit_day, 10), status=status,
    )  # fmt: skip
    before = audit_actions()
    with pytest.raises(ServiceError) as refused:
        appointment_transition(appointment=appt, to_status=to, by=frontdesk_fay)
    assert refused.value.messages == [message]
    appt.refresh_from_db()
    assert appt.status == status
    assert audit_actions() == before


def test_a_no_show_only_once_the_visit_was_due_and_it_frees_the_room(
    frontdesk_fay, practice, paula, dana, clinic, exam_room, visit_day
):
    procedure = AppointmentTypeFactory(
        practice=practice, providers=[dana], required_resources=[exam_room]
    )
    upcoming = book(paula, dana, clinic, procedure, local(visit_day, 10), frontdesk_fay)
    with pytest.raises(ServiceError) as refused:
        appointment_transition(appointment=upcoming, to_status="no_show", by=frontdesk_fay)
    assert refused.value.messages == [
        "A visit can be marked a no-show only once it was due to start."
    ]
    missed = AppointmentFactory(
        patient=paula, provider=dana, location=clinic, appointment_type=procedure,
        start=timezone.now() - timedelta(minutes=20),
    )  # fmt: skip
    hold(missed, exam_room)
    appointment_transition(appointment=missed, to_status="no_show", by=frontdesk_fay)
    assert missed.status == Status.NO_SHOW
    assert not AppointmentResource.objects.filter(appointment=missed, active=True).exists()


def test_a_room_from_another_location_is_refused(
    frontdesk_fay, practice, paula, dana, clinic, follow_up, visit_day
):
    elsewhere = RoomFactory(location=LocationFactory(practice=practice, name="North"), name="N1")
    appt = due_now(book(paula, dana, clinic, follow_up, local(visit_day, 10), frontdesk_fay))
    appointment_transition(appointment=appt, to_status="arrived", by=frontdesk_fay)
    with pytest.raises(ServiceError) as refused:
        appointment_transition(
            appointment=appt, to_status="in_room", by=frontdesk_fay, room=elsewhere
        )
    assert refused.value.messages == ["N1 is not a room in use at Main Street Clinic."]


# --- series ----------------------------------------------------------------------------------


def test_a_weekly_series_is_booked_whole(frontdesk_fay, paula, dana, clinic, follow_up, visit_day):
    series = series_book(
        patient=paula,
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        first_start=local(visit_day, 9),
        count=4,
        booked_by=frontdesk_fay,
    )
    starts = [a.start for a in series.appointments.order_by("start")]
    assert [s.astimezone(clinic_tz(clinic)).time() for s in starts] == [time(9)] * 4
    assert [(b.date() - a.date()).days for a, b in itertools.pairwise(starts)] == [7] * 3


def clinic_tz(clinic):  # type: ignore[no-untyped-def]
    from zoneinfo import ZoneInfo

    return ZoneInfo(clinic.time_zone)


def test_a_series_with_conflicts_reports_them_all_and_books_nothing(
    frontdesk_fay, paula, dana, clinic, follow_up, visit_day
):
    taken = [
        book(paula, dana, clinic, follow_up, local(visit_day + timedelta(weeks=w), 9), None)
        for w in (1, 3)
    ]
    AvailabilityExceptionFactory(
        provider=dana,
        kind=AvailabilityException.Kind.HOLIDAY,
        start=local(visit_day + timedelta(weeks=2), 0),
        end=local(visit_day + timedelta(weeks=2), 23),
    )
    before = (Appointment.objects.count(), audit_actions())
    with pytest.raises(SeriesRefused) as refused:
        series_book(
            patient=paula,
            provider=dana,
            location=clinic,
            appointment_type=follow_up,
            first_start=local(visit_day, 9),
            count=5,
            booked_by=frontdesk_fay,
        )
    problems = refused.value.problems
    assert [p.start for p in problems] == [
        local(visit_day + timedelta(weeks=w), 9) for w in (1, 2, 3)
    ]
    assert [p.conflict for p in problems] == [
        (taken[0].start, taken[0].end),
        None,
        (taken[1].start, taken[1].end),
    ]
    assert "Dr. Dana Dubois is not available" in problems[1].message
    assert refused.value.messages[0].startswith("Nothing was booked: 3 of the visits cannot be.")
    assert (Appointment.objects.count(), audit_actions()) == before


@pytest.mark.parametrize(("count", "interval"), [(0, 1), (53, 1), (2, 0), (2, 13)])
def test_series_limits(frontdesk_fay, paula, dana, clinic, follow_up, visit_day, count, interval):
    with pytest.raises(ServiceError):
        series_book(
            patient=paula,
            provider=dana,
            location=clinic,
            appointment_type=follow_up,
            first_start=local(visit_day, 9),
            count=count,
            interval_weeks=interval,
            booked_by=frontdesk_fay,
        )
    assert not Appointment.objects.exists()


# --- patient merge ---------------------------------------------------------------------------


def test_a_merge_moves_the_duplicates_appointments_and_waitlist_entries(
    admin_ada, frontdesk_fay, practice, paula, dana, clinic, follow_up, visit_day
):
    from praxis.patients.merge import patient_merge
    from praxis.scheduling import waitlist
    from praxis.scheduling.models import WaitlistEntry

    duplicate = make_patient(practice, "Paula", "Patel")
    appt = book(duplicate, dana, clinic, follow_up, local(visit_day, 10), frontdesk_fay)
    entry = waitlist.waitlist_entry_add(
        patient=duplicate,
        appointment_type=follow_up,
        earliest_date=visit_day,
        latest_date=visit_day,
        created_by=None,
    )
    patient_merge(keep=paula, duplicate=duplicate, merged_by=admin_ada)
    appt.refresh_from_db()
    assert appt.patient == paula
    assert WaitlistEntry.objects.get(pk=entry.pk).patient_id == paula.pk
    event = AuditEvent.objects.get(action="praxis.scheduling.appointment.moved_on_merge")
    assert event.patient_id == str(paula.pk)
    assert event.details == {
        "from_patient": duplicate.pk,
        "appointments": [appt.pk],
        "waitlist_entries": [entry.pk],
    }
    merged = AuditEvent.objects.get(action="praxis.patients.patient.merged")
    assert merged.details["moved"] == {
        "coverages": 0,
        "documents": 0,
        "appointments": 1,
        "waitlist_entries": 1,
        "encounters": 0,
        "open_items": 0,
        "journal_lines": 0,
        "collection_notes": 0,
        "payments": 0,
    }


def test_history_keeps_each_version(frontdesk_fay, paula, dana, clinic, follow_up, visit_day):
    appt = book(paula, dana, clinic, follow_up, local(visit_day, 10), frontdesk_fay)
    appointment_cancel(appointment=appt, reason="Changed plans", cancelled_by=None)
    assert [h.status for h in appt.history.order_by("history_date")] == ["scheduled", "cancelled"]


# --- new-patient visits ----------------------------------------------------------------------


@pytest.fixture
def new_patient_visit(practice, dana):  # type: ignore[no-untyped-def]
    return AppointmentTypeFactory(
        practice=practice,
        name="New patient visit",
        duration_minutes=40,
        providers=[dana],
        for_new_patients=True,
    )


def test_a_new_patient_visit_is_for_someone_not_seen_in_three_years(
    frontdesk_fay, paula, dana, clinic, follow_up, new_patient_visit, visit_day
):
    def seen(days_ago: int, status: str) -> Appointment:
        start = local(visit_day, 9) - timedelta(days=days_ago)
        return AppointmentFactory(
            patient=paula, provider=dana, location=clinic, appointment_type=follow_up,
            start=start, status=status,
        )  # fmt: skip

    # Booked, cancelled or missed visits do not make Paula established; nor does one > 3 years ago.
    seen(30, Status.CANCELLED)
    seen(60, Status.NO_SHOW)
    seen(3 * 365 + 5, Status.COMPLETED)
    first = book(paula, dana, clinic, new_patient_visit, local(visit_day, 10), frontdesk_fay)
    assert first.appointment_type == new_patient_visit

    # A completed visit 200 days ago does: the new-patient visit is refused, with the date.
    seen(200, Status.COMPLETED)
    before = Appointment.objects.count()
    with pytest.raises(ServiceError, match=r"is for new patients.*seen on"):
        book(paula, dana, clinic, new_patient_visit, local(visit_day, 14), frontdesk_fay)
    with pytest.raises(ServiceError, match="is for new patients"):
        series_book(
            patient=paula,
            provider=dana,
            location=clinic,
            appointment_type=new_patient_visit,
            first_start=local(visit_day, 14),
            count=2,
            booked_by=frontdesk_fay,
        )
    assert Appointment.objects.count() == before
    # An ordinary follow-up is still fine.
    book(paula, dana, clinic, follow_up, local(visit_day, 15), frontdesk_fay)


def test_a_home_visit_needs_the_patients_address(frontdesk_fay, paula, dana, clinic, visit_day):
    home = AppointmentTypeFactory(
        practice=dana.practice, name="Home visit", visit_mode="home_visit", providers=[dana]
    )
    assert paula.address_text == ""
    with pytest.raises(ServiceError, match="home visit: add the patient's street address"):
        book(paula, dana, clinic, home, local(visit_day, 10), frontdesk_fay)
    assert not Appointment.objects.exists()
    paula.address_line1, paula.city, paula.state = "2 Elm Street", "Burlington", "VT"
    paula.save()
    visit = book(paula, dana, clinic, home, local(visit_day, 10), frontdesk_fay)
    assert visit.appointment_type == home
