"""The practice's payers: adding one and changing one. A name is used once per practice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.db import transaction

from praxis.core import audit
from praxis.core.models import Practice
from praxis.core.service_support import ServiceError, apply_changes, full_clean_or_refuse

from .models import Payer
from .service_support import clean_values, locked

PAYER_FIELDS: tuple[str, ...] = ("name", "edi_payer_id", "kind", "is_active")


def _guard_payer_name(practice: Practice, name: str, *, payer: Payer | None) -> None:
    taken = Payer.objects.filter(practice=practice, name__iexact=name.strip())
    if payer is not None:
        taken = taken.exclude(pk=payer.pk)
    if taken.exists():
        raise ServiceError({"name": f"There is already a payer called {name.strip()!r}."})


def payer_create(*, practice: Practice, values: Mapping[str, Any]) -> Payer:
    cleaned = clean_values(Payer, values, PAYER_FIELDS)
    with transaction.atomic():
        _guard_payer_name(practice, cleaned.get("name", ""), payer=None)
        payer = Payer(practice=practice, **cleaned)
        full_clean_or_refuse(payer)
        payer.save()
        audit.record("praxis.patients.payer.created", obj=payer, details={"name": payer.name})
    return payer


def payer_update(*, payer: Payer, values: Mapping[str, Any]) -> Payer:
    cleaned = clean_values(Payer, values, PAYER_FIELDS)
    with transaction.atomic():
        current = locked(Payer, payer.pk)
        _guard_payer_name(current.practice, cleaned.get("name", current.name), payer=current)
        changed = apply_changes(current, cleaned)
        if changed:
            audit.record("praxis.patients.payer.updated", obj=current, details={"fields": changed})
    return current
