"""Code sets: ICD-10-CM (installation-wide public data, one table per release) and the
practice's own procedure codes (CPT/HCPCS, with the practice's descriptions: the AMA's CPT text is
not shipped)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from praxis.core.models import Practice

# Text a spreadsheet would run as a formula when the cell is opened (OWASP CSV injection).
FORMULA_START = ("=", "+", "-", "@")
PROCEDURE_CODE = re.compile(r"[0-9]{5}|[A-Z][0-9]{4}|[0-9]{4}[FTU]")
ICD10_CODE = re.compile(r"[A-Z][0-9][0-9A-Z]{0,5}")
MAX_UNITS = 999


def validate_procedure_code(value: str) -> None:
    if not PROCEDURE_CODE.fullmatch(value):
        raise ValidationError(
            "A procedure code is 5 characters: 5 digits (99213), a letter and 4 digits (G0439), "
            "or 4 digits and F, T or U (3074F).",
            code="procedure_code",
        )


def validate_not_formula(value: str) -> None:
    if value.startswith(FORMULA_START):
        raise ValidationError(
            f"Text may not start with {value[0]!r}: a spreadsheet would read it as a formula.",
            code="formula",
        )


def search_text(description: str) -> str:
    """The description as word search reads it: lower case, words separated by one space, with a
    space in front so that " diab" finds the words that start with "diab"."""
    return " " + " ".join(re.findall(r"[a-z0-9]+", description.lower()))


class Icd10Release(models.Model):
    """One release of ICD-10-CM as it was loaded; the one in force on a date is the latest whose
    ``effective_from`` is on or before it (``effective_to`` is kept as the day before the next)."""

    label = models.CharField(max_length=80)
    source = models.CharField(max_length=255, help_text="The file or package it was loaded from.")
    effective_from = models.DateField(unique=True)
    effective_to = models.DateField(null=True, blank=True)
    code_count = models.PositiveIntegerField(default=0)
    loaded_at = models.DateTimeField()

    class Meta:
        default_permissions = ()
        ordering = ["effective_from"]

    def __str__(self) -> str:
        return self.label


class Icd10Code(models.Model):
    """A code of one release, stored without its dot (E119, shown E11.9). ``billable``: a leaf
    code, the only kind a claim may carry."""

    release = models.ForeignKey(Icd10Release, on_delete=models.PROTECT, related_name="codes")
    code = models.CharField(max_length=7)
    description = models.CharField(max_length=400)
    billable = models.BooleanField()
    # search_text(description): word search matches " word" in it (a trigram index on PostgreSQL)
    search_text = models.CharField(max_length=420)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(fields=["release", "code"], name="icd10_code_once_per_release"),
        ]
        indexes = [
            models.Index(fields=["code", "release"], name="icd10_code_release"),
            # a code prefix within a release ("E11%"): LIKE uses it on PostgreSQL in any collation
            models.Index(
                fields=["release", "code"],
                name="icd10_release_code_prefix",
                opclasses=["int8_ops", "varchar_pattern_ops"],
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dotted} {self.description}"

    @property
    def dotted(self) -> str:
        return dotted(self.code)


def dotted(code: str) -> str:
    return code if len(code) <= 3 else f"{code[:3]}.{code[3:]}"


class ProcedureCode(models.Model):
    """A CPT or HCPCS code the practice bills, described in the practice's own words."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="procedure_codes")
    code = models.CharField(max_length=5, validators=[validate_procedure_code])
    description = models.CharField(
        max_length=200,
        validators=[validate_not_formula],
        help_text="In your own words, as your staff should see it.",
    )
    default_units = models.PositiveSmallIntegerField(
        default=1, validators=[MinValueValidator(1), MaxValueValidator(MAX_UNITS)]
    )
    active_from = models.DateField()
    active_to = models.DateField(
        null=True, blank=True, help_text="Leave empty while the code is in use."
    )

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_codes", "See code sets and the fee schedule"),
            ("manage_codes", "Maintain procedure codes and the fee schedule"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "code"], name="procedure_code_once_per_practice"
            ),
        ]
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.description}"

    def clean(self) -> None:
        if self.active_to and self.active_from and self.active_to < self.active_from:
            raise ValidationError({"active_to": "The last day comes before the first."})
