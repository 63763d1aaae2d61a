"""Reads of the compliance app, shared by the pages and the API: the policy library, each
person's policies to read, who has acknowledged what, a version's diff, and incidents."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import QuerySet

from praxis.core.models import Practice, User
from praxis.core.roles import ROLES_BY_SLUG, roles_of

from .deadlines import Deadline, breach_deadlines
from .models import Acknowledgment, BreachAssessment, Incident, Policy, PolicyVersion

MANAGE_INCIDENTS = "compliance.manage_incidents"


def policies(
    practice: Practice, *, category: str = "", with_drafts: bool = False
) -> QuerySet[Policy]:
    """The library: policies in force (and, for those who write them, every policy)."""
    rows = Policy.objects.filter(practice=practice).select_related("current_version", "owner")
    if category:
        rows = rows.filter(category=category)
    if not with_drafts:
        rows = rows.filter(current_version__isnull=False)
    return rows


def role_labels(slugs: list[str]) -> list[str]:
    return [ROLES_BY_SLUG[slug].label for slug in slugs if slug in ROLES_BY_SLUG]


def _user_slugs(user: User) -> set[str]:
    return {role.slug for role in roles_of(user)}


@dataclass(frozen=True)
class ToRead:
    policy: Policy
    acknowledged_at: Any  # datetime | None


def policies_to_read(user: User) -> list[ToRead]:
    """Every policy in force that the person's roles must read, the unacknowledged first."""
    mine = _user_slugs(user)
    in_force = [p for p in policies(user.practice) if mine & set(p.roles)]  # type: ignore[arg-type]
    acks: dict[int | None, Any] = dict(
        Acknowledgment.objects.filter(
            user=user, version_id__in=[p.current_version_id for p in in_force]
        ).values_list("version_id", "acknowledged_at")
    )
    rows = [ToRead(p, acks.get(p.current_version_id)) for p in in_force]
    return sorted(rows, key=lambda r: (r.acknowledged_at is not None, r.policy.title))


def audience(practice: Practice, slugs: list[str]) -> list[User]:
    """The practice's active people holding any of these roles, with their groups."""
    labels = role_labels(slugs)
    return list(
        User.objects.filter(practice=practice, is_active=True, groups__name__in=labels)
        .distinct()
        .prefetch_related("groups")
        .order_by("full_name", "id")
    )


@dataclass
class AckStatus:
    policy: Policy
    done: list[tuple[User, Acknowledgment]] = field(default_factory=list)
    pending: list[User] = field(default_factory=list)

    @property
    def required(self) -> int:
        return len(self.done) + len(self.pending)

    @property
    def rate(self) -> int:
        """Percent acknowledged, rounded down (100 only when everyone has)."""
        return (len(self.done) * 100 // self.required) if self.required else 100


def acknowledgment_status(policy: Policy) -> AckStatus:
    status = AckStatus(policy)
    if policy.current_version_id is None:
        return status
    acks = {
        a.user_id: a for a in Acknowledgment.objects.filter(version_id=policy.current_version_id)
    }
    for user in audience(policy.practice, policy.roles):
        if user.pk in acks:
            status.done.append((user, acks[user.pk]))
        else:
            status.pending.append(user)
    return status


@dataclass
class PersonStatus:
    user: User
    acknowledged: int = 0
    pending: list[Policy] = field(default_factory=list)

    @property
    def required(self) -> int:
        return self.acknowledged + len(self.pending)

    @property
    def rate(self) -> int:
        return (self.acknowledged * 100 // self.required) if self.required else 100


def acknowledgments_by_person(practice: Practice) -> list[PersonStatus]:
    """Each active person: how many of the policies in force for their roles they have
    acknowledged, and which they have not (three queries whatever the size)."""
    in_force = list(policies(practice))
    people = list(
        User.objects.filter(practice=practice, is_active=True)
        .prefetch_related("groups")
        .order_by("full_name", "id")
    )
    acked = set(
        Acknowledgment.objects.filter(
            version_id__in=[p.current_version_id for p in in_force]
        ).values_list("user_id", "version_id")
    )
    rows = []
    for user in people:
        mine = _user_slugs(user)
        if not mine:
            continue
        row = PersonStatus(user)
        for policy in in_force:
            if mine & set(policy.roles):
                if (user.pk, policy.current_version_id) in acked:
                    row.acknowledged += 1
                else:
                    row.pending.append(policy)
        if row.required:  # nothing in force is meant for their roles: nothing to show
            rows.append(row)
    return rows


def versions_of(policy: Policy, *, with_drafts: bool) -> QuerySet[PolicyVersion]:
    rows = policy.versions.select_related("created_by", "approved_by").order_by("-number")
    if not with_drafts:
        rows = rows.filter(status__in=["approved", "retired"], approved_at__isnull=False)
    return rows


def previous_version(version: PolicyVersion) -> PolicyVersion | None:
    return (
        PolicyVersion.objects.filter(policy_id=version.policy_id, number__lt=version.number)
        .order_by("-number")
        .first()
    )


@dataclass(frozen=True)
class DiffLine:
    kind: str  # "same" | "added" | "removed" | "gap"
    text: str


def version_diff(old: PolicyVersion, new: PolicyVersion) -> list[DiffLine]:
    """Line by line, with three lines of context; the template escapes the text."""
    lines = []
    diff = difflib.unified_diff(old.body.splitlines(), new.body.splitlines(), lineterm="", n=3)
    for line in list(diff)[2:]:  # skip the ---/+++ header
        if line.startswith("@@"):
            lines.append(DiffLine("gap", "…"))
        elif line.startswith("+"):
            lines.append(DiffLine("added", line[1:]))
        elif line.startswith("-"):
            lines.append(DiffLine("removed", line[1:]))
        else:
            lines.append(DiffLine("same", line[1:]))
    return lines


# --- incidents ---------------------------------------------------------------------------------


def incidents_for(user: User) -> QuerySet[Incident]:
    """Every incident for those who manage them; one's own reports for everyone else."""
    rows = Incident.objects.filter(practice=user.practice).select_related(
        "reported_by", "location", "breach"
    )
    if not user.has_perm(MANAGE_INCIDENTS):
        rows = rows.filter(reported_by=user)
    return rows


@dataclass(frozen=True)
class DeadlineState:
    deadline: Deadline
    sent_on: date | None
    state: str  # "sent" | "sent late" | "overdue" | "due soon" | "upcoming"


DUE_SOON_DAYS = 14


def deadline_states(breach: BreachAssessment, *, today: date) -> list[DeadlineState]:
    """Each notice the breach calls for, and whether it went out, is due soon or overdue."""
    deadlines = breach_deadlines(
        discovered_on=breach.incident.discovered_on,
        affected_total=breach.affected_total,
        affected_by_state=breach.affected_by_state,
        delay_ends_on=breach.law_enforcement_delay_until,
    )
    sent: dict[tuple[str, str], date] = {}
    for notice in breach.notices.all():
        key = (notice.recipient, notice.state if notice.recipient == "media" else "")
        sent.setdefault(key, notice.sent_on)
    rows = []
    for d in deadlines:
        on = sent.get((d.recipient, d.state))
        if on is not None:
            state = "sent late" if on > d.due else "sent"
        elif today > d.due:
            state = "overdue"
        elif (d.due - today).days <= DUE_SOON_DAYS:
            state = "due soon"
        else:
            state = "upcoming"
        rows.append(DeadlineState(d, on, state))
    return rows
