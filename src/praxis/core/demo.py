"""The demo practice: Riverbend Family Medicine, two locations in Vermont, six providers and
fifteen staff, one sign-in per role; then every app's demo data from the seeders the apps
register (``core.plugins``). Idempotent: running it again changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import Group
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mfa, plugins
from .models import Location, Practice, Room, User
from .roles import (
    ADMINISTRATOR,
    BILLER,
    CLINICAL,
    COMPLIANCE,
    FRONT_DESK,
    HR,
    MANAGER,
    PROVIDER,
    Role,
    sync_role_groups,
)
from .testing.factories import UserFactory

DEMO_PASSWORD = "riverbend demo login"
DEMO_DOMAIN = "riverbend.example"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    full_name: str
    roles: tuple[Role, ...]
    login: bool = False  # printed as "the" demo sign-in for its first role


PEOPLE: tuple[DemoPerson, ...] = (
    DemoPerson("admin", "Ada Alvarez", (ADMINISTRATOR,), login=True),
    DemoPerson("manager", "Max Morgan", (MANAGER,), login=True),
    DemoPerson("frontdesk", "Fay Fischer", (FRONT_DESK,), login=True),
    DemoPerson("biller", "Bo Bennett", (BILLER,), login=True),
    DemoPerson("provider", "Dana Dubois", (PROVIDER,), login=True),
    DemoPerson("clinical", "Carla Chen", (CLINICAL,), login=True),
    DemoPerson("hr", "Hana Haddad", (HR,), login=True),
    DemoPerson("compliance", "Cole Carter", (COMPLIANCE,), login=True),
    # five more providers (six in all)
    DemoPerson("dr.patel", "Ravi Patel", (PROVIDER,)),
    DemoPerson("dr.okafor", "Ngozi Okafor", (PROVIDER,)),
    DemoPerson("dr.lindqvist", "Erik Lindqvist", (PROVIDER,)),
    DemoPerson("np.garcia", "Lucia Garcia", (PROVIDER,)),
    DemoPerson("pa.nguyen", "Minh Nguyen", (PROVIDER,)),
    # eight more staff (fifteen staff in all, the seven non-provider sign-ins above included)
    DemoPerson("frontdesk2", "Omar Farouk", (FRONT_DESK,)),
    DemoPerson("frontdesk3", "Julia Rossi", (FRONT_DESK,)),
    DemoPerson("frontdesk4", "Sam Whitfield", (FRONT_DESK,)),
    DemoPerson("ma.brooks", "Tasha Brooks", (CLINICAL,)),
    DemoPerson("ma.kim", "Grace Kim", (CLINICAL,)),
    DemoPerson("rn.oconnor", "Liam O'Connor", (CLINICAL,)),
    DemoPerson("coder2", "Priya Shah", (BILLER,)),
    DemoPerson("coder3", "Tom Becker", (BILLER,)),
)

LOCATIONS = (
    {
        "name": "Main Street Clinic",
        "address_line1": "120 Main Street",
        "city": "Burlington",
        "postal_code": "05401",
        "phone": "+18025550142",
        "rooms": ["Exam 1", "Exam 2", "Exam 3", "Exam 4", "Exam 5", "Procedure Room", "Lab"],
    },
    {
        "name": "Northside Office",
        "address_line1": "45 North Avenue",
        "city": "Winooski",
        "postal_code": "05404",
        "phone": "+18025550188",
        "rooms": ["Exam A", "Exam B", "Exam C", "Telehealth Booth"],
    },
)


def email_of(person: DemoPerson) -> str:
    return f"{person.email}@{DEMO_DOMAIN}"


@transaction.atomic
def seed_demo() -> Practice:
    sync_role_groups()  # the role groups must exist before people are given roles
    practice, _ = Practice.objects.get_or_create(
        name="Riverbend Family Medicine",
        defaults={
            "legal_name": "Riverbend Family Medicine, P.C.",
            "group_npi": "1558374827",
            "tin": "46-2918374",
            "taxonomy_code": "207Q00000X",
            "phone": "+18025550100",
            "address_line1": "120 Main Street",
            "city": "Burlington",
            "state": "VT",
            "postal_code": "05401",
            "time_zone": "America/New_York",
        },
    )
    for spec in LOCATIONS:
        spec = dict(spec)
        rooms = spec.pop("rooms")
        location, _ = Location.objects.get_or_create(
            practice=practice,
            name=spec.pop("name"),
            defaults={
                **spec,
                "state": "VT",
                "place_of_service": "11",
                "time_zone": "America/New_York",
            },
        )
        for room in rooms:
            Room.objects.get_or_create(location=location, name=room)
    for person in PEOPLE:
        found = User.objects.filter(email=email_of(person)).first()
        user: User = found or UserFactory.create(
            email=email_of(person),
            full_name=person.full_name,
            practice=practice,
            password=DEMO_PASSWORD,
            roles=list(person.roles),
        )
        if found and not found.groups.exists():
            found.groups.set(Group.objects.filter(name__in=[r.label for r in person.roles]))
        if any(r.mfa_required for r in person.roles):
            _ensure_demo_totp(user)
    # Then each app's demo data, in the order they build on each other; each seeder leaves a
    # practice it already seeded alone.
    for _app, seed in plugins.demo_seeders():
        seed(practice)
    return practice


def _ensure_demo_totp(user: User) -> None:
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name=mfa.TOTP_DEVICE_NAME, confirmed=True)


def demo_logins() -> list[tuple[str, str, bool]]:
    """(role label, e-mail, needs a code) for each demo sign-in."""
    return [(p.roles[0].label, email_of(p), p.roles[0].mfa_required) for p in PEOPLE if p.login]


def current_code(email: str) -> str:
    from django_otp.oath import totp

    device = TOTPDevice.objects.get(user__email=email, confirmed=True)
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{code:0{device.digits}d}"
