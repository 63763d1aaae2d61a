"""The background worker runs what was queued in the database."""

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from praxis.core import services
from praxis.core.roles import FRONT_DESK

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}


@pytest.mark.django_db(transaction=True)
def test_an_invitation_queued_in_the_database_is_sent_by_the_worker(practice, admin_ada):
    from django_tasks_db.models import DBTaskResult

    with override_settings(TASKS=DB_TASKS):
        services.user_invite(
            practice=practice,
            email="new.person@example.org",
            full_name="New Person",
            roles=[FRONT_DESK],
            invited_by=admin_ada,
        )
        assert DBTaskResult.objects.filter(status="READY").count() == 1
        assert mail.outbox == []

        call_command("worker", "--batch", "--no-daily", verbosity=0)

    assert DBTaskResult.objects.filter(status="SUCCESSFUL").count() == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.person@example.org"]
    assert "/invitation/" in mail.outbox[0].body
