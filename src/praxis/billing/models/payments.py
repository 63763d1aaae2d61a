"""Money taken (and given back) at the front desk: one ``Payment`` row beside the journal entry
each one posted, numbered per practice for its receipt; and the days a practice has closed."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from praxis.core.models import Location, Practice, User
from praxis.core.money import DECIMAL_PLACES, MAX_DIGITS
from praxis.patients.models import Patient

from .ledger import JournalEntry

METHODS = (
    ("cash", "Cash"),
    ("check", "Check"),
    ("card_reference", "Card (terminal reference)"),
)


class ReceiptSequence(models.Model):
    """The last receipt number handed out in a practice: one row, bumped by one upsert
    statement inside the payment's transaction (``payments.next_receipt_number``)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"Receipt sequence of practice {self.practice_id}"


class Payment(models.Model):
    """A payment taken at the desk, or a refund handed back (``kind``); ``amount`` is always
    positive. The journal entry holds what it was applied to; this row holds who, where, how and
    the receipt number."""

    class Kind(models.TextChoices):
        PAYMENT = "payment", "Payment"
        REFUND = "refund", "Refund"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    number = models.PositiveIntegerField(help_text="The receipt number, per practice.")
    kind = models.CharField(max_length=8, choices=Kind.choices, default=Kind.PAYMENT)
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    amount = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    method = models.CharField(max_length=16, choices=METHODS)
    reference = models.CharField(
        max_length=64, blank=True, help_text="A check number or a card terminal's reference."
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    taken_at = models.DateTimeField(default=timezone.now)
    effective_date = models.DateField()
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="payment")
    idempotency_key = models.CharField(max_length=255, blank=True)
    request_fingerprint = models.CharField(max_length=64, blank=True)

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_accounts", "See patient accounts, payments and the day sheet"),
            ("take_payments", "Take patient payments and apply credit"),
            ("refund_payments", "Refund a patient's unapplied credit"),
            ("close_day", "Close a day's books"),
        ]
        ordering = ["-taken_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "number"], name="payment_receipt_number_once"
            ),
            models.UniqueConstraint(
                fields=["practice", "idempotency_key"],
                condition=~models.Q(idempotency_key=""),
                name="payment_idempotency_key_once",
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive"),
        ]
        indexes = [
            models.Index(fields=["practice", "effective_date"], name="payment_practice_day"),
            models.Index(fields=["patient", "taken_at"], name="payment_patient_taken"),
        ]

    def __str__(self) -> str:
        return f"Receipt {self.number}"


class DayClose(models.Model):
    """A day (on the practice's clock) whose books are closed: nothing posts into it again. The
    totals are what the day sheet showed when it was closed."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    closed_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    closed_at = models.DateTimeField(default=timezone.now)
    payments_count = models.PositiveIntegerField(default=0)
    payments_total = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0
    )
    refunds_total = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, default=0
    )
    note = models.CharField(max_length=255, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-day"]
        constraints = [
            models.UniqueConstraint(fields=["practice", "day"], name="day_close_once"),
        ]

    def __str__(self) -> str:
        return f"Closed {self.day}"
