"""What the patients app's services share: cleaning the values a caller sends, locking a row for
the change, and refusing changes to a record that was merged away."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db.models import CharField, Model

from praxis.core.service_support import ServiceError
from praxis.core.validators import normalize_phone

from .models import Patient

M = TypeVar("M", bound=Model)

PHONE_FIELDS = frozenset({"phone", "emergency_contact_phone"})
UPPER_CASE_FIELDS = frozenset({"state", "edi_payer_id"})


def clean_values(
    model: type[Model], values: Mapping[str, Any], allowed: Iterable[str]
) -> dict[str, Any]:
    """Trim text, store phone numbers as E.164, refuse fields a caller may not set."""
    allowed = tuple(allowed)
    unknown = sorted(set(values) - set(allowed))
    if unknown:
        raise ServiceError(f"These fields cannot be set here: {', '.join(unknown)}.")
    cleaned: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        is_text = isinstance(model._meta.get_field(name), CharField)
        if is_text and value is None:
            value = ""  # text columns store "nothing" as the empty string
        if isinstance(value, str):
            value = value.strip()
        if name in PHONE_FIELDS and value:
            try:
                value = normalize_phone(value)
            except ValidationError as exc:
                errors[name] = exc.messages
        if name in UPPER_CASE_FIELDS and isinstance(value, str):
            value = value.upper()
        cleaned[name] = value
    if errors:
        raise ServiceError(errors)
    return cleaned


def locked(model: type[M], pk: int) -> M:
    """The row, read again under a row lock held to the end of the transaction."""
    return model._default_manager.select_for_update().get(pk=pk)


def refuse_merged(patient: Patient) -> None:
    if patient.merged_into_id is not None:
        raise ServiceError(
            "This record was merged into another one and can no longer be changed; "
            "open the record it was merged into."
        )
