"""Demo patients for Riverbend Family Medicine: a few hundred people of Vermont and around, with
accented names, six payers, coverages for most, some checked for eligibility this week and some
not, and two records that are really one person (to try the merge on).

Deterministic (one seeded random generator) and idempotent: a practice that already has patients
is left alone. Everything goes through the services, so the audit trail reads like real work.
Phone numbers are in the fictional 555-01xx range of each area code.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from praxis.core.models import Practice, User

from .coverages import coverage_add, coverage_record_eligibility
from .documents import document_upload
from .matching import fold
from .models import Coverage, Patient, Payer
from .payers import payer_create
from .registration import patient_register

SEED = 20261127


@dataclass(frozen=True)
class DemoPayer:
    name: str
    edi_payer_id: str  # made-up ids in the shape clearinghouses use
    kind: str


PAYERS = (
    DemoPayer("Medicare", "VTMCR", Payer.Kind.MEDICARE),
    DemoPayer("Medicaid of Vermont", "VTMCD", Payer.Kind.MEDICAID),
    DemoPayer("BlueCross BlueShield of Vermont", "BCBSVT", Payer.Kind.COMMERCIAL),
    DemoPayer("Aetna", "AETNA1", Payer.Kind.COMMERCIAL),
    DemoPayer("UnitedHealthcare", "UHC01", Payer.Kind.COMMERCIAL),
    DemoPayer("Self-pay", "", Payer.Kind.SELF_PAY),
)


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


FEMALE_FIRST = _words(
    """
Zoë Amélie Renée Chloé Inés Mía Siobhán Maria Emma Olivia Ava Sophia Isabella Grace Hannah
Abigail Lucía Linh Priya Fatima Amina Ingrid Astrid Margaret Dorothy Helen Ruth Carol Jennifer
Sarah Emily Jessica Ashley Nora Maeve Élodie Björg
"""
)
MALE_FIRST = _words(
    """
José François Björn Søren Dário Nicolás Jürgen André Liam Noah Oliver Elijah James William
Benjamin Lucas Henry Mateo Minh Arjun Omar Yusuf Erik Lars Robert John Michael David Richard
Thomas Charles Daniel Matthew Owen Declan Étienne
"""
)
LAST = _words(
    """
