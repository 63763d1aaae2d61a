"""Patients, their insurance coverages and the payers behind them, and the documents a
practice scans for them (insurance cards, photo ids, signed consent forms)."""

from __future__ import annotations

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.models import HistoricalRecords

from praxis.core.constants import US_STATES
from praxis.core.models import Practice, User, address_text
from praxis.core.validators import validate_phone, validate_postal_code, validate_x12_text

# MRNs are a per-practice sequence starting here: always at least six digits, and never a leading
# zero for a spreadsheet to strip.
FIRST_MRN = 100001
OLDEST_BIRTH_DATE = date(1900, 1, 1)


def validate_edi_payer_id(value: str) -> None:
    if value and not re.fullmatch(r"[A-Z0-9]{2,20}", value):
        raise ValidationError(
            "An EDI payer id is 2 to 20 letters and digits, e.g. 00430 or SX107.",
            code="edi_payer_id",
        )


def validate_birth_date(value: date) -> None:
    if value > timezone.localdate():
        raise ValidationError("The date of birth is in the future.", code="dob_future")
    if value < OLDEST_BIRTH_DATE:
        raise ValidationError("Check the year of the date of birth.", code="dob_too_old")


class Payer(models.Model):
    class Kind(models.TextChoices):
        COMMERCIAL = "commercial", "Commercial"
        MEDICARE = "medicare", "Medicare"
        MEDICAID = "medicaid", "Medicaid"
        SELF_PAY = "self_pay", "Self-pay"
        OTHER = "other", "Other"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="payers")
    name = models.CharField(max_length=128, validators=[validate_x12_text])
    edi_payer_id = models.CharField(
        "EDI payer id",
        max_length=20,
        blank=True,
        validators=[validate_edi_payer_id],
        help_text="The id your clearinghouse uses for this payer; empty for paper claims.",
    )
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.COMMERCIAL)
    is_active = models.BooleanField(default=True)

    class Meta:
        default_permissions = ()
        permissions = [("manage_payers", "Maintain the list of payers")]
        constraints = [models.UniqueConstraint("practice", Lower("name"), name="payer_name_unique")]
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Patient(models.Model):
    class Status(models.TextChoices):
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        DECEASED = "deceased", "Deceased"

    class Sex(models.TextChoices):  # administrative sex, as payers require it
        FEMALE = "F", "Female"
        MALE = "M", "Male"
        UNKNOWN = "U", "Unknown"

    practice = models.ForeignKey(Practice, on_delete=models.PROTECT, related_name="patients")
    mrn = models.CharField("MRN", max_length=20, editable=False)
    # Legal names, the address and the coverage's identifiers go into payer files: held to the
    # X12 character set (accents folded) at entry. The preferred name never leaves the practice
    # and stays free.
    legal_first_name = models.CharField(
        "legal first name", max_length=64, validators=[validate_x12_text]
    )
    legal_middle_name = models.CharField(
        "middle name", max_length=64, blank=True, validators=[validate_x12_text]
    )
    legal_last_name = models.CharField(
        "legal last name", max_length=64, validators=[validate_x12_text]
    )
    preferred_name = models.CharField(max_length=64, blank=True)
    # Folded (lower case, accents removed) "last first preferred" for accent-insensitive search,
    # kept by the service that writes names; an index serves prefix searches on both databases.
    search_name = models.CharField(max_length=200, editable=False, db_index=True)
    date_of_birth = models.DateField(db_index=True, validators=[validate_birth_date])
    sex = models.CharField("sex (administrative)", max_length=1, choices=Sex.choices)
    gender_identity = models.CharField(max_length=64, blank=True)
    phone = models.CharField(max_length=20, blank=True, validators=[validate_phone], db_index=True)
    email = models.EmailField(blank=True)
    address_line1 = models.CharField(
        "address", max_length=128, blank=True, validators=[validate_x12_text]
    )
    address_line2 = models.CharField(
        "address line 2", max_length=128, blank=True, validators=[validate_x12_text]
    )
    city = models.CharField(max_length=64, blank=True, validators=[validate_x12_text])
    state = models.CharField(max_length=2, choices=US_STATES, blank=True)
    postal_code = models.CharField(
        "ZIP code", max_length=10, blank=True, validators=[validate_postal_code]
    )
    preferred_language = models.CharField(max_length=32, default="English")
    consent_sms = models.BooleanField("may text", default=False)
    consent_email = models.BooleanField("may e-mail", default=False)
    consent_voicemail = models.BooleanField("may leave voicemail", default=False)
    # When the answers to the three consents were last recorded (at registration, and whenever
    # one of them changes).
    consents_recorded_at = models.DateTimeField(null=True, blank=True, editable=False)
    emergency_contact_name = models.CharField(max_length=128, blank=True)
    emergency_contact_phone = models.CharField(
        max_length=20, blank=True, validators=[validate_phone]
    )
    emergency_contact_relationship = models.CharField(max_length=32, blank=True)
    guarantor_name = models.CharField(
        "responsible party", max_length=128, blank=True, help_text="Leave empty for self."
    )
    guarantor_relationship = models.CharField(max_length=32, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.ACTIVE)
    referral_source = models.CharField(max_length=128, blank=True)
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="merged_from",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        default_permissions = ()
        permissions = [
            ("view_patient", "Find and view patients"),
            ("manage_patient", "Register patients, edit demographics and coverage"),
            ("merge_patient", "Merge duplicate patient records"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["practice", "mrn"], name="patient_mrn_unique"),
        ]
        indexes = [models.Index(fields=["practice", "search_name"], name="patient_search")]
        ordering = ["legal_last_name", "legal_first_name"]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    def clean(self) -> None:
        # A number alone is no emergency contact: whoever calls it must know whom to ask for
        # (and whom they are telling about the patient). So the name is required with a phone,
        # rather than the number shown without one.
        if self.emergency_contact_phone and not self.emergency_contact_name.strip():
            raise ValidationError(
                {
                    "emergency_contact_name": ValidationError(
                        "Give the emergency contact's name with their phone number: whoever "
                        "calls must know whom to ask for.",
                        code="emergency_contact_name",
                    )
                }
            )

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.legal_first_name
        return f"{first} {self.legal_last_name}"

    @property
    def address_text(self) -> str:
        return address_text(self)

    @property
    def legal_name(self) -> str:
        parts = (self.legal_first_name, self.legal_middle_name, self.legal_last_name)
        return " ".join(p for p in parts if p)

    @property
    def is_merged(self) -> bool:
        return self.merged_into_id is not None


