"""Writing a ``ClaimBatch`` (see ``claim``) as one 837P interchange, after ``check_batch``.

Each claim gets its own subscriber loop (HL 22) under the one billing provider (HL 20), and a
patient loop (HL 23) when the patient is not the subscriber. Segment order follows the TR3.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from .claim import (
    VERSION,
    Address,
    Claim,
    ClaimBatch,
    Person,
    PriorPayment,
    Provider,
    check_batch,
)
from .envelope import InterchangeHeader, TransactionBody, write_interchange
from .errors import X12Error
from .remittance import Adjustment
from .tokenizer import Delimiters
from .writer import Element


def _r(value: Decimal) -> str:
    """An amount or quantity as X12 writes it: no trailing zeros after the point."""
    text = f"{value.normalize():f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def write_837p(
    batch: ClaimBatch,
    header: InterchangeHeader,
    *,
    control_number: str,
    delimiters: Delimiters = Delimiters(),  # noqa: B008 (frozen)
) -> str:
    """The batch as one interchange string; ``X12Error`` names the first rule a claim breaks."""
    if header.version != VERSION or header.functional_id != "HC":
        raise X12Error(
            f"an 837P goes in a group HC {VERSION}, not {header.functional_id} {header.version}"
        )
    check_batch(batch)
    body = TransactionBody("837", control_number, claim_segments(batch))
    return write_interchange(header, [body], delimiters)


Seg = tuple[str, Sequence[Element]]


def _address(address: Address) -> list[Seg]:
    return [
        ("N3", [address.line1, address.line2]),
        ("N4", [address.city, address.state, address.zip]),
    ]


def _provider_name(code: str, provider: Provider) -> Seg:
    if provider.is_person:
        return (
            "NM1",
            [code, "1", provider.name, provider.first_name, "", "", "", "XX", provider.npi],
        )
    return ("NM1", [code, "2", provider.name, "", "", "", "", "XX", provider.npi])


def claim_segments(batch: ClaimBatch) -> list[Seg]:
    """The segments between ST and SE (the batch is assumed checked)."""
    billing = batch.billing_provider
    out: list[Seg] = [
        (
            "BHT",
            [
                "0019",
                "00",
                batch.reference,
                batch.created.strftime("%Y%m%d"),
                batch.created.strftime("%H%M"),
                "CH",
            ],
        ),
        ("NM1", ["41", "2", batch.submitter_name, "", "", "", "", "46", batch.submitter_id]),
        ("PER", ["IC", batch.contact_name, "TE", batch.contact_phone]),
        ("NM1", ["40", "2", batch.receiver_name, "", "", "", "", "46", batch.receiver_id]),
        ("HL", ["1", "", "20", "1"]),
    ]
    if billing.taxonomy:
        out.append(("PRV", ["BI", "PXC", billing.taxonomy]))
    out.append(_provider_name("85", billing))
    assert billing.address is not None
    out += _address(billing.address)
    out.append(("REF", ["EI", billing.tax_id]))
    if batch.pay_to_address is not None:
        out.append(("NM1", ["87", "2"]))
        out += _address(batch.pay_to_address)
    hl = 1
    for claim in batch.claims:
        hl = _claim_loops(out, claim, hl)
    return out


def _person(code: str, person: Person, *, member_id: str = "") -> list[Seg]:
    name: list[str] = [code, "1", person.last_name, person.first_name]
    if member_id:
        name += ["", "", "", "MI", member_id]
    out: list[Seg] = [("NM1", name)]
    if person.address is not None:
        out += _address(person.address)
    out.append(("DMG", ["D8", person.birth_date.strftime("%Y%m%d"), person.sex]))
    return out


def _claim_loops(out: list[Seg], claim: Claim, hl: int) -> int:
    """The subscriber (and patient) loops, then the claim; returns the last HL number used."""
    subscriber, dependent = claim.subscriber, claim.patient is not None
    subscriber_hl = hl = hl + 1
    relationship = "" if dependent else "18"
    sbr = [subscriber.payer_responsibility, relationship, subscriber.group_number]
    out.append(("HL", [str(subscriber_hl), "1", "22", "1" if dependent else "0"]))
    out.append(("SBR", [*sbr, "", "", "", "", "", subscriber.filing_indicator]))
    out += _person("IL", subscriber.person, member_id=subscriber.member_id)
    out.append(("NM1", ["PR", "2", claim.payer.name, "", "", "", "", "PI", claim.payer.payer_id]))
    if claim.patient is not None:
        hl = subscriber_hl + 1
        out.append(("HL", [str(hl), str(subscriber_hl), "23", "0"]))
        out.append(("PAT", [claim.patient_relationship]))
        out += _person("QC", claim.patient)
    _claim(out, claim)
    return hl


def _claim(out: list[Seg], claim: Claim) -> None:
    where = (claim.place_of_service, "B", claim.frequency)
    signatures = ["Y", "A", "Y", claim.release_of_information]
    out.append(
        ("CLM", [claim.patient_control_number, _r(claim.charge), "", "", where, *signatures])
    )
    if claim.prior_authorization:
        out.append(("REF", ["G1", claim.prior_authorization]))
    if claim.original_claim_number:
        out.append(("REF", ["F8", claim.original_claim_number]))
    codes = [code.replace(".", "") for code in claim.diagnoses]
    out.append(("HI", [("ABK" if i == 0 else "ABF", code) for i, code in enumerate(codes)]))
    if claim.referring_provider is not None:
        out.append(_provider_name("DN", claim.referring_provider))
    if claim.rendering_provider is not None:
        out.append(_provider_name("82", claim.rendering_provider))
        if claim.rendering_provider.taxonomy:
            out.append(("PRV", ["PE", "PXC", claim.rendering_provider.taxonomy]))
    for prior in claim.prior_payments:
        _other_payer(out, prior)
    for number, line in enumerate(claim.lines, start=1):
        procedure = ("HC", line.procedure, *line.modifiers)
        pointers = tuple(str(p) for p in line.pointers)
        out.append(("LX", [str(number)]))
        out.append(
            (
                "SV1",
                [
                    procedure,
                    _r(line.charge),
                    "UN",
                    _r(line.units),
                    line.place_of_service,
                    "",
                    pointers,
                ],
            )
        )
        out.append(("DTP", ["472", "D8", line.service_date.strftime("%Y%m%d")]))
        if line.control_number:
            out.append(("REF", ["6R", line.control_number]))
        for prior in claim.prior_payments:
            for paid in prior.lines:
                if paid.line == number:
                    out.append(
                        (
                            "SVD",
                            [prior.payer.payer_id, _r(paid.paid), procedure, "", _r(line.units)],
                        )
                    )
                    out += _cas(paid.adjustments)
                    out.append(("DTP", ["573", "D8", prior.adjudicated.strftime("%Y%m%d")]))


def _cas(adjustments: Sequence[Adjustment]) -> list[Seg]:
    """One CAS per group code, six reason/amount/quantity triples at most in each."""
    out: list[Seg] = []
    for group in dict.fromkeys(a.group for a in adjustments):
        triples = [a for a in adjustments if a.group == group]
        for start in range(0, len(triples), 6):
            elements = [group]
            for a in triples[start : start + 6]:
                quantity = "" if a.quantity is None else _r(a.quantity)
                elements += [a.reason, _r(a.amount), quantity]
            out.append(("CAS", elements))
    return out


def _other_payer(out: list[Seg], prior: PriorPayment) -> None:
    """2320 (the other payer's coverage, adjustments and payment), 2330A, 2330B."""
    subscriber = prior.subscriber
    out.append(
        (
            "SBR",
            [
                subscriber.payer_responsibility,
                prior.relationship,
                subscriber.group_number,
                "",
                "",
                "",
                "",
                "",
                subscriber.filing_indicator,
            ],
        )
    )
    out += _cas(prior.adjustments)
    out.append(("AMT", ["D", _r(prior.paid)]))
    out.append(("OI", ["", "", "Y", "", "", "Y"]))
    person = subscriber.person
    out.append(
        (
            "NM1",
            [
                "IL",
                "1",
                person.last_name,
                person.first_name,
                "",
                "",
                "",
                "MI",
                subscriber.member_id,
            ],
        )
    )
    if person.address is not None:
        out += _address(person.address)
    out.append(("NM1", ["PR", "2", prior.payer.name, "", "", "", "", "PI", prior.payer.payer_id]))
    if not prior.lines:
        out.append(("DTP", ["573", "D8", prior.adjudicated.strftime("%Y%m%d")]))
