"""Two Administrators remove each other's role at the same moment: one must stay."""

import threading

import pytest
from django.db import connection

from praxis.core import services
from praxis.core.roles import ADMINISTRATOR, MANAGER
from praxis.core.service_support import ServiceError
from praxis.core.testing.factories import UserFactory


@pytest.mark.django_db(transaction=True)
def test_two_administrators_demoting_each_other_leave_one(practice):
    ada = UserFactory(practice=practice, roles=[ADMINISTRATOR])
    bea = UserFactory(practice=practice, roles=[ADMINISTRATOR])
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def demote(subject, by):  # type: ignore[no-untyped-def]
        try:
            barrier.wait()
            services.user_update(
                user=subject, full_name=subject.full_name, roles=[MANAGER], changed_by=by
            )
            outcomes.append("demoted")
        except ServiceError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=demote, args=(ada, bea)),
        threading.Thread(target=demote, args=(bea, ada)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert sorted(outcomes) == ["demoted", "refused"]
    remaining = practice.users.filter(groups__name=ADMINISTRATOR.label, is_active=True).count()
    assert remaining == 1
