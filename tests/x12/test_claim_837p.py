"""The 837P writer: the TR3's commercial-insurance example written from dataclasses and read
back with the tokenizer; pyx12 (when installed) validates what it writes; a claim that breaks a
rule is refused with the claim and the field named."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date, datetime
from decimal import Decimal

import pytest

from praxis.x12.claim import (
    Address,
    Claim,
    ClaimBatch,
    Payer,
    Person,
    Provider,
    ServiceLine,
    Subscriber,
    npi_is_valid,
)
from praxis.x12.envelope import InterchangeHeader, read_interchange
from praxis.x12.errors import X12Error
from praxis.x12.report import describe
from praxis.x12.tokenizer import tokenize
from praxis.x12.writer_837p import write_837p

from .files import sample

D = Decimal
HEADER = InterchangeHeader(
    sender_qualifier="ZZ",
    sender_id="123456789012345",
    receiver_qualifier="ZZ",
    receiver_id="123456789012346",
    application_sender="1234567890",
    application_receiver="9876543210",
    control_number=10216,
    group_control_number=20213,
    created=datetime(2006, 10, 15, 17, 5),
    usage="T",
)
NPI = "1234567893"  # the TR3's 9876543210 fails the NPI check digit


def line(code: str, charge: str, day: int, pointer: int) -> ServiceLine:
    return ServiceLine(code, D(charge), date(2006, 10, day), [pointer])


# The TR3's "commercial health insurance" example (badx12/X222-commercial-health-insurance.edi).
COMMERCIAL = ClaimBatch(
    submitter_name="PREMIER BILLING SERVICE",
    submitter_id="TGJ23",
    contact_name="JERRY",
    contact_phone="3055552222",
    receiver_name="KEY INSURANCE COMPANY",
    receiver_id="66783JJT",
    billing_provider=Provider(
        "BEN KILDARE SERVICE",
        NPI,
        taxonomy="203BF0100Y",
        tax_id="587654321",
        address=Address("234 SEAWAY ST", "MIAMI", "FL", "331110000"),
    ),
    pay_to_address=Address("2345 OCEAN BLVD", "MIAMI", "FL", "33111"),
    claims=[
        Claim(
            patient_control_number="26463774",
            charge=D("100"),
            place_of_service="11",
            diagnoses=["J02.0", "Z20.818"],
            lines=[
                line("99213", "40", 3, 1),
                line("87070", "15", 3, 1),
                line("99214", "35", 10, 2),
                line("86663", "10", 10, 2),
            ],
            subscriber=Subscriber(
                Person("SMITH", "JANE", date(1943, 5, 1), "F"),
                member_id="JS00111223333",
                group_number="2222-SJ",
            ),
            payer=Payer("KEY INSURANCE COMPANY", "999996666"),
            patient=Person(
                "SMITH",
                "TED",
                date(1973, 5, 1),
                "M",
                Address("236 N MAIN  ST", "MIAMI", "FL", "33413"),
            ),
            patient_relationship="19",
            release_of_information="I",
        )
    ],
    reference="244579",
    created=datetime(2006, 10, 15, 10, 23),
)
# What Praxis writes differently from the TR3 text, and why.
TR3_DIFFERENCES = [
    ("XX*9876543210", f"XX*{NPI}"),  # a valid NPI
    ("N4*MIAMI*FL*33111~REF*EI", "N4*MIAMI*FL*331110000~REF*EI"),  # 2010AA needs ZIP+4
    ("HI*BK:0340*BF:V7389", "HI*ABK:J020*ABF:Z20818"),  # ICD-10, not ICD-9
    ("*EX*231", ""),  # no phone extension
    ("REF*G2*KA6663~", ""),  # no payer secondary id
    ("REF*D9*17312345600006351~", ""),  # no clearinghouse trace number
]


def body(text: str) -> list[list[str]]:
    segments = tokenize(text).segments
    start = next(i for i, s in enumerate(segments) if s.id == "ST")
    return [s.elements for s in segments[start + 1 :] if s.id not in {"SE", "GE", "IEA"}]


def test_the_tr3_commercial_example_is_written_segment_for_segment():
    written = write_837p(COMMERCIAL, HEADER, control_number="0021")
    tr3 = sample("badx12/X222-commercial-health-insurance.edi").read_text()
    for theirs, ours in TR3_DIFFERENCES:
        assert theirs in tr3
        tr3 = tr3.replace(theirs, ours)
    assert body(written) == body(tr3)
    interchange = read_interchange(written)
    assert interchange.warnings == []
    assert interchange.transaction_sets[0].version == "005010X222A1"


def self_claim(**changes) -> Claim:
    claim = Claim(
        patient_control_number="PCN-1001",
        charge=D("185.50"),
        place_of_service="11",
        diagnoses=["E11.9", "I10"],
        lines=[
            ServiceLine(
                "99214",
                D("150.00"),
                date(2026, 12, 1),
                [1, 2],
                modifiers=["25"],
                control_number="L1",
            ),
            ServiceLine("83036", D("35.50"), date(2026, 12, 1), [1], units=D("1")),
        ],
        subscriber=Subscriber(
            Person(
                "HADDAD",
                "AMELIE",
                date(1980, 2, 29),
                "F",
                Address("12 RIVER RD", "SPRINGFIELD", "IL", "62701"),
            ),
            member_id="W123456789",
            filing_indicator="CI",
        ),
        payer=Payer("ACME HEALTH", "60054"),
        prior_authorization="AUTH77",
        referring_provider=Provider("NGUYEN", "1811901945", first_name="LAN", is_person=True),
        rendering_provider=Provider(
            "DANA", NPI, first_name="DREW", is_person=True, taxonomy="207Q00000X"
        ),
    )
    return dataclasses.replace(claim, **changes)


def batch(*claims: Claim) -> ClaimBatch:
    return dataclasses.replace(COMMERCIAL, claims=list(claims), created=datetime(2026, 12, 7, 9))


def test_a_self_claim_replacement_and_void_read_back():
    claims = [
        self_claim(),
        self_claim(
            patient_control_number="PCN-1002", frequency="7", original_claim_number="PAYER-555"
        ),
        self_claim(
            patient_control_number="PCN-1003", frequency="8", original_claim_number="PAYER-556"
        ),
    ]
    text = write_837p(batch(*claims), HEADER, control_number="0001")
    segments = body(text)
    clms = [s for s in segments if s[0] == "CLM"]
    assert [c[1] for c in clms] == ["PCN-1001", "PCN-1002", "PCN-1003"]
    assert [c[5] for c in clms] == ["11:B:1", "11:B:7", "11:B:8"]
    assert ["REF", "F8", "PAYER-555"] in segments and ["REF", "G1", "AUTH77"] in segments
    assert ["SV1", "HC:99214:25", "150", "UN", "1", "", "", "1:2"] in segments
    assert ["SBR", "P", "18", "", "", "", "", "", "", "CI"] in segments
    assert ["NM1", "DN", "1", "NGUYEN", "LAN", "", "", "", "XX", "1811901945"] in segments
    assert ["HI", "ABK:E119", "ABF:I10"] in segments
    assert [s[1:] for s in segments if s[0] == "HL"] == [
        ["1", "", "20", "1"],
        ["2", "1", "22", "0"],
        ["3", "1", "22", "0"],
        ["4", "1", "22", "0"],
    ]
    assert read_interchange(text).warnings == []


def pyx12_says_valid(path) -> bool:
    """pyx12 4.0.0's own verdict (``x12n_document``); its ``x12valid`` script exits 1 even
    when it prints OK, so the exit status cannot be used."""
    pytest.importorskip("pyx12")
    import pyx12.params
    import pyx12.x12n_document

    param = pyx12.params.params()
    with tempfile.TemporaryFile(mode="w+", encoding="ascii") as fd_997:
        return bool(
            pyx12.x12n_document.x12n_document(
                param=param, src_file=str(path), fd_997=fd_997, fd_html=None, fd_xmldoc=None
            )
        )


def test_pyx12_accepts_what_the_writer_writes(tmp_path):
    files = {
        "commercial.837": write_837p(COMMERCIAL, HEADER, control_number="0021"),
        "claims.837": write_837p(
            batch(
                self_claim(),
                self_claim(
                    patient_control_number="PCN-2", frequency="7", original_claim_number="P1"
                ),
                self_claim(
                    patient_control_number="PCN-3", frequency="8", original_claim_number="P2"
                ),
            ),
            HEADER,
            control_number="0002",
        ),
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text)
        assert pyx12_says_valid(tmp_path / name), name
    broken = files["claims.837"].replace("HI*ABK:E119*ABF:I10~", "", 1)
    (tmp_path / "broken.837").write_text(broken)
    assert not pyx12_says_valid(tmp_path / "broken.837")


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"charge": D("185.00")}, "claim 'PCN-1001': the total 185.00 is not the sum of its lines"),
        ({"frequency": "7"}, "claim 'PCN-1001': a replacement needs the payer's claim number"),
        ({"frequency": "3"}, "claim 'PCN-1001': the frequency '3' must be 1, 7 or 8"),
        ({"diagnoses": ["E11.9"]}, "claim 'PCN-1001' line 1: points at diagnosis 2"),
        ({"diagnoses": ["250.00", "I10"]}, "claim 'PCN-1001': the diagnosis '250.00' is not"),
        ({"diagnoses": []}, "claim 'PCN-1001': a claim needs one to 12 diagnoses"),
        ({"patient_control_number": "X" * 21}, "is longer than 20 characters"),
        ({"place_of_service": "1"}, "the place of service '1' is not two digits"),
        (
            {"rendering_provider": Provider("DANA", "1234567890", first_name="D", is_person=True)},
            "claim 'PCN-1001' rendering provider: the NPI '1234567890' is not ten digits with a",
        ),
        (
            {"referring_provider": Provider("CLINIC", NPI)},
            "the referring provider must be a person",
        ),
        (
            {"patient": Person("KID", "AL", date(2010, 1, 1), "M")},
            "claim 'PCN-1001' patient: the address is required",
        ),
    ],
)
def test_a_claim_that_breaks_a_rule_is_refused(change, message):
    with pytest.raises(X12Error) as caught:
        write_837p(batch(self_claim(**change)), HEADER, control_number="0001")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"pointers": [1, 1]}, "line 1: diagnosis pointers [1, 1] must be one to four"),
        ({"modifiers": ["25", "59", "GT", "XS", "95"]}, "line 1: modifiers"),
        ({"units": D("0")}, "line 1: the units 0 must be more than zero"),
        ({"charge": D("150.001")}, "line 1: the charge 150.001 must be whole cents"),
        ({"procedure": "9921"}, "line 1: the procedure code '9921' is not five"),
    ],
)
def test_a_line_that_breaks_a_rule_is_refused(change, message):
    claim = self_claim()
    first = dataclasses.replace(claim.lines[0], **change)
    claim = dataclasses.replace(
        claim, lines=[first, claim.lines[1]], charge=first.charge + claim.lines[1].charge
    )
    with pytest.raises(X12Error) as caught:
        write_837p(batch(claim), HEADER, control_number="0001")
    assert message in str(caught.value)


@pytest.mark.parametrize(
    ("provider", "message"),
    [
        (
            Provider(
                "CLINIC",
                NPI,
                tax_id="12345678",
                address=Address("1 MAIN ST", "A", "IL", "627010000"),
            ),
            "billing provider: the tax id (EIN) '12345678' must be nine digits",
        ),
        (
            Provider(
                "CLINIC", NPI, tax_id="123456789", address=Address("1 MAIN ST", "A", "IL", "62701")
            ),
            "billing provider: the ZIP code '62701' must be nine digits (ZIP+4)",
        ),
        (
            Provider(
                "CLINIC",
                NPI,
                tax_id="123456789",
                address=Address("P.O. Box 12", "A", "IL", "627010000"),
            ),
            "billing provider: the billing provider's address cannot be a post office box",
        ),
        (Provider("CLINIC", NPI, tax_id="123456789"), "billing provider: the address is required"),
    ],
)
def test_a_billing_provider_that_breaks_a_rule_is_refused(provider, message):
    with pytest.raises(X12Error) as caught:
        write_837p(
            dataclasses.replace(batch(self_claim()), billing_provider=provider),
            HEADER,
            control_number="0001",
        )
    assert str(caught.value) == message


def test_batch_level_refusals():
    with pytest.raises(X12Error, match="claim 'PCN-1001': is in the batch twice"):
        write_837p(batch(self_claim(), self_claim()), HEADER, control_number="0001")
    with pytest.raises(X12Error, match="batch: there is no claim to write"):
        write_837p(batch(), HEADER, control_number="0001")
    with pytest.raises(X12Error, match="an 837P goes in a group HC 005010X222A1"):
        write_837p(
            batch(self_claim()),
            dataclasses.replace(HEADER, version="005010X221A1"),
            control_number="0001",
        )
    with pytest.raises(X12Error, match="NM103 'ZOË': 'Ë' is outside the X12 character set"):
        person = Person("ZOË", "A", date(1990, 1, 1), "F", Address("1 A ST", "B", "IL", "62701"))
        write_837p(
            batch(self_claim(subscriber=Subscriber(person, "M1"))), HEADER, control_number="0001"
        )


@pytest.mark.parametrize(
    ("npi", "valid"),
    [
        ("1234567893", True),
        ("1811901945", True),
        ("1234567890", False),
        ("123456789", False),
        ("12345678AB", False),
    ],
)
def test_npi_check_digit(npi, valid):
    assert npi_is_valid(npi) is valid


def test_what_the_writer_writes_the_reader_reads_back():
    claims = [
        self_claim(),
        self_claim(patient_control_number="PCN-9", frequency="8", original_claim_number="P9"),
    ]
    text = write_837p(batch(*claims), HEADER, control_number="0001")
    shape = describe(text)
    first, void = shape["claims"]
    assert (first["charge"], first["prior_authorization"], first["billing_provider_npi"]) == (
        "185.50",
        "AUTH77",
        NPI,
    )
    assert first["diagnoses"] == [
        {"qualifier": "ABK", "code": "E119"},
        {"qualifier": "ABF", "code": "I10"},
    ]
    assert [
        (line["procedure"], line["modifiers"], line["pointers"]) for line in first["lines"]
    ] == [
        ("99214", ["25"], ["1", "2"]),
        ("83036", [], ["1"]),
    ]
    assert first["lines"][0]["control_number"] == "L1"
    assert (void["frequency"], void["original_claim_number"]) == ("8", "P9")
    assert first["payer"] == {"name": "ACME HEALTH", "id": "60054"}
