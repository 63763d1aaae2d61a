"""The fee schedule: what the practice charges for a code (the standard fee) and what each payer
is expected to allow for it (the contracted fee), each for a range of dates."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models

from praxis.core.models import Practice
from praxis.core.money import DECIMAL_PLACES, MAX_DIGITS, ZERO
from praxis.patients.models import Payer

from ..constants import MODIFIER_CHOICES
from .codes import ProcedureCode


class Fee(models.Model):
    """One amount for (code, modifier, payer) from ``effective_from`` to ``effective_to``
    (empty: until further notice). No payer: the practice's standard fee. The ranges of one
    (code, modifier, payer) never overlap (``fees.fee_create`` checks, under a lock)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="fees")
    procedure_code = models.ForeignKey(ProcedureCode, on_delete=models.PROTECT, related_name="fees")
    modifier = models.CharField(max_length=2, blank=True, choices=MODIFIER_CHOICES)
    payer = models.ForeignKey(
        Payer,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fees",
        help_text="Empty: your standard fee. A payer: the amount it is expected to allow.",
    )
    amount = models.DecimalField(
        max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES, validators=[MinValueValidator(ZERO)]
    )
    effective_from = models.DateField()
    effective_to = models.DateField(
        null=True, blank=True, help_text="Leave empty while the fee holds."
    )

    class Meta:
        default_permissions = ()
        indexes = [
            models.Index(fields=["practice", "procedure_code", "payer"], name="fee_lookup"),
        ]
        ordering = ["procedure_code__code", "modifier", "payer__name", "effective_from"]

    def __str__(self) -> str:
        return f"{self.procedure_code.code} {self.amount}"

    def clean(self) -> None:
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            raise ValidationError({"effective_to": "The last day comes before the first."})
