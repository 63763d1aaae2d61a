"""Background tasks of the compliance app: thin, load by id, send."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from praxis.core.models import User

from .models import Policy


@task()
def send_policy_reminder(*, user_id: int, policy_id: int) -> None:
    user = User.objects.filter(pk=user_id, is_active=True).select_related("practice").first()
    policy = Policy.objects.filter(pk=policy_id).first()
    if user is None or policy is None or policy.current_version_id is None:
        return
    context = {
        "user": user,
        "policy": policy,
        "practice": user.practice,
        "link": settings.PRAXIS_BASE_URL + reverse("compliance:policy", args=[policy.pk]),
    }
    send_mail(
        subject=f"Please read and acknowledge: {policy.title}",
        message=render_to_string("compliance/email/reminder.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )
