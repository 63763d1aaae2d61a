"""Reading 835 remittances: amounts, statuses and adjustments as the TR3 examples write them,
balancing reported as findings, and every sample either read or refused with one X12Error."""

from __future__ import annotations

from decimal import Decimal

import pytest

from praxis.x12.errors import X12Error
from praxis.x12.remittance import Adjustment, read_835

from .files import REMITTANCES, UNREADABLE, sample

D = Decimal


@pytest.mark.parametrize("name", REMITTANCES)
def test_every_835_reads_with_its_balancing_reported_or_fails_with_one_clear_error(name):
    data = sample(name).read_bytes()
    if name in UNREADABLE:
        with pytest.raises(X12Error) as caught:
            read_835(data)
        assert UNREADABLE[name] in str(caught.value)
        return
    remittance = read_835(data)
    assert remittance.payments
    for payment in remittance.payments:
        assert payment.trace_number
        for claim in payment.claims:
            assert claim.patient_control_number
            assert isinstance(claim.balance_difference(), Decimal)
        assert isinstance(payment.balance_difference(), Decimal)


def test_dollars_and_data_sent_together():
    remittance = read_835(sample("badx12/X221-dollars-and-data-sent-together.edi").read_bytes())
    assert remittance.version == "005010X221A1" and remittance.warnings == []
    (payment,) = remittance.payments
    assert (payment.amount, payment.method, payment.trace_number) == (D("150000"), "ACH", "12345")
    assert payment.payer.name == "INSURANCE COMPANY OF TIMBUCKTU"
    assert (payment.payee.name, payment.payee.id) == ("REGIONAL HOPE HOSPITAL", "6543210903")
    first, second = payment.claims
    assert (first.patient_control_number, first.status, first.charge, first.paid) == (
        "666123",
        "1",
        D("211366.97"),
        D("138018.4"),
    )
    assert first.payer_claim_number == "1999999444444"
    assert first.adjustments == [Adjustment("CO", "45", D("73348.57"))]
    assert second.remarks == ["MA02"]
    (plb,) = payment.provider_adjustments
    assert (plb.reason, plb.reference, plb.amount) == ("CV", "CP", D("-1.27"))
    # 150000 = 138018.40 + 11980.33 - (-1.27): the check balances only with the PLB.
    assert payment.balance_difference() == 0 and remittance.findings == []


def test_era_sample_lines_with_their_own_adjustments():
    (payment,) = read_835(sample("badx12/X221-era-sample.edi").read_bytes()).payments
    (claim,) = payment.claims
    assert (claim.charge, claim.paid, claim.status_text) == (
        D("226"),
        D("132"),
        "processed as primary",
    )
    assert [(line.qualifier, line.procedure, line.charge, line.paid) for line in claim.lines][
        :2
    ] == [("AD", "D0120", D("46"), D("25")), ("AD", "D0220", D("25"), D("14"))]
    assert claim.lines[0].adjustments == [Adjustment("CO", "131", D("21"))]
    assert claim.lines[0].dates == {"service": "2014-03-24"}
    assert claim.lines[0].allowed == D("25")
    assert claim.balance_difference() == 0


def test_secondary_payments_patient_responsibility_quantities_and_two_triples():
    (payment,) = read_835(sample("badx12/X221-secondary-payments.edi").read_bytes()).payments
    first, second = payment.claims
    assert (first.status, first.patient_responsibility) == ("2", D("0"))
    assert second.patient_responsibility == D("220")
    line = second.lines[1]
    assert (line.procedure, line.modifiers, line.units) == ("66543", ["26"], D("1"))
    assert line.adjustments == [
        Adjustment("PR", "1", D("150")),
        Adjustment("PR", "2", D("70")),
        Adjustment("CO", "42", D("85")),
    ]
    assert line.control_number == "" and second.lines[0].adjustments[0].group == "OA"


def test_denied_lines_carry_their_remark_codes():
    (payment,) = read_835(sample("pyx12/835_mult_loops.txt").read_bytes()).payments
    (claim,) = payment.claims
    assert (claim.status_text, claim.paid) == ("denied", D("0"))
    assert [line.remarks for line in claim.lines] == [["N14"], ["N14"], ["N14"]]
    assert [a.reason for line in claim.lines for a in line.adjustments] == ["16", "A7", "A7"]


def test_a_payer_file_without_an_envelope_and_with_an_empty_line_charge():
    remittance = read_835(sample("edi-835-parser/blue_cross_nc_sample.txt").read_bytes())
    (payment,) = remittance.payments
    assert (payment.amount, payment.trace_number) == (D("1922.86"), "02790758")
    assert remittance.warnings == [
        "segment 32: SE01 says 33 segments, the transaction set has 32",
        "segment 28: SVC02 is empty; read as 0.00",
        "segment 28: SVC03 is empty; read as 0.00",
    ]
    assert remittance.findings == []


