"""Audit every sign-in, sign-out and failure; index sessions for deactivation."""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.http import HttpRequest

from . import audit
from .backends import normalized_email
from .middleware import SESSION_AUTH_AT, SESSION_SEEN_AT, client_ip
from .models import User
from .services import session_started


@receiver(user_logged_in)
def _on_login(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if request is None or not hasattr(request, "session"):
        return
    now = time.time()
    request.session[SESSION_AUTH_AT] = now
    request.session[SESSION_SEEN_AT] = now
    if request.session.session_key is None:
        request.session.save()
    session_started(
        user=user,
        session_key=request.session.session_key or "",
        ip=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
    )
    audit.record("praxis.auth.login.succeeded", actor=user, obj=user)


@receiver(user_logged_out)
def _on_logout(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    if user is not None:
        audit.record("praxis.auth.logout", actor=user, obj=user)


@receiver(user_login_failed)
def _on_login_failed(
    sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any
) -> None:
    attempted = str(credentials.get("username", ""))[:254]
    audit.record(
        "praxis.auth.login.failed",
        details={"email": attempted},
        practice_id=_practice_signing_in(attempted),
    )


@receiver(user_locked_out)
def _on_locked_out(
    sender: Any,
    request: Any = None,
    username: str | None = None,
    ip_address: str | None = None,
    **kwargs: Any,
) -> None:
    attempted = (username or "")[:254]
    audit.record(
        "praxis.auth.login.locked_out",
        details={"email": attempted},
        practice_id=_practice_signing_in(attempted),
    )


def _practice_signing_in(typed: str) -> int | None:
    """The practice whose account a failed sign-in tried, so the event is in that practice's
    trail (and in no other's); None for an address no account has."""
    return (
        User.objects.filter(email__iexact=normalized_email(typed))
        .values_list("practice_id", flat=True)
        .first()
    )


@receiver(post_migrate)
def _sync_roles(sender: Any, using: str = "default", **kwargs: Any) -> None:
    # Groups follow the matrix after every migrate, once every app's permissions exist (the
    # signal is sent app by app, for apps with models; the last one comes after all
    # permissions were created).
    from django.apps import apps

    with_models = [a for a in apps.get_app_configs() if a.models_module is not None]
    if sender is with_models[-1]:
        from .roles import sync_role_groups

        sync_role_groups(using=using)
