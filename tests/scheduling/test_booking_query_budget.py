"""What one booking through the API costs in SQL, pinned so that a regression fails here rather
than in the booking_api benchmark. A Bearer-token booking needs: the token (with its user and
practice), the permissions (one query), the patient, location, provider and visit type, whether
the patient already has a visit of the type that day (the possible-duplicate warning), whether
the provider offers the type, the provider's state license on the day (the staff app's
selector; and the practice's warn-or-block setting when there is no license in force, as
here), the provider's hours that touch the visit (templates, then
exceptions), the resources the type needs, and inside the transaction the busy check, the
insert, its history row, and the audit event (one INSERT: the sealer chains it later, so no lock
and no read of the chain head). PostgreSQL adds the advisory locks (provider and resources) and
the savepoint that turns an exclusion violation into a 409. The answer lists the resources the
visit holds (one read), and it names the patient, so the response writes its PHI-read event
(one INSERT)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from praxis.core.audit_chain import verify_chain
from praxis.core.models import AuditEvent
from praxis.core.services import api_token_create
from praxis.scheduling.models import Appointment

from .conftest import local

pytestmark = pytest.mark.django_db

# The test runs inside a transaction, so the booking's own transaction is a savepoint here:
# +2 (SAVEPOINT, RELEASE) on both databases, where production has BEGIN and COMMIT.
BUDGET = {"sqlite": 21, "postgresql": 24}
# A type that needs a room: its busy check, the hold's insert, and (PostgreSQL) its lock.
EXTRA_FOR_A_ROOM = {"sqlite": 2, "postgresql": 3}


def book(client, patient, provider, location, appointment_type, start):  # type: ignore[no-untyped-def]
    body = {
        "patient": patient.pk,
        "provider": provider.pk,
        "location": location.pk,
        "type": appointment_type.pk,
        "start": start.isoformat(),
    }
    with CaptureQueriesContext(connection) as ctx:
        response = client.post(
            "/api/v1/scheduling/appointments",
            data=json.dumps(body),
            content_type="application/json",
        )
    assert response.status_code == 201, response.content
    return response, [q["sql"] for q in ctx.captured_queries]


@pytest.fixture
def script(manager_max):  # type: ignore[no-untyped-def]
    """An integration calling with a personal token: no session, no cookies."""
    secret = api_token_create(user=manager_max, name="front desk integration").secret
    return Client(enforce_csrf_checks=True, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_one_api_booking_stays_within_its_query_budget(
    script, paula, dana, clinic, follow_up, visit_day
):
    # Warm (the token's last use), on another day: a second Follow-up that day would be held
    # back as a possible duplicate.
    book(script, paula, dana, clinic, follow_up, local(visit_day - timedelta(days=1), 9))

    response, queries = book(script, paula, dana, clinic, follow_up, local(visit_day, 10))

    assert len(queries) <= BUDGET[connection.vendor], "\n".join(queries)
    assert sum("auth_permission" in q for q in queries) == 1
    assert response.json()["resources"] == []
    assert Appointment.objects.filter(provider=dana).count() == 2
    booked = AuditEvent.objects.filter(action="praxis.scheduling.appointment.booked")
    assert booked.count() == 2  # fewer statements, still every write audited
    assert verify_chain().ok


def test_a_booking_that_holds_a_room_costs_only_the_room(
    script, paula, dana, clinic, exam_room, follow_up, visit_day
):
    follow_up.required_resources.set([exam_room])
    book(script, paula, dana, clinic, follow_up, local(visit_day - timedelta(days=1), 9))

    response, queries = book(script, paula, dana, clinic, follow_up, local(visit_day, 10))

    budget = BUDGET[connection.vendor] + EXTRA_FOR_A_ROOM[connection.vendor]
    assert len(queries) <= budget, "\n".join(queries)
    assert response.json()["resources"] == [{"id": exam_room.pk, "name": "Exam 1"}]
