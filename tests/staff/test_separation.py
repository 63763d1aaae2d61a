"""Separation ends access at once (or after the last day, by the daily job): sign-in fails, an
open session is refused on its next request, API tokens fail; the record says so, audited."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse

from praxis.core import services
from praxis.core.service_support import ServiceError
from praxis.core.testing.assertions import actions_since, audit_mark, page_text
from praxis.core.testing.personas import PASSWORD
from praxis.staff.models import Separation
from praxis.staff.separations import practice_today, separation_record, separations_apply_due

pytestmark = pytest.mark.django_db


def signed_in_browser(email: str) -> Client:
    browser = Client()
    response = browser.post(reverse("core:login"), {"username": email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_a_termination_effective_now_ends_every_way_in(client_for, hr_hana, frontdesk_fay):
    from praxis.staff.testing.factories import StaffMemberFactory

    fay = StaffMemberFactory(
        practice=frontdesk_fay.practice, user=frontdesk_fay, full_name="Fay Fischer"
    )
    cleo, cleo_user = fay, frontdesk_fay
    browser = signed_in_browser(cleo_user.email)
    assert browser.get(reverse("core:my_home")).status_code == 200
    token = services.api_token_create(user=cleo_user, name="laptop").secret
    hana = client_for(hr_hana)
    mark = audit_mark()

    response = hana.post(
        reverse("staff:separate", args=[cleo.pk]),
        {
            "kind": "termination",
            "reason": "Repeated no-shows",
            "last_day": practice_today(cleo.practice).isoformat(),
            "when": "now",
            "offboarding_notes": "Badge returned",
        },
    )

    assert response.status_code == 302, page_text(response)
    cleo.refresh_from_db()
    assert cleo.status == "separated"
    refused = browser.get(reverse("core:my_home"))
    assert refused.status_code == 302 and refused.url.startswith(reverse("core:login"))
    api = Client(HTTP_AUTHORIZATION=f"Bearer {token}").get("/api/v1/staff/members")
    assert api.status_code == 401
    login = Client().post(
        reverse("core:login"), {"username": cleo_user.email, "password": PASSWORD}
    )
    assert login.status_code == 200  # the form again, with the refusal
    assert actions_since(mark) == [
        "praxis.staff.separation.recorded",
        "praxis.core.user.deactivated",
        "praxis.staff.separation.applied",
        "praxis.auth.login.failed",
    ]
    text = page_text(hana.get(reverse("staff:member", args=[cleo.pk])))
    assert "Repeated no-shows" in text and "Access ended" in text


def test_a_resignation_ends_access_after_the_last_day(hr_hana, cleo):
    today = practice_today(cleo.practice)
    separation_record(
        member=cleo,
        kind="resignation",
        reason="Moving away",
        last_day=today + timedelta(days=3),
        immediately=False,
        offboarding_notes="",
        recorded_by=hr_hana,
    )
    assert separations_apply_due() == 0  # still working
    cleo.user.refresh_from_db()
    assert cleo.user.is_active
    from datetime import datetime
    from zoneinfo import ZoneInfo

    later = datetime.now(ZoneInfo("UTC")) + timedelta(days=4)
    assert separations_apply_due(now=later) == 1
    assert separations_apply_due(now=later) == 0  # safe to run twice
    cleo.user.refresh_from_db()
    cleo.refresh_from_db()
    assert not cleo.user.is_active and cleo.status == "separated"


@pytest.mark.parametrize(
    ("last_day", "message"),
    [(date(2020, 1, 1), "The last day is before the hire date.")],
)
def test_dates_out_of_order_are_refused(client_for, hr_hana, cleo, last_day, message):
    response = client_for(hr_hana).post(
        reverse("staff:separate", args=[cleo.pk]),
        {"kind": "resignation", "reason": "x", "last_day": last_day.isoformat(), "when": "now"},
    )
    assert response.status_code == 400
    assert message in page_text(response)
    assert not Separation.objects.exists()
    cleo.user.refresh_from_db()
    assert cleo.user.is_active


def test_nobody_separates_themselves_or_twice(hr_hana, cleo, practice):
    from praxis.staff.testing.factories import StaffMemberFactory

    hana_record = StaffMemberFactory(practice=practice, user=hr_hana)
    today = practice_today(practice)
    args = {"kind": "resignation", "reason": "x", "last_day": today, "offboarding_notes": ""}
    with pytest.raises(ServiceError, match="your own separation"):
        separation_record(member=hana_record, immediately=True, recorded_by=hr_hana, **args)
    separation_record(member=cleo, immediately=False, recorded_by=hr_hana, **args)
    with pytest.raises(ServiceError, match="already pending"):
        separation_record(member=cleo, immediately=True, recorded_by=hr_hana, **args)


def test_the_api_records_a_separation(client_for, manager_max, cleo):
    body = {"kind": "resignation", "reason": "New job", "last_day": "2026-12-31"}
    response = client_for(manager_max).post(
        f"/api/v1/staff/members/{cleo.pk}/separation",
        data=json.dumps(body),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["effective_on"] == "2027-01-01"
    assert response.json()["applied"] is False
