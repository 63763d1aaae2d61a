"""Credentials: licenses, registrations, certifications and payer enrollments, with their dates,
who verified them and an optional scanned copy; and the reminders sent before they expire."""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from praxis.core.constants import US_STATES
from praxis.core.models import Practice, User
from praxis.patients.models import Payer

from .records import StaffMember


class Credential(models.Model):
    class Kind(models.TextChoices):
        STATE_LICENSE = "state_license", "State license"
        DEA = "dea", "DEA registration"
        BOARD = "board", "Board certification"
        CPR_BLS = "cpr_bls", "CPR/BLS"
        ACHE = "ache", "ACHE certification"
        HFMA = "hfma", "HFMA certification"
        PAYER_ENROLLMENT = "payer_enrollment", "Payer enrollment"

    class Method(models.TextChoices):
        PRIMARY_SOURCE = "primary_source", "Primary source (board or registry website)"
        DOCUMENT = "document", "Original document seen"
        PAYER = "payer", "Payer confirmation"
        OTHER = "other", "Other"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="credentials")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    number = models.CharField(max_length=64)
    issuer = models.CharField(max_length=128, blank=True)
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_on = models.DateField(null=True, blank=True)
    expires_on = models.DateField(null=True, blank=True)
    verified_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    verification_method = models.CharField(max_length=16, choices=Method.choices, blank=True)
    verification_note = models.CharField(max_length=200, blank=True)
    # The scanned copy, stored like a patient document: checked by content, a generated name.
    original_filename = models.CharField(max_length=255, blank=True)
    stored_name = models.CharField(max_length=32, blank=True, editable=False)
    content_type = models.CharField(max_length=64, blank=True)
    size = models.PositiveIntegerField(null=True, blank=True)
    sha256 = models.CharField("SHA-256", max_length=64, blank=True)
    added_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        default_permissions = ()
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="credential_expires_after_issue",
                violation_error_message="The expiry date is before the issue date.",
            ),
            # One number per kind and state (a license, a DEA registration) and per payer (an
            # enrollment): a second row with the same number is a typing slip or a copy.
            models.UniqueConstraint(
                fields=["practice", "kind", "state", "number"],
                condition=~models.Q(kind="payer_enrollment"),
                name="credential_number_unique",
                violation_error_message="This number is already on file.",
            ),
            models.UniqueConstraint(
                fields=["practice", "payer", "number"],
                condition=models.Q(kind="payer_enrollment"),
                name="credential_enrollment_unique",
                violation_error_message="This enrollment number is already on file.",
            ),
        ]
        ordering = ["kind", "expires_on", "id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"

    @property
    def storage_path(self) -> str:
        return f"staff-credentials/{self.stored_name}"


class CredentialReminder(models.Model):
    """One reminder sent for one threshold (90, 60 or 30 days): the unique row is the claim that
    keeps a second run of the daily job from sending it again."""

    credential = models.ForeignKey(Credential, on_delete=models.CASCADE, related_name="reminders")
    days_before = models.PositiveSmallIntegerField()
    expires_on = models.DateField()  # a renewed credential's new date gets its own reminders
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["credential", "expires_on", "days_before"], name="credential_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.days_before}-day reminder for credential {self.credential_id}"


class StaffSettings(models.Model):
    """The practice's choices for the staff app (one row, made when first changed)."""

    class Gate(models.TextChoices):
        WARN = "warn", "Warn the front desk, and book"
        BLOCK = "block", "Refuse the booking"

    practice = models.OneToOneField(Practice, on_delete=models.CASCADE, related_name="+")
    booking_gate = models.CharField(
        "when a provider's state license is expired or missing",
        max_length=8,
        choices=Gate.choices,
        default=Gate.WARN,
    )

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Staff settings of practice {self.practice_id}"
