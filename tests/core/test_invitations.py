"""Invitation links: a resent invitation replaces the link before it, and inviting an address
tells the Administrator only about their own practice's accounts."""

from __future__ import annotations

import pytest
from django.test import Client

from praxis.core import services
from praxis.core.invitations import invitation_path, invited_user
from praxis.core.models import User
from praxis.core.roles import FRONT_DESK
from praxis.core.service_support import ServiceError
from praxis.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def _parts(path: str) -> tuple[str, str]:
    uidb64, token = path.rstrip("/").split("/")[-2:]
    return uidb64, token


@pytest.fixture
def nina(admin_ada) -> User:  # type: ignore[no-untyped-def]
    return services.user_invite(
        practice=admin_ada.practice,
        email="nina@example.org",
        full_name="Nina Novak",
        roles=[FRONT_DESK],
        invited_by=admin_ada,
    )


def test_a_resent_invitation_makes_the_older_link_stop_working(nina):
    first = invitation_path(nina)
    assert invited_user(*_parts(first)) == nina

    services.user_resend_invitation(user=nina)
    nina.refresh_from_db()
    second = invitation_path(nina)

    assert second != first
    assert invited_user(*_parts(first)) is None
    assert Client().get(first).status_code == 400
    assert invited_user(*_parts(second)) == nina
    assert Client().get(second).status_code == 200


def test_the_link_stops_working_once_a_password_is_chosen(nina):
    link = invitation_path(nina)
    services.invitation_accept(user=nina, password="heron lantern quarry velvet")
    assert invited_user(*_parts(link)) is None


def test_an_account_in_another_practice_is_not_named(admin_ada, other_practice):
    UserFactory(practice=other_practice, email="olga@elsewhere.example")
    with pytest.raises(ServiceError) as refused:
        services.user_invite(
            practice=admin_ada.practice,
            email="OLGA@elsewhere.example",
            full_name="Olga",
            roles=[FRONT_DESK],
            invited_by=admin_ada,
        )
    message = " ".join(refused.value.messages)
    assert "cannot be invited" in message
    assert "already an account" not in message
    assert User.objects.filter(email__iexact="olga@elsewhere.example").count() == 1


def test_an_account_in_this_practice_is_named(admin_ada, frontdesk_fay):
    with pytest.raises(ServiceError, match=r"already an account for frontdesk_fay@example\.org"):
        services.user_invite(
            practice=admin_ada.practice,
            email=frontdesk_fay.email.upper(),
            full_name="Fay again",
            roles=[FRONT_DESK],
            invited_by=admin_ada,
        )
