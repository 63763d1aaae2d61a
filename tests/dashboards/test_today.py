""" "My work" is each person's day: the front desk's arrivals, check-in queue and gaps, the
clinical team's rooming queue, a provider's own day and week. The clock is fixed at 10:00 in
the practice's time zone (New York) so that "due within the hour" and "waiting 25 minutes" do
not depend on when the suite runs."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse

from praxis.core.models import AuditEvent
from praxis.patients.testing.factories import ConsentFormFactory, CoverageFactory, PatientFactory
from praxis.scheduling import today
from praxis.scheduling.models import Appointment, WaitlistEntry, WaitlistOpening
from praxis.scheduling.testing import AppointmentTypeFactory, ProviderFactory

from .test_homes import main_text

pytestmark = pytest.mark.django_db
NEW_YORK = ZoneInfo("America/New_York")
DAY = datetime.now(NEW_YORK).date()
NOW = datetime.combine(DAY, time(10), tzinfo=NEW_YORK)


def at(hour: int, minute: int = 0, day: date = DAY) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture(autouse=True)
def ten_oclock(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr(today, "timezone", SimpleNamespace(now=lambda: NOW))


@pytest.fixture
def cast(practice, location, dr_dana):  # type: ignore[no-untyped-def]
    dana = ProviderFactory(practice=practice, user=dr_dana, display_name="Dr. Dana Dubois")
    lee = ProviderFactory(practice=practice, display_name="Dr. Lee Park")
    visit = AppointmentTypeFactory(
        practice=practice, name="Follow-up", duration_minutes=30, providers=[dana, lee]
    )
    return SimpleNamespace(practice=practice, clinic=location, dana=dana, lee=lee, visit=visit)


def visit(cast, who, start, status=Appointment.Status.SCHEDULED, **extra):  # type: ignore[no-untyped-def]
    patient = who if not isinstance(who, str) else _patient(cast, who)
    return Appointment.objects.create(
        practice=cast.practice,
        patient=patient,
        provider=extra.pop("provider", cast.dana),
        location=cast.clinic,
        appointment_type=cast.visit,
        start=start,
        end=start + timedelta(minutes=30),
        status=status,
        **extra,
    )


def _patient(cast, name):  # type: ignore[no-untyped-def]
    first, last = name.split()
    patient = PatientFactory(practice=cast.practice, legal_first_name=first, legal_last_name=last)
    return patient


def covered_and_consented(patient) -> None:  # type: ignore[no-untyped-def]
    CoverageFactory(patient=patient)
    ConsentFormFactory(patient=patient)


class TestTheFrontDeskDay:
    def test_arrivals_queue_and_gaps(self, cast):
        early = visit(cast, "Ann Early", at(9, 30))  # late: still to check in
        soon = visit(cast, "Bob Soon", at(10, 45))  # due within the hour
        visit(cast, "Cy Later", at(15))  # not yet
        arrived = visit(cast, "Di Here", at(9), Appointment.Status.ARRIVED, checked_in_at=at(9, 5))
        visit(cast, "Ed Gone", at(11), Appointment.Status.CANCELLED)
        visit(cast, "Flo Tomorrow", at(10, day=DAY + timedelta(days=1)))
        covered_and_consented(early.patient)
        CoverageFactory(patient=soon.patient)  # no consent form

        day = today.desk_day(cast.practice)

        assert [a.patient.legal_first_name for a in day.visits] == ["Di", "Ann", "Bob", "Cy"]
        assert day.to_check_in == [early, soon]
        gaps = {g.appointment.patient.legal_first_name: g.missing for g in day.gaps}
        assert gaps == {"Bob": ("consent form",), "Cy": ("coverage", "consent form")}
        assert day.by_status["arrived"] == 1 and arrived in day.visits

    def test_freed_times_today_with_patients_waiting(self, cast, frontdesk_fay):
        freed = visit(cast, "Gil Cancelled", at(14), Appointment.Status.CANCELLED)
        WaitlistOpening.objects.create(
            practice=cast.practice,
            cancelled_appointment=freed,
            provider=cast.dana,
            location=cast.clinic,
            appointment_type=cast.visit,
            start=freed.start,
            end=freed.end,
        )
        WaitlistEntry.objects.create(
            practice=cast.practice,
            patient=_patient(cast, "Hal Waiting"),
            appointment_type=cast.visit,
            earliest_date=DAY,
            latest_date=DAY + timedelta(days=7),
            created_by=frontdesk_fay,
        )

        [opening] = today.desk_day(cast.practice).openings

        assert opening.opening.start == at(14) and opening.waiting == 1

    def test_the_page_shows_it_and_names_the_patients_in_one_event(
        self, cast, client_for, frontdesk_fay
    ):
        visit(cast, "Ann Early", at(10, 30))
        before = AuditEvent.objects.count()

        response = client_for(frontdesk_fay).get(reverse("core:my_home"))

        text = main_text(response)
        assert "Today at the front desk" in text and "Check-in queue" in text
        assert "10:30 AM Ann Early Follow-up with Dr. Dana Dubois Check in" in text
        assert "Rooming queue" in text  # the desk checks people in and sees who waits
        assert "Your day" not in text
        read = AuditEvent.objects.filter(pk__gt=before, action="praxis.phi.read").get()
        ann = Appointment.objects.get().patient_id
        assert "front desk today" in read.details["what"]
        assert read.details["patient_ids"] == [ann]


class TestTheRoomingQueue:
    def test_longest_wait_first_and_rooms(self, cast, location):
        room = location.rooms.get()
        visit(cast, "Ann Short", at(9, 30), Appointment.Status.ARRIVED, checked_in_at=at(9, 50))
        visit(cast, "Bob Long", at(9), Appointment.Status.ARRIVED, checked_in_at=at(9, 35))
        visit(
            cast,
            "Cy Roomed",
            at(9),
            Appointment.Status.IN_ROOM,
            room=room,
            roomed_at=at(9, 40),
            provider=cast.lee,
        )
        visit(cast, "Di Done", at(8), Appointment.Status.COMPLETED)

        queue = today.rooming_queue(cast.practice)

        assert [(w.appointment.patient.legal_first_name, w.minutes) for w in queue.arrived] == [
            ("Bob", 25),
            ("Ann", 10),
        ]
        assert [(w.appointment.room, w.minutes) for w in queue.in_room] == [(room, 20)]

    def test_clinical_staff_see_it_and_not_the_desk(self, cast, client_for, clinical_cleo):
        visit(cast, "Bob Long", at(9), Appointment.Status.ARRIVED, checked_in_at=at(9, 35))
        text = main_text(client_for(clinical_cleo).get(reverse("core:my_home")))
        assert "Rooming queue" in text and "Bob Long" in text and "waiting 25 min" in text
        assert "Today at the front desk" not in text


class TestAProvidersDay:
    def test_own_visits_waiting_and_week(self, cast):
        mine = visit(cast, "Ann Mine", at(11))
        here = visit(cast, "Bob Here", at(9, 30), Appointment.Status.ARRIVED)
        visit(cast, "Cy Other", at(11), provider=cast.lee)
        visit(cast, "Di Gone", at(12), Appointment.Status.CANCELLED)
        monday = DAY - timedelta(days=DAY.weekday())
        other_day = monday if monday != DAY else monday + timedelta(days=1)
        visit(cast, "Ed Week", at(9, day=other_day))

        day = today.provider_day(cast.dana)

        assert day.visits == [here, mine] and day.waiting == [here]
        week = dict(day.week)
        assert list(week) == [monday + timedelta(days=k) for k in range(7)]
        assert week[DAY] == 2 and week[other_day] == 1 and sum(week.values()) == 3

    def test_the_provider_sees_their_day_and_others_see_none(
        self, cast, client_for, dr_dana, biller_bo
    ):
        visit(cast, "Ann Mine", at(11))
        text = main_text(client_for(dr_dana).get(reverse("core:my_home")))
        assert "Your day, Dr. Dana Dubois" in text and "11:00 AM Ann Mine Follow-up" in text
        biller = main_text(client_for(biller_bo).get(reverse("core:my_home")))
        assert "Your day" not in biller and "Ann Mine" not in biller
        assert "Rooming queue" not in biller and "front desk" not in biller


@pytest.mark.usefixtures("session_seen_once")
@pytest.mark.parametrize("who", ["frontdesk_fay", "clinical_cleo", "dr_dana", "manager_max"])
def test_my_work_costs_the_same_queries_on_a_busier_day(cast, request, client_for, who):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(request.getfixturevalue(who))

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("core:my_home")).status_code == 200
        return len(captured)

    visit(cast, "Ann One", at(10, 30))  # one of each kind, then many more
    visit(cast, "Bo One", at(9), Appointment.Status.ARRIVED, provider=cast.lee)
    client.get(reverse("core:my_home"))
    few = queries()
    for k in range(8):
        status = [Appointment.Status.SCHEDULED, Appointment.Status.ARRIVED][k % 2]
        provider = [cast.dana, cast.lee][k % 3 % 2]
        visit(cast, f"Pat Many{k}", at(11 + k % 5, 30 * (k % 2)), status, provider=provider)
    assert queries() == few
