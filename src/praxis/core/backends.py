"""Authentication backends, and the account key the sign-in lockout counts under."""

from __future__ import annotations

import unicodedata
from typing import Any, cast

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Field, Model


def normalized_email(typed: str) -> str:
    """An e-mail address as sign-in finds its account: Unicode-normalized the way the login
    form does (NFKC), without surrounding spaces, and in lower case (the account lookup ignores
    case)."""
    return unicodedata.normalize("NFKC", typed).strip().lower()


def axes_username(request: Any, credentials: dict[str, Any] | None) -> str:
    """The key django-axes counts failed sign-ins under (``AXES_USERNAME_CALLABLE``). It must
    be the account, not the spelling: keyed on the address as typed, ``Fay@…`` and ``fay@…``
    each got their own ten tries, and a success under one spelling cleared only that one."""
    field = settings.AXES_USERNAME_FORM_FIELD
    if credentials:
        typed = credentials.get(field) or credentials.get("username") or ""
    else:
        typed = request.POST.get(field, "") if request is not None else ""
    return normalized_email(str(typed))


def _table_and_column(through: type[Model], field: str) -> tuple[str, str]:
    meta = through._meta
    return meta.db_table, str(cast("Field[Any, Any]", meta.get_field(field)).column)


def _permissions_sql(user_model: Any) -> str:
    # A fixed statement over Django's own tables, built from the models' metadata. Written as
    # SQL because the ORM spends more time composing the two subqueries than the database
    # spends answering them, and every API request asks this once. Only identifiers from the
    # models are interpolated (quoted); the user id is a bound parameter.
    own, own_perm = _table_and_column(user_model.user_permissions.through, "permission")
    _, own_user = _table_and_column(user_model.user_permissions.through, "user")
    groups, groups_group = _table_and_column(user_model.groups.through, "group")
    _, groups_user = _table_and_column(user_model.groups.through, "user")
    granted, granted_perm = _table_and_column(Group.permissions.through, "permission")
    _, granted_group = _table_and_column(Group.permissions.through, "group")
    q = connection.ops.quote_name
    return (
        f"SELECT ct.{q('app_label')}, p.{q('codename')} "  # noqa: S608
        f"FROM {q(Permission._meta.db_table)} p "
        f"JOIN {q(ContentType._meta.db_table)} ct ON ct.{q('id')} = p.{q('content_type_id')} "
        f"WHERE p.{q('id')} IN ("
        f"SELECT {q(own_perm)} FROM {q(own)} WHERE {q(own_user)} = %s "
        f"UNION SELECT g.{q(granted_perm)} FROM {q(granted)} g "
        f"JOIN {q(groups)} ug ON ug.{q(groups_group)} = g.{q(granted_group)} "
        f"WHERE ug.{q(groups_user)} = %s)"
    )


class PermissionBackend(ModelBackend):
    """Django's ModelBackend, except that a user's own and their groups' permissions are read
    in one query instead of two. Every API call checks permissions, so this is one round trip
    less per request. The result is cached on the user object for that request only, exactly
    as ModelBackend does (the same ``_perm_cache`` attribute), so a role taken away counts
    from the next request on."""

    def get_all_permissions(self, user_obj: Any, obj: Any = None) -> set[str]:
        if not user_obj.is_active or user_obj.is_anonymous or obj is not None:
            return set()
        if not hasattr(user_obj, "_perm_cache"):
            if user_obj.is_superuser:
                rows = Permission.objects.values_list("content_type__app_label", "codename")
            else:
                with connection.cursor() as cursor:
                    cursor.execute(_permissions_sql(type(user_obj)), [user_obj.pk, user_obj.pk])
                    rows = cursor.fetchall()
            user_obj._perm_cache = {f"{app_label}.{codename}" for app_label, codename in rows}
        return user_obj._perm_cache  # type: ignore[no-any-return]
