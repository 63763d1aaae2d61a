"""Dates and times read one way everywhere (core/datefmt.py, ``{% load when %}``): "Tue, Dec 1,
2026", "Dec 1, 2026", "12/01/2026" and "9:30 AM", or "09:30" for a practice that chose the 24-hour
clock. Ada the administrator makes that choice on the practice settings page; every page of the
practice follows it without a query per row, and machine formats (ISO 8601) never change."""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.urls import reverse
from django.utils import timezone

from praxis.core import datefmt
from praxis.core.models import Practice
from praxis.core.testing.assertions import page_text

NEW_YORK = ZoneInfo("America/New_York")
DEC_1 = date(2026, 12, 1)  # a Tuesday


# --- the named formats -------------------------------------------------------------------------


def test_a_day_reads_as_americans_write_it() -> None:
    assert datefmt.day(DEC_1) == "Tue, Dec 1, 2026"
    assert datefmt.date(DEC_1) == "Dec 1, 2026"
    assert datefmt.short(DEC_1) == "12/01/2026"
    assert datefmt.brief(DEC_1) == "Tue, Dec 1"
    assert datefmt.month_day(DEC_1) == "Dec 1"


def test_a_date_in_another_year_says_its_year() -> None:
    assert datefmt.day(date(1987, 7, 4)) == "Sat, Jul 4, 1987"
    assert datefmt.short(date(1987, 7, 4)) == "07/04/1987"
    assert datefmt.date(date(2031, 1, 31)) == "Jan 31, 2031"


@pytest.mark.parametrize(
    ("at", "twelve", "twenty_four"),
    [
        (time(9, 30), "9:30 AM", "09:30"),
        (time(0, 0), "12:00 AM", "00:00"),  # midnight
        (time(12, 0), "12:00 PM", "12:00"),  # noon
        (time(0, 5), "12:05 AM", "00:05"),
        (time(12, 59), "12:59 PM", "12:59"),
        (time(13, 5), "1:05 PM", "13:05"),
        (time(23, 59), "11:59 PM", "23:59"),
    ],
)
def test_times_on_either_clock(at: time, twelve: str, twenty_four: str) -> None:
    assert datefmt.time(at) == twelve
    assert datefmt.time(at, clock_24h=False) == twelve
    assert datefmt.time(at, clock_24h=True) == twenty_four
    with datefmt.clock(True):
        assert datefmt.time(at) == twenty_four
    assert datefmt.time(at) == twelve  # the block ends, the default is back


def test_a_moment_reads_on_the_clock_it_is_shown_on() -> None:
    instant = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)  # 9:30 AM in New York
    assert datefmt.datetime(instant, tz=NEW_YORK) == "Dec 1, 2026, 9:30 AM"
    assert datefmt.day_time(instant, tz=NEW_YORK) == "Tue, Dec 1, 2026, 9:30 AM"
    assert datefmt.day_time(instant, tz=NEW_YORK, with_zone=True) == "Tue, Dec 1, 2026, 9:30 AM EST"
    summer = datetime(2027, 6, 1, 13, 0, tzinfo=UTC)
    assert datefmt.datetime(summer, tz=NEW_YORK, with_zone=True) == "Jun 1, 2027, 9:00 AM EDT"
    assert datefmt.datetime(summer, tz=NEW_YORK, clock_24h=True) == "Jun 1, 2027, 09:00"
    # The day is the local one: 2:30 AM UTC on Dec 2 is still Dec 1 in New York.
    late = datetime(2026, 12, 2, 2, 30, tzinfo=UTC)
    assert datefmt.day(late, tz=NEW_YORK) == "Tue, Dec 1, 2026"
    assert datefmt.time_range(time(8), time(12)) == "8:00 AM\u201312:00 PM"


