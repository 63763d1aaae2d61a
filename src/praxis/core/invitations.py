"""The invitation link: made for the e-mail (the task, the bootstrap command) and read back by the
page where the invited person chooses a password. Its token is Django's password-reset token
(three days), also keyed on when the invitation was (re)sent: a link stops working once a
password is set, and once a newer invitation replaced it."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from .models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt: an invitation token is good for nothing else, and nothing else for it.
    key_salt = "praxis.core.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        # invited_at changes when the invitation is resent, which retires the older link.
        sent = "" if user.invited_at is None else user.invited_at.isoformat()
        return f"{super()._make_hash_value(user, timestamp)}{sent}"


invitation_tokens = InvitationTokenGenerator()


def invitation_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    token = invitation_tokens.make_token(user)
    return reverse("core:invitation_accept", kwargs={"uidb64": uid, "token": token})


def invited_user(uidb64: str, token: str) -> User | None:
    """The active user the link was made for, or None when the link is malformed or spent."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not user.is_active or not invitation_tokens.check_token(user, token):
        return None
    return user
