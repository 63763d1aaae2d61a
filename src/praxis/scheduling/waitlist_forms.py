"""The waitlist page's form (querysets narrowed to the user's practice)."""

from __future__ import annotations

from typing import Any

from django import forms

from praxis.core.models import Location, Practice

from .models import AppointmentType, Provider


class WaitlistEntryForm(forms.Form):
    mrn = forms.CharField(label="Patient MRN", max_length=20)
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Visit type"
    )
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, empty_label="Any provider"
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, empty_label="Any location"
    )
    earliest_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    latest_date = forms.DateField(widget=forms.DateInput(attrs={"type": "date"}))
    earliest_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    latest_time = forms.TimeField(required=False, widget=forms.TimeInput(attrs={"type": "time"}))
    note = forms.CharField(max_length=255, required=False)

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["appointment_type"].queryset = AppointmentType.objects.filter(  # type: ignore[attr-defined]
            practice=practice, is_active=True
        )
        self.fields["provider"].queryset = Provider.objects.filter(  # type: ignore[attr-defined]
            practice=practice, is_active=True
        )
        self.fields["location"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            practice=practice, is_active=True
        )
