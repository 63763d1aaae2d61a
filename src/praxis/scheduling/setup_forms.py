"""Forms of the scheduling set-up pages. Every choice is narrowed to the user's practice in
__init__, so another practice's id is "not a valid choice". The forms check what a person can
see at a glance (end after start, a room for a room); the services check the rest."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django import forms

from praxis.core import time as wallclock
from praxis.core.models import Location, Practice, Room, User

from .models import (
    AppointmentType,
    AvailabilityException,
    AvailabilityTemplate,
    Channel,
    Provider,
    Resource,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
COLOUR = forms.TextInput(attrs={"type": "color"})


def _narrow(form: forms.BaseForm, name: str, queryset: Any) -> None:
    field = form.fields[name]
    assert isinstance(field, forms.ModelChoiceField)
    field.queryset = queryset


def _locations(practice: Practice) -> Any:
    return Location.objects.filter(practice=practice, is_active=True).order_by("name")


class ProviderForm(forms.ModelForm[Provider]):
    """`user` is handed to the service on its own (it is checked against the practice)."""

    user = forms.ModelChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="No sign-in",
        label="Their user account",
        help_text="Optional: link the provider to the account they sign in with.",
    )

    class Meta:
        model = Provider
        fields = ["display_name", "npi", "taxonomy_code", "credentials", "colour", "is_active"]
        widgets = {"colour": COLOUR}
        labels = {"npi": "Individual NPI", "is_active": "Bookable (active)"}

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _narrow(self, "user", User.objects.filter(practice=practice, is_active=True))
        if self.instance.pk and self.instance.user_id:
            self.fields["user"].initial = self.instance.user_id

    def values(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k != "user"}


class AppointmentTypeForm(forms.ModelForm[AppointmentType]):
    providers = forms.ModelMultipleChoiceField(
        queryset=Provider.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Providers who offer it",
    )
    required_resources = forms.ModelMultipleChoiceField(
        queryset=Resource.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Rooms and equipment it needs",
        help_text="One of the rooms ticked, and every piece of equipment ticked.",
    )

    class Meta:
        model = AppointmentType
        fields = [
            "name",
            "duration_minutes",
            "colour",
            "visit_mode",
            "for_new_patients",
            "is_active",
        ]
        widgets = {"colour": COLOUR}
        labels = {
            "duration_minutes": "Length (minutes)",
            "for_new_patients": "For new patients",
            "is_active": "Bookable (active)",
        }

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _narrow(self, "providers", Provider.objects.filter(practice=practice))
        _narrow(
            self,
            "required_resources",
            Resource.objects.filter(location__practice=practice).select_related("location"),
        )
        self.fields["required_resources"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.name} ({r.get_kind_display().lower()}, {r.location.name})"
        )
        if self.instance.pk:
            self.fields["providers"].initial = list(self.instance.providers.all())
            self.fields["required_resources"].initial = list(self.instance.required_resources.all())

    def values(self) -> dict[str, Any]:
        return {k: self.cleaned_data[k] for k in self.Meta.fields}


class ResourceForm(forms.Form):
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    kind = forms.ChoiceField(choices=Resource.Kind.choices)
    room = forms.ModelChoiceField(
        queryset=Room.objects.none(),
        required=False,
        help_text="For a room: which of the location's rooms it is.",
    )
    name = forms.CharField(
        max_length=64, required=False, help_text="For a room, empty means the room's own name."
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _narrow(self, "location", _locations(practice))
        _narrow(
            self,
            "room",
            Room.objects.filter(location__practice=practice, is_active=True).select_related(
                "location"
            ),
        )
        self.fields["room"].label_from_instance = (  # type: ignore[attr-defined]
            lambda r: f"{r.name} ({r.location.name})"
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind, room, location = data.get("kind"), data.get("room"), data.get("location")
        if kind == Resource.Kind.ROOM:
            if room is None:
                self.add_error("room", "Choose the room this resource is.")
            elif location is not None and room.location_id != location.pk:
                self.add_error("room", f"{room.name} is not a room at {location.name}.")
            elif not data.get("name"):
                data["name"] = room.name
        elif kind == Resource.Kind.EQUIPMENT:
            if room is not None:
                self.add_error("room", "Equipment is not a room; leave this empty.")
            if not data.get("name"):
                self.add_error("name", "Name the piece of equipment.")
        return data


class AvailabilityTemplateForm(forms.Form):
    weekday = forms.TypedChoiceField(choices=AvailabilityTemplate.Weekday.choices, coerce=int)
    start_time = forms.TimeField(label="From", widget=TIME)
    end_time = forms.TimeField(label="Until", widget=TIME)
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    effective_from = forms.DateField(label="First day", widget=DATE)
    effective_to = forms.DateField(
        label="Last day", required=False, widget=DATE, help_text="Empty: until further notice."
    )
    allowed_types = forms.ModelMultipleChoiceField(
        queryset=AppointmentType.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Only these visit types",
        help_text="None ticked: every type the provider offers.",
    )

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _narrow(self, "location", _locations(practice))
        _narrow(
            self,
            "allowed_types",
            AppointmentType.objects.filter(practice=practice, is_active=True),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("start_time"), data.get("end_time")
        if start is not None and end is not None and end <= start:
            self.add_error("end_time", "The hours must end after they start.")
        first, last = data.get("effective_from"), data.get("effective_to")
        if first is not None and last is not None and last < first:
            self.add_error("effective_to", "The last day is before the first day.")
        return data


class AvailabilityExceptionForm(forms.Form):
    """Times are typed as the location's wall-clock time (the practice's when the exception
    applies everywhere) and converted to UTC here; a time the clocks skip is refused."""

    kind = forms.ChoiceField(choices=AvailabilityException.Kind.choices)
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(),
        required=False,
        empty_label="Every location",
        help_text="Time off without a location applies everywhere; an extra session needs one.",
    )
    start_date = forms.DateField(label="From (date)", widget=DATE)
    start_time = forms.TimeField(label="From (time)", widget=TIME)
    end_date = forms.DateField(label="Until (date)", widget=DATE)
    end_time = forms.TimeField(label="Until (time)", widget=TIME)
    note = forms.CharField(max_length=255, required=False)

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.practice = practice
        _narrow(self, "location", _locations(practice))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        location = data.get("location")
        if data.get("kind") == AvailabilityException.Kind.EXTRA_SESSION and location is None:
            self.add_error("location", "An extra session happens at a location: choose one.")
        tz = wallclock.zone_of(location or self.practice)
        # In a fold (the repeated hour in autumn) a start means the first pass through the
        # time and an end the second, so the repeated hour lies inside the exception.
        for name, fold in (("start", 0), ("end", 1)):
            day, at = data.get(f"{name}_date"), data.get(f"{name}_time")
            if day is None or at is None:
                continue
            try:
                data[name] = wallclock.local_to_utc(datetime.combine(day, at), tz, fold=fold)
            except wallclock.NonexistentLocalTime as error:
                self.add_error(f"{name}_time", error.messages[0])
        if "start" in data and "end" in data and data["end"] <= data["start"]:
            self.add_error("end_time", "The end is not after the start.")
        return data


class ReminderRuleForm(forms.Form):
    hours_before = forms.IntegerField(
        min_value=1, max_value=24 * 30, label="Hours before the visit", initial=24
    )
    channel = forms.ChoiceField(choices=Channel.choices)
