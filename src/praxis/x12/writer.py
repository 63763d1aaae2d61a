"""Writing segments strictly: every value is checked before it is written.

A value may hold only printable ASCII (the X12 basic and extended character sets) and none of
the four delimiters; a segment identifier is two or three capitals or digits. Trailing empty
elements (and trailing empty components of a composite) are left off, as the standard wants.
What breaks a rule raises ``X12Error`` naming the segment's position in the output and the
element (``NM103``), so a caller can tell the person which field to fix.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .errors import X12Error
from .tokenizer import Delimiters

Element = str | Sequence[str]  # a plain value, or the components of a composite
_SEGMENT_ID = re.compile(r"[A-Z][A-Z0-9]{1,2}\Z")
_PRINTABLE = re.compile(r"[\x20-\x7e]*\Z")


class SegmentWriter:
    """Renders segments with one set of delimiters, checking every value."""

    def __init__(self, delimiters: Delimiters) -> None:
        chosen = delimiters.all()
        if len(set(chosen)) != len(chosen) or any(
            ch.isalnum() or ch == " " or len(ch) != 1
            for ch in (
                delimiters.element,
                delimiters.component,
                delimiters.repetition,
                delimiters.segment,
            )
        ):
            raise X12Error(f"the delimiters {chosen!r} must be four different non-alphanumerics")
        self.delimiters = delimiters
        self._forbidden = re.compile(f"[{re.escape(chosen)}]")

    def check(self, value: str, where: str, number: int) -> str:
        if not _PRINTABLE.match(value):
            odd = next(ch for ch in value if not " " <= ch <= "~")
            raise X12Error(
                f"{where} {value!r}: {odd!r} is outside the X12 character set", segment=number
            )
        if self._forbidden.search(value):
            raise X12Error(
                f"{where} {value!r} contains a delimiter ({self.delimiters.all()!r})",
                segment=number,
            )
        return value

    def segment(self, segment_id: str, elements: Sequence[Element], number: int) -> str:
        """One segment with its terminator; ``number`` is its position for error messages."""
        if not _SEGMENT_ID.match(segment_id):
            raise X12Error(f"{segment_id!r} is not a segment identifier", segment=number)
        d = self.delimiters
        out = [segment_id]
        for position, value in enumerate(elements, start=1):
            where = f"{segment_id}{position:02d}"
            if isinstance(value, str):
                out.append(self.check(value, where, number))
            else:
                parts = [
                    self.check(part, f"{where}-{i}", number)
                    for i, part in enumerate(value, start=1)
                ]
                while parts and not parts[-1]:
                    parts.pop()
                out.append(d.component.join(parts))
        while len(out) > 1 and not out[-1]:
            out.pop()
        return d.element.join(out) + d.segment
