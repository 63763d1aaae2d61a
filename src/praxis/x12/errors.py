"""The one exception the X12 package raises for what it cannot read or refuses to write."""

from __future__ import annotations


class X12Error(Exception):
    """A file that cannot be read (or data that cannot be written) as X12.

    ``segment`` is the 1-based position of the offending segment in the file (the ISA is 1), or
    ``None`` when the problem is the file as a whole (empty, binary, no segments at all).
    """

    def __init__(self, reason: str, *, segment: int | None = None) -> None:
        self.reason = reason
        self.segment = segment
        super().__init__(f"segment {segment}: {reason}" if segment is not None else reason)
