"""Writes for the core app. Each service validates, runs in one transaction, audits, and
schedules side effects (e-mail) on commit."""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from axes.utils import reset as forget_failed_sign_ins
from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.sessions.models import Session
from django.db import IntegrityError, transaction
from django.utils import timezone
from django_otp import match_token
from django_otp.models import Device
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import audit, mfa
from .backends import normalized_email
from .models import ApiToken, Location, Practice, Room, User, UserSession, api_token_expiry
from .roles import ROLES_BY_SLUG, Role, mfa_required_for
from .service_support import ServiceError, apply_changes, full_clean_or_refuse
from .tasks import send_invitation

# --- practice and locations -------------------------------------------------------------------


def practice_update(*, practice: Practice, values: Mapping[str, Any]) -> Practice:
    with transaction.atomic():
        changed = apply_changes(practice, values)
        if changed:
            audit.record("praxis.core.practice.updated", obj=practice, details={"fields": changed})
    return practice


def _guard_location_name(practice: Practice, name: str, *, location: Location | None) -> None:
    # The form cannot check the (practice, lower(name)) constraint: practice is not a form field.
    taken = Location.objects.filter(practice=practice, name__iexact=name.strip())
    if location is not None:
        taken = taken.exclude(pk=location.pk)
    if taken.exists():
        raise ServiceError(f"{practice.name} already has a location called {name.strip()!r}.")


def location_create(*, practice: Practice, values: Mapping[str, Any]) -> Location:
    _guard_location_name(practice, values.get("name", ""), location=None)
    with transaction.atomic():
        location = Location(practice=practice, **values)
        full_clean_or_refuse(location)
        location.save()
        audit.record("praxis.core.location.created", obj=location)
    return location


def location_update(*, location: Location, values: Mapping[str, Any]) -> Location:
    _guard_location_name(location.practice, values.get("name", location.name), location=location)
    with transaction.atomic():
        changed = apply_changes(location, values)
        if changed:
            audit.record("praxis.core.location.updated", obj=location, details={"fields": changed})
    return location


def room_add(*, location: Location, name: str) -> Room:
    name = name.strip()
    if not name:
        raise ServiceError("Give the room a name.")
    if location.rooms.filter(name__iexact=name).exists():
        raise ServiceError(f"{location.name} already has a room called {name!r}.")
    with transaction.atomic():
        room = Room.objects.create(location=location, name=name)
        audit.record("praxis.core.room.created", obj=room, details={"location": location.pk})
    return room


def room_set_active(*, room: Room, active: bool) -> Room:
    if room.is_active != active:
        with transaction.atomic():
            room.is_active = active
            room.save(update_fields=["is_active"])
            action = "reactivated" if active else "deactivated"
            audit.record(f"praxis.core.room.{action}", obj=room)
    return room


# --- users -----------------------------------------------------------------------------------


def _role_groups(roles: Iterable[Role]) -> list[Group]:
    labels = [role.label for role in roles]
    groups = list(Group.objects.filter(name__in=labels))
    if len(groups) != len(set(labels)):
        raise ServiceError("Role groups are missing; run `praxis roles sync`.")
    return groups


def roles_from_slugs(slugs: Iterable[str]) -> list[Role]:
    try:
        return [ROLES_BY_SLUG[slug] for slug in slugs]
    except KeyError as exc:
        raise ServiceError(f"Unknown role {exc.args[0]!r}.") from exc


def user_invite(
    *,
    practice: Practice,
    email: str,
    full_name: str,
    roles: Iterable[Role],
    invited_by: User | None,
) -> User:
    """Create an account with no usable password and e-mail a link to choose one."""
    email = email.strip().lower()
    roles = list(roles)
    if not roles:
        raise ServiceError("Give the new user at least one role.")
    taken = User.objects.filter(email__iexact=email).values_list("practice_id", flat=True)
    if taken:
        raise ServiceError(_address_taken(email, in_practice=taken[0] == practice.pk))
    try:
        with transaction.atomic():
            user = User.objects.create_user(
                email,
                full_name=full_name.strip(),
                practice=practice,
                invited_at=timezone.now(),
                invited_by=invited_by,
            )
            user.groups.set(_role_groups(roles))
            audit.record(
                "praxis.core.user.invited",
                obj=user,
                details={"roles": [r.slug for r in roles]},
            )
            transaction.on_commit(lambda: send_invitation.enqueue(user_id=user.pk))
    except IntegrityError as exc:  # a concurrent invite for the same address won the race
        raise ServiceError(f"There is already an account for {email}.") from exc
    return user


def _address_taken(email: str, *, in_practice: bool) -> str:
    # An address is one account per installation; say which only about this practice's own.
    if in_practice:
        return f"There is already an account for {email}."
    return f"{email} cannot be invited: the address is in use. Use another address."


def user_resend_invitation(*, user: User) -> None:
    if not user.is_active:
        raise ServiceError("This user is deactivated; reactivate them to resend the invitation.")
    if user.has_usable_password():
        raise ServiceError("This user has already chosen a password.")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(invited_at=timezone.now())
        audit.record("praxis.core.user.invitation_resent", obj=user)
        transaction.on_commit(lambda: send_invitation.enqueue(user_id=user.pk))


