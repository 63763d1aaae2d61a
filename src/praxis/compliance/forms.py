"""The compliance app's forms: policies and versions, approval, incidents, breaches, notices."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from praxis.core.bounds import BoundedDateField
from praxis.core.models import Location, Practice, User
from praxis.core.roles import ROLES

from .models import Incident
from .models.incidents import IncidentStatus, NoticeRecipient
from .models.policies import Category
from .selectors import role_labels

ROLE_CHOICES = [(role.slug, role.label) for role in ROLES]


class PolicyForm(forms.Form):
    title = forms.CharField(max_length=200)
    category = forms.ChoiceField(choices=Category.choices)
    owner = forms.ModelChoiceField(queryset=User.objects.none(), required=False)
    roles = forms.MultipleChoiceField(
        label="Who must read it", choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple
    )
    body = forms.CharField(
        label="Text",
        required=False,
        widget=forms.Textarea(attrs={"rows": 12}),
        help_text="Plain text; a blank line starts a new paragraph. Or upload a PDF below.",
    )
    file = forms.FileField(label="PDF", required=False)

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = User.objects.filter(  # type: ignore[attr-defined]
            practice=practice, is_active=True
        ).order_by("full_name")


class VersionForm(forms.Form):
    body = forms.CharField(label="Text", required=False, widget=forms.Textarea(attrs={"rows": 14}))
    file = forms.FileField(label="PDF", required=False)
    change_summary = forms.CharField(label="What changed", max_length=500, required=False)
    affected_roles = forms.MultipleChoiceField(
        label="Who must acknowledge it again",
        widget=forms.CheckboxSelectMultiple,
        help_text="Everyone else keeps their acknowledgment of the version before.",
    )

    def __init__(self, *args: Any, audience: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["affected_roles"].choices = list(  # type: ignore[attr-defined]
            zip(audience, role_labels(audience), strict=True)
        )


class ApproveForm(forms.Form):
    effective_date = BoundedDateField()
    next_review_date = BoundedDateField()


class IncidentForm(forms.ModelForm[Incident]):
    class Meta:
        model = Incident
        fields = [
            "kind",
            "title",
            "occurred_on",
            "discovered_on",
            "location",
            "where",
            "severity",
            "description",
            "people_involved",
            "actions_taken",
        ]
        field_classes = {"occurred_on": BoundedDateField, "discovered_on": BoundedDateField}
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "people_involved": forms.Textarea(attrs={"rows": 2}),
            "actions_taken": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"title": "Summary, in one line", "description": "What happened, in detail"}
        help_texts = {"people_involved": "Names or roles; no patient details are needed."}

    def __init__(self, *args: Any, practice: Practice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = Location.objects.filter(  # type: ignore[attr-defined]
            practice=practice
        )


class IncidentUpdateForm(IncidentForm):
    status = forms.ChoiceField(choices=IncidentStatus.choices)

    class Meta(IncidentForm.Meta):
        fields = [*IncidentForm.Meta.fields, "status"]


STATE_COUNT = re.compile(r"^\s*([A-Za-z]{2})\s*[=:]\s*(\d{1,9})\s*$")


class BreachForm(forms.Form):
    affected_total = forms.IntegerField(label="People affected", min_value=1, max_value=10**9)
    affected_by_state = forms.CharField(
        label="Residents affected per state",
        help_text="One state per line or comma: VT=512, NH=3",
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    law_enforcement_delay_until = BoundedDateField(
        label="Law-enforcement delay ends on",
        required=False,
        help_text="Only when an official asked the practice to hold the notices.",
    )
    notes = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def clean_affected_by_state(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for part in re.split(r"[,\n]", self.cleaned_data["affected_by_state"]):
            if not part.strip():
                continue
            match = STATE_COUNT.match(part)
            if match is None:
                raise forms.ValidationError(f"Write each state as VT=512; {part.strip()!r} is not.")
            state = match.group(1).upper()
            counts[state] = counts.get(state, 0) + int(match.group(2))
        if not counts:
            raise forms.ValidationError("Give at least one state and its count.")
        return counts


class NoticeForm(forms.Form):
    recipient = forms.ChoiceField(label="Who was notified", choices=NoticeRecipient.choices)
    state = forms.CharField(
        max_length=2, required=False, help_text="For a media notice: the state, e.g. VT."
    )
    sent_on = BoundedDateField()
    method = forms.CharField(
        label="How", max_length=200, help_text="First-class mail, press release, HHS portal…"
    )
