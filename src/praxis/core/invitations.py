"""The invitation link: made for the e-mail (the task, the bootstrap command) and read back by the
page where the invited person chooses a password. Its token is Django's password-reset token, so
a link stops working once a password is set."""

from __future__ import annotations

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import User


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    return reverse("core:invitation_accept", kwargs={"uidb64": uid, "token": token})


def invited_user(uidb64: str, token: str) -> User | None:
    """The active user the link was made for, or None when the link is malformed or spent."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not user.is_active or not default_token_generator.check_token(user, token):
        return None
    return user
