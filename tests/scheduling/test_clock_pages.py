"""Max the manager prints the ready-for-tomorrow board: times read "8:30 AM", the day "Tue, Dec 8,
2026", and the time zone is named once above the table, not on every row. When Ada switches the
practice to the 24-hour clock, the same board, the visit's page and the calendar read "08:30"
and "13:15", with no extra query per row."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from praxis.core import datefmt
from praxis.core.testing.assertions import page_text

from .conftest import book, local, make_patient

pytestmark = pytest.mark.django_db


def test_the_board_and_the_visit_follow_the_practices_clock(  # type: ignore[no-untyped-def]
    client_for, manager_max, practice, paula, dana, clinic, follow_up
):
    from praxis.scheduling.selectors import next_business_day

    day = next_business_day(practice=practice)
    early = book(paula, dana, clinic, follow_up, local(day, 8, 30))
    book(make_patient(practice, "Lou", "Late"), dana, clinic, follow_up, local(day, 13, 15))
    client = client_for(manager_max)

    board = page_text(client.get(reverse("scheduling:board"), {"date": day.isoformat()}))
    assert f"Ready for {datefmt.day(day)}" in board
    assert "8:30 AM" in board and "1:15 PM" in board and "08:30" not in board
    zone = local(day, 8, 30).tzname()
    assert board.count(f"Times are {zone}") == 1 and f"AM {zone}" not in board

    visit = page_text(client.get(reverse("scheduling:appointment", args=[early.pk])))
    assert f"{datefmt.day(day)}, 8:30 AM\N{EN DASH}" in visit

    practice.clock_24h = True
    practice.save(update_fields=["clock_24h"])
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(reverse("scheduling:board"), {"date": day.isoformat()})
    board = page_text(response)
    assert "08:30" in board and "13:15" in board and " AM" not in board and " PM" not in board
    queries_24h = len(ctx.captured_queries)

    calendar = page_text(
        client.get(reverse("scheduling:calendar"), {"location": clinic.pk, "date": day.isoformat()})
    )
    assert "08:30" in calendar and "1:15 PM" not in calendar

    # A third visit adds no query: the clock comes from the request, not from each row.
    book(make_patient(practice, "Mo", "More"), dana, clinic, follow_up, local(day, 15))
    with CaptureQueriesContext(connection) as ctx:
        client.get(reverse("scheduling:board"), {"date": day.isoformat()})
    assert len(ctx.captured_queries) == queries_24h
