"""Pay is for the Administrator and HR only: the Manager and the front desk get 403 on every
pay page and operation, never see pay on a member's page, and no API answer they get carries
it. Pay is compared with the position's yearly benchmark."""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import page_text
from praxis.staff.models import Compensation
from praxis.staff.people import compensation_add
from praxis.staff.selectors import pay_position

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(cleo, hr_hana, assistant_position):  # type: ignore[no-untyped-def]
    assistant_position.salary_benchmark = Decimal("42000.00")
    assistant_position.save()
    compensation_add(
        member=cleo,
        values={"pay_type": "hourly", "rate": Decimal("21.40"), "effective_from": date(2024, 1, 1)},
        recorded_by=hr_hana,
    )
    return cleo


@pytest.mark.parametrize("name", ["admin_ada", "hr_hana"])
def test_the_administrator_and_hr_see_pay_against_the_benchmark(client_for, request, paid, name):
    user = request.getfixturevalue(name)
    text = page_text(client_for(user).get(reverse("staff:member", args=[paid.pk])))
    assert "$21.40 an hour" in text
    assert "$44,512.00 a year at 1.00 FTE" in text  # 21.40 x 2080
    assert "Pay is <strong>106%</strong> of it." in text


@pytest.mark.parametrize("name", ["manager_max", "frontdesk_fay"])
def test_pay_is_invisible_and_refused_to_the_manager_and_front_desk(
    client_for, persona, paid, name
):
    client = client_for(persona(name))
    page = client.get(reverse("staff:member", args=[paid.pk]))
    if page.status_code == 200:  # the Manager sees the record, without pay
        html = page_text(page)
        assert 'id="pay"' not in html and "$21.40" not in html and "a year" not in html
    else:
        assert page.status_code == 403
    post = client.post(
        reverse("staff:pay_add", args=[paid.pk]),
        {"pay_type": "hourly", "rate": "30", "effective_from": "2026-01-01"},
    )
    assert post.status_code == 403
    assert client.get(reverse("staff:positions")).status_code == 403
    api = f"/api/v1/staff/members/{paid.pk}"
    assert client.get(api + "/pay").status_code == 403
    for url in (api, "/api/v1/staff/members"):
        response = client.get(url)
        assert "21.4" not in response.content.decode()
        assert "rate" not in response.content.decode() and "pay" not in response.content.decode()
    assert Compensation.objects.count() == 1


def test_the_api_gives_hr_the_pay_history(client_for, hr_hana, paid):
    response = client_for(hr_hana).get(f"/api/v1/staff/members/{paid.pk}/pay")
    assert response.status_code == 200
    assert response.json()[0]["rate"] == "21.40"


def test_a_second_pay_change_on_one_day_is_refused(paid, hr_hana):
    with pytest.raises(ServiceError, match="already a pay change on this date"):
        compensation_add(
            member=paid,
            values={
                "pay_type": "hourly",
                "rate": Decimal("22"),
                "effective_from": date(2024, 1, 1),
            },
            recorded_by=hr_hana,
        )
    assert Compensation.objects.count() == 1


def test_a_bad_rate_is_refused_on_the_page(client_for, hr_hana, cleo):
    response = client_for(hr_hana).post(
        reverse("staff:pay_add", args=[cleo.pk]),
        {"pay_type": "hourly", "rate": "twenty", "effective_from": "2026-01-01"},
    )
    assert response.status_code == 400
    assert "is not an amount of money" in page_text(response)
    assert not Compensation.objects.exists()


@pytest.mark.parametrize(
    ("pay_type", "rate", "fte", "yearly", "percent"),
    [
        ("salary", "78929.00", "1.00", "78929.00", 100),
        ("salary", "65917.00", "1.00", "65917.00", 84),
        ("hourly", "20.00", "0.50", "20800.00", 26),
    ],
)
def test_pay_against_the_benchmark(cleo, assistant_position, pay_type, rate, fte, yearly, percent):
    assistant_position.salary_benchmark = Decimal("78929.00")
    cleo.fte = Decimal(fte)
    pay = Compensation(pay_type=pay_type, rate=Decimal(rate), effective_from=date(2025, 1, 1))
    position = pay_position(cleo, [pay], date(2026, 1, 1))
    assert (position.yearly, position.percent_of_benchmark) == (Decimal(yearly), percent)


def test_json_body_for_pay_is_checked(client_for, hr_hana, cleo):
    response = client_for(hr_hana).post(
        f"/api/v1/staff/members/{cleo.pk}/pay",
        data=json.dumps({"pay_type": "weekly", "rate": "10", "effective_from": "2026-01-01"}),
        content_type="application/json",
    )
    assert response.status_code == 422
    assert not Compensation.objects.exists()
