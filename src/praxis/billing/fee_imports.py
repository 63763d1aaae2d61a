"""The fee schedule to and from a CSV file: one row per fee, the payer by name (empty: the
standard fee). A row whose code, modifier, payer and first day match a fee on the schedule
changes that fee; any other row adds one. All or nothing (``csv_files``): the rows are written in
one transaction, and an overlap they would make undoes it, naming the row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction

from praxis.core import audit
from praxis.core.models import Practice
from praxis.core.money import MoneyError, money_csv, parse_money
from praxis.patients.models import Payer

from . import csv_files, selectors
from .code_imports import ImportSummary
from .constants import MODIFIERS
from .csv_files import RowError, refuse_if
from .fees import describe_range, overlapping
from .models import Fee, ProcedureCode

COLUMNS = ("code", "modifier", "payer", "amount", "effective_from", "effective_to")
TEXT_COLUMNS = ("code", "modifier", "payer")


def export_rows(practice: Practice, payer: Payer | str | None = None) -> Iterator[list[Any]]:
    for fee in selectors.fees(practice, payer=payer):
        yield [
            fee.procedure_code.code,
            fee.modifier,
            fee.payer.name if fee.payer else "",
            money_csv(fee.amount),
            csv_files.iso(fee.effective_from),
            csv_files.iso(fee.effective_to),
        ]


@dataclass
class _Planned:
    number: int
    code: ProcedureCode
    modifier: str
    payer: Payer | None
    amount: Decimal
    effective_from: date
    effective_to: date | None


def _plan(
    number: int, cells: dict[str, str], codes: dict[str, ProcedureCode], payers: dict[str, Payer]
) -> _Planned:
    problems = []
    code = codes.get(cells["code"].upper())
    if code is None:
        problems.append(f"{cells['code'] or '(empty)'} is not one of your procedure codes.")
    modifier = cells["modifier"].upper()
    if modifier and modifier not in MODIFIERS:
        problems.append(f"{modifier!r} is not a modifier Praxis knows.")
    payer = None
    if cells["payer"]:
        payer = payers.get(cells["payer"].lower())
        if payer is None:
            problems.append(f"no payer is called {cells['payer']!r}.")
    amount = Decimal(0)
    try:
        amount = parse_money(cells["amount"])
        if amount < 0:
            problems.append("amount must be $0.00 or more.")
    except MoneyError as exc:
        problems.append(f"amount: {exc}")
    start: date | None = None
    end: date | None = None
    try:
        start = csv_files.day(cells["effective_from"], name="effective_from", required=True)
    except RowError as exc:
        problems.append(str(exc))
    try:
        end = csv_files.day(cells["effective_to"], name="effective_to", required=False)
    except RowError as exc:
        problems.append(str(exc))
    if start and end and end < start:
        problems.append("effective_to comes before effective_from.")
    if problems or code is None or start is None:
        raise RowError(" ".join(problems))
    return _Planned(number, code, modifier, payer, amount, start, end)


def fees_import(*, practice: Practice, data: bytes) -> ImportSummary:
    rows = csv_files.read_rows(data, columns=COLUMNS, text_columns=TEXT_COLUMNS)
    codes = {c.code: c for c in ProcedureCode.objects.filter(practice=practice)}
    payers = {p.name.lower(): p for p in Payer.objects.filter(practice=practice)}
    errors: list[str] = []
    planned: list[_Planned] = []
    for row in rows:
        try:
            planned.append(_plan(row.number, row.cells, codes, payers))
        except RowError as exc:
            errors.append(f"row {row.number}: {exc}")
    refuse_if(errors)
    created = updated = unchanged = 0
    with transaction.atomic():
        # the codes' rows locked in a fixed order, as fee_create locks one
        touched = sorted({p.code.pk for p in planned})
        list(ProcedureCode.objects.select_for_update().filter(pk__in=touched).values_list("pk"))
        written: list[tuple[int, Fee]] = []
        for p in planned:
            fee = Fee.objects.filter(
                practice=practice,
                procedure_code=p.code,
                modifier=p.modifier,
                payer=p.payer,
                effective_from=p.effective_from,
            ).first()
            if fee is None:
                fee = Fee(practice=practice, procedure_code=p.code, modifier=p.modifier)
                fee.payer, fee.effective_from = p.payer, p.effective_from
                created += 1
            elif (fee.amount, fee.effective_to) == (p.amount, p.effective_to):
                unchanged += 1
                written.append((p.number, fee))
                continue
            else:
                updated += 1
            fee.amount, fee.effective_to = p.amount, p.effective_to
            fee.save()
            written.append((p.number, fee))
        for number, fee in written:
            clash = overlapping(fee)
            if clash is not None:
                errors.append(
                    f"row {number}: its dates overlap another fee for {fee.procedure_code.code}"
                    f"{' ' + fee.modifier if fee.modifier else ''} "
                    f"({describe_range(clash.effective_from, clash.effective_to)})."
                )
        refuse_if(errors)  # raised inside the transaction: every row written above is undone
        summary = ImportSummary(created, updated, unchanged)
        audit.record(
            "praxis.billing.fee.imported",
            object_type="billing.fee",
            details={"created": created, "updated": updated, "unchanged": unchanged},
        )
    return summary
