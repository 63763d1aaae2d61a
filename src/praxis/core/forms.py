"""Forms for sign-in, MFA, invitations, users, the practice, locations, tokens and the audit
search. Field errors are rendered next to their fields (templates/components/field.html)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.validators import MaxValueValidator
from django.http import HttpRequest
from django.utils import timezone

from . import activity, plugins
from .models import Location, Practice, User
from .roles import ROLES
from .selectors import AuditFilters
from .service_support import ServiceError
from .validators import normalize_phone, normalize_tin

# Each role with what it is for, so whoever invites or edits sees what they are granting.
ROLE_CHOICES = [
    (
        role.slug,
        f"{role.label}: {role.summary}" + (" Needs two-step sign-in." if role.mfa_required else ""),
    )
    for role in ROLES
]


def show_service_error(form: forms.BaseForm, error: ServiceError) -> None:
    """Put a service's refusal on the form: field errors next to their fields, the rest on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields and field != NON_FIELD_ERRORS else None
            form.add_error(target, ValidationError(errors))
    else:
        form.add_error(None, ValidationError(error.messages))


@contextmanager
def refusals_as_messages(request: HttpRequest) -> Iterator[None]:
    """The same for a button that posts and goes back to a page: a refusal becomes an error
    message on the next page, and the view goes on past the block to its redirect."""
    try:
        yield
    except ServiceError as error:
        messages.error(request, " ".join(error.messages))


@contextmanager
def refusals_shown_on(form: forms.BaseForm) -> Iterator[None]:
    """The shape of every form view: call the service and, on success, say so and redirect,
    inside the block; a refusal (ServiceError) lands on the form and the view goes on past the
    block to show the form again. Any other exception propagates."""
    try:
        yield
    except ServiceError as error:
        show_service_error(form, error)


class Sections:
    """A long form in named parts (``components/form_sections.html`` draws each as a fieldset
    with its legend, after a summary of the errors that links to each field). ``SECTIONS``
    lists every visible field once; a field it does not name goes in a last part, "More"."""

    SECTIONS: tuple[tuple[str, tuple[str, ...]], ...] = ()

    def sections(self) -> list[tuple[str, list[Any]]]:
        form = cast(forms.BaseForm, self)
        visible = {bf.name: bf for bf in form.visible_fields()}
        parts = []
        for title, names in self.SECTIONS:
            fields = [visible.pop(name) for name in names if name in visible]
            if fields:
                parts.append((title, fields))
        if visible:
            parts.append(("More", list(visible.values())))
        return parts

    def error_list(self) -> list[tuple[str, str, str]]:
        """(field id, label, message) for every field error, in the order the fields show."""
        return [
            (bf.auto_id, str(bf.label), str(error))
            for _, fields in self.sections()
            for bf in fields
            for error in bf.errors
        ]


class LoginForm(AuthenticationForm):
    username = forms.EmailField(
        label="E-mail", widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"})
    )
    error_messages = {
        "invalid_login": "That e-mail and password do not match an active account.",
        "inactive": "This account is deactivated.",
    }


class PasswordForgotForm(forms.Form):
    email = forms.EmailField(
        label="E-mail", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
    )


class OtpForm(forms.Form):
    otp_token = forms.CharField(
        label="Code",
        max_length=16,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="The 6-digit code from your authenticator app, or one of your recovery codes.",
    )

    def clean_otp_token(self) -> str:
        return "".join(self.cleaned_data["otp_token"].split())


class InviteUserForm(forms.Form):
    full_name = forms.CharField(max_length=128)
    email = forms.EmailField(label="E-mail")
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
    )


class EditUserForm(forms.Form):
    full_name = forms.CharField(max_length=128)
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one role."},
    )


class _PhoneCleaning:
    cleaned_data: dict[str, Any]

    def clean_phone(self) -> str:
        phone = self.cleaned_data.get("phone", "")
        return normalize_phone(phone) if phone else ""


class PracticeForm(_PhoneCleaning, forms.ModelForm[Practice]):
    # Wider than the column: people type "12 345 6789" or "12-345-6789"; clean_tin normalizes.
    tin = forms.CharField(label="Tax id (EIN)", max_length=14, help_text="e.g. 12-3456789")

    class Meta:
        model = Practice
        fields = [
            "name",
            "legal_name",
            "group_npi",
            "tin",
            "taxonomy_code",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "time_zone",
            "clock_24h",
        ]

    def clean_tin(self) -> str:
        digits = normalize_tin(self.cleaned_data["tin"])
        return f"{digits[:2]}-{digits[2:]}" if len(digits) == 9 else digits


class LocationForm(_PhoneCleaning, forms.ModelForm[Location]):
    class Meta:
        model = Location
        fields = [
            "name",
            "place_of_service",
            "phone",
            "address_line1",
            "address_line2",
            "city",
            "state",
            "postal_code",
            "time_zone",
            "is_active",
        ]


class RoomForm(forms.Form):
    name = forms.CharField(max_length=64, label="New room")


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        max_length=64, help_text="Where the token will be used, e.g. 'EHR sync'."
    )
    expires_in_days = forms.IntegerField(required=False, min_value=1, label="Expires after (days)")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        longest = settings.PRAXIS_API_TOKEN_DAYS
        field = cast("forms.IntegerField", self.fields["expires_in_days"])
        field.max_value = longest
        field.validators.append(MaxValueValidator(longest))
        field.widget.attrs["max"] = longest
        field.help_text = f"A token lasts at most {longest} days; leave empty for {longest}."

    def expires_at(self) -> Any:
        """The chosen expiry, or None for the service's default (the longest allowed)."""
        days = self.cleaned_data.get("expires_in_days")
        return timezone.now() + timedelta(days=days) if days else None


class AuditFilterForm(forms.Form):
    date_from = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    date_to = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
    actor = forms.ModelChoiceField(queryset=User.objects.none(), required=False, label="User")
    mrn = forms.CharField(required=False, max_length=20, label="Patient MRN")
    # Links from elsewhere (and older bookmarks) name the patient by id.
    patient_id = forms.CharField(required=False, max_length=64, widget=forms.HiddenInput)
    # A list to choose from; a dotted prefix typed into the address (or the API) works too.
    action = forms.RegexField(
        regex=r"^[a-z0-9_]+(\.[a-z0-9_]+)*$",
        required=False,
        max_length=128,
        error_messages={"invalid": "Choose an action from the list."},
    )

    def __init__(self, *args: Any, practice: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        actor_field = self.fields["actor"]
        assert isinstance(actor_field, forms.ModelChoiceField)
        actor_field.queryset = User.objects.filter(practice=practice).order_by("full_name")
        self.fields["action"].widget = forms.Select(choices=activity.action_choices())

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("date_from") and data.get("date_to") and data["date_from"] > data["date_to"]:
            self.add_error("date_to", "The end date is before the start date.")
        if data.get("mrn"):
            found = plugins.patient_id_by_mrn(self.practice, data["mrn"])
            if found is None:
                self.add_error("mrn", f"No patient of this practice has MRN {data['mrn'].strip()}.")
            else:
                data["patient_id"] = str(found)
        return data

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            actor_id=data["actor"].pk if data.get("actor") else None,
            patient_id=data.get("patient_id") or "",
            action=data.get("action") or "",
        )
