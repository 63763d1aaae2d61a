"""Correcting an encounter without editing history: ``encounter_void`` sets it aside (a ready
one's charge entry reversed through ``ledger.entry_reverse``, so every balance it moved moves
back) and, by default, opens a replacement with the same header and coding for the biller to
correct and mark ready again. An encounter on a claim (billed) is corrected through the claim."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from praxis.core import audit
from praxis.core.models import User
from praxis.core.service_support import ServiceError

from .ledger import entry_reverse
from .models import ChargeLine, Encounter, EncounterDiagnosis, JournalEntry

MAX_REASON = 200
HEADER = (
    "practice_id",
    "patient_id",
    "appointment_id",
    "date_of_service",
    "rendering_provider_id",
    "billing_provider_id",
    "location_id",
    "place_of_service",
    "coverage_id",
)


@dataclass(frozen=True)
class Voided:
    voided: Encounter
    replacement: Encounter | None


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise ServiceError({"reason": ["Say why the encounter is voided."]})
    if len(text) > MAX_REASON:
        raise ServiceError({"reason": [f"Keep the reason to {MAX_REASON} characters."]})
    return text


def _reverse_charges(encounter: Encounter, reason: str, by: User | None) -> list[int]:
    entries = (
        JournalEntry.objects.filter(
            kind=JournalEntry.Kind.CHARGE, lines__charge_line__encounter=encounter
        )
        .exclude(reversed_by__isnull=False)
        .distinct()
        .order_by("pk")
    )
    reversals = []
    for entry in entries:
        reversal = entry_reverse(
            entry=entry, by=by, memo=f"Void of encounter {encounter.pk}: {reason}"
        )
        reversals.append(reversal.pk)
    return reversals


def _replacement(voided: Encounter, by: User | None) -> Encounter:
    replacement = Encounter.objects.create(
        **{name: getattr(voided, name) for name in HEADER},
        replaces=voided,
        created_by=by,
    )
    EncounterDiagnosis.objects.bulk_create(
        EncounterDiagnosis(encounter=replacement, position=d.position, code=d.code)
        for d in voided.diagnoses.order_by("position")
    )
    ChargeLine.objects.bulk_create(
        ChargeLine(
            encounter=replacement,
            line_number=line.line_number,
            procedure_code_id=line.procedure_code_id,
            modifiers=line.modifiers,
            units=line.units,
            diagnosis_pointers=line.diagnosis_pointers,
            unit_fee=line.unit_fee,
            amount=line.amount,
            ndc=line.ndc,
        )
        for line in voided.lines.order_by("line_number")
    )
    audit.record(
        "praxis.billing.encounter.created",
        obj=replacement,
        patient_id=replacement.patient_id,
        details={"appointment": replacement.appointment_id, "replaces": voided.pk},
        actor=by,
    )
    return replacement


def encounter_void(
    *, encounter: Encounter, reason: str, by: User | None, replace: bool = True
) -> Voided:
    """Void a draft, coded or ready encounter (a ready one's charges reversed) and, when
    ``replace``, open its replacement: a draft with the same header and coding, to be saved
    (the coding checks run again) and marked ready. Refused for a billed or voided encounter,
    and when a payment or adjustment has since been applied to its charges (the ledger says
    which entry to reverse first)."""
    text = _reason(reason)
    with transaction.atomic():
        current = (
            Encounter.objects.select_for_update().select_related("practice").get(pk=encounter.pk)
        )
        if current.status == Encounter.Status.VOIDED:
            raise ServiceError("The encounter is already voided.")
        if current.status == Encounter.Status.BILLED:
            raise ServiceError(
                "The encounter is on a claim: correct it through the claim (a corrected or "
                "voided claim), not here."
            )
        was = current.status
        reversals = _reverse_charges(current, text, by) if was == Encounter.Status.READY else []
        current.status = Encounter.Status.VOIDED
        current.void_reason = text
        current.voided_at = timezone.now()
        current.voided_by = by
        current.save(update_fields=["status", "void_reason", "voided_at", "voided_by"])
        audit.record(
            "praxis.billing.encounter.voided",
            obj=current,
            patient_id=current.patient_id,
            details={"was": was, "reason": text, "reversals": reversals},
            actor=by,
        )
        replacement = _replacement(current, by) if replace else None
    encounter.status = current.status
    return Voided(current, replacement)
