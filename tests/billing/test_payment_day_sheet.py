"""The day sheet the desk counts the drawer against, its CSV, and Max closing the day."""

from __future__ import annotations

import csv
import io
from decimal import Decimal

import pytest
from django.urls import reverse

from praxis.billing import payments
from praxis.billing.models import DayClose
from praxis.billing.today import practice_today
from praxis.core.testing.personas import make_persona

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def taken(paula, posted_visit, frontdesk_fay, biller_bo):  # type: ignore[no-untyped-def]
    posted_visit(paula)
    payments.payment_take(patient=paula, amount=D("40.00"), method="cash", by=frontdesk_fay)
    payments.payment_take(
        patient=paula, amount=D("120.00"), method="check", reference="77", by=biller_bo
    )
    payments.refund_take(patient=paula, amount=D("25.00"), method="cash", by=biller_bo)


def test_the_day_sheet_totals_by_method_and_person(
    client_for, taken, frontdesk_fay, django_assert_max_num_queries
):
    client = client_for(frontdesk_fay)
    with django_assert_max_num_queries(20):
        page = client.get(reverse("billing:day_sheet"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "$160.00" in text and "$25.00" in text and "$135.00" in text
    assert "Paula Price" in text
    assert "Close the day" not in text  # the desk counts; the Manager closes


def test_the_csv_lists_every_payment_and_refund(client_for, taken, frontdesk_fay):
    response = client_for(frontdesk_fay).get(reverse("billing:day_sheet_csv"))
    body = b"".join(response.streaming_content).decode()
    rows = list(csv.DictReader(io.StringIO(body)))
    assert [(r["kind"], r["amount"]) for r in rows] == [
        ("Payment", "40.00"),
        ("Payment", "120.00"),
        ("Refund", "25.00"),
    ]
    assert rows[1]["reference"] == "77"
    today = practice_today(frontdesk_fay.practice)
    assert response["Content-Disposition"] == f'attachment; filename="day-sheet-{today}.csv"'


def test_the_manager_closes_the_day_after_counting(client_for, taken, manager_max, practice):
    client = client_for(manager_max)
    today = practice_today(practice)
    page = client.get(reverse("billing:day_sheet"))
    assert "Close the day" in page.content.decode()
    unticked = client.post(reverse("billing:day_close"), {"day": today.isoformat()})
    assert unticked.status_code == 302
    assert not DayClose.objects.exists()
    done = client.post(reverse("billing:day_close"), {"day": today.isoformat(), "counted": "on"})
    assert done.status_code == 302
    closed = DayClose.objects.get()
    assert (closed.payments_count, closed.payments_total, closed.refunds_total) == (
        3,
        D("160.00"),
        D("25.00"),
    )
    after = client.get(done["Location"]).content.decode()
    assert "Nothing more can be posted into this day" in after


def test_a_bad_day_shows_today(client_for, frontdesk_fay):
    page = client_for(frontdesk_fay).get(reverse("billing:day_sheet"), {"day": "yesterday"})
    assert page.status_code == 200


@pytest.mark.parametrize(
    ("name", "sheet", "close"),
    [
        ("admin_ada", 200, 302),
        ("manager_max", 200, 302),
        ("frontdesk_fay", 200, 403),
        ("biller_bo", 200, 403),
        ("dr_dana", 403, 403),
        ("hr_hana", 403, 403),
    ],
)
def test_who_may_see_and_close_a_day(client_for, practice, name, sheet, close):
    client = client_for(make_persona(name, practice))
    assert client.get(reverse("billing:day_sheet")).status_code == sheet
    assert client.get(reverse("billing:day_sheet_csv")).status_code == sheet
    today = practice_today(practice).isoformat()
    response = client.post(reverse("billing:day_close"), {"day": today, "counted": "on"})
    assert response.status_code == close
