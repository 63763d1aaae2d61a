"""Encounters (superbills): what was done for a patient on a date of service, coded with the
diagnoses (ICD-10-CM) and the charge lines (procedure codes, units, modifiers, pointers) that the
ledger posts once the encounter is ready."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone

from praxis.core.models import Location, Practice, User
from praxis.core.money import DECIMAL_PLACES, MAX_DIGITS
from praxis.patients.models import Coverage, Patient
from praxis.scheduling.models import Appointment, Provider

from ..constants import PLACES_OF_SERVICE
from .codes import MAX_UNITS, ProcedureCode

MAX_DIAGNOSES = 12  # the 837P's HI segment carries twelve
MAX_POINTERS = 4
MAX_MODIFIERS = 4
OFFICE = "11"


class Encounter(models.Model):
    """One superbill: draft → coded (diagnoses and lines set) → ready (charges posted to the
    ledger) → billed (on a claim). Voided: set aside (a ready one's charges reversed), kept as
    it was; a replacement may point back at it (``replaces``)."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        CODED = "coded", "Coded"
        READY = "ready", "Ready to bill"
        BILLED = "billed", "Billed"
        VOIDED = "voided", "Voided"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="encounters")
    # A visit has at most one encounter that is not voided (the constraint below); a voided
    # one keeps its link, so the visit's history shows the encounter and its replacement.
    appointment = models.ForeignKey(
        Appointment, on_delete=models.PROTECT, null=True, blank=True, related_name="encounters"
    )
    date_of_service = models.DateField()
    rendering_provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    billing_provider = models.ForeignKey(Provider, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    place_of_service = models.CharField(
        max_length=2, choices=sorted(PLACES_OF_SERVICE.items()), default=OFFICE
    )
    coverage = models.ForeignKey(
        Coverage,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty: self-pay.",
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.DRAFT)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    replaces = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="replaced_by"
    )
    void_reason = models.CharField(max_length=200, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)
    voided_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_encounters", "See encounters and the visits-to-bill queue"),
            ("code_encounters", "Open, code, mark ready and void encounters"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["appointment"],
                condition=~models.Q(status="voided"),
                name="encounter_one_live_per_visit",
            ),
        ]
        indexes = [
            models.Index(fields=["practice", "date_of_service"], name="encounter_practice_dos"),
            models.Index(fields=["patient", "date_of_service"], name="encounter_patient_dos"),
            # the queue: the practice's encounters not yet ready, oldest first
            models.Index(fields=["practice", "status", "date_of_service"], name="encounter_queue"),
        ]
        ordering = ["date_of_service", "pk"]

    def __str__(self) -> str:
        return f"Encounter {self.pk} on {self.date_of_service:%m/%d/%Y}"


class EncounterDiagnosis(models.Model):
    """The encounter's diagnoses in order (position 1 is the primary), stored without the dot."""

    encounter = models.ForeignKey(Encounter, on_delete=models.CASCADE, related_name="diagnoses")
    position = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_DIAGNOSES)]
    )
    code = models.CharField(max_length=7)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "position"], name="encounter_diagnosis_position_once"
            ),
            models.CheckConstraint(
                condition=models.Q(position__gte=1, position__lte=MAX_DIAGNOSES),
                name="encounter_diagnosis_position_range",
            ),
        ]
        ordering = ["encounter", "position"]

    def __str__(self) -> str:
        return f"{self.position}: {self.code}"


class ChargeLine(models.Model):
    """One service line: a procedure code, up to four modifiers, units, up to four pointers to
    the encounter's diagnoses, and the amount the fee schedule gave it when it was coded."""

    encounter = models.ForeignKey(Encounter, on_delete=models.PROTECT, related_name="lines")
    line_number = models.PositiveSmallIntegerField()
    procedure_code = models.ForeignKey(ProcedureCode, on_delete=models.PROTECT, related_name="+")
    modifiers = models.JSONField(default=list, blank=True)  # ["25", "59"]: up to four
    units = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(MAX_UNITS)]
    )
    diagnosis_pointers = models.JSONField(default=list)  # [1, 3]: positions, one to four
    unit_fee = models.DecimalField(max_digits=MAX_DIGITS, decimal_places=DECIMAL_PLACES)
    amount = models.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        help_text="unit fee times units, rounded once to the cent",
    )
    ndc = models.CharField("NDC", max_length=11, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["encounter", "line_number"], name="charge_line_number_once"
            ),
            models.CheckConstraint(condition=models.Q(units__gt=0), name="charge_line_units"),
        ]
        ordering = ["encounter", "line_number"]

    def __str__(self) -> str:
        return f"Line {self.line_number} {self.procedure_code_id}"
