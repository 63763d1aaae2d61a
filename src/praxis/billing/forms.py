"""Forms of the code-set, fee-schedule and accounts-receivable pages."""

from __future__ import annotations

from typing import Any

from django import forms

from praxis.core.bounds import MAX_ID, BoundedDateField
from praxis.core.models import Practice
from praxis.core.money import ZERO, MoneyField

from .aging import BASIS_CHOICES, BUCKETS, BY_CHOICES, AgingFilters
from .constants import MODIFIER_CHOICES
from .csv_files import MAX_BYTES
from .models import Fee, ProcedureCode
from .models.collections import NOTE_MAX_LENGTH
from .procedure_codes import PROCEDURE_CODE_FIELDS


class CodeSearchForm(forms.Form):
    q = forms.CharField(
        required=False,
        max_length=100,
        label="Find",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )


class Icd10SearchForm(CodeSearchForm):
    on = BoundedDateField(
        required=False, label="In force on", help_text="Empty: today. Codes change each October."
    )


class ProcedureCodeForm(forms.ModelForm[ProcedureCode]):
    active_from = BoundedDateField(label="In use from")
    active_to = BoundedDateField(
        label="In use until", required=False, help_text="Leave empty while the code is in use."
    )

    class Meta:
        model = ProcedureCode
        fields = PROCEDURE_CODE_FIELDS
        help_texts = {"code": "5 characters: 99213, G0439 or 3074F."}

    def clean_code(self) -> str:
        return str(self.cleaned_data.get("code", "")).strip().upper()


class FeeForm(forms.ModelForm[Fee]):
    amount = MoneyField(min_value=ZERO)
    effective_from = BoundedDateField(label="From")
    effective_to = BoundedDateField(
        label="Until", required=False, help_text="Leave empty while the fee holds."
    )

    class Meta:
        model = Fee
        fields = ("procedure_code", "modifier", "payer", "amount", "effective_from", "effective_to")
        labels = {"procedure_code": "Procedure code"}

    def __init__(self, *args: Any, codes: Any, payers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        code_field = self.fields["procedure_code"]
        payer_field = self.fields["payer"]
        assert isinstance(code_field, forms.ModelChoiceField)
        assert isinstance(payer_field, forms.ModelChoiceField)
        code_field.queryset = codes
        payer_field.queryset = payers
        payer_field.empty_label = "Standard fee (no payer)"
        modifier = self.fields["modifier"]
        assert isinstance(modifier, forms.ChoiceField)
        modifier.choices = MODIFIER_CHOICES


class FeeFilterForm(forms.Form):
    payer = forms.CharField(required=False)  # "standard", a payer's id, or empty for all


class ImportForm(forms.Form):
    file = forms.FileField(
        label="CSV file", help_text=f"UTF-8 CSV, at most {MAX_BYTES // 1_000_000} MB."
    )


# --- accounts receivable -----------------------------------------------------------------------


class AgingFilterForm(forms.Form):
    """The A/R pages' filters; ``filters()`` builds the ``AgingFilters`` the API builds too."""

    by = forms.ChoiceField(choices=list(BY_CHOICES.items()), required=False, label="View")
    basis = forms.ChoiceField(choices=list(BASIS_CHOICES.items()), required=False, label="Age")
    as_of = BoundedDateField(required=False, label="As of", help_text="Empty: today.")

    def filters(self, practice: Practice) -> AgingFilters:
        data = self.cleaned_data if self.is_bound else {}
        return AgingFilters.of(
            practice=practice,
            by=data.get("by") or "payer",
            basis=data.get("basis") or "service",
            as_of=data.get("as_of"),
        )


class AgingLinesForm(AgingFilterForm):
    group = forms.IntegerField(required=False, min_value=0, max_value=MAX_ID)
    bucket = forms.ChoiceField(
        choices=[("", "All"), *((b.key, b.label) for b in BUCKETS)], required=False
    )


class CollectionsFilterForm(AgingFilterForm):
    due = forms.BooleanField(required=False, label="Follow-up due")


class CollectionNoteForm(forms.Form):
    note = forms.CharField(
        max_length=NOTE_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3}), label="Note"
    )
    follow_up_on = BoundedDateField(
        required=False, label="Follow up on", help_text="Empty: no follow-up planned."
    )
