"""Splitting X12 into segments: delimiters from the ISA, or guessed without one; lenient
about line breaks; one clear X12Error for what is not X12."""

from __future__ import annotations

import pytest

from praxis.x12.envelope import kind_of, read_interchange
from praxis.x12.errors import X12Error
from praxis.x12.report import describe
from praxis.x12.tokenizer import Delimiters, tokenize

from .files import all_x12_samples, sample

ISA = (
    "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *260101*1200*^*00501"
    "*000000123*0*P*:~"
)
BODY = "GS*HP*S*R*20260101*1200*7*X*005010X221A1~ST*835*0001~BPR*I*0*C*NON~TRN*1*T1*1~SE*4*0001~"
TRAILER = "GE*1*7~IEA*1*000000123~"


def test_the_fixed_width_isa_gives_all_four_delimiters():
    assert len(ISA) == 106
    tokens = tokenize(ISA + BODY + TRAILER)
    assert tokens.delimiters == Delimiters("*", ":", "^", "~")
    assert [s.id for s in tokens.segments] == ["ISA", "GS", "ST", "BPR", "TRN", "SE", "GE", "IEA"]
    assert tokens.segments[3][2] == "0" and tokens.segments[3][99] == ""
    assert tokens.segments[0].number == 1 and tokens.segments[-1].number == 8


def test_odd_delimiters_come_from_the_isa():
    text = (ISA + BODY + TRAILER).replace("*", "|").replace("~", "\n").replace("^", "!")
    text = text.replace("|P|:", "|P|>")
    tokens = tokenize(text)
    assert tokens.delimiters == Delimiters("|", ">", "!", "\n")
    assert tokens.segments[3].elements[:3] == ["BPR", "I", "0"]


def test_line_breaks_and_blank_lines_between_segments_are_ignored():
    text = (ISA + BODY + TRAILER).replace("~", "~\r\n\r\n")
    transaction = read_interchange(text).transaction_sets[0]
    assert [s.id for s in transaction.segments] == ["BPR", "TRN"]


def test_an_isa_not_padded_to_width_is_read_by_counting_its_elements():
    short = "ISA*00**00**ZZ*SENDER*ZZ*RECEIVER*260101*1200*^*00501*123*0*P*>~"
    interchange = read_interchange(short + BODY + TRAILER.replace("000000123", "123"))
    assert interchange.delimiters == Delimiters("*", ">", "^", "~")
    assert interchange.warnings == []


def test_a_file_starting_at_st_or_at_bpr_is_one_transaction_set():
    bare = read_interchange("ST*835*1~\nBPR*I*5*C*CHK~\nSVC*HC>99213*5*5~\nSE*4*1~\n")
    assert bare.delimiters.component == ">"
    assert [kind_of(t) for t in bare.transaction_sets] == ["835"]
    headless = read_interchange("BPR*I*5*C*CHK~TRN*1*9*1~CLP*A*1*5*5~")
    assert headless.transaction_sets[0].id == "835"
    assert headless.warnings == ["segment 1: no ST or envelope; read as an 835"]


def test_wrong_counts_and_control_numbers_are_warnings_not_failures():
    text = ISA + BODY.replace("SE*4*0001", "SE*9*0002") + "GE*3*8~IEA*2*000000999~"
    interchange = read_interchange(text)
    assert interchange.warnings == [
        "segment 6: SE01 says 9 segments, the transaction set has 4",
        "segment 6: SE02 0002 does not match ST02 0001",
        "segment 7: GE01 says 3 transaction sets, the group has 1",
        "segment 7: GE02 8 does not match GS06 7",
        "segment 8: IEA01 says 2 groups, the interchange has 1",
        "segment 8: IEA02 000000999 does not match ISA13 000000123",
    ]


def test_missing_trailers_are_warnings():
    interchange = read_interchange(ISA + BODY.replace("SE*4*0001~", ""))
    assert interchange.warnings == [
        "segment 3: the file ends without the SE of this ST",
        "segment 2: the file ends without a GE",
        "segment 1: the file ends without an IEA",
    ]
    assert len(interchange.transaction_sets[0].segments) == 2


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "the file is empty"),
        (b"  \r\n ", "the file is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "the file is binary, not X12 text"),
        (b"Dear biller, here is the remittance", "segment 1: the file does not start with"),
        (b"PATIENT,AMOUNT\nA,1\n", "segment 1: the file starts with 'PATIENT,AMOUNT"),
        (b"GS*HP*S*R~ST*835*1~", "segment 1: the file starts with"),
        (b"ST*835*1", "segment 1: no segment terminator found"),
        (ISA[:60].encode(), "segment 1: the ISA has fewer than 16 elements"),
        (ISA.encode(), "the file holds no transaction set"),
        ((ISA + "GS*HP~*BAD*1~").encode(), "segment 3: '' is not a segment identifier"),
        ((ISA + "GS*HP~lower*1~").encode(), "segment 3: 'lower' is not a segment identifier"),
        (b"NTE*hello~REF*X~", "segment 1: the file starts with 'NTE*hello"),
        (b"LX*1~REF*X~", "segment 1: without an ST the content must show"),
    ],
)
def test_what_cannot_be_read_is_one_clear_error(data, message):
    with pytest.raises(X12Error) as caught:
        read_interchange(data)
    assert str(caught.value).startswith(message)


@pytest.mark.parametrize("name", all_x12_samples())
def test_every_sample_file_reads_or_fails_with_x12error(name):
    try:
        shape = describe(sample(name).read_bytes())
    except X12Error as error:
        assert str(error)
        return
    assert shape["transaction"] in {"835", "999", "277CA", "277", "837P"}


def test_the_deliberately_broken_samples_fail_where_they_are_broken():
    with pytest.raises(X12Error, match="segment 6: '' is not a segment identifier"):
        read_interchange(sample("imsweb-x12-parser/x12_bad_segment_identifier.txt").read_bytes())
    with pytest.raises(X12Error, match="the file holds no transaction set"):
        read_interchange(sample("badx12/segment_terminator.edi").read_bytes())


def test_digits_that_are_not_ascii_are_not_counts():
    # Found by the fuzz test: "²6".isdigit() is True, int("²6") raises.
    interchange = read_interchange("ST*835*1~BPR*I*0*C*NON~SE*²6*1~")
    assert interchange.warnings == ["segment 3: SE01 says ²6 segments, the transaction set has 3"]
