"""The demo practice's staff: a record for every demo sign-in (and one person without one),
positions with salary benchmarks (the two the issue names are published US averages), pay, and
credentials: every provider licensed in Vermont, some credentials expiring next month and one
provider's license expired, so the booking warning and the ready-for-tomorrow board show it.

Providers are matched by individual NPI. The scheduling demo gives its providers (the users with
the Provider role, in id order) ``valid_npi(3_100_000 + n)``; staff never imports scheduling,
so it follows the same rule, and tests/staff/test_demo.py checks the two still agree."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction

from praxis.core.models import Location, Practice, User
from praxis.core.testing.factories import valid_npi
from praxis.patients.models import Payer

from . import credentialing, people
from .models import Credential, Position, StaffMember
from .separations import practice_today

AVERAGE = "published US average"
POSITIONS: dict[str, tuple[Decimal | None, str]] = {
    "Practice Administrator": (Decimal("78929"), AVERAGE),
    "Practice Manager": (Decimal("65917"), AVERAGE),
    "Physician": (None, ""),
    "Nurse Practitioner": (None, ""),
    "Physician Assistant": (None, ""),
    "Front Desk Coordinator": (Decimal("38500"), "practice's own figure"),
    "Medical Assistant": (Decimal("42000"), "practice's own figure"),
    "Registered Nurse": (None, ""),
    "Medical Biller/Coder": (Decimal("47500"), "practice's own figure"),
    "HR Coordinator": (None, ""),
    "Compliance Officer": (None, ""),
    "Facilities Assistant": (None, ""),
}


@dataclass(frozen=True)
class Job:
    position: str
    title: str
    department: str
    pay: tuple[str, str]  # (pay type, rate)


JOBS = {
    "Practice Administrator": Job(
        "Practice Administrator", "Practice Administrator", "Administration", ("salary", "82000")
    ),
    "Practice Manager": Job(
        "Practice Manager", "Practice Manager", "Administration", ("salary", "63500")
    ),
    "Front Desk": Job(
        "Front Desk Coordinator", "Front Desk Coordinator", "Front office", ("hourly", "19.50")
    ),
    "Biller/Coder": Job(
        "Medical Biller/Coder", "Medical Biller/Coder", "Billing", ("hourly", "23.75")
    ),
    "Clinical Staff": Job(
        "Medical Assistant", "Medical Assistant", "Clinical", ("hourly", "20.25")
    ),
    "HR": Job("HR Coordinator", "HR Coordinator", "Administration", ("salary", "56000")),
    "Compliance Officer": Job(
        "Compliance Officer", "Compliance Officer", "Administration", ("salary", "61000")
    ),
    "Provider": Job("Physician", "Physician", "Clinical", ("salary", "235000")),
}
MID_LEVELS = {"np.": ("Nurse Practitioner", "135000"), "pa.": ("Physician Assistant", "128000")}


@transaction.atomic
def seed_staff(practice: Practice) -> int:
    """Returns the number of staff records written (0 when the practice already has some)."""
    if StaffMember.objects.filter(practice=practice).exists():
        return 0
    today = practice_today(practice)
    positions = {
        title: people.position_create(
            practice=practice,
            values={"title": title, "salary_benchmark": amount, "benchmark_source": source},
        )
        for title, (amount, source) in POSITIONS.items()
    }
    locations = list(Location.objects.filter(practice=practice).order_by("pk"))
    users = list(
        User.objects.filter(practice=practice, is_active=True)
        .prefetch_related("groups")
        .order_by("pk")
    )
    admin = next(u for u in users if u.groups.filter(name="Practice Administrator").exists())
    members = [_member(practice, user, positions, locations, today) for user in users]
    _managers(members)
    extra = people.staff_create(
        practice=practice,
        values={
            "full_name": "Pat Quinn",
            "job_title": "Facilities Assistant",
            "position": positions["Facilities Assistant"],
            "department": "Facilities",
            "employment_type": StaffMember.EmploymentType.PART_TIME,
            "fte": Decimal("0.50"),
            "hire_date": today - timedelta(days=400),
            "locations": locations,
            "email": "pat.quinn@riverbend.example",
        },
    )
    payers = {p.name: p for p in Payer.objects.filter(practice=practice)}
    _credentials([*members, extra], today, admin, payers)
    return len(members) + 1


def _role(user: User) -> str:
    names = [g.name for g in user.groups.all()]
    return names[0] if names else ""


def _member(
    practice: Practice,
    user: User,
    positions: dict[str, Position],
    locations: list[Location],
    today: date,
) -> StaffMember:
    role = _role(user)
    job = JOBS.get(role, JOBS["Front Desk"])
    position, rate = job.position, job.pay[1]
    local = user.email.split("@")[0]
    for prefix, (title, pay) in MID_LEVELS.items():
        if role == "Provider" and local.startswith(prefix):
            position, rate = title, pay
    member = people.staff_create(
        practice=practice,
        values={
            "user": user,
            "full_name": user.full_name,
            "job_title": position,
            "position": positions[position],
            "department": job.department,
            "employment_type": StaffMember.EmploymentType.FULL_TIME,
            "fte": Decimal("1.00"),
            "hire_date": today - timedelta(days=300 + 97 * user.pk % 2500),
            "locations": locations if user.pk % 3 else locations[:1],
        },
    )
    people.compensation_add(
        member=member,
        values={
            "pay_type": job.pay[0],
            "rate": Decimal(rate),
            "effective_from": member.hire_date,
            "note": "starting pay",
        },
        recorded_by=user,
    )
    return member


def _managers(members: list[StaffMember]) -> None:
    by_title = {m.job_title: m for m in reversed(members)}
    admin, manager = by_title["Practice Administrator"], by_title["Practice Manager"]
    for m in members:
        boss = admin if m.department == "Administration" or m.job_title == "Physician" else manager
        if m.pk != boss.pk:
            people.staff_update(member=m, values={"manager": boss})


def _credentials(
    members: list[StaffMember], today: date, admin: User, payers: dict[str, Payer]
) -> None:
    providers = [
        m
        for m in members
        if m.department == "Clinical"
        and m.position
        and m.position.title in ("Physician", "Nurse Practitioner", "Physician Assistant")
    ]
    for n, member in enumerate(sorted(providers, key=lambda m: m.user_id or 0)):
        people.staff_update(member=member, values={"npi": valid_npi(3_100_000 + n)})
        expires = today + timedelta(days=400 + 61 * n)
        if member.position and member.position.title == "Nurse Practitioner":
            expires = today + timedelta(days=34)  # expiring next month
        if member.position and member.position.title == "Physician Assistant":
            expires = today - timedelta(days=12)  # lapsed: booking warns, the board says so
        _add(
            member,
            admin,
            "state_license",
            f"MD.{104200 + n}" if n < 4 else f"{5500 + n}",
            "Vermont Board of Medical Practice",
            today,
            expires,
            state="VT",
            verified=n != 5,
        )
        if n == 0:
            _add(
                member,
                admin,
                "dea",
                "BD1234563",
                "Drug Enforcement Administration",
                today,
                today + timedelta(days=31),
            )
            for name in ("Medicare", "BlueCross BlueShield of Vermont"):
                if name in payers:
                    _add(
                        member,
                        admin,
                        "payer_enrollment",
                        f"VT{7700 + len(name)}",
                        name,
                        today,
                        None,
                        payer=payers[name],
                    )
    for member in members:
        if member.job_title == "Medical Assistant":
            soon = today + timedelta(days=20 + (member.pk % 40))
            _add(
                member,
                admin,
                "cpr_bls",
                f"BLS-{member.pk:05d}",
                "American Heart Association",
                today,
                soon,
            )
        if member.job_title == "Practice Administrator":
            _add(
                member,
                admin,
                "ache",
                "ACHE-88213",
                "American College of Healthcare Executives",
                today,
                today + timedelta(days=500),
            )
        if member.job_title == "Medical Biller/Coder" and member.user_id and member.user_id % 2:
            _add(
                member,
                admin,
                "hfma",
                f"HFMA-{member.pk:05d}",
                "Healthcare Financial Management Association",
                today,
                today + timedelta(days=200),
            )


def _add(
    member: StaffMember,
    admin: User,
    kind: str,
    number: str,
    issuer: str,
    today: date,
    expires: date | None,
    *,
    state: str = "",
    payer: Payer | None = None,
    verified: bool = True,
) -> None:
    issued = (expires - timedelta(days=730)) if expires else today - timedelta(days=900)
    credential = credentialing.credential_add(
        member=member,
        values={
            "kind": kind,
            "number": number,
            "issuer": issuer if payer is None else "",
            "state": state,
            "payer": payer,
            "issued_on": issued,
            "expires_on": expires,
        },
        added_by=admin,
    )
    if verified:
        method = Credential.Method.PAYER if payer else Credential.Method.PRIMARY_SOURCE
        credentialing.credential_verify(
            credential=credential, method=method, note="", verified_by=admin
        )
