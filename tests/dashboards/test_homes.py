"""The three home pages: what each shows, in which order, and that opening one costs the same
number of queries however many people, locations and rooms the practice has."""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from html import unescape

import pytest
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from praxis.core import audit
from praxis.core.models import DailyJobRun, Practice, User
from praxis.core.roles import ADMINISTRATOR, COMPLIANCE, FRONT_DESK, PROVIDER
from praxis.core.testing.factories import LocationFactory, RoomFactory, UserFactory

pytestmark = pytest.mark.django_db


def main_text(response) -> str:
    """The visible text of the page's <main>, whitespace collapsed."""
    html = response.content.decode().split('<main id="main"', 1)[1].split("</main>", 1)[0]
    text = re.sub(r"<[^>]+>", " ", html.split(">", 1)[1])
    return re.sub(r"\s+", " ", unescape(text)).strip()


@cache
def _a_password() -> str:
    return make_password("correct horse battery staple")  # hashed once: the hasher is slow


def add_staff(practice: Practice, n: int, *, start: int = 0) -> None:
    """n more people: front desk, providers and (device-less) administrators and compliance."""
    for i in range(start, start + n):
        role = [FRONT_DESK, PROVIDER, ADMINISTRATOR, COMPLIANCE][i % 4]
        user = UserFactory(
            email=f"staff{i}@example.org",
            full_name=f"Staff {i:02d}",
            practice=practice,
            roles=[role],
        )
        User.objects.filter(pk=user.pk).update(password=_a_password())  # not an invitation
        if role == ADMINISTRATOR and i % 8 == 2:
            TOTPDevice.objects.create(user=user, name="phone", confirmed=True)


