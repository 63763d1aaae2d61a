"""The practice's settings pages: its legal and billing identity (Administrator only), and its
locations and rooms (Administrator and Manager).

Bad input gets a clear error next to the field and loses nothing: the rows are compared before
and after, and the audit trail and record history are checked for stray writes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.forms.models import model_to_dict
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.core.forms import LocationForm, PracticeForm
from praxis.core.models import Location, Practice, Room
from praxis.core.testing.assertions import (
    actions_since,
    audit_mark,
    events_since,
    page_text,
    shows,
)
from praxis.core.testing.factories import LocationFactory, RoomFactory, valid_npi

LOCATION_MANAGERS = ["admin_ada", "manager_max"]


# --- helpers -----------------------------------------------------------------------------------


def practice_form_data(practice: Practice, **changes: str) -> dict[str, str]:
    data = {k: v or "" for k, v in model_to_dict(practice, fields=PracticeForm.Meta.fields).items()}
    data.update(changes)
    return data


def location_form_data(**changes: str) -> dict[str, str]:
    data = {
        "name": "Hill Road Clinic",
        "place_of_service": "11",
        "phone": "(802) 555-0142",
        "address_line1": "200 Hill Road",
        "address_line2": "",
        "city": "Montpelier",
        "state": "VT",
        "postal_code": "05602",
        "time_zone": "America/New_York",
        "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def row(instance) -> dict:  # type: ignore[no-untyped-def]
    return model_to_dict(type(instance).objects.get(pk=instance.pk))


HTMX = {"HX-Request": "true"}


# --- practice settings -------------------------------------------------------------------------


def test_ada_edits_the_practice_identity(admin_ada, practice, client_for):
    ada = client_for(admin_ada)
    history_before = practice.history.count()
    new_npi = valid_npi(4_242_424)
    mark = audit_mark()

    response = ada.post(
        reverse("core:practice_settings"),
        practice_form_data(
            practice,
            name="Riverbend Family Health",
            group_npi=new_npi,
            tin="987654321",
            phone="(802) 555-0199",
        ),
    )

    assert response.status_code == 302
    assert response.url == reverse("core:practice_settings")
    practice.refresh_from_db()
    assert practice.name == "Riverbend Family Health"
    assert practice.group_npi == new_npi
    assert practice.tin == "98-7654321"  # typed as nine digits, stored as NN-NNNNNNN
    assert practice.phone == "+18025550199"  # E.164
    [updated] = events_since(mark, "praxis.core.practice.updated")
    assert updated.actor == admin_ada
    assert updated.object_id == str(practice.pk)
    assert updated.details == {"fields": ["group_npi", "name", "phone", "tin"]}
    assert practice.history.count() == history_before + 1
    assert practice.history.first().name == "Riverbend Family Health"
    assert "Practice settings saved." in page_text(ada.get(response.url))


def test_saving_the_practice_unchanged_writes_no_audit_event(admin_ada, practice, client_for):
    ada = client_for(admin_ada)
    mark = audit_mark()
    # The stored forms (12-3456789, +18025550100) and the typed forms normalize to the same.
    response = ada.post(
        reverse("core:practice_settings"),
        practice_form_data(practice, tin="123456789", phone="802-555-0100"),
    )
    assert response.status_code == 302
    assert actions_since(mark) == []


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        pytest.param(
            "group_npi",
            "1234567890",
            "This NPI fails the check-digit test; please re-check each digit.",
            id="npi-check-digit",
        ),
        pytest.param("group_npi", "123456789", "An NPI is exactly 10 digits.", id="npi-9-digits"),
        pytest.param("group_npi", "", "This field is required.", id="npi-missing"),
        pytest.param(
            "tin", "00-1234567", "This EIN prefix is not issued by the IRS.", id="tin-prefix"
        ),
        pytest.param(
            "tin", "12-34567", "A TIN (EIN) is 9 digits, e.g. 12-3456789.", id="tin-short"
        ),
        pytest.param(
            "taxonomy_code",
            "207Q0000",
            "A taxonomy code has 10 characters and ends in X, e.g. 207Q00000X.",
            id="taxonomy",
        ),
        pytest.param("phone", "12345", "This is not a valid phone number.", id="phone"),
        pytest.param(
            "phone", "call me", "Enter a phone number such as (555) 201-3344.", id="phone-words"
        ),
        pytest.param(
            "postal_code", "5401", "A ZIP code is 5 digits or ZIP+4 (12345-6789).", id="zip"
        ),
        pytest.param(
            "time_zone",
            "Mars/Base",
            "Unknown time zone; use an IANA name such as America/New_York.",
            id="time-zone",
        ),
        pytest.param("state", "XX", "Select a valid choice.", id="state"),
    ],
)
def test_bad_practice_identity_is_refused_and_nothing_is_saved(
    admin_ada, practice, client_for, field, typed, message
):
    ada = client_for(admin_ada)
    before = row(practice)
    history_before = practice.history.count()
    mark = audit_mark()

    # Ada also changed the name: that must not be saved either.
    response = ada.post(
        reverse("core:practice_settings"),
        practice_form_data(practice, name="Half-saved name", **{field: typed}),
    )

    assert response.status_code == 400
    assert shows(response, message)
    assert f'id="id_{field}_error"' in page_text(response)  # shown next to the field
    assert 'value="Half-saved name"' in page_text(response)  # what she typed is kept
    assert row(practice) == before
    assert practice.history.count() == history_before
    assert actions_since(mark) == []


@pytest.mark.parametrize("who", ["manager_max", "frontdesk_fay"])
def test_only_the_administrator_edits_the_practice(practice, persona, client_for, who):
    before = row(practice)
    response = client_for(persona(who)).post(
        reverse("core:practice_settings"), practice_form_data(practice, name="Taken over")
    )
    assert response.status_code == 403
    assert row(practice) == before


# --- locations ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", LOCATION_MANAGERS)
def test_a_new_location_is_created(practice, persona, client_for, who):
    client = client_for(persona(who))
    form_page = client.get(reverse("core:location_new"))
    assert 'value="America/New_York"' in page_text(form_page)  # the practice's zone, prefilled
    mark = audit_mark()

    response = client.post(reverse("core:location_new"), location_form_data())

    assert response.status_code == 302
    location = Location.objects.get(practice=practice, name="Hill Road Clinic")
    assert response.url == reverse("core:location_edit", args=[location.pk])
    assert location.phone == "+18025550142"
    assert location.is_active
    assert actions_since(mark) == ["praxis.core.location.created"]
    assert location.history.count() == 1


def test_editing_a_location_audits_the_changed_fields(manager_max, location, client_for):
    max_ = client_for(manager_max)
    history_before = location.history.count()
    mark = audit_mark()

    response = max_.post(
        reverse("core:location_edit", args=[location.pk]),
        location_form_data(
            name="Main Street Clinic",
            address_line1="3 Main Street",
            time_zone="America/Chicago",
            is_active=None,
        ),
    )

    assert response.status_code == 302
    location.refresh_from_db()
    assert location.address_line1 == "3 Main Street"
    assert location.time_zone == "America/Chicago"
    assert not location.is_active
    [updated] = events_since(mark, "praxis.core.location.updated")
    assert updated.actor == manager_max
    assert set(updated.details["fields"]) >= {"address_line1", "time_zone", "is_active"}
    assert location.history.count() == history_before + 1


@pytest.mark.parametrize(
    ("field", "typed", "message"),
    [
        pytest.param("name", "", "This field is required.", id="no-name"),
        pytest.param(
            "postal_code", "5401", "A ZIP code is 5 digits or ZIP+4 (12345-6789).", id="zip"
        ),
        pytest.param("phone", "12345", "This is not a valid phone number.", id="phone"),
        pytest.param(
            "time_zone",
            "Mars/Base",
            "Unknown time zone; use an IANA name such as America/New_York.",
            id="time-zone",
        ),
        pytest.param("place_of_service", "99", "Select a valid choice.", id="place-of-service"),
    ],
)
def test_bad_location_input_is_refused_and_nothing_is_saved(
    manager_max, location, client_for, field, typed, message
):
    max_ = client_for(manager_max)
    before = row(location)
    locations_before = Location.objects.count()
    mark = audit_mark()

    created = max_.post(reverse("core:location_new"), location_form_data(**{field: typed}))
    edited = max_.post(
        reverse("core:location_edit", args=[location.pk]), location_form_data(**{field: typed})
    )

    for response in (created, edited):
        assert response.status_code == 400
        assert shows(response, message)
    assert Location.objects.count() == locations_before
    assert row(location) == before
    assert actions_since(mark) == []


@pytest.mark.parametrize("typed", ["Main Street Clinic", "MAIN STREET clinic"])
def test_a_second_location_with_the_same_name_is_refused(manager_max, location, client_for, typed):
    max_ = client_for(manager_max)
    locations_before = Location.objects.count()
    mark = audit_mark()

    response = max_.post(reverse("core:location_new"), location_form_data(name=typed))

    assert response.status_code == 400
    assert "already" in page_text(response)
    assert Location.objects.count() == locations_before
    assert actions_since(mark) == []


def test_renaming_a_location_onto_another_is_refused(manager_max, location, practice, client_for):
    other = LocationFactory(practice=practice, name="Hill Road Clinic")
    before = row(other)
    max_ = client_for(manager_max)
    mark = audit_mark()

    response = max_.post(
        reverse("core:location_edit", args=[other.pk]),
        location_form_data(name="main street clinic"),
    )

    assert response.status_code == 400
    assert "already" in page_text(response)
    assert row(other) == before
    assert actions_since(mark) == []


def test_the_same_location_name_is_fine_in_another_practice(
    manager_max, other_practice, client_for
):
    LocationFactory(practice=other_practice, name="Hill Road Clinic")
    response = client_for(manager_max).post(reverse("core:location_new"), location_form_data())
    assert response.status_code == 302


# --- rooms -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", LOCATION_MANAGERS)
def test_a_room_is_added_with_htmx_and_the_rooms_list_comes_back(
    location, persona, client_for, who
):
    client = client_for(persona(who))
    mark = audit_mark()

    response = client.post(
        reverse("core:room_add", args=[location.pk]), {"name": " Exam 2 "}, headers=HTMX
    )

    assert response.status_code == 200
    html = page_text(response)
    assert html.lstrip().startswith('<div id="rooms">')  # the partial, not a whole page
    assert "<html" not in html
    assert "Exam 1" in html and "Exam 2" in html
    room = Room.objects.get(location=location, name="Exam 2")  # stored trimmed
    [created] = events_since(mark, "praxis.core.room.created")
    assert created.object_id == str(room.pk)
    assert created.details == {"location": location.pk}


@pytest.mark.parametrize("typed", ["Exam 1", "exam 1", "  EXAM 1 "])
def test_a_duplicate_room_name_is_refused(manager_max, location, client_for, typed):
    client = client_for(manager_max)
    mark = audit_mark()

    response = client.post(
        reverse("core:room_add", args=[location.pk]), {"name": typed}, headers=HTMX
    )

    assert response.status_code == 400
    assert '<div id="rooms">' in page_text(response)
    assert shows(response, f"Main Street Clinic already has a room called {typed.strip()!r}.")
    assert Room.objects.filter(location=location).count() == 1
    assert actions_since(mark) == []


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("", "This field is required."),
        ("   ", "This field is required."),
        ("x" * 65, "Ensure this value has at most 64 characters"),
    ],
)
def test_a_room_needs_a_sensible_name(manager_max, location, client_for, typed, message):
    client = client_for(manager_max)
    mark = audit_mark()
    response = client.post(
        reverse("core:room_add", args=[location.pk]), {"name": typed}, headers=HTMX
    )
    assert response.status_code == 400
    assert shows(response, message)
    assert Room.objects.filter(location=location).count() == 1
    assert actions_since(mark) == []


def test_a_room_is_taken_out_of_use_and_back(manager_max, location, client_for):
    client = client_for(manager_max)
    room = location.rooms.get()
    url = reverse("core:room_toggle", args=[room.pk])
    mark = audit_mark()

    out_of_use = client.post(url, headers=HTMX)

    assert out_of_use.status_code == 200
    assert page_text(out_of_use).lstrip().startswith('<div id="rooms">')
    assert "out of use" in page_text(out_of_use)
    room.refresh_from_db()
    assert not room.is_active

    back = client.post(url, headers=HTMX)

    assert "Take out of use" in page_text(back)
    room.refresh_from_db()
    assert room.is_active
    assert actions_since(mark) == ["praxis.core.room.deactivated", "praxis.core.room.reactivated"]


def test_another_practices_locations_and_rooms_are_not_found(
    manager_max, other_practice, client_for
):
    theirs = LocationFactory(practice=other_practice, name="Elsewhere Downtown")
    their_room = RoomFactory(location=theirs, name="Procedure Room")
    before = (row(theirs), row(their_room))
    client = client_for(manager_max)
    mark = audit_mark()

    responses = [
        client.get(reverse("core:location_edit", args=[theirs.pk])),
        client.post(
            reverse("core:location_edit", args=[theirs.pk]), location_form_data(name="Hijacked")
        ),
        client.post(reverse("core:room_add", args=[theirs.pk]), {"name": "Closet"}, headers=HTMX),
        client.post(reverse("core:room_toggle", args=[their_room.pk]), headers=HTMX),
    ]

    for response in responses:
        assert response.status_code == 404
        assert "Elsewhere Downtown" not in page_text(response)
        assert "Procedure Room" not in page_text(response)
    assert (row(theirs), row(their_room)) == before
    assert Room.objects.filter(location=theirs).count() == 1
    assert actions_since(mark) == []
    assert "Elsewhere Downtown" not in page_text(client.get(reverse("core:location_list")))


def test_room_changes_are_posts_only(manager_max, location, client_for):
    client = client_for(manager_max)
    room = location.rooms.get()
    assert client.get(reverse("core:room_add", args=[location.pk])).status_code == 405
    assert client.get(reverse("core:room_toggle", args=[room.pk])).status_code == 405
    room.refresh_from_db()
    assert room.is_active


# --- the locations page ------------------------------------------------------------------------


def test_the_locations_page_counts_active_rooms(manager_max, location, client_for):
    RoomFactory(location=location, name="Exam 2")
    RoomFactory(location=location, name="Storage", is_active=False)
    LocationFactory(practice=location.practice, name="Old Annex", is_active=False)

    html = page_text(client_for(manager_max).get(reverse("core:location_list")))

    main_row = html[html.index("Main Street Clinic") :]
    main_row = main_row[: main_row.index("</tr>")]
    assert "<td>2</td>" in main_row
    assert "open" in main_row
    assert html.index("Main Street Clinic") < html.index("Old Annex")  # open ones first


def _queries_for_locations_page(client: Client) -> int:
    url = reverse("core:location_list")
    assert client.get(url).status_code == 200  # warm-up: session stamps, caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_locations_page_needs_the_same_few_queries_for_2_or_12_locations(
    manager_max, practice, client_for, django_assert_max_num_queries
):
    client = client_for(manager_max)

    def add_locations(count: int) -> None:
        for _ in range(count):
            loc = LocationFactory(practice=practice)
            RoomFactory(location=loc)
            RoomFactory(location=loc, is_active=False)

    add_locations(2)
    with_2 = _queries_for_locations_page(client)
    add_locations(10)
    assert Location.objects.filter(practice=practice).count() == 12
    with_12 = _queries_for_locations_page(client)

    assert with_12 == with_2
    with django_assert_max_num_queries(10):
        client.get(reverse("core:location_list"))


def test_the_forms_cover_what_the_pages_post():
    """The helpers above post every field the forms declare (so a new field is not missed)."""
    assert set(location_form_data()) == set(LocationForm.Meta.fields)
