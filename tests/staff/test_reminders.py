"""Expiry reminders: 90, 60 and 30 days before, to the holder and the Administrators, once per
threshold however many times the daily job runs."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core import mail

from praxis.core.daily import REGISTRY, run_due_jobs
from praxis.staff.models import CredentialReminder
from praxis.staff.reminders import credential_reminders_send
from praxis.staff.testing.factories import CredentialFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 7)


@pytest.mark.parametrize(
    ("days_left", "threshold"), [(90, 90), (75, 90), (60, 60), (45, 60), (30, 30), (1, 30), (0, 30)]
)
def test_the_nearest_threshold_is_sent_once(
    cleo, admin_ada, days_left, threshold, django_capture_on_commit_callbacks
):
    CredentialFactory(staff=cleo, kind="cpr_bls", state="", expires_on=TODAY + timedelta(days_left))
    with django_capture_on_commit_callbacks(execute=True):
        assert credential_reminders_send(today=TODAY) == {"reminders_sent": 1}
        assert credential_reminders_send(today=TODAY) == {"reminders_sent": 0}  # a second run
    assert len(mail.outbox) == 1
    assert set(mail.outbox[0].to) == {cleo.user.email, admin_ada.email}
    assert f"expires in {days_left} days" in mail.outbox[0].subject
    assert CredentialReminder.objects.get().days_before == threshold


def test_nothing_is_sent_beyond_ninety_days_or_after_expiry(cleo, admin_ada):
    CredentialFactory(staff=cleo, kind="cpr_bls", state="", expires_on=TODAY + timedelta(91))
    CredentialFactory(staff=cleo, kind="ache", state="", expires_on=TODAY - timedelta(1))
    assert credential_reminders_send(today=TODAY) == {"reminders_sent": 0}


def test_each_threshold_once_as_the_days_go_by(cleo, admin_ada, django_capture_on_commit_callbacks):
    CredentialFactory(staff=cleo, kind="cpr_bls", state="", expires_on=TODAY + timedelta(95))
    with django_capture_on_commit_callbacks(execute=True):
        for day in range(96):
            credential_reminders_send(today=TODAY + timedelta(day))
            credential_reminders_send(today=TODAY + timedelta(day))
    assert sorted(CredentialReminder.objects.values_list("days_before", flat=True)) == [30, 60, 90]
    assert len(mail.outbox) == 3


def test_the_daily_job_is_registered_and_runs_once_a_day(
    cleo, admin_ada, django_capture_on_commit_callbacks
):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    CredentialFactory(staff=cleo, kind="cpr_bls", state="", expires_on=date.today() + timedelta(30))
    jobs = {"staff_credential_reminders": REGISTRY["staff_credential_reminders"]}
    noon = datetime.now(ZoneInfo("UTC")).replace(hour=18)
    with django_capture_on_commit_callbacks(execute=True):
        assert run_due_jobs(now=noon, jobs=jobs) == ["staff_credential_reminders"]
        assert run_due_jobs(now=noon, jobs=jobs) == []
    assert len(mail.outbox) == 1