class MrnSequence(models.Model):
    """The last MRN handed out in a practice. One row per practice, bumped by a single
    INSERT … ON CONFLICT DO UPDATE … RETURNING statement (``services.next_mrn``)."""

    practice = models.OneToOneField(
        Practice, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    last_number = models.PositiveIntegerField()

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"MRN sequence of practice {self.practice_id}"


class Coverage(models.Model):
    class Priority(models.IntegerChoices):
        PRIMARY = 1, "Primary"
        SECONDARY = 2, "Secondary"
        TERTIARY = 3, "Tertiary"

    class Relationship(models.TextChoices):  # X12 individual relationship codes
        SELF = "18", "Self"
        SPOUSE = "01", "Spouse"
        CHILD = "19", "Child"
        OTHER = "G8", "Other"

    class Eligibility(models.TextChoices):
        UNVERIFIED = "unverified", "Not verified"
        ACTIVE = "active", "Active"
        INACTIVE = "inactive", "Inactive"
        UNKNOWN = "unknown", "Could not determine"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="coverages")
    payer = models.ForeignKey(Payer, on_delete=models.PROTECT, related_name="coverages")
    member_id = models.CharField(max_length=40, validators=[validate_x12_text])
    group_number = models.CharField(max_length=40, blank=True, validators=[validate_x12_text])
    subscriber_name = models.CharField(max_length=128, blank=True, validators=[validate_x12_text])
    subscriber_relationship = models.CharField(
        "patient's relationship to the subscriber",
        max_length=2,
        choices=Relationship.choices,
        default=Relationship.SELF,
    )
    subscriber_date_of_birth = models.DateField(
        null=True, blank=True, validators=[validate_birth_date]
    )
    priority = models.PositiveSmallIntegerField(choices=Priority.choices, default=Priority.PRIMARY)
    effective_date = models.DateField()
    end_date = models.DateField(null=True, blank=True)
    eligibility_status = models.CharField(
        max_length=16, choices=Eligibility.choices, default=Eligibility.UNVERIFIED
    )
    eligibility_checked_at = models.DateTimeField(null=True, blank=True)
    eligibility_checked_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    eligibility_note = models.CharField(max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    history = HistoricalRecords()

    class Meta:
        default_permissions = ()
        ordering = ["priority", "-effective_date"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(end_date__gte=models.F("effective_date")),
                name="coverage_end_after_start",
                violation_error_message="The end date is before the effective date.",
            )
        ]

    def __str__(self) -> str:
        return f"{self.payer} {self.member_id}"

    def in_effect_on(self, day: date) -> bool:
        return self.effective_date <= day and (self.end_date is None or self.end_date >= day)


class PatientDocument(models.Model):
    """A scanned file. The bytes live in the default storage (outside the web root) under a
    generated name; the name the file had on the uploader's computer is kept for display only."""

    class Kind(models.TextChoices):
        INSURANCE_CARD_FRONT = "insurance_card_front", "Insurance card (front)"
        INSURANCE_CARD_BACK = "insurance_card_back", "Insurance card (back)"
        PHOTO_ID = "photo_id", "Photo ID"
        CONSENT_FORM = "consent_form", "Consent form"
        OTHER = "other", "Other"

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    original_filename = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=32, unique=True, editable=False)
    content_type = models.CharField(max_length=64)
    size = models.PositiveIntegerField()
    sha256 = models.CharField("SHA-256", max_length=64)
    uploaded_by = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        default_permissions = ()
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} of patient {self.patient_id}"

    @property
    def storage_path(self) -> str:
        return f"patient-documents/{self.stored_name}"
