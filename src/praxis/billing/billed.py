"""Ready → billed: the encounter went out on a claim (the claims app calls this when it puts
the claim in a batch). Kept apart from ``encounters`` so the claims app needs no more of it."""

from __future__ import annotations

from django.db import transaction

from praxis.core import audit
from praxis.core.models import User
from praxis.core.service_support import ServiceError

from .models import Encounter


def encounter_mark_billed(*, encounter: Encounter, by: User | None) -> Encounter:
    """A ready encounter becomes billed; any other state is refused."""
    with transaction.atomic():
        current = Encounter.objects.select_for_update().get(pk=encounter.pk)
        if current.status != Encounter.Status.READY:
            raise ServiceError(
                f"Only an encounter ready to bill can be billed; encounter {current.pk} is "
                f"{current.get_status_display().lower()}."
            )
        current.status = Encounter.Status.BILLED
        current.save(update_fields=["status"])
        audit.record(
            "praxis.billing.encounter.billed", obj=current, patient_id=current.patient_id, actor=by
        )
    encounter.status = current.status
    return current
