"""Forms of the scheduling pages. Querysets are narrowed to the user's practice in __init__,
so an id from another practice is simply "not a valid choice"."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone

from praxis.core import time as wallclock
from praxis.core.bounds import BoundedDateField, IdField
from praxis.core.models import Location, Practice, Room

from .filters import CalendarFilters
from .models import Appointment, AppointmentType, Provider
from .readiness import CHECKS
from .series import MAX_SERIES_COUNT


def _practice_choices(form: forms.Form, practice: Practice) -> None:
    narrow = {
        "location": Location.objects.filter(practice=practice, is_active=True),
        "provider": Provider.objects.filter(practice=practice, is_active=True),
        "appointment_type": AppointmentType.objects.filter(practice=practice, is_active=True),
    }
    for name, queryset in narrow.items():
        field = form.fields.get(name)
        if isinstance(field, forms.ModelChoiceField):
            field.queryset = queryset


class PracticeForm(forms.Form):
    """A form whose location, provider and visit type choices are the practice's active ones."""

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        _practice_choices(self, practice)


class CalendarForm(PracticeForm):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    date = BoundedDateField(required=False)
    mode = forms.ChoiceField(choices=[("day", "Day"), ("week", "Week")], initial="day")
    by = forms.ChoiceField(
        label="Columns",
        choices=[("provider", "Providers"), ("room", "Rooms and equipment")],
        required=False,
        help_text="The day view has a column per provider, or per room and piece of equipment.",
    )

    def filters(self) -> CalendarFilters:
        """What the page shows; without a date, the same day as the API: today at the location."""
        data = self.cleaned_data
        return CalendarFilters.of(
            practice=self.practice,
            location=data["location"],
            day=data["date"],
            week=data["mode"] == "week",
        )


class FindSlotForm(PracticeForm):
    patient = IdField()
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Visit type"
    )
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, empty_label="Any provider"
    )
    from_date = BoundedDateField(label="From")
    earliest_time = forms.TimeField(
        required=False, label="Not before", widget=forms.TimeInput(attrs={"type": "time"})
    )

    def clean_from_date(self) -> Any:
        value = self.cleaned_data["from_date"]
        if value < timezone.localdate():
            raise forms.ValidationError("Choose today or a later date.")
        return value


def search_again_query(searched: str, *, patient: int, appointment_type: int, location: int) -> str:
    """The slot search to go back to after a refused booking: the search's own fields from
    ``searched`` (anything else in it dropped), for this patient, and this visit type and
    location unless the search named them; from today when it named no date."""
    kept = QueryDict(searched)
    query = QueryDict(mutable=True)
    query["patient"] = str(patient)
    query["appointment_type"] = kept.get("appointment_type") or str(appointment_type)
    query["location"] = kept.get("location") or str(location)
    query["from_date"] = kept.get("from_date") or timezone.localdate().isoformat()
    for name in ("provider", "earliest_time"):
        value = kept.get(name)
        if value:
            query[name] = value
    return query.urlencode()


class BookForm(PracticeForm):
    patient = IdField()
    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), widget=forms.HiddenInput)
    location = forms.ModelChoiceField(queryset=Location.objects.none(), widget=forms.HiddenInput)
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), widget=forms.HiddenInput
    )
    start = forms.DateTimeField(widget=forms.HiddenInput)
    # The search the slot came from (its query string), to go back to when the booking is
    # refused: the desk keeps its From date, provider and time instead of starting over.
    searched = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)
    allow_duplicate = forms.BooleanField(
        required=False, label="Yes, book another visit of this type for the patient that day"
    )


class CancelForm(forms.Form):
    reason_code = forms.ChoiceField(
        # A reply to a reminder text is the system's reason, never the desk's.
        choices=[
            c
            for c in Appointment.CancelReason.choices
            if c[0] != Appointment.CancelReason.REMINDER_REPLY
        ],
        widget=forms.RadioSelect,
        label="Why is the visit canceled?",
        error_messages={"required": "Choose why the visit is canceled."},
    )
    reason = forms.CharField(
        max_length=255,
        required=False,
        label="Details",
        help_text='Needed for "Other"; otherwise optional.',
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        other = data.get("reason_code") == Appointment.CancelReason.OTHER
        if other and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say why when the reason is Other.")
        return data


class TransitionForm(forms.Form):
    to = forms.ChoiceField(
        choices=[
            (s.value, s.label)
            for s in Appointment.Status
            if s not in (Appointment.Status.SCHEDULED, Appointment.Status.CANCELLED)
        ]
    )
    room = forms.ModelChoiceField(queryset=Room.objects.none(), required=False)

    def __init__(self, *args: Any, appointment: Appointment, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        room_field = self.fields["room"]
        assert isinstance(room_field, forms.ModelChoiceField)
        room_field.queryset = Room.objects.filter(location=appointment.location, is_active=True)


class BoardForm(PracticeForm):
    date = BoundedDateField(required=False)
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, empty_label="All locations"
    )
    problems = forms.MultipleChoiceField(
        choices=[(c.key, c.problem) for c in CHECKS],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Show only visits with",
    )


class PatientPickForm(forms.Form):
    q = forms.CharField(max_length=100, label="Find the patient", min_length=2)


class RescheduleSearchForm(PracticeForm):
    """Where to look for a new time: the visit's provider unless "any provider" is ticked."""

    any_provider = forms.BooleanField(
        required=False, label="Any provider who offers this visit type"
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, empty_label="Any location"
    )
    from_date = BoundedDateField(label="From")
    earliest_time = forms.TimeField(
        required=False, label="Not before", widget=forms.TimeInput(attrs={"type": "time"})
    )

    clean_from_date = FindSlotForm.clean_from_date


class RescheduleForm(PracticeForm):
    """The slot chosen from the list (hidden fields; the service checks it again)."""

    provider = forms.ModelChoiceField(queryset=Provider.objects.none(), widget=forms.HiddenInput)
    location = forms.ModelChoiceField(queryset=Location.objects.none(), widget=forms.HiddenInput)
    start = forms.DateTimeField(widget=forms.HiddenInput)


class SeriesForm(PracticeForm):
    """A weekly series: the first visit as a local date and time at the location, how many
    visits and how many weeks apart. Every field is editable so the plan can change after a
    refusal."""

    patient = IdField()
    provider = forms.ModelChoiceField(queryset=Provider.objects.none())
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    appointment_type = forms.ModelChoiceField(
        queryset=AppointmentType.objects.none(), label="Visit type"
    )
    first_date = BoundedDateField(label="First visit on")
    first_time = forms.TimeField(
        label="Time of day", widget=forms.TimeInput(attrs={"type": "time"})
    )
    count = forms.IntegerField(label="Number of visits", min_value=2, max_value=MAX_SERIES_COUNT)
    interval_weeks = forms.IntegerField(label="Every … weeks", min_value=1, max_value=12)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        location, day, at = data.get("location"), data.get("first_date"), data.get("first_time")
        if location is not None and day is not None and at is not None:
            try:
                data["first_start"] = wallclock.local_to_utc(
                    datetime.combine(day, at), wallclock.zone_of(location)
                )
            except wallclock.NonexistentLocalTime as error:
                self.add_error("first_time", error.messages[0])
        return data
