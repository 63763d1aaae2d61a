"""The envelope around transaction sets: ISA/GS/ST … SE/GE/IEA, read leniently.

Reading groups the segments into transaction sets and checks the counts and control numbers the
trailers carry. A wrong SE01 count, a trailer whose control number does not match its header, a
missing trailer or a segment outside any transaction set is a *warning* (payers send all of these
and the content is still readable); a file with no transaction set at all is an ``X12Error``.
A file without ISA/GS (it starts at ST, or even at BPR) is one transaction set.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .errors import X12Error
from .tokenizer import Delimiters, Segment, Tokens, tokenize

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
    return int(a) == int(b) if a.isdigit() and b.isdigit() else a == b


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
