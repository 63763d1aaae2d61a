"""The double-entry ledger: journal entries of balanced signed lines (debit positive, credit
negative; every entry sums to zero), immutable once posted (database triggers), and the open
items: one row per charge line holding what is still owed on it by the patient and by the
insurance, changed in the same transaction as every entry that touches the line."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from praxis.core.models import Practice, User
from praxis.core.money import DECIMAL_PLACES, MAX_DIGITS, ZERO
from praxis.patients.models import Patient, Payer

from .encounters import ChargeLine


class Account(models.TextChoices):
    """The chart of accounts: small and fixed."""

    AR_PATIENT = "ar_patient", "Accounts receivable: patients"
    AR_INSURANCE = "ar_insurance", "Accounts receivable: insurance"
    REVENUE = "revenue", "Patient service revenue"
    CONTRACTUAL_ADJUSTMENT = "contractual_adjustment", "Contractual adjustments"
    WRITE_OFF = "write_off", "Write-offs"
    CASH = "cash", "Cash and deposits"
    UNAPPLIED_CREDIT = "unapplied_credit", "Unapplied patient credit"
    REFUNDS_PAYABLE = "refunds_payable", "Refunds payable"


# The receivable accounts an open item mirrors, and which of its balances each one is.
RECEIVABLES = {Account.AR_PATIENT: "patient_balance", Account.AR_INSURANCE: "insurance_balance"}


class JournalEntry(models.Model):
    class Kind(models.TextChoices):
        CHARGE = "charge", "Charge"
        PAYMENT = "payment", "Payment"
        ADJUSTMENT = "adjustment", "Adjustment"
        WRITE_OFF = "write_off", "Write-off"
        REFUND = "refund", "Refund"
        TRANSFER = "transfer", "Responsibility transfer"
        REVERSAL = "reversal", "Reversal"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    posted_at = models.DateTimeField(default=timezone.now)
    effective_date = models.DateField()
    memo = models.CharField(max_length=255, blank=True)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        default_permissions = ()
        ordering = ["pk"]
        verbose_name_plural = "journal entries"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk}"


class JournalLine(models.Model):
    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="lines")
    account = models.CharField(max_length=32, choices=Account.choices)
    amount = models.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        help_text="Debit positive, credit negative.",
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    charge_line = models.ForeignKey(
        ChargeLine, on_delete=models.PROTECT, null=True, blank=True, related_name="journal_lines"
    )

    class Meta:
        default_permissions = ()
        ordering = ["entry", "pk"]
        constraints = [
            models.CheckConstraint(condition=~models.Q(amount=ZERO), name="journal_line_not_zero"),
        ]
        indexes = [
            models.Index(fields=["patient", "account"], name="journal_line_patient_account"),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.amount}"


class OpenItem(models.Model):
    """What is still owed on one charge line, by the patient and by the insurance; always equal
    to the receivable lines of the journal for that charge line (``praxis ledger check``)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    charge_line = models.OneToOneField(
        ChargeLine, on_delete=models.PROTECT, related_name="open_item"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    payer = models.ForeignKey(
        Payer, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    date_of_service = models.DateField()
    # The day the charge was posted, on the practice's clock: aging "from the billing date".
    billed_on = models.DateField()
    patient_balance = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=ZERO
    )
    insurance_balance = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=ZERO
    )

    class Meta:
        default_permissions = ()
        ordering = ["date_of_service", "charge_line"]
        indexes = [
            models.Index(fields=["patient", "date_of_service"], name="open_item_patient_dos"),
            models.Index(fields=["practice", "date_of_service"], name="open_item_practice_dos"),
            # A/R aging (billing/aging.py) by either basis, per payer or patient.
            models.Index(fields=["practice", "billed_on"], name="open_item_practice_billed"),
            models.Index(fields=["payer", "date_of_service"], name="open_item_payer_dos"),
            models.Index(fields=["payer", "billed_on"], name="open_item_payer_billed"),
            models.Index(fields=["patient", "billed_on"], name="open_item_patient_billed"),
        ]

    def __str__(self) -> str:
        return f"Open item for line {self.charge_line_id}"
