"""Staff records: who works for the practice, in what position, and what they are paid."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from praxis.core.models import Location, Practice, User
from praxis.core.money import DECIMAL_PLACES, MAX_DIGITS, ZERO
from praxis.core.validators import validate_npi


class Position(models.Model):
    """A job the practice has, with the yearly salary it compares its people's pay against
    (a published average or the practice's own figure)."""

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="positions")
    title = models.CharField(max_length=128)
    salary_benchmark = models.DecimalField(
        "yearly salary benchmark",
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO)],
        help_text="A yearly figure to compare pay against, e.g. a published average.",
    )
    benchmark_source = models.CharField(max_length=200, blank=True)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint("practice", Lower("title"), name="position_title_unique")
        ]
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class StaffMember(models.Model):
    """One person who works for the practice, with or without a sign-in. A provider's record
    carries their individual NPI: that is how scheduling and claims find their credentials."""

    class EmploymentType(models.TextChoices):
        FULL_TIME = "full_time", "Full-time"
        PART_TIME = "part_time", "Part-time"
        CONTRACTOR = "contractor", "Contractor"
        PER_DIEM = "per_diem", "Per diem"

    class Status(models.TextChoices):
        ONBOARDING = "onboarding", "Onboarding"
        ACTIVE = "active", "Active"
        ON_LEAVE = "on_leave", "On leave"
        SEPARATED = "separated", "Separated"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="staff")
    user = models.OneToOneField(
        User,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff_record",
        help_text="Their sign-in, if they have one.",
    )
    full_name = models.CharField(max_length=128)
    email = models.EmailField(blank=True, help_text="For credential reminders without a sign-in.")
    job_title = models.CharField(max_length=128)
    position = models.ForeignKey(
        Position, on_delete=models.PROTECT, null=True, blank=True, related_name="members"
    )
    department = models.CharField(max_length=64, blank=True)
    employment_type = models.CharField(
        max_length=16, choices=EmploymentType.choices, default=EmploymentType.FULL_TIME
    )
    fte = models.DecimalField(
        "FTE",
        max_digits=3,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(Decimal("1.00"))],
        help_text="1.00 is full time; 0.50 half time.",
    )
    manager = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="reports"
    )
    hire_date = models.DateField()
    locations = models.ManyToManyField(Location, blank=True, related_name="staff")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    npi = models.CharField(
        "individual NPI",
        max_length=10,
        blank=True,
        validators=[validate_npi],
        help_text="Providers only: links the record to their schedule and claims.",
    )
    history = HistoricalRecords(excluded_fields=["locations"])

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_staff", "See staff records and credentials"),
            ("manage_staff", "Add and change staff records, credentials and separations"),
            ("view_compensation", "See and record pay"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["practice", "npi"],
                condition=~models.Q(npi=""),
                name="staff_npi_unique",
            ),
        ]
        ordering = ["full_name", "id"]

    def __str__(self) -> str:
        return self.full_name


class Compensation(models.Model):
    """Pay from a date on: the latest effective one on or before a day is the pay that day."""

    class PayType(models.TextChoices):
        HOURLY = "hourly", "Hourly"
        SALARY = "salary", "Salary (yearly)"

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="pay")
    pay_type = models.CharField(max_length=8, choices=PayType.choices)
    rate = models.DecimalField(
        max_digits=MAX_DIGITS,
        decimal_places=DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text="Dollars an hour, or a year for a salary.",
    )
    effective_from = models.DateField()
    note = models.CharField(max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "effective_from"], name="compensation_one_per_day"
            )
        ]
        ordering = ["-effective_from", "-id"]

    def __str__(self) -> str:
        return f"{self.get_pay_type_display()} pay of {self.staff_id} from {self.effective_from}"


class Separation(models.Model):
    """The end of someone's work for the practice: the record stays; the sign-in ends on the
    effective day (or at once)."""

    class Kind(models.TextChoices):
        RESIGNATION = "resignation", "Resignation"
        TERMINATION = "termination", "Termination"

    staff = models.ForeignKey(StaffMember, on_delete=models.PROTECT, related_name="separations")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    reason = models.CharField(max_length=500)
    last_day = models.DateField()
    effective_on = models.DateField(help_text="The day access ends.")
    offboarding_notes = models.TextField(blank=True)
    recorded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    applied_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        default_permissions = ()
        ordering = ["-recorded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of {self.staff_id}"
