"""Element values as Python values: amounts and quantities as ``Decimal``, dates as ISO text."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from .errors import X12Error
from .tokenizer import Segment

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)\Z")
_DATE8 = re.compile(r"[0-9]{8}\Z")


def decimal_or_none(segment: Segment, position: int) -> Decimal | None:
    """The number in ``segment[position]``; ``None`` when empty; ``X12Error`` when not a number."""
    text = segment[position]
    if not text:
        return None
    value = _number(text)
    if value is None:
        if text.isspace():
            return None
        raise X12Error(
            f"{segment.id}{position:02d} {text.strip()[:20]!r} is not a number (digits, an "
            "optional sign and decimal point)",
            segment=segment.number,
        )
    return value


@lru_cache(maxsize=8192)
def _number(text: str) -> Decimal | None:
    """Amounts repeat through a file ("0", "25", "100"): each text is parsed once."""
    text = text.strip()
    if not text:
        return None  # only spaces: treated by the caller as not a number
    return Decimal(text) if _NUMBER.match(text) else None


def amount(segment: Segment, position: int, warnings: list[str] | None = None) -> Decimal:
    """A required amount: an empty one reads as 0.00, with a warning when a list is given."""
    value = decimal_or_none(segment, position)
    if value is None:
        if warnings is not None:
            warnings.append(
                f"segment {segment.number}: {segment.id}{position:02d} is empty; read as 0.00"
            )
        return ZERO
    return value


@lru_cache(maxsize=4096)
def iso_date(text: str) -> str:
    """CCYYMMDD as YYYY-MM-DD; anything else (a range, a typo) is given back as it came."""
    if _DATE8.match(text):
        try:
            return date(int(text[:4]), int(text[4:6]), int(text[6:])).isoformat()
        except ValueError:
            return text
    return text


def money_text(value: Decimal) -> str:
    """An amount as text with two places ("125.00"); more places are kept as written."""
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= -2:
        value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{value + 0:f}"  # + 0 turns -0.00 into 0.00


def article(kind: str) -> str:
    """ "an 835", "a 999": the article as the name is said aloud."""
    return f"an {kind}" if kind[:1] == "8" else f"a {kind}"


@contextmanager
def paused_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while a big file becomes objects: it would rescan
    them over and over for nothing (none of them form cycles worth collecting mid-read)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
