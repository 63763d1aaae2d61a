"""The collections work list: patients whose own balance has any part over 90 days old, oldest
first, with their last payment, the latest note and its follow-up date; and the notes the
billing office adds as it works the list (``collection_note_add``, audited).

Choices where the issue is silent: "over 90 days" uses the aging's basis (date of service by
default, or billing date) and as-of day; the list shows the patient's whole open balance beside
the part over 90 days. "Follow-up due" keeps the patients whose latest note asks for a follow-up
on or before today (the practice's clock). A statement date is not shown: statements are not
kept by Praxis yet; the last payment is the latest patient payment posted to the ledger.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import DateField, Min, OuterRef, Q, QuerySet, Subquery, Sum, TextField

from praxis.core import audit
from praxis.core.bounds import LATEST_DATE
from praxis.core.models import User
from praxis.core.money import ZERO
from praxis.core.service_support import ServiceError
from praxis.patients.models import Patient

from .aging import PATIENT_NAME_FIELDS, AgingFilters, patient_name
from .models import Account, CollectionNote, JournalEntry, JournalLine
from .models.collections import NOTE_MAX_LENGTH
from .selectors import cents
from .today import practice_today

OVER_DAYS = 90


def collections_list(filters: AgingFilters, *, follow_up_due: bool = False) -> QuerySet[Any]:
    """One row (a dict) per patient with a patient balance any part of which is over 90 days
    old on the as-of day: ``balance``, ``over_90``, ``oldest`` (the oldest open line's date),
    ``last_payment``, ``last_note``, ``follow_up_on``. One query, oldest first."""
    patient_filters = AgingFilters(
        practice=filters.practice, as_of=filters.as_of, by="patient", basis=filters.basis
    )
    day = patient_filters.date_field
    old = Q(**{f"{day}__lte": filters.as_of - timedelta(days=OVER_DAYS + 1)})
    payments = JournalLine.objects.filter(
        patient=OuterRef("patient_id"),
        account=Account.CASH,
        amount__gt=ZERO,
        entry__kind=JournalEntry.Kind.PAYMENT,
    ).order_by("-entry__effective_date", "-entry_id")
    notes = CollectionNote.objects.filter(patient=OuterRef("patient_id")).order_by("-at", "-pk")
    rows: QuerySet[Any] = (
        patient_filters.open_items()
        .values("patient_id", *PATIENT_NAME_FIELDS)
        .annotate(
            balance=Sum("patient_balance"),
            over_90=Sum("patient_balance", filter=old, default=ZERO),
            oldest=Min(day),
        )
        .filter(over_90__gt=ZERO)
        .annotate(
            last_payment=Subquery(
                payments.values("entry__effective_date")[:1], output_field=DateField()
            ),
            last_note=Subquery(notes.values("note")[:1], output_field=TextField()),
            follow_up_on=Subquery(notes.values("follow_up_on")[:1], output_field=DateField()),
        )
        .order_by("oldest", "patient_id")
    )
    if follow_up_due:
        rows = rows.filter(follow_up_on__lte=practice_today(filters.practice))
    return rows


def collection_notes(patient: Patient) -> QuerySet[CollectionNote]:
    return (
        CollectionNote.objects.filter(patient=patient).select_related("by").order_by("-at", "-pk")
    )


def collection_note_add(
    *, patient: Patient, note: str, follow_up_on: date | None, by: User | None
) -> CollectionNote:
    """A note on the patient's collections, with an optional day to follow up (today or later)."""
    text = (note or "").strip()
    if not text:
        raise ServiceError("Write what was done or agreed: the note is empty.")
    if len(text) > NOTE_MAX_LENGTH:
        raise ServiceError(
            f"A note holds at most {NOTE_MAX_LENGTH} characters; this has {len(text)}."
        )
    today = practice_today(patient.practice)
    if follow_up_on is not None and not today <= follow_up_on <= LATEST_DATE:
        raise ServiceError(
            f"Choose a follow-up date from today ({today:%m/%d/%Y}) on, or leave it empty."
        )
    with transaction.atomic():
        created = CollectionNote.objects.create(
            practice_id=patient.practice_id,
            patient=patient,
            note=text,
            follow_up_on=follow_up_on,
            by=by,
        )
        audit.record(
            "praxis.billing.collection_note.added",
            obj=created,
            patient_id=patient.pk,
            details={"follow_up_on": follow_up_on.isoformat() if follow_up_on else None},
            actor=by,
            practice_id=patient.practice_id,
        )
    return created


def named(values: dict[str, Any]) -> dict[str, Any]:
    """A row of ``collections_list`` with the patient's name and its sums in cents."""
    return {
        **values,
        "name": patient_name(values),
        "mrn": values["patient__mrn"],
        "balance": cents(values["balance"]),
        "over_90": cents(values["over_90"]),
    }
