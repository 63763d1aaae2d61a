"""Audit events told as sentences for people ("You checked in Amélie Haddad (MRN 100042)"),
where the audit trail itself keeps the exact action codes.

Each app names its own actions in its plugin (``AppPlugin.activity``: action → phrase, with
``{patient}`` where the patient's name goes); core names the sign-in, audit and PHI-read
actions. An action nobody named still reads as words ("reminder rule saved"), never as a code.
Patients' names come from the app that registered a ``patient_names`` reader, so core still
knows no domain app; showing them is itself a PHI read, which the caller audits."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from . import plugins
from .models import AuditEvent

# Core's own actions (the apps' come from their plugins).
CORE_ACTIVITY: dict[str, str] = {
    "praxis.auth.login.succeeded": "signed in",
    "praxis.auth.login.failed": "failed to sign in",
    "praxis.auth.login.locked_out": "was locked out after too many wrong passwords",
    "praxis.auth.logout": "signed out",
    "praxis.auth.session.expired": "was signed out after a period of inactivity",
    "praxis.auth.password.changed": "changed a password",
    "praxis.auth.password.reset_requested": "asked for a password reset link",
    "praxis.auth.password.reset": "chose a new password from a reset link",
    "praxis.auth.mfa.enrolled": "set up two-step sign-in",
    "praxis.auth.mfa.verified": "entered a one-time code",
    "praxis.auth.mfa.failed": "entered a wrong one-time code",
    "praxis.auth.mfa.reset": "reset someone's two-step sign-in",
    "praxis.auth.login.unlocked": "unlocked someone's sign-in",
    "praxis.auth.invitation.accepted": "accepted an invitation",
    "praxis.auth.token.created": "created an API token",
    "praxis.auth.token.revoked": "revoked an API token",
    "praxis.audit.exported": "exported the audit trail",
    "praxis.core.user.invited": "invited a user",
    "praxis.core.user.invitation_resent": "resent an invitation",
    "praxis.core.user.password_reset_sent": "sent someone a password reset link",
    "praxis.core.user.updated": "changed a user's details or roles",
    "praxis.core.user.deactivated": "deactivated a user",
    "praxis.core.user.reactivated": "reactivated a user",
    "praxis.core.practice.updated": "changed the practice's details",
    "praxis.core.location.created": "added a location",
    "praxis.core.location.updated": "changed a location",
    "praxis.core.room.created": "added a room",
    "praxis.core.room.updated": "changed a room",
    "praxis.core.backup.created": "took a backup",
    "praxis.core.backup.restored": "restored a backup",
    "praxis.phi.read": "looked at {patient}'s information",
}
PHI_READ = "praxis.phi.read"


# The trail's areas, for the action list: a prefix and how a reviewer calls it.
AREAS = (
    ("praxis.phi", "Looking at patient information"),
    ("praxis.auth", "Sign-in and accounts"),
    ("praxis.core", "Practice, users and backups"),
    ("praxis.audit", "The audit trail"),
)


def action_choices() -> list[tuple[str, Any]]:
    """The audit trail's action list: "any", then each area (all of it, then each action by
    its phrase), every app's area after core's."""
    known = {**CORE_ACTIVITY, **plugins.activity_phrases()}
    areas = list(AREAS) + [
        (f"praxis.{p.app}", p.app.replace("_", " ").capitalize())
        for p in plugins.registered()
        if p.activity
    ]
    choices: list[tuple[str, Any]] = [("", "Any action")]
    for prefix, label in areas:
        actions = sorted(a for a in known if a == prefix or a.startswith(prefix + "."))
        if not actions:
            continue
        options = [(prefix, f"All: {label.lower()}")] + [
            (a, known[a].replace("{patient}", "a patient")) for a in actions if a != prefix
        ]
        choices.append((label, options))
    return choices


def phrase_for(action: str) -> str:
    """The registered phrase, or the action's last two parts as words."""
    known = plugins.activity_phrases()
    if action in known:
        return known[action]
    if action in CORE_ACTIVITY:
        return CORE_ACTIVITY[action]
    parts = action.split(".")[-2:]
    return " ".join(parts).replace("_", " ")


@dataclass(frozen=True)
class Line:
    event: AuditEvent
    sentence: str  # without the subject: "checked in Amélie Haddad (MRN 100042)"

    @property
    def who(self) -> str:
        """The subject: the person, else the address someone typed, else the system."""
        event = self.event
        if event.actor_id is not None and event.actor is not None:
            return str(event.actor.full_name or event.actor_email)
        typed = (event.details or {}).get("email") if isinstance(event.details, dict) else None
        if typed:
            return f"Someone signing in as {typed}"
        return event.actor_email or "Praxis (no one signed in)"


def patient_ids_named(events: Iterable[AuditEvent]) -> list[int]:
    """The patients these events' sentences name (a list read names none: it gives a count)."""
    return list(dict.fromkeys(int(e.patient_id) for e in events if str(e.patient_id).isdigit()))


def lines(events: Sequence[AuditEvent]) -> list[Line]:
    """Each event as a sentence, the patients it names loaded in one read."""
    names = plugins.patient_names(patient_ids_named(events))
    return [Line(e, _sentence(e, names)) for e in events]


def _sentence(event: AuditEvent, names: dict[int, str]) -> str:
    phrase = phrase_for(event.action)
    listed = (event.details or {}).get("patient_ids")
    if event.action == PHI_READ and not str(event.patient_id).isdigit():
        what = str((event.details or {}).get("what", "")).replace("_", " ") or "a list"
        count = len(listed) if isinstance(listed, list) else 0
        return f"looked at {what} ({count} patient{'s' if count != 1 else ''})"
    if "{patient}" not in phrase:
        return phrase
    patient: Any = event.patient_id
    named = names.get(int(patient)) if str(patient).isdigit() else None
    return phrase.replace("{patient}", named or "a patient")
