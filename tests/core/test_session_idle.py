"""Automatic logoff (HIPAA 164.312(a)(2)(iii)): a page refreshing itself in the background is
not a person at the keyboard, so it must not keep an idle session alive."""

from __future__ import annotations

import re
import time

import pytest
from django.test import Client
from django.urls import reverse

from praxis.core.middleware import BACKGROUND_HEADER, SESSION_AUTH_AT, SESSION_SEEN_AT
from praxis.core.models import AuditEvent
from praxis.core.testing.factories import LocationFactory
from praxis.core.testing.personas import PASSWORD

pytestmark = pytest.mark.django_db

CALENDAR = reverse("scheduling:calendar")
HTMX = {"HX-Request": "true"}
BACKGROUND = {**HTMX, BACKGROUND_HEADER: "1"}


def signed_in(user) -> Client:  # type: ignore[no-untyped-def]
    client = Client()
    client.post(reverse("core:login"), {"username": user.email, "password": PASSWORD})
    return client


def last_active(client: Client, *, minutes_ago: float) -> None:
    session = client.session
    now = time.time()
    session[SESSION_AUTH_AT] = now - 60 * 60
    session[SESSION_SEEN_AT] = now - minutes_ago * 60
    session.save()


def seen_at(client: Client) -> float:
    return float(client.session[SESSION_SEEN_AT])


def test_the_calendars_own_refresh_marks_itself_as_background(frontdesk_fay, practice):
    location = LocationFactory(practice=practice)
    page = signed_in(frontdesk_fay).get(CALENDAR, {"location": location.pk}).content.decode()
    [poller] = re.findall(r"<[^>]*hx-trigger=\"every [^>]*>", page)
    assert f'hx-headers=\'{{"{BACKGROUND_HEADER}": "1"}}\'' in poller
    # Clicks inside the calendar are the person's own: they do not inherit the mark.
    assert 'hx-disinherit="hx-headers"' in poller


def test_background_refreshes_do_not_move_the_idle_clock(frontdesk_fay):
    client = signed_in(frontdesk_fay)
    last_active(client, minutes_ago=10)
    before = seen_at(client)
    for _ in range(3):
        assert client.get(reverse("core:my_home"), headers=BACKGROUND).status_code == 200
    assert seen_at(client) == before


def test_a_background_refresh_past_the_idle_limit_signs_out(frontdesk_fay):
    client = signed_in(frontdesk_fay)
    last_active(client, minutes_ago=10)
    client.get(reverse("core:my_home"), headers=BACKGROUND)  # at 10 minutes: still signed in
    last_active(client, minutes_ago=16)  # nobody touched the page since

    response = client.get(reverse("core:my_home"), headers=BACKGROUND)

    assert response.status_code == 204
    assert response["HX-Redirect"] == reverse("core:login")
    assert "_auth_user_id" not in client.session
    event = AuditEvent.objects.get(action="praxis.auth.session.expired")
    assert event.details == {"reason": "idle"}


def test_an_open_calendar_alone_is_signed_out_after_the_idle_limit(frontdesk_fay, practice):
    location = LocationFactory(practice=practice)
    client = signed_in(frontdesk_fay)
    last_active(client, minutes_ago=0)
    # Eight two-minute refreshes make sixteen idle minutes.
    for minutes in range(2, 17, 2):
        session = client.session
        session[SESSION_SEEN_AT] = seen_at(client) - 120
        session.save()
        response = client.get(CALENDAR, {"location": location.pk}, headers=BACKGROUND)
        if minutes <= 14:
            assert response.status_code == 200, minutes
    assert response.status_code == 204
    assert "_auth_user_id" not in client.session


def test_a_click_made_with_htmx_is_activity(frontdesk_fay):
    client = signed_in(frontdesk_fay)
    last_active(client, minutes_ago=10)
    before = seen_at(client)
    assert client.get(reverse("core:my_home"), headers=HTMX).status_code == 200
    assert seen_at(client) > before + 5 * 60
