"""Reading 999 and 277CA acknowledgments: accepted or rejected per batch and per claim, with the
error codes and where the error sits."""

from __future__ import annotations

from decimal import Decimal

import pytest

from praxis.x12.acknowledgments import read_277, read_999
from praxis.x12.errors import X12Error

from .files import sample


def test_an_accepted_999():
    ack = read_999(sample("imsweb-x12-parser/x12_999_accepted.txt").read_bytes())
    (group,) = ack.groups
    assert (group.functional_id, group.control_number, group.status) == ("HC", "17456", "A")
    assert (group.included, group.received, group.accepted) == (1, 1, 1)
    (batch,) = group.sets
    assert (batch.transaction, batch.control_number, batch.accepted) == ("837", "0001", True)
    assert ack.warnings == ["segment 10: IEA02 000000001 does not match ISA13 000000286"]


REJECTED_999 = (
    "ST*999*0001*005010X231A1~AK1*HC*41*005010X222A1~"
    "AK2*837*0001*005010X222A1~IK5*A~"
    "AK2*837*0002*005010X222A1~IK3*NM1*12*2010BA*8~CTX*CLM01:PCN7~IK4*9*67*7*ZZ~IK4*3*1035*1~"
    "IK3*HI*30**3~IK5*R*5~"
    "AK9*P*2*2*1~SE*14*0001~"
)


def test_a_rejected_batch_names_the_segment_and_element():
    (group,) = read_999(REJECTED_999).groups
    assert (group.status, group.accepted) == ("P", 1)
    accepted, rejected = group.sets
    assert accepted.accepted and not rejected.accepted
    assert (rejected.status, rejected.error_codes) == ("R", ["5"])
    nm1, hi = rejected.segment_errors
    assert (nm1.segment_id, nm1.position, nm1.loop, nm1.code) == ("NM1", 12, "2010BA", "8")
    assert nm1.text == "segment has data element errors"
    assert [(e.position, e.reference, e.code, e.value) for e in nm1.elements] == [
        ("9", "67", "7", "ZZ"),
        ("3", "1035", "1", ""),
    ]
    assert nm1.elements[0].text == "invalid code value"
    assert (hi.segment_id, hi.text) == ("HI", "required segment missing")


def test_an_accepted_277ca_claim():
    acks = read_277(sample("imsweb-x12-parser/x12_277CA_accepted.txt").read_bytes())
    assert (acks.transaction, acks.version) == ("277CA", "005010X214")
    (claim,) = acks.claims
    assert (claim.patient_control_number, claim.payer_claim_number) == (
        "5781",
        "1107000000014420",
    )
    assert (claim.status, claim.charge) == ("accepted", Decimal("125"))
    assert [(s.category, s.code) for s in claim.statuses] == [("A2", "20")]
    assert [(level, s.category) for level, s in acks.other_statuses] == [("21", "A1")]


def test_a_277_claim_status_response_reads_the_same_way():
    acks = read_277(sample("imsweb-x12-parser/x12_277_x212.txt").read_bytes())
    assert acks.transaction == "277" and len(acks.claims) == 8
    assert acks.claims[0].clearinghouse_trace == "12345"
    assert acks.claims[0].service_dates == "2020-11-13/2020-11-13"


REJECTED_277CA = (
    "ST*277*0001*005010X214~BHT*0085*08*1*20260105*1200*TH~HL*1**20*1~NM1*PR*2*PAYER~"
    "HL*2*1*21*1~NM1*41*2*CLINIC~TRN*2*BATCH1~STC*A1:19*20260105*WQ*300~"
    "HL*3*2*19*1~NM1*85*2*CLINIC~HL*4*3*PT~NM1*QC*1*DOE*JO~TRN*2*PCN1~"
    "STC*A2:20*20260105*WQ*100~REF*1K*PAYER1~"
    "HL*5*3*PT~NM1*QC*1*ROE*AL~TRN*2*PCN2~STC*A7:562:85*20260105*U*200******A7:21~"
    "SVC*HC:99213*200~STC*A7:453*20260105*U*200~SE*22*0001~"
)


def test_a_rejected_277ca_claim_keeps_every_status():
    acks = read_277(REJECTED_277CA)
    accepted, rejected = acks.claims
    assert (accepted.status, accepted.payer_claim_number) == ("accepted", "PAYER1")
    assert rejected.status == "rejected"
    assert [(s.category, s.code, s.entity) for s in rejected.statuses] == [
        ("A7", "562", "85"),
        ("A7", "21", ""),
    ]


@pytest.mark.parametrize(
    ("reader", "text", "message"),
    [
        (read_999, "ST*999*1~AK2*837*1~SE*3*1~", "segment 2: AK2 before AK1"),
        (read_999, "ST*999*1~AK1*HC*1~IK5*A~SE*4*1~", "segment 3: IK5 before AK2"),
        (read_999, "ST*999*1~AK1*HC*1~AK2*837*1~IK4*1*2*3~SE*5*1~", "segment 4: IK4 before IK3"),
        (read_999, "ST*999*1~NTE*X~SE*3*1~", "the 999 acknowledges no functional group"),
        (read_999, "ST*835*1~BPR*I*1~SE*3*1~", "segment 1: an 835 transaction set where a 999"),
        (read_277, "ST*835*1~BPR*I*1~SE*3*1~", "segment 1: an 835 transaction set where a 277"),
        (
            read_277,
            "ST*277*1*005010X214~HL*1**PT~TRN*2*P~STC*A1*20260101*WQ*ten~SE*5*1~",
            "segment 4: STC04 'ten' is not a number",
        ),
    ],
)
def test_broken_acknowledgments_are_one_clear_error(reader, text, message):
    with pytest.raises(X12Error) as caught:
        reader(text)
    assert str(caught.value).startswith(message)
