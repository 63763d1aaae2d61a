"""The 837P professional claim (005010X222A1), written strictly from plain dataclasses.

One ``ClaimBatch`` is one transaction set: the submitter and receiver (1000A/B), one billing
provider (2000A/2010AA, optional pay-to address 2010AB) and its claims. Each claim gets its own
subscriber loop (2000B: SBR, the subscriber 2010BA, the payer 2010BB) and, when the patient is not
the subscriber, a patient loop (2000C: PAT and the patient's name); then CLM with the place of
service and frequency (1 original, 7 replacement, 8 void), the prior authorization (REF*G1), the
original claim number for a replacement or void (REF*F8), diagnoses in HI (ABK the principal,
ABF the others), referring (2310A) and rendering (2310B) providers, and the service lines (LX,
SV1 with modifiers, units and diagnosis pointers, DTP*472, REF*6R).

This module holds the data and the rules (``check_batch``): ``writer_837p.write_837p`` refuses,
with one ``X12Error`` naming the claim and the field, a claim whose NPI fails its check digit,
whose total is not the sum of its lines, whose pointers miss a diagnosis, and so on.
A secondary or tertiary claim carries the earlier payers' adjudication (``PriorPayment``: loops
2320/2330 and each line's SVD/CAS), which must balance against the charges.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from .errors import X12Error
from .remittance import GROUP_CODES, Adjustment
from .values import CENT, money_text

VERSION = "005010X222A1"
FREQUENCIES = {"1": "original", "7": "replacement", "8": "void"}
FILING_INDICATORS = frozenset(
    {
        "11",
        "12",
        "13",
        "14",
        "15",
        "16",
        "17",
        "AM",
        "BL",
        "CH",
        "CI",
        "DS",
        "FI",
        "HM",
        "LM",
        "MA",
        "MB",
        "MC",
        "OF",
        "TV",
        "VA",
        "WC",
        "ZZ",
    }
)
PATIENT_RELATIONSHIPS = frozenset({"01", "19", "20", "21", "39", "40", "53", "G8"})
_ICD10 = re.compile(r"[A-Z][0-9][0-9A-Z][0-9A-Z]{0,4}\Z")
_PROCEDURE = re.compile(r"[A-Z0-9]{5}\Z")
_MODIFIER = re.compile(r"[A-Z0-9]{2}\Z")
_STATE = re.compile(r"[A-Z]{2}\Z")
_ZIP = re.compile(r"[0-9]{5}(?:[0-9]{4})?\Z")
_PO_BOX = re.compile(r"\bP\.?\s*O\.?\s*BOX\b|\bPOST OFFICE BOX\b", re.IGNORECASE)
MAX_LINES = 50
MAX_DIAGNOSES = 12


@dataclass(frozen=True)
class Address:
    line1: str
    city: str
    state: str
    zip: str
    line2: str = ""


@dataclass(frozen=True)
class Provider:
    """A billing, rendering or referring provider: an organization (``first_name`` empty and
    ``is_person`` False) or a person."""

    name: str  # the organization's name, or the person's last name
    npi: str
    first_name: str = ""
    is_person: bool = False
    taxonomy: str = ""
    tax_id: str = ""  # the billing provider's EIN (REF*EI), nine digits
    address: Address | None = None


@dataclass(frozen=True)
class Person:
    last_name: str
    first_name: str
    birth_date: date
    sex: str  # M, F or U
    address: Address | None = None


@dataclass(frozen=True)
class Subscriber:
    person: Person
    member_id: str
    payer_responsibility: str = "P"  # SBR01: P primary, S secondary, T tertiary
    group_number: str = ""
    filing_indicator: str = "CI"  # SBR09: CI commercial, MB Medicare Part B, MC Medicaid …


@dataclass(frozen=True)
class Payer:
    name: str
    payer_id: str


@dataclass(frozen=True)
class ServiceLine:
    procedure: str  # CPT/HCPCS
    charge: Decimal
    service_date: date
    pointers: Sequence[int]  # 1-based positions in the claim's diagnoses, one to four
    units: Decimal = Decimal(1)
    modifiers: Sequence[str] = ()
    place_of_service: str = ""  # only when it differs from the claim's
    control_number: str = ""  # REF*6R: comes back on the 835's line


@dataclass(frozen=True)
class PriorLinePayment:
    """What an earlier payer did with one line (2430: SVD, CAS, DTP*573)."""

    line: int  # the claim's line number it answers, from 1
    paid: Decimal
    adjustments: Sequence[Adjustment] = ()


@dataclass(frozen=True)
class PriorPayment:
    """An earlier payer's adjudication, from its 835, for a secondary or tertiary claim
    (2320 with its CAS and AMT*D, 2330A the other subscriber, 2330B the other payer)."""

    payer: Payer
    subscriber: Subscriber  # the subscriber of that payer's coverage
    relationship: str  # SBR02 of 2320: the patient to that subscriber (18 self, 01 spouse …)
    paid: Decimal  # AMT*D: what that payer paid on the claim
    adjudicated: date  # DTP*573
    adjustments: Sequence[Adjustment] = ()  # claim-level CAS
    lines: Sequence[PriorLinePayment] = ()


@dataclass(frozen=True)
class Claim:
    patient_control_number: str  # CLM01: comes back on the 835 and the 277CA
    charge: Decimal  # CLM02: must be the sum of the lines
    place_of_service: str
    diagnoses: Sequence[str]  # ICD-10-CM, the principal first
    lines: Sequence[ServiceLine]
    subscriber: Subscriber
    payer: Payer
    patient: Person | None = None  # None: the subscriber is the patient
    patient_relationship: str = ""  # PAT01 when the patient is not the subscriber: 19 child …
    frequency: str = "1"
    original_claim_number: str = ""  # REF*F8, the payer's number: needed for 7 and 8
    prior_authorization: str = ""
    referring_provider: Provider | None = None
    rendering_provider: Provider | None = None
    release_of_information: str = "Y"  # CLM09: Y, or I (informed consent)
    prior_payments: Sequence[PriorPayment] = ()  # secondary/tertiary: what the others paid


@dataclass(frozen=True)
class ClaimBatch:
    submitter_name: str
    submitter_id: str  # the ETIN the clearinghouse gave the practice
    contact_name: str
    contact_phone: str  # ten digits
    receiver_name: str
    receiver_id: str
    billing_provider: Provider
    claims: Sequence[Claim]
    reference: str  # BHT03: the batch's own number
    created: datetime
    pay_to_address: Address | None = None
    test: bool = field(default=False)


def npi_is_valid(npi: str) -> bool:
    """Ten digits whose last is the Luhn check digit over 80840 and the first nine."""
    if not re.fullmatch(r"[0-9]{10}", npi):
        return False
    total = 0
    for index, ch in enumerate(reversed("80840" + npi[:9])):
        digit = int(ch) * (2 if index % 2 == 0 else 1)
        total += digit - 9 if digit > 9 else digit
    return (10 - total % 10) % 10 == int(npi[9])


def _refuse(where: str, reason: str) -> X12Error:
    return X12Error(f"{where}: {reason}")


def _need(value: str, where: str, what: str, longest: int) -> None:
    if not value.strip():
        raise _refuse(where, f"{what} is required")
    if len(value) > longest:
        raise _refuse(where, f"{what} {value!r} is longer than {longest} characters")


def _check_address(address: Address | None, where: str, *, billing: bool = False) -> None:
    if address is None:
        if billing:
            raise _refuse(where, "the address is required")
        return
    _need(address.line1, where, "the street address", 55)
    _need(address.city, where, "the city", 30)
    if not _STATE.match(address.state):
        raise _refuse(where, f"the state {address.state!r} is not a two-letter code")
    if not _ZIP.match(address.zip) or (billing and len(address.zip) != 9):
        need = "nine digits (ZIP+4)" if billing else "five or nine digits"
        raise _refuse(where, f"the ZIP code {address.zip!r} must be {need}")
    if billing and _PO_BOX.search(f"{address.line1} {address.line2}"):
        raise _refuse(where, "the billing provider's address cannot be a post office box")


def _check_provider(provider: Provider, where: str, *, billing: bool = False) -> None:
    _need(provider.name, where, "the name", 60)
    if provider.is_person:
        _need(provider.first_name, where, "the first name", 35)
    if not npi_is_valid(provider.npi):
        raise _refuse(where, f"the NPI {provider.npi!r} is not ten digits with a valid check digit")
    if billing:
        if not re.fullmatch(r"[0-9]{9}", provider.tax_id):
            raise _refuse(where, f"the tax id (EIN) {provider.tax_id!r} must be nine digits")
        _check_address(provider.address, where, billing=True)
    if provider.taxonomy and not re.fullmatch(r"[0-9A-Z]{9}X|[0-9A-Z]{10}", provider.taxonomy):
        raise _refuse(where, f"the taxonomy code {provider.taxonomy!r} is not ten characters")


def _check_person(person: Person, where: str) -> None:
    _need(person.last_name, where, "the last name", 60)
    _need(person.first_name, where, "the first name", 35)
    if person.sex not in ("M", "F", "U"):
        raise _refuse(where, f"the sex {person.sex!r} must be M, F or U")
    _check_address(person.address, where)


def _check_line(line: ServiceLine, where: str, diagnoses: int) -> None:
    if not _PROCEDURE.match(line.procedure):
        raise _refuse(where, f"the procedure code {line.procedure!r} is not five letters/digits")
    if len(line.modifiers) > 4 or any(not _MODIFIER.match(m) for m in line.modifiers):
        raise _refuse(
            where, f"modifiers {list(line.modifiers)} must be up to four of two characters"
        )
    if line.charge < 0 or line.charge != line.charge.quantize(CENT):
        raise _refuse(where, f"the charge {line.charge} must be whole cents, not negative")
    if line.units <= 0:
        raise _refuse(where, f"the units {line.units} must be more than zero")
    pointers = list(line.pointers)
    if not 1 <= len(pointers) <= 4 or len(set(pointers)) != len(pointers):
        raise _refuse(where, f"diagnosis pointers {pointers} must be one to four, none repeated")
    for pointer in pointers:
        if not 1 <= pointer <= diagnoses:
            raise _refuse(
                where, f"points at diagnosis {pointer}; the claim has {diagnoses} diagnoses"
            )


def check_claim(claim: Claim) -> None:
    """Every rule a claim must keep to be written; ``X12Error`` for the first it breaks."""
    where = f"claim {claim.patient_control_number!r}"
    _need(claim.patient_control_number, where, "the patient control number (CLM01)", 20)
    if claim.frequency not in FREQUENCIES:
        raise _refuse(where, f"the frequency {claim.frequency!r} must be 1, 7 or 8")
    if claim.frequency in ("7", "8") and not claim.original_claim_number:
        raise _refuse(where, f"a {FREQUENCIES[claim.frequency]} needs the payer's claim number")
    if not re.fullmatch(r"[0-9]{2}", claim.place_of_service):
        raise _refuse(where, f"the place of service {claim.place_of_service!r} is not two digits")
    if not 1 <= len(claim.diagnoses) <= MAX_DIAGNOSES:
        raise _refuse(where, f"a claim needs one to {MAX_DIAGNOSES} diagnoses")
    for code in claim.diagnoses:
        if not _ICD10.match(code.replace(".", "")):
            raise _refuse(where, f"the diagnosis {code!r} is not an ICD-10-CM code")
    if not 1 <= len(claim.lines) <= MAX_LINES:
        raise _refuse(where, f"a claim needs one to {MAX_LINES} service lines")
    for number, line in enumerate(claim.lines, start=1):
        _check_line(line, f"{where} line {number}", len(claim.diagnoses))
    total = sum((line.charge for line in claim.lines), Decimal(0))
    if claim.charge != total:
        raise _refuse(where, f"the total {claim.charge} is not the sum of its lines ({total})")
    subscriber = claim.subscriber
    _check_person(subscriber.person, f"{where} subscriber")
    _need(subscriber.member_id, f"{where} subscriber", "the member id", 80)
    if subscriber.payer_responsibility not in ("P", "S", "T"):
        raise _refuse(where, "the payer responsibility must be P, S or T")
    if subscriber.filing_indicator not in FILING_INDICATORS:
        raise _refuse(where, f"the filing indicator {subscriber.filing_indicator!r} is unknown")
    if claim.patient is None and subscriber.person.address is None:
        raise _refuse(f"{where} subscriber", "the address is required when they are the patient")
    if claim.patient is not None:
        _check_person(claim.patient, f"{where} patient")
        if claim.patient.address is None:
            raise _refuse(f"{where} patient", "the address is required")
        if claim.patient_relationship not in PATIENT_RELATIONSHIPS:
            raise _refuse(where, f"the relationship {claim.patient_relationship!r} is unknown")
    _need(claim.payer.name, f"{where} payer", "the name", 60)
    _need(claim.payer.payer_id, f"{where} payer", "the payer id", 80)
    if claim.prior_payments and subscriber.payer_responsibility == "P":
        raise _refuse(
            where,
            "a claim with an earlier payer's payment goes to a secondary (S) or tertiary (T) payer",
        )
    for number, prior in enumerate(claim.prior_payments, start=1):
        _check_prior_payment(claim, prior, f"{where} earlier payer {number}")
    for role, provider in (
        ("referring", claim.referring_provider),
        ("rendering", claim.rendering_provider),
    ):
        if provider is not None:
            if not provider.is_person:
                raise _refuse(where, f"the {role} provider must be a person")
            _check_provider(provider, f"{where} {role} provider")


def _check_adjustments(adjustments: Sequence[Adjustment], where: str) -> Decimal:
    for adjustment in adjustments:
        if adjustment.group not in GROUP_CODES - {"CR"} or not adjustment.reason:
            raise _refuse(
                where,
                f"the adjustment {adjustment.group} {adjustment.reason!r} needs "
                "a group (CO, PR, OA, PI) and a reason code",
            )
    return sum((a.amount for a in adjustments), Decimal(0))


def _check_prior_payment(claim: Claim, prior: PriorPayment, where: str) -> None:
    """The TR3's balancing for coordination of benefits: each line's charge is what the other
    payer paid on it plus its adjustments; the claim's charge is the other payer's payment plus
    all the claim and line adjustments."""
    _need(prior.payer.name, where, "the payer name", 60)
    _need(prior.payer.payer_id, where, "the payer id", 80)
    _check_person(prior.subscriber.person, f"{where} subscriber")
    _need(prior.subscriber.member_id, f"{where} subscriber", "the member id", 80)
    if not re.fullmatch(r"[0-9A-Z]{2}", prior.relationship):
        raise _refuse(where, f"the relationship {prior.relationship!r} is not a two-character code")
    adjusted = _check_adjustments(prior.adjustments, where)
    seen = set()
    for paid in prior.lines:
        if not 1 <= paid.line <= len(claim.lines) or paid.line in seen:
            raise _refuse(where, f"line {paid.line} is not a line of the claim, or is paid twice")
        seen.add(paid.line)
        line_adjusted = _check_adjustments(paid.adjustments, f"{where} line {paid.line}")
        charge = claim.lines[paid.line - 1].charge
        if paid.paid + line_adjusted != charge:
            raise _refuse(
                f"{where} line {paid.line}",
                f"paid {money_text(paid.paid)} and adjustments {money_text(line_adjusted)} do "
                f"not add up to the charge {money_text(charge)}",
            )
        adjusted += line_adjusted
    if prior.paid + adjusted != claim.charge:
        raise _refuse(
            where,
            f"paid {money_text(prior.paid)} and adjustments {money_text(adjusted)} do not add up "
            f"to the claim's charge {money_text(claim.charge)}",
        )


def check_batch(batch: ClaimBatch) -> None:
    _need(batch.submitter_name, "submitter", "the name", 60)
    _need(batch.submitter_id, "submitter", "the id", 80)
    _need(batch.contact_name, "submitter", "the contact name", 60)
    if not re.fullmatch(r"[0-9]{10}", batch.contact_phone):
        raise _refuse("submitter", f"the phone {batch.contact_phone!r} must be ten digits")
    _need(batch.receiver_name, "receiver", "the name", 60)
    _need(batch.receiver_id, "receiver", "the id", 80)
    _need(batch.reference, "batch", "the reference (BHT03)", 30)
    _check_provider(batch.billing_provider, "billing provider", billing=True)
    _check_address(batch.pay_to_address, "pay-to address")
    if not batch.claims:
        raise _refuse("batch", "there is no claim to write")
    seen: set[str] = set()
    for claim in batch.claims:
        check_claim(claim)
        if claim.patient_control_number in seen:
            raise _refuse(f"claim {claim.patient_control_number!r}", "is in the batch twice")
        seen.add(claim.patient_control_number)
