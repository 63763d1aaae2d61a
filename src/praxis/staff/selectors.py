"""Staff reads: the list and its filters (page and API share them), one member's record,
credentials and pay, and the credential answers scheduling and claims ask (they read these;
staff never imports them)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from praxis.core import datefmt
from praxis.core.models import Location, Practice
from praxis.core.money import round_money

from .models import Compensation, Credential, Position, StaffMember, StaffSettings

EXPIRING_DAYS = 90  # a credential expiring within this many days is shown as expiring
HOURS_A_YEAR = Decimal(2080)  # 40 hours x 52 weeks: hourly pay made yearly at 1.0 FTE


@dataclass(frozen=True)
class StaffFilters:
    """What the staff list page and GET /staff/members narrow by."""

    status: str = ""
    location: Location | None = None
    department: str = ""
    search: str = ""


def staff_list(practice: Practice, filters: StaffFilters | None = None) -> QuerySet[StaffMember]:
    f = filters or StaffFilters()
    qs = StaffMember.objects.filter(practice=practice)
    if f.status:
        qs = qs.filter(status=f.status)
    if f.location is not None:
        qs = qs.filter(locations=f.location)
    if f.department:
        qs = qs.filter(department__iexact=f.department)
    if f.search:
        qs = qs.filter(full_name__icontains=f.search)
    return qs.select_related("position", "manager", "user").prefetch_related(
        Prefetch("locations", queryset=Location.objects.order_by("name"))
    )


def departments(practice: Practice) -> list[str]:
    names = StaffMember.objects.filter(practice=practice).exclude(department="")
    return sorted(set(names.values_list("department", flat=True)), key=str.lower)


def positions(practice: Practice) -> QuerySet[Position]:
    return Position.objects.filter(practice=practice)


def credentials_of(member: StaffMember) -> QuerySet[Credential]:
    return member.credentials.select_related("payer", "verified_by")


def credential_state(credential: Credential, today: date) -> str:
    """ "expired", "expiring" (within 90 days), "current" or "no expiry"."""
    if credential.expires_on is None:
        return "no expiry"
    if credential.expires_on < today:
        return "expired"
    if credential.expires_on <= today + timedelta(days=EXPIRING_DAYS):
        return "expiring"
    return "current"


# --- pay: the Administrator and HR only (views and API check staff.view_compensation) ---------


def pay_history(member: StaffMember) -> QuerySet[Compensation]:
    return member.pay.select_related("recorded_by")


def yearly_pay(pay: Compensation, fte: Decimal) -> Decimal:
    """A salary as it is; hourly pay x 2080 hours x FTE."""
    if pay.pay_type == Compensation.PayType.SALARY:
        return pay.rate
    return round_money(pay.rate * HOURS_A_YEAR * fte)


@dataclass(frozen=True)
class PayPosition:
    current: Compensation | None
    yearly: Decimal | None
    benchmark: Decimal | None
    percent_of_benchmark: int | None  # 100: exactly the benchmark


def pay_position(member: StaffMember, history: list[Compensation], today: date) -> PayPosition:
    """The pay in force today and where it stands against the position's benchmark."""
    current = next((p for p in history if p.effective_from <= today), None)
    yearly = yearly_pay(current, member.fte) if current is not None else None
    benchmark = member.position.salary_benchmark if member.position else None
    percent = None
    if yearly is not None and benchmark:
        percent = int((yearly * 100 / benchmark).to_integral_value())
    return PayPosition(current, yearly, benchmark, percent)


# --- what scheduling asks: is this provider licensed on the day? -------------------------------


@dataclass(frozen=True)
class LicenseProblem:
    message: str
    blocks: bool  # the practice refuses such bookings (else: warn and book)


_READ = ("state", "number", "issued_on", "expires_on", "staff__npi")


def _licenses(practice_id: int, npis: Iterable[str]) -> QuerySet[Credential]:
    return (
        Credential.objects.filter(
            practice_id=practice_id,
            kind=Credential.Kind.STATE_LICENSE,
            staff__npi__in=[n for n in set(npis) if n],
        )
        .exclude(staff__status=StaffMember.Status.SEPARATED)
        .order_by()
    )


def _problem(npi: str, state: str, on_date: date, licenses: list[Credential]) -> str | None:
    """What is wrong with the provider's license for a visit in ``state`` on the day, or None.
    Without a state (a location with none) any state's license counts."""
    mine = [c for c in licenses if c.staff.npi == npi and (not state or c.state == state)]
    where = f"{state} " if state else "state "
    if not mine:
        return f"no {where}license on file"
    if any(
        (c.issued_on is None or c.issued_on <= on_date)
        and (c.expires_on is None or c.expires_on >= on_date)
        for c in mine
    ):
        return None
    latest = max(mine, key=lambda c: c.expires_on or date.min)
    if latest.expires_on is not None and latest.expires_on < on_date:
        return f"{where}license {latest.number} expired on {datefmt.date(latest.expires_on)}"
    return f"{where}license {latest.number} is not yet in force on {datefmt.date(on_date)}"


def provider_license_problem(
    *, practice_id: int, provider_name: str, npi: str, state: str, on_date: date
) -> LicenseProblem | None:
    """Whether booking this provider (by their individual NPI) for a visit in ``state`` on
    ``on_date`` needs a warning or is refused, by the practice's setting. Two queries."""
    licenses = list(_licenses(practice_id, [npi]).select_related("staff").only(*_READ))
    problem = _problem(npi, state, on_date, licenses)
    if problem is None:
        return None
    gate = (
        StaffSettings.objects.filter(practice_id=practice_id)
        .values_list("booking_gate", flat=True)
        .first()
    )
    blocks = gate == StaffSettings.Gate.BLOCK
    return LicenseProblem(f"{provider_name}: {problem}.", blocks)


def license_problems(
    *, practice_id: int, visits: Iterable[tuple[str, str]], on_date: date
) -> dict[tuple[str, str], str | None]:
    """(NPI, state) → the problem with that provider's license there on the day, or None; for
    the ready-for-tomorrow board, one query for every visit of the day."""
    wanted = set(visits)
    licenses = list(
        _licenses(practice_id, [npi for npi, _ in wanted])
        .select_related("staff")
        .only("state", "number", "issued_on", "expires_on", "staff__npi")
    )
    return {(npi, state): _problem(npi, state, on_date, licenses) for npi, state in wanted}
