"""The envelope around transaction sets: ISA/GS/ST … SE/GE/IEA, read leniently.

Reading groups the segments into transaction sets and checks the counts and control numbers the
trailers carry. A wrong SE01 count, a trailer whose control number does not match its header, a
missing trailer or a segment outside any transaction set is a *warning* (payers send all of these
and the content is still readable); a file with no transaction set at all is an ``X12Error``.
A file without ISA/GS (it starts at ST, or even at BPR) is one transaction set.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from .errors import X12Error
from .tokenizer import Delimiters, Segment, Tokens, tokenize
from .writer import Element, SegmentWriter

# What a set's content says it is when the file has no ST to say so.
_CONTENT_MARKERS = (("BPR", "835"), ("CLP", "835"), ("AK1", "999"), ("AK2", "999"), ("CLM", "837"))


@dataclass
class TransactionSet:
    id: str  # ST01: "835", "999", "277", "837"
    control_number: str  # ST02
    version: str  # ST03, else GS08, else "" (no envelope)
    segments: list[Segment]  # between ST and SE
    start: int  # the number of the ST segment (or of the first segment without one)
    functional_group: str = ""  # GS01


@dataclass
class Interchange:
    delimiters: Delimiters
    sender: str = ""  # ISA06
    receiver: str = ""  # ISA08
    control_number: str = ""  # ISA13
    usage: str = ""  # ISA15: P production, T test
    transaction_sets: list[TransactionSet] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def kind_of(transaction: TransactionSet) -> str:
    """The transaction's everyday name: 835, 999, 277CA, 277, 837P, 837I …"""
    version = transaction.version
    if transaction.id == "837":
        return "837I" if "X223" in version else "837D" if "X224" in version else "837P"
    if transaction.id == "277" and "X214" in version:
        return "277CA"
    return transaction.id


def read_interchange(data: bytes | str) -> Interchange:
    """Tokenize ``data`` and group its segments into transaction sets (warnings recorded)."""
    return _Reader(tokenize(data)).read()