def test_an_unbalanced_line_is_a_finding_not_an_error():
    remittance = read_835(sample("linuxforhealth-x12/tertiary-payment.835").read_bytes())
    assert remittance.findings == [
        "segment 20: line HC of claim 0001000054: charge 24599.00 less paid 1766.50 differs from "
        "its adjustments by 21253.50"
    ]
    assert remittance.payments[0].claims[0].balance_difference() == 0


def test_broken_control_numbers_still_read_with_warnings():
    remittance = read_835(sample("badx12/error_validation.edi").read_bytes())
    assert len(remittance.warnings) == 6 and remittance.findings == []
    assert [c.paid for c in remittance.payments[0].claims] == [D("450"), D("495")]


ENVELOPE = "ST*835*0001~BPR*I*{bpr}*C*ACH~TRN*1*EFT77*1~N1*PR*ACME~N1*PE*CLINIC*XX*1234567893~"


def remit(body: str, bpr: str = "0") -> str:
    text = ENVELOPE.format(bpr=bpr) + body
    return text + f"SE*{text.count('~') + 1}*0001~"


def test_a_reversal_interest_and_all_six_adjustment_triples():
    body = (
        "CLP*PCN1*22*-100*-80*-20*12*PAYER9~CAS*PR*1*-10*1*2*-5**3*-5~"
        "CLP*PCN1*1*100*82*20*12*PAYER9~CAS*CO*45*1*1*A1*1**B1*1**C1*1**D1*1**E1*13~AMT*I*2~"
        "PLB*1234567893*20261231*WO:PCN0*-1~"
    )
    remittance = read_835(remit(body, bpr="3"))
    reversal, claim = remittance.payments[0].claims
    assert reversal.is_reversal and reversal.status_text == "reversal of previous payment"
    assert [a.amount for a in reversal.adjustments] == [D("-10"), D("-5"), D("-5")]
    assert [a.reason for a in claim.adjustments] == ["45", "A1", "B1", "C1", "D1", "E1"]
    assert claim.adjustments[0].quantity == D("1") and claim.interest == D("2")
    assert remittance.findings == []  # 3 = (-80 + 82) - (-1)


def test_unbalanced_claims_and_checks_are_reported():
    remittance = read_835(remit("CLP*PCN2*1*100*70*0~CAS*CO*45*20~", bpr="75"))
    assert remittance.findings == [
        "segment 6: claim PCN2: charge 100.00 less paid 70.00 differs from its claim and line "
        "adjustments by 10.00",
        "segment 1: payment EFT77: BPR02 75.00 differs from the claims paid less the provider "
        "adjustments by 5.00",
    ]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("CLP*P*1*1OO*0~", "segment 6: CLP03 '1OO' is not a number"),
        ("CLP*P*1*100*0~CAS*CO*45~", "segment 7: CAS02-03: an adjustment needs both"),
        ("CLP*P*1*100*0~CAS*CO~", "segment 7: CAS holds no adjustment"),
        ("PLB*1*20260101*WO~", "segment 6: PLB04: a provider adjustment needs an amount"),
        ("CLP*P*1*100*0~SVC*HC:1*1e3*0~", "segment 7: SVC02 '1e3' is not a number"),
    ],
)
def test_money_that_cannot_be_read_is_an_error(body, message):
    with pytest.raises(X12Error) as caught:
        read_835(remit(body))
    assert str(caught.value).startswith(message)


def test_segments_out_of_place_are_warnings():
    remittance = read_835(remit("CAS*CO*45*1~SVC*HC:1*1*1~CLP*P*99*1*1~"))
    assert remittance.warnings == [
        "segment 6: CAS outside a claim is ignored",
        "segment 7: SVC outside a claim is ignored",
        "segment 8: CLP02 '99' is not a claim status code",
    ]


def test_an_acknowledgment_is_not_a_remittance():
    with pytest.raises(X12Error, match="segment 3: a 999 transaction set where an 835"):
        read_835(sample("imsweb-x12-parser/x12_999_accepted.txt").read_bytes())


def test_the_garbage_collector_is_back_on_after_a_read_even_a_failed_one():
    import gc

    read_835(remit("CLP*P*1*100*100~"))
    assert gc.isenabled()
    with pytest.raises(X12Error):
        read_835(remit("CLP*P*1*1OO*0~"))
    assert gc.isenabled()


def test_a_big_remittance_reads_whole():
    claims = "".join(
        f"CLP*PCN{i}*1*150*100*20*12*P{i}~SVC*HC:99213*150*100**1~CAS*CO*45*30~CAS*PR*2*20~"
        for i in range(2000)
    )
    remittance = read_835(remit(claims, bpr="200000"))
    assert len(remittance.payments[0].claims) == 2000 and remittance.findings == []


def test_an_amount_of_only_spaces_is_an_empty_amount():
    remittance = read_835(remit("CLP*P*1*100*   *0~CAS*CO*45*100~"))
    assert remittance.payments[0].claims[0].paid == 0
    assert "segment 6: CLP04 is empty; read as 0.00" in remittance.warnings
