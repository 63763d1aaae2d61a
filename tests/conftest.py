"""Shared fixtures: the practice, the personas, signed-in clients, and the test data folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.db.backends.base.operations import BaseDatabaseOperations
from django.test import Client

from praxis.core import audit_triggers
from praxis.core.models import Practice, User
from praxis.core.testing.factories import LocationFactory, PracticeFactory, RoomFactory
from praxis.core.testing.personas import PERSONAS, make_persona, sign_in

TESTDATA = Path(__file__).resolve().parents[2] / "shared" / "testdata"

# Between transactional tests Django empties every table. The audit table refuses DELETE and
# TRUNCATE by trigger, so lift the triggers for exactly that flush and put them back after.
_original_flush = BaseDatabaseOperations.execute_sql_flush


def _flush_with_audit_triggers_lifted(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
    audit_triggers.remove(self.connection)
    try:
        _original_flush(self, sql_list)
    finally:
        audit_triggers.install(self.connection)


BaseDatabaseOperations.execute_sql_flush = _flush_with_audit_triggers_lifted  # type: ignore[method-assign]


@pytest.fixture
def testdata() -> Path:
    if not TESTDATA.is_dir():
        pytest.skip(f"shared test data not found at {TESTDATA}")
    return TESTDATA


@pytest.fixture
def practice(db: None) -> Practice:
    return PracticeFactory(name="Riverbend Family Medicine")


@pytest.fixture
def location(practice: Practice):  # type: ignore[no-untyped-def]
    loc = LocationFactory(practice=practice, name="Main Street Clinic")
    RoomFactory(location=loc, name="Exam 1")
    return loc


@pytest.fixture
def other_practice(db: None) -> Practice:
    return PracticeFactory(name="Elsewhere Clinic")


def _persona_fixture(name: str) -> Callable[..., User]:
    @pytest.fixture(name=name)
    def _fixture(practice: Practice) -> User:
        return make_persona(name, practice)

    return _fixture


for _name in PERSONAS:
    globals()[_name] = _persona_fixture(_name)


@pytest.fixture
def persona(practice: Practice) -> Callable[[str], User]:
    """``persona("manager_max")``: for tests parametrized over roles."""
    return lambda name: make_persona(name, practice)


@pytest.fixture
def client_for() -> Callable[[User], Client]:
    """``client_for(user)``: a test client signed in as the user (past MFA), CSRF enforced."""

    def make(user: User) -> Client:
        client = Client(enforce_csrf_checks=False)
        sign_in(client, user)
        return client

    return make
