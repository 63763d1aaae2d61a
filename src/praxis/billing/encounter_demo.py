"""Riverbend's demo encounters: one for each completed demo visit except the latest few (left in
the biller's queue), coded by visit type from a fixed rotation of common diagnoses; most are
marked ready (their charges posted), a few stay coded or draft so the queue has work in it.
Deterministic (the visits in order, choices by position) and idempotent: a practice with an
encounter is left alone."""

from __future__ import annotations

from django.db import transaction

from praxis.core.models import Practice
from praxis.scheduling.models import Appointment

from .encounters import (
    LineInput,
    encounter_code,
    encounter_create_from_visit,
    encounter_mark_ready,
)
from .models import Encounter, ProcedureCode

LEFT_TO_BILL = 6  # the latest completed visits stay in the queue without an encounter
LEFT_DRAFT = 2  # then the next latest: opened, not coded
LEFT_CODED = 3  # then: coded, not yet ready

# Common diagnoses of a family practice, all billable in the 2026 releases.
CHRONIC = ("E11.9", "I10", "E78.5", "K21.9", "F41.1", "M54.50", "J06.9", "E66.9")
# visit type -> (procedure code, modifiers, extra lines, diagnoses to use)
BY_TYPE: dict[str, tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "Follow-up": ("99213", (), (), CHRONIC),
    "New patient visit": ("99203", (), (), CHRONIC),
    "Annual physical": ("99396", (), ("36415",), ("Z00.00",)),
    "Procedure": ("93000", (), (), ("R00.2", "I48.91")),
    "Telehealth follow-up": ("99213", ("95",), (), CHRONIC),
}


def _coding(visit: Appointment, n: int) -> tuple[list[str], list[tuple[str, tuple[str, ...]]]]:
    code, modifiers, extra, pool = BY_TYPE.get(visit.appointment_type.name, BY_TYPE["Follow-up"])
    if code == "99213" and n % 3 == 0:
        code = "99214"
    diagnoses = [pool[n % len(pool)]]
    if len(pool) > 1 and n % 2 == 0:
        diagnoses.append(pool[(n + 3) % len(pool)])
    return diagnoses, [(code, modifiers), *((e, ()) for e in extra)]


def seed_encounters(practice: Practice) -> int:
    """Returns the number of encounters opened (0 when the practice's visits had some; the
    demo's older A/R charges are encounters without a visit and do not count)."""
    if Encounter.objects.filter(practice=practice, appointment__isnull=False).exists():
        return 0
    codes = {c.code: c for c in ProcedureCode.objects.filter(practice=practice)}
    visits = list(
        Appointment.objects.filter(practice=practice, status=Appointment.Status.COMPLETED)
        .select_related("patient", "provider", "location", "appointment_type")
        .order_by("start", "pk")
    )
    to_open = visits[: max(len(visits) - LEFT_TO_BILL, 0)]
    opened = 0
    with transaction.atomic():
        for n, visit in enumerate(to_open):
            left = len(to_open) - n  # 1 for the latest opened
            encounter = encounter_create_from_visit(appointment=visit, by=None)
            opened += 1
            if left <= LEFT_DRAFT:
                continue
            diagnoses, lines = _coding(visit, n)
            encounter_code(
                encounter=encounter,
                diagnoses=diagnoses,
                lines=[
                    LineInput(
                        codes[code], pointers=tuple(range(1, len(diagnoses) + 1)), modifiers=mods
                    )
                    for code, mods in lines
                    if code in codes
                ],
                by=None,
            )
            if left > LEFT_DRAFT + LEFT_CODED:
                encounter_mark_ready(encounter=encounter, by=None)
    return opened
