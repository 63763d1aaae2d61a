"""Policies and their versions: write a draft, send it for review, approve it (which publishes
it and asks the affected roles to acknowledge again), retire; acknowledge; remind.

Approval is the one step that needs ``compliance.approve_policies``: the service checks it too,
so no page or API path can publish without it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from functools import partial
from typing import Any

from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.models import Practice, User
from praxis.core.roles import ROLES_BY_SLUG, roles_of
from praxis.core.service_support import ServiceError, full_clean_or_refuse

from . import policy_files
from .models import Acknowledgment, AcknowledgmentReminder, Policy, PolicyVersion
from .models.policies import Category, VersionStatus

APPROVE = "compliance.approve_policies"


def clean_roles(slugs: Iterable[str], *, field: str = "roles") -> list[str]:
    chosen = list(dict.fromkeys(slugs))
    unknown = [slug for slug in chosen if slug not in ROLES_BY_SLUG]
    if unknown:
        raise ServiceError({field: f"No such role: {', '.join(unknown)}."})
    return chosen


def _attach_pdf(version: PolicyVersion, upload: Any) -> str | None:
    """Check the upload and store it; the stored name (to delete on failure) or None."""
    if upload is None:
        return None
    pdf = policy_files.check_pdf(upload)
    version.original_filename = pdf.original_filename
    version.size = len(pdf.data)
    version.sha256 = pdf.sha256
    version.stored_name = policy_files.store(pdf)
    return version.storage_path


def _save_version(version: PolicyVersion, upload: Any) -> None:
    """Validate, store the PDF, insert; a refusal leaves neither a row nor a file behind."""
    if not version.body.strip() and upload is None:
        raise ServiceError({"body": "Write the policy's text or upload it as a PDF."})
    full_clean_or_refuse(version, exclude=["policy", "stored_name"])
    stored = _attach_pdf(version, upload)
    try:
        version.save()
    except BaseException:
        if stored is not None:
            default_storage.delete(stored)
        raise


def policy_create(
    *,
    practice: Practice,
    title: str,
    category: str,
    owner: User | None,
    roles: Iterable[str],
    body: str = "",
    upload: Any = None,
    by: User,
) -> Policy:
    """A new policy with its first version, a draft."""
    if owner is not None and owner.practice_id != practice.pk:
        raise ServiceError({"owner": "No such person in this practice."})
    if category not in Category.values:
        raise ServiceError({"category": "Choose a category."})
    audience = clean_roles(roles)
    if not audience:
        raise ServiceError({"roles": "Choose at least one role that must read this policy."})
    if Policy.objects.filter(practice=practice, title=title.strip()).exists():
        raise ServiceError({"title": "A policy with this title exists already."})
    with transaction.atomic():
        policy = Policy(
            practice=practice, title=title.strip(), category=category, owner=owner, roles=audience
        )
        full_clean_or_refuse(policy, exclude=["practice", "current_version"])
        policy.save()
        version = PolicyVersion(
            policy=policy, number=1, body=body, affected_roles=audience, created_by=by
        )
        _save_version(version, upload)
        audit.record("praxis.compliance.policy.created", obj=policy, details={"title": title})
    return policy


def version_create(
    *,
    policy: Policy,
    body: str,
    change_summary: str,
    affected_roles: Iterable[str],
    upload: Any = None,
    by: User,
) -> PolicyVersion:
    """A new draft version. ``affected_roles`` (within the policy's audience) are the roles that
    must acknowledge it again once approved; everyone else's acknowledgment carries over."""
    affected = clean_roles(affected_roles, field="affected_roles")
    outside = [slug for slug in affected if slug not in policy.roles]
    if outside:
        raise ServiceError(
            {"affected_roles": "Only roles that read this policy can be asked to acknowledge it."}
        )
    if not affected:
        raise ServiceError(
            {"affected_roles": "Choose the roles whose acknowledgment this version resets."}
        )
    with transaction.atomic():
        Policy.objects.select_for_update().filter(pk=policy.pk).values_list("pk").first()
        last = policy.versions.order_by("-number").values_list("number", flat=True).first() or 0
        version = PolicyVersion(
            policy=policy,
            number=last + 1,
            body=body,
            change_summary=change_summary.strip(),
            affected_roles=affected,
            created_by=by,
        )
        _save_version(version, upload)
        audit.record(
            "praxis.compliance.policy_version.created",
            obj=version,
            details={"policy_id": policy.pk, "number": version.number},
        )
    return version


def _locked(version: PolicyVersion) -> PolicyVersion:
    return PolicyVersion.objects.select_for_update().select_related("policy").get(pk=version.pk)


def version_submit(*, version: PolicyVersion, by: User) -> PolicyVersion:
    with transaction.atomic():
        current = _locked(version)
        if current.status != VersionStatus.DRAFT:
            raise ServiceError(
                "Only a draft can be sent for review; this one is "
                f"{current.get_status_display().lower()}."
            )
        current.status = VersionStatus.IN_REVIEW
        current.save(update_fields=["status"])
        audit.record("praxis.compliance.policy_version.submitted", obj=current)
    return current


def version_approve(
    *,
    version: PolicyVersion,
    effective_date: date | None,
    next_review_date: date | None,
    by: User,
) -> PolicyVersion:
    """Approve (publish) a version in review: it becomes the policy's version in force, the one
    before is retired, and the acknowledgments of people outside the version's affected roles
    carry over; the affected roles must acknowledge again."""
    if not by.has_perm(APPROVE):
        raise ServiceError(
            "Only the Practice Administrator or the Compliance Officer can approve a policy."
        )
    if effective_date is None or next_review_date is None:
        raise ServiceError(
            {"effective_date": "Give the date the version takes effect and its next review."}
        )
    if next_review_date <= effective_date:
        raise ServiceError(
            {"next_review_date": "The next review must come after the effective date."}
        )
    with transaction.atomic():
        current = _locked(version)
        if current.status != VersionStatus.IN_REVIEW:
            raise ServiceError(
                "Only a version in review can be approved: send the draft for review first."
            )
        policy = Policy.objects.select_for_update().get(pk=current.policy_id)
        previous = policy.current_version
        current.status = VersionStatus.APPROVED
        current.effective_date, current.next_review_date = effective_date, next_review_date
        current.approved_by, current.approved_at = by, timezone.now()
        current.save()
        carried = 0
        if previous is not None:
            PolicyVersion.objects.filter(pk=previous.pk).update(status=VersionStatus.RETIRED)
            carried = _carry_over(previous, current)
        policy.current_version = current
        policy.save(update_fields=["current_version"])
        audit.record(
            "praxis.compliance.policy_version.approved",
            obj=current,
            details={
                "policy_id": policy.pk,
                "number": current.number,
                "affected_roles": current.affected_roles,
                "carried_over": carried,
            },
        )
    return current


def _carry_over(previous: PolicyVersion, new: PolicyVersion) -> int:
    """Copy forward the acknowledgments of people who hold none of the new version's affected
    roles: this version's change does not concern them."""
    affected = set(new.affected_roles)
    kept = []
    for ack in previous.acknowledgments.select_related("user").prefetch_related("user__groups"):
        if not affected & {role.slug for role in roles_of(ack.user)}:
            kept.append(
                Acknowledgment(
                    version=new,
                    user=ack.user,
                    acknowledged_at=ack.acknowledged_at,
                    carried_over=True,
                )
            )
    Acknowledgment.objects.bulk_create(kept)
    return len(kept)


def policy_retire(*, policy: Policy, by: User) -> Policy:
    if not by.has_perm(APPROVE):
        raise ServiceError(
            "Only the Practice Administrator or the Compliance Officer can retire a policy."
        )
    with transaction.atomic():
        locked = Policy.objects.select_for_update().get(pk=policy.pk)
        if locked.current_version_id is None:
            raise ServiceError("This policy has no version in force to retire.")
        PolicyVersion.objects.filter(pk=locked.current_version_id).update(
            status=VersionStatus.RETIRED
        )
        locked.current_version = None
        locked.save(update_fields=["current_version"])
        audit.record("praxis.compliance.policy_version.retired", obj=locked)
    return locked


def must_read(policy: Policy, user: User) -> bool:
    return bool(set(policy.roles) & {role.slug for role in roles_of(user)})


def policy_acknowledge(
    *, policy: Policy, user: User, version_id: int | None = None
) -> Acknowledgment:
    """The person has read the version in force; one click, stamped and audited. A second
    click changes nothing. ``version_id`` is the version the person read (the page sends it):
    when a newer one was published meanwhile, they are asked to read that one first."""
    if policy.current_version_id is None:
        raise ServiceError("This policy has no approved version to acknowledge.")
    if version_id is not None and version_id != policy.current_version_id:
        raise ServiceError(
            "A newer version of this policy was published since you opened it: read it, "
            "then acknowledge."
        )
    if not must_read(policy, user):
        raise ServiceError("This policy is not one your roles are asked to acknowledge.")
    existing = Acknowledgment.objects.filter(
        version_id=policy.current_version_id, user=user
    ).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            ack = Acknowledgment.objects.create(version_id=policy.current_version_id, user=user)
            _audit_acknowledged(policy, user)
    except IntegrityError:  # a second click that raced the first: the first one counts
        return Acknowledgment.objects.get(version_id=policy.current_version_id, user=user)
    return ack


def _audit_acknowledged(policy: Policy, user: User) -> None:
    audit.record(
        "praxis.compliance.policy.acknowledged",
        obj=policy,
        details={"version_id": policy.current_version_id},
        actor=user,
    )


def _enqueue_reminder(user_id: int, policy_id: int) -> None:
    from .tasks import send_policy_reminder

    send_policy_reminder.enqueue(user_id=user_id, policy_id=policy_id)


def reminders_send(
    *, policy: Policy, pending: Iterable[User], by: User, today: date
) -> tuple[int, int]:
    """E-mail everyone in ``pending`` (who have not acknowledged the version in force), at most
    once a day per person and version: (sent, already reminded today)."""
    if policy.current_version_id is None:
        raise ServiceError("This policy has no approved version to remind anyone of.")
    sent = skipped = 0
    with transaction.atomic():
        for user in pending:
            try:
                with transaction.atomic():
                    AcknowledgmentReminder.objects.create(
                        version_id=policy.current_version_id, user=user, sent_on=today, sent_by=by
                    )
            except IntegrityError:
                skipped += 1
                continue
            sent += 1
            transaction.on_commit(partial(_enqueue_reminder, user.pk, policy.pk))
        if sent:
            audit.record("praxis.compliance.policy.reminded", obj=policy, details={"sent": sent})
    return sent, skipped
