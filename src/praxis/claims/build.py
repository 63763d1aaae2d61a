"""The claim's 837P content, built from Praxis's records into ``praxis.x12`` dataclasses.

``build_batch`` is the one place that maps the encounter, the patient, the coverage and its
payer, the providers, the location and the practice onto an 837P. Choices where the records are
silent: the billing provider (2010AA) is the practice itself (group NPI, legal name, TIN,
taxonomy, address — the 837P needs a ZIP+4 there); the submitter id (1000A) and the ISA sender
are the practice's TIN digits; a provider's first and last names come from its display name
("Dr. Dana Dubois" → Dana / Dubois); a subscriber who is not the patient is written from the
coverage's subscriber name and date of birth, sex "U".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet

from praxis.billing.models import Encounter
from praxis.core.models import Practice
from praxis.patients.models import Coverage, Patient, Payer
from praxis.scheduling.models import Provider
from praxis.x12 import claim as x12
from praxis.x12.envelope import InterchangeHeader

from .models import Claim

FILING_INDICATORS = {"medicare": "MB", "medicaid": "MC", "commercial": "CI"}
_TITLES = re.compile(r"^(dr|doctor|mr|mrs|ms)\.?\s+", re.IGNORECASE)


def _digits(text: str) -> str:
    return re.sub(r"[^0-9]", "", text or "")


def _address(holder: object) -> x12.Address | None:
    line1 = getattr(holder, "address_line1", "")
    if not line1:
        return None
    return x12.Address(
        line1=line1,
        line2=getattr(holder, "address_line2", ""),
        city=getattr(holder, "city", ""),
        state=getattr(holder, "state", ""),
        zip=_digits(getattr(holder, "postal_code", "")),
    )


def split_name(display: str) -> tuple[str, str]:
    """(last, first) of "Dr. Dana Dubois": the last word is the last name."""
    words = _TITLES.sub("", display.split(",")[0]).split()
    if not words:
        return "", ""
    return words[-1], " ".join(words[:-1])


def _rendering(provider: Provider) -> x12.Provider:
    last, first = split_name(provider.display_name)
    return x12.Provider(
        last, provider.npi, first_name=first, is_person=True, taxonomy=provider.taxonomy_code
    )


def _billing(practice: Practice) -> x12.Provider:
    return x12.Provider(
        practice.legal_name or practice.name,
        practice.group_npi,
        taxonomy=practice.taxonomy_code,
        tax_id=_digits(practice.tin),
        address=_address(practice),
    )


def _patient(patient: Patient) -> x12.Person:
    return x12.Person(
        last_name=patient.legal_last_name,
        first_name=patient.legal_first_name,
        birth_date=patient.date_of_birth,
        sex=patient.sex,
        address=_address(patient),
    )


def _subscriber(
    coverage: Coverage, payer: Payer, patient: x12.Person
) -> tuple[x12.Subscriber, x12.Person | None]:
    """The subscriber, and the patient when they are not the subscriber."""
    self_paid = coverage.subscriber_relationship == Coverage.Relationship.SELF
    if self_paid:
        person = patient
    else:
        last, first = split_name(coverage.subscriber_name)
        person = x12.Person(
            last_name=last,
            first_name=first,
            birth_date=coverage.subscriber_date_of_birth or patient.birth_date,
            sex="U",
        )
    subscriber = x12.Subscriber(
        person=person,
        member_id=coverage.member_id,
        payer_responsibility="PST"[coverage.priority - 1],
        group_number=coverage.group_number,
        filing_indicator=FILING_INDICATORS.get(payer.kind, "ZZ"),
    )
    return subscriber, None if self_paid else patient


def build_claim(claim: Claim) -> x12.Claim:
    """One claim's 837P content (the claim's encounter with its diagnoses and lines loaded)."""
    encounter: Encounter = claim.encounter
    coverage = claim.coverage
    subscriber, patient = _subscriber(coverage, claim.payer, _patient(encounter.patient))
    relationship = "" if patient is None else coverage.subscriber_relationship
    return x12.Claim(
        patient_control_number=claim.control_number,
        charge=claim.total_charge,
        place_of_service=encounter.place_of_service,
        diagnoses=[d.code for d in encounter.diagnoses.all()],
        lines=[
            x12.ServiceLine(
                procedure=line.procedure_code.code,
                charge=line.amount,
                service_date=encounter.date_of_service,
                pointers=list(line.diagnosis_pointers),
                units=Decimal(line.units),
                modifiers=list(line.modifiers),
                control_number=f"{claim.pk}-{line.line_number}",
            )
            for line in encounter.lines.all()
        ],
        subscriber=subscriber,
        payer=x12.Payer(claim.payer.name, claim.payer.edi_payer_id),
        patient=patient,
        patient_relationship=relationship,
        frequency=claim.frequency,
        rendering_provider=_rendering(encounter.rendering_provider),
    )


def build_batch(
    practice: Practice,
    payer: Payer,
    claims: Sequence[Claim],
    *,
    control_number: int,
    created: datetime,
    test: bool = False,
) -> tuple[x12.ClaimBatch, InterchangeHeader]:
    """The claims to one payer as the 837P's dataclasses and its interchange header."""
    tin = _digits(practice.tin)
    receiver = payer.edi_payer_id or "UNKNOWN"
    batch = x12.ClaimBatch(
        submitter_name=practice.legal_name or practice.name,
        submitter_id=tin,
        contact_name=practice.name,
        contact_phone=_digits(practice.phone)[-10:],
        receiver_name=payer.name,
        receiver_id=receiver,
        billing_provider=_billing(practice),
        claims=[build_claim(claim) for claim in claims],
        reference=f"{control_number:09d}",
        created=created,
        test=test,
    )
    header = InterchangeHeader(
        sender_qualifier="ZZ",
        sender_id=tin or "PRAXIS",
        receiver_qualifier="ZZ",
        receiver_id=receiver[:15],
        application_sender=(tin or "PRAXIS")[:15],
        application_receiver=receiver[:15].ljust(2, "0"),
        control_number=control_number,
        group_control_number=control_number,
        created=created,
        usage="T" if test else "P",
    )
    return batch, header


def claims_loaded(queryset: QuerySet[Claim]) -> QuerySet[Claim]:
    """What ``build_claim`` reads, in a fixed number of queries."""
    return queryset.select_related(
        "payer",
        "coverage",
        "encounter__patient",
        "encounter__rendering_provider",
        "encounter__location",
    ).prefetch_related("encounter__diagnoses", "encounter__lines__procedure_code")
