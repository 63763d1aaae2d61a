"""Accounts receivable aging, read from the open items (one row per charge line with what the
patient and the insurance still owe on it), shared by the A/R pages, their CSV files and the API
through one filter object, ``AgingFilters``.

- **By payer**: the insurance balances, one row per payer (and "No payer" for a balance an
  insurance owes on a line posted without one). **By patient**: the patients' own balances.
- **Buckets**: 0 to 30, 31 to 60, 61 to 90, 91 to 120 and over 120 days, counted from the date
  of service or from the billing date (the day the charge was posted, ``OpenItem.billed_on``)
  to the as-of day (default: today on the practice's clock).
- **As of** moves the day the ages are counted to; the balances are the ones open now. A line
  whose date (of the chosen basis) is after the as-of day is left out: it was not owed yet.

Every figure is one aggregate query over the open items (``SUM(...) FILTER``/``CASE`` per
bucket, grouped by payer or patient); nothing loops over charge lines in Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Literal

from django.db.models import Count, Q, QuerySet, Sum

from praxis.core.bounds import check_date
from praxis.core.models import Practice
from praxis.core.money import ZERO

from .models import OpenItem
from .selectors import cents
from .today import practice_today

By = Literal["payer", "patient"]
Basis = Literal["service", "billed"]
BY_CHOICES: dict[str, str] = {"payer": "By payer", "patient": "By patient"}
BASIS_CHOICES: dict[str, str] = {"service": "From date of service", "billed": "From billing date"}
_DATE_FIELD: dict[str, str] = {"service": "date_of_service", "billed": "billed_on"}
_BALANCE_FIELD: dict[str, str] = {"payer": "insurance_balance", "patient": "patient_balance"}
NO_PAYER = 0  # the drill-down's group for insurance balances on lines posted without a payer
PATIENT_NAME_FIELDS = (
    "patient__legal_last_name",
    "patient__legal_first_name",
    "patient__preferred_name",
    "patient__mrn",
)


@dataclass(frozen=True)
class Bucket:
    key: str
    label: str
    low: int  # days, inclusive
    high: int | None  # days, inclusive; None: no upper end


BUCKETS: tuple[Bucket, ...] = (
    Bucket("d0_30", "0\u201330", 0, 30),
    Bucket("d31_60", "31\u201360", 31, 60),
    Bucket("d61_90", "61\u201390", 61, 90),
    Bucket("d91_120", "91\u2013120", 91, 120),
    Bucket("d120_plus", "120+", 121, None),
)
BUCKET_KEYS = tuple(b.key for b in BUCKETS)
OVER_90_DAYS = 91  # the collections list: any part at least this old


@dataclass(frozen=True)
class AgingFilters:
    """What an aging report, its drill-down and the collections list read: the page's form and
    the API's query build the same object (as ``core.selectors.AuditFilters`` does)."""

    practice: Practice
    as_of: date
    by: By = "payer"
    basis: Basis = "service"

    @classmethod
    def of(
        cls,
        *,
        practice: Practice,
        by: str = "payer",
        basis: str = "service",
        as_of: date | None = None,
    ) -> AgingFilters:
        """Without an as-of day, today on the practice's clock. ``by`` and ``basis`` are checked
        by the form or the schema; an unknown one is a programming error here."""
        if by not in BY_CHOICES or basis not in BASIS_CHOICES:
            raise ValueError(f"unknown aging view {by!r} / {basis!r}")
        day = check_date(as_of or practice_today(practice))
        return cls(practice=practice, as_of=day, by=by, basis=basis)  # type: ignore[arg-type]

    @property
    def date_field(self) -> str:
        return _DATE_FIELD[self.basis]

    @property
    def balance_field(self) -> str:
        return _BALANCE_FIELD[self.by]

    def bucket_q(self, bucket: Bucket) -> Q:
        """The lines whose age on the as-of day falls in the bucket, as a date range (so the
        index on the date serves it)."""
        q = Q(**{f"{self.date_field}__lte": self.as_of - timedelta(days=bucket.low)})
        if bucket.high is not None:
            q &= Q(**{f"{self.date_field}__gte": self.as_of - timedelta(days=bucket.high)})
        return q

    def open_items(self) -> QuerySet[OpenItem]:
        """The practice's lines with a balance of the chosen kind, dated on or before as-of."""
        return OpenItem.objects.filter(
            practice=self.practice,
            **{f"{self.balance_field}__gt": ZERO, f"{self.date_field}__lte": self.as_of},
        )

    def sums(self) -> dict[str, Sum | Count]:
        balance = self.balance_field
        figures = {b.key: Sum(balance, filter=self.bucket_q(b), default=ZERO) for b in BUCKETS}
        return {**figures, "total": Sum(balance, default=ZERO), "lines": Count("pk")}

    def query(self) -> dict[str, str]:
        """The filters as query parameters (links to the drill-down, the CSV, the other view)."""
        return {"by": self.by, "basis": self.basis, "as_of": self.as_of.isoformat()}


