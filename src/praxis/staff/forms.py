"""The staff pages' forms. Ownership (another practice's user, position, manager or location)
is limited by the querysets each form is given, and checked again by the services."""

from __future__ import annotations

from typing import Any

from django import forms

from praxis.core.bounds import BoundedDateField
from praxis.core.money import ZERO, MoneyField

from .models import Compensation, Credential, Position, Separation, StaffMember, StaffSettings


class _ServiceValidates:
    """A model form that only reads what was typed: the service validates the record (and says
    why it refuses), so the form skips the model's own full_clean."""

    def _post_clean(self) -> None:
        pass


class StaffFilterForm(forms.Form):
    status = forms.ChoiceField(
        choices=[("", "Every status"), *StaffMember.Status.choices], required=False
    )
    location: forms.ModelChoiceField[Any] = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="Every location"
    )
    department = forms.ChoiceField(required=False)
    search = forms.CharField(required=False, max_length=64, label="Name")

    def __init__(self, *args: Any, locations: Any, departments: list[str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        location = self.fields["location"]
        assert isinstance(location, forms.ModelChoiceField)
        location.queryset = locations
        department = self.fields["department"]
        assert isinstance(department, forms.ChoiceField)
        department.choices = [("", "Every department"), *((d, d) for d in departments)]


class StaffForm(forms.ModelForm[StaffMember]):
    hire_date = BoundedDateField()

    class Meta:
        model = StaffMember
        fields = (
            "full_name",
            "job_title",
            "position",
            "department",
            "employment_type",
            "fte",
            "manager",
            "hire_date",
            "locations",
            "status",
            "user",
            "email",
            "npi",
        )
        labels = {"user": "Sign-in", "npi": "Individual NPI"}
        widgets = {"locations": forms.CheckboxSelectMultiple}

    def __init__(self, *args: Any, practice: Any, choices: dict[str, Any], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, queryset in choices.items():
            field = self.fields[name]
            assert isinstance(field, forms.ModelChoiceField)
            field.queryset = queryset
        status = self.fields["status"]
        assert isinstance(status, forms.ChoiceField)
        status.choices = [c for c in StaffMember.Status.choices if c[0] != "separated"]
        if self.instance.pk and self.instance.status == StaffMember.Status.SEPARATED:
            del self.fields["status"]


class CredentialForm(_ServiceValidates, forms.ModelForm[Credential]):
    issued_on = BoundedDateField(required=False)
    expires_on = BoundedDateField(required=False, help_text="Leave empty if it never expires.")
    file = forms.FileField(required=False, label="Scanned copy (PDF, PNG or JPEG)")

    class Meta:
        model = Credential
        fields = ("kind", "number", "state", "issuer", "payer", "issued_on", "expires_on")
        labels = {"payer": "Payer (enrollments only)", "state": "State (licenses)"}

    def __init__(self, *args: Any, payers: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        payer = self.fields["payer"]
        assert isinstance(payer, forms.ModelChoiceField)
        payer.queryset = payers


class VerifyForm(forms.Form):
    method = forms.ChoiceField(choices=Credential.Method.choices, label="How")
    note = forms.CharField(required=False, max_length=200, label="Note (e.g. where you looked)")


class PayForm(_ServiceValidates, forms.ModelForm[Compensation]):
    rate = MoneyField(min_value=ZERO)
    effective_from = BoundedDateField(label="From")

    class Meta:
        model = Compensation
        fields = ("pay_type", "rate", "effective_from", "note")


class SeparationForm(_ServiceValidates, forms.ModelForm[Separation]):
    last_day = BoundedDateField()
    when = forms.ChoiceField(
        label="Access ends",
        choices=[
            ("end_of_last_day", "At the end of the last day"),
            ("now", "Now, when I save this"),
        ],
        widget=forms.RadioSelect,
        initial="end_of_last_day",
    )

    class Meta:
        model = Separation
        fields = ("kind", "reason", "last_day", "offboarding_notes")
        labels = {"offboarding_notes": "Offboarding notes (equipment returned, access removed)"}


class PositionForm(_ServiceValidates, forms.ModelForm[Position]):
    salary_benchmark = MoneyField(min_value=ZERO, required=False, label="Yearly benchmark")

    class Meta:
        model = Position
        fields = ("title", "salary_benchmark", "benchmark_source")


class SettingsForm(forms.ModelForm[StaffSettings]):
    class Meta:
        model = StaffSettings
        fields = ("booking_gate",)
        widgets = {"booking_gate": forms.RadioSelect}


class RenewForm(_ServiceValidates, forms.ModelForm[Credential]):
    issued_on = BoundedDateField(required=False)
    expires_on = BoundedDateField(required=False, help_text="Leave empty if it never expires.")

    class Meta:
        model = Credential
        fields = ("number", "issuer", "issued_on", "expires_on")
