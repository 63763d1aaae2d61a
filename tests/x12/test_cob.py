"""Secondary claims: the primary's 835 becomes the 2320/2330 loops and the line SVD/CAS of the
claim to the secondary payer; the numbers must balance, and pyx12 accepts the result."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from praxis.x12.claim import Payer, PriorLinePayment, PriorPayment, Subscriber
from praxis.x12.cob import prior_payment_from_835
from praxis.x12.errors import X12Error
from praxis.x12.remittance import Adjustment, read_835
from praxis.x12.writer_837p import write_837p

from .test_claim_837p import HEADER, batch, body, pyx12_says_valid, self_claim

D = Decimal
PRIMARY = Payer("ACME HEALTH", "60054")
SECONDARY = Payer("SECOND CHANCE MUTUAL", "77001")
# The primary pays 99214 at 100 (CO-45 30, PR-2 coinsurance 20) and 83036 at 20 (CO-45 15.50):
# 185.50 = 120 paid + 45.50 contractual + 20 patient responsibility.
PRIMARY_835 = (
    "ST*835*0001~BPR*I*120*C*ACH~TRN*1*EFT1*1~N1*PR*ACME HEALTH~N1*PE*CLINIC*XX*1234567893~"
    "LX*1~CLP*PCN-1001*1*185.5*120*20*CI*PAYER-1~"
    "SVC*HC:99214:25*150*100**1~DTM*472*20261201~CAS*CO*45*30~CAS*PR*2*20~REF*6R*L1~"
    "SVC*HC:83036*35.5*20**1~DTM*472*20261201~CAS*CO*45*15.5~"
    "SE*15*0001~"
)


def secondary_claim():
    primary_claim = self_claim()
    (payment,) = read_835(PRIMARY_835).payments
    assert payment.findings == []
    (paid,) = payment.claims
    prior = prior_payment_from_835(
        paid,
        primary_claim,
        payer=PRIMARY,
        subscriber=primary_claim.subscriber,
        relationship="18",
        adjudicated=date(2026, 12, 20),
    )
    subscriber = dataclasses.replace(
        primary_claim.subscriber, member_id="SC998877", payer_responsibility="S"
    )
    return dataclasses.replace(
        primary_claim,
        subscriber=subscriber,
        payer=SECONDARY,
        prior_authorization="",
        prior_payments=[prior],
    )


def test_the_primary_835_becomes_the_secondary_claims_cob_loops(tmp_path):
    text = write_837p(batch(secondary_claim()), HEADER, control_number="0003")
    segments = body(text)
    start = segments.index(["SBR", "P", "18", "", "", "", "", "", "", "CI"])
    assert segments[start : start + 6] == [
        ["SBR", "P", "18", "", "", "", "", "", "", "CI"],
        ["AMT", "D", "120"],
        ["OI", "", "", "Y", "", "", "Y"],
        ["NM1", "IL", "1", "HADDAD", "AMELIE", "", "", "", "MI", "W123456789"],
        ["N3", "12 RIVER RD"],
        ["N4", "SPRINGFIELD", "IL", "62701"],
    ]
    assert ["SBR", "S", "18", "", "", "", "", "", "", "CI"] in segments
    first_svd = segments.index(["SVD", "60054", "100", "HC:99214:25", "", "1"])
    assert segments[first_svd + 1 : first_svd + 4] == [
        ["CAS", "CO", "45", "30"],
        ["CAS", "PR", "2", "20"],
        ["DTP", "573", "D8", "20261220"],
    ]
    assert ["SVD", "60054", "20", "HC:83036", "", "1"] in segments
    (tmp_path / "secondary.837").write_text(text)
    assert pyx12_says_valid(tmp_path / "secondary.837")


def test_a_claim_level_only_cob_carries_the_adjudication_date_on_the_payer():
    claim = secondary_claim()
    prior = dataclasses.replace(
        claim.prior_payments[0],
        lines=(),
        adjustments=(Adjustment("CO", "45", D("45.50")), Adjustment("PR", "2", D("20"))),
    )
    text = write_837p(
        batch(dataclasses.replace(claim, prior_payments=[prior])), HEADER, control_number="0004"
    )
    segments = body(text)
    payer_at = segments.index(["NM1", "PR", "2", "ACME HEALTH", "", "", "", "", "PI", "60054"])
    assert segments[payer_at + 1] == ["DTP", "573", "D8", "20261220"]
    assert ["CAS", "CO", "45", "45.5"] in segments and not any(s[0] == "SVD" for s in segments)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            {"paid": D("119")},
            "earlier payer 1: paid 119.00 and adjustments 65.50 do not add up to "
            "the claim's charge 185.50",
        ),
        (
            {"lines": (PriorLinePayment(1, D("99"), (Adjustment("CO", "45", D("30")),)),)},
            "earlier payer 1 line 1: paid 99.00 and adjustments 30.00 do not add up to the "
            "charge 150.00",
        ),
        ({"lines": (PriorLinePayment(3, D("0")),)}, "line 3 is not a line of the claim"),
        ({"adjustments": (Adjustment("XX", "45", D("1")),)}, "needs a group (CO, PR, OA, PI)"),
        ({"relationship": "self"}, "the relationship 'self' is not a two-character code"),
    ],
)
def test_cob_that_does_not_balance_is_refused(change, message):
    claim = secondary_claim()
    prior = dataclasses.replace(claim.prior_payments[0], **change)
    with pytest.raises(X12Error) as caught:
        write_837p(
            batch(dataclasses.replace(claim, prior_payments=[prior])), HEADER, control_number="0005"
        )
    assert message in str(caught.value)


def test_an_earlier_payment_needs_a_secondary_payer():
    claim = secondary_claim()
    primary = dataclasses.replace(claim.subscriber, payer_responsibility="P")
    with pytest.raises(X12Error, match=r"goes to a secondary \(S\) or tertiary \(T\) payer"):
        write_837p(
            batch(dataclasses.replace(claim, subscriber=primary)), HEADER, control_number="0006"
        )


def test_an_835_line_that_matches_no_claim_line_is_refused():
    (payment,) = read_835(PRIMARY_835.replace("SE*15", "SVC*HC:1*0*0~SE*16")).payments
    with pytest.raises(X12Error, match="the 835's line 3 of claim PCN-1001 matches no line"):
        prior_payment_from_835(
            payment.claims[0],
            self_claim(),
            payer=PRIMARY,
            subscriber=self_claim().subscriber,
            relationship="18",
            adjudicated=date(2026, 12, 20),
        )


def test_prior_payment_dataclass_defaults():
    prior = PriorPayment(
        PRIMARY, Subscriber(self_claim().subscriber.person, "X"), "18", D("0"), date(2026, 1, 1)
    )
    assert prior.lines == () and prior.adjustments == ()
