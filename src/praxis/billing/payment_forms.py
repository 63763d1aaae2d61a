"""The front desk's forms: take a payment (applied to the charges chosen, a line each, or the
oldest first), apply credit to a charge, refund credit, close a day. Each is shown twice: filled
in, then read back for confirmation (the review step's button sends ``step=confirm``)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.db.models import QuerySet

from praxis.core import datefmt
from praxis.core.models import Location
from praxis.core.money import ZERO, MoneyField, format_money

from .models import OpenItem
from .models.payments import METHODS
from .payments import CARD_NUMBER, MAX_AT_DESK, REFERENCE_LENGTH, looks_like_card_number

CENT = Decimal("0.01")
OLDEST, CHOSEN = "oldest", "chosen"


def _reference_field() -> forms.CharField:
    return forms.CharField(
        label="Reference",
        required=False,
        max_length=REFERENCE_LENGTH,
        help_text="The check number, or the card terminal's reference. Never a card number.",
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )


class _DeskForm(forms.Form):
    def clean_reference(self) -> str:
        text = " ".join(str(self.cleaned_data.get("reference", "")).split())
        if looks_like_card_number(text):
            raise forms.ValidationError(CARD_NUMBER)
        return text

    def _needs_reference(self, cleaned: dict[str, Any]) -> None:
        method, reference = cleaned.get("method"), cleaned.get("reference")
        cleaned["method_label"] = dict(METHODS).get(str(method), "")
        if method == "check" and not reference:
            self.add_error("reference", "Enter the check number.")
        if method == "card_reference" and not reference:
            self.add_error("reference", "Enter the card terminal's reference.")


class PaymentForm(_DeskForm):
    amount = MoneyField(label="Amount", min_value=CENT, max_value=MAX_AT_DESK)
    method = forms.ChoiceField(label="Method", choices=METHODS, widget=forms.RadioSelect)
    reference = _reference_field()
    location = forms.ModelChoiceField(label="Location", queryset=Location.objects.none())
    apply = forms.ChoiceField(
        label="Apply to",
        choices=[(OLDEST, "The oldest charges first"), (CHOSEN, "The charges I choose below")],
        initial=OLDEST,
        widget=forms.RadioSelect,
    )

    def __init__(
        self,
        *args: Any,
        charges: list[OpenItem],
        locations: QuerySet[Location],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.charges = [c for c in charges if c.patient_balance > ZERO]
        location_field = self.fields["location"]
        assert isinstance(location_field, forms.ModelChoiceField)
        location_field.queryset = locations
        first = locations.first()
        if first is not None:
            location_field.initial = first.pk
        for item in self.charges:
            self.fields[self.line_field(item)] = MoneyField(
                label=f"Apply to {item.charge_line.procedure_code.code}",
                required=False,
                min_value=CENT,
            )

    @staticmethod
    def line_field(item: OpenItem) -> str:
        return f"line_{item.charge_line_id}"

    def line_fields(self) -> list[tuple[OpenItem, forms.BoundField]]:
        return [(item, self[self.line_field(item)]) for item in self.charges]

    def visible_main_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("amount", "method", "reference", "location", "apply")]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._needs_reference(cleaned)
        amount = cleaned.get("amount")
        chosen: list[tuple[OpenItem, Decimal]] = []
        for item in self.charges:
            part = cleaned.get(self.line_field(item))
            if part is None:
                continue
            if part > item.patient_balance:
                self.add_error(
                    self.line_field(item),
                    f"The patient owes {format_money(item.patient_balance)} on this charge; "
                    f"{format_money(part)} is more than that.",
                )
            chosen.append((item, part))
        if cleaned.get("apply") == CHOSEN:
            if not chosen:
                self.add_error("apply", "Enter an amount against at least one charge below.")
            total = sum((part for _, part in chosen), ZERO)
            if amount is not None and total > amount:
                self.add_error(
                    "apply",
                    f"The amounts applied add up to {format_money(total)}, more than the "
                    f"payment of {format_money(amount)}.",
                )
        cleaned["chosen"] = chosen if cleaned.get("apply") == CHOSEN else []
        return cleaned


class CreditApplyForm(_DeskForm):
    charge = forms.TypedChoiceField(label="Charge", coerce=int, choices=())
    amount = MoneyField(label="Amount of credit to apply", min_value=CENT, max_value=MAX_AT_DESK)

    def __init__(self, *args: Any, charges: list[OpenItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = {c.charge_line_id: c for c in charges if c.patient_balance > ZERO}
        charge_field = self.fields["charge"]
        assert isinstance(charge_field, forms.TypedChoiceField)
        charge_field.choices = [
            (
                line_id,
                f"{datefmt.short(item.date_of_service)} {item.charge_line.procedure_code.code}: "
                f"patient owes {format_money(item.patient_balance)}",
            )
            for line_id, item in self.items.items()
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        item = self.items.get(cleaned.get("charge") or 0)
        amount = cleaned.get("amount")
        if item is not None and amount is not None and amount > item.patient_balance:
            self.add_error(
                "amount",
                f"The patient owes {format_money(item.patient_balance)} on this charge; "
                f"{format_money(amount)} is more than that.",
            )
        cleaned["item"] = item
        return cleaned


class RefundForm(_DeskForm):
    amount = MoneyField(label="Amount to refund", min_value=CENT, max_value=MAX_AT_DESK)
    method = forms.ChoiceField(label="Paid back by", choices=METHODS, widget=forms.RadioSelect)
    reference = _reference_field()
    reason = forms.CharField(label="Reason", required=False, max_length=120)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        self._needs_reference(cleaned)
        return cleaned


class DayForm(forms.Form):
    day = forms.DateField(
        label="Day",
        required=False,
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}, format="%Y-%m-%d"),
    )


class DayCloseForm(forms.Form):
    day = forms.DateField(widget=forms.HiddenInput)
    counted = forms.BooleanField(
        label="The cash drawer and the card terminal's batch match this day sheet.",
        error_messages={"required": "Count the drawer and check the batch first, then tick this."},
    )
    note = forms.CharField(label="Note", required=False, max_length=255)
