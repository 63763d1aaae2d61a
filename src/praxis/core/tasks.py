"""Background tasks of the core app. Thin: load by id, call a service or send mail; idempotent
enough to run twice without harm (a second invitation e-mail carries a fresh, equally valid link).
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django_tasks import task

from .invitations import invitation_path, password_reset_path
from .models import User


@task()
def send_invitation(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).select_related("practice").first()
    if user is None or user.has_usable_password():
        return  # deactivated or already signed up since the task was queued
    context = {
        "user": user,
        "practice": user.practice,
        "link": settings.PRAXIS_BASE_URL + invitation_path(user),
    }
    send_mail(
        subject=f"You're invited to {user.practice or 'Praxis'}",
        message=render_to_string("core/email/invitation.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@task()
def send_password_reset(*, user_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).select_related("practice").first()
    if user is None or not user.has_usable_password():
        return  # deactivated since the task was queued, or never signed up (the invitation is)
    context = {
        "user": user,
        "practice": user.practice,
        "link": settings.PRAXIS_BASE_URL + password_reset_path(user),
    }
    send_mail(
        subject=f"Choose a new password for {user.practice or 'Praxis'}",
        message=render_to_string("core/email/password_reset.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


@task()
def email_administrators(*, subject: str, body: str) -> None:
    recipients = list(
        User.objects.filter(is_active=True, groups__name="Practice Administrator")
        .values_list("email", flat=True)
        .distinct()
    )
    if recipients:
        send_mail(subject=subject, message=body, from_email=None, recipient_list=recipients)
