"""What a file holds, as plain JSON-ready data: the shape ``praxis x12 parse`` prints.

Amounts are decimal strings with two places ("125.00"), never floats; dates are ISO
(2026-12-07) where the file has a valid CCYYMMDD; codes are as the file writes them, with their
meaning beside them where the code alone says little (``status_text``). Patient names are left
out: the control numbers identify the claims.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from .acknowledgments import (
    ACK_CODES,
    ClaimAcknowledgments,
    ClaimStatus,
    FunctionalAcknowledgment,
    claim_acknowledgments_from,
    functional_acknowledgment_from,
)
from .claim_reader import ClaimFile, claims_from
from .envelope import kind_of, read_interchange
from .errors import X12Error
from .remittance import Adjustment, ClaimPayment, Party, Payment, Remittance, remittance_from
from .values import money_text, paused_gc

Json = dict[str, Any]


def describe(data: bytes | str) -> Json:
    """Read any supported file (835, 999, 277CA/277, 837P) into its JSON shape."""
    with paused_gc():
        return _describe(data)


def _describe(data: bytes | str) -> Json:
    interchange = read_interchange(data)
    kinds = sorted({kind_of(t) for t in interchange.transaction_sets})
    if len(kinds) > 1:
        raise X12Error(f"the file mixes transaction sets ({', '.join(kinds)}): one kind per file")
    kind = kinds[0]
    if kind == "835":
        return remittance_json(remittance_from(interchange))
    if kind == "999":
        return functional_acknowledgment_json(functional_acknowledgment_from(interchange))
    if kind in ("277CA", "277"):
        return claim_acknowledgments_json(claim_acknowledgments_from(interchange))
    if kind.startswith("837"):
        return claim_file_json(claims_from(interchange))
    raise X12Error(
        f"{kind} files are not read here (835, 999, 277CA and 837 are)",
        segment=interchange.transaction_sets[0].start,
    )


def _money(value: Decimal | None) -> str | None:
    return None if value is None else money_text(value)


def _quantity(value: Decimal | None) -> str | None:
    return None if value is None else f"{value.normalize():f}"


def _party(party: Party) -> Json:
    return {"name": party.name, "id_qualifier": party.id_qualifier, "id": party.id}


def _adjustments(adjustments: list[Adjustment]) -> list[Json]:
    return [
        {
            "group": a.group,
            "reason": a.reason,
            "amount": money_text(a.amount),
            "quantity": _quantity(a.quantity),
        }
        for a in adjustments
    ]


def remittance_json(remittance: Remittance) -> Json:
    return {
        "transaction": "835",
        "version": remittance.version,
        "warnings": remittance.warnings,
        "findings": remittance.findings,
        "checks": [_payment(payment) for payment in remittance.payments],
    }


def _payment(payment: Payment) -> Json:
    return {
        "trace_number": payment.trace_number,
        "amount": money_text(payment.amount),
        "method": payment.method,
        "handling": payment.handling,
        "date": payment.date,
        "payer": _party(payment.payer),
        "payee": _party(payment.payee),
        "balanced": not payment.balance_difference(),
        "plb": [
            {
                "provider": plb.provider,
                "fiscal_period": plb.fiscal_period,
                "reason": plb.reason,
                "reference": plb.reference,
                "amount": money_text(plb.amount),
            }
            for plb in payment.provider_adjustments
        ],
        "claims": [_claim(claim) for claim in payment.claims],
    }


def _claim(claim: ClaimPayment) -> Json:
    return {
        "patient_control_number": claim.patient_control_number,
        "payer_claim_number": claim.payer_claim_number,
        "status": claim.status,
        "status_text": claim.status_text,
        "charge": money_text(claim.charge),
        "paid": money_text(claim.paid),
        "patient_responsibility": money_text(claim.patient_responsibility),
        "interest": _money(claim.interest),
        "dates": claim.dates,
        "remarks": claim.remarks,
        "balanced": not claim.balance_difference(),
        "adjustments": _adjustments(claim.adjustments),
        "lines": [
            {
                "qualifier": line.qualifier,
                "procedure": line.procedure,
                "modifiers": line.modifiers,
                "units": _quantity(line.units),
                "charge": money_text(line.charge),
                "paid": money_text(line.paid),
                "allowed": _money(line.allowed),
                "control_number": line.control_number,
                "dates": line.dates,
                "remarks": line.remarks,
                "balanced": not line.balance_difference(),
                "adjustments": _adjustments(line.adjustments),
            }
            for line in claim.lines
        ],
    }


def functional_acknowledgment_json(ack: FunctionalAcknowledgment) -> Json:
    return {
        "transaction": "999",
        "version": ack.version,
        "warnings": ack.warnings,
        "groups": [
            {
                "functional_id": group.functional_id,
                "control_number": group.control_number,
                "version": group.version,
                "status": group.status,
                "status_text": ACK_CODES.get(group.status, "unknown"),
                "included": group.included,
                "received": group.received,
                "accepted": group.accepted,
                "error_codes": group.error_codes,
                "transaction_sets": [
                    {
                        "transaction": s.transaction,
                        "control_number": s.control_number,
                        "status": s.status,
                        "status_text": ACK_CODES.get(s.status, "unknown"),
                        "accepted": s.accepted,
                        "error_codes": s.error_codes,
                        "segment_errors": [
                            {
                                "segment": e.segment_id,
                                "position": e.position,
                                "loop": e.loop,
                                "code": e.code,
                                "text": e.text,
                                "elements": [
                                    {
                                        "position": el.position,
                                        "reference": el.reference,
                                        "code": el.code,
                                        "text": el.text,
                                        "value": el.value,
                                    }
                                    for el in e.elements
                                ],
                            }
                            for e in s.segment_errors
                        ],
                    }
                    for s in group.sets
                ],
            }
            for group in ack.groups
        ],
    }


def _status(status: ClaimStatus) -> Json:
    return {
        "category": status.category,
        "code": status.code,
        "entity": status.entity,
        "date": status.date,
        "action": status.action,
        "amount": _money(status.amount),
    }


def claim_acknowledgments_json(acks: ClaimAcknowledgments) -> Json:
    return {
        "transaction": acks.transaction,
        "version": acks.version,
        "warnings": acks.warnings,
        "statuses": [{"level": level, **_status(s)} for level, s in acks.other_statuses],
        "claims": [
            {
                "patient_control_number": claim.patient_control_number,
                "payer_claim_number": claim.payer_claim_number,
                "clearinghouse_trace": claim.clearinghouse_trace,
                "status": claim.status,
                "charge": _money(claim.charge),
                "service_dates": claim.service_dates,
                "statuses": [_status(s) for s in claim.statuses],
            }
            for claim in acks.claims
        ],
    }


def claim_file_json(claim_file: ClaimFile) -> Json:
    return {
        "transaction": claim_file.transaction,
        "version": claim_file.version,
        "warnings": claim_file.warnings,
        "claims": [
            {
                "patient_control_number": claim.patient_control_number,
                "charge": money_text(claim.charge),
                "place_of_service": claim.place_of_service,
                "frequency": claim.frequency,
                "billing_provider_npi": claim.billing_provider_npi,
                "payer": {"name": claim.payer_name, "id": claim.payer_id},
                "diagnoses": [{"qualifier": q, "code": code} for q, code in claim.diagnoses],
                "prior_authorization": claim.prior_authorization,
                "original_claim_number": claim.original_claim_number,
                "lines": [
                    {
                        "qualifier": line.qualifier,
                        "procedure": line.procedure,
                        "modifiers": line.modifiers,
                        "charge": money_text(line.charge),
                        "units": _quantity(line.units),
                        "pointers": line.pointers,
                        "service_date": line.service_date,
                        "control_number": line.control_number,
                    }
                    for line in claim.lines
                ],
            }
            for claim in claim_file.claims
        ],
    }
