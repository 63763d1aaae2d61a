"""The permission backend reads a user's own and their roles' permissions in one query and
answers exactly as Django's ModelBackend does: deny by default, a role taken away counts from
the next request on (a fresh user object), inactive users hold nothing."""

from __future__ import annotations

import pytest
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext

from praxis.core.backends import PermissionBackend
from praxis.core.models import User
from praxis.core.testing.factories import UserFactory

pytestmark = pytest.mark.django_db


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


@pytest.mark.parametrize("name", ["admin_ada", "manager_max", "frontdesk_fay", "outsider_otto"])
def test_the_same_permissions_as_django_s_model_backend(persona, name):
    user = persona(name)
    assert PermissionBackend().get_all_permissions(fresh(user)) == (
        ModelBackend().get_all_permissions(fresh(user))
    )


def test_own_permissions_count_as_well_as_the_roles(frontdesk_fay):
    extra = Permission.objects.get(content_type__app_label="core", codename="view_audit")
    assert not fresh(frontdesk_fay).has_perm("core.view_audit")
    frontdesk_fay.user_permissions.add(extra)
    assert fresh(frontdesk_fay).has_perm("core.view_audit")
    assert fresh(frontdesk_fay).has_perm("scheduling.book_appointment")  # from the role


def test_one_query_for_every_check_of_a_request(manager_max):
    user = fresh(manager_max)
    with CaptureQueriesContext(connection) as ctx:
        assert user.has_perm("core.use_api")
        assert user.has_perms(["scheduling.book_appointment", "patients.view_patient"])
        assert not user.has_perm("core.no_such_permission")
    assert len(ctx.captured_queries) == 1


def test_a_role_taken_away_counts_from_the_next_request(manager_max):
    assert fresh(manager_max).has_perm("scheduling.book_appointment")
    manager_max.groups.clear()
    assert not fresh(manager_max).has_perm("scheduling.book_appointment")


def test_inactive_users_and_superusers(practice):
    inactive = UserFactory(practice=practice, roles=[], is_active=False)
    inactive.user_permissions.add(Permission.objects.first())
    assert PermissionBackend().get_all_permissions(fresh(inactive)) == set()
    root = UserFactory(practice=practice, roles=[], is_superuser=True)
    assert len(PermissionBackend().get_all_permissions(fresh(root))) == Permission.objects.count()
