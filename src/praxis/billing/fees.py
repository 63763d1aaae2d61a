"""The fee schedule: adding and changing fees. The date ranges of one (code, modifier, payer)
never overlap, so on any day at most one fee holds for it; the check runs under a row lock on the
procedure code (PostgreSQL; SQLite's write transactions are serialized already), so two people
adding fees for the same code at once cannot both slip an overlap in."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import Q

from praxis.core import audit
from praxis.core.models import Practice
from praxis.core.money import format_money
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse
from praxis.patients.models import Payer

from .constants import MODIFIERS
from .models import Fee, ProcedureCode

FEE_FIELDS: tuple[str, ...] = (
    "procedure_code",
    "modifier",
    "payer",
    "amount",
    "effective_from",
    "effective_to",
)


def _clean(values: Mapping[str, Any]) -> dict[str, Any]:
    cleaned = {name: values[name] for name in FEE_FIELDS if name in values}
    if isinstance(cleaned.get("modifier"), str):
        cleaned["modifier"] = cleaned["modifier"].strip().upper()
    return cleaned


def _guard_ownership(practice: Practice, values: Mapping[str, Any]) -> None:
    code: ProcedureCode | None = values.get("procedure_code")
    payer: Payer | None = values.get("payer")
    if code is not None and code.practice_id != practice.pk:
        raise ServiceError({"procedure_code": "No such procedure code in this practice."})
    if payer is not None and payer.practice_id != practice.pk:
        raise ServiceError({"payer": "No such payer in this practice."})
    modifier = values.get("modifier", "")
    if modifier and modifier not in MODIFIERS:
        raise ServiceError({"modifier": f"{modifier!r} is not a modifier Praxis knows."})


def _lock_code(code: ProcedureCode) -> None:
    ProcedureCode.objects.select_for_update().filter(pk=code.pk).values_list("pk").first()


def overlapping(fee: Fee) -> Fee | None:
    """Another fee of the same code, modifier and payer whose dates meet this one's."""
    same_payer = Q(payer__isnull=True) if fee.payer_id is None else Q(payer_id=fee.payer_id)
    others = Fee.objects.filter(
        same_payer,
        practice_id=fee.practice_id,
        procedure_code_id=fee.procedure_code_id,
        modifier=fee.modifier,
    ).filter(Q(effective_to__isnull=True) | Q(effective_to__gte=fee.effective_from))
    if fee.pk is not None:
        others = others.exclude(pk=fee.pk)
    if fee.effective_to is not None:
        others = others.filter(effective_from__lte=fee.effective_to)
    return others.order_by("effective_from").first()


def describe_range(start: date, end: date | None) -> str:
    return f"{start:%m/%d/%Y} to {end:%m/%d/%Y}" if end else f"{start:%m/%d/%Y} on"


def _guard_no_overlap(fee: Fee) -> None:
    clash = overlapping(fee)
    if clash is not None:
        raise ServiceError(
            {
                "effective_from": (
                    f"Overlaps the fee of {format_money(clash.amount)} for "
                    f"{describe_range(clash.effective_from, clash.effective_to)}: end that one "
                    "first, or change the dates."
                )
            }
        )


def fee_create(*, practice: Practice, values: Mapping[str, Any]) -> Fee:
    cleaned = _clean(values)
    _guard_ownership(practice, cleaned)
    with transaction.atomic():
        fee = Fee(practice=practice, **cleaned)
        full_clean_or_refuse(fee, exclude=["practice"])
        _lock_code(fee.procedure_code)
        _guard_no_overlap(fee)
        fee.save()
        audit.record("praxis.billing.fee.created", obj=fee, details=_details(fee))
    return fee


def fee_update(*, fee: Fee, values: Mapping[str, Any]) -> Fee:
    cleaned = _clean(values)
    _guard_ownership(fee.practice, cleaned)
    with transaction.atomic():
        current = Fee.objects.select_for_update().get(pk=fee.pk)
        _lock_code(cleaned.get("procedure_code", current.procedure_code))
        for name, value in cleaned.items():
            setattr(current, name, value)
        full_clean_or_refuse(current, exclude=["practice"])
        _guard_no_overlap(current)
        current.refresh_from_db()
        changed = apply_changes(current, cleaned, exclude_from_clean=["practice"])
        if changed:
            audit.record(
                "praxis.billing.fee.updated",
                obj=current,
                details={**_details(current), "fields": changed},
            )
    return current


def _details(fee: Fee) -> dict[str, Any]:
    return {
        "code": fee.procedure_code.code,
        "modifier": fee.modifier,
        "payer_id": fee.payer_id,
        "amount": str(fee.amount),
        "effective_from": fee.effective_from.isoformat(),
    }
