"""The waitlist: when Paula cancels her 10:00 with Dr. Dana, the front desk sees who on the
waitlist fits the freed half hour, oldest first, and books one of them with a click. Nobody is
booked without that click."""

from __future__ import annotations

from datetime import time, timedelta

from praxis.core.models import AuditEvent
from praxis.scheduling import waitlist
from praxis.scheduling.booking import appointment_book
from praxis.scheduling.models import Appointment, WaitlistEntry
from praxis.scheduling.testing import AppointmentTypeFactory

from .conftest import local, make_patient


def _entry(practice, name, appointment_type, day, *, minutes_ago, **extra):  # type: ignore[no-untyped-def]
    patient = make_patient(practice, name, "Waiting")
    entry = waitlist.waitlist_entry_add(
        patient=patient,
        appointment_type=appointment_type,
        earliest_date=extra.pop("earliest_date", day - timedelta(days=3)),
        latest_date=extra.pop("latest_date", day + timedelta(days=3)),
        created_by=None,
        **extra,
    )
    WaitlistEntry.objects.filter(pk=entry.pk).update(
        created_at=entry.created_at - timedelta(minutes=minutes_ago)
    )
    return entry


def test_a_cancellation_opens_the_slot_and_books_nobody(freed_ten, practice, follow_up, visit_day):
    _entry(practice, "Olive", follow_up, visit_day, minutes_ago=60)
    assert freed_ten.status == "open"
    assert freed_ten.start == local(visit_day, 10)
    assert not Appointment.objects.filter(status__in=["scheduled", "confirmed"]).exists()
    assert WaitlistEntry.objects.get().status == "waiting"


def test_matches_fit_the_slot_oldest_first(
    freed_ten, practice, dana, lee, clinic, follow_up, visit_day
):
    long_visit = AppointmentTypeFactory(
        practice=practice, name="Physical", duration_minutes=60, providers=[dana]
    )
    short_visit = AppointmentTypeFactory(
        practice=practice, name="BP check", duration_minutes=15, providers=[dana]
    )
    lee_only = AppointmentTypeFactory(
        practice=practice, name="Lee's visit", duration_minutes=15, providers=[lee]
    )
    e = {
        "newest_any": _entry(practice, "Nora", follow_up, visit_day, minutes_ago=10),
        "oldest_dana": _entry(
            practice, "Olive", follow_up, visit_day, minutes_ago=500, provider=dana
        ),
        "lee_wanted": _entry(practice, "Lena", follow_up, visit_day, minutes_ago=400, provider=lee),
        "too_long": _entry(practice, "Tom", long_visit, visit_day, minutes_ago=300),
        "shorter_fits": _entry(practice, "Sam", short_visit, visit_day, minutes_ago=200),
        "wrong_provider_type": _entry(practice, "Wes", lee_only, visit_day, minutes_ago=190),
        "afternoons": _entry(
            practice, "Ann", follow_up, visit_day, minutes_ago=100, earliest_time=time(13)
        ),
        "mornings": _entry(
            practice,
            "Mia",
            follow_up,
            visit_day,
            minutes_ago=90,
            earliest_time=time(8),
            latest_time=time(10, 30),
        ),
        "ends_too_late": _entry(
            practice, "Ed", follow_up, visit_day, minutes_ago=80, latest_time=time(10, 15)
        ),
        "later_dates": _entry(
            practice,
            "Lou",
            follow_up,
            visit_day,
            minutes_ago=70,
            earliest_date=visit_day + timedelta(days=1),
        ),
        "at_the_clinic": _entry(
            practice, "Cal", follow_up, visit_day, minutes_ago=60, location=clinic
        ),
    }
    found = waitlist.matches_for(freed_ten, limit=10)
    assert [m.pk for m in found] == [
        e[k].pk for k in ("oldest_dana", "shorter_fits", "mornings", "at_the_clinic", "newest_any")
    ]
    assert [m.pk for m in waitlist.matches_for(freed_ten, limit=2)] == [
        e["oldest_dana"].pk,
        e["shorter_fits"].pk,
    ]


def test_the_cancelling_patient_and_removed_entries_are_not_offered(
    freed_ten, practice, paula, follow_up, visit_day, frontdesk_fay
):
    waitlist.waitlist_entry_add(
        patient=paula,
        appointment_type=follow_up,
        earliest_date=visit_day,
        latest_date=visit_day,
        created_by=None,
    )
    gone = _entry(practice, "Gus", follow_up, visit_day, minutes_ago=5)
    waitlist.waitlist_entry_remove(entry=gone, removed_by=frontdesk_fay)
    assert waitlist.matches_for(freed_ten) == []


