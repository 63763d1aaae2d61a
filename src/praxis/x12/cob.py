"""Coordination of benefits: the primary payer's 835, made into what the secondary claim says
about it (``PriorPayment``), so the secondary payer sees the same numbers the primary sent."""

from __future__ import annotations

from datetime import date

from .claim import Claim, Payer, PriorLinePayment, PriorPayment, Subscriber
from .errors import X12Error
from .remittance import ClaimPayment


def prior_payment_from_835(
    paid: ClaimPayment,
    claim: Claim,
    *,
    payer: Payer,
    subscriber: Subscriber,
    relationship: str,
    adjudicated: date,
) -> PriorPayment:
    """The primary's adjudication of ``claim`` (read from its 835) for the secondary claim.

    Lines are matched by the line control number Praxis sent (REF*6R) when the 835 gives it
    back, else by position; an 835 line that matches no claim line is refused."""
    by_control = {
        line.control_number: n for n, line in enumerate(claim.lines, 1) if line.control_number
    }
    lines = []
    for position, line in enumerate(paid.lines, start=1):
        number = by_control.get(line.control_number, position) if line.control_number else position
        if number > len(claim.lines):
            raise X12Error(
                f"the 835's line {position} of claim {paid.patient_control_number} matches no "
                "line of the claim",
                segment=line.segment,
            )
        lines.append(PriorLinePayment(number, line.paid, tuple(line.adjustments)))
    return PriorPayment(
        payer=payer,
        subscriber=subscriber,
        relationship=relationship,
        paid=paid.paid,
        adjudicated=adjudicated,
        adjustments=tuple(paid.adjustments),
        lines=tuple(lines),
    )
