"""Claims: an 837P claim built from a ready encounter, its scrubber findings, the practice's
rule switches, the batches (one 837P file per payer) and the practice's control numbers."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from praxis.billing.models import Encounter
from praxis.core.models import Practice, User
from praxis.core.money import DECIMAL_PLACES, MAX_DIGITS
from praxis.patients.models import Coverage, Payer


class ControlSequence(models.Model):
    """The practice's last interchange control number. ISA13 and GS06 of a batch both take the
    next number (one number per file keeps them unique and easy to match with a 999)."""

    practice = models.OneToOneField(Practice, on_delete=models.PROTECT, related_name="+")
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Control number {self.last_number}"


class ClaimBatch(models.Model):
    """One 837P file for one payer: its claims, its control number, its text, its submission."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="+")
    control_number = models.PositiveIntegerField()
    content = models.TextField()
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_to = models.CharField(max_length=255, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "control_number"], name="claim_batch_control_once"
            )
        ]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Batch {self.control_number:09d}"

    @property
    def filename(self) -> str:
        return f"claims-{self.control_number:09d}.837"


class Claim(models.Model):
    """An original (frequency 1) claim to the encounter's payer: draft → scrubbed → batched.
    The later states are named now and reached by later work (acknowledgments, remittances)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SCRUBBED = "scrubbed", "Scrubbed"
        BATCHED = "batched", "In a batch"
        SUBMITTED = "submitted", "Submitted"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"
        PAID = "paid", "Paid"
        DENIED = "denied", "Denied"
        VOID = "void", "Void"

    INACTIVE = (Status.REJECTED, Status.VOID)

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="+")
    coverage = models.ForeignKey(Coverage, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="+")
    frequency = models.CharField(max_length=1, default="1")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    total_charge = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    batch = models.ForeignKey(
        ClaimBatch, on_delete=models.PROTECT, null=True, blank=True, related_name="claims"
    )
    scrubbed_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_claims", "See claims, their findings and batches"),
            ("work_claims", "Create, scrub, batch and submit claims"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["encounter"],
                condition=models.Q(frequency="1") & ~models.Q(status__in=["rejected", "void"]),
                name="claim_one_active_original",
            )
        ]
        indexes = [models.Index(fields=["practice", "status"], name="claim_practice_status")]
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"Claim {self.pk}"

    @property
    def control_number(self) -> str:
        """CLM01, the patient control number that comes back on the 277CA and the 835."""
        return f"PRX{self.pk}"


class ClaimFinding(models.Model):
    """What one scrubber rule found on the claim at its last scrub."""

    class Severity(models.TextChoices):
        ERROR = "error", "Error"
        WARNING = "warning", "Warning"

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="findings")
    rule_id = models.CharField(max_length=32)
    severity = models.CharField(max_length=7, choices=Severity.choices)
    message = models.CharField(max_length=500)
    fix_hint = models.CharField(max_length=500)

    class Meta:
        default_permissions = ()
        ordering = ["claim", "pk"]

    def __str__(self) -> str:
        return f"{self.rule_id}: {self.message}"


class ScrubRuleSetting(models.Model):
    """A practice's switch for one scrubber rule; no row means the rule is on."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    rule_id = models.CharField(max_length=32)
    enabled = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["practice", "rule_id"], name="scrub_rule_once")
        ]

    def __str__(self) -> str:
        return f"{self.rule_id}: {'on' if self.enabled else 'off'}"