def test_the_front_desk_books_the_slot_from_the_page(
    freed_ten, practice, follow_up, visit_day, client_for, frontdesk_fay
):
    olive = _entry(practice, "Olive", follow_up, visit_day, minutes_ago=60)
    client = client_for(frontdesk_fay)
    page = client.get("/scheduling/waitlist/")
    assert page.status_code == 200
    assert b"Olive Waiting" in page.content and b"Book this slot" in page.content
    response = client.post(
        f"/scheduling/waitlist/openings/{freed_ten.pk}/book/", {"entry": olive.pk}
    )
    olive.refresh_from_db()
    freed_ten.refresh_from_db()
    assert olive.status == "booked" and freed_ten.status == "filled"
    visit = olive.booked_appointment
    assert visit is not None and response["Location"] == f"/scheduling/appointments/{visit.pk}/"
    assert (visit.patient_id, visit.start, visit.status) == (
        olive.patient_id,
        local(visit_day, 10),
        "scheduled",
    )
    assert visit.booked_by == frontdesk_fay
    assert AuditEvent.objects.filter(action="praxis.scheduling.waitlist_entry.booked").exists()
    # booking it twice is refused
    again = _entry(practice, "Nora", follow_up, visit_day, minutes_ago=1)
    client.post(f"/scheduling/waitlist/openings/{freed_ten.pk}/book/", {"entry": again.pk})
    again.refresh_from_db()
    assert again.status == "waiting"


def test_a_slot_taken_meanwhile_is_refused_cleanly(
    freed_ten, practice, follow_up, visit_day, dana, clinic, client_for, frontdesk_fay
):
    olive = _entry(practice, "Olive", follow_up, visit_day, minutes_ago=60)
    appointment_book(
        patient=make_patient(practice, "Walk", "In"),
        provider=dana,
        location=clinic,
        appointment_type=follow_up,
        start=local(visit_day, 10),
        booked_by=None,
    )
    client = client_for(frontdesk_fay)
    response = client.post(
        f"/scheduling/waitlist/openings/{freed_ten.pk}/book/", {"entry": olive.pk}, follow=True
    )
    assert b"already booked" in response.content
    olive.refresh_from_db()
    assert olive.status == "waiting"


def test_adding_and_removing_entries_on_the_page(
    practice, paula, follow_up, visit_day, client_for, frontdesk_fay
):
    client = client_for(frontdesk_fay)
    form = {
        "mrn": paula.mrn,
        "appointment_type": follow_up.pk,
        "earliest_date": visit_day.isoformat(),
        "latest_date": visit_day.isoformat(),
        "note": "Any morning",
    }
    assert client.post("/scheduling/waitlist/add/", form).status_code == 302
    entry = WaitlistEntry.objects.get()
    assert (entry.patient, entry.created_by, entry.note) == (paula, frontdesk_fay, "Any morning")
    bad = client.post(
        "/scheduling/waitlist/add/",
        {**form, "latest_date": (visit_day - timedelta(days=1)).isoformat()},
    )
    assert bad.status_code == 400 and b"before the first date" in bad.content
    unknown = client.post("/scheduling/waitlist/add/", {**form, "mrn": "000000"})
    assert unknown.status_code == 400 and b"No patient has this MRN" in unknown.content
    assert WaitlistEntry.objects.count() == 1
    client.post(f"/scheduling/waitlist/{entry.pk}/remove/")
    entry.refresh_from_db()
    assert entry.status == "removed"


def test_another_practices_entries_are_404(other_practice, client_for, frontdesk_fay):
    from praxis.scheduling.testing import AppointmentTypeFactory as Types

    stranger = make_patient(other_practice, "Olga", "Other")
    entry = waitlist.waitlist_entry_add(
        patient=stranger,
        appointment_type=Types(practice=other_practice),
        earliest_date=local_today(),
        latest_date=local_today(),
        created_by=None,
    )
    assert (
        client_for(frontdesk_fay).post(f"/scheduling/waitlist/{entry.pk}/remove/").status_code
        == 404
    )


def local_today():  # type: ignore[no-untyped-def]
    from django.utils import timezone

    return timezone.localdate()
