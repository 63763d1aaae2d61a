"""Forms of the encounter pages: the queue's filters, a new encounter by hand, the coding form
(diagnosis rows and charge-line rows, each refusal of ``encounter_code`` put on the row it names)
and the void form."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db.models import QuerySet

from praxis.core.bounds import BoundedDateField
from praxis.core.models import Location
from praxis.core.service_support import ServiceError
from praxis.scheduling.models import Provider

from .constants import PLACES_OF_SERVICE
from .encounters import LineInput
from .models import ChargeLine, Encounter, EncounterDiagnosis, ProcedureCode
from .models.codes import dotted
from .models.encounters import MAX_DIAGNOSES, OFFICE

MIN_DIAGNOSIS_ROWS = 4
MIN_LINE_ROWS = 3
MAX_LINE_ROWS = 24
SPARE_ROWS = 2
POINTERS = re.compile(r"[0-9]{1,2}")
COVERAGE_CHOICES = [("primary", "Primary"), ("secondary", "Secondary"), ("self_pay", "Self-pay")]


class QueueFilterForm(forms.Form):
    provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, empty_label="Every provider"
    )
    location = forms.ModelChoiceField(
        queryset=Location.objects.none(), required=False, empty_label="Every location"
    )
    date_from = BoundedDateField(required=False, label="From")
    date_to = BoundedDateField(required=False, label="To")

    def __init__(
        self, *args: Any, providers: QuerySet[Any], locations: QuerySet[Any], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        self.fields["provider"].queryset = providers  # type: ignore[attr-defined]
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("date_from"), data.get("date_to")
        if first and last and last < first:
            self.add_error("date_to", "The last day comes before the first.")
        return data


class EncounterNewForm(forms.Form):
    mrn = forms.CharField(max_length=20, label="Patient MRN")
    date_of_service = BoundedDateField(label="Date of service")
    rendering_provider = forms.ModelChoiceField(queryset=Provider.objects.none())
    billing_provider = forms.ModelChoiceField(
        queryset=Provider.objects.none(), required=False, empty_label="Same as rendering"
    )
    location = forms.ModelChoiceField(queryset=Location.objects.none())
    place_of_service = forms.ChoiceField(
        label="Place of service",
        choices=[(code, f"{code} {name}") for code, name in sorted(PLACES_OF_SERVICE.items())],
        initial=OFFICE,
    )
    coverage = forms.ChoiceField(
        label="Coverage used",
        choices=COVERAGE_CHOICES,
        initial="primary",
        help_text="The patient's primary or secondary coverage in effect on the date of service.",
    )

    def __init__(
        self, *args: Any, providers: QuerySet[Any], locations: QuerySet[Any], **kwargs: Any
    ):
        super().__init__(*args, **kwargs)
        for name in ("rendering_provider", "billing_provider"):
            self.fields[name].queryset = providers  # type: ignore[attr-defined]
        self.fields["location"].queryset = locations  # type: ignore[attr-defined]


class VoidForm(forms.Form):
    reason = forms.CharField(
        max_length=200, help_text="e.g. wrong coverage; the reason stays on the record."
    )
    replace = forms.BooleanField(
        required=False,
        initial=True,
        label="Open a replacement with the same coding, to correct and mark ready again",
    )


def _rows(filled: int, least: int, most: int) -> int:
    return min(max(least, filled + SPARE_ROWS), most)


class CodingForm(forms.Form):
    """``dx-N`` rows (diagnosis N+1, in order, no gaps) and ``line-N-*`` rows (a row without a
    code is left out). ``clean()`` leaves ``diagnoses`` and ``lines`` for ``encounter_code``."""

    def __init__(
        self,
        *args: Any,
        encounter: Encounter,
        codes: Sequence[ProcedureCode],
        diagnoses: Sequence[EncounterDiagnosis],
        lines: Sequence[ChargeLine],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.encounter = encounter
        self.codes = {str(code.pk): code for code in codes}
        sent_dx = sum(1 for key in self.data if key.startswith("dx-"))
        sent_lines = sum(
            1 for key in self.data if key.endswith("-code") and key.startswith("line-")
        )
        self.dx_rows = _rows(
            max(len(diagnoses), sent_dx - SPARE_ROWS), MIN_DIAGNOSIS_ROWS, MAX_DIAGNOSES
        )
        self.line_rows = _rows(
            max(len(lines), sent_lines - SPARE_ROWS), MIN_LINE_ROWS, MAX_LINE_ROWS
        )
        choices = [("", "—")] + [
            (str(code.pk), f"{code.code} {code.description}") for code in codes
        ]
        for i in range(self.dx_rows):
            self.fields[f"dx-{i}"] = forms.CharField(
                required=False,
                max_length=8,
                label=f"Diagnosis {i + 1}",
                initial=dotted(diagnoses[i].code) if i < len(diagnoses) else "",
            )
        for i in range(self.line_rows):
            line = lines[i] if i < len(lines) else None
            self.fields[f"line-{i}-code"] = forms.ChoiceField(
                required=False,
                choices=choices,
                label="Procedure",
                initial=str(line.procedure_code_id) if line else "",
            )
            self.fields[f"line-{i}-modifiers"] = forms.CharField(
                required=False,
                max_length=16,
                label="Modifiers",
                initial=" ".join(line.modifiers) if line else "",
            )
            self.fields[f"line-{i}-units"] = forms.IntegerField(
                required=False,
                min_value=-999,
                max_value=9999,
                label="Units",
                initial=line.units if line else 1,
            )
            self.fields[f"line-{i}-pointers"] = forms.CharField(
                required=False,
                max_length=16,
                label="Pointers",
                initial=" ".join(str(p) for p in line.diagnosis_pointers) if line else "1",
            )
            self.fields[f"line-{i}-ndc"] = forms.CharField(
                required=False, max_length=13, label="NDC", initial=line.ndc if line else ""
            )
        self.line_row_of: dict[int, int] = {}  # line number (1-based) -> row

    def dx_fields(self) -> list[forms.BoundField]:
        return [self[f"dx-{i}"] for i in range(self.dx_rows)]

    def dx_values(self) -> list[str]:
        """What each diagnosis row holds as shown (sent or saved)."""
        return [str(field.value() or "") for field in self.dx_fields()]

    def line_fields(self) -> list[dict[str, Any]]:
        return [
            {
                "number": i + 1,
                "code": self[f"line-{i}-code"],
                "modifiers": self[f"line-{i}-modifiers"],
                "units": self[f"line-{i}-units"],
                "pointers": self[f"line-{i}-pointers"],
                "ndc": self[f"line-{i}-ndc"],
            }
            for i in range(self.line_rows)
        ]

    def _diagnoses(self) -> list[str]:
        values = [str(self.cleaned_data.get(f"dx-{i}") or "").strip() for i in range(self.dx_rows)]
        last = max((i for i, v in enumerate(values) if v), default=-1)
        for i in range(last):
            if not values[i]:
                self.add_error(
                    f"dx-{i}",
                    "Fill this row or move the diagnoses below it up: pointers count the "
                    "diagnoses in order.",
                )
        return values[: last + 1]

    def _line(self, i: int) -> LineInput | None:
        data = self.cleaned_data
        code_id = data.get(f"line-{i}-code") or ""
        if not code_id:
            return None
        pointer_text = str(data.get(f"line-{i}-pointers") or "")
        pointers = [int(p) for p in POINTERS.findall(pointer_text)]
        if re.sub(r"[\s,0-9]", "", pointer_text) or not pointers:
            self.add_error(
                f"line-{i}-pointers",
                "Point at diagnoses by their numbers, 1 to 12, e.g. 1 2.",
            )
            return None
        units = data.get(f"line-{i}-units")
        modifiers = re.split(r"[\s,]+", str(data.get(f"line-{i}-modifiers") or "").strip())
        return LineInput(
            procedure_code=self.codes[code_id],
            units=1 if units is None else units,
            pointers=tuple(pointers),
            modifiers=tuple(m for m in modifiers if m),
            ndc=str(data.get(f"line-{i}-ndc") or ""),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        diagnoses = self._diagnoses()
        lines: list[LineInput] = []
        for i in range(self.line_rows):
            line = self._line(i)
            if line is not None:
                lines.append(line)
                self.line_row_of[len(lines)] = i
        data["diagnoses"] = diagnoses
        data["lines"] = lines
        return data

    def show_refusal(self, error: ServiceError) -> dict[str, list[str]]:
        """Put each of ``encounter_code``'s refusals on the row it names; returns those about
        the header (the providers), which the page shows beside them."""
        header: dict[str, list[str]] = {}
        if not hasattr(error, "error_dict"):
            self.add_error(None, ValidationError(error.messages))
            return header
        for where, errors in error.message_dict.items():
            kind, _, number = where.partition(".")
            target: str | None = None
            if kind == "diagnoses" and number:
                target = f"dx-{int(number) - 1}"
            elif kind == "lines" and number:
                target = f"line-{self.line_row_of.get(int(number), 0)}-code"
            elif kind.endswith("_provider"):
                header[kind] = errors
                continue
            if target not in self.fields or where == NON_FIELD_ERRORS:
                target = None
            self.add_error(target, ValidationError(errors))
        return header