def invitation_accept(*, user: User, password: str) -> User:
    with transaction.atomic():
        user.set_password(password)
        user.save(update_fields=["password"])
        audit.record("praxis.auth.invitation.accepted", obj=user, actor=user)
    return user


def user_update(*, user: User, full_name: str, roles: Iterable[Role], changed_by: User) -> User:
    roles = list(roles)
    if not roles:
        raise ServiceError("A user needs at least one role; deactivate the user instead.")
    with transaction.atomic():
        before = sorted(g.name for g in user.groups.all())
        _guard_last_administrator(user, keeps_admin=any(r.slug == "administrator" for r in roles))
        user.full_name = full_name.strip()
        user.save(update_fields=["full_name"])
        user.groups.set(_role_groups(roles))
        for cached in ("_praxis_roles", "_perm_cache", "_user_perm_cache", "_group_perm_cache"):
            user.__dict__.pop(cached, None)  # the caller's object answers with the new roles
        after = sorted({r.label for r in roles})
        details: dict[str, Any] = {"roles_before": before, "roles_after": after}
        if after != before:
            # A token acts with its owner's roles of today: one made under other roles (before
            # a second factor was needed, say) must not carry over.
            details["tokens_revoked"] = revoke_all_tokens(user)
        audit.record("praxis.core.user.updated", obj=user, details=details)
    return user


def _guard_last_administrator(user: User, *, keeps_admin: bool) -> None:
    """A practice must always keep one active Administrator, or nobody can manage users."""
    if keeps_admin or not user.groups.filter(name="Practice Administrator").exists():
        return
    # Two Administrators demoting each other at once must not both pass: lock the practice row
    # (one lock, so no deadlock), then count with a fresh snapshot.
    if user.practice_id is not None:
        Practice.objects.select_for_update().filter(pk=user.practice_id).first()
    others = User.objects.filter(
        practice=user.practice_id, is_active=True, groups__name="Practice Administrator"
    ).exclude(pk=user.pk)
    if not others.exists():
        raise ServiceError("This is the practice's last active Administrator; keep the role.")


def end_all_sessions(user: User) -> int:
    """Delete every browser session of the user (the session table and our index of it)."""
    keys = list(UserSession.objects.filter(user=user).values_list("session_key", flat=True))
    Session.objects.filter(session_key__in=keys).delete()
    UserSession.objects.filter(user=user).delete()
    return len(keys)


# What apps revoke when a user is deactivated, besides sessions and API tokens (a calendar feed's
# address, say): each step runs in the deactivation's transaction and returns counts for its
# audit event. An app registers its steps when its module is imported (from ``ready()``).
DeactivationStep = Callable[[User], Mapping[str, int]]
_DEACTIVATION_STEPS: list[DeactivationStep] = []


def revokes_on_deactivation(step: DeactivationStep) -> DeactivationStep:
    """Declare a step that revokes what the deactivated user holds or has seen."""
    if step not in _DEACTIVATION_STEPS:
        _DEACTIVATION_STEPS.append(step)
    return step


def revoke_all_tokens(user: User) -> int:
    """Revoke every live API token of the user (in the caller's transaction and audit event)."""
    return ApiToken.objects.filter(user=user, revoked_at=None).update(revoked_at=timezone.now())


def user_deactivate(*, user: User, deactivated_by: User) -> User:
    if user.pk == deactivated_by.pk:
        raise ServiceError("You cannot deactivate your own account.")
    with transaction.atomic():
        _guard_last_administrator(user, keeps_admin=False)
        user.is_active = False
        user.deactivated_at = timezone.now()
        user.save(update_fields=["is_active", "deactivated_at"])
        details: dict[str, int] = {
            "sessions_ended": end_all_sessions(user),
            "tokens_revoked": revoke_all_tokens(user),
        }
        for step in _DEACTIVATION_STEPS:
            details.update(step(user))
        audit.record("praxis.core.user.deactivated", obj=user, details=details)
    return user


def user_reactivate(*, user: User) -> User:
    with transaction.atomic():
        user.is_active = True
        user.deactivated_at = None
        user.save(update_fields=["is_active", "deactivated_at"])
        audit.record("praxis.core.user.reactivated", obj=user)
    return user


def user_unlock(*, user: User) -> int:
    """Lift a sign-in lockout before it runs out (the person called the desk, and whoever
    unlocks has made sure it was them): their failed sign-ins are forgotten."""
    with transaction.atomic():
        forgotten = forget_failed_sign_ins(username=normalized_email(user.email))
        audit.record("praxis.auth.login.unlocked", obj=user, details={"attempts": forgotten})
    return int(forgotten)


def user_reset_mfa(*, user: User) -> int:
    """For a lost phone: remove the user's authenticator and recovery codes; they enrol again."""
    with transaction.atomic():
        removed = mfa.remove_devices(user)
        end_all_sessions(user)
        # Tokens were made behind the old second factor, which may be in a thief's hands.
        revoked = revoke_all_tokens(user)
        audit.record(
            "praxis.auth.mfa.reset",
            obj=user,
            details={"devices_removed": removed, "tokens_revoked": revoked},
        )
    return removed


