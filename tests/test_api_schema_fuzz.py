"""The API against its own OpenAPI schema, in process (Schemathesis over the WSGI app): every
operation, with a token of every role that may hold one, on cases generated from the schema.

It fails on a 5xx, on an answer the schema does not list (status, content type or body), and on
an invalid request that was accepted. Generation is derandomized and bounded so that a run is
the same each time and stays well inside the suite's time budget on both databases."""

from __future__ import annotations

import itertools
import re
import uuid
from collections.abc import Iterator
from datetime import time, timedelta

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings

from praxis.core import services
from praxis.core.models import Practice
from praxis.core.roles import permissions_for
from praxis.core.testing.factories import LocationFactory, PracticeFactory, RoomFactory
from praxis.core.testing.personas import PERSONAS, make_persona
from praxis.patients.testing.factories import CoverageFactory, PatientFactory, PayerFactory
from praxis.scheduling.testing import (
    AppointmentFactory,
    AppointmentTypeFactory,
    ProviderFactory,
    ResourceFactory,
    weekly_hours,
)

# The roles that may hold a token (the matrix says so: core.use_api), taking the cases in turn.
API_PERSONAS = [
    name for name, (_, role) in PERSONAS.items() if role and "core.use_api" in permissions_for(role)
]
# About 50 s on SQLite on a 2-core machine; more examples find more, at a linear cost.
EXAMPLES = 100
_turns = itertools.cycle(API_PERSONAS)

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# No NUL characters: the schema cannot say that text may not hold one, and the API refuses it
# for every operation alike (tests/core/test_api_errors.py).
schema.config.generation.update(
    modes=["positive", "negative"], max_examples=EXAMPLES, deterministic=True, allow_x00=False
)
schema.config.phases.update(phases=["examples", "coverage", "fuzzing"])
# A request the schema allows may still be refused by a business rule (400: a time in the past),
# name nothing in the practice (404), or clash with a booking (409); it must never be a 422.
schema.config.checks.positive_data_acceptance.expected_statuses = [
    "2XX",
    "400",
    "401",
    "403",
    "404",
    "409",
]


def _practice_data(practice: Practice) -> None:
    """A little of everything, so that generated ids sometimes name a real record."""
    clinic = LocationFactory(practice=practice, name="Main Street Clinic")
    room = RoomFactory(location=clinic, name="Exam 1")
    ResourceFactory(location=clinic, name="Exam 1", room=room)
    provider = ProviderFactory(practice=practice, display_name="Dr. Lee Park")
    weekly_hours(provider, clinic, start=time(8), end=time(18))
    visit_type = AppointmentTypeFactory(practice=practice, name="Follow-up")
    visit_type.providers.add(provider)
    patient = PatientFactory(practice=practice)
    CoverageFactory(patient=patient, payer=PayerFactory(practice=practice))
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + timedelta(days=3)
    AppointmentFactory(
        patient=patient,
        provider=provider,
        location=clinic,
        appointment_type=visit_type,
        start=start,
    )


@pytest.fixture
def tokens(db: None, settings) -> Iterator[dict[str, str]]:  # type: ignore[no-untyped-def]
    # The personas' passwords are never used here: hash them the fast way.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    practice = PracticeFactory(name="Riverbend Family Medicine")
    _practice_data(practice)
    # The WSGI handler closes the connection around each request, which would end the test's
    # transaction; Django's own test client keeps it open the same way.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            name: services.api_token_create(user=make_persona(name, practice), name="fuzz").secret
            for name in API_PERSONAS
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(
    derandomize=True,
    deadline=None,
    max_examples=EXAMPLES,
    suppress_health_check=list(HealthCheck),
    database=None,
)
def test_the_api_answers_as_its_schema_says(case, tokens):
    # Each case goes to the next role in turn: every role meets every operation, at a fraction
    # of the time of sending each case once per role.
    secret = tokens[next(_turns)]
    headers = {"Authorization": f"Bearer {secret}"}
    key = (case.headers or {}).get("Idempotency-Key")
    if case.path.endswith("/billing/payments") and key and re.fullmatch(r"[!-~]{1,255}", key):
        # A valid key sent again with another body is refused (422) by design: a new key per
        # case (a missing or malformed key is left as generated: that 422 is the schema's).
        headers["Idempotency-Key"] = uuid.uuid4().hex
    case.call_and_validate(headers=headers)