def _same(a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    both_numbers = a.isascii() and b.isascii() and a.isdigit() and b.isdigit()
    return int(a) == int(b) if both_numbers else a == b


class _Reader:
    def __init__(self, tokens: Tokens) -> None:
        self.tokens = tokens
        self.result = Interchange(tokens.delimiters)
        self.isa: Segment | None = None
        self.gs: Segment | None = None
        self.st: Segment | None = None
        self.groups = 0
        self.sets_in_group = 0
        self.current: TransactionSet | None = None
        self.seen_envelope = False

    def warn(self, segment: Segment, text: str) -> None:
        self.result.warnings.append(f"segment {segment.number}: {text}")

    def read(self) -> Interchange:
        handlers = {
            "ISA": self.isa_,
            "IEA": self.iea,
            "GS": self.gs_,
            "GE": self.ge,
            "ST": self.st_,
            "SE": self.se,
        }
        for segment in self.tokens.segments:
            handler = handlers.get(segment.id)
            if handler is not None:
                self.seen_envelope = True
                handler(segment)
            elif self.current is not None:
                self.current.segments.append(segment)
            elif not self.seen_envelope and not self.result.transaction_sets:
                self.current = TransactionSet("", "", "", [segment], segment.number)
            else:
                self.warn(segment, f"{segment.id} outside a transaction set is ignored")
        self.finish()
        return self.result

    def isa_(self, segment: Segment) -> None:
        if self.isa is not None:
            self.warn(segment, "a new ISA begins before the IEA of the one before")
        if len(segment) < 16:
            raise X12Error("the ISA has fewer than 16 elements", segment=segment.number)
        self.isa, self.groups = segment, 0
        result = self.result
        if not result.control_number:
            result.sender, result.receiver = segment[6].strip(), segment[8].strip()
            result.control_number, result.usage = segment[13].strip(), segment[15].strip()

    def iea(self, segment: Segment) -> None:
        if self.isa is None:
            self.warn(segment, "IEA without an ISA is ignored")
            return
        self.close_group(segment)
        if not _same(segment[1], str(self.groups)):
            self.warn(segment, f"IEA01 says {segment[1]} groups, the interchange has {self.groups}")
        if not _same(segment[2], self.isa[13]):
            self.warn(segment, f"IEA02 {segment[2]} does not match ISA13 {self.isa[13].strip()}")
        self.isa = None

    def gs_(self, segment: Segment) -> None:
        self.close_group(segment)
        self.gs, self.sets_in_group = segment, 0
        self.groups += 1

    def ge(self, segment: Segment) -> None:
        if self.gs is None:
            self.warn(segment, "GE without a GS is ignored")
            return
        self.close_set(segment)
        if not _same(segment[1], str(self.sets_in_group)):
            self.warn(
                segment,
                f"GE01 says {segment[1]} transaction sets, the group has {self.sets_in_group}",
            )
        if not _same(segment[2], self.gs[6]):
            self.warn(segment, f"GE02 {segment[2]} does not match GS06 {self.gs[6]}")
        self.gs = None

    def st_(self, segment: Segment) -> None:
        self.close_set(segment)
        self.current = TransactionSet(
            segment[1],
            segment[2],
            segment[3] or (self.gs[8] if self.gs is not None else ""),
            [],
            segment.number,
            self.gs[1] if self.gs is not None else "",
        )
        self.st = segment
        self.sets_in_group += 1

    def se(self, segment: Segment) -> None:
        current = self.current
        if current is None or self.st is None:
            self.warn(segment, "SE without an ST is ignored")
            return
        count = len(current.segments) + 2
        if not _same(segment[1], str(count)):
            self.warn(segment, f"SE01 says {segment[1]} segments, the transaction set has {count}")
        if not _same(segment[2], self.st[2]):
            self.warn(segment, f"SE02 {segment[2]} does not match ST02 {self.st[2]}")
        self.result.transaction_sets.append(current)
        self.current = self.st = None

    def close_set(self, segment: Segment) -> None:
        if self.current is not None:
            self.warn(
                segment,
                f"{segment.id} before the SE of the ST at segment "
                f"{self.current.start}: that transaction set ends here",
            )
            self.result.transaction_sets.append(self.current)
            self.current = self.st = None

    def close_group(self, segment: Segment) -> None:
        self.close_set(segment)
        if self.gs is not None:
            self.warn(segment, f"{segment.id} before the GE of the GS at segment {self.gs.number}")
            self.gs = None

    def finish(self) -> None:
        result = self.result
        if self.current is not None:
            if self.st is not None:
                result.warnings.append(
                    f"segment {self.current.start}: the file ends without the SE of this ST"
                )
            result.transaction_sets.append(self.current)
        if self.gs is not None:
            result.warnings.append(f"segment {self.gs.number}: the file ends without a GE")
        if self.isa is not None:
            result.warnings.append(f"segment {self.isa.number}: the file ends without an IEA")
        if not result.transaction_sets:
            raise X12Error("the file holds no transaction set (no ST … SE)")
        for transaction in result.transaction_sets:
            if not transaction.id:
                transaction.id = _guess_id(transaction)
                result.warnings.append(
                    f"segment {transaction.start}: no ST or envelope; read as an {transaction.id}"
                )


def _guess_id(transaction: TransactionSet) -> str:
    ids = {segment.id for segment in transaction.segments}
    for marker, kind in _CONTENT_MARKERS:
        if marker in ids:
            return kind
    raise X12Error(
        "without an ST the content must show what it is (BPR or CLP for an 835, AK1 for a 999)",
        segment=transaction.start,
    )


# ---- writing ------------------------------------------------------------------------------

ID_QUALIFIERS = frozenset({"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"})
_LARGEST_CONTROL = 999_999_999
_ST_CONTROL = re.compile(r"[0-9]{4,9}\Z")


@dataclass(frozen=True)
class InterchangeHeader:
    """What the ISA and GS say; the control numbers are the caller's (kept unique by it)."""

    sender_qualifier: str  # ISA05: ZZ mutually defined, 30 federal TIN …
    sender_id: str  # ISA06, at most 15 characters
    receiver_qualifier: str  # ISA07
    receiver_id: str  # ISA08
    application_sender: str  # GS02, 2 to 15 characters
    application_receiver: str  # GS03
    control_number: int  # ISA13 (and IEA02), 1 to 999999999
    group_control_number: int  # GS06 (and GE02)
    created: datetime  # ISA09/ISA10 and GS04/GS05, as the sender's wall clock
    functional_id: str = "HC"  # GS01: HC health care claim
    version: str = "005010X222A1"  # GS08
    usage: str = "P"  # ISA15: P production, T test
    acknowledgment_requested: bool = False  # ISA14


@dataclass(frozen=True)
class TransactionBody:
    id: str  # ST01: "837"
    control_number: str  # ST02: 4 to 9 digits, unique within the group
    segments: Sequence[tuple[str, Sequence[Element]]]  # between ST and SE


def write_interchange(
    header: InterchangeHeader,
    transactions: Sequence[TransactionBody],
    delimiters: Delimiters = Delimiters(),  # noqa: B008 (frozen)
) -> str:
    """ISA, GS, each ST … SE, GE, IEA as one string; ``X12Error`` for what breaks a rule."""
    writer = SegmentWriter(delimiters)
    _check_header(header, writer)
    if not transactions:
        raise X12Error("an interchange needs at least one transaction set")
    out = [_isa(header, delimiters), _gs(header, writer)]
    number = 2
    for transaction in transactions:
        if not _ST_CONTROL.match(transaction.control_number):
            raise X12Error(
                f"ST02 {transaction.control_number!r} must be 4 to 9 digits", segment=number + 1
            )
        body = [
            ("ST", [transaction.id, transaction.control_number, header.version]),
            *transaction.segments,
        ]
        for segment_id, elements in body:
            number += 1
            out.append(writer.segment(segment_id, elements, number))
        number += 1
        count = str(len(body) + 1)
        out.append(writer.segment("SE", [count, transaction.control_number], number))
    out.append(
        writer.segment("GE", [str(len(transactions)), str(header.group_control_number)], number + 1)
    )
    out.append(writer.segment("IEA", ["1", f"{header.control_number:09d}"], number + 2))
    return "".join(out)


def _check_header(header: InterchangeHeader, writer: SegmentWriter) -> None:
    for where, qualifier in (
        ("ISA05", header.sender_qualifier),
        ("ISA07", header.receiver_qualifier),
    ):
        if qualifier not in ID_QUALIFIERS:
            raise X12Error(
                f"{where} {qualifier!r} is not an interchange id qualifier "
                f"({', '.join(sorted(ID_QUALIFIERS))})",
                segment=1,
            )
    for where, value, low, high, number in (
        ("ISA06", header.sender_id, 1, 15, 1),
        ("ISA08", header.receiver_id, 1, 15, 1),
        ("GS02", header.application_sender, 2, 15, 2),
        ("GS03", header.application_receiver, 2, 15, 2),
    ):
        writer.check(value, where, number)
        if not low <= len(value.strip()) <= high or value != value.strip():
            raise X12Error(
                f"{where} {value!r} must be {low} to {high} characters without "
                "leading or trailing spaces",
                segment=number,
            )
    for where, control, number in (
        ("ISA13", header.control_number, 1),
        ("GS06", header.group_control_number, 2),
    ):
        if not 1 <= control <= _LARGEST_CONTROL:
            raise X12Error(
                f"{where} {control} must be from 1 to {_LARGEST_CONTROL}", segment=number
            )
    if header.usage not in ("P", "T"):
        raise X12Error(f"ISA15 {header.usage!r} must be P (production) or T (test)", segment=1)
    writer.check(header.functional_id, "GS01", 2)
    writer.check(header.version, "GS08", 2)


def _isa(header: InterchangeHeader, d: Delimiters) -> str:
    fields = [
        "00",
        " " * 10,
        "00",
        " " * 10,
        header.sender_qualifier,
        header.sender_id.ljust(15),
        header.receiver_qualifier,
        header.receiver_id.ljust(15),
        header.created.strftime("%y%m%d"),
        header.created.strftime("%H%M"),
        d.repetition or "U",
        "00501",
        f"{header.control_number:09d}",
        "1" if header.acknowledgment_requested else "0",
        header.usage,
        d.component,
    ]
    return "ISA" + d.element + d.element.join(fields) + d.segment


def _gs(header: InterchangeHeader, writer: SegmentWriter) -> str:
    return writer.segment(
        "GS",
        [
            header.functional_id,
            header.application_sender,
            header.application_receiver,
            header.created.strftime("%Y%m%d"),
            header.created.strftime("%H%M"),
            str(header.group_control_number),
            "X",
            header.version,
        ],
        2,
    )