def test_the_practice_clock_choice_wraps_a_block() -> None:
    ours = Practice(clock_24h=True)
    with datefmt.clock_of(ours):
        assert datefmt.uses_24h() and datefmt.time(time(18, 0)) == "18:00"
    with datefmt.clock_of(None):
        assert not datefmt.uses_24h()


# --- the template filters ----------------------------------------------------------------------


def render(source: str, **context: object) -> str:
    return Template("{% load when %}" + source).render(Context(context))


def test_filters_show_database_times_on_the_pages_clock_and_nothing_as_nothing() -> None:
    instant = datetime(2026, 12, 1, 14, 30, tzinfo=UTC)
    with timezone.override(NEW_YORK):
        assert render("{{ t|when_time }}", t=instant) == "9:30 AM"
        assert render("{{ t|when_datetime }}", t=instant) == "Dec 1, 2026, 9:30 AM"
        assert render("{{ t|when_day }}", t=instant) == "Tue, Dec 1, 2026"
        assert render("{{ t|when_zone }}", t=instant) == "EST"
        assert render("{% zone_note t %}", t=instant) == "Times are EST (America/New York)."
        # A value the view already put on a location's clock keeps it.
        seattle = instant.astimezone(ZoneInfo("America/Los_Angeles"))
        assert render("{{ t|when_time }} {{ t|when_zone }}", t=seattle) == "6:30 AM PST"
        with datefmt.clock(True):
            assert render("{{ t|when_time }}", t=instant) == "09:30"
    assert render("{{ d|when_short }}", d=DEC_1) == "12/01/2026"
    assert render("{{ t|when_time }}", t=time(0, 0)) == "12:00 AM"
    assert render('{{ t|when_datetime|default:"never" }}', t=None) == "never"
    assert render("[{{ t|when_short }}]", t="") == "[]"


# --- pages follow the practice -----------------------------------------------------------------


def test_ada_chooses_the_24_hour_clock_and_pages_follow(client_for, admin_ada, practice) -> None:  # type: ignore[no-untyped-def]
    from django.forms.models import model_to_dict

    from praxis.core.forms import PracticeForm

    client = client_for(admin_ada)
    home = client.get(reverse("core:my_home"))
    assert datefmt.day(timezone.localdate(timezone=ZoneInfo(practice.time_zone))) in page_text(home)

    page = client.get(reverse("core:practice_settings"))
    assert "24-hour clock" in page_text(page)
    data = {k: v or "" for k, v in model_to_dict(practice, fields=PracticeForm.Meta.fields).items()}
    data["clock_24h"] = "on"
    saved = client.post(reverse("core:practice_settings"), data)
    assert saved.status_code == 302
    practice.refresh_from_db()
    assert practice.clock_24h is True

    api = client.get("/api/v1/practice")
    assert api.status_code == 200 and api.json()["clock_24h"] is True

    admin_ada.refresh_from_db()
    users = page_text(client.get(reverse("core:user_list")))
    last = timezone.localtime(admin_ada.last_login, ZoneInfo(practice.time_zone))
    assert datefmt.datetime(last, clock_24h=True) in users
    assert datefmt.datetime(last, clock_24h=False) not in users


def test_the_clock_is_chosen_through_the_api_by_who_may_manage_the_practice(  # type: ignore[no-untyped-def]
    client_for, admin_ada, frontdesk_fay, practice
) -> None:
    from praxis.core.testing.assertions import actions_since, audit_mark

    fay, ada = client_for(frontdesk_fay), client_for(admin_ada)
    mark = audit_mark()
    refused = fay.patch("/api/v1/practice", {"clock_24h": True}, content_type="application/json")
    assert refused.status_code == 403
    practice.refresh_from_db()
    assert practice.clock_24h is False

    changed = ada.patch("/api/v1/practice", {"clock_24h": True}, content_type="application/json")
    assert changed.status_code == 200 and changed.json()["clock_24h"] is True
    practice.refresh_from_db()
    assert practice.clock_24h is True
    assert "praxis.core.practice.updated" in actions_since(mark)
