"""Demo payments for Riverbend: a few of the front desk's payments on the last business day
(closed by the Manager) and today, so the account page and the day sheet have content.

DEMO CHARGES (payments branch): when the practice has no posted charges yet, a handful of the
latest completed demo visits are coded here through the encounter services (99213 + 36415 for
Z00.00; an insured visit's $25.00 copay moved to the patient) so there is something to pay. The
encounters work seeds the demo's encounters properly; once it does, this step finds charges
already posted and codes nothing."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from decimal import Decimal

from praxis.core import time as wallclock
from praxis.core.models import Location, Practice, User
from praxis.core.service_support import ServiceError
from praxis.scheduling.models import Appointment

from . import day_close, ledger, payments
from .encounters import LineInput, encounter_code, encounter_create_from_visit, encounter_mark_ready
from .models import OpenItem, Payment, ProcedureCode
from .today import practice_today

DEMO_VISITS = 6
COPAY = Decimal("25.00")
DOMAIN = "riverbend.example"


def _user(practice: Practice, name: str) -> User | None:
    return User.objects.filter(practice=practice, email=f"{name}@{DOMAIN}").first()


def _demo_charges(practice: Practice, by: User | None, before: datetime) -> None:
    """DEMO CHARGES: see the module's docstring. Visits before the first demo payment."""
    codes = {c.code: c for c in ProcedureCode.objects.filter(practice=practice)}
    if "99213" not in codes or "36415" not in codes:
        return
    visits = (
        Appointment.objects.filter(
            location__practice=practice,
            status=Appointment.Status.COMPLETED,
            encounters__isnull=True,
            start__lt=before,
        )
        .select_related("patient", "location", "provider")
        .order_by("-start")[:DEMO_VISITS]
    )
    for visit in visits:
        try:
            encounter = encounter_create_from_visit(appointment=visit, by=by)
            encounter_code(
                encounter=encounter,
                diagnoses=["Z00.00"],
                lines=[LineInput(codes["99213"]), LineInput(codes["36415"])],
                by=by,
            )
            encounter = encounter_mark_ready(encounter=encounter, by=by)
        except ServiceError:
            continue  # a visit the coding checks refuse is left for the biller
        if encounter.coverage_id is not None:
            first = encounter.lines.get(line_number=1)
            ledger.responsibility_transfer(charge_line=first, amount=COPAY, to="patient", by=by)


def _at(practice: Practice, day_offset: int, hour: int, minute: int) -> datetime:
    today = practice_today(practice)
    day = today - timedelta(days=day_offset)
    return datetime.combine(day, time(hour, minute), tzinfo=wallclock.zone_of(practice))


def _last_business_day_offset(practice: Practice) -> int:
    today = practice_today(practice)
    offset = 1
    while (today - timedelta(days=offset)).weekday() >= 5:
        offset += 1
    return offset


def seed_payments(practice: Practice) -> int:
    """Returns the number of payments taken: 0 when the practice has payments already."""
    if Payment.objects.filter(practice=practice).exists():
        return 0
    desk, manager, biller = (_user(practice, n) for n in ("frontdesk", "manager", "biller"))
    past = _last_business_day_offset(practice)
    if not OpenItem.objects.filter(practice=practice).exists():
        _demo_charges(practice, biller, before=_at(practice, past, 0, 0))
    owing = list(
        OpenItem.objects.filter(practice=practice, patient_balance__gt=0)
        .select_related("patient", "charge_line")
        .order_by("-date_of_service", "charge_line_id")
    )
    patients = list({item.patient_id: item.patient for item in owing}.values())
    if not patients:
        return 0
    location = Location.objects.filter(practice=practice, is_active=True).order_by("pk").first()
    plan = [
        (past, 9, 40, Decimal("25.00"), "cash", ""),
        (past, 11, 5, Decimal("40.00"), "check", "3187"),
        (past, 15, 20, Decimal("25.00"), "card_reference", "AUTH 604211"),
        (0, 9, 15, Decimal("30.00"), "card_reference", "AUTH 771902"),
        (0, 10, 45, Decimal("60.00"), "cash", ""),
    ]
    taken = 0
    for n, (offset, hour, minute, amount, method, reference) in enumerate(plan):
        payments.payment_take(
            patient=patients[n % len(patients)],
            amount=amount,
            method=method,
            reference=reference,
            location=location,
            by=desk,
            taken_at=_at(practice, offset, hour, minute),
        )
        taken += 1
    closed_day = practice_today(practice) - timedelta(days=past)
    day_close.day_close(
        practice=practice, day=closed_day, by=manager, note="Drawer and card batch matched."
    )
    return taken