# --- two-step sign-in ------------------------------------------------------------------------

WRONG_CODE = "That code does not match. Check the time on your phone."


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    recovery_codes: list[str]  # shown once


def mfa_enrol(*, user: User, device: TOTPDevice, otp_token: str) -> Enrolment:
    """Confirm the authenticator the enrolment page showed (``device``, not saved yet), when
    ``otp_token`` is its current code, and issue fresh recovery codes. The device, the codes and
    the audit event are written together or not at all."""
    step = mfa.matching_step(device, otp_token)
    if step is None:
        raise ServiceError({"otp_token": WRONG_CODE})
    with transaction.atomic():
        # The page sent twice at once must not confirm two authenticators: take turns on the user.
        User.objects.select_for_update().filter(pk=user.pk).first()
        if mfa.has_confirmed_device(user):
            raise ServiceError("This account already has an authenticator; sign in with it.")
        device.confirmed = True
        device.last_t = step  # the code just used cannot be used again
        device.save()
        codes = mfa.issue_recovery_codes(user)
        audit.record("praxis.auth.mfa.enrolled", obj=user)
    return Enrolment(device=device, recovery_codes=codes)


def mfa_verify(*, user: User, otp_token: str) -> Device | None:
    """The device that accepts the code (the authenticator, or a recovery code, which is used up
    by it), or None. The attempt is audited either way, in the transaction that records it on the
    device (its throttling counts failures)."""
    with transaction.atomic():
        device: Device | None = match_token(user, otp_token)
        if device is None:
            audit.record("praxis.auth.mfa.failed")
        else:
            audit.record("praxis.auth.mfa.verified", details={"device": type(device).__name__})
    return device


# --- sessions --------------------------------------------------------------------------------


def session_started(*, user: User, session_key: str, ip: str | None, user_agent: str) -> None:
    UserSession.objects.update_or_create(
        session_key=session_key,
        defaults={"user": user, "ip": ip, "user_agent": user_agent[:200]},
    )


def session_rekeyed(*, old_session_key: str | None, new_session_key: str) -> None:
    """The session got a new key (past the one-time code, a new password): the index follows
    it, so deactivating the user still ends this session."""
    UserSession.objects.filter(session_key=old_session_key).update(session_key=new_session_key)


def password_changed(*, user: User, old_session_key: str | None, new_session_key: str) -> None:
    """After the password-change form saved the new password and gave the session a new key:
    the session index follows the key, the user's API tokens are revoked (a password changed
    because it leaked must not leave tokens made with it working), and the change is audited,
    in one transaction."""
    with transaction.atomic():
        session_rekeyed(old_session_key=old_session_key, new_session_key=new_session_key)
        revoked = revoke_all_tokens(user)
        audit.record("praxis.auth.password.changed", obj=user, details={"tokens_revoked": revoked})


# --- API tokens ------------------------------------------------------------------------------

TOKEN_PREFIX = "prx_"
# "N days from now" computed by a form a moment before the service checks it is still N days.
_EXPIRY_SLACK = timedelta(minutes=5)


def hash_token(secret: str) -> str:
    # The secret has 256 bits of entropy, so a plain SHA-256 is enough (no slow hash needed).
    return hashlib.sha256(secret.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    secret: str  # shown once, never stored


def api_token_create(*, user: User, name: str, expires_at: datetime | None = None) -> IssuedToken:
    """A new token for the user, expiring at ``expires_at`` or, by default, at the longest
    life allowed (PRAXIS_API_TOKEN_DAYS)."""
    name = name.strip()
    if not name:
        raise ServiceError("Name the token after where it will be used.")
    if not user.is_active:
        raise ServiceError("Deactivated users cannot hold API tokens.")
    if not user.has_perm("core.use_api"):
        raise ServiceError(f"{user.email} has no role that may use the API.")
    if mfa_required_for(user) and not mfa.has_confirmed_device(user):
        # A token skips the code step, so it may only stand in for someone who has one.
        raise ServiceError(
            f"{user.email} must set up two-step sign-in before creating a token: "
            "their role requires it."
        )
    latest = api_token_expiry()
    if expires_at is None:
        expires_at = latest
    if expires_at <= timezone.now():
        raise ServiceError("The expiry must be in the future.")
    if expires_at > latest + _EXPIRY_SLACK:
        raise ServiceError(f"A token lasts at most {settings.PRAXIS_API_TOKEN_DAYS} days.")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:12],
            token_hash=hash_token(secret),
            expires_at=expires_at,
        )
        audit.record("praxis.auth.token.created", obj=token, details={"name": name})
    return IssuedToken(token=token, secret=secret)


def api_token_revoke(*, token: ApiToken) -> ApiToken:
    if token.revoked_at is None:
        with transaction.atomic():
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record("praxis.auth.token.revoked", obj=token)
    return token
