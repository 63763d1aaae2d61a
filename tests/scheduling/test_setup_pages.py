"""The scheduling set-up pages: the Practice Manager adds a provider, a visit type and weekly
hours, and the front desk can then find slots; bad input is refused with a message and writes
nothing; nobody else reaches the pages."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.core import datefmt
from praxis.core.testing.assertions import actions_since, audit_mark, shows
from praxis.core.testing.factories import LocationFactory, valid_npi
from praxis.scheduling.models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Provider,
    Resource,
)
from praxis.scheduling.slots import slot_search
from praxis.scheduling.testing import (
    AppointmentTypeFactory,
    AvailabilityTemplateFactory,
    ProviderFactory,
)

from .conftest import local

pytestmark = pytest.mark.django_db

GOOD_NPI = valid_npi(4242)
BAD_NPI = GOOD_NPI[:-1] + str((int(GOOD_NPI[-1]) + 1) % 10)


def spring_forward_sunday(after: date) -> date:
    """The next second Sunday of March (US clocks go forward at 02:00) after a date."""
    year = after.year if after < date(after.year, 3, 1) else after.year + 1
    first = date(year, 3, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7)


def counts() -> tuple[int, ...]:
    return tuple(
        m.objects.count()
        for m in (Provider, AppointmentType, AvailabilityTemplate, AvailabilityException, Resource)
    )


@pytest.fixture
def manager(client_for, manager_max):  # type: ignore[no-untyped-def]
    return client_for(manager_max)


@pytest.fixture
def kim(practice):  # type: ignore[no-untyped-def]
    return ProviderFactory(practice=practice, display_name="Dr. Kim Novak")


def hours_post(location, day: int, start: str, end: str, **extra):  # type: ignore[no-untyped-def]
    return {
        "weekday": day,
        "start_time": start,
        "end_time": end,
        "location": location.pk,
        "effective_from": "2020-01-01",
        "effective_to": "",
        **extra,
    }


class TestTheManagerSetsUpTheSchedule:
    def test_provider_type_and_hours_make_slots(
        self, manager, manager_max, practice, clinic, visit_day
    ):
        mark = audit_mark()
        response = manager.post(
            reverse("scheduling:provider_new"),
            {
                "display_name": "Dr. Ana Ortiz",
                "npi": GOOD_NPI,
                "taxonomy_code": "207Q00000X",
                "credentials": "MD",
                "colour": "#336699",
                "is_active": "on",
                "user": "",
            },
        )
        ortiz = Provider.objects.get(practice=practice, display_name="Dr. Ana Ortiz")
        assert response.status_code == 302
        assert response["Location"] == reverse("scheduling:provider_edit", args=[ortiz.pk])
        assert ortiz.npi == GOOD_NPI and ortiz.user is None

        response = manager.post(
            reverse("scheduling:appointment_type_new"),
            {
                "name": "Annual physical",
                "duration_minutes": 40,
                "colour": "#5a8f3d",
                "visit_mode": "in_office",
                "providers": [ortiz.pk],
                "for_new_patients": "on",
                "is_active": "on",
            },
        )
        assert response.status_code == 302, response.content
        physical = AppointmentType.objects.get(practice=practice, name="Annual physical")
        assert list(physical.providers.all()) == [ortiz] and physical.for_new_patients

        response = manager.post(
            reverse("scheduling:hours_add", args=[ortiz.pk]),
            hours_post(clinic, visit_day.weekday(), "09:00", "12:00"),
        )
        assert response.status_code == 302

        slots = slot_search(appointment_type=physical, start_date=visit_day, end_date=visit_day)
        assert [s.start for s in slots[:3]] == [
            local(visit_day, 9),
            local(visit_day, 9, 15),
            local(visit_day, 9, 30),
        ]
        assert slots[-1].start == local(visit_day, 11, 15)  # 40 minutes still fit before noon
        assert actions_since(mark) == [
            "praxis.scheduling.provider.created",
            "praxis.scheduling.appointment_type.created",
            "praxis.scheduling.availability_template.created",
        ]

        overview = manager.get(reverse("scheduling:setup"))
        assert overview.status_code == 200
        for text in (
            "Dr. Ana Ortiz",
            GOOD_NPI,
            "Annual physical",
            "40 min",
            "9:00 AM\N{EN DASH}12:00 PM",
        ):
            assert text in overview.content.decode()

    def test_editing_a_provider_and_a_type_is_audited(
        self, manager, practice, kim, dr_dana, clinic
    ):
        mark = audit_mark()
        response = manager.post(
            reverse("scheduling:provider_edit", args=[kim.pk]),
            {
                "display_name": "Dr. Kim Novak",
                "npi": kim.npi,
                "taxonomy_code": "",
                "credentials": "DO",
                "colour": "#2f6fb0",
                "user": dr_dana.pk,
            },
        )
        assert response.status_code == 302
        kim.refresh_from_db()
        assert kim.credentials == "DO" and kim.user == dr_dana and not kim.is_active
        room = Resource.objects.create(
            location=clinic, kind="room", name="Exam 1", room=clinic.rooms.get()
        )
        visit = AppointmentType.objects.create(practice=practice, name="Visit", duration_minutes=20)
        response = manager.post(
            reverse("scheduling:appointment_type_edit", args=[visit.pk]),
            {
                "name": "Visit",
                "duration_minutes": 25,
                "colour": "#5a8f3d",
                "visit_mode": "telehealth",
                "providers": [kim.pk],
                "required_resources": [room.pk],
                "is_active": "on",
            },
        )
        assert response.status_code == 302
        visit.refresh_from_db()
        assert visit.duration_minutes == 25 and visit.visit_mode == "telehealth"
        assert list(visit.required_resources.all()) == [room]
        assert actions_since(mark) == [
            "praxis.scheduling.provider.updated",
            "praxis.scheduling.appointment_type.updated",
        ]

    def test_a_room_resource_and_a_piece_of_equipment(self, manager, clinic):
        exam = clinic.rooms.get(name="Exam 1")
        response = manager.post(
            reverse("scheduling:resource_new"),
            {"location": clinic.pk, "kind": "room", "room": exam.pk, "name": ""},
        )
        assert response.status_code == 302
        response = manager.post(
            reverse("scheduling:resource_new"),
            {"location": clinic.pk, "kind": "equipment", "room": "", "name": "ECG cart"},
        )
        assert response.status_code == 302
        assert sorted(Resource.objects.values_list("name", "kind", "room")) == [
            ("ECG cart", "equipment", None),
            ("Exam 1", "room", exam.pk),
        ]

    def test_removing_hours_and_time_off(self, manager, kim, clinic):
        template = AvailabilityTemplateFactory(provider=kim, location=clinic)
        mark = audit_mark()
        response = manager.post(reverse("scheduling:hours_delete", args=[template.pk]))
        assert response.status_code == 302
        assert not AvailabilityTemplate.objects.exists()
        assert actions_since(mark) == ["praxis.scheduling.availability_template.deleted"]

    def test_time_off_is_typed_in_local_time(self, manager, kim, clinic, visit_day):
        response = manager.post(
            reverse("scheduling:exception_add", args=[kim.pk]),
            {
                "kind": "time_off",
                "location": clinic.pk,
                "start_date": visit_day.isoformat(),
                "start_time": "13:00",
                "end_date": visit_day.isoformat(),
                "end_time": "17:30",
                "note": "Conference",
            },
        )
        assert response.status_code == 302
        exception = AvailabilityException.objects.get(provider=kim)
        assert exception.start == local(visit_day, 13) and exception.end == local(visit_day, 17, 30)
        page = manager.get(reverse("scheduling:provider_edit", args=[kim.pk]))
        assert "Conference" in page.content.decode()
        mark = audit_mark()
        response = manager.post(reverse("scheduling:exception_delete", args=[exception.pk]))
        assert response.status_code == 302 and not AvailabilityException.objects.exists()
        assert actions_since(mark) == ["praxis.scheduling.availability_exception.deleted"]


class TestBadInputIsRefusedAndWritesNothing:
    def refused(self, response, message: str) -> None:  # type: ignore[no-untyped-def]
        assert response.status_code == 400
        assert shows(response, message), response.content.decode()[:3000]

    def test_an_npi_with_a_wrong_check_digit(self, manager):
        before, mark = counts(), audit_mark()
        response = manager.post(
            reverse("scheduling:provider_new"),
            {"display_name": "Dr. Typo", "npi": BAD_NPI, "colour": "#336699", "is_active": "on"},
        )
        self.refused(response, "This NPI fails the check-digit test; please re-check each digit.")
        assert counts() == before and actions_since(mark) == []

    def test_a_second_provider_with_the_same_npi(self, manager, kim):
        before = counts()
        response = manager.post(
            reverse("scheduling:provider_new"),
            {"display_name": "Dr. Twin", "npi": kim.npi, "colour": "#336699"},
        )
        assert response.status_code == 400 and counts() == before

    def test_hours_that_end_before_they_start(self, manager, kim, clinic):
        before, mark = counts(), audit_mark()
        response = manager.post(
            reverse("scheduling:hours_add", args=[kim.pk]), hours_post(clinic, 0, "17:00", "09:00")
        )
        self.refused(response, "The hours must end after they start.")
        assert counts() == before and actions_since(mark) == []

    def test_overlapping_hours(self, manager, kim, clinic, practice):
        AvailabilityTemplateFactory(
            provider=kim, location=clinic, weekday=2, start_time=time(8), end_time=time(12)
        )
        elsewhere = LocationFactory(practice=practice, name="Uptown")
        before, mark = counts(), audit_mark()
        response = manager.post(
            reverse("scheduling:hours_add", args=[kim.pk]),
            hours_post(elsewhere, 2, "11:00", "15:00"),
        )
        self.refused(
            response,
            "These hours overlap Dr. Kim Novak's Wednesday hours 8:00 AM\N{EN DASH}12:00 PM",
        )
        assert counts() == before and actions_since(mark) == []

    def test_back_to_back_hours_and_other_dates_do_not_overlap(self, manager, kim, clinic):
        AvailabilityTemplateFactory(
            provider=kim,
            location=clinic,
            weekday=2,
            start_time=time(8),
            end_time=time(12),
            effective_to=date(2024, 12, 31),
        )
        for hours in (
            hours_post(clinic, 2, "12:00", "15:00"),
            hours_post(clinic, 2, "08:00", "12:00", effective_from="2025-01-01"),
        ):
            response = manager.post(reverse("scheduling:hours_add", args=[kim.pk]), hours)
            assert response.status_code == 302
        assert AvailabilityTemplate.objects.filter(provider=kim).count() == 3

    def test_a_time_the_clocks_skip(self, manager, kim, clinic):
        gap_day = spring_forward_sunday(date.today())
        before, mark = counts(), audit_mark()
        response = manager.post(
            reverse("scheduling:exception_add", args=[kim.pk]),
            {
                "kind": "time_off",
                "location": clinic.pk,
                "start_date": gap_day.isoformat(),
                "start_time": "02:30",
                "end_date": gap_day.isoformat(),
                "end_time": "06:00",
            },
        )
        self.refused(
            response, f"2:30 AM does not exist on {datefmt.date(gap_day)} in America/New_York"
        )
        assert counts() == before and actions_since(mark) == []

    def test_an_extra_session_needs_a_location(self, manager, kim, visit_day):
        before = counts()
        response = manager.post(
            reverse("scheduling:exception_add", args=[kim.pk]),
            {
                "kind": "extra_session",
                "location": "",
                "start_date": visit_day.isoformat(),
                "start_time": "18:00",
                "end_date": visit_day.isoformat(),
                "end_time": "20:00",
            },
        )
        self.refused(response, "An extra session happens at a location: choose one.")
        assert counts() == before

    def test_a_type_offered_by_another_practices_provider(self, manager, other_practice):
        theirs = ProviderFactory(practice=other_practice)
        before = counts()
        response = manager.post(
            reverse("scheduling:appointment_type_new"),
            {"name": "Sneaky", "duration_minutes": 30, "colour": "#5a8f3d",
             "visit_mode": "in_office", "providers": [theirs.pk]},
        )  # fmt: skip
        assert response.status_code == 400 and counts() == before

    def test_another_practices_provider_is_not_found(self, manager, other_practice, clinic):
        theirs = ProviderFactory(practice=other_practice)
        template = AvailabilityTemplateFactory(
            provider=theirs, location=LocationFactory(practice=other_practice)
        )
        before, mark = counts(), audit_mark()
        assert manager.get(reverse("scheduling:provider_edit", args=[theirs.pk])).status_code == 404
        hours = hours_post(clinic, 0, "09:00", "10:00")
        for url, data in (
            (reverse("scheduling:provider_edit", args=[theirs.pk]), {"display_name": "Mine"}),
            (reverse("scheduling:hours_add", args=[theirs.pk]), hours),
            (reverse("scheduling:hours_delete", args=[template.pk]), {}),
        ):
            assert manager.post(url, data).status_code == 404
        assert counts() == before and actions_since(mark) == []


class TestOnlyTheManagerSetsUp:
    def test_the_front_desk_is_refused(self, client_for, frontdesk_fay, kim, clinic):
        client = client_for(frontdesk_fay)
        before = counts()
        assert client.get(reverse("scheduling:setup")).status_code == 403
        assert client.get(reverse("scheduling:provider_edit", args=[kim.pk])).status_code == 403
        response = client.post(
            reverse("scheduling:hours_add", args=[kim.pk]), hours_post(clinic, 0, "09:00", "10:00")
        )
        assert response.status_code == 403 and counts() == before

    def test_only_the_manager_sees_the_link(self, client_for, manager_max, frontdesk_fay):
        link = f'href="{reverse("scheduling:setup")}"'
        assert link in client_for(manager_max).get(reverse("core:my_home")).content.decode()
        assert link not in client_for(frontdesk_fay).get(reverse("core:my_home")).content.decode()


def test_the_overview_reads_a_fixed_number_of_queries(manager, practice, clinic):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager.get(reverse("scheduling:setup")).status_code == 200
        return len(captured)

    def add_provider(weekday: int) -> None:
        provider = ProviderFactory(practice=practice)
        AvailabilityTemplateFactory(provider=provider, location=clinic, weekday=weekday)
        AppointmentTypeFactory(practice=practice, providers=[provider])

    add_provider(0)
    few = queries()
    for n in range(1, 6):
        add_provider(n)
    assert queries() == few