def add_locations(practice: Practice, n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        location = LocationFactory(practice=practice, name=f"Office {i:02d}")
        for r in range(2):
            RoomFactory(location=location, name=f"Room {r}")


@pytest.fixture
def busy_practice(practice, admin_ada, manager_max):
    add_staff(practice, 8)
    add_locations(practice, 2)
    LocationFactory(practice=practice, name="Closed Office", is_active=False)
    UserFactory(email="invited@example.org", full_name="Ivy Invited", practice=practice)
    UserFactory(email="gone@example.org", full_name="Gus Gone", practice=practice, is_active=False)
    audit.record("praxis.auth.login.failed", details={"email": "x@example.org"})
    audit.record("praxis.auth.login.locked_out", details={"email": "x@example.org"})
    DailyJobRun.objects.create(
        job="audit_chain_verify",
        run_date=date(2026, 3, 5),
        claimed_by="test",
        outcome="ok",
        summary={"checked": 41, "ok": True, "problem": ""},
    )
    return practice


def quiet_operations(practice: Practice) -> tuple[str, str]:
    """The scheduling figures and utilization panel of a practice with no visits or hours
    (tests/dashboards/test_operations.py checks them on a real week)."""
    from praxis.scheduling.operations import operations

    ops = operations(practice)
    figures = (
        "Visits today 0 Visits this week 0 "
        "No-show rate, 30 days — 0 of 0 visits Late cancels, 30 days — 0 of 0 visits "
        f"On the waitlist 0 Ready for {ops.tomorrow:%a, %b} {ops.tomorrow.day} — 0 of 0 visits "
    )
    monday = ops.week[0]
    utilization = (
        f"Utilization, week of {monday:%b} {monday.day} Providers None set up yet. "
        "Rooms None set up yet. Hours and rooms are set up in Scheduling setup. "
    )
    return figures, utilization


class TestTheAdministratorHome:
    def test_shows_people_security_and_facility(self, client_for, admin_ada, busy_practice):
        text = main_text(client_for(admin_ada).get(reverse("dashboards:administrator")))
        figures, utilization = quiet_operations(busy_practice)
        assert text == (
            "Riverbend Family Medicine — Administrator "
            f"{figures}"
            "Active users 11 Manage users "
            "Invitations not yet accepted 1 "
            "Failed sign-ins (24 h) 1 1 lockout "
            "Locations · rooms 2 · 4 Locations "
            f"{utilization}"
            "Security "
            "3 users must set up two-step sign-in: Staff 03 , Staff 06 , Staff 07 "
            "Audit trail: 3 events in 24 h. Last chain check Mar 5: intact (41 events) "
            "Audit trail "
            "Staff by role "
            "Practice Administrator 3 Practice Manager 1 Front Desk 2 Biller/Coder 0 "
            "Provider 2 Clinical Staff 0 HR 0 Compliance Officer 2"
        )

    def test_links_each_person_who_lacks_two_step_sign_in(
        self, client_for, admin_ada, busy_practice
    ):
        html = client_for(admin_ada).get(reverse("dashboards:administrator")).content.decode()
        lacking = User.objects.get(email="staff3@example.org")
        assert f'href="{reverse("core:user_detail", args=[lacking.pk])}"' in html
        assert 'id="admin-figures"' in html

    def test_when_everyone_is_set_up_and_no_check_has_run(self, client_for, admin_ada):
        text = main_text(client_for(admin_ada).get(reverse("dashboards:administrator")))
        assert "Everyone whose role requires two-step sign-in has set it up." in text
        assert "The daily chain check has not run yet (it runs at 2:00 AM on a worker)." in text


class TestTheManagerHome:
    def test_shows_people_facility_and_background_work(
        self, client_for, manager_max, busy_practice
    ):
        text = main_text(client_for(manager_max).get(reverse("dashboards:manager")))
        figures, utilization = quiet_operations(busy_practice)
        assert text == (
            "Riverbend Family Medicine — Operations "
            f"{figures}"
            "Active staff accounts 11 "
            "Open locations 2 "
            "Rooms in use 4 "
            "Background jobs waiting · failed 0 · 0 "
            f"{utilization}"
            "Locations and rooms "
            "Location Rooms in use "
            "Office 00 2 Office 01 2 "
            "Team by role "
            "Practice Administrator 3 Practice Manager 1 Front Desk 2 Biller/Coder 0 "
            "Provider 2 Clinical Staff 0 HR 0 Compliance Officer 2 "
            "Daily jobs "
            "Mar 5 audit_chain_verify: ok"
        )

    def test_an_empty_practice(self, client_for, manager_max):
        html = client_for(manager_max).get(reverse("dashboards:manager")).content.decode()
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
        assert "No locations yet." in text and "No daily job has run yet." in text
        assert 'id="manager-figures"' in html


class TestMyWork:
    def test_shows_roles_and_recent_activity(self, client_for, frontdesk_fay):
        audit.record("praxis.patients.patient.registered", actor=frontdesk_fay)
        text = main_text(client_for(frontdesk_fay).get(reverse("core:my_home")))
        assert text.startswith("Hello, Fay Fischer ")
        assert "Today at the front desk" in text
        assert "Your recent activity" in text
        assert "You registered a patient" in text and "praxis." not in text
        assert text.endswith(
            "Your roles Front Desk Front Desk : Registers and schedules patients, checks them in."
        )

    def test_someone_with_no_role_sees_their_sign_in(self, client_for, outsider_otto):
        text = main_text(client_for(outsider_otto).get(reverse("core:my_home")))
        assert text.startswith("Hello, Otto Olsen ")
        assert "Your recent activity" in text and "You signed in" in text
        assert text.endswith("Your roles None yet — ask your Practice Administrator.")
        assert "Nothing yet." not in text


# --- query counts ------------------------------------------------------------------------------
# Each home is opened once with a small practice and once after it has grown: the number of
# queries must not change (no query per user, location or room).


@pytest.fixture(autouse=True)
def _session_seen_once(session_seen_once: None) -> None:
    """Every test here counts queries."""


HOMES = [
    ("admin_ada", "dashboards:administrator"),
    ("manager_max", "dashboards:manager"),
    ("frontdesk_fay", "core:my_home"),
    ("admin_ada", "core:my_home"),
]


def _queries_for(client, url_name: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse(url_name)).status_code == 200
    return len(captured)


@pytest.mark.parametrize(("who", "url_name"), HOMES)
def test_a_home_costs_the_same_queries_for_a_bigger_practice(
    persona, practice, client_for, who, url_name
):
    client = client_for(persona(who))
    add_staff(practice, 4)
    add_locations(practice, 1)
    client.get(reverse(url_name))  # warm the session and the permission cache alike
    small = _queries_for(client, url_name)
    add_staff(practice, 12, start=4)
    add_locations(practice, 6, start=1)
    assert _queries_for(client, url_name) == small


# The budgets: what each home costs today, so a new widget's queries show up in review.
BUDGETS = {
    # 15 for core's widgets (one for locked accounts; the Manager's home has no security
    # widget), 7 for scheduling's operations figures on a quiet week (their readiness, rates,
    # hours and holds; test_operations.py checks a busy week costs no more)
    ("admin_ada", "dashboards:administrator"): 22,
    ("manager_max", "dashboards:manager"): 21,
    # My work: 7, plus the day's widgets on a quiet day (today's visits, the freed times still
    # open, the rooming queue, whether the person is a provider); tests/dashboards/test_today.py
    # checks that a busy day costs no more.
    ("frontdesk_fay", "core:my_home"): 11,
    ("admin_ada", "core:my_home"): 11,
}


@pytest.mark.parametrize(("who", "url_name"), HOMES)
def test_each_home_stays_within_its_query_budget(
    persona, practice, client_for, django_assert_num_queries, who, url_name
):
    client = client_for(persona(who))
    add_staff(practice, 8)
    add_locations(practice, 3)
    client.get(reverse(url_name))  # the first request after signing in also saves the session
    with django_assert_num_queries(BUDGETS[(who, url_name)]):
        assert client.get(reverse(url_name)).status_code == 200
