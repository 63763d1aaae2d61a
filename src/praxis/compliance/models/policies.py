"""Policies and procedures: a policy, its versions (a text body or a PDF), and who has
acknowledged which version.

A policy names its audience (``roles``: role slugs from ``praxis.core.roles``). A version names
the roles whose acknowledgment it resets (``affected_roles``, a subset of the audience): when it
is approved, people holding one of those roles must acknowledge it again; everyone else's
acknowledgment of the version before carries over (a row with ``carried_over=True``)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils import timezone

from praxis.core.models import Practice, User


class Category(models.TextChoices):
    HIPAA_PRIVACY = "hipaa_privacy", "HIPAA privacy"
    HIPAA_SECURITY = "hipaa_security", "HIPAA security"
    OSHA = "osha", "OSHA"
    BILLING = "billing", "Billing compliance"
    HR = "hr", "HR"
    CLINICAL = "clinical", "Clinical operations"
    EMERGENCY = "emergency", "Emergency"


class Policy(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=32, choices=Category.choices)
    owner = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    roles = models.JSONField("who must read it", default=list)
    # The approved version in force (None until the first approval, or once retired).
    current_version = models.ForeignKey(
        "PolicyVersion", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        ordering = ["category", "title", "id"]
        permissions = [
            ("view_policies", "Read policies and acknowledge them"),
            ("manage_policies", "Write policy drafts, see acknowledgments, send reminders"),
            ("approve_policies", "Approve (publish) and retire policy versions"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "title"], name="compliance_policy_unique_title"
            )
        ]

    def __str__(self) -> str:
        return self.title


class VersionStatus(models.TextChoices):
    DRAFT = "draft", "Draft"
    IN_REVIEW = "in_review", "In review"
    APPROVED = "approved", "Approved"
    RETIRED = "retired", "Retired"


class PolicyVersion(models.Model):
    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=16, choices=VersionStatus.choices, default=VersionStatus.DRAFT
    )
    body = models.TextField(blank=True)
    change_summary = models.CharField("what changed", max_length=500, blank=True)
    affected_roles = models.JSONField("roles that must acknowledge again", default=list)
    # An uploaded PDF instead of (or besides) the text: stored under a generated name.
    original_filename = models.CharField(max_length=255, blank=True)
    stored_name = models.CharField(max_length=32, blank=True)
    size = models.PositiveIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    effective_date = models.DateField(null=True, blank=True)
    next_review_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    approved_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["policy_id", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["policy", "number"], name="compliance_version_unique_number"
            ),
            models.UniqueConstraint(
                fields=["stored_name"],
                condition=~Q(stored_name=""),
                name="compliance_version_unique_file",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.policy} v{self.number}"

    @property
    def storage_path(self) -> str:
        return f"policy-documents/{self.stored_name}"

    @property
    def has_file(self) -> bool:
        return bool(self.stored_name)


class Acknowledgment(models.Model):
    version = models.ForeignKey(
        PolicyVersion, on_delete=models.PROTECT, related_name="acknowledgments"
    )
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    acknowledged_at = models.DateTimeField(default=timezone.now)
    # Kept from the version before, because this version's changes did not concern their roles.
    carried_over = models.BooleanField(default=False)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user"], name="compliance_ack_once_per_version"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} acknowledged version {self.version_id}"


class AcknowledgmentReminder(models.Model):
    """One reminder e-mail per person, version and day: the unique row is the throttle."""

    version = models.ForeignKey(PolicyVersion, on_delete=models.PROTECT, related_name="+")
    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    sent_on = models.DateField()
    sent_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["version", "user", "sent_on"], name="compliance_reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"Reminder to {self.user_id} on {self.sent_on}"
