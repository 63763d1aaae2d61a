"""The links e-mailed to a person to choose a password, made for the e-mail and read back by the
page where they choose it.

- The invitation link: Django's password-reset token (three days), also keyed on when the
  invitation was (re)sent: it stops working once a password is set, and once a newer invitation
  replaced it.
- The password-reset link ("Forgot your password?"): its own salt, good for an hour; it stops
  working once the password changes or the person signs in (the token covers both)."""

from __future__ import annotations

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import base36_to_int, urlsafe_base64_decode, urlsafe_base64_encode

from .models import User


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    # Its own salt: an invitation token is good for nothing else, and nothing else for it.
    key_salt = "praxis.core.invitations.InvitationTokenGenerator"

    def _make_hash_value(self, user: User, timestamp: int) -> str:
        # invited_at changes when the invitation is resent, which retires the older link.
        sent = "" if user.invited_at is None else user.invited_at.isoformat()
        return f"{super()._make_hash_value(user, timestamp)}{sent}"


invitation_tokens = InvitationTokenGenerator()

# A reset link reaches whoever reads the mailbox: it lives an hour, not an invitation's days.
PASSWORD_RESET_SECONDS = 60 * 60


class PasswordResetTokens(PasswordResetTokenGenerator):
    key_salt = "praxis.core.invitations.PasswordResetTokenGenerator"

    def check_token(self, user: User | None, token: str | None) -> bool:
        if user is None or not token or not super().check_token(user, token):
            return False
        try:
            made = base36_to_int(token.split("-", 1)[0])
        except ValueError:
            return False
        return self._num_seconds(self._now()) - made <= PASSWORD_RESET_SECONDS


password_reset_tokens = PasswordResetTokens()


def _link_path(view: str, user: User, tokens: PasswordResetTokenGenerator) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse(view, kwargs={"uidb64": uid, "token": tokens.make_token(user)})


def _link_user(uidb64: str, token: str, tokens: PasswordResetTokenGenerator) -> User | None:
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not user.is_active or not tokens.check_token(user, token):
        return None
    return user


def invitation_path(user: User) -> str:
    return _link_path("core:invitation_accept", user, invitation_tokens)


def invited_user(uidb64: str, token: str) -> User | None:
    """The active user the link was made for, or None when the link is malformed or spent."""
    return _link_user(uidb64, token, invitation_tokens)


def password_reset_path(user: User) -> str:
    return _link_path("core:password_reset", user, password_reset_tokens)


def password_reset_user(uidb64: str, token: str) -> User | None:
    """The active user the reset link was made for, or None when it is malformed, spent or more
    than an hour old."""
    user = _link_user(uidb64, token, password_reset_tokens)
    return user if user is not None and user.has_usable_password() else None
