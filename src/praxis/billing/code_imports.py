"""Procedure codes to and from a CSV file. The import adds the codes that are new and updates
the ones already listed (by code), all or nothing (``csv_files``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from praxis.core import audit
from praxis.core.models import Practice
from praxis.core.service_support import apply_changes

from . import csv_files, selectors
from .csv_files import RowError, refuse_if
from .models import ProcedureCode
from .models.codes import MAX_UNITS
from .procedure_codes import clean_code_values

COLUMNS = ("code", "description", "default_units", "active_from", "active_to")
TEXT_COLUMNS = ("code", "description")


@dataclass(frozen=True)
class ImportSummary:
    created: int
    updated: int
    unchanged: int


def export_rows(practice: Practice) -> Iterator[list[Any]]:
    for code in selectors.procedure_codes(practice):
        yield [
            code.code,
            code.description,
            code.default_units,
            csv_files.iso(code.active_from),
            csv_files.iso(code.active_to),
        ]


def _values(cells: dict[str, str]) -> dict[str, Any]:
    problems = []
    values: dict[str, Any] = {"code": cells["code"], "description": cells["description"]}
    for name, read in (
        (
            "default_units",
            lambda t: csv_files.whole_number(t, name="units", low=1, high=MAX_UNITS),
        ),
        ("active_from", lambda t: csv_files.day(t, name="active_from", required=True)),
        ("active_to", lambda t: csv_files.day(t, name="active_to", required=False)),
    ):
        try:
            values[name] = read(cells[name])
        except RowError as exc:
            problems.append(str(exc))
    if problems:
        raise RowError(" ".join(problems))
    return clean_code_values(values)


def _messages(error: ValidationError) -> list[str]:
    if hasattr(error, "error_dict"):
        return [f"{field}: {m}" for field, errs in error.message_dict.items() for m in errs]
    return list(error.messages)


def procedure_codes_import(*, practice: Practice, data: bytes) -> ImportSummary:
    rows = csv_files.read_rows(data, columns=COLUMNS, text_columns=TEXT_COLUMNS)
    existing = {c.code: c for c in ProcedureCode.objects.filter(practice=practice)}
    errors: list[str] = []
    planned: list[tuple[int, dict[str, Any]]] = []
    first_row: dict[str, int] = {}
    for row in rows:
        try:
            values = _values(row.cells)
        except RowError as exc:
            errors.append(f"row {row.number}: {exc}")
            continue
        code = values["code"]
        if code in first_row:
            errors.append(f"row {row.number}: {code} is also on row {first_row[code]}.")
            continue
        first_row[code] = row.number
        candidate = ProcedureCode(practice=practice, **values)
        if code in existing:
            candidate.pk = existing[code].pk
        try:
            candidate.full_clean(exclude=["practice", "id"], validate_constraints=False)
        except ValidationError as exc:
            errors.extend(f"row {row.number}: {m}" for m in _messages(exc))
            continue
        planned.append((row.number, values))
    refuse_if(errors)
    created = updated = unchanged = 0
    with transaction.atomic():
        for _number, values in planned:
            current = existing.get(values["code"])
            if current is None:
                ProcedureCode.objects.create(practice=practice, **values)
                created += 1
            elif apply_changes(current, values, exclude_from_clean=["practice"]):
                updated += 1
            else:
                unchanged += 1
        summary = ImportSummary(created, updated, unchanged)
        audit.record(
            "praxis.billing.procedure_code.imported",
            object_type="billing.procedurecode",
            details={"created": created, "updated": updated, "unchanged": unchanged},
        )
    return summary
