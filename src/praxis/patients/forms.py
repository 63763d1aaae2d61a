"""Forms for the patient pages. They parse what was typed; the rules (dates of birth, coverage
dates, overlapping coverages, duplicates, file types) live in the models and services, whose
errors the views put back next to the fields (``core.forms.refusals_shown_on``)."""

from __future__ import annotations

from typing import Any

from django import forms

from praxis.core.forms import Sections
from praxis.core.validators import normalize_phone

from .coverages import COVERAGE_FIELDS
from .models import Coverage, Patient, PatientDocument, Payer
from .payers import PAYER_FIELDS
from .registration import DEMOGRAPHIC_FIELDS, PATIENT_UPDATE_FIELDS

# 02/03/2001 is February 3rd, as written in the US; two-digit years are refused (is "45" 1945?).
DATE_FORMATS = ["%Y-%m-%d", "%m/%d/%Y"]


def date_field(**kwargs: Any) -> forms.DateField:
    return forms.DateField(
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class _PhoneFields:
    """Phone numbers are typed in any format and kept as E.164."""

    cleaned_data: dict[str, Any]

    def _phone(self, name: str) -> str:
        value = self.cleaned_data.get(name, "")
        return normalize_phone(value) if value else ""

    def clean_phone(self) -> str:
        return self._phone("phone")

    def clean_emergency_contact_phone(self) -> str:
        return self._phone("emergency_contact_phone")


class PatientForm(Sections, _PhoneFields, forms.ModelForm[Patient]):
    SECTIONS = (
        (
            "Identity",
            (
                "confirm_duplicate",
                "legal_first_name",
                "legal_middle_name",
                "legal_last_name",
                "preferred_name",
                "date_of_birth",
                "sex",
                "gender_identity",
                "preferred_language",
                "status",
            ),
        ),
        (
            "Contact",
            ("phone", "email", "address_line1", "address_line2", "city", "state", "postal_code"),
        ),
        ("May we contact them?", ("consent_sms", "consent_email", "consent_voicemail")),
        (
            "Emergency contact",
            ("emergency_contact_name", "emergency_contact_phone", "emergency_contact_relationship"),
        ),
        ("Responsible party", ("guarantor_name", "guarantor_relationship")),
        ("How they found us", ("referral_source",)),
    )
    date_of_birth = date_field(label="Date of birth", help_text="e.g. 02/03/2001")

    class Meta:
        model = Patient
        fields = PATIENT_UPDATE_FIELDS
        widgets = {"email": forms.EmailInput(attrs={"autocomplete": "off"})}
        labels = {
            "email": "E-mail",
            "guarantor_relationship": "Responsible party's relationship to the patient",
            "emergency_contact_relationship": "Relationship to the patient",
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["phone"].help_text = "Any format, e.g. (802) 555-0142."
        self.fields["preferred_name"].help_text = "What the patient likes to be called."
        self.fields["gender_identity"].help_text = "In the patient's own words; may stay empty."


class RegisterForm(PatientForm):
    # First, so that after a duplicate warning the box sits right under the records to check.
    field_order = ["confirm_duplicate"]

    confirm_duplicate = forms.BooleanField(
        required=False,
        label="I checked the records above: this is a new patient",
    )

    class Meta(PatientForm.Meta):
        fields = DEMOGRAPHIC_FIELDS


class PayerForm(forms.ModelForm[Payer]):
    class Meta:
        model = Payer
        fields = PAYER_FIELDS

    def clean_edi_payer_id(self) -> str:
        return str(self.cleaned_data.get("edi_payer_id", "")).strip().upper()


class CoverageForm(forms.ModelForm[Coverage]):
    effective_date = date_field()
    end_date = date_field(required=False, help_text="Leave empty while the coverage lasts.")
    subscriber_date_of_birth = date_field(
        required=False, label="Subscriber's date of birth", help_text="When not the patient."
    )

    class Meta:
        model = Coverage
        fields = COVERAGE_FIELDS

    def __init__(self, *args: Any, payers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        payer_field = self.fields["payer"]
        assert isinstance(payer_field, forms.ModelChoiceField)
        payer_field.queryset = payers
        self.fields["subscriber_name"].help_text = "When the patient is not the subscriber."


class CoverageEndForm(forms.Form):
    end_date = date_field(label="Last day of coverage")


class EligibilityForm(forms.Form):
    status = forms.ChoiceField(
        label="Result",
        choices=[
            (value, label)
            for value, label in Coverage.Eligibility.choices
            if value != Coverage.Eligibility.UNVERIFIED
        ],
    )
    note = forms.CharField(
        required=False,
        max_length=255,
        help_text="e.g. the payer's reference number, copay, who you spoke to.",
    )


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label="Document", choices=PatientDocument.Kind.choices)
    file = forms.FileField(
        help_text="PDF, PNG or JPEG.",
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}),
    )


class SearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=200,
        label="Find a patient",
        widget=forms.TextInput(
            attrs={
                "type": "search",
                "autocomplete": "off",
                "placeholder": "Name, date of birth, MRN or phone",
            }
        ),
    )


class MergeForm(forms.Form):
    CONFIRM = "confirm"

    step = forms.CharField(required=False, widget=forms.HiddenInput)
    duplicate_mrn = forms.CharField(
        max_length=20,
        label="MRN of the duplicate record",
        help_text="The record that will be merged into this one and closed.",
    )
    confirm = forms.BooleanField(
        required=False,
        label="I understand that merging cannot be undone",
    )