Núñez Åberg Müller O'Connor García Nguyễn Łukasiewicz Sørensen Peña Gonçalves Dubois Lefèvre
Ibáñez Öztürk Šimić Hernández Smith Johnson Williams Brown Jones Miller Davis Wilson Anderson
Taylor Thomas Moore Martin Jackson Thompson White Harris Clark Lewis Robinson Walker Young
Allen King Wright Scott Green Baker Adams Nelson Hill Campbell Mitchell Roberts Carter Phillips
Evans Turner Parker Collins Edwards Stewart Morris Murphy Cook Rogers Morgan Cooper Peterson
Reed Bailey Bell Kelly Howard Ward Cox Richardson Wood Brooks Bennett Gray Hughes Price Sanders
Patel Shah Kim Tran Haddad Mensah Okafor Lindqvist Gauthier Bouchard Tremblay Côté Pelletier
Fontaine Bergeron Paquette
"""
)
TOWNS = (
    ("Burlington", "05401"),
    ("South Burlington", "05403"),
    ("Winooski", "05404"),
    ("Essex Junction", "05452"),
    ("Colchester", "05446"),
    ("Shelburne", "05482"),
    ("Williston", "05495"),
    ("Milton", "05468"),
    ("Montpelier", "05602"),
    ("Middlebury", "05753"),
)
STREETS = (
    "Main Street",
    "Church Street",
    "Pearl Street",
    "North Avenue",
    "Shelburne Road",
    "College Street",
    "Maple Street",
    "Elm Street",
    "Williston Road",
    "Lake Street",
    "Spear Street",
    "Dorset Street",
    "Colchester Avenue",
    "Riverside Avenue",
    "Hinesburg Road",
)
LANGUAGES = (
    ("English", 86),
    ("Spanish", 4),
    ("French", 3),
    ("Vietnamese", 2),
    ("Nepali", 2),
    ("Bosnian", 1),
    ("Swahili", 1),
    ("Arabic", 1),
)
REFERRALS = ("", "", "", "Friend or family", "Website", "Insurance directory", "UVM Medical Center")
AREA_CODES = ("802", "603", "518", "413", "207")
RELATIONSHIPS = ("Spouse", "Partner", "Parent", "Daughter", "Son", "Sister", "Brother", "Friend")


def _weighted(rng: random.Random, pairs: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in pairs], weights=[w for _, w in pairs])[0]


def _email_part(text: str) -> str:
    return fold(text).replace(" ", "")


def _age(born: date, on: date) -> int:
    return on.year - born.year - ((on.month, on.day) < (born.month, born.day))


def _ensure_payers(practice: Practice) -> dict[str, Payer]:
    payers = {}
    for spec in PAYERS:
        found = Payer.objects.filter(practice=practice, name__iexact=spec.name).first()
        payers[spec.name] = found or payer_create(
            practice=practice,
            values={"name": spec.name, "edi_payer_id": spec.edi_payer_id, "kind": spec.kind},
        )
    return payers


def _person(rng: random.Random, phones: list[str]) -> dict[str, Any]:
    female = rng.random() < 0.52
    first = rng.choice(FEMALE_FIRST if female else MALE_FIRST)
    last = rng.choice(LAST)
    born = date(rng.randint(1931, 2023), rng.randint(1, 12), rng.randint(1, 28))
    town, zip_code = rng.choice(TOWNS)
    values: dict[str, Any] = {
        "legal_first_name": first,
        "legal_last_name": last,
        "legal_middle_name": rng.choice(("", "", "Anne", "Marie", "J.", "Lee", "Rose", "Paul")),
        "preferred_name": rng.choice(("",) * 12 + ("Bea", "Jo", "Sam", "Alex")),
        "date_of_birth": born,
        "sex": "F" if female else "M",
        "gender_identity": rng.choice(("",) * 20 + ("Non-binary", "Woman", "Man")),
        "phone": phones.pop() if rng.random() < 0.93 else "",
        "email": "",
        "address_line1": f"{rng.randint(1, 999)} {rng.choice(STREETS)}",
        "city": town,
        "state": "VT",
        "postal_code": zip_code,
        "preferred_language": _weighted(rng, LANGUAGES),
        "consent_sms": rng.random() < 0.6,
        "consent_email": rng.random() < 0.5,
        "consent_voicemail": rng.random() < 0.7,
        "referral_source": rng.choice(REFERRALS),
    }
    if rng.random() < 0.6:
        values["email"] = (
            f"{_email_part(first)}.{_email_part(last)}{rng.randint(1, 99)}@example.com"
        )
    if rng.random() < 0.7:
        values["emergency_contact_name"] = f"{rng.choice(FEMALE_FIRST + MALE_FIRST)} {last}"
        values["emergency_contact_relationship"] = rng.choice(RELATIONSHIPS)
        values["emergency_contact_phone"] = phones.pop()
    return values


def _coverages(
    rng: random.Random, patient: Patient, payers: dict[str, Payer], biller: User | None
) -> None:
    today = timezone.localdate()
    age = _age(patient.date_of_birth, today)
    roll = rng.random()
    if roll < 0.08:
        return  # self-pay: no coverage on file
    if age >= 65:
        plans = ["Medicare"] + (["BlueCross BlueShield of Vermont"] if roll < 0.4 else [])
    elif roll < 0.25:
        plans = ["Medicaid of Vermont"]
    else:
        plans = [rng.choice(("BlueCross BlueShield of Vermont", "Aetna", "UnitedHealthcare"))]
    for priority, name in enumerate(plans, start=1):
        start = date(rng.randint(max(2015, patient.date_of_birth.year), today.year), 1, 1)
        values: dict[str, Any] = {
            "payer": payers[name],
            "member_id": f"{name[:1]}{rng.randint(10**8, 10**9 - 1)}",
            "group_number": "" if name.startswith("Medic") else f"G{rng.randint(1000, 99999)}",
            "priority": priority,
            "effective_date": max(start, patient.date_of_birth),
        }
        if age < 18 and not name.startswith("Medic"):
            values["subscriber_relationship"] = Coverage.Relationship.CHILD
            values["subscriber_name"] = (
                f"{rng.choice(FEMALE_FIRST + MALE_FIRST)} {patient.legal_last_name}"
            )
            values["subscriber_date_of_birth"] = date(
                patient.date_of_birth.year - rng.randint(22, 40),
                rng.randint(1, 12),
                rng.randint(1, 28),
            )
        coverage = coverage_add(patient=patient, values=values, added_by=biller)  # type: ignore[arg-type]
        check = rng.random()
        if check < 0.55:  # verified this week
            status, days_ago = Coverage.Eligibility.ACTIVE, rng.randint(0, 6)
        elif check < 0.70:  # verified, but long ago
            status, days_ago = Coverage.Eligibility.ACTIVE, rng.randint(30, 120)
        elif check < 0.75:
            status, days_ago = Coverage.Eligibility.INACTIVE, rng.randint(1, 20)
        else:
            continue  # never checked
        coverage_record_eligibility(
            coverage=coverage,
            status=status,
            checked_by=biller,
            note="Checked on the payer portal",
            checked_at=timezone.now() - timedelta(days=days_ago, hours=rng.randint(0, 8)),
        )


def _first_with_role(practice: Practice, role_label: str) -> User | None:
    return User.objects.filter(practice=practice, groups__name=role_label).order_by("pk").first()


@transaction.atomic
def seed_patients(practice: Practice, count: int = 300) -> int:
    """Register ``count`` demo patients (two of them one person registered twice). Returns the
    number registered: 0 when the practice already has patients."""
    if Patient.objects.filter(practice=practice).exists():
        return 0
    rng = random.Random(SEED)
    consents = random.Random(SEED + 1)  # its own draws: the people stay who they were
    payers = _ensure_payers(practice)
    desk = _first_with_role(practice, "Front Desk")
    biller = _first_with_role(practice, "Biller/Coder")
    phones = [f"+1{area}55501{n:02d}" for area in AREA_CODES for n in range(100)]
    rng.shuffle(phones)
    registered = 0
    people = [_person(rng, phones) for _ in range(count)]
    if count >= 2:
        # The last person is the first registered again: a nickname, a new phone number.
        first = people[0]
        people[-1] = {**first, "legal_first_name": first["legal_first_name"][:3] + "y"}
        people[-1]["phone"] = phones.pop()
    for values in people[:count]:
        patient = patient_register(
            practice=practice, values=values, registered_by=desk, confirm_duplicate=True
        )
        _coverages(rng, patient, payers, biller)
        if consents.random() < CONSENT_SHARE:
            _consent_form(patient, desk)
        registered += 1
    return registered


# Most patients signed the practice's consent to treat when they registered; the front desk's
# day and the ready-for-tomorrow board point at the others.
CONSENT_SHARE = 0.85


def _consent_form(patient: Patient, desk: User | None) -> None:
    if desk is None:
        return
    upload = SimpleUploadedFile("consent-to-treat.pdf", _consent_pdf(), "application/pdf")
    document_upload(patient=patient, kind="consent_form", upload=upload, uploaded_by=desk)


def _consent_pdf() -> bytes:
    """A one-page PDF that says what it stands for, with a correct cross-reference table."""
    text = b"BT /F1 14 Tf 72 720 Td (Consent to treat - signed at registration (demo)) Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(text), text),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
