"""The waitlist page's form (querysets narrowed to the user's practice)."""

from __future__ import annotations

from django import forms

from praxis.core.models import Location

from .forms import PracticeForm
from .models import AppointmentType, Provider


class WaitlistEntryForm(PracticeForm):
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
