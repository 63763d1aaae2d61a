"""Choosing a new password by e-mail: "Forgot your password?" on the sign-in page, and the
Administrator's "Send a password reset link" on a user's page.

The sign-in page answers the same whether or not an account uses the address (no one learns who
has an account), and sends at most ``RESETS_PER_HOUR`` e-mails per account an hour, counted from
the audit trail, so the form cannot be used to flood someone's mailbox. Setting the new password
ends every session of the account (whoever had the old one is out) and keeps two-step sign-in:
a stolen mailbox alone does not open the account of someone who uses it."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from . import audit
from .backends import normalized_email
from .models import AuditEvent, User
from .service_support import ServiceError
from .services import end_all_sessions
from .tasks import send_password_reset

RESETS_PER_HOUR = 3
REQUESTED = "praxis.auth.password.reset_requested"


def _recent_requests(user: User) -> int:
    since = timezone.now() - timedelta(hours=1)
    return AuditEvent.objects.filter(
        action=REQUESTED,
        object_type=User._meta.label_lower,
        object_id=str(user.pk),
        occurred_at__gte=since,
    ).count()


def password_reset_request(*, email: str) -> None:
    """E-mail a reset link to the active account with this address that has a password; do
    nothing (and say nothing) otherwise. An invited person who never chose a password gets no
    link: their invitation is the way in, and the Administrator can resend it."""
    user = User.objects.filter(email__iexact=normalized_email(email), is_active=True).first()
    if user is None or not user.has_usable_password():
        return
    with transaction.atomic():
        if _recent_requests(user) >= RESETS_PER_HOUR:
            return
        audit.record(REQUESTED, obj=user, actor=None)
        transaction.on_commit(lambda: send_password_reset.enqueue(user_id=user.pk))


def user_send_password_reset(*, user: User) -> None:
    """The Administrator sends a user the reset link (the user chooses the password; nobody
    else ever sees it)."""
    if not user.is_active:
        raise ServiceError("This user is deactivated; reactivate them first.")
    if not user.has_usable_password():
        raise ServiceError("This user has not chosen a password yet: resend the invitation.")
    with transaction.atomic():
        audit.record("praxis.core.user.password_reset_sent", obj=user)
        transaction.on_commit(lambda: send_password_reset.enqueue(user_id=user.pk))


def password_reset_complete(*, user: User, password: str) -> int:
    """Set the new password from a reset link; every session of the account ends. Returns how
    many sessions ended."""
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        ended = end_all_sessions(user)
        audit.record(
            "praxis.auth.password.reset", obj=user, actor=user, details={"sessions_ended": ended}
        )
    return ended
