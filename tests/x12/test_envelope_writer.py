"""Writing the envelope strictly: control numbers from the caller, fixed-width ISA, counts that
add up, and a clear refusal for a value that X12 cannot carry."""

from __future__ import annotations

import dataclasses
from datetime import datetime

import pytest

from praxis.x12.envelope import (
    InterchangeHeader,
    TransactionBody,
    read_interchange,
    write_interchange,
)
from praxis.x12.errors import X12Error
from praxis.x12.tokenizer import Delimiters

HEADER = InterchangeHeader(
    sender_qualifier="ZZ",
    sender_id="PRAXIS01",
    receiver_qualifier="ZZ",
    receiver_id="CLEARINGHOUSE",
    application_sender="PRAXIS01",
    application_receiver="CLEARINGHOUSE",
    control_number=42,
    group_control_number=7,
    created=datetime(2026, 12, 7, 9, 30),
)
BODY = TransactionBody(
    "837",
    "0001",
    [
        ("BHT", ["0019", "00", "BATCH1", "20261207", "0930", "CH"]),
        ("NM1", ["41", "2", "RIVERBEND FAMILY MEDICINE", "", "", "", "", "46", "PRAXIS01"]),
        ("SV1", [("HC", "99213", "25", ""), "125.00", "UN", "1", "", "", ("1", "2")]),
        ("REF", ["EA", "", ""]),
    ],
)


def test_the_envelope_round_trips_through_the_reader():
    text = write_interchange(HEADER, [BODY, dataclasses.replace(BODY, control_number="0002")])
    assert text.startswith(
        "ISA*00*          *00*          *ZZ*PRAXIS01       *ZZ*CLEARINGHOUSE  *261207*0930*^*"
        "00501*000000042*0*P*:~GS*HC*PRAXIS01*CLEARINGHOUSE*20261207*0930*7*X*005010X222A1~"
        "ST*837*0001*005010X222A1~"
    )
    assert text.index("~GS") == 105
    assert "SV1*HC:99213:25*125.00*UN*1***1:2~REF*EA~SE*6*0001~" in text
    assert text.endswith("SE*6*0002~GE*2*7~IEA*1*000000042~")
    interchange = read_interchange(text)
    assert interchange.warnings == []
    assert [t.control_number for t in interchange.transaction_sets] == ["0001", "0002"]
    assert interchange.control_number == "000000042" and interchange.usage == "P"


def test_other_delimiters_are_declared_in_the_isa():
    text = write_interchange(HEADER, [BODY], Delimiters("|", ">", "!", "\n"))
    assert read_interchange(text).delimiters == Delimiters("|", ">", "!", "\n")
    assert "SV1|HC>99213>25|125.00" in text


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"sender_id": "A" * 16}, "segment 1: ISA06 'AAAAAAAAAAAAAAAA' must be 1 to 15 characters"),
        ({"receiver_id": ""}, "segment 1: ISA08 '' must be 1 to 15"),
        ({"application_sender": "P"}, "segment 2: GS02 'P' must be 2 to 15"),
        ({"sender_qualifier": "XX"}, "segment 1: ISA05 'XX' is not an interchange id qualifier"),
        ({"control_number": 0}, "segment 1: ISA13 0 must be from 1 to 999999999"),
        ({"group_control_number": 10**9}, "segment 2: GS06 1000000000 must be from 1"),
        ({"usage": "X"}, "segment 1: ISA15 'X' must be P (production) or T (test)"),
        ({"sender_id": "CLINIC*1"}, "segment 1: ISA06 'CLINIC*1' contains a delimiter"),
        ({"receiver_id": "CLÍNICA"}, "segment 1: ISA08 'CLÍNICA': 'Í' is outside the X12"),
    ],
)
def test_a_header_that_breaks_a_rule_is_refused(change, message):
    with pytest.raises(X12Error) as caught:
        write_interchange(dataclasses.replace(HEADER, **change), [BODY])
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize(
    ("segments", "control", "message"),
    [
        ([("NM1", ["41", "2", "O'HARA~SONS"])], "0001", 'segment 5: NM103 "O\'HARA~SONS" contains'),
        ([("NM1", ["41", "2", "ZOË"])], "0001", "segment 5: NM103 'ZOË': 'Ë' is outside"),
        ([("SV1", [("HC", "99:213")])], "0001", "segment 5: SV101-2 '99:213' contains"),
        ([("nm1", ["41"])], "0001", "segment 5: 'nm1' is not a segment identifier"),
        ([], "12", "segment 3: ST02 '12' must be 4 to 9 digits"),
    ],
)
def test_a_body_value_that_breaks_a_rule_is_refused(segments, control, message):
    body = TransactionBody("837", control, [("BHT", ["0019"]), *segments])
    with pytest.raises(X12Error) as caught:
        write_interchange(HEADER, [body])
    assert str(caught.value).startswith(message)


def test_no_transaction_or_clashing_delimiters_are_refused():
    with pytest.raises(X12Error, match="at least one transaction set"):
        write_interchange(HEADER, [])
    with pytest.raises(X12Error, match="four different non-alphanumerics"):
        write_interchange(HEADER, [BODY], Delimiters("*", "*", "^", "~"))
    with pytest.raises(X12Error, match="four different non-alphanumerics"):
        write_interchange(HEADER, [BODY], Delimiters("*", ":", "", "~"))
