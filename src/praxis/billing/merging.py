"""What billing moves when two patient records are merged (``praxis.patients.merging``)."""

from __future__ import annotations

from praxis.core import audit
from praxis.patients.merging import moves_on_merge
from praxis.patients.models import Patient

from .models import CollectionNote, Encounter, JournalLine, OpenItem, Payment


@moves_on_merge(
    "billing.Encounter.patient", "billing.JournalLine.patient", "billing.OpenItem.patient"
)
def move_encounters_and_ledger(*, keep: Patient, duplicate: Patient) -> dict[str, int]:
    """The duplicate's encounters, open items and journal lines move to the record kept. Journal
    lines are otherwise immutable: the triggers let only their ``patient_id`` change, and the
    amounts stay exactly as posted (the same person's ledger, under one record)."""
    encounters = list(
        Encounter.objects.filter(patient=duplicate).order_by("pk").values_list("pk", flat=True)
    )
    Encounter.objects.filter(pk__in=encounters).update(patient=keep)
    items = OpenItem.objects.filter(patient=duplicate).update(patient=keep)
    lines = JournalLine.objects.filter(patient=duplicate).update(patient=keep)
    if encounters or items or lines:
        audit.record(
            "praxis.billing.encounter.moved_on_merge",
            object_type="patients.patient",
            object_id=keep.pk,
            patient_id=keep.pk,
            details={
                "from_patient": duplicate.pk,
                "encounters": encounters,
                "open_items": items,
                "journal_lines": lines,
            },
        )
    return {"encounters": len(encounters), "open_items": items, "journal_lines": lines}


@moves_on_merge("billing.CollectionNote.patient")
def move_collection_notes(*, keep: Patient, duplicate: Patient) -> dict[str, int]:
    """The duplicate's collection notes follow its balances to the record kept."""
    notes = CollectionNote.objects.filter(patient=duplicate).update(patient=keep)
    return {"collection_notes": notes}


@moves_on_merge("billing.Payment.patient")
def move_payments(*, keep: Patient, duplicate: Patient) -> dict[str, int]:
    """The duplicate's receipts move with its ledger lines (audited by the ledger's step when
    there are any; a payment always has journal lines)."""
    return {"payments": Payment.objects.filter(patient=duplicate).update(patient=keep)}
