"""The practice's procedure codes (CPT/HCPCS): adding one and changing one. A code is listed once
per practice; its description is the practice's own words."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from praxis.core import audit
from praxis.core.models import Practice
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse

from .models import ProcedureCode

PROCEDURE_CODE_FIELDS: tuple[str, ...] = (
    "code",
    "description",
    "default_units",
    "active_from",
    "active_to",
)


def clean_code_values(values: Mapping[str, Any]) -> dict[str, Any]:
    """Only the fields a person may set, with the code in capitals and text trimmed."""
    cleaned = {name: values[name] for name in PROCEDURE_CODE_FIELDS if name in values}
    if isinstance(cleaned.get("code"), str):
        cleaned["code"] = cleaned["code"].strip().upper()
    if isinstance(cleaned.get("description"), str):
        cleaned["description"] = " ".join(cleaned["description"].split())
    return cleaned


def guard_code_free(practice: Practice, code: str, *, procedure_code: ProcedureCode | None) -> None:
    taken = ProcedureCode.objects.filter(practice=practice, code=code)
    if procedure_code is not None:
        taken = taken.exclude(pk=procedure_code.pk)
    if taken.exists():
        raise ServiceError({"code": f"{code} is already on your list of procedure codes."})


def procedure_code_create(*, practice: Practice, values: Mapping[str, Any]) -> ProcedureCode:
    cleaned = clean_code_values(values)
    with transaction.atomic():
        guard_code_free(practice, cleaned.get("code", ""), procedure_code=None)
        procedure_code = ProcedureCode(practice=practice, **cleaned)
        full_clean_or_refuse(procedure_code, exclude=["practice"])
        procedure_code.save()
        audit.record(
            "praxis.billing.procedure_code.created",
            obj=procedure_code,
            details={"code": procedure_code.code},
        )
    return procedure_code


def procedure_code_update(
    *, procedure_code: ProcedureCode, values: Mapping[str, Any]
) -> ProcedureCode:
    cleaned = clean_code_values(values)
    with transaction.atomic():
        current = ProcedureCode.objects.select_for_update().get(pk=procedure_code.pk)
        guard_code_free(current.practice, cleaned.get("code", current.code), procedure_code=current)
        changed = apply_changes(current, cleaned, exclude_from_clean=["practice"])
        if changed:
            audit.record(
                "praxis.billing.procedure_code.updated",
                obj=current,
                details={"code": current.code, "fields": changed},
            )
    return current
