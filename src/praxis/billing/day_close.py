"""The day sheet (the payments and refunds of one day on the practice's clock, by method and by
user: what the cash drawer and the card terminal should hold) and closing the day.

Choices where the issue is silent: closing a day is the Practice Manager's (and the
Administrator's, who holds every permission): the front desk counts the drawer against the day
sheet, the manager signs it off. A closed day stays closed: there is no reopening (a mistake
found later is corrected by an entry dated today: a reversal, a refund, a new payment), so the
totals a manager signed off never change under them. A day after today cannot be closed."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.db import transaction

from praxis.core import audit, datefmt
from praxis.core.models import Practice, User
from praxis.core.money import ZERO
from praxis.core.service_support import ServiceError

from .closed_days import lock_for_close
from .models import DayClose, Payment
from .models.payments import METHODS
from .today import practice_today

METHOD_LABELS = dict(METHODS)


@dataclass
class Totals:
    payments: Decimal = ZERO
    refunds: Decimal = ZERO
    count: int = 0

    @property
    def net(self) -> Decimal:
        return self.payments - self.refunds

    def add(self, payment: Payment) -> None:
        self.count += 1
        if payment.kind == Payment.Kind.REFUND:
            self.refunds += payment.amount
        else:
            self.payments += payment.amount


@dataclass
class DaySheet:
    day: date
    payments: list[Payment]
    by_method: dict[str, Totals] = field(default_factory=dict)
    by_user: dict[str, Totals] = field(default_factory=dict)
    total: Totals = field(default_factory=Totals)
    close: DayClose | None = None


def day_payments(practice: Practice, day: date) -> list[Payment]:
    return list(
        Payment.objects.filter(practice=practice, effective_date=day)
        .select_related("patient", "taken_by", "location")
        .order_by("taken_at", "pk")
    )


def day_sheet(practice: Practice, day: date) -> DaySheet:
    """The page, the CSV and the close share this. Three queries."""
    sheet = DaySheet(day=day, payments=day_payments(practice, day))
    by_method: dict[str, Totals] = defaultdict(Totals)
    by_user: dict[str, Totals] = defaultdict(Totals)
    for payment in sheet.payments:
        by_method[METHOD_LABELS.get(payment.method, payment.method)].add(payment)
        who = (payment.taken_by.full_name or payment.taken_by.email) if payment.taken_by else ""
        by_user[who or "(the system)"].add(payment)
        sheet.total.add(payment)
    sheet.by_method = {label: by_method[label] for label in sorted(by_method)}
    sheet.by_user = {name: by_user[name] for name in sorted(by_user)}
    sheet.close = (
        DayClose.objects.filter(practice=practice, day=day).select_related("closed_by").first()
    )
    return sheet


def day_close(*, practice: Practice, day: date, by: User | None, note: str = "") -> DayClose:
    """Close a day: nothing posts into it afterwards (``closed_days.refuse_closed_day``)."""
    with transaction.atomic():
        lock_for_close(practice)
        if day > practice_today(practice):
            raise ServiceError(f"{datefmt.day(day)} has not happened yet; close it at its end.")
        if DayClose.objects.filter(practice=practice, day=day).exists():
            raise ServiceError(f"{datefmt.day(day)} is already closed.")
        sheet = day_sheet(practice, day)
        closed = DayClose.objects.create(
            practice=practice,
            day=day,
            closed_by=by,
            payments_count=sheet.total.count,
            payments_total=sheet.total.payments,
            refunds_total=sheet.total.refunds,
            note=note.strip()[:255],
        )
        audit.record(
            "praxis.billing.day.closed",
            obj=closed,
            details={
                "day": day.isoformat(),
                "payments": sheet.total.count,
                "total": str(sheet.total.payments),
                "refunds": str(sheet.total.refunds),
            },
            actor=by,
            practice_id=practice.pk,
        )
        return closed