@dataclass
class AgingRow:
    """One payer's or patient's row (or the totals: ``group`` None)."""

    group: int | None  # the payer's id (NO_PAYER: none) or the patient's id
    name: str
    mrn: str = ""
    buckets: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO
    lines: int = 0

    @property
    def cells(self) -> list[tuple[Bucket, Decimal]]:
        return [(b, self.buckets[b.key]) for b in BUCKETS]


def _figures(row: AgingRow, values: dict[str, Any]) -> AgingRow:
    row.buckets = {key: cents(values[key]) for key in BUCKET_KEYS}
    row.total = cents(values["total"])
    row.lines = values["lines"]
    return row


def patient_name(values: dict[str, Any]) -> str:
    first = values["patient__preferred_name"] or values["patient__legal_first_name"]
    return f"{values['patient__legal_last_name']}, {first}"


def aging_groups(filters: AgingFilters) -> QuerySet[Any]:
    """One row (a dict of sums) per payer or per patient: one grouped aggregate query. Payers
    by name; patients with the largest balance first."""
    items = filters.open_items()
    groups: QuerySet[Any]
    if filters.by == "payer":
        groups = (
            items.values("payer_id", "payer__name")
            .annotate(**filters.sums())
            .order_by("payer__name", "payer_id")
        )
    else:
        groups = (
            items.values("patient_id", *PATIENT_NAME_FIELDS)
            .annotate(**filters.sums())
            .order_by("-total", "patient__legal_last_name", "patient_id")
        )
    return groups


def aging_rows(filters: AgingFilters, groups: Any = None) -> list[AgingRow]:
    """The groups (all, or a page of ``aging_groups``) as rows with their figures in cents."""
    rows = []
    for values in aging_groups(filters) if groups is None else groups:
        if filters.by == "payer":
            row = AgingRow(values["payer_id"] or NO_PAYER, values["payer__name"] or "No payer")
        else:
            row = AgingRow(values["patient_id"], patient_name(values), values["patient__mrn"])
        rows.append(_figures(row, values))
    return rows


def aging_totals(filters: AgingFilters) -> AgingRow:
    """The totals row over every group: one aggregate query."""
    return _figures(AgingRow(None, "Total"), filters.open_items().aggregate(**filters.sums()))


def bucket_named(key: str) -> Bucket | None:
    return next((b for b in BUCKETS if b.key == key), None)


def aging_lines(
    filters: AgingFilters, *, group: int | None = None, bucket: Bucket | None = None
) -> QuerySet[OpenItem]:
    """The charge lines behind a cell: one payer's (``NO_PAYER``: none) or patient's, or every
    group's (None); one bucket or all; oldest first. Each line carries ``balance`` (the kind the
    report ages) and ``days`` once passed through ``with_age``."""
    items = filters.open_items().select_related(
        "patient", "payer", "charge_line__procedure_code", "charge_line__encounter"
    )
    if group is not None and filters.by == "payer":
        items = items.filter(payer__isnull=True) if group == NO_PAYER else items.filter(payer=group)
    elif group is not None:
        items = items.filter(patient_id=group)
    if bucket is not None:
        items = items.filter(filters.bucket_q(bucket))
    return items.order_by(filters.date_field, "charge_line_id")


def with_age(filters: AgingFilters, items: Any) -> list[OpenItem]:
    """A page of ``aging_lines`` with each line's ``balance`` and ``days`` set."""
    shown = list(items)
    for item in shown:
        item.balance = getattr(item, filters.balance_field)
        item.days = (filters.as_of - getattr(item, filters.date_field)).days
    return shown
