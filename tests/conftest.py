"""Shared fixtures: the practice, the personas, signed-in clients, and the test data folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from django.conf import settings
from django.db.backends.base.operations import BaseDatabaseOperations
from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
from django.test import Client
from django.utils.crypto import get_random_string

from praxis.billing import ledger_triggers
from praxis.core import audit_triggers
from praxis.core.models import Practice, User
from praxis.core.testing.factories import LocationFactory, PracticeFactory, RoomFactory
from praxis.core.testing.personas import PERSONAS, make_persona, sign_in


def _shared_testdata() -> Path:
    """``../shared/testdata`` beside the repository, or beside a folder holding it (a git
    worktree under ``../wt/NAME`` reads the same files)."""
    repository = Path(__file__).resolve().parents[1]
    for folder in repository.parents:
        if (folder / "shared" / "testdata").is_dir():
            return folder / "shared" / "testdata"
    return repository.parent / "shared" / "testdata"


TESTDATA = _shared_testdata()

# Between transactional tests Django empties every table. The audit tables and the ledger's
# journal refuse DELETE and TRUNCATE by trigger, so lift the triggers for exactly that flush and
# put them back after.
_original_flush = BaseDatabaseOperations.execute_sql_flush


def _flush_with_audit_triggers_lifted(self: BaseDatabaseOperations, sql_list: list[str]) -> None:
    audit_triggers.remove(self.connection)
    ledger_triggers.remove(self.connection)
    try:
        _original_flush(self, sql_list)
    finally:
        audit_triggers.install(self.connection)
        ledger_triggers.install(self.connection)


BaseDatabaseOperations.execute_sql_flush = _flush_with_audit_triggers_lifted  # type: ignore[method-assign]


@pytest.fixture(autouse=True)
def _own_audit_checkpoint_file(settings, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """A checkpoint vouches for one database's chain: each test keeps its own file, rather than
    the data folder's, which every test of the run shares."""
    settings.PRAXIS_AUDIT_CHECKPOINT_FILE = tmp_path / "audit-checkpoints.txt"


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


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})


class BrowserClient(Client):
    """A test client held to CSRF the way the server holds a browser (Django's test client
    skips the check unless told otherwise). Like a browser that has loaded a page, it holds the
    CSRF cookie; like Praxis's pages (``{% csrf_token %}`` in forms, htmx's ``X-CSRFToken``
    header), it sends the token with every unsafe request. With ``sends_csrf_token = False`` it
    is a forged cross-site request instead: the cookie goes along, the token does not."""

    sends_csrf_token = True

    def __init__(self, **defaults: object) -> None:
        super().__init__(enforce_csrf_checks=True, **defaults)

    def csrf_token(self) -> str:
        cookie = self.cookies.get(settings.CSRF_COOKIE_NAME)
        if cookie is None or not cookie.value:
            secret = get_random_string(CSRF_SECRET_LENGTH, allowed_chars=CSRF_ALLOWED_CHARS)
            self.cookies[settings.CSRF_COOKIE_NAME] = secret
            return secret
        return cookie.value

    def generic(  # type: ignore[no-untyped-def, override]
        self, method, path, data="", content_type="application/octet-stream", secure=False, **extra
    ):
        token = self.csrf_token()
        headers = dict(extra.pop("headers", None) or {})
        if method.upper() not in SAFE_METHODS and self.sends_csrf_token:
            headers.setdefault("X-CSRFToken", token)
        if secure:  # over HTTPS the check also wants a same-site Referer, as browsers send
            headers.setdefault("Referer", "https://testserver/")
        return super().generic(
            method, path, data, content_type, secure=secure, headers=headers, **extra
        )


@pytest.fixture
def client_for() -> Callable[[User], BrowserClient]:
    """``client_for(user)``: a test client signed in as the user (past MFA) that the server holds
    to CSRF as it holds a browser, and that sends the CSRF token as Praxis's pages do (see
    ``BrowserClient``; the route census proves requests without it are refused)."""

    def make(user: User) -> BrowserClient:
        client = BrowserClient()
        sign_in(client, user)
        return client

    return make


@pytest.fixture
def session_seen_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """For query-count tests: the session records "last seen" at most every few seconds, which
    adds a write to whichever request crosses the mark; a slow test must not count it."""
    from praxis.core import middleware

    monkeypatch.setattr(middleware, "_SEEN_RESOLUTION_S", 10**9)
