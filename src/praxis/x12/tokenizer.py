"""Splitting X12 text into segments: the delimiters, then the segments, leniently.

The delimiters come from the ISA when it is the fixed 106 characters the standard says
(element separator at position 3, repetition separator in ISA11, component separator in ISA16,
segment terminator right after it). Payers also send an ISA whose fields are not padded to width,
and files with no envelope at all that start at ST (or at BPR, CLP …): then the element separator
is the character after the first segment identifier, the terminator is the first character after
which another segment starts, and the component separator is read off a composite such as
``SVC*HC>99213``. Line breaks and blank lines between segments are ignored.

Whatever cannot be split into segments raises one ``X12Error`` naming the segment and the reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .errors import X12Error

ISA_LENGTH = 106
# Where the element separator sits in a fixed-width ISA (ISA01 … ISA16 each start after one).
_ISA_SEPARATORS = (3, 6, 17, 20, 31, 34, 50, 53, 69, 76, 81, 83, 89, 99, 101, 103)
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_SEGMENT_START = re.compile(r"[A-Z][A-Z0-9]{1,2}")
_WHITESPACE = " \t\r\n"
# Segments an 835 or an acknowledgment may start with when it comes without ST.
BARE_STARTS = frozenset({"ST", "BPR", "TRN", "CLP", "LX", "AK1", "AK2", "BHT", "HL"})
_MAX_ID_SCAN = 4


@dataclass(frozen=True)
class Delimiters:
    element: str = "*"
    component: str = ":"
    repetition: str = "^"
    segment: str = "~"

    def all(self) -> str:
        return self.element + self.component + self.repetition + self.segment


class Segment:
    """One segment: ``seg[1]`` is its first element (X12 numbering), ``''`` when absent."""

    __slots__ = ("elements", "number")

    def __init__(self, elements: list[str], number: int) -> None:
        self.elements = elements
        self.number = number

    @property
    def id(self) -> str:
        return self.elements[0]

    def __getitem__(self, position: int) -> str:
        try:
            return self.elements[position]
        except IndexError:
            return ""

    def __len__(self) -> int:
        return len(self.elements) - 1

    def __repr__(self) -> str:
        return f"Segment({self.number}, {'*'.join(self.elements)!r})"


@dataclass(frozen=True)
class Tokens:
    delimiters: Delimiters
    segments: list[Segment]


def decode(data: bytes | str) -> str:
    """Text from bytes: UTF-8 when it is, else Latin-1; binary content is refused."""
    if isinstance(data, str):
        text = data
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            text = data.decode("latin-1")
    text = text.lstrip("\ufeff")
    if not text.strip():
        raise X12Error("the file is empty")
    sample = text[:4096]
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\r\n\x1c\x1d\x1e\x1f")
    if "\x00" in sample or controls * 20 > len(sample):
        raise X12Error("the file is binary, not X12 text")
    return text


def tokenize(data: bytes | str) -> Tokens:
    """The file's delimiters and its segments, numbered from 1."""
    text = decode(data).lstrip(_WHITESPACE)
    delimiters = _isa_delimiters(text) if text.startswith("ISA") else _bare_delimiters(text)
    return Tokens(delimiters, list(_segments(text, delimiters)))


def _isa_delimiters(text: str) -> Delimiters:
    element = text[3:4]
    if not element or element.isalnum() or element in _WHITESPACE:
        raise X12Error("the ISA has no element separator after 'ISA'", segment=1)
    if len(text) >= ISA_LENGTH and all(text[i] == element for i in _ISA_SEPARATORS):
        component, terminator, repetition = text[104], text[105], text[82]
    else:
        component, terminator, repetition = _loose_isa(text, element)
    if component.isalnum() or component == element or component in _WHITESPACE:
        raise X12Error(f"ISA16 {component!r} cannot be the component separator", segment=1)
    if terminator.isalnum() or terminator in (element, component):
        raise X12Error(
            f"{terminator!r} after ISA16 cannot be the segment terminator (the ISA is cut short "
            "or not 106 characters)",
            segment=1,
        )
    # In 4010 ISA11 is "U" (a standards id), not a separator: there are no repetitions then.
    if repetition.isalnum() or repetition in (element, component, terminator, " "):
        repetition = ""
    return Delimiters(element, component, repetition, terminator)


def _loose_isa(text: str, element: str) -> tuple[str, str, str]:
    """The separators of an ISA whose fields are not padded to their fixed widths."""
    position, fields = 3, []  # position: the separator before ISA01, then before ISA16
    for _ in range(15):
        following = text.find(element, position + 1)
        if following < 0:
            raise X12Error("the ISA has fewer than 16 elements", segment=1)
        fields.append(text[position + 1 : following])
        position = following
    tail = text[position + 1 : position + 3]
    if len(tail) < 2:
        raise X12Error("the file ends inside the ISA", segment=1)
    repetition = fields[10] if len(fields[10]) == 1 else ""
    return tail[0], tail[1], repetition


def _bare_delimiters(text: str) -> Delimiters:
    """Delimiters of a file without an ISA: it must start with a segment such as ST or BPR."""
    head = _SEGMENT_START.match(text)
    if head is None:
        raise X12Error(f"the file does not start with an X12 segment ({text[:20]!r})", segment=1)
    element = text[head.end() : head.end() + 1]
    if head.group() not in BARE_STARTS or not element or element.isalnum() or element.isspace():
        raise X12Error(
            f"the file starts with {text[:20]!r}: neither an ISA nor a segment such as ST or BPR",
            segment=1,
        )
    terminator = _find_terminator(text, element)
    return Delimiters(element, _find_component(text, element, terminator), "", terminator)


def _find_terminator(text: str, element: str) -> str:
    """The first character after which (past line breaks) another segment starts."""
    for index, ch in enumerate(text[:4096]):
        if ch == element or ch.isalnum() or ch in " \t":
            continue
        rest = text[index + 1 : index + 1 + _MAX_ID_SCAN + 4].lstrip(_WHITESPACE)
        head = _SEGMENT_START.match(rest)
        if head and rest[head.end() : head.end() + 1] == element:
            return "\n" if ch == "\r" else ch
    raise X12Error("no segment terminator found: the file holds at most one segment", segment=1)


def _find_component(text: str, element: str, terminator: str) -> str:
    """The component separator, read off a composite such as ``SVC*HC>99213``; else ':'."""
    for marker in ("SVC", "SV1", "PLB", "STC"):
        at = text.find(marker + element)
        while at >= 0:
            field = text[at + 4 : at + 40].split(element, 2)
            candidates = field[2 if marker == "PLB" else 0][2:3]
            if candidates and not candidates.isalnum() and candidates not in (element, terminator):
                return candidates
            at = text.find(marker + element, at + 1)
    return ":"


def _segments(text: str, delimiters: Delimiters) -> list[Segment]:
    element, terminator = delimiters.element, delimiters.segment
    segments: list[Segment] = []
    append = segments.append
    known: set[str] = set()  # identifiers already checked: a big file has a dozen kinds
    for piece in text.split(terminator):
        if piece[:1] in _WHITESPACE or piece[-1:] in "\r\n":
            piece = piece.strip("\r\n").lstrip(_WHITESPACE)
            if not piece:
                continue
        elements = piece.split(element)
        head = elements[0]
        if head not in known:
            if not _SEGMENT_ID.match(head):
                raise X12Error(
                    f"{head[:20]!r} is not a segment identifier (two or three capitals/digits)",
                    segment=len(segments) + 1,
                )
            known.add(head)
        append(Segment(elements, len(segments) + 1))
    return segments
