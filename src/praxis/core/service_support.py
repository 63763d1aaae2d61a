"""What every service shares: the refusal it raises and the one way it changes a record's fields.

``ServiceError`` is a business rule saying no, in words meant for the person who asked; the page
shows it on the form (``core.forms.refusals_shown_on``) and the API answers it with 400. A service
never lets Django's bare ``ValidationError`` escape: that would be a 500 on the page and the API.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Model


class ServiceError(ValidationError):
    """A business rule refused the change; the message is meant for the person who asked."""


def full_clean_or_refuse(instance: Model, *, exclude: Iterable[str] = ()) -> None:
    """``full_clean`` whose failure is a ``ServiceError`` that keeps the field errors, so the
    page puts each message next to its field and the API names the field."""
    try:
        instance.full_clean(exclude=list(exclude))
    except ServiceError:
        raise
    except ValidationError as exc:
        raise ServiceError(exc.error_dict if hasattr(exc, "error_dict") else exc.messages) from exc


def apply_changes(
    instance: Model, values: Mapping[str, Any], *, exclude_from_clean: Iterable[str] = ()
) -> list[str]:
    """Set the fields whose value differs, validate the whole record, save it when something
    changed, and return the names of the changed fields (sorted; empty when nothing changed,
    and then nothing is written). The caller audits what it returns, inside its transaction."""
    changed = sorted(name for name, value in values.items() if getattr(instance, name) != value)
    for name in changed:
        setattr(instance, name, values[name])
    full_clean_or_refuse(instance, exclude=exclude_from_clean)
    if changed:
        instance.save()
    return changed
